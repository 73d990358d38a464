//! Code search and tree suggestion against the default pack.

use incident_engine::parse_pack;
use incident_engine::search::{suggest_trees, CodeSearch};

fn council() -> incident_engine::Pack {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../packs/council-out-of-hours.json"
    );
    parse_pack(&std::fs::read(path).unwrap()).unwrap()
}

fn codes(pack: &incident_engine::Pack, search: &mut CodeSearch, query: &str) -> Vec<String> {
    search
        .search(query, 5)
        .into_iter()
        .map(|h| pack.file().codes[h.index].code.clone())
        .collect()
}

#[test]
fn typing_a_code_finds_it_first() {
    let pack = council();
    let mut search = CodeSearch::new(&pack);
    assert_eq!(codes(&pack, &mut search, "UT-GAS")[0], "UT-GAS-01");
    assert_eq!(codes(&pack, &mut search, "ut-gas-01")[0], "UT-GAS-01");
}

#[test]
fn words_find_codes_by_title_and_keywords_fuzzily() {
    let pack = council();
    let mut search = CodeSearch::new(&pack);
    let gas = codes(&pack, &mut search, "smell of gas");
    assert!(gas.contains(&"UT-GAS-01".to_owned()), "{gas:?}");
    let typo = codes(&pack, &mut search, "fallen tre");
    assert!(
        typo.iter().any(|c| c.contains("TREE") || c.contains("TRE")),
        "{typo:?}"
    );
    assert!(codes(&pack, &mut search, "zzqqxx").is_empty());
}

#[test]
fn empty_query_lists_codes_in_pack_order() {
    let pack = council();
    let mut search = CodeSearch::new(&pack);
    let first: Vec<String> = pack
        .file()
        .codes
        .iter()
        .take(5)
        .map(|c| c.code.clone())
        .collect();
    assert_eq!(codes(&pack, &mut search, "  "), first);
}

#[test]
fn trees_are_suggested_from_the_callers_words() {
    let pack = council();
    let suggested = suggest_trees(&pack, "I can smell GAS in my kitchen!");
    assert_eq!(pack.file().trees[suggested[0]].id, "gas-smell");
    assert!(
        suggest_trees(&pack, "hello there").is_empty()
            || !suggest_trees(&pack, "hello there").contains(&suggested[0])
    );
}

mod typing {
    use super::council;
    use incident_engine::search::CodeSearch;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Typing (narrowing on each added character) finds exactly what a fresh search finds,
        /// whatever is typed, pattern syntax and deletions included.
        #[test]
        fn typing_finds_what_a_fresh_search_finds(
            keys in proptest::collection::vec(
                prop_oneof![
                    8 => proptest::sample::select("abcdefghilmnorstuwy -0123".chars().collect::<Vec<_>>()).prop_map(Some),
                    1 => proptest::sample::select("!^'$\\".chars().collect::<Vec<_>>()).prop_map(Some),
                    1 => Just(None), // Backspace
                ],
                1..24,
            )
        ) {
            let pack = council();
            let mut typing = CodeSearch::new(&pack);
            let mut query = String::new();
            for key in keys {
                match key {
                    Some(c) => query.push(c),
                    None => { query.pop(); }
                }
                let narrowed = typing.search(&query, 20);
                let fresh = CodeSearch::new(&pack).search(&query, 20);
                prop_assert_eq!(narrowed, fresh, "query {:?}", query);
            }
        }
    }
}
