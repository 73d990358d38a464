//! The call state machine, command by command, against the packs: every command, and every
//! refusal (closing with missing fields, advice over the limit, override without a reason,
//! answering a question not asked, a command after close).

use incident_engine::call::{
    AnswerValue, Breach, Call, Command, Effect, Event, Missing, PriorCall, Proposal, Refusal,
};
use incident_engine::pack::LogField;
use incident_engine::Pack;

mod support;
use support::{council, pack};

fn fixture() -> Pack {
    pack("tests/fixtures/packs/problems/valid.json")
}

const T0: u64 = 1_800_000_000_000;

fn answer(node: &str, value: AnswerValue) -> Command {
    Command::Answer {
        node: node.to_owned(),
        value,
    }
}

fn set(field: LogField, value: &str) -> Command {
    Command::SetField {
        field,
        value: value.to_owned(),
    }
}

/// Chooses `tree` and gives `answers` in order, all at T0; each must be accepted.
fn walk<'a>(
    pack: &Pack,
    call: &mut Call,
    tree: &str,
    answers: impl IntoIterator<Item = (&'a str, AnswerValue)>,
) {
    call.apply(pack, T0, choose(tree)).unwrap();
    for (node, value) in answers {
        call.apply(pack, T0, answer(node, value)).unwrap();
    }
}

/// Walks the gas tree to a smell in the street, with no one unwell.
fn gas_in_the_street(pack: &Pack, call: &mut Call) {
    walk(
        pack,
        call,
        "gas-smell",
        [
            ("q-where", AnswerValue::Option("outside".into())),
            ("q-street", AnswerValue::YesNo(false)),
        ],
    );
}

#[test]
fn opening_records_the_pack_and_the_handler() {
    let pack = council();
    let call = Call::open(&pack, "agent-7", T0);
    let first = &call.log()[0];
    assert_eq!((first.at, first.by.as_str()), (T0, "agent-7"));
    assert_eq!(
        first.what,
        Event::Opened {
            pack: "northbridge-council".into(),
            version: "2026.12.1".into()
        }
    );
}

#[test]
fn a_gas_call_walks_the_tree_to_a_code_with_its_reasons() {
    let pack = council();
    let mut call = Call::open(&pack, "agent-7", T0);
    call.apply(
        &pack,
        T0 + 1_000,
        Command::ChooseTree {
            tree: "gas-smell".into(),
        },
    )
    .unwrap();
    assert_eq!(call.current_question(), Some("q-where"));
    call.apply(
        &pack,
        T0 + 5_000,
        answer("q-where", AnswerValue::Option("inside".into())),
    )
    .unwrap();
    assert_eq!(call.current_question(), Some("q-out"));
    let effects = call
        .apply(
            &pack,
            T0 + 9_000,
            answer("q-out", AnswerValue::YesNo(false)),
        )
        .unwrap();
    assert_eq!(
        effects,
        vec![Effect::Announce("Code UT-GAS-01, priority P1".into())]
    );
    assert_eq!(call.current_question(), None);
    let decision = call.decision().unwrap();
    assert_eq!(
        (decision.code.as_str(), decision.priority.as_str()),
        ("UT-GAS-01", "P1")
    );
    assert!(!decision.overridden);
    assert_eq!(decision.escalation.as_deref(), Some("duty-supervisor"));
    assert_eq!(
        call.answers(),
        [
            ("q-where".to_owned(), AnswerValue::Option("inside".into())),
            ("q-out".to_owned(), AnswerValue::YesNo(false))
        ]
    );
    let proposals = call.proposals(&pack, T0 + 10_000, &[]);
    assert_eq!(proposals[0].level, "duty-supervisor");
    assert!(call.log().iter().all(|e| e.by == "agent-7"));
    assert!(call.log().windows(2).all(|w| w[0].at <= w[1].at));
}

#[test]
fn answering_a_question_not_asked_is_refused() {
    let pack = council();
    let mut call = Call::open(&pack, "a", T0);
    assert_eq!(
        call.apply(&pack, T0, answer("q-out", AnswerValue::YesNo(true))),
        Err(Refusal::NotTheCurrentQuestion {
            expected: None,
            got: "q-out".into()
        })
    );
    call.apply(
        &pack,
        T0,
        Command::ChooseTree {
            tree: "gas-smell".into(),
        },
    )
    .unwrap();
    assert_eq!(
        call.apply(&pack, T0, answer("q-out", AnswerValue::YesNo(true))),
        Err(Refusal::NotTheCurrentQuestion {
            expected: Some("q-where".into()),
            got: "q-out".into()
        })
    );
    assert!(matches!(
        call.apply(&pack, T0, answer("q-where", AnswerValue::YesNo(true))),
        Err(Refusal::AnswerDoesNotFit { .. })
    ));
    assert!(matches!(
        call.apply(
            &pack,
            T0,
            answer("q-where", AnswerValue::Option("roof".into()))
        ),
        Err(Refusal::AnswerDoesNotFit { .. })
    ));
    assert_eq!(
        call.apply(
            &pack,
            T0,
            Command::ChooseTree {
                tree: "nope".into()
            }
        ),
        Err(Refusal::NoSuchTree("nope".into()))
    );
}

#[test]
fn number_answers_follow_their_branches_and_stay_in_range() {
    let pack = fixture();
    let mut call = Call::open(&pack, "a", T0);
    walk(
        &pack,
        &mut call,
        "flooding",
        [("q1", AnswerValue::YesNo(true))],
    );
    assert!(matches!(
        call.apply(&pack, T0, answer("q2", AnswerValue::Number(301.0))),
        Err(Refusal::AnswerDoesNotFit { .. })
    ));
    call.apply(&pack, T0, answer("q2", AnswerValue::Number(45.0)))
        .unwrap();
    assert_eq!(call.decision().unwrap().priority, "P1");

    let mut shallow = Call::open(&pack, "a", T0);
    walk(
        &pack,
        &mut shallow,
        "flooding",
        [
            ("q1", AnswerValue::YesNo(true)),
            ("q2", AnswerValue::Number(10.0)),
        ],
    );
    assert_eq!(shallow.decision().unwrap().priority, "P2");
}

#[test]
fn overriding_the_code_needs_a_reason_and_real_ids() {
    let pack = fixture();
    let mut call = Call::open(&pack, "a", T0);
    let over = |code: &str, priority: &str, reason: &str| Command::OverrideCode {
        code: code.into(),
        priority: priority.into(),
        reason: reason.into(),
    };
    assert_eq!(
        call.apply(&pack, T0, over("HW-OBS-01", "P1", " ")),
        Err(Refusal::ReasonRequired)
    );
    assert!(matches!(
        call.apply(&pack, T0, over("XX", "P1", "r")),
        Err(Refusal::Unknown {
            what: "incident code",
            ..
        })
    ));
    assert!(matches!(
        call.apply(&pack, T0, over("HW-OBS-01", "P9", "r")),
        Err(Refusal::Unknown {
            what: "priority",
            ..
        })
    ));
    call.apply(
        &pack,
        T0,
        over("HW-OBS-01", "P1", "Lorry shed its load on a blind bend"),
    )
    .unwrap();
    let decision = call.decision().unwrap();
    assert!(decision.overridden);
    assert_eq!(decision.reason, "Lorry shed its load on a blind bend");
}

#[test]
fn free_text_advice_over_a_limit_is_refused_with_the_rule_and_the_approved_wording() {
    let pack = council();
    let mut call = Call::open(&pack, "a", T0);
    walk(
        &pack,
        &mut call,
        "gas-smell",
        [
            ("q-where", AnswerValue::Option("inside".into())),
            ("q-out", AnswerValue::YesNo(true)),
            ("q-council", AnswerValue::YesNo(false)),
        ],
    );
    let refused = call.apply(
        &pack,
        T0,
        Command::GiveFreeTextAdvice {
            text: "Please switch on the hall light".into(),
        },
    );
    match refused {
        Err(Refusal::AdviceOverLimit(breaches)) => {
            let Breach {
                limit,
                matched,
                instead,
                ..
            } = &breaches[0];
            assert_eq!(limit, "lim-gas-ignition");
            assert_eq!(matched, "switch on");
            assert_eq!(instead.as_deref(), Some("adv-gas-no-spark"));
        }
        other => panic!("expected the advice to be refused, got {other:?}"),
    }
    assert!(matches!(
        call.log().last().unwrap().what,
        Event::AdviceRefused { .. }
    ));
    call.apply(
        &pack,
        T0,
        Command::GiveFreeTextAdvice {
            text: "Please leave the house and wait outside".into(),
        },
    )
    .unwrap();
    call.apply(
        &pack,
        T0,
        Command::GiveAdvice {
            item: "adv-gas-leave".into(),
        },
    )
    .unwrap();
    match &call.log().last().unwrap().what {
        Event::AdviceGiven { item, text } => {
            assert_eq!(item.as_deref(), Some("adv-gas-leave"));
            assert!(!text.is_empty());
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        call.apply(
            &pack,
            T0,
            Command::GiveAdvice {
                item: "nope".into()
            }
        ),
        Err(Refusal::Unknown {
            what: "advice item",
            ..
        })
    ));
}

#[test]
fn closing_lists_what_is_missing_then_completes_and_refuses_more() {
    let pack = council();
    let mut call = Call::open(&pack, "a", T0);
    let safety_net: Vec<String> = pack
        .file()
        .safety_net
        .iter()
        .map(|q| q.id.clone())
        .collect();
    let mut expected: Vec<Missing> = safety_net.iter().cloned().map(Missing::SafetyNet).collect();
    expected.push(Missing::Code);
    assert_eq!(
        call.apply(&pack, T0, Command::Close { prior: vec![] }),
        Err(Refusal::MissingFields(expected))
    );
    for question in safety_net {
        call.apply(
            &pack,
            T0,
            Command::SafetyNet {
                question,
                yes: false,
            },
        )
        .unwrap();
    }
    assert_eq!(
        call.apply(&pack, T0, Command::Close { prior: vec![] }),
        Err(Refusal::MissingFields(vec![Missing::Code]))
    );
    gas_in_the_street(&pack, &mut call);
    call.apply(&pack, T0, set(LogField::CallerName, "Sam Taylor"))
        .unwrap();
    let Err(Refusal::MissingFields(missing)) =
        call.apply(&pack, T0, Command::Close { prior: vec![] })
    else {
        panic!("the close should be held");
    };
    assert_eq!(
        missing[..4],
        [
            Missing::Field(LogField::CallbackNumber),
            Missing::Field(LogField::Location),
            Missing::Field(LogField::Narrative),
            Missing::Field(LogField::PeopleAffected),
        ]
    );
    for (field, value) in [
        (LogField::CallbackNumber, "07700 900123"),
        (LogField::Location, "Outside 14 Mill Lane"),
        (LogField::Narrative, "Strong smell of gas in the street"),
        (LogField::PeopleAffected, "0"),
    ] {
        call.apply(&pack, T0, set(field, value)).unwrap();
    }
    // What is left: the P1 proposal to decide on, and a reason for each deviation (must-say advice
    // not given, checklist items not done).
    let Err(Refusal::MissingFields(left)) = call.apply(&pack, T0, Command::Close { prior: vec![] })
    else {
        panic!("the close should still be held");
    };
    assert_eq!(left[0], Missing::Decision("duty-supervisor".into()));
    assert!(left[1..]
        .iter()
        .all(|m| matches!(m, Missing::Explanation(key) if key.starts_with("advice:") || key.starts_with("checklist:"))));
    assert!(left.len() > 2, "{left:?}");
    call.apply(
        &pack,
        T0,
        Command::Escalate {
            level: "duty-supervisor".into(),
            how: "phone".into(),
            why: "P1 gas escape".into(),
            contact: "Duty supervisor J. Ahmed".into(),
            response: "Aware; keep them informed".into(),
        },
    )
    .unwrap();
    for missing in &left[1..] {
        let Missing::Explanation(key) = missing else {
            unreachable!()
        };
        let command = match key.split_once(':') {
            Some(("advice", item)) => Command::GiveAdvice { item: item.into() },
            Some(("checklist", item)) => Command::TickChecklist { item: item.into() },
            _ => unreachable!(),
        };
        call.apply(&pack, T0, command).unwrap();
    }
    let effects = call.apply(&pack, T0 + 60_000, Command::Close { prior: vec![] });
    // The close completes with the entry of the call as closed.
    assert_eq!(
        effects,
        Ok(vec![Effect::Completed {
            entry: incident_engine::call::entry::LogEntry::of(&pack, &call).to_json()
        }])
    );
    assert!(call.is_closed());
    assert_eq!(
        call.apply(
            &pack,
            T0,
            Command::GiveAdvice {
                item: "adv-gas-leave".into()
            }
        ),
        Err(Refusal::Closed)
    );
    assert_eq!(
        call.apply(&pack, T0, Command::Close { prior: vec![] }),
        Err(Refusal::Closed)
    );
}

#[test]
fn corrections_are_appended_never_overwriting() {
    let pack = fixture();
    let mut call = Call::open(&pack, "a", T0);
    call.apply(&pack, T0, set(LogField::Location, "Mill Lane"))
        .unwrap();
    assert_eq!(
        call.apply(
            &pack,
            T0,
            Command::Correct {
                field: LogField::Location,
                value: "Mill Road".into(),
                reason: "".into()
            }
        ),
        Err(Refusal::ReasonRequired)
    );
    call.apply(
        &pack,
        T0 + 1,
        Command::Correct {
            field: LogField::Location,
            value: "Mill Road".into(),
            reason: "Caller corrected the street".into(),
        },
    )
    .unwrap();
    assert_eq!(call.field(LogField::Location), Some("Mill Road"));
    let values: Vec<&Event> = call
        .log()
        .iter()
        .map(|e| &e.what)
        .filter(|w| matches!(w, Event::Field { .. } | Event::Corrected { .. }))
        .collect();
    assert_eq!(
        values.len(),
        2,
        "both the original and the correction stay in the log"
    );
}

#[test]
fn escalation_needs_a_known_level_and_a_reason_and_is_logged() {
    let pack = council();
    let mut call = Call::open(&pack, "a", T0);
    let esc = |level: &str, why: &str| Command::Escalate {
        level: level.into(),
        how: "phone".into(),
        why: why.into(),
        contact: "Duty officer".into(),
        response: String::new(),
    };
    assert!(matches!(
        call.apply(&pack, T0, esc("nobody", "x")),
        Err(Refusal::Unknown {
            what: "escalation level",
            ..
        })
    ));
    assert_eq!(
        call.apply(&pack, T0, esc("duty-manager", "")),
        Err(Refusal::ReasonRequired)
    );
    let effects = call
        .apply(&pack, T0, esc("duty-manager", "Three properties flooded"))
        .unwrap();
    assert_eq!(
        effects,
        vec![Effect::Announce("Escalated to Duty manager".into())]
    );
    assert!(
        matches!(&call.log().last().unwrap().what, Event::Escalated { level, .. } if level == "duty-manager")
    );
}

#[test]
fn elapsed_time_and_vulnerability_triggers_propose_escalation() {
    let pack = council();
    let mut call = Call::open(&pack, "a", T0);
    assert!(call.proposals(&pack, T0, &[]).is_empty());
    call.apply(
        &pack,
        T0,
        set(LogField::Vulnerability, "Caller is 91 and lives alone"),
    )
    .unwrap();
    assert!(!call.proposals(&pack, T0, &[]).is_empty());
}

#[test]
fn compliance_lists_missing_mandatory_advice_and_checklist_items_until_done() {
    use incident_engine::call::ComplianceIssue;
    let pack = council();
    let mut call = Call::open(&pack, "a", T0);
    assert_eq!(
        call.compliance(&pack),
        vec![ComplianceIssue::TreeNotCompleted]
    );
    gas_in_the_street(&pack, &mut call);
    assert_eq!(
        call.compliance(&pack),
        vec![
            ComplianceIssue::MandatoryAdviceMissing("adv-gas-street-away".into()),
            ComplianceIssue::MandatoryAdviceMissing("adv-gas-ngs".into()),
            ComplianceIssue::MandatoryAdviceMissing("adv-gen-reference".into()),
            ComplianceIssue::ChecklistNotDone("ck-gas-advice".into()),
            ComplianceIssue::ChecklistNotDone("ck-gas-reference".into()),
        ]
    );
    for item in ["adv-gas-street-away", "adv-gas-ngs", "adv-gen-reference"] {
        call.apply(&pack, T0, Command::GiveAdvice { item: item.into() })
            .unwrap();
    }
    for item in ["ck-gas-advice", "ck-gas-reference"] {
        call.apply(&pack, T0, Command::TickChecklist { item: item.into() })
            .unwrap();
    }
    assert!(matches!(
        call.apply(
            &pack,
            T0,
            Command::TickChecklist {
                item: "nope".into()
            }
        ),
        Err(Refusal::Unknown {
            what: "checklist item",
            ..
        })
    ));
    assert_eq!(call.compliance(&pack), vec![]);
    call.apply(
        &pack,
        T0,
        Command::OverrideCode {
            code: "UT-GAS-01".into(),
            priority: "P1".into(),
            reason: "Second caller confirms".into(),
        },
    )
    .unwrap();
    assert_eq!(
        call.compliance(&pack)[..2],
        [
            ComplianceIssue::TreeNotCompleted,
            ComplianceIssue::Overridden {
                reason: "Second caller confirms".into()
            }
        ]
    );
}

#[test]
fn handoffs_on_spoken_channels_need_a_read_back() {
    let pack = council();
    let mut call = Call::open(&pack, "a", T0);
    let send = |channel: &str, read_back: bool| Command::SendHandoff {
        channel: channel.into(),
        recipient: Some("HW1".into()),
        text: "HW1, this is Control".into(),
        read_back,
    };
    assert!(matches!(
        call.apply(&pack, T0, send("radio", false)),
        Err(Refusal::ReadBackNeeded(_))
    ));
    assert!(matches!(
        call.apply(&pack, T0, send("pigeon", true)),
        Err(Refusal::Unknown {
            what: "channel",
            ..
        })
    ));
    call.apply(&pack, T0, send("radio", true)).unwrap();
    call.apply(&pack, T0, send("sms", false)).unwrap();
    let sent = call
        .log()
        .iter()
        .filter(|e| matches!(e.what, Event::HandoffSent { .. }))
        .count();
    assert_eq!(sent, 2);
}

#[test]
fn notifying_an_external_organisation_uses_one_of_its_contacts() {
    let pack = council();
    let org = &pack.file().external_organisations[0];
    let (id, contact) = (org.id.clone(), org.contacts[0].clone());
    let mut call = Call::open(&pack, "a", T0);
    let notify = |organisation: &str, channel: &str| Command::NotifyOrganisation {
        organisation: organisation.into(),
        channel: channel.into(),
        reference: String::new(),
        spoken_to: String::new(),
    };
    assert!(matches!(
        call.apply(&pack, T0, notify("nobody", "phone")),
        Err(Refusal::Unknown {
            what: "external organisation",
            ..
        })
    ));
    assert!(matches!(
        call.apply(&pack, T0, notify(&id, "pigeon")),
        Err(Refusal::Unknown {
            what: "contact channel",
            ..
        })
    ));
    call.apply(
        &pack,
        T0,
        Command::NotifyOrganisation {
            organisation: id.clone(),
            channel: contact.channel.clone(),
            reference: " CAD-1234 ".into(),
            spoken_to: "Sgt Khan".into(),
        },
    )
    .unwrap();
    assert_eq!(
        call.log().last().unwrap().what,
        Event::Notified {
            organisation: id,
            channel: contact.channel,
            address: contact.address,
            reference: "CAD-1234".into(),
            spoken_to: "Sgt Khan".into(),
        }
    );
}

#[test]
fn a_proposed_escalation_can_be_declined_with_a_reason_and_the_decision_is_logged() {
    let pack = council();
    let mut call = Call::open(&pack, "a", T0);
    let decline = |level: &str, why: &str| Command::DeclineEscalation {
        level: level.into(),
        why: why.into(),
    };
    assert_eq!(
        call.apply(&pack, T0, decline("duty-manager", " ")),
        Err(Refusal::ReasonRequired)
    );
    assert!(matches!(
        call.apply(&pack, T0, decline("nobody", "x")),
        Err(Refusal::Unknown { .. })
    ));
    call.apply(
        &pack,
        T0,
        decline("duty-manager", "Supervisor already on the line"),
    )
    .unwrap();
    assert_eq!(
        call.log().last().unwrap().what,
        Event::EscalationDeclined {
            level: "duty-manager".into(),
            why: "Supervisor already on the line".into()
        }
    );
}

fn safety(question: &str, yes: bool) -> Command {
    Command::SafetyNet {
        question: question.to_owned(),
        yes,
    }
}

/// Walks the noise tree to a business that is noisy now: EH-NSE-03, priority P3.
fn noisy_business(pack: &Pack, call: &mut Call) {
    walk(
        pack,
        call,
        "noise",
        [
            ("q-threat", AnswerValue::YesNo(false)),
            ("q-source", AnswerValue::Option("business".into())),
            ("q-business-now", AnswerValue::YesNo(true)),
        ],
    );
}

#[test]
fn a_safety_net_yes_before_the_code_raises_the_priority_the_tree_gives() {
    let pack = council();
    let mut call = Call::open(&pack, "a", T0);
    call.apply(&pack, T0, safety("sn-worse", true)).unwrap();
    assert_eq!(call.safety_answer("sn-worse"), Some(true));
    assert_eq!(call.safety_answer("sn-danger"), None);
    noisy_business(&pack, &mut call);
    let decision = call.decision().unwrap();
    assert_eq!(decision.code, "EH-NSE-03");
    // The tree says P3 for this path; the safety net says at least P2.
    assert_eq!(decision.priority, "P2");
    assert!(call.log().iter().any(|e| matches!(
        &e.what,
        Event::PriorityRaised { from, to, .. } if from == "P3" && to == "P2"
    )));
}

#[test]
fn a_safety_net_yes_after_the_code_raises_it_announces_and_calls_for_advice() {
    let pack = council();
    let mut call = Call::open(&pack, "a", T0);
    noisy_business(&pack, &mut call);
    let effects = call.apply(&pack, T0, safety("sn-danger", true)).unwrap();
    assert_eq!(call.decision().unwrap().priority, "P1");
    assert!(
        matches!(&effects[..], [Effect::Announce(text)] if text.starts_with("Priority raised to P1"))
    );
    assert_eq!(call.advice_due(&pack), ["adv-gen-999-dial"]);
    let proposals = call.proposals(&pack, T0, &[]);
    assert!(
        proposals.iter().any(|p| p.level == "duty-supervisor"),
        "{proposals:?}"
    );
    call.apply(
        &pack,
        T0,
        Command::GiveAdvice {
            item: "adv-gen-999-dial".into(),
        },
    )
    .unwrap();
    assert!(call.advice_due(&pack).is_empty());
    // A later "no" never lowers what the "yes" raised.
    call.apply(&pack, T0, safety("sn-danger", false)).unwrap();
    assert_eq!(call.safety_answer("sn-danger"), Some(false));
    assert_eq!(call.decision().unwrap().priority, "P1");
}

#[test]
fn a_safety_net_yes_can_mark_the_caller_vulnerable_and_unknown_questions_are_refused() {
    let pack = council();
    let mut call = Call::open(&pack, "a", T0);
    assert!(!call.is_vulnerable());
    call.apply(&pack, T0, safety("sn-vulnerable", true))
        .unwrap();
    assert!(call.is_vulnerable());
    assert!(call
        .proposals(&pack, T0, &[])
        .iter()
        .any(|p| p.level == "duty-supervisor"));
    assert_eq!(
        call.apply(&pack, T0, safety("sn-nope", true)),
        Err(Refusal::Unknown {
            what: "safety-net question",
            id: "sn-nope".into()
        })
    );
}

fn methane_channel(pack: &Pack) -> String {
    pack.file()
        .channels
        .iter()
        .find(|c| c.structure == incident_engine::pack::MessageStructure::Methane)
        .map(|c| c.id.clone())
        .expect("the council pack has an M/ETHANE channel")
}

#[test]
fn a_major_incident_needs_a_reason_fires_its_triggers_and_unlocks_methane() {
    let pack = council();
    let mut call = Call::open(&pack, "a", T0);
    noisy_business(&pack, &mut call);
    let channel = methane_channel(&pack);
    let send = |text: &str| Command::SendHandoff {
        channel: channel.clone(),
        recipient: None,
        text: text.to_owned(),
        read_back: true,
    };
    assert!(matches!(
        call.apply(&pack, T0, send("M: ...")),
        Err(Refusal::NotMajorIncident(_))
    ));
    let declare = |reason: &str| Command::DeclareMajorIncident {
        reason: reason.to_owned(),
        access: "From the A61 only; Mill Lane is closed".to_owned(),
        services: "Fire and police on scene".to_owned(),
    };
    assert_eq!(
        call.apply(&pack, T0, declare("  ")),
        Err(Refusal::ReasonRequired)
    );
    assert!(!call
        .proposals(&pack, T0, &[])
        .iter()
        .any(|p| p.level == "emergency-planning-officer"));
    let effects = call
        .apply(&pack, T0, declare("Gas main fractured, street evacuated"))
        .unwrap();
    assert_eq!(
        effects,
        vec![Effect::Announce("Major incident declared".into())]
    );
    assert!(call.major_incident().is_some());
    assert!(call
        .proposals(&pack, T0, &[])
        .iter()
        .any(|p| p.level == "emergency-planning-officer"));
    let found = pack
        .file()
        .channels
        .iter()
        .find(|c| c.id == channel)
        .unwrap();
    let methane = incident_engine::call::handoff::compose(&pack, &call, found, None);
    let lines: Vec<&str> = methane.text.lines().collect();
    assert_eq!(
        lines[0],
        "M: Major incident declared: Gas main fractured, street evacuated"
    );
    assert_eq!(
        lines[4],
        "A: Access: From the A61 only; Mill Lane is closed"
    );
    assert_eq!(lines[6], "E: Emergency services: Fire and police on scene");
    call.apply(&pack, T0, send(&methane.text)).unwrap();
}

const HOUR: u64 = 3_600_000;

fn prior(at: u64, callback: &str, location: &str) -> PriorCall {
    PriorCall {
        at,
        callback: callback.to_owned(),
        location: location.to_owned(),
    }
}

fn levels(proposals: &[Proposal]) -> Vec<&str> {
    proposals.iter().map(|p| p.level.as_str()).collect()
}

#[test]
fn repeat_callers_are_counted_by_number_or_place_within_the_window() {
    let pack = council();
    let now = T0 + 30 * HOUR;
    let mut call = Call::open(&pack, "a", now);
    let history = [
        prior(now - 2 * HOUR, "07700-900-123", "elsewhere"),
        prior(now - 5 * HOUR, "01632 960000", "12 High St."),
        prior(now - 48 * HOUR, "07700900123", "nowhere"),
        prior(now - 60 * HOUR, "07700900123", "nowhere"),
        prior(now - 100 * HOUR, "07700900123", "nowhere"),
    ];
    // Nothing to match on yet: this call alone.
    assert_eq!(call.repeat_count(now, &history, 24), 1);
    call.apply(&pack, now, set(LogField::CallbackNumber, "07700 900123"))
        .unwrap();
    assert_eq!(call.repeat_count(now, &history, 24), 2);
    assert_eq!(call.repeat_count(now, &history, 72), 4);
    call.apply(&pack, now, set(LogField::Location, "12 high st"))
        .unwrap();
    assert_eq!(call.repeat_count(now, &history, 24), 3);
    assert_eq!(call.repeat_count(now, &history, 72), 5);
    let proposals = call.proposals(&pack, now, &history);
    assert!(
        levels(&proposals).contains(&"duty-supervisor"),
        "{proposals:?}"
    );
    assert!(
        levels(&proposals).contains(&"duty-manager"),
        "{proposals:?}"
    );
    assert!(!levels(&call.proposals(&pack, now, &history[..1])).contains(&"duty-manager"));
    let this = call.as_prior();
    assert_eq!((this.at, this.callback.as_str()), (now, "07700 900123"));
    // Closed, the call joins the history: it is not its own repeat.
    let mut with_itself = history[..1].to_vec();
    with_itself.push(this);
    assert_eq!(call.repeat_count(now + HOUR, &with_itself, 24), 2);
    let mut first = Call::open(&pack, "a", now);
    first
        .apply(&pack, now, set(LogField::CallbackNumber, "01134 960000"))
        .unwrap();
    assert_eq!(first.repeat_count(now, &[first.as_prior()], 24), 1);
}

fn choose(tree: &str) -> Command {
    Command::ChooseTree {
        tree: tree.to_owned(),
    }
}

fn revise(node: &str) -> Command {
    Command::ReviseAnswer {
        node: node.to_owned(),
    }
}

fn gas_call_to_code(pack: &Pack) -> Call {
    let mut call = Call::open(pack, "a", T0);
    call.apply(pack, T0 + 1_000, choose("gas-smell")).unwrap();
    call.apply(
        pack,
        T0 + 2_000,
        answer("q-where", AnswerValue::Option("inside".into())),
    )
    .unwrap();
    call.apply(pack, T0 + 3_000, answer("q-out", AnswerValue::YesNo(false)))
        .unwrap();
    call
}

#[test]
fn going_back_revises_the_last_answer_and_withdraws_the_code_it_led_to() {
    let pack = council();
    let mut call = gas_call_to_code(&pack);
    assert_eq!(call.decision().map(|d| d.code.as_str()), Some("UT-GAS-01"));
    let logged = call.log().len();
    let effects = call.apply(&pack, T0 + 4_000, revise("q-out")).unwrap();
    assert!(effects.iter().any(
        |e| matches!(e, Effect::Announce(t) if t.contains("UT-GAS-01") && t.contains("withdrawn"))
    ));
    // Back on the question whose answer was revised; the code it led to is withdrawn.
    assert_eq!(call.current_question(), Some("q-out"));
    assert_eq!(call.decision(), None);
    assert_eq!(
        call.answers(),
        [("q-where".to_owned(), AnswerValue::Option("inside".into()))]
    );
    // Nothing is erased: the earlier answer stays in the log, marked revised, and the revision
    // is a new event saying what it withdrew.
    assert_eq!(call.log().len(), logged + 1);
    let revised = call
        .log()
        .iter()
        .position(|e| matches!(&e.what, Event::Answered { node, .. } if node == "q-out"))
        .unwrap();
    assert_eq!(call.revised_answers(), vec![revised]);
    match &call.log().last().unwrap().what {
        Event::AnswerRevised {
            node,
            value,
            withdrawn,
            ..
        } => {
            assert_eq!(node, "q-out");
            assert_eq!(value, &AnswerValue::YesNo(false));
            let withdrawn = withdrawn.as_ref().unwrap();
            assert_eq!(
                (withdrawn.code.as_str(), withdrawn.priority.as_str()),
                ("UT-GAS-01", "P1")
            );
        }
        other => panic!("expected a revision, got {other:?}"),
    }
    assert!(call
        .missing(&pack, T0 + 4_000, &[])
        .contains(&Missing::Code));
    // Answered again, the tree decides again.
    call.apply(
        &pack,
        T0 + 5_000,
        answer("q-out", AnswerValue::YesNo(false)),
    )
    .unwrap();
    assert!(call.decision().is_some());
    assert_eq!(call.revised_answers(), vec![revised]);
}

#[test]
fn going_back_mid_tree_keeps_an_earlier_code_and_steps_back_one_question_at_a_time() {
    let pack = council();
    let mut call = Call::open(&pack, "a", T0);
    call.apply(&pack, T0, choose("gas-smell")).unwrap();
    assert_eq!(
        call.apply(&pack, T0, revise("q-where")),
        Err(Refusal::NothingToRevise)
    );
    call.apply(
        &pack,
        T0,
        answer("q-where", AnswerValue::Option("inside".into())),
    )
    .unwrap();
    // Only the last answer can be revised, named, so a repeated key press revises one.
    assert_eq!(
        call.apply(&pack, T0, revise("q-out")),
        Err(Refusal::NotTheLastAnswer {
            last: "q-where".into(),
            got: "q-out".into()
        })
    );
    let effects = call.apply(&pack, T0 + 1_000, revise("q-where")).unwrap();
    assert!(!effects
        .iter()
        .any(|e| matches!(e, Effect::Announce(t) if t.contains("withdrawn"))));
    assert_eq!(call.current_question(), Some("q-where"));
    assert!(call.answers().is_empty());
    assert!(matches!(
        call.log().last().unwrap().what,
        Event::AnswerRevised {
            withdrawn: None,
            ..
        }
    ));
    assert_eq!(
        call.apply(&pack, T0, revise("q-where")),
        Err(Refusal::NothingToRevise)
    );
}

#[test]
fn going_back_after_an_override_keeps_the_handlers_code() {
    let pack = council();
    let mut call = gas_call_to_code(&pack);
    call.apply(
        &pack,
        T0 + 4_000,
        Command::OverrideCode {
            code: "UT-GAS-01".into(),
            priority: "P2".into(),
            reason: "Supervisor's instruction".into(),
        },
    )
    .unwrap();
    call.apply(&pack, T0 + 5_000, revise("q-out")).unwrap();
    let decision = call.decision().unwrap();
    assert!(decision.overridden);
    assert_eq!(decision.priority, "P2");
    assert!(matches!(
        call.log().last().unwrap().what,
        Event::AnswerRevised {
            withdrawn: None,
            ..
        }
    ));
}

#[test]
fn a_revised_call_survives_its_draft_and_its_entry_marks_the_revised_answer() {
    let pack = council();
    let mut call = gas_call_to_code(&pack);
    call.apply(&pack, T0 + 4_000, revise("q-out")).unwrap();
    let restored = Call::from_draft(&pack, &call.to_draft()).unwrap();
    assert_eq!(restored, call);
    call.apply(
        &pack,
        T0 + 5_000,
        answer("q-out", AnswerValue::YesNo(false)),
    )
    .unwrap();
    let restored = Call::from_draft(&pack, &call.to_draft()).unwrap();
    assert_eq!(restored, call);
    let entry: serde_json::Value =
        serde_json::from_str(&incident_engine::call::entry::LogEntry::of(&pack, &call).to_json())
            .unwrap();
    let events = entry["events"].as_array().unwrap();
    let answered: Vec<(&str, bool)> = events
        .iter()
        .filter(|e| e["type"] == "answered")
        .map(|e| (e["node"].as_str().unwrap(), e["revised"] == true))
        .collect();
    assert_eq!(
        answered,
        [("q-where", false), ("q-out", true), ("q-out", false)]
    );
    let revision = events
        .iter()
        .find(|e| e["type"] == "answer_revised")
        .unwrap();
    assert_eq!(revision["withdrawn"]["code"], "UT-GAS-01");
    assert_eq!(entry["decision"]["code"], "UT-GAS-01");
}

#[test]
fn a_draft_saved_before_revisions_existed_restores_and_can_be_revised() {
    // Written by the engine before `ReviseAnswer` (format @1, unchanged): a gas call coded P1.
    // Its pack version is edited to the shipped pack's at each version change (2026.11.1 to
    // 2026.12.1; the gas tree is unchanged), since a draft under another version is refused.
    let path = format!(
        "{}/../tests/fixtures/drafts/gas-coded-before-revisions.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(path).unwrap();
    let pack = council();
    let mut call = Call::from_draft(&pack, &text).unwrap();
    assert_eq!(call.to_draft(), text);
    assert_eq!(call.decision().map(|d| d.code.as_str()), Some("UT-GAS-01"));
    call.apply(&pack, T0 + 10_000, revise("q-out")).unwrap();
    assert_eq!(call.decision(), None);
    assert_eq!(Call::from_draft(&pack, &call.to_draft()).unwrap(), call);
}
