//! Code search and tree suggestion against the shipped packs.

use incident_engine::call::search::{suggest_trees, CodeSearch};

mod support;
use support::{council, housing};

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

/// What a handler types, and the code they mean: the first result (issue 13). Each word found in
/// a code's title or keywords, whole or as the start of a word, beats a word found only inside
/// another word or in another field; a keyword or title that is what was typed beats one that only
/// contains it.
const FIRST_CODE: &[(&str, &str, &str)] = &[
    // The council pack.
    ("council", "gas", "UT-GAS-01"),
    ("council", "smell of gas", "UT-GAS-01"),
    ("council", "pothole", "HW-POT-01"),
    ("council", "flood", "HW-FLD-01"),
    ("council", "dog", "AW-DOG-01"),
    ("council", "stray", "AW-STR-01"),
    ("council", "noise", "EH-NSE-01"),
    ("council", "alarm", "EH-NSE-02"),
    ("council", "tree down", "HW-TRE-01"),
    ("council", "lift", "HS-LFT-01"),
    ("council", "no heating", "HS-HTG-01"),
    ("council", "leak", "HS-LKS-01"),
    ("council", "burst pipe", "HS-LKS-01"),
    ("council", "burst main", "UT-WTR-01"),
    ("council", "ice", "HW-ICE-01"),
    ("council", "evacuation", "EP-EVC-01"),
    ("council", "chemical", "EH-CHM-01"),
    ("council", "obstr", "HW-OBS-01"),
    ("council", "manhole", "HW-MAN-01"),
    ("council", "car on fire", "HW-ABV-04"),
    ("council", "fly tipping", "EH-FLY-01"),
    ("council", "needle", "SC-NDL-01"),
    ("council", "homeless", "HL-HML-01"),
    ("council", "carbon monoxide", "UT-CO-01"),
    ("council", "power cut", "UT-PWR-01"),
    ("council", "street light", "SL-LGT-01"),
    // The housing repairs pack.
    ("housing", "gas", "HH-GAS-01"),
    ("housing", "leak", "HH-LK-01"),
    ("housing", "flood", "HH-LK-01"),
    ("housing", "no heating", "HH-HTG-01"),
    ("housing", "boiler", "HH-HTG-01"),
    ("housing", "lift", "HH-LIFT-01"),
    ("housing", "noise", "HH-ASB-01"),
    ("housing", "toilet", "HH-WC-01"),
    ("housing", "mould", "HH-DAMP-01"),
    ("housing", "fire", "HH-FIRE-01"),
    ("housing", "fire alarm", "HH-FSB-02"),
    ("housing", "smoke alarm", "HH-ALM-01"),
    ("housing", "co alarm", "HH-CO-01"),
    ("housing", "no power", "HH-ELE-01"),
    ("housing", "power cut", "HH-PWR-01"),
    ("housing", "no water", "HH-WAT-01"),
    ("housing", "burst main", "HH-WAT-02"),
    ("housing", "intercom", "HH-DOOR-01"),
    ("housing", "domestic abuse", "HH-DA-01"),
];

#[test]
fn the_first_code_is_the_one_the_handler_means() {
    let (council, housing) = (council(), housing());
    let mut searches = [CodeSearch::new(&council), CodeSearch::new(&housing)];
    let mut wrong = Vec::new();
    for (pack_name, query, expected) in FIRST_CODE {
        let (pack, search) = match *pack_name {
            "council" => (&council, &mut searches[0]),
            _ => (&housing, &mut searches[1]),
        };
        let found = codes(pack, search, query);
        if found.first().map(String::as_str) != Some(expected) {
            wrong.push(format!(
                "{pack_name:8} {query:16} expected {expected:10} got {found:?}"
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {}:\n{}",
        wrong.len(),
        FIRST_CODE.len(),
        wrong.join("\n")
    );
}

/// What the caller said, the tree to suggest first (`None`: no tree at all), and trees that
/// must not be suggested.
const SUGGESTED: &[(&str, &str, Option<&str>, &[&str])] = &[
    // The council pack.
    ("council", "main road", None, &[]),
    (
        "council",
        "I live on the main road, by the house on the corner",
        None,
        &[],
    ),
    ("council", "hello there", None, &[]),
    ("council", "", None, &[]),
    (
        "council",
        "water pouring out of a burst main in the road",
        Some("water-leak"),
        &["highway-hazard"],
    ),
    (
        "council",
        "I can smell GAS in my kitchen!",
        Some("gas-smell"),
        &[],
    ),
    (
        "council",
        "I can smell gas in the street outside number 14",
        Some("gas-smell"),
        &[],
    ),
    (
        "council",
        "The carbon monoxide alarm in the kitchen is going off",
        Some("gas-smell"),
        &[],
    ),
    (
        "council",
        "The road is flooding outside the school",
        Some("flooding"),
        &["highway-hazard"],
    ),
    (
        "council",
        "the river is rising and water is coming into the house",
        Some("flooding"),
        &[],
    ),
    (
        "council",
        "there's a tree down across the road",
        Some("fallen-tree"),
        &["highway-hazard"],
    ),
    (
        "council",
        "a huge pothole in the main road",
        Some("highway-hazard"),
        &["water-leak"],
    ),
    (
        "council",
        "the street lights are all out on our road",
        Some("lighting-signals"),
        &["highway-hazard"],
    ),
    (
        "council",
        "two dogs running loose on the estate",
        Some("dog"),
        &[],
    ),
    (
        "council",
        "loud music and a party next door",
        Some("noise"),
        &["housing-repair"],
    ),
    (
        "council",
        "a man sleeping rough in the doorway, it's freezing",
        Some("rough-sleeper"),
        &[],
    ),
    (
        "council",
        "the power's off in the whole street",
        Some("power-cut"),
        &[],
    ),
    // The housing repairs pack.
    (
        "housing",
        "Water is dripping through my ceiling",
        Some("leaks-and-toilets"),
        &[],
    ),
    (
        "housing",
        "I think I can smell gas",
        Some("heating-and-gas"),
        &[],
    ),
    (
        "housing",
        "the boiler's stopped and the radiators are cold",
        Some("heating-and-gas"),
        &[],
    ),
    (
        "housing",
        "no water coming out of the taps",
        Some("water-supply"),
        &[],
    ),
    (
        "housing",
        "the lift is stuck between floors",
        Some("lifts-damp-and-asb"),
        &[],
    ),
    (
        "housing",
        "black mould all over the bedroom wall",
        Some("lifts-damp-and-asb"),
        &[],
    ),
    ("housing", "the main road outside my flat", None, &[]),
    (
        "housing",
        "hello, is that the council? it's about my house",
        None,
        &[],
    ),
];

#[test]
fn trees_are_suggested_only_for_a_meaningful_match() {
    let (council, housing) = (council(), housing());
    let mut wrong = Vec::new();
    for (pack_name, said, first, absent) in SUGGESTED {
        let pack = if *pack_name == "council" {
            &council
        } else {
            &housing
        };
        let trees = &pack.file().trees;
        let ids: Vec<&str> = suggest_trees(pack, said)
            .into_iter()
            .map(|i| trees[i].id.as_str())
            .collect();
        let first_ok = match first {
            Some(first) => ids.first() == Some(first),
            None => ids.is_empty(),
        };
        if !first_ok || absent.iter().any(|a| ids.contains(a)) {
            wrong.push(format!(
                "{pack_name:8} {said:?}: expected {first:?} first, none of {absent:?}; got {ids:?}"
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {}:\n{}",
        wrong.len(),
        SUGGESTED.len(),
        wrong.join("\n")
    );
}

mod typing {
    use super::{council, housing};
    use incident_engine::call::search::{suggest_trees, CodeSearch};
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

        /// Any text at all, typed or said, never panics, and a search lists no more codes than
        /// asked for, each once.
        #[test]
        fn any_text_is_searched_and_suggested_without_panic(
            text in prop_oneof![any::<String>(), "[ a-z'’-]{0,30}", "(\\PC|[!^'$\\\\ ]){0,30}"],
            limit in 0usize..30,
        ) {
            for pack in [council(), housing()] {
                let mut search = CodeSearch::new(&pack);
                let hits = search.search(&text, limit);
                prop_assert!(hits.len() <= limit);
                let mut indices: Vec<usize> = hits.iter().map(|h| h.index).collect();
                indices.sort_unstable();
                indices.dedup();
                prop_assert_eq!(indices.len(), hits.len());
                prop_assert!(indices.iter().all(|i| *i < pack.file().codes.len()));
                let trees = suggest_trees(&pack, &text);
                prop_assert!(trees.iter().all(|i| *i < pack.file().trees.len()));
            }
        }
    }
}

#[test]
fn letters_in_order_find_a_code_and_accents_do_not_matter() {
    let pack = council();
    let mut search = CodeSearch::new(&pack);
    // No code contains "hwfld" as text: the fuzzy tier finds its letters in order.
    assert_eq!(codes(&pack, &mut search, "hwfld")[0], "HW-FLD-01");
    // A handler who types an accent, or none, finds the same codes.
    assert_eq!(
        codes(&pack, &mut search, "pothôle"),
        codes(&pack, &mut search, "pothole")
    );
    assert_eq!(codes(&pack, &mut search, "POTHOLE")[0], "HW-POT-01");
}

/// The best `limit` hits are the first `limit` of every hit, best first, ties in pack order,
/// whatever the limit (the selection keeps a short list of the best so far).
#[test]
fn the_best_few_are_the_first_of_all_in_order() {
    let pack = council();
    let mut search = CodeSearch::new(&pack);
    for query in [
        "gas",
        "water",
        "tree road",
        "noise",
        "a",
        "flood",
        "xyz",
        "p",
    ] {
        let all = search.search(query, usize::MAX);
        for pair in all.windows(2) {
            let (a, b) = (&pair[0], &pair[1]);
            assert!(
                a.score > b.score || (a.score == b.score && a.index < b.index),
                "{query}: {a:?} before {b:?}"
            );
        }
        for limit in [0, 1, 2, 3, 5, 20] {
            let few = search.search(query, limit);
            assert_eq!(few, all[..limit.min(all.len())].to_vec(), "{query} {limit}");
        }
    }
}
