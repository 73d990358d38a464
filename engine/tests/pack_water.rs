//! Issue 15's new sections on a call, with the water company's shipped pack: a burst main whose
//! water floods a sewer continues into the flooding tree (both paths kept, the code from the
//! second, the priority kept as urgent as the first); the outcome's notification and both trees'
//! routes apply; a custom field the final code needs is required, checked by kind and carried
//! typed in the entry; placeholders are filled from the call. Every step round-trips its draft.

use incident_engine::call::entry::LogEntry;
use incident_engine::call::{AnswerValue, Call, Command, Event, Missing, Refusal};
use incident_engine::pack::LogField;
use incident_engine::Pack;
use serde_json::Value;

mod support;
use support::{water, T0};

/// Applies `command`, and checks the call's draft reads back to the same call before and after.
fn step(pack: &Pack, call: &mut Call, command: Command) -> Result<(), Refusal> {
    let draft = call.to_draft();
    let restored = Call::from_draft(pack, &draft).unwrap_or_else(|e| panic!("{e}\n{draft}"));
    assert_eq!(&restored, call);
    let result = call.apply(pack, T0, command).map(|_| ());
    let draft = call.to_draft();
    let restored = Call::from_draft(pack, &draft).unwrap_or_else(|e| panic!("{e}\n{draft}"));
    assert_eq!(&restored, call);
    assert_eq!(restored.to_draft(), draft);
    result
}

fn answer(node: &str, value: AnswerValue) -> Command {
    Command::Answer {
        node: node.to_owned(),
        value,
    }
}

fn option(id: &str) -> AnswerValue {
    AnswerValue::Option(id.to_owned())
}

/// The call up to the end of the burst-main tree, whose outcome continues into flooding.
fn burst_into_sewer(pack: &Pack) -> Call {
    let mut call = Call::open(pack, "agent-3", T0);
    let tree = Command::ChooseTree {
        tree: "burst-leak".into(),
    };
    step(pack, &mut call, tree).unwrap();
    for (node, value) in [
        ("bl1", option("road")),
        ("bl2", option("neither")),
        ("bl3", option("sewer")),
    ] {
        step(pack, &mut call, answer(node, value)).unwrap();
    }
    call
}

#[test]
fn an_outcome_continues_into_another_tree_with_both_paths_kept() {
    let pack = water();
    let mut call = burst_into_sewer(&pack);
    // The code so far stands while the flooding questions are asked.
    let decision = call.decision().expect("the burst's code so far").clone();
    assert_eq!(
        (decision.code.as_str(), decision.priority.as_str()),
        ("BM-BUR-01", "P1")
    );
    assert_eq!(call.tree(), Some("flooding"));
    assert_eq!(call.current_question(), Some("fl1"));
    let stages = call.stages();
    assert_eq!(stages.len(), 1);
    assert_eq!(
        (stages[0].tree.as_str(), stages[0].outcome.as_str()),
        ("burst-leak", "o-bm-into-sewer")
    );
    assert_eq!(stages[0].answers.len(), 3);
    assert!(call.answers().is_empty());
    assert!(call.log().iter().any(|e| matches!(&e.what,
        Event::TreeContinued { from, outcome, to } if from == "burst-leak" && outcome == "o-bm-into-sewer" && to == "flooding")));
    // Nothing to go back to in the new tree yet: the handler chooses the tree again to restart.
    assert_eq!(
        step(
            &pack,
            &mut call,
            Command::ReviseAnswer { node: "bl3".into() }
        ),
        Err(Refusal::NothingToRevise)
    );

    for (node, value) in [
        ("fl1", option("sewage")),
        ("fl4", option("garden")),
        ("fl6", AnswerValue::YesNo(true)),
        (
            "fl7",
            AnswerValue::Text("Alder Brook, about 20 metres".into()),
        ),
    ] {
        step(&pack, &mut call, answer(node, value)).unwrap();
    }
    let decision = call.decision().unwrap();
    // The flooding tree's code, kept at P1 (its outcome is P1 too).
    assert_eq!(
        (decision.code.as_str(), decision.priority.as_str()),
        ("WW-FLD-02", "P1")
    );
    assert_eq!(call.stages().len(), 1);
    assert_eq!(call.answers().len(), 4);
    // The outcome adds the Environment Agency; both trees' routes apply, each once.
    assert_eq!(call.to_notify(&pack), ["environment-agency"]);
    assert_eq!(call.routes(&pack), ["network-control", "env-officer"]);
    // Choosing a tree again starts over: the continued-from trees go.
    let mut again = call.clone();
    step(
        &pack,
        &mut again,
        Command::ChooseTree {
            tree: "flooding".into(),
        },
    )
    .unwrap();
    assert!(again.stages().is_empty());
}

#[test]
fn the_earlier_trees_priority_is_kept_when_the_later_is_less_urgent() {
    let pack = water();
    let mut call = burst_into_sewer(&pack);
    // Clean water outside: the flooding tree's own outcome is less urgent than the burst's P1.
    step(&pack, &mut call, answer("fl1", option("clean"))).unwrap();
    let mut guard = 0;
    while let Some(node) = call.current_question().map(str::to_owned) {
        guard += 1;
        assert!(guard < 20, "the tree ends");
        let asked = pack.tree("flooding").unwrap().node(&node).unwrap();
        let value = match &asked.answer {
            incident_engine::pack::Answer::Choice { options } => {
                option(&options.last().unwrap().id)
            }
            incident_engine::pack::Answer::YesNo { .. } => AnswerValue::YesNo(false),
            incident_engine::pack::Answer::Number { min, .. } => AnswerValue::Number(*min),
            incident_engine::pack::Answer::Text { .. } => AnswerValue::Text("x".into()),
        };
        step(&pack, &mut call, answer(&node, value)).unwrap();
    }
    let decision = call.decision().unwrap();
    assert_eq!(decision.priority, "P1", "{decision:?}");
    // The flooding tree's own outcome was less urgent: the raise says why.
    let coded = call.log().iter().rev().find_map(|e| match &e.what {
        Event::Coded { priority, .. } => Some(priority.clone()),
        _ => None,
    });
    assert_ne!(
        coded.as_deref(),
        Some("P1"),
        "this path must end less urgent to test the raise"
    );
    let raised = call.log().iter().find_map(|e| match &e.what {
        Event::PriorityRaised { reason, .. } => Some(reason.clone()),
        _ => None,
    });
    let reason = raised.expect("the priority was raised");
    assert!(reason.contains("continued from"), "{reason}");
}

#[test]
fn a_custom_field_the_code_needs_is_required_checked_and_carried_typed() {
    let pack = water();
    let mut call = burst_into_sewer(&pack);
    for (node, value) in [
        ("fl1", option("sewage")),
        ("fl4", option("garden")),
        ("fl6", AnswerValue::YesNo(true)),
        ("fl7", AnswerValue::Text("Alder Brook".into())),
    ] {
        step(&pack, &mut call, answer(node, value)).unwrap();
    }
    let missing = call.missing(&pack, T0, &[]);
    assert!(
        missing.contains(&Missing::CustomField("properties_affected".into())),
        "{missing:?}"
    );
    let set = |value: &str| Command::SetCustomField {
        field: "properties_affected".into(),
        value: value.into(),
    };
    match step(&pack, &mut call, set("a few")) {
        Err(Refusal::ValueDoesNotFit { why, .. }) => assert_eq!(why, "\"a few\" is not a number"),
        other => panic!("{other:?}"),
    }
    assert_eq!(call.custom_field("properties_affected"), None);
    step(&pack, &mut call, set("3")).unwrap();
    assert_eq!(call.custom_field("properties_affected"), Some("3"));
    assert!(!call
        .missing(&pack, T0, &[])
        .contains(&Missing::CustomField("properties_affected".into())));
    step(
        &pack,
        &mut call,
        Command::SetCustomField {
            field: "psr_status".into(),
            value: "nobody".into(),
        },
    )
    .unwrap_err();
    step(
        &pack,
        &mut call,
        Command::SetCustomField {
            field: "account_number".into(),
            value: "AW-1234567".into(),
        },
    )
    .unwrap();

    let entry: Value = serde_json::from_str(&LogEntry::of(&pack, &call).to_json()).unwrap();
    assert_eq!(entry["custom_fields"]["properties_affected"], 3.0);
    assert_eq!(entry["custom_fields"]["account_number"], "AW-1234567");
    assert_eq!(
        entry["personal_custom_fields"],
        serde_json::json!(["account_number"])
    );
    assert_eq!(
        entry["stages"],
        serde_json::json!([{"tree": "burst-leak", "outcome": "o-bm-into-sewer", "code": "BM-BUR-01", "priority": "P1"}])
    );
    assert_eq!(entry["tree"], "flooding");
    assert_eq!(entry["notify"], serde_json::json!(["environment-agency"]));
    assert_eq!(
        entry["routes"],
        serde_json::json!(["network-control", "env-officer"])
    );
    // The final code's deadlines, then the burst's; counted from the call, answered on Friday
    // 15 January 2027 at 08:00 UTC: 20 working days ends at close of business on 12 February.
    assert_eq!(
        entry["deadlines"],
        serde_json::json!([
            {"code": "WW-FLD-02", "id": "attend", "name": "Attend sewage flooding outside a property", "due": "2027-01-15T12:00:00.000Z"},
            {"code": "WW-FLD-02", "id": "gss-payment", "name": "Sewer flooding payment decided, if one is due under the Guaranteed Standards Scheme", "due": "2027-02-12T17:00:00.000Z"},
            {"code": "BM-BUR-01", "id": "restore-supply", "name": "Restore the supply (Guaranteed Standards Scheme: 48 hours instead when a strategic main burst)", "due": "2027-01-15T20:00:00.000Z"},
        ])
    );
}

#[test]
fn placeholders_are_filled_from_the_call_and_slots_say_what_is_missing() {
    let pack = water();
    let mut call = Call::open(&pack, "agent-3", T0);
    let text = "Within {attend_within}, {caller_name}; we will call {callback}. Ref {reference}.";
    assert_eq!(
        call.say(&pack, text),
        "Within [attend time], [caller's name]; we will call [callback number]. Ref [incident reference from the CRM]."
    );
    for (field, value) in [
        (LogField::CallerName, "Sam Carter"),
        (LogField::CallbackNumber, "07700 900123"),
    ] {
        step(
            &pack,
            &mut call,
            Command::SetField {
                field,
                value: value.into(),
            },
        )
        .unwrap();
    }
    step(
        &pack,
        &mut call,
        Command::LinkCrm {
            call_id: Some("AW-2026-000417".into()),
            contact_ref: None,
        },
    )
    .unwrap();
    step(
        &pack,
        &mut call,
        Command::OverrideCode {
            code: "BM-BUR-01".into(),
            priority: "P1".into(),
            reason: "Caller describes water gushing from the road".into(),
        },
    )
    .unwrap();
    let p1 = pack.priority("P1").unwrap();
    let hours = |m: u32| {
        if m.is_multiple_of(60) {
            format!("{} hour{}", m / 60, if m == 60 { "" } else { "s" })
        } else {
            format!("{m} minutes")
        }
    };
    assert_eq!(
        call.say(&pack, text),
        format!(
            "Within {}, Sam Carter; we will call 07700 900123. Ref AW-2026-000417.",
            hours(p1.attend_within_minutes)
        )
    );
    // Advice given is logged as said: the placeholders filled.
    step(
        &pack,
        &mut call,
        Command::GiveAdvice {
            item: "a-attend-target".into(),
        },
    )
    .unwrap();
    let logged = call.log().iter().find_map(|e| match &e.what {
        Event::AdviceGiven { text, .. } => Some(text.clone()),
        _ => None,
    });
    let logged = logged.unwrap();
    assert!(
        !logged.contains('{') && logged.contains("07700 900123"),
        "{logged}"
    );
}

#[test]
fn a_live_notice_for_the_callers_area_adds_its_advice_limits_and_escalation() {
    use incident_engine::pack::notices::Notice;
    let pack = water();
    let mut call = Call::open(&pack, "agent-3", T0);
    let notice = |id: &str, kind: &str, areas: &[&str]| Notice {
        id: id.into(),
        kind: kind.into(),
        title: format!("{kind} {id}"),
        areas: areas.iter().map(|a| a.to_string()).collect(),
        text: "Boil and cool all water for drinking.".into(),
    };
    let notices = vec![
        notice("BWN-1", "boil-water", &["AL2"]),
        notice("DND-1", "do-not-drink", &["AL9"]),
        notice("RC-1", "road-closed", &["AL2"]),
    ];
    // No location yet: nothing applies.
    assert!(call.notices_pending(&pack, &notices).is_empty());
    step(
        &pack,
        &mut call,
        Command::ApplyNotices {
            notices: notices.clone(),
        },
    )
    .unwrap();
    assert_eq!(call.notices_applied().count(), 0);
    step(
        &pack,
        &mut call,
        Command::SetField {
            field: LogField::Location,
            value: "12 High Street, Alderbury, AL2 4XY".into(),
        },
    )
    .unwrap();
    // Only the boil-water notice: the other area is elsewhere, the other kind not the pack's.
    let pending: Vec<&str> = call
        .notices_pending(&pack, &notices)
        .iter()
        .map(|n| n.id.as_str())
        .collect();
    assert_eq!(pending, ["BWN-1"]);
    step(
        &pack,
        &mut call,
        Command::ApplyNotices {
            notices: notices.clone(),
        },
    )
    .unwrap();
    assert_eq!(
        call.notices_applied().collect::<Vec<_>>(),
        [("BWN-1", "boil-water")]
    );
    assert!(call.notices_pending(&pack, &notices).is_empty());
    let due = call.advice_due(&pack);
    assert!(
        due.contains(&"a-boil") && due.contains(&"a-wq-no-filter"),
        "{due:?}"
    );
    let limits: Vec<&str> = call
        .limits_in_force(&pack)
        .iter()
        .map(|l| l.id.as_str())
        .collect();
    assert!(limits.contains(&"l-no-safe-verdict"), "{limits:?}");
    // Telling the caller the water is fine is refused while the notice is in force.
    let refused = step(
        &pack,
        &mut call,
        Command::GiveFreeTextAdvice {
            text: "The water is safe to drink now".into(),
        },
    );
    assert!(
        matches!(refused, Err(Refusal::AdviceOverLimit(_))),
        "{refused:?}"
    );
    // A do-not-drink notice for the caller's place proposes the duty supervisor.
    let more = vec![notice("DND-2", "do-not-drink", &["Alderbury"])];
    step(&pack, &mut call, Command::ApplyNotices { notices: more }).unwrap();
    let proposals = call.proposals(&pack, T0, &[]);
    assert!(
        proposals.iter().any(|p| p.level == "duty-supervisor"
            && p.reason == "Do not drink notice in force for this location"),
        "{proposals:?}"
    );
    assert!(call.advice_due(&pack).contains(&"a-dnd"));
}
