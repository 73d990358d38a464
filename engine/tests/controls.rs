//! The handler's controls of issue 11, against a small pack made for them
//! (tests/fixtures/packs/good/controls.json): advice to give at once, every rule a piece of
//! free-text advice breaks, placeholders filled in logged advice, whole-word keyword triggers,
//! escalating on the handler's own judgement, proposals and deviations that hold the close,
//! partner references, the proposed channel and what each channel may carry.

use incident_engine::call::entry::LogEntry;
use incident_engine::call::handoff::{compose, propose_channel};
use incident_engine::call::{AnswerValue, Call, Command, ComplianceIssue, Event, Missing, Refusal};
use incident_engine::pack::LogField;
use incident_engine::{parse_pack, Pack};

const T0: u64 = 1_800_000_000_000;

fn pack() -> Pack {
    let path = format!(
        "{}/../tests/fixtures/packs/good/controls.json",
        env!("CARGO_MANIFEST_DIR")
    );
    parse_pack(&std::fs::read(path).unwrap()).unwrap()
}

fn run(pack: &Pack, call: &mut Call, command: Command) {
    call.apply(pack, T0, command).unwrap();
}

fn set(field: LogField, value: &str) -> Command {
    Command::SetField {
        field,
        value: value.into(),
    }
}

fn gas_call(pack: &Pack, via_alarm: bool) -> Call {
    let mut call = Call::open(pack, "agent-7", T0);
    run(pack, &mut call, Command::ChooseTree { tree: "gas".into() });
    let option = if via_alarm { "alarm" } else { "inside" };
    run(
        pack,
        &mut call,
        Command::Answer {
            node: "q-where".into(),
            value: AnswerValue::Option(option.into()),
        },
    );
    call
}

fn escalate(level: &str, contact: &str) -> Command {
    Command::Escalate {
        level: level.into(),
        how: "phone".into(),
        why: "Caller says a journalist is outside".into(),
        contact: contact.into(),
        response: "Will call the caller back".into(),
    }
}

#[test]
fn advice_to_give_now_shows_the_moment_the_tree_starts_and_as_each_question_is_reached() {
    let pack = pack();
    let mut call = Call::open(&pack, "a", T0);
    assert!(call.advice_due(&pack).is_empty());
    run(&pack, &mut call, Command::ChooseTree { tree: "gas".into() });
    // Before any question is answered, before any code.
    assert_eq!(call.advice_due(&pack), ["adv-leave"]);
    assert!(call.decision().is_none());
    run(
        &pack,
        &mut call,
        Command::Answer {
            node: "q-where".into(),
            value: AnswerValue::Option("alarm".into()),
        },
    );
    // The carbon monoxide question is reached: fresh-air advice joins, still before the code.
    assert_eq!(call.advice_due(&pack), ["adv-leave", "adv-fresh-air"]);
    run(
        &pack,
        &mut call,
        Command::GiveAdvice {
            item: "adv-leave".into(),
        },
    );
    assert_eq!(call.advice_due(&pack), ["adv-fresh-air"]);
    assert!(call.advice_given("adv-leave"));
}

#[test]
fn logged_advice_has_its_placeholders_filled() {
    let pack = pack();
    let mut call = gas_call(&pack, false);
    run(
        &pack,
        &mut call,
        Command::GiveAdvice {
            item: "adv-ref".into(),
        },
    );
    match &call.log().last().unwrap().what {
        Event::AdviceGiven { text, .. } => {
            assert_eq!(text, "I have logged this with Fixture Council.")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn free_text_advice_is_refused_with_every_rule_it_breaks() {
    let pack = pack();
    let mut call = gas_call(&pack, false);
    for (text, limits) in [
        ("You can use your lighter to check", vec!["lim-ignition"]),
        (
            "Please stay in the house until the engineer arrives",
            vec!["lim-stay"],
        ),
        (
            "Stay inside and use a match to see",
            vec!["lim-ignition", "lim-stay"],
        ),
    ] {
        let before = call.log().len();
        match call.apply(&pack, T0, Command::GiveFreeTextAdvice { text: text.into() }) {
            Err(Refusal::AdviceOverLimit(breaches)) => {
                let got: Vec<&str> = breaches.iter().map(|b| b.limit.as_str()).collect();
                assert_eq!(got, limits, "{text}");
                assert!(breaches
                    .iter()
                    .all(|b| b.instead.as_deref() == Some("adv-leave")));
            }
            other => panic!("{text}: expected a refusal, got {other:?}"),
        }
        // One refusal logged per rule broken.
        let refused: Vec<&Event> = call.log()[before..].iter().map(|e| &e.what).collect();
        assert_eq!(refused.len(), limits.len());
        assert!(refused
            .iter()
            .all(|e| matches!(e, Event::AdviceRefused { .. })));
    }
    // The refusal says both rules in words.
    let both = call
        .apply(
            &pack,
            T0,
            Command::GiveFreeTextAdvice {
                text: "stay inside, no lighters".into(),
            },
        )
        .unwrap_err()
        .to_string();
    assert!(
        both.contains("spark") && both.contains("stay inside"),
        "{both}"
    );
    run(
        &pack,
        &mut call,
        Command::GiveFreeTextAdvice {
            text: "Please go outside and wait for the engineer there".into(),
        },
    );
}

#[test]
fn keyword_triggers_match_whole_words_not_letters_inside_words() {
    let pack = pack();
    let proposes_manager = |location: &str, narrative: &str| {
        let mut call = Call::open(&pack, "a", T0);
        run(&pack, &mut call, set(LogField::Location, location));
        run(&pack, &mut call, set(LogField::Narrative, narrative));
        call.proposals(&pack, T0, &[])
            .iter()
            .any(|p| p.level == "manager")
    };
    assert!(!proposes_manager(
        "12 Camp Road",
        "Damp patch by the lamp post"
    ));
    assert!(!proposes_manager("Hampton Close", "Impassable"));
    assert!(proposes_manager("12 Camp Road", "Says their MP knows"));
    assert!(proposes_manager("Mill Lane", "She is GOING TO THE PRESS."));
}

#[test]
fn the_handler_can_escalate_on_their_own_judgement_saying_who_how_and_what_they_said() {
    let pack = pack();
    let mut call = Call::open(&pack, "a", T0);
    assert!(call.proposals(&pack, T0, &[]).is_empty());
    assert_eq!(
        call.apply(&pack, T0, escalate("manager", "  ")),
        Err(Refusal::ContactRequired)
    );
    run(
        &pack,
        &mut call,
        escalate("manager", "Duty manager R. Okafor"),
    );
    assert_eq!(
        call.log().last().unwrap().what,
        Event::Escalated {
            level: "manager".into(),
            how: "phone".into(),
            why: "Caller says a journalist is outside".into(),
            contact: "Duty manager R. Okafor".into(),
            response: "Will call the caller back".into(),
        }
    );
    assert!(call.decided("manager"));
}

#[test]
fn an_undecided_proposal_holds_the_close_until_it_is_escalated_or_declined() {
    let pack = pack();
    let mut call = gas_call(&pack, false);
    run(&pack, &mut call, set(LogField::Location, "4 Mill Lane"));
    for item in ["adv-leave", "adv-ref"] {
        run(&pack, &mut call, Command::GiveAdvice { item: item.into() });
    }
    run(
        &pack,
        &mut call,
        Command::TickChecklist {
            item: "ck-ref".into(),
        },
    );
    // The P1 trigger proposes the supervisor.
    assert_eq!(
        call.apply(&pack, T0, Command::Close { prior: vec![] }),
        Err(Refusal::MissingFields(vec![Missing::Decision(
            "supervisor".into()
        )]))
    );
    run(
        &pack,
        &mut call,
        escalate("supervisor", "Supervisor on shift"),
    );
    assert!(matches!(
        call.apply(&pack, T0, Command::Close { prior: vec![] })
            .as_deref(),
        Ok([incident_engine::call::Effect::Completed { .. }])
    ));
    assert!(call.deviations(&pack).is_empty());
}

#[test]
fn every_deviation_needs_a_reason_before_the_close_and_the_entry_carries_them() {
    let pack = pack();
    let mut call = gas_call(&pack, false);
    run(&pack, &mut call, set(LogField::Location, "4 Mill Lane"));
    run(&pack, &mut call, set(LogField::CallerName, "Sam Taylor"));
    run(
        &pack,
        &mut call,
        Command::GiveAdvice {
            item: "adv-leave".into(),
        },
    );
    run(
        &pack,
        &mut call,
        Command::DeclineEscalation {
            level: "supervisor".into(),
            why: "Supervisor is already listening in".into(),
        },
    );
    let keys: Vec<(String, Option<String>)> = call
        .deviations(&pack)
        .into_iter()
        .map(|d| (d.key, d.reason))
        .collect();
    assert_eq!(
        keys,
        [
            ("advice:adv-ref".to_owned(), None),
            ("checklist:ck-ref".to_owned(), None),
            (
                "declined:supervisor".to_owned(),
                Some("Supervisor is already listening in".to_owned())
            ),
        ]
    );
    assert_eq!(
        call.apply(&pack, T0, Command::Close { prior: vec![] }),
        Err(Refusal::MissingFields(vec![
            Missing::Explanation("advice:adv-ref".into()),
            Missing::Explanation("checklist:ck-ref".into()),
        ]))
    );
    let explain = |deviation: &str, reason: &str| Command::ExplainDeviation {
        deviation: deviation.into(),
        reason: reason.into(),
    };
    assert_eq!(
        call.apply(&pack, T0, explain("advice:adv-ref", " ")),
        Err(Refusal::ReasonRequired)
    );
    assert!(matches!(
        call.apply(&pack, T0, explain("advice:adv-leave", "given")),
        Err(Refusal::Unknown {
            what: "deviation",
            ..
        })
    ));
    run(
        &pack,
        &mut call,
        explain("advice:adv-ref", "Caller hung up after the safety advice"),
    );
    run(
        &pack,
        &mut call,
        explain("checklist:ck-ref", "Caller hung up after the safety advice"),
    );
    run(&pack, &mut call, Command::Close { prior: vec![] });
    let entry = LogEntry::of(&pack, &call);
    assert_eq!(entry.deviations.len(), 3);
    assert!(entry.deviations.iter().all(|d| d.reason.is_some()));
    assert_eq!(
        entry.deviations[2].issue,
        ComplianceIssue::EscalationDeclined {
            level: "supervisor".into(),
            why: "Supervisor is already listening in".into()
        }
    );
    assert_eq!(entry.personal_fields, [LogField::CallerName]);
}

#[test]
fn escalating_after_a_decline_undoes_the_deviation() {
    let pack = pack();
    let mut call = gas_call(&pack, false);
    run(
        &pack,
        &mut call,
        Command::DeclineEscalation {
            level: "supervisor".into(),
            why: "Not needed".into(),
        },
    );
    assert!(call
        .deviations(&pack)
        .iter()
        .any(|d| d.key == "declined:supervisor"));
    run(&pack, &mut call, escalate("supervisor", "Supervisor"));
    assert!(!call
        .deviations(&pack)
        .iter()
        .any(|d| d.key == "declined:supervisor"));
}

#[test]
fn a_channel_is_proposed_from_the_recipients_channels_the_urgency_and_the_packs_rules() {
    let pack = pack();
    let crew: Vec<String> = ["sms", "radio", "email"].map(String::from).to_vec();
    // No code yet: the recipient's first channel.
    let call = Call::open(&pack, "a", T0);
    let proposal = propose_channel(&pack, &call, &crew).unwrap();
    assert_eq!(proposal.channel, "sms");
    assert_eq!(
        proposal.why,
        "SMS to a contractor: the recipient's first channel"
    );
    // P1 (the most urgent): the first spoken channel the crew has.
    let call = gas_call(&pack, false);
    let proposal = propose_channel(&pack, &call, &crew).unwrap();
    assert_eq!(proposal.channel, "radio");
    assert!(proposal.why.contains("heard at once"), "{}", proposal.why);
    // P2: the pack names e-mail for P2.
    let mut call = Call::open(&pack, "a", T0);
    run(
        &pack,
        &mut call,
        Command::ChooseTree {
            tree: "flooding".into(),
        },
    );
    run(
        &pack,
        &mut call,
        Command::Answer {
            node: "q1".into(),
            value: AnswerValue::YesNo(false),
        },
    );
    let proposal = propose_channel(&pack, &call, &crew).unwrap();
    assert_eq!(proposal.channel, "email");
    assert_eq!(
        proposal.why,
        "E-mail: the procedure's first choice for P2 calls"
    );
    // Without e-mail, a written channel for a call that is not the most urgent.
    let proposal = propose_channel(&pack, &call, &["radio".into(), "sms".into()]).unwrap();
    assert_eq!(proposal.channel, "sms");
    assert!(propose_channel(&pack, &call, &[]).is_none());
    assert!(propose_channel(&pack, &call, &["pigeon".into()]).is_none());
}

#[test]
fn a_message_leaves_out_the_personal_fields_its_channel_may_not_carry() {
    let pack = pack();
    let mut call = gas_call(&pack, false);
    for (field, value) in [
        (LogField::Location, "4 Mill Lane"),
        (LogField::CallerName, "Sam Taylor"),
        (LogField::CallbackNumber, "07700 900123"),
        (LogField::VehicleRegistration, "AB12 CDE"),
        (LogField::Vulnerability, "Uses a wheelchair"),
    ] {
        run(&pack, &mut call, set(field, value));
    }
    let channel = |id: &str| {
        pack.file()
            .channels
            .iter()
            .find(|c| c.id == id)
            .unwrap()
            .clone()
    };
    // An SMS to a contractor: no personal field at all.
    let sms = compose(&pack, &call, &channel("sms"), Some("CREW 1"));
    assert_eq!(
        sms.left_out,
        [
            LogField::CallerName,
            LogField::CallbackNumber,
            LogField::VehicleRegistration,
            LogField::Vulnerability
        ]
    );
    for personal in ["Sam Taylor", "07700", "AB12", "wheelchair"] {
        assert!(!sms.text.contains(personal), "{personal} in {}", sms.text);
    }
    assert!(sms.text.contains("4 Mill Lane"));
    // Radio may carry the registration only.
    let radio = compose(&pack, &call, &channel("radio"), Some("CREW 1"));
    assert!(radio.text.contains("AB12 CDE"));
    assert!(!radio.text.contains("07700") && !radio.text.contains("Sam Taylor"));
    assert_eq!(radio.left_out.len(), 3);
    // A channel without `may_carry` carries them all.
    let phone = compose(&pack, &call, &channel("phone"), None);
    assert!(phone.left_out.is_empty());
    for personal in [
        "Sam Taylor",
        "07700 900123",
        "AB12 CDE",
        "Uses a wheelchair",
    ] {
        assert!(
            phone.text.contains(personal),
            "{personal} in {}",
            phone.text
        );
    }
}

#[test]
fn a_channel_may_carry_only_personal_fields_and_give_now_names_real_advice() {
    let mut json: serde_json::Value = serde_json::from_slice(
        &std::fs::read(format!(
            "{}/../tests/fixtures/packs/good/controls.json",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap(),
    )
    .unwrap();
    json["channels"][1]["may_carry"] = serde_json::json!(["location"]);
    json["channels"][3]["preferred_for"] = serde_json::json!(["P9"]);
    json["trees"][1]["give_now"] = serde_json::json!(["adv-nothing"]);
    json["trees"][1]["nodes"][1]["give_now"] = serde_json::json!(["adv-none"]);
    let problems = match parse_pack(json.to_string().as_bytes()) {
        Err(incident_engine::PackLoadError::Invalid { problems }) => problems,
        other => panic!("{other:?}"),
    };
    let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "trees[1].give_now[0]",
            "trees[1].nodes[1].give_now[0]",
            "channels[1].may_carry[0]",
            "channels[3].preferred_for[0]",
        ]
    );
    assert!(problems[2]
        .message
        .starts_with("location is not personal data"));
}

#[test]
fn agent_is_refused_where_the_log_keeps_the_pack_s_words_and_organisation_is_filled_there() {
    let text = std::fs::read_to_string(format!(
        "{}/../tests/fixtures/packs/good/controls.json",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let mut json: serde_json::Value = serde_json::from_str(&text).unwrap();
    json["advice"]["items"][2]["text"] = "{agent} has logged this.".into();
    let problems = match parse_pack(json.to_string().as_bytes()) {
        Err(incident_engine::PackLoadError::Invalid { problems }) => problems,
        other => panic!("{other:?}"),
    };
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].path, "advice.items[2].text");
    assert!(problems[0]
        .message
        .starts_with("{agent} is filled only in the greeting"));
    // {organisation} in a question is filled where the question is logged.
    let mut json: serde_json::Value = serde_json::from_str(&text).unwrap();
    json["trees"][1]["nodes"][0]["question"] = "Is the smell in a {organisation} home?".into();
    let pack = parse_pack(json.to_string().as_bytes()).unwrap();
    let call = gas_call(&pack, false);
    let asked = call.log().iter().find_map(|e| match &e.what {
        Event::Answered { question, .. } => Some(question.clone()),
        _ => None,
    });
    assert_eq!(
        asked.as_deref(),
        Some("Is the smell in a Fixture Council home?")
    );
}

#[test]
fn an_advice_item_that_stands_in_for_another_keeps_an_outcome_from_being_warned_about() {
    let path = format!(
        "{}/../packs/council-out-of-hours.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(path).unwrap();
    let pack = parse_pack(text.as_bytes()).unwrap();
    assert!(pack.warnings().is_empty(), "{:?}", pack.warnings());
    // "I am reporting this to the gas emergency service for you" stands in for "call them
    // yourself" on the carbon monoxide casualty's code; without that, the outcome is flagged.
    let mut json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let items = json["advice"]["items"].as_array_mut().unwrap();
    let item = items
        .iter_mut()
        .find(|a| a["id"] == "adv-co-ngs-for-you")
        .unwrap();
    item.as_object_mut().unwrap().remove("replaces");
    let pack = parse_pack(json.to_string().as_bytes()).unwrap();
    let warned: Vec<(&str, &str)> = pack
        .warnings()
        .iter()
        .map(|p| (p.path.as_str(), p.message.as_str()))
        .collect();
    assert_eq!(warned.len(), 1, "{warned:?}");
    assert!(
        warned[0].1.contains("drops advice adv-gas-ngs"),
        "{warned:?}"
    );
    // An item cannot stand in for itself, nor for one that does not exist.
    let mut json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let items = json["advice"]["items"].as_array_mut().unwrap();
    let (i, item) = items
        .iter_mut()
        .enumerate()
        .find(|(_, a)| a["id"] == "adv-co-ngs-for-you")
        .unwrap();
    item["replaces"] = serde_json::json!(["adv-co-ngs-for-you", "adv-nothing"]);
    let problems = match parse_pack(json.to_string().as_bytes()) {
        Err(incident_engine::PackLoadError::Invalid { problems }) => problems,
        other => panic!("{other:?}"),
    };
    let paths: Vec<String> = problems.iter().map(|p| p.path.clone()).collect();
    assert_eq!(
        paths,
        [
            format!("advice.items[{i}].replaces[0]"),
            format!("advice.items[{i}].replaces[1]")
        ]
    );
    assert_eq!(
        problems[0].message,
        "an advice item cannot stand in for itself"
    );
}
