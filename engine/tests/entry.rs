//! The completed log entry the host receives: everything the call recorded, in the published
//! format (schema/log-entry.schema.json).

use incident_engine::call::entry::{LogEntry, LOG_ENTRY_FORMAT};
use incident_engine::call::{AnswerValue, Call, Command, Missing, Refusal};
use incident_engine::kernel::Role;
use incident_engine::pack::LogField;
use incident_engine::Pack;
use serde_json::{json, Value};

mod support;
use support::council;

const T0: u64 = 1_800_000_000_000;

fn closed_gas_call(pack: &Pack) -> Call {
    let mut call = Call::open(pack, "agent-7", T0);
    let mut at = T0;
    let mut run = |call: &mut Call, command: Command| {
        at += 1_000;
        call.apply(pack, at, command).unwrap();
    };
    for q in &pack.file().safety_net {
        run(
            &mut call,
            Command::SafetyNet {
                question: q.id.clone(),
                yes: q.id == "sn-worse",
            },
        );
    }
    run(
        &mut call,
        Command::ChooseTree {
            tree: "gas-smell".into(),
        },
    );
    for (node, value) in [
        ("q-where", AnswerValue::Option("outside".into())),
        ("q-street", AnswerValue::YesNo(false)),
    ] {
        run(
            &mut call,
            Command::Answer {
                node: node.into(),
                value,
            },
        );
    }
    for (field, value) in [
        (LogField::CallerName, "Sam Taylor"),
        (LogField::CallbackNumber, "07700 900123"),
        (LogField::Location, "Outside 14 Mill Lane"),
        (LogField::Narrative, "Strong smell of gas in the street"),
        (LogField::PeopleAffected, "0"),
    ] {
        run(
            &mut call,
            Command::SetField {
                field,
                value: value.into(),
            },
        );
    }
    // Decide on every proposal and explain every deviation, as the closing review asks.
    for missing in call.missing(pack, call.touched_at(), &[]) {
        let command = match missing {
            Missing::Decision(level) => Command::DeclineEscalation {
                level,
                why: "Supervisor already on the line".into(),
            },
            Missing::Explanation(deviation) => Command::ExplainDeviation {
                deviation,
                reason: "Caller hung up before the advice".into(),
            },
            other => panic!("not expected before the close: {other:?}"),
        };
        run(&mut call, command);
    }
    run(&mut call, Command::Close { prior: vec![] });
    run(
        &mut call,
        Command::Correct {
            field: LogField::Location,
            value: "Outside 16 Mill Lane".into(),
            reason: "Caller rang back to correct the number".into(),
        },
    );
    call
}

#[test]
fn a_closed_call_becomes_an_entry_with_everything_it_recorded() {
    let pack = council();
    let call = closed_gas_call(&pack);
    let entry = LogEntry::of(&pack, &call);
    let json: Value = serde_json::from_str(&entry.to_json()).unwrap();
    assert_eq!(json["format"], LOG_ENTRY_FORMAT);
    assert_eq!(
        json["pack"],
        json!({"id": "northbridge-council", "version": "2026.12.1"})
    );
    assert_eq!(json["handler"], "agent-7");
    assert_eq!(json["opened_at"], "2027-01-15T08:00:00.000Z");
    assert_eq!(json["tree"], "gas-smell");
    assert_eq!(json["decision"]["code"], "UT-GAS-01");
    assert_eq!(json["decision"]["priority"], "P1");
    assert_eq!(json["decision"]["overridden"], false);
    assert!(json["decision"]["title"].as_str().unwrap().len() > 3);
    // The correction is the field's value now, and both are in the events.
    assert_eq!(json["fields"]["location"], "Outside 16 Mill Lane");
    assert_eq!(json["fields"]["caller_name"], "Sam Taylor");
    let events = json["events"].as_array().unwrap();
    let types: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(types[0], "opened");
    assert_eq!(
        types
            .iter()
            .filter(|t| **t == "safety_net_answered")
            .count(),
        6
    );
    assert!(types.contains(&"tree_chosen"));
    assert_eq!(*types.last().unwrap(), "corrected");
    let answered: Vec<&Value> = events.iter().filter(|e| e["type"] == "answered").collect();
    assert_eq!(
        answered[0]["value"],
        json!({"kind": "option", "value": "outside"})
    );
    assert_eq!(
        answered[1]["value"],
        json!({"kind": "yes_no", "value": false})
    );
    assert!(events.iter().all(|e| e["by"] == "agent-7"));
    assert!(events
        .iter()
        .all(|e| e["at"].as_str().unwrap().starts_with("2027-01-15T08:00:")));
    let closed = events.iter().find(|e| e["type"] == "closed").unwrap();
    assert_eq!(json["closed_at"], closed["at"]);
    // Mandatory advice was not given: review sees it.
    assert!(json["compliance"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["type"] == "mandatory_advice_missing"));
    // Each deviation carries the reason the handler recorded before closing: the explanations
    // given, and the decline's own reason.
    let deviations = json["deviations"].as_array().unwrap();
    assert_eq!(
        deviations.len(),
        json["compliance"].as_array().unwrap().len()
    );
    let advice = deviations
        .iter()
        .find(|d| d["issue"]["type"] == "mandatory_advice_missing")
        .unwrap();
    assert!(advice["key"].as_str().unwrap().starts_with("advice:"));
    assert_eq!(advice["reason"], "Caller hung up before the advice");
    let declined = deviations
        .iter()
        .find(|d| d["issue"]["type"] == "escalation_declined")
        .unwrap();
    assert_eq!(declined["reason"], "Supervisor already on the line");
    // The personal fields recorded are marked as such; the location and narrative are not.
    assert_eq!(
        json["personal_fields"],
        json!(["caller_name", "callback_number"])
    );
}

#[test]
fn an_open_call_has_no_closing_time() {
    let pack = council();
    let call = Call::open(&pack, "agent-7", T0);
    let entry = LogEntry::of(&pack, &call);
    assert_eq!(entry.closed_at, None);
    assert!(entry.decision.is_none());
    assert_eq!(entry.events.len(), 1);
}

#[test]
fn the_crm_link_from_the_host_is_in_the_entry_and_a_second_link_is_refused() {
    let pack = council();
    let mut call = Call::open(&pack, "agent-7", T0);
    assert_eq!(LogEntry::of(&pack, &call).crm, None);
    call.apply(
        &pack,
        T0 + 1,
        Command::LinkCrm {
            call_id: Some("INT-1".into()),
            contact_ref: None,
        },
    )
    .unwrap();
    // Another call's details (issue 12: one record got another call's content).
    let refused = call.apply(
        &pack,
        T0 + 2,
        Command::LinkCrm {
            call_id: Some("INT-2".into()),
            contact_ref: Some("C-99".into()),
        },
    );
    assert!(
        matches!(refused, Err(Refusal::AlreadyLinked(_))),
        "{refused:?}"
    );
    let entry: Value = serde_json::from_str(&LogEntry::of(&pack, &call).to_json()).unwrap();
    assert_eq!(
        entry["crm"],
        json!({"call_id": "INT-1", "contact_ref": null})
    );
    let links: Vec<&Value> = entry["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["type"] == "crm_linked")
        .collect();
    assert_eq!(links.len(), 1);
    assert_eq!(links[0]["call_id"], "INT-1");
    // A draft keeps the link.
    let restored = Call::from_draft(&pack, &call.to_draft()).unwrap();
    assert_eq!(restored, call);
}

#[test]
fn the_handlers_role_is_in_the_entry_when_the_host_said_it() {
    let pack = council();
    let said = Call::open_as(&pack, "agent-7", Some(Role::Trainee), T0);
    let entry: Value = serde_json::from_str(&LogEntry::of(&pack, &said).to_json()).unwrap();
    assert_eq!(entry["handler_role"], "trainee");
    let unsaid = Call::open(&pack, "agent-7", T0);
    let entry: Value = serde_json::from_str(&LogEntry::of(&pack, &unsaid).to_json()).unwrap();
    assert_eq!(entry["handler_role"], Value::Null);
}

#[test]
fn a_closed_call_cannot_be_linked_afterwards() {
    let pack = council();
    let mut call = closed_gas_call(&pack);
    let refused = call.apply(
        &pack,
        T0 + 100_000,
        Command::LinkCrm {
            call_id: Some("INT-3".into()),
            contact_ref: None,
        },
    );
    assert!(refused.is_err());
    assert_eq!(LogEntry::of(&pack, &call).crm, None);
}
