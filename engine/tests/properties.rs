//! Property tests: `parse_pack` never panics, whatever it is fed (arbitrary bytes, arbitrary JSON,
//! and a valid pack mutated at random places), every problem it reports is located, and a pack
//! that passes survives a round trip through its own JSON.

use incident_engine::{parse_pack, PackLoadError};
use proptest::prelude::*;
use serde_json::{json, Value};

const VALID: &str = include_str!("../../tests/fixtures/packs/problems/valid.json");

fn arbitrary_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        "[a-zA-Z0-9 {}_.-]{0,12}".prop_map(Value::String),
        prop::sample::select(vec![
            "P1",
            "P2",
            "q1",
            "q2",
            "deep",
            "minor",
            "HW-FLD-01",
            "highways",
            "{agent}",
            "yes"
        ])
        .prop_map(|s| Value::String(s.to_owned())),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_]{1,10}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Every container path in `value`, as a list of keys and indices.
fn paths(value: &Value, here: &mut Vec<PathStep>, out: &mut Vec<Vec<PathStep>>) {
    out.push(here.clone());
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                here.push(PathStep::Key(k.clone()));
                paths(v, here, out);
                here.pop();
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                here.push(PathStep::Index(i));
                paths(v, here, out);
                here.pop();
            }
        }
        _ => {}
    }
}

#[derive(Debug, Clone)]
enum PathStep {
    Key(String),
    Index(usize),
}

fn at_mut<'v>(value: &'v mut Value, path: &[PathStep]) -> Option<&'v mut Value> {
    path.iter().try_fold(value, |v, step| match step {
        PathStep::Key(k) => v.get_mut(k.as_str()),
        PathStep::Index(i) => v.get_mut(*i),
    })
}

#[derive(Debug, Clone)]
enum Mutation {
    Replace(usize, Value),
    Remove(usize),
    DuplicateInArray(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), arbitrary_json()).prop_map(|(i, v)| Mutation::Replace(i, v)),
        any::<usize>().prop_map(Mutation::Remove),
        any::<usize>().prop_map(Mutation::DuplicateInArray),
    ]
}

fn apply(pack: &mut Value, mutation: &Mutation) {
    let mut all = Vec::new();
    paths(pack, &mut Vec::new(), &mut all);
    let pick = |i: usize| all[i % all.len()].clone();
    match mutation {
        Mutation::Replace(i, new) => {
            if let Some(slot) = at_mut(pack, &pick(*i)) {
                *slot = new.clone();
            }
        }
        Mutation::Remove(i) => {
            let path = pick(*i);
            if let Some((last, parent)) = path.split_last() {
                match (at_mut(pack, parent), last) {
                    (Some(Value::Object(map)), PathStep::Key(k)) => {
                        map.remove(k);
                    }
                    (Some(Value::Array(items)), PathStep::Index(i)) if *i < items.len() => {
                        items.remove(*i);
                    }
                    _ => {}
                }
            }
        }
        Mutation::DuplicateInArray(i) => {
            if let Some(Value::Array(items)) = at_mut(pack, &pick(*i)) {
                if let Some(first) = items.first().cloned() {
                    items.push(first);
                }
            }
        }
    }
}

fn assert_located(result: &Result<incident_engine::Pack, PackLoadError>) {
    if let Err(PackLoadError::Invalid { problems }) = result {
        assert!(!problems.is_empty());
        for problem in problems {
            assert!(
                !problem.path.is_empty(),
                "a problem without a path: {problem:?}"
            );
            assert!(
                !problem.message.is_empty(),
                "a problem without a message: {problem:?}"
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = parse_pack(&bytes);
    }

    #[test]
    fn arbitrary_json_never_panics(value in arbitrary_json()) {
        let bytes = serde_json::to_vec(&value).unwrap();
        assert_located(&parse_pack(&bytes));
    }

    #[test]
    fn mutated_valid_packs_never_panic_and_every_problem_is_located(
        mutations in prop::collection::vec(mutation(), 1..4)
    ) {
        let mut pack: Value = serde_json::from_str(VALID).unwrap();
        for m in &mutations {
            apply(&mut pack, m);
        }
        let bytes = serde_json::to_vec_pretty(&pack).unwrap();
        let result = parse_pack(&bytes);
        assert_located(&result);
        if let Ok(checked) = result {
            // A pack that passes survives a round trip through its own JSON unchanged.
            let again = parse_pack(&serde_json::to_vec(checked.file()).unwrap()).expect("round trip");
            prop_assert_eq!(again.file(), checked.file());
        }
    }
}
