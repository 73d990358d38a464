//! `Call::safety_flags`: what the call bar shows as VULNERABLE, and the safety-net "yes" answers
//! with their labels (issue 13).

use incident_engine::call::safety_flags::{SafetyFlags, SafetyYes};
use incident_engine::call::{Call, Command};
use incident_engine::pack::LogField;
use incident_engine::pack::Pack;

mod support;
use support::{council, pack};

fn answer(pack: &Pack, call: &mut Call, question: &str, yes: bool) {
    let command = Command::SafetyNet {
        question: question.into(),
        yes,
    };
    call.apply(pack, 1, command).unwrap();
}

fn set(pack: &Pack, call: &mut Call, value: &str) {
    let command = Command::SetField {
        field: LogField::Vulnerability,
        value: value.into(),
    };
    call.apply(pack, 1, command).unwrap();
}

fn yes(question: &str, label: &str, vulnerable: bool) -> SafetyYes {
    SafetyYes {
        question: question.into(),
        label: label.into(),
        vulnerable,
    }
}

#[test]
fn a_new_call_has_nothing_to_flag() {
    let pack = council();
    let call = Call::open(&pack, "agent-7", 0);
    let flags = call.safety_flags(&pack);
    assert_eq!(flags, SafetyFlags::default());
    assert!(flags.is_empty());
}

#[test]
fn a_vulnerable_yes_with_its_detail() {
    let pack = council();
    let mut call = Call::open(&pack, "agent-7", 0);
    answer(&pack, &mut call, "sn-worse", true);
    answer(&pack, &mut call, "sn-vulnerable", true);
    answer(&pack, &mut call, "sn-danger", true);
    answer(&pack, &mut call, "sn-threat", false);
    set(&pack, &mut call, "  82,\n lives alone ");
    let flags = call.safety_flags(&pack);
    assert!(flags.vulnerable);
    assert_eq!(flags.vulnerability, "82, lives alone");
    // In the pack's order, whatever order they were answered in.
    assert_eq!(
        flags.yes,
        [
            yes(
                "sn-danger",
                "Someone in immediate danger, hurt or trapped",
                false
            ),
            yes("sn-vulnerable", "Vulnerable person involved", true),
            yes("sn-worse", "Could get worse within the hour", false),
        ]
    );
    let situation: Vec<&str> = flags.situation().map(|y| y.question.as_str()).collect();
    assert_eq!(situation, ["sn-danger", "sn-worse"]);
}

#[test]
fn vulnerable_is_exactly_is_vulnerable() {
    let pack = council();
    // The field alone.
    let mut call = Call::open(&pack, "agent-7", 0);
    set(&pack, &mut call, "Uses a wheelchair");
    let flags = call.safety_flags(&pack);
    assert!(flags.vulnerable && flags.yes.is_empty());
    // The field emptied again: nothing.
    set(&pack, &mut call, " ");
    assert!(!call.safety_flags(&pack).vulnerable);
    assert!(!call.is_vulnerable());
    // A "yes" then a "no": the label goes with the latest answer, but, like a raised priority,
    // the flag stays raised (the escalation it fired may already have gone).
    answer(&pack, &mut call, "sn-vulnerable", true);
    answer(&pack, &mut call, "sn-vulnerable", false);
    let flags = call.safety_flags(&pack);
    assert!(flags.yes.is_empty());
    assert_eq!(flags.vulnerable, call.is_vulnerable());
    assert!(flags.vulnerable);
}

#[test]
fn without_a_label_the_question_asked_is_the_label_on_one_line() {
    let pack = pack("tests/fixtures/packs/good/hostile-strings.json");
    let mut call = Call::open(&pack, "agent-7", 0);
    answer(&pack, &mut call, "sn-danger", true);
    let flags = call.safety_flags(&pack);
    assert_eq!(
        flags.yes,
        [yes(
            "sn-danger",
            "Is anyone in danger <iframe src=\"javascript:window.__xss=6\"></iframe>?",
            false
        )]
    );
    assert!(!flags.vulnerable);
}

#[test]
fn a_restored_draft_gives_the_same_flags() {
    let pack = council();
    let mut call = Call::open(&pack, "agent-7", 0);
    answer(&pack, &mut call, "sn-vulnerable", true);
    set(&pack, &mut call, "82, lives alone");
    let restored = Call::from_draft(&pack, &call.to_draft()).unwrap();
    assert_eq!(restored.safety_flags(&pack), call.safety_flags(&pack));
}
