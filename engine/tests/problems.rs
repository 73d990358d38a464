//! Every class of pack problem the validator knows has a fixture in tests/fixtures/packs/problems/
//! (each a small change to `valid.json`), and each fixture's exact paths and messages are asserted
//! here, so a change to a message or a missed problem fails a test. Warnings (a pack that can be
//! used, with something probably wrong in it) have fixtures of their own, `warning-*.json`, and
//! their exact paths and messages are asserted through `Pack::warnings`.

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

fn fixture_bytes(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join(format!("../tests/fixtures/packs/problems/{name}.json"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The warnings of a fixture that must be a usable pack.
fn warnings_in(bytes: &[u8]) -> Vec<(String, String)> {
    match parse_pack(bytes) {
        Ok(pack) => pack
            .warnings()
            .iter()
            .map(|p| (p.path.clone(), p.message.clone()))
            .collect(),
        Err(e) => panic!("expected a usable pack, got {e}"),
    }
}

fn assert_warnings(name: &str, expected: &[(&str, &str)]) {
    let got = warnings_in(&fixture_bytes(name));
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(p, m)| (p.to_string(), m.to_string()))
        .collect();
    assert_eq!(got, expected, "fixture {name}");
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
    assert_warnings("valid", &[]);
}

#[test]
fn unknown_field() {
    assert_problems(
        "unknown-field",
        &[(
            "codes[0].colour",
            "unknown field `colour`, expected one of `code`, `title`, `service`, `default_priority`, `keywords`, `response_plan`, `advice_set`, `required_fields`, `legislation`, `notify`, `routes`, `deadlines`",
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
            "invalid type: number `2`, expected text in double quotes",
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
            "unknown placeholder {water} at character 7; the placeholders are {agent}, {organisation}, {reference}, {caller_name}, {callback}, {location}, {code_title}, {attend_within} and {deploy_within}",
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

#[test]
fn units_hours_that_do_not_read() {
    let time = "is not a time of day: write HH:MM on the 24-hour clock, 00:00 to 23:59 (a window that ends at midnight ends at 00:00)";
    assert_problems(
        "bad-hours",
        &[
            (
                "resources.units[0].hours[0].days",
                "a window needs at least one day: \"mon\", \"tue\", \"wed\", \"thu\", \"fri\", \"sat\" or \"sun\"",
            ),
            ("resources.units[0].hours[0].to", &format!("\"25:00\" {time}")),
            (
                "resources.units[0].hours[1].days[2]",
                "duplicate day \"mon\"; also listed at resources.units[0].hours[1].days[0]",
            ),
            ("resources.units[0].hours[1].from", &format!("\"8:00\" {time}")),
            (
                "resources.units[1].hours",
                "an empty list of hours means the unit can never be sent; add a window, or leave hours out if it can be sent at any time",
            ),
        ],
    );
}

#[test]
fn units_hours_on_an_unknown_day() {
    assert_problems(
        "unknown-day",
        &[(
            "resources.units[0].hours[0].days[1]",
            "unknown variant `funday`, expected one of `mon`, `tue`, `wed`, `thu`, `fri`, `sat`, `sun`",
        )],
    );
}

#[test]
fn must_say_advice_that_a_limit_in_force_forbids() {
    assert_problems(
        "must-say-over-limit",
        &[(
            "advice.sets[0].items[1]",
            "must-say advice \"adv-evacuate\" breaks advice limit \"no-evacuation\", which applies with this set: its words \"evacuate\" match the pattern \"evacuat*\", so the handler must say words they must not say; reword the advice, or change the limit's patterns",
        )],
    );
}

#[test]
fn number_branches_no_answer_can_take() {
    assert_problems(
        "number-branch-never-holds",
        &[
            (
                "trees[0].nodes[1].answer.branches[0]",
                "this branch holds only for answers of at least 400 cm, but the question accepts no answer above 300 cm (its max), so no call can take it; lower at_least or raise the question's max",
            ),
            (
                "trees[0].nodes[1].answer.branches[1]",
                "this branch holds only for answers below 0 cm, but the question accepts no answer below 0 cm (its min), so no call can take it; raise below or lower the question's min",
            ),
            (
                "trees[0].nodes[1].answer.branches[2]",
                "this branch holds only for answers of at least 50 cm and below 20 cm, and no number is both, so no call can take it; at_least must be smaller than below",
            ),
        ],
    );
}

#[test]
fn placeholders_only_where_they_are_filled() {
    let elsewhere = "is not filled in here: placeholders are filled only in wording, advice and questions; write the words out here";
    assert_problems(
        "placeholder-outside-wording",
        &[
            (
                "advice.items[0].text",
                "unknown placeholder {caller} at character 13; the placeholders are {agent}, {organisation}, {reference}, {caller_name}, {callback}, {location}, {code_title}, {attend_within} and {deploy_within}",
            ),
            ("trees[0].nodes[0].guidance", &format!("{{agent}} {elsewhere}")),
            (
                "trees[0].outcomes[0].reason",
                &format!("{{organisation}} {elsewhere}"),
            ),
        ],
    );
}

#[test]
fn warning_a_response_plan_the_units_hours_cannot_meet() {
    let gap = "no surveyor is available from Friday 18:00 to Monday 08:00 (62 hours); give units of this type hours that cover that time, or add a unit that is available then";
    assert_warnings(
        "warning-hours-gap",
        &[
            (
                "codes[0].response_plan[0]",
                &format!("P1 must attend within 1 hour (trees[0].outcomes[0] gives this code P1), but {gap}"),
            ),
            (
                "codes[1].response_plan[0]",
                &format!("P2 must attend within 24 hours, but {gap}"),
            ),
            (
                "codes[1].response_plan[1]",
                "no unit of type \"crew\" is in the pack, so this response plan can never be met; add units of this type to resources.units, or change the response plan",
            ),
        ],
    );
}

/// The same pack, with the surveyor's hours changed: covering the gap, or a unit with no hours.
#[test]
fn no_warning_when_the_hours_cover_the_targets() {
    let mut pack: serde_json::Value =
        serde_json::from_slice(&fixture_bytes("warning-hours-gap")).unwrap();
    pack["codes"][1]["response_plan"] =
        serde_json::json!([{ "resource_type": "surveyor", "count": 1 }]);
    let unit = pack["resources"]["units"][0].clone();
    let mut nights = unit.clone();
    nights["id"] = "sv2".into();
    // Every night, 18:00 to 08:00 the next day, and all weekend: with weekdays 08:00-18:00 the
    // whole week is covered.
    nights["hours"] = serde_json::json!([
        { "days": ["mon", "tue", "wed", "thu", "fri"], "from": "18:00", "to": "08:00" },
        { "days": ["sat", "sun"], "from": "08:00", "to": "08:00" }
    ]);
    pack["resources"]["units"] = serde_json::json!([unit.clone(), nights]);
    assert_eq!(warnings_in(&serde_json::to_vec(&pack).unwrap()), vec![]);

    let mut always = unit;
    always["id"] = "sv3".into();
    always.as_object_mut().unwrap().remove("hours");
    pack["resources"]["units"][1] = always;
    assert_eq!(warnings_in(&serde_json::to_vec(&pack).unwrap()), vec![]);
}

#[test]
fn warning_an_outcome_that_drops_what_the_rest_of_its_tree_carries() {
    assert_warnings(
        "warning-dropped-on-recoding",
        &[(
            "trees[1].outcomes[2].code",
            "code \"EM-999-01\" drops notify gas-emergency and advice adv-co-fresh-air, which every other outcome of this tree carries; if callers who reach this outcome need them too, add the organisation to the code's notify and the advice to its advice set, or give the outcome an advice_set with the advice",
        )],
    );
}

/// Trees whose outcomes legitimately differ, and outcomes that are not the only one lacking something,
/// are not warned about.
#[test]
fn no_warning_unless_one_outcome_is_the_odd_one_out() {
    let base: serde_json::Value =
        serde_json::from_slice(&fixture_bytes("warning-dropped-on-recoding")).unwrap();

    // The carbon monoxide code no longer notifies the gas service: nothing is common to all the
    // other outcomes of the unwell one, and the gas outcome is not the odd one out either.
    let mut pack = base.clone();
    pack["codes"][3]["notify"] = serde_json::json!([]);
    pack["advice"]["sets"][2]["items"] = serde_json::json!(["adv-reference"]);
    assert_eq!(warnings_in(&serde_json::to_vec(&pack).unwrap()), vec![]);

    // Two outcomes recoded alike: neither is the odd one out.
    let mut pack = base.clone();
    pack["trees"][1]["outcomes"][1]["code"] = "EM-999-01".into();
    assert_eq!(warnings_in(&serde_json::to_vec(&pack).unwrap()), vec![]);

    // The outcome brings the advice itself (its own advice set), and its code notifies the gas
    // service: nothing is dropped.
    let mut pack = base.clone();
    pack["codes"][4]["notify"] = serde_json::json!(["gas-emergency"]);
    pack["trees"][1]["outcomes"][2]["advice_set"] = "set-co".into();
    assert_eq!(warnings_in(&serde_json::to_vec(&pack).unwrap()), vec![]);

    // The other outcomes share one code: what that code carries is the code's, not the tree's.
    let mut pack = base;
    pack["trees"][1]["outcomes"][1]["code"] = "UT-GAS-01".into();
    assert_eq!(warnings_in(&serde_json::to_vec(&pack).unwrap()), vec![]);
}

#[test]
fn warning_may_say_advice_that_a_limit_in_force_forbids() {
    assert_warnings(
        "warning-may-say-over-limit",
        &[(
            "advice.sets[0].items[1]",
            "may-say advice \"adv-wall\" breaks advice limit \"no-safety-verdict\", which applies on every call: its words \"is safe\" match the pattern \"is safe\", so the handler is offered words they must not say; reword the advice, take it out of this set, or change the limit's patterns",
        )],
    );
}

/// The count limits, on packs built here (a fixture file of 20,001 codes would be megabytes).
#[test]
fn too_many_codes_and_too_many_questions_in_a_tree() {
    use incident_engine::pack::{MAX_CODES, MAX_NODES_PER_TREE};
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

#[test]
fn safety_net_label_a_few_words() {
    assert_problems(
        "safety-label",
        &[
            ("safety_net[0].label", "must not be empty"),
            (
                "safety_net[1].label",
                "is longer than 60 characters; a label is a few words (the question says the rest)",
            ),
        ],
    );
}

#[test]
fn checklist_item_conditions() {
    // A checklist item's `when` is a trigger's, limited to what depends on the call alone, and
    // checked as a trigger's is; "major_incident" is fine.
    let alone = "a checklist item's condition depends on the call alone: use priority_at_least, \
                 keywords, vulnerable_caller, major_incident or codes, not elapsed_minutes or \
                 repeat_caller";
    assert_problems(
        "checklist-when",
        &[
            ("legislation[0].checklist[2].when", alone),
            ("legislation[0].checklist[3].when", alone),
            (
                "legislation[0].checklist[4].when.priority_at_least",
                "no priority \"P9\"; the priorities are \"P1\", \"P2\"",
            ),
            (
                "legislation[0].checklist[5].when.codes[0]",
                "no incident code \"HW-XXX-01\"; the incident codes are \"HW-FLD-01\", \"HW-OBS-01\"",
            ),
        ],
    );
}

/// `parse_pack` finds placeholders out of place by walking the pack's JSON tree, in the order
/// they are written; `validate` (for a pack built in code, which has no document) by walking the
/// pack's `Serialize`, in the order of the format's fields. Over the shipped packs with braces put
/// into hundreds of their texts at random (questions, ids, legislation, unit names), both find the
/// same problems, and every other problem in the same order.
#[test]
fn both_walks_of_the_texts_find_the_same_placeholders() {
    use incident_engine::kernel::{Random, SplitMix64};
    use incident_engine::pack::{read_pack_file, validate};
    use serde_json::Value;

    fn strings(value: &mut Value, out: &mut Vec<*mut String>) {
        match value {
            Value::String(s) => out.push(s as *mut String),
            Value::Array(items) => items.iter_mut().for_each(|v| strings(v, out)),
            Value::Object(members) => members.values_mut().for_each(|v| strings(v, out)),
            _ => {}
        }
    }
    let mut random = SplitMix64::new(31);
    let mut compared = 0;
    for name in ["council-out-of-hours.json", "housing-repairs.json"] {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("../packs/{name}"));
        let shipped: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        for round in 0..60 {
            let mut pack = shipped.clone();
            let mut texts = Vec::new();
            strings(&mut pack, &mut texts);
            for _ in 0..1 + round % 5 {
                let pick = texts[(random.next_u64() % texts.len() as u64) as usize];
                // SAFETY: each pointer is to a distinct string of `pack`, alive and not moved
                // (nothing is added to or removed from it while the pointers are used).
                let text = unsafe { &mut *pick };
                let words = [
                    "{caller}",
                    "{agent}",
                    "{organisation}",
                    "{ x }",
                    "{_a-1}",
                    "{1}",
                ];
                text.push_str(words[(random.next_u64() % words.len() as u64) as usize]);
            }
            let bytes = serde_json::to_vec_pretty(&pack).unwrap();
            let read = match parse_pack(&bytes) {
                Ok(_) => None,
                Err(PackLoadError::Invalid { problems }) => Some(problems),
                // An enumeration's word or a format identifier with braces: not a pack at all.
                Err(_) => continue,
            };
            let built = validate(read_pack_file(&bytes).unwrap()).err();
            let (read, built) = match (read, built) {
                (Some(read), Some(built)) => (read, built),
                (None, None) => continue,
                _ => panic!("{name} round {round}: one walk found problems, the other none"),
            };
            let placed =
                |p: &incident_engine::kernel::Problem| p.message.contains("is not filled in");
            let others = |list: &[incident_engine::kernel::Problem]| {
                list.iter()
                    .filter(|p| !placed(p))
                    .cloned()
                    .collect::<Vec<_>>()
            };
            assert_eq!(others(&read), others(&built), "{name} round {round}");
            let sorted = |list: &[incident_engine::kernel::Problem]| {
                let mut found: Vec<_> = list.iter().filter(|p| placed(p)).cloned().collect();
                found.sort_by(|a, b| a.path.cmp(&b.path));
                found
            };
            assert_eq!(sorted(&read), sorted(&built), "{name} round {round}");
            compared += 1;
        }
    }
    assert!(compared > 80, "only {compared} packs compared");
}

/// A shape problem's place: (path, line, column, message).
fn shape_of(name: &str) -> (String, usize, usize, String) {
    match parse_pack(&fixture_bytes(name)) {
        Err(PackLoadError::WrongShape {
            path,
            line,
            column,
            message,
        }) => (path, line, column, message),
        other => panic!("{name}: expected a shape problem, got {other:?}"),
    }
}

#[test]
fn a_mistake_inside_an_answer_is_reported_where_it_is() {
    // Issue 15: not at the question's answer and its closing brace, but at the field itself.
    assert_eq!(
        shape_of("answer-misspelt-field"),
        (
            "trees[0].nodes[1].answer.branches[0].at_lest".to_owned(),
            81,
            25,
            "unknown field `at_lest`, expected one of `at_least`, `below`, `next`".to_owned()
        )
    );
    assert_eq!(
        shape_of("answer-text-for-number"),
        (
            "trees[0].nodes[1].answer.max".to_owned(),
            75,
            24,
            "invalid type: text \"300\", expected a number".to_owned()
        )
    );
}

#[test]
fn json_nested_past_the_readers_limit_names_the_condition_limit() {
    let (path, line, _, message) = shape_of("json-too-deep");
    assert!(
        path.starts_with("trees[0].nodes[1].ask_if.not.not."),
        "{path}"
    );
    // `ask_if` opens the 6th level on line 88; each `not` opens one more on the next line.
    assert_eq!(line, 88 + (128 - 6), "the line of the 128th level");
    assert_eq!(
        message,
        "nested more than 127 levels deep, so it cannot be read; only a condition (all, any, not) nests this deep in a pack, and conditions may be nested at most 16 deep"
    );
}

#[test]
fn a_duplicate_code_says_code_once() {
    assert_problems(
        "duplicate-code",
        &[(
            "codes[1].code",
            "duplicate incident code \"HW-FLD-01\"; also used at codes[0]",
        )],
    );
}

#[test]
fn shape_messages_use_the_references_words_not_rusts() {
    use incident_engine::pack::plain_words;
    for (serde, plain) in [
        (
            "invalid type: string \"15\", expected u32",
            "invalid type: text \"15\", expected a whole number, 0 or more",
        ),
        (
            "invalid type: floating point `1.5`, expected u32",
            "invalid type: decimal number `1.5`, expected a whole number, 0 or more",
        ),
        (
            "invalid value: integer `-1`, expected u32",
            "invalid value: number `-1`, expected a whole number, 0 or more",
        ),
        (
            "invalid type: null, expected a sequence",
            "invalid type: null, expected a list in [ ]",
        ),
        (
            "invalid type: boolean `true`, expected f64",
            "invalid type: `true`, expected a number",
        ),
        (
            "invalid type: sequence, expected struct Wording",
            "invalid type: list, expected an object in { }",
        ),
        (
            "invalid value: map, expected map with a single key",
            "invalid value: object, expected an object with one field",
        ),
        // What the pack holds is quoted, never reworded; other messages pass through.
        (
            "invalid type: string \"expected u32\", expected a string",
            "invalid type: text \"expected u32\", expected text in double quotes",
        ),
        ("missing field `name`", "missing field `name`"),
        (
            "unknown variant `x`, expected `node` or `outcome`",
            "unknown variant `x`, expected `node` or `outcome`",
        ),
    ] {
        assert_eq!(plain_words(serde), plain, "{serde}");
    }
}

#[test]
fn retention_out_of_range() {
    assert_problems(
        "retention-out-of-range",
        &[
            ("retention.draft_hours", "0 hours is outside 1 to 720 (30 days): drafts must be kept long enough to finish a call, and not for ever"),
            ("retention.delivered_days", "91 days is outside 1 to 90: delivered keys must be kept long enough to stop a late repeat, and not for ever"),
            ("retention.undelivered_alert_hours", "721 hours is outside 1 to 720 (30 days): an entry the CRM has not accepted must be noticed, at the latest after 30 days"),
        ],
    );
}

#[test]
fn custom_fields() {
    assert_problems(
        "custom-fields",
        &[
            ("fields[7].id", "duplicate field id \"account_ref\"; also used at fields[0]"),
            ("fields[1].id", "\"location\" is one of the ten standard log fields, which every pack has; give this field another id, or require the standard one with a code's required_fields"),
            ("fields[2].id", "\"Site Notes\" is not a field id: write lower-case letters, digits and _, starting with a letter (it names the field in log entries and handoffs)"),
            ("fields[3].label", "must not be empty"),
            ("fields[3].unit", "only a number field has unit: make the type \"number\", or remove unit"),
            ("fields[4].options", "a choice field needs at least one option"),
            ("fields[5].options", "only a choice field has options: make the type \"choice\", or remove the options"),
            ("fields[5].min", "the range 10 to 1 is empty"),
            ("fields[6].required_for", "required already makes the field required on every call: remove required_for, or set required to false"),
            ("fields[6].required_for[1]", "no incident code \"HW-FLD-99\"; the incident codes are \"HW-FLD-01\", \"HW-OBS-01\""),
            ("channels[0].may_carry[1]", "site_notes is not personal data, so it always goes; may_carry lists only the personal fields a message may include: caller_name, callback_number, caller_relationship, vehicle_registration, vulnerability, account_ref"),
            ("channels[0].may_carry[2]", "no personal field \"callr_name\"; may_carry lists only the personal fields a message may include: caller_name, callback_number, caller_relationship, vehicle_registration, vulnerability, account_ref"),
        ],
    );
}

#[test]
fn routes_and_outcome_notify() {
    assert_problems(
        "routes-and-outcome-notify",
        &[
            ("codes[0].routes[1]", "no route \"scientst\"; the routes are \"scientist\", \"supervisor\", \"claims\""),
            ("trees[0].outcomes[0].notify[1]", "no external organisation \"police\"; the external organisations are \"ea\""),
            ("trees[0].outcomes[0].routes[1]", "no route \"nobody\"; the routes are \"scientist\", \"supervisor\", \"claims\""),
            ("complaints[1].escalate_to", "no escalation level or route \"customer-relations\"; the escalation levels are \"supervisor\", the routes \"scientist\", \"supervisor\", \"claims\""),
            ("routes[1].id", "\"supervisor\" is also the id of escalation level escalation.levels[0]; a complaint's escalate_to could not tell them apart: rename one"),
            ("routes[1].contacts", "a route needs at least one contact"),
            ("routes[2].contacts[0].channel", "no channel \"fax\"; the channels are \"phone\""),
        ],
    );
}

#[test]
fn tree_handover() {
    assert_problems(
        "tree-handover",
        &[
            ("trees[0].outcomes[0].continue_to", "continuing into tree \"sewer\" leads back to tree \"flooding\" (\"sewer\" → \"flooding\"), making a loop: a call could be assessed for ever"),
            ("trees[0].outcomes[1].continue_to", "no tree \"drains\"; the trees are \"flooding\", \"sewer\""),
            ("trees[1].outcomes[0].continue_to", "continuing into tree \"flooding\" leads back to tree \"sewer\" (\"flooding\" → \"sewer\"), making a loop: a call could be assessed for ever"),
            ("trees[1].outcomes[1].continue_to", "an outcome cannot continue into its own tree \"sewer\": ask the questions in this tree, or continue into another"),
        ],
    );
}

#[test]
fn deadline_without_calendar() {
    assert_problems(
        "deadline-without-calendar",
        &[
            ("codes[0].deadlines[1].id", "duplicate deadline id \"restore\"; also used at codes[0].deadlines[0]"),
            ("codes[0].deadlines[1].name", "must not be empty"),
            ("codes[0].deadlines[1].within", "must be at least 1"),
            ("codes[0].deadlines[1].unit", "\"working_days\" counts working time, but the pack has no calendar: add one with the working days and hours, or count in hours or days"),
        ],
    );
}

#[test]
fn calendar() {
    assert_problems(
        "calendar",
        &[
            ("calendar.time_zone", "\"Europe/Paris\" is not a time zone the widget knows: write \"Europe/London\" (GMT, and BST in summer) or \"UTC\""),
            ("calendar.working_days[1]", "duplicate day \"mon\"; also listed at calendar.working_days[0]"),
            ("calendar.to", "the working day ends at 09:00 but starts at 17:00: to must be later than from"),
            ("calendar.holidays[1]", "\"2026-12-32\" is not a date: write YYYY-MM-DD, e.g. \"2026-12-25\""),
            ("calendar.holidays[2]", "duplicate holiday \"2026-12-25\"; also listed at calendar.holidays[0]"),
        ],
    );
}

#[test]
fn response_plan_capacity() {
    assert_problems(
        "response-plan-capacity",
        &[
            ("codes[0].response_plan[0].capacity", "must be at least 1"),
            ("codes[0].response_plan[0].alternatives[0].resource_type", "an alternative is another resource type than the item's: raise the item's count instead"),
            ("codes[0].response_plan[0].alternatives[0].count", "must be at least 1"),
            ("codes[0].response_plan[0].alternatives[1].capacity", "resource type \"crew\" has no capacity_unit, so its capacity cannot be counted: give the type a capacity_unit (\"litres\", \"people\")"),
            ("codes[0].response_plan[0].alternatives[2].resource_type", "no resource type \"bowser\"; the resource types are \"tanker\", \"crew\""),
            ("resources.units[0].channels", "a unit needs at least one channel to reach it by"),
            ("resources.units[0].capacity", "resource type \"crew\" has no capacity_unit, so its capacity cannot be counted: give the type a capacity_unit (\"litres\", \"people\")"),
        ],
    );
}

#[test]
fn notice_kinds() {
    assert_problems(
        "notice-kinds",
        &[
            (
                "notice_kinds[1].id",
                "duplicate notice kind id \"boil-water\"; also used at notice_kinds[0]",
            ),
            (
                "notice_kinds[0].give_now[0]",
                "no advice item \"a-bol\" (the pack defines no advice items at all)",
            ),
            (
                "notice_kinds[0].limits[0]",
                "no advice limit \"no-limit\" (the pack defines no advice limits at all)",
            ),
            (
                "notice_kinds[0].escalation",
                "no escalation level \"manager\"; the escalation levels are \"supervisor\"",
            ),
            ("notice_kinds[1].name", "must not be empty"),
        ],
    );
}
