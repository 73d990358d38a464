//! `kernel::SortedMap` stands in for `BTreeMap` (issue 14): after any sequence of changes both hold
//! the same entries in the same order, and they read and write the same JSON.

use std::collections::{BTreeMap, BTreeSet};

use incident_engine::kernel::{SortedMap, SortedSet};
use proptest::prelude::*;

#[derive(Clone, Debug)]
enum Op {
    Insert(u8, u16),
    Remove(u8),
    GetOrInsert(u8, u16),
    Bump(u8),
    RetainEven,
    Clear,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (any::<u8>(), any::<u16>()).prop_map(|(k, v)| Op::Insert(k % 40, v)),
        3 => any::<u8>().prop_map(|k| Op::Remove(k % 40)),
        2 => (any::<u8>(), any::<u16>()).prop_map(|(k, v)| Op::GetOrInsert(k % 40, v)),
        2 => any::<u8>().prop_map(|k| Op::Bump(k % 40)),
        1 => Just(Op::RetainEven),
        1 => Just(Op::Clear),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn changes_leave_the_same_entries_as_a_btree_map(ops in prop::collection::vec(op(), 0..120)) {
        let mut ours = SortedMap::new();
        let mut std = BTreeMap::new();
        for op in ops {
            match op {
                Op::Insert(k, v) => prop_assert_eq!(ours.insert(k, v), std.insert(k, v)),
                Op::Remove(k) => prop_assert_eq!(ours.remove(&k), std.remove(&k)),
                Op::GetOrInsert(k, v) => {
                    prop_assert_eq!(*ours.get_or_insert_with(k, || v), *std.entry(k).or_insert(v));
                }
                Op::Bump(k) => {
                    if let (Some(a), Some(b)) = (ours.get_mut(&k), std.get_mut(&k)) {
                        *a = a.wrapping_add(1);
                        *b = b.wrapping_add(1);
                    }
                }
                Op::RetainEven => {
                    ours.retain(|_, v| *v % 2 == 0);
                    std.retain(|_, v| *v % 2 == 0);
                }
                Op::Clear => {
                    ours.clear();
                    std.clear();
                }
            }
            prop_assert_eq!(ours.len(), std.len());
            prop_assert!(ours.iter().eq(std.iter()));
            for k in 0..40u8 {
                prop_assert_eq!(ours.get(&k), std.get(&k));
                prop_assert_eq!(ours.contains_key(&k), std.contains_key(&k));
            }
        }
        prop_assert!(ours.keys().eq(std.keys()));
        prop_assert!(ours.values().eq(std.values()));
        prop_assert!(ours.clone().into_iter().eq(std.clone()));
    }

    #[test]
    fn collected_and_json_as_a_btree_map(pairs in prop::collection::vec(("[a-d]{1,2}", any::<i32>()), 0..30)) {
        let ours: SortedMap<String, i32> = pairs.iter().cloned().collect();
        let std: BTreeMap<String, i32> = pairs.iter().cloned().collect();
        prop_assert!(ours.iter().eq(std.iter()));
        prop_assert_eq!(serde_json::to_string(&ours).unwrap(), serde_json::to_string(&std).unwrap());
        // A key given twice in the JSON: the last value wins in both.
        let text = format!(
            "{{{}}}",
            pairs.iter().map(|(k, v)| format!("\"{k}\":{v}")).collect::<Vec<_>>().join(",")
        );
        let ours: SortedMap<String, i32> = serde_json::from_str(&text).unwrap();
        let std: BTreeMap<String, i32> = serde_json::from_str(&text).unwrap();
        prop_assert!(ours.iter().eq(std.iter()));
    }

    #[test]
    fn a_sorted_set_holds_what_a_btree_set_does(ops in prop::collection::vec((any::<bool>(), 0u8..30), 0..80)) {
        let mut ours = SortedSet::new();
        let mut std = BTreeSet::new();
        for (add, member) in ops {
            if add {
                prop_assert_eq!(ours.insert(member), std.insert(member));
            } else {
                prop_assert_eq!(ours.remove(&member), std.remove(&member));
            }
            prop_assert!(ours.iter().eq(std.iter()));
            prop_assert_eq!(ours.contains(&member), std.contains(&member));
        }
    }
}

#[test]
fn not_json_objects_are_refused_as_a_btree_map_refuses_them() {
    for text in ["[]", "3", "\"a\"", "{\"a\": \"x\"}", "{\"a\": 1,}"] {
        let ours = serde_json::from_str::<SortedMap<String, i32>>(text).map_err(|e| e.to_string());
        let std = serde_json::from_str::<BTreeMap<String, i32>>(text).map_err(|e| e.to_string());
        assert_eq!(ours.err(), std.err(), "{text}");
    }
}

#[test]
fn its_schema_is_the_btree_maps() {
    let ours = schemars::schema_for!(SortedMap<String, bool>);
    let std = schemars::schema_for!(BTreeMap<String, bool>);
    assert_eq!(ours, std);
}
