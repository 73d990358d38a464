//! Every class of pack problem the validator knows has a fixture in tests/fixtures/packs/problems/
//! (each a small change to `valid.json`), and each fixture's exact paths and messages are asserted
//! here, so a change to a message or a missed problem fails a test.

use std::path::PathBuf;

use incident_engine::{parse_pack, PackLoadError};

fn problems_in(name: &str) -> Vec<(String, String)> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join(format!("../tests/fixtures/packs/problems/{name}.json"));
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    match parse_pack(&bytes) {
        Ok(_) => vec![],
        Err(PackLoadError::Invalid { problems }) => {
            problems.into_iter().map(|p| (p.path, p.message)).collect()
        }
        Err(PackLoadError::WrongShape { path, message, .. }) => vec![(path, message)],
        Err(other) => panic!("{name}: unexpected {other:?}"),
    }
}

fn assert_problems(name: &str, expected: &[(&str, &str)]) {
    let got = problems_in(name);
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(p, m)| (p.to_string(), m.to_string()))
        .collect();
    assert_eq!(got, expected, "fixture {name}");
}

#[test]
fn the_base_fixture_is_valid() {
    assert_problems("valid", &[]);
}

#[test]
fn unknown_field() {
    assert_problems(
        "unknown-field",
        &[(
            "codes[0].colour",
            "unknown field `colour`, expected one of `code`, `title`, `service`, `default_priority`, `keywords`, `response_plan`, `advice_set`, `required_fields`, `legislation`, `notify`",
        )],
    );
}

#[test]
fn missing_field() {
    assert_problems("missing-field", &[("organisation", "missing field `name`")]);
}

#[test]
fn wrong_type() {
    assert_problems(
        "wrong-type",
        &[(
            "codes[0].default_priority",
            "invalid type: integer `2`, expected a string",
        )],
    );
}

#[test]
fn dangling_reference() {
    assert_problems(
        "dangling-reference",
        &[(
            "codes[0].service",
            "no service \"roads\"; the services are \"highways\"",
        )],
    );
}

#[test]
fn dangling_node_in_a_tree() {
    assert_problems(
        "dangling-node",
        &[(
            "trees[0].nodes[0].answer.yes",
            "no question \"q9\" in this tree; the questions are \"q1\"",
        )],
    );
}

#[test]
fn duplicate_id() {
    assert_problems(
        "duplicate-id",
        &[(
            "priorities[1].id",
            "duplicate priority id \"P1\"; also used at priorities[0]",
        )],
    );
}

#[test]
fn unreachable_node() {
    assert_problems(
        "unreachable-node",
        &[(
            "trees[0].nodes[2]",
            "question \"q3\" cannot be reached from the start \"q1\"",
        )],
    );
}

#[test]
fn path_ending_without_an_outcome() {
    assert_problems(
        "dead-end",
        &[
            (
                "trees[0].nodes[1].answer.options",
                "a choice question needs at least one option; without one the tree stops here without an outcome",
            ),
            ("trees[0].outcomes[0]", "outcome \"deep\" is never reached by any answer"),
        ],
    );
}

#[test]
fn unused_outcome() {
    assert_problems(
        "unused-outcome",
        &[(
            "trees[0].outcomes[2]",
            "outcome \"spare\" is never reached by any answer",
        )],
    );
}

#[test]
fn cycle() {
    assert_problems(
        "cycle",
        &[(
            "trees[0].nodes[1].answer.otherwise",
            "leads back to question \"q1\", making a loop: a call could go round it for ever",
        )],
    );
}

#[test]
fn unknown_placeholder() {
    assert_problems(
        "unknown-placeholder",
        &[(
            "trees[0].nodes[0].question",
            "unknown placeholder {water} at character 7; the placeholders are {agent} and {organisation}",
        )],
    );
}

#[test]
fn priorities_out_of_order() {
    assert_problems(
        "priorities-out-of-order",
        &[(
            "priorities[1].deploy_within_minutes",
            "priorities are out of order: \"P2\" is listed below \"P1\" but has a shorter deploy_within_minutes (10 minutes against 15); list priorities most urgent first",
        )],
    );
}

#[test]
fn outcome_priority_lower_than_a_trigger_it_fires() {
    let message = "priority \"P2\" is less urgent than \"P1\", which escalation trigger \"t-flood\" requires for code \"HW-FLD-01\"";
    assert_problems(
        "priority-below-trigger",
        &[
            ("codes[0].default_priority", message),
            ("trees[0].outcomes[1].priority", message),
        ],
    );
}

#[test]
fn condition_on_a_question_asked_later() {
    assert_problems(
        "condition-on-later-question",
        &[(
            "trees[0].nodes[0].ask_if.answered.node",
            "refers to question \"q2\", which is never asked before question \"q1\"",
        )],
    );
}

#[test]
fn condition_without_skip_to_and_with_an_impossible_answer() {
    assert_problems(
        "condition-without-skip-and-bad-answer",
        &[
            (
                "trees[0].nodes[1].skip_to",
                "a question with ask_if needs skip_to: where the tree goes when the question is not asked",
            ),
            ("trees[0].nodes[1].ask_if.answered.is", "question \"q1\" has no answer \"maybe\""),
        ],
    );
}

#[test]
fn condition_nested_too_deep() {
    let path = format!("trees[0].nodes[1].ask_if{}", ".not".repeat(16));
    assert_problems(
        "condition-too-deep",
        &[(path.as_str(), "conditions are nested more than 16 deep")],
    );
}

/// The count limits, on packs built here (a fixture file of 20,001 codes would be megabytes).
#[test]
fn too_many_codes_and_too_many_questions_in_a_tree() {
    use incident_engine::validate::{MAX_CODES, MAX_NODES_PER_TREE};
    let base: serde_json::Value = serde_json::from_slice(
        &std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/fixtures/packs/problems/valid.json"
        ))
        .unwrap(),
    )
    .unwrap();

    let mut pack = base.clone();
    let code = pack["codes"][1].clone();
    let codes: Vec<serde_json::Value> = (0..=MAX_CODES)
        .map(|i| {
            let mut c = code.clone();
            c["code"] = format!("GEN-{i}").into();
            c
        })
        .collect();
    pack["codes"] = codes.into();
    let bytes = serde_json::to_vec(&pack).unwrap();
    match parse_pack(&bytes) {
        Err(PackLoadError::Invalid { problems }) => {
            assert!(
                problems
                    .iter()
                    .any(|p| p.path == "codes"
                        && p.message == "20001 codes is over the limit of 20000"),
                "{problems:?}"
            )
        }
        other => panic!("expected the code limit, got {other:?}"),
    }

    let mut pack = base;
    let nodes: Vec<serde_json::Value> = (0..=MAX_NODES_PER_TREE)
        .map(|i| {
            serde_json::json!({
                "id": format!("n{i}"),
                "question": "Again?",
                "answer": { "kind": "text", "next": { "outcome": "minor" } }
            })
        })
        .collect();
    pack["trees"][0]["nodes"] = nodes.into();
    match parse_pack(&serde_json::to_vec(&pack).unwrap()) {
        Err(PackLoadError::Invalid { problems }) => assert!(
            problems.iter().any(|p| p.path == "trees[0].nodes"
                && p.message == "1001 questions is over the limit of 1000 for one tree"),
            "{problems:?}"
        ),
        other => panic!("expected the question limit, got {other:?}"),
    }
}
