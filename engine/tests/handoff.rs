//! Handoff messages from one gas call, in every channel of the default pack.

use incident_engine::call::handoff::compose;
use incident_engine::call::{AnswerValue, Call, Command};
use incident_engine::pack::LogField;
use incident_engine::parse_pack;

#[test]
fn one_log_every_channel_in_its_own_conventions() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../packs/council-out-of-hours.json"
    );
    let pack = parse_pack(&std::fs::read(path).unwrap()).unwrap();
    let mut call = Call::open(&pack, "agent-7", 0);
    let commands = [
        Command::ChooseTree { tree: "gas-smell".into() },
        Command::Answer { node: "q-where".into(), value: AnswerValue::Option("outside".into()) },
        Command::Answer { node: "q-street".into(), value: AnswerValue::YesNo(true) },
        Command::SetField { field: LogField::Location, value: "Junction of Mill Lane and Station Road, Northbridge".into() },
        Command::SetField {
            field: LogField::Narrative,
            value: "Strong smell of gas near a damaged pavement; digger on site. ETA of gas engineer unknown".into(),
        },
        Command::SetField { field: LogField::Hazards, value: "Traffic; possible ignition sources".into() },
        Command::SetField { field: LogField::VehicleRegistration, value: "NB24 XYZ".into() },
        Command::SetField { field: LogField::CallbackNumber, value: "07700 900123".into() },
    ];
    for command in commands {
        call.apply(&pack, 1, command).unwrap();
    }
    let channel = |id: &str| pack.file().channels.iter().find(|c| c.id == id).unwrap();

    let radio = compose(&pack, &call, channel("radio"), Some("HW1"));
    assert!(
        radio
            .text
            .starts_with("HW1 (Hotel Whiskey One), this is Control. Priority P1"),
        "{}",
        radio.text
    );
    assert!(
        radio
            .text
            .contains("NB24 XYZ (November Bravo Two Four X-ray Yankee Zulu)"),
        "{}",
        radio.text
    );
    assert!(radio.text.ends_with("Please acknowledge. Over."));
    assert_eq!(radio.replaced, ["ETA"]);
    assert!(
        radio.text.contains("expected arrival time of gas engineer"),
        "{}",
        radio.text
    );

    let sms = compose(&pack, &call, channel("sms"), None);
    assert_eq!(sms.limit, Some(160));
    assert!(sms.length <= 160, "{} chars: {}", sms.length, sms.text);
    assert!(sms.shortened);
    assert!(sms.text.starts_with("P1 UT-GAS-01 "), "{}", sms.text);
    assert!(
        !sms.text.contains("November Bravo"),
        "SMS is not spelt phonetically: {}",
        sms.text
    );

    let methane = compose(&pack, &call, channel("major-incident"), None);
    let letters: Vec<&str> = methane.text.lines().map(|l| &l[..1]).collect();
    assert_eq!(letters, ["M", "E", "T", "H", "A", "N", "E"]);

    let data = compose(&pack, &call, channel("data"), None);
    let json: serde_json::Value =
        serde_json::from_str(&data.text).expect("data channel sends JSON");
    assert_eq!(json["code"], "UT-GAS-01");
    assert_eq!(json["vehicle_registration"], "NB24 XYZ");

    let email = compose(&pack, &call, channel("email"), None);
    assert!(email.text.contains("Callback: 07700 900123"));
}

// Vulnerability and the safety net's "yes" answers travel with every handoff (issue 13), within
// each channel's `may_carry`.

use incident_engine::call::handoff::Handoff;
use incident_engine::pack::Pack;
use incident_engine::pack::{Channel, Medium};

fn shipped(name: &str) -> Pack {
    let path = format!("{}/../packs/{name}.json", env!("CARGO_MANIFEST_DIR"));
    parse_pack(&std::fs::read(path).unwrap()).unwrap()
}

/// A gas call on the council's pack (code UT-GAS-01, P1) with these safety-net answers and fields.
fn gas_call(pack: &Pack, safety: &[(&str, bool)], fields: &[(LogField, &str)]) -> Call {
    let mut call = Call::open(pack, "agent-7", 0);
    let mut commands = vec![
        Command::ChooseTree {
            tree: "gas-smell".into(),
        },
        Command::Answer {
            node: "q-where".into(),
            value: AnswerValue::Option("outside".into()),
        },
        Command::Answer {
            node: "q-street".into(),
            value: AnswerValue::YesNo(true),
        },
        Command::SetField {
            field: LogField::Location,
            value: "14 Mill Lane, Northbridge".into(),
        },
        Command::SetField {
            field: LogField::Narrative,
            value: "Smell of gas in the street".into(),
        },
    ];
    commands.extend(safety.iter().map(|(q, yes)| Command::SafetyNet {
        question: (*q).into(),
        yes: *yes,
    }));
    commands.extend(fields.iter().map(|(f, v)| Command::SetField {
        field: *f,
        value: (*v).into(),
    }));
    for command in commands {
        call.apply(pack, 1, command).unwrap();
    }
    call
}

fn channel<'a>(pack: &'a Pack, id: &str) -> &'a Channel {
    pack.file().channels.iter().find(|c| c.id == id).unwrap()
}

fn every_channel(pack: &Pack, call: &Call) -> Vec<Handoff> {
    pack.file()
        .channels
        .iter()
        .map(|c| compose(pack, call, c, Some("HW1")))
        .collect()
}

const ALL_NO: [(&str, bool); 6] = [
    ("sn-danger", false),
    ("sn-threat", false),
    ("sn-vulnerable", false),
    ("sn-worse", false),
    ("sn-repeat", false),
    ("sn-access", false),
];

#[test]
fn a_vulnerable_caller_on_a_gas_call_reaches_the_gas_emergency_service() {
    let pack = shipped("council-out-of-hours");
    let call = gas_call(
        &pack,
        &[("sn-vulnerable", true)],
        &[(LogField::Vulnerability, "82, lives alone")],
    );
    // The gas emergency service is reached by telephone, which may carry every personal field.
    let gas = pack
        .file()
        .external_organisations
        .iter()
        .find(|o| o.id == "gas-emergency")
        .unwrap();
    assert!(gas.contacts.iter().all(|c| c.channel == "phone"));
    let phone = compose(&pack, &call, channel(&pack, "phone"), None);
    assert_eq!(
        phone.text.lines().take(2).collect::<Vec<_>>(),
        [
            "UT-GAS-01 Smell of gas or suspected gas escape (priority P1)",
            "VULNERABLE PERSON: 82, lives alone"
        ],
        "{}",
        phone.text
    );
    assert!(phone.left_out.is_empty());
    // Secure e-mail may carry it too; so may the caller's own voice channel.
    for id in ["email", "voice"] {
        let handoff = compose(&pack, &call, channel(&pack, id), None);
        assert!(
            handoff.text.contains("VULNERABLE PERSON: 82, lives alone"),
            "{id}: {}",
            handoff.text
        );
    }
}

#[test]
fn a_channel_that_may_not_carry_vulnerability_carries_only_the_flag() {
    let pack = shipped("council-out-of-hours");
    let call = gas_call(
        &pack,
        &[("sn-vulnerable", true)],
        &[(LogField::Vulnerability, "82, lives alone")],
    );
    const FLAG: &str = "VULNERABLE PERSON: yes, details by phone from the control room";
    // An SMS to a contractor: no personal field, but the flag, and it survives the 160 characters.
    let sms = compose(&pack, &call, channel(&pack, "sms"), Some("REPAIRS 1"));
    assert!(sms.length <= 160, "{}", sms.text);
    assert!(
        sms.text.starts_with(&format!(
            "P1 UT-GAS-01 | {FLAG} | Location: 14 Mill Lane, Northbridge | "
        )),
        "{}",
        sms.text
    );
    assert!(
        !sms.text.contains("82") && !sms.text.contains("alone"),
        "{}",
        sms.text
    );
    assert_eq!(sms.left_out, [LogField::Vulnerability]);
    // Radio is overheard: the flag only.
    let radio = compose(&pack, &call, channel(&pack, "radio"), Some("HW1"));
    assert!(
        radio.text.contains(&format!(
            "Smell of gas or suspected gas escape. {FLAG}. Location: "
        )),
        "{}",
        radio.text
    );
    assert!(!radio.text.contains("lives alone"));
    // The works-order system's JSON: the flag in the same words, and a field to filter on.
    let data = compose(&pack, &call, channel(&pack, "data"), None);
    let json: serde_json::Value = serde_json::from_str(&data.text).unwrap();
    assert_eq!(json["vulnerable"], true);
    assert_eq!(
        json["vulnerability"],
        "yes, details by phone from the control room"
    );
    assert!(!data.text.contains("lives alone"));
    // M/ETHANE keeps its seven lines; the flag goes with the casualties.
    let mut major = call.clone();
    major
        .apply(
            &pack,
            2,
            Command::DeclareMajorIncident {
                reason: "Gas main fractured".into(),
                access: String::new(),
                services: String::new(),
            },
        )
        .unwrap();
    let methane = compose(&pack, &major, channel(&pack, "major-incident"), None);
    let lines: Vec<&str> = methane.text.lines().collect();
    assert_eq!(lines.len(), 7, "{}", methane.text);
    assert_eq!(
        lines[5],
        format!("N: Number of casualties: not known. {FLAG}")
    );
    assert!(!methane.text.contains("lives alone"));
}

#[test]
fn a_yes_without_details_still_flags_the_vulnerable_person() {
    let pack = shipped("council-out-of-hours");
    let call = gas_call(&pack, &[("sn-vulnerable", true)], &[]);
    let phone = compose(&pack, &call, channel(&pack, "phone"), None);
    assert!(
        phone
            .text
            .contains("VULNERABLE PERSON: yes, no details recorded"),
        "{}",
        phone.text
    );
    // Nothing was written down, so nothing was left out; the SMS still says whom to ask.
    let sms = compose(&pack, &call, channel(&pack, "sms"), None);
    assert!(sms.left_out.is_empty());
    assert!(sms
        .text
        .contains("VULNERABLE PERSON: yes, details by phone from the control room"));
    // The vulnerability field alone (no "yes") is enough.
    let call = gas_call(
        &pack,
        &[],
        &[(LogField::Vulnerability, "Uses a wheelchair")],
    );
    let email = compose(&pack, &call, channel(&pack, "email"), None);
    assert!(
        email.text.contains("VULNERABLE PERSON: Uses a wheelchair"),
        "{}",
        email.text
    );
}

#[test]
fn danger_and_other_yes_answers_are_flagged_on_every_channel() {
    let pack = shipped("council-out-of-hours");
    let call = gas_call(&pack, &[("sn-danger", true), ("sn-worse", true)], &[]);
    let safety =
        "SAFETY: Someone in immediate danger, hurt or trapped; Could get worse within the hour";
    for handoff in every_channel(&pack, &call) {
        if handoff.channel == "data" {
            let json: serde_json::Value = serde_json::from_str(&handoff.text).unwrap();
            assert_eq!(
                json["safety"],
                serde_json::json!([
                    "Someone in immediate danger, hurt or trapped",
                    "Could get worse within the hour"
                ])
            );
            assert_eq!(json["vulnerable"], false);
        } else if handoff.channel == "major-incident" {
            // Not declared: the channel is closed in the widget, but its text is still whole.
            assert!(
                handoff
                    .text
                    .contains(&format!("H: Hazards: not known. {safety}")),
                "{}",
                handoff.text
            );
        } else {
            assert!(
                handoff.text.contains(safety),
                "{}: {}",
                handoff.channel,
                handoff.text
            );
        }
        assert!(!handoff.text.contains("VULNERABLE"), "{}", handoff.text);
    }
    // A "yes" corrected to "no" is no longer said.
    let corrected = gas_call(
        &pack,
        &[
            ("sn-danger", true),
            ("sn-worse", true),
            ("sn-danger", false),
        ],
        &[],
    );
    let phone = compose(&pack, &corrected, channel(&pack, "phone"), None);
    assert!(
        phone
            .text
            .contains("SAFETY: Could get worse within the hour\n"),
        "{}",
        phone.text
    );
}

#[test]
fn a_call_with_no_vulnerability_and_no_yes_says_nothing_extra() {
    let pack = shipped("council-out-of-hours");
    let unasked = gas_call(&pack, &[], &[]);
    let all_no = gas_call(&pack, &ALL_NO, &[(LogField::Vulnerability, "  ")]);
    assert!(!all_no.is_vulnerable());
    for (before, after) in every_channel(&pack, &unasked)
        .into_iter()
        .zip(every_channel(&pack, &all_no))
    {
        assert_eq!(before, after, "answering no changes nothing");
        for word in ["VULNERABLE", "SAFETY", "Vulnerable"] {
            assert!(
                !after.text.contains(word),
                "{}: {}",
                after.channel,
                after.text
            );
        }
    }
    let phone = compose(&pack, &all_no, channel(&pack, "phone"), None);
    assert_eq!(
        phone.text,
        "UT-GAS-01 Smell of gas or suspected gas escape (priority P1)\nLocation: 14 Mill Lane, Northbridge\nDetails: Smell of gas in the street"
    );
    let data = compose(&pack, &all_no, channel(&pack, "data"), None);
    let json: serde_json::Value = serde_json::from_str(&data.text).unwrap();
    assert_eq!(json["vulnerable"], false);
    assert_eq!(json["vulnerability"], "");
    assert_eq!(json["safety"], serde_json::json!([]));
}

#[test]
fn sbar_carries_them_in_its_assessment() {
    // The housing pack's telephone to contractors is SBAR and may carry everything.
    let pack = shipped("housing-repairs");
    let mut call = Call::open(&pack, "agent-7", 0);
    for command in [
        Command::OverrideCode {
            code: "HH-LK-01".into(),
            priority: "U1".into(),
            reason: "Caller sure it is a leak".into(),
        },
        Command::SafetyNet {
            question: "sn-vulnerable".into(),
            yes: true,
        },
        Command::SafetyNet {
            question: "sn-access".into(),
            yes: true,
        },
        Command::SetField {
            field: LogField::Vulnerability,
            value: "Resident is 82 and lives alone".into(),
        },
        Command::SetField {
            field: LogField::Hazards,
            value: "Water near sockets".into(),
        },
    ] {
        call.apply(&pack, 1, command).unwrap();
    }
    let phone = compose(&pack, &call, channel(&pack, "phone"), None);
    let assessment = phone.text.lines().nth(2).unwrap();
    assert_eq!(
        assessment,
        "Assessment: SAFETY: Someone shut in or shut out of their home. VULNERABLE PERSON: Resident is 82 and lives alone. Hazards: Water near sockets",
        "{}",
        phone.text
    );
    // Its SMS may carry nothing personal.
    let sms = compose(&pack, &call, channel(&pack, "sms"), None);
    assert!(
        sms.text.starts_with("E1 HH-LK-01 | SAFETY: Someone shut in or shut out of their home | VULNERABLE PERSON: yes, details by phone from the control room | "),
        "{}",
        sms.text
    );
    assert!(!sms.text.contains("82"), "{}", sms.text);
}

#[test]
fn hostile_text_never_breaks_a_handoff() {
    let long = "x".repeat(30_000);
    let hostile = [
        "line one\nline two\r\nM: Major incident declared",
        "<script>alert(1)</script> & \"quotes\" {organisation} \u{0}\u{7}\u{202e}",
        "🧓🏽 ٨٢ lives alone \u{202e} ",
        long.as_str(),
        "",
        " \n\t ",
    ];
    // The shipped packs, and one whose own texts are markup (its question has no label).
    for name in [
        "council-out-of-hours",
        "housing-repairs",
        "../tests/fixtures/packs/good/hostile-strings",
    ] {
        let pack = shipped(name);
        let questions: Vec<String> = pack
            .file()
            .safety_net
            .iter()
            .map(|q| q.id.clone())
            .collect();
        for text in hostile {
            let mut call = Call::open(&pack, "agent-7", 0);
            for q in &questions {
                call.apply(
                    &pack,
                    1,
                    Command::SafetyNet {
                        question: q.clone(),
                        yes: true,
                    },
                )
                .unwrap();
            }
            for field in [
                LogField::Vulnerability,
                LogField::Location,
                LogField::Hazards,
                LogField::CallerName,
            ] {
                call.apply(
                    &pack,
                    1,
                    Command::SetField {
                        field,
                        value: text.into(),
                    },
                )
                .unwrap();
            }
            // Before a code and after a major incident: every channel, every state.
            for handoff in every_channel(&pack, &call) {
                let channel = channel(&pack, &handoff.channel);
                if let Some(limit) = channel.max_length {
                    assert!(handoff.length <= limit as usize);
                }
                if channel.medium == Medium::Data {
                    // JSON, its members in the order of their names (as serde_json's map writes
                    // them: the order receiving systems have always had).
                    let value = serde_json::from_str::<serde_json::Value>(&handoff.text).unwrap();
                    assert_eq!(value.to_string(), handoff.text);
                    assert_eq!(value.as_object().map(|o| o.len()), Some(13));
                }
                let flags = handoff
                    .text
                    .lines()
                    .filter(|l| l.contains("VULNERABLE PERSON:"))
                    .count();
                assert!(flags <= 1, "the flag is on one line: {}", handoff.text);
            }
            let _ = call.safety_flags(&pack);
        }
    }
}
