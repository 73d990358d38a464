//! The call bar's next step and flags (issue 13), along a gas call with a vulnerable caller in the
//! council pack: the life-safety advice comes before anything else once due, an escalation waiting
//! for a decision comes before the assessment goes on, and the flags say what must stay in view.

use incident_engine::call::workspace::{flags, next_step, NextStep};
use incident_engine::call::{AnswerValue, Call, Command, PriorCall};
use incident_engine::pack::LogField;
use incident_engine::Pack;

mod support;
use support::council;

const T0: u64 = 1_800_000_000_000;

fn apply(call: &mut Call, pack: &Pack, command: Command) {
    call.apply(pack, T0 + 1_000, command).unwrap();
}

fn safety(call: &mut Call, pack: &Pack, question: &str, yes: bool) {
    apply(
        call,
        pack,
        Command::SafetyNet {
            question: question.into(),
            yes,
        },
    );
}

fn step(call: &Call, pack: &Pack) -> NextStep {
    next_step(call, pack, T0 + 2_000, &[])
}

/// The call coded `code` at P2 by choosing it (an override of any tree, with its reason).
fn coded(call: &mut Call, pack: &Pack, code: &str) {
    apply(
        call,
        pack,
        Command::OverrideCode {
            code: code.into(),
            priority: "P2".into(),
            reason: "The caller's words fit it".into(),
        },
    );
}

fn give(call: &mut Call, pack: &Pack, item: &str) {
    apply(call, pack, Command::GiveAdvice { item: item.into() });
}

#[test]
fn the_next_step_follows_a_gas_call_with_a_vulnerable_caller() {
    let pack = council();
    let mut call = Call::open(&pack, "agent-7", T0);
    assert_eq!(
        step(&call, &pack),
        NextStep::AskSafety {
            question: "sn-danger".into()
        }
    );
    for (question, yes) in [
        ("sn-danger", false),
        ("sn-threat", false),
        ("sn-vulnerable", true),
        ("sn-worse", false),
        ("sn-repeat", false),
        ("sn-access", false),
    ] {
        safety(&mut call, &pack, question, yes);
    }
    let bar = flags(&call, &pack, T0 + 2_000, &[]);
    assert!(bar.vulnerable);
    assert!(!bar.repeat_caller() && !bar.major_incident);
    // The vulnerable caller is proposed to the duty supervisor: decided before going on.
    let pending = bar.escalation_pending.clone();
    assert!(!pending.is_empty(), "a vulnerable caller is escalated");
    assert_eq!(
        step(&call, &pack),
        NextStep::DecideEscalation {
            level: pending[0].clone()
        }
    );
    apply(
        &mut call,
        &pack,
        Command::DeclineEscalation {
            level: pending[0].clone(),
            why: "Supervisor already on the line".into(),
        },
    );
    assert!(flags(&call, &pack, T0 + 2_000, &[])
        .escalation_pending
        .is_empty());
    assert_eq!(step(&call, &pack), NextStep::RecordLocation);
    apply(
        &mut call,
        &pack,
        Command::SetField {
            field: LogField::Location,
            value: "14 Mill Lane, Northbridge".into(),
        },
    );
    assert_eq!(step(&call, &pack), NextStep::Assess);
    apply(
        &mut call,
        &pack,
        Command::ChooseTree {
            tree: "gas-smell".into(),
        },
    );
    // The tree's give-now advice comes before its first question.
    assert_eq!(
        step(&call, &pack),
        NextStep::GiveNow {
            item: "adv-gas-no-spark".into()
        }
    );
    give(&mut call, &pack, "adv-gas-no-spark");
    assert_eq!(
        step(&call, &pack),
        NextStep::Answer {
            node: "q-where".into()
        }
    );
    apply(
        &mut call,
        &pack,
        Command::Answer {
            node: "q-where".into(),
            value: AnswerValue::Option("inside".into()),
        },
    );
    // Reaching "has everyone left?" makes its advice due at once.
    let NextStep::GiveNow { item } = step(&call, &pack) else {
        panic!("expected give-now advice, got {:?}", step(&call, &pack));
    };
    assert_eq!(item, "adv-gas-windows");
    for item in call
        .advice_due(&pack)
        .into_iter()
        .map(str::to_owned)
        .collect::<Vec<_>>()
    {
        give(&mut call, &pack, &item);
    }
    assert_eq!(
        step(&call, &pack),
        NextStep::Answer {
            node: "q-out".into()
        }
    );
    for (node, yes) in [("q-out", true), ("q-council", false)] {
        apply(
            &mut call,
            &pack,
            Command::Answer {
                node: node.into(),
                value: AnswerValue::YesNo(yes),
            },
        );
    }
    assert_eq!(call.decision().map(|d| d.code.as_str()), Some("UT-GAS-01"));
    // The code's must-say advice, then the fields it requires, then its legislation checklist
    // (a step to take, before the close asks why it was not done), then the close.
    while let NextStep::GiveAdvice { item } = step(&call, &pack) {
        give(&mut call, &pack, &item);
    }
    // The caller is vulnerable (a safety answer): who and how is asked for, though the gas
    // code does not require it.
    let mut recorded = Vec::new();
    while let NextStep::Record { field } = step(&call, &pack) {
        recorded.push(field);
        apply(
            &mut call,
            &pack,
            Command::SetField {
                field,
                value: "1".into(),
            },
        );
    }
    assert_eq!(recorded.last(), Some(&LogField::Vulnerability));
    assert!(!pack
        .code("UT-GAS-01")
        .unwrap()
        .required_fields
        .contains(&LogField::Vulnerability));
    for item in ["ck-gas-advice", "ck-gas-reference"] {
        assert_eq!(step(&call, &pack), NextStep::Check { item: item.into() });
        apply(
            &mut call,
            &pack,
            Command::TickChecklist { item: item.into() },
        );
    }
    assert_eq!(step(&call, &pack), NextStep::Close);
}

#[test]
fn a_checklist_item_explained_instead_of_done_no_longer_holds_the_bar() {
    let pack = council();
    let mut call = Call::open(&pack, "agent-7", T0);
    coded(&mut call, &pack, "HW-POT-01");
    let checks = |call: &Call| {
        let mut seen = Vec::new();
        let mut call = call.clone();
        while let NextStep::Check { item } = step(&call, &pack) {
            seen.push(item.clone());
            call.apply(&pack, T0 + 1_000, Command::TickChecklist { item })
                .unwrap();
        }
        seen
    };
    // Everything else first: the bar reaches the checklist once fields and advice are done.
    for field in [
        LogField::CallerName,
        LogField::CallbackNumber,
        LogField::Location,
        LogField::Narrative,
        LogField::Hazards,
    ] {
        apply(
            &mut call,
            &pack,
            Command::SetField {
                field,
                value: "x".into(),
            },
        );
    }
    for q in pack.file().safety_net.iter().map(|q| q.id.clone()) {
        safety(&mut call, &pack, &q, false);
    }
    while let NextStep::GiveAdvice { item } = step(&call, &pack) {
        give(&mut call, &pack, &item);
    }
    // Citations review: a pothole no longer cites the Occupiers' Liability Act 1957 (users of a
    // public highway are not visitors; their claims come under the Highways Act 1980 ss.41 and 58:
    // Exchange Chambers, https://exchangechambers.co.uk/james-kinsey-a-caselaw-update-on-highways-claims-under-the-highways-act-1980),
    // so its "facts of any injury" item is gone from a call the tree found had no injury.
    assert_eq!(checks(&call), ["ck-hw-location", "ck-hw-time"]);
    apply(
        &mut call,
        &pack,
        Command::ExplainDeviation {
            deviation: "checklist:ck-hw-location".into(),
            reason: "Caller did not know the side of the road".into(),
        },
    );
    assert_eq!(checks(&call), ["ck-hw-time"]);
}

#[test]
fn a_third_call_about_the_same_place_is_a_repeat_caller() {
    let pack = council();
    let prior = vec![
        PriorCall {
            at: T0 - 3_600_000,
            callback: "07700 900123".into(),
            location: String::new(),
        },
        PriorCall {
            at: T0 - 60_000,
            callback: "07700900123".into(),
            location: String::new(),
        },
    ];
    let mut call = Call::open(&pack, "agent-7", T0);
    assert!(!flags(&call, &pack, T0, &prior).repeat_caller());
    call.apply(
        &pack,
        T0,
        Command::SetField {
            field: LogField::CallbackNumber,
            value: "07700 900 123".into(),
        },
    )
    .unwrap();
    let bar = flags(&call, &pack, T0, &prior);
    assert_eq!(bar.calls_about_this, 3);
    assert!(bar.repeat_caller());
    // Calls from long ago do not count.
    assert!(!flags(&call, &pack, T0 + 5 * 86_400_000, &prior).repeat_caller());
}

#[test]
fn what_a_major_incident_adds_to_the_checklist_waits_until_one_is_declared() {
    let pack = council();
    let mut call = Call::open(&pack, "agent-7", T0);
    coded(&mut call, &pack, "FL-PRP-01");
    let items = |call: &Call| {
        call.checklist(&pack)
            .into_iter()
            .map(|(_, item)| item.id.clone())
            .collect::<Vec<_>>()
    };
    // One home flooded: the flood act's item, not the Civil Contingencies Act's.
    assert_eq!(items(&call), ["ck-fw-source"]);
    assert!(!call
        .compliance(&pack)
        .iter()
        .any(|i| i.key().starts_with("checklist:ck-cca")));
    apply(
        &mut call,
        &pack,
        Command::DeclareMajorIncident {
            reason: "Whole street flooded".into(),
            access: String::new(),
            services: String::new(),
        },
    );
    assert_eq!(
        items(&call),
        [
            "ck-fw-source",
            "ck-cca-time",
            "ck-cca-epo",
            "ck-cca-channel"
        ]
    );
}

#[test]
fn a_vulnerability_field_that_says_none_does_not_flag_the_caller() {
    let pack = council();
    for (text, vulnerable) in [
        ("None known", false),
        ("none", false),
        ("N/A", false),
        ("No.", false),
        ("  -  ", false),
        ("Not known", false),
        ("No known vulnerabilities", false),
        ("82, lives alone", true),
        ("No heating, baby of 3 months", true),
        ("Nonverbal", true),
    ] {
        let mut call = Call::open(&pack, "agent-7", T0);
        apply(
            &mut call,
            &pack,
            Command::SetField {
                field: LogField::Vulnerability,
                value: text.into(),
            },
        );
        assert_eq!(call.is_vulnerable(), vulnerable, "{text:?}");
        assert_eq!(
            flags(&call, &pack, T0 + 2_000, &[]).vulnerable,
            vulnerable,
            "{text:?}"
        );
    }
}
