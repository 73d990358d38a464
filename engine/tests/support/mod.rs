//! What the engine's test files share: the packs they read, the parts of a pack they look up, and
//! a walk through a tree. Each file that needs it says `mod support;` and uses what it needs (so
//! some go unused in some files).
#![allow(dead_code)]

use incident_engine::call::{AnswerValue, Call, Command};
use incident_engine::pack::{AdviceLimit, AdviceSet, DecisionTree, IncidentCode, Outcome};
use incident_engine::{parse_pack, Pack};

/// The time calls are opened and answered at.
pub const T0: u64 = 1_800_000_000_000;

/// The checked pack at `relative`, a path from the repository's root.
pub fn pack(relative: &str) -> Pack {
    let path = format!("{}/../{relative}", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    parse_pack(&bytes).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The shipped council pack (the default).
pub fn council() -> Pack {
    pack("packs/council-out-of-hours.json")
}

/// The shipped housing association's pack.
pub fn housing() -> Pack {
    pack("packs/housing-repairs.json")
}

/// The decision tree `id` of `pack`.
pub fn tree<'p>(pack: &'p Pack, id: &str) -> &'p DecisionTree {
    pack.tree(id)
        .unwrap_or_else(|| panic!("no tree {id} in the pack"))
}

/// The outcome `id` of `tree`.
pub fn outcome<'p>(tree: &'p DecisionTree, id: &str) -> &'p Outcome {
    tree.outcomes
        .iter()
        .find(|o| o.id == id)
        .unwrap_or_else(|| panic!("no outcome {id} in tree {}", tree.id))
}

/// The incident code `code` of `pack`.
pub fn code<'p>(pack: &'p Pack, code: &str) -> &'p IncidentCode {
    pack.code(code)
        .unwrap_or_else(|| panic!("no incident code {code} in the pack"))
}

/// The advice set `id` of `pack`.
pub fn advice_set<'p>(pack: &'p Pack, id: &str) -> &'p AdviceSet {
    pack.file()
        .advice
        .sets
        .iter()
        .find(|s| s.id == id)
        .unwrap_or_else(|| panic!("no advice set {id}"))
}

/// The words of the advice item `id` of `pack`.
pub fn advice_text<'p>(pack: &'p Pack, id: &str) -> &'p str {
    &pack
        .file()
        .advice
        .items
        .iter()
        .find(|i| i.id == id)
        .unwrap_or_else(|| panic!("no advice item {id}"))
        .text
}

/// The limits in force with an advice set: those that apply everywhere, and the set's own.
pub fn limits_for<'p>(pack: &'p Pack, set: &AdviceSet) -> Vec<&'p AdviceLimit> {
    pack.file()
        .advice
        .limits
        .iter()
        .filter(|l| l.everywhere || set.limits.contains(&l.id))
        .collect()
}

/// A call opened at [`T0`] that chooses `tree` and gives `answers` in order, each to the question
/// asked then, every one accepted.
pub fn walk(pack: &Pack, tree: &str, answers: &[(&str, AnswerValue)]) -> Call {
    let mut call = Call::open(pack, "tester", T0);
    call.apply(pack, T0, Command::ChooseTree { tree: tree.into() })
        .unwrap();
    for (node, value) in answers {
        assert_eq!(call.current_question(), Some(*node), "walking {tree}");
        call.apply(
            pack,
            T0,
            Command::Answer {
                node: (*node).to_owned(),
                value: value.clone(),
            },
        )
        .unwrap_or_else(|e| panic!("answering {node}: {e}"));
    }
    call
}

/// The answer that picks option `id`.
pub fn option(id: &str) -> AnswerValue {
    AnswerValue::Option(id.to_owned())
}

/// The shipped water company's pack (issue 15).
pub fn water() -> Pack {
    pack("packs/water-incident-line.json")
}
