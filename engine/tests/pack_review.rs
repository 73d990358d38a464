//! What an independent review of the issue-11 pack additions found, each pinned: 999 advice only
//! where someone is in danger, the window advice before a gas caller leaves, a handoff to someone
//! who is not a unit never proposed on the radio (council) or the contractor portal (housing),
//! and advice sets that do not contradict themselves.

use incident_engine::call::handoff::propose_channel;
use incident_engine::call::{AnswerValue, Call, Command};

mod support;
use support::{advice_set, council, housing, option, walk};

#[test]
fn rising_flood_water_with_nobody_in_danger_is_urgent_but_not_told_to_dial_999() {
    let pack = council();
    let inside = [
        ("q-where", option("inside")),
        ("q-inside", option("living")),
    ];
    // Someone in danger: dial 999 shows at once, before the source question.
    let mut answers = inside.to_vec();
    answers.push(("q-danger", AnswerValue::YesNo(true)));
    let danger = walk(&pack, "flooding", &answers);
    assert_eq!(danger.current_question(), Some("q-source-danger"));
    assert!(danger.advice_due(&pack).contains(&"adv-gen-999-dial"));
    // Rising, nobody in danger: the top priority, no 999 advice before or after the code.
    let mut answers = inside.to_vec();
    answers.push(("q-danger", AnswerValue::YesNo(false)));
    answers.push(("q-rising", AnswerValue::YesNo(true)));
    answers.push(("q-source-rising", option("road")));
    let rising = walk(&pack, "flooding", &answers);
    assert!(!rising.advice_due(&pack).contains(&"adv-gen-999-dial"));
    let decision = rising.decision().unwrap();
    assert_eq!(
        (decision.code.as_str(), decision.priority.as_str()),
        ("FL-PRP-01", "P1")
    );
    let set = rising.advice_set(&pack).unwrap();
    assert!(
        !set.items.iter().any(|i| i == "adv-gen-999-dial"),
        "{set:?}"
    );
}

#[test]
fn a_gas_caller_still_inside_is_told_to_open_the_windows_before_leaving() {
    let pack = council();
    let call = walk(&pack, "gas-smell", &[("q-where", option("inside"))]);
    let due = call.advice_due(&pack);
    let windows = due.iter().position(|i| *i == "adv-gas-windows").unwrap();
    let leave = due.iter().position(|i| *i == "adv-gas-leave").unwrap();
    assert!(windows < leave, "{due:?}");
}

#[test]
fn a_council_handoff_to_someone_not_on_the_radio_is_proposed_by_phone() {
    let pack = council();
    let every: Vec<String> = pack.file().channels.iter().map(|c| c.id.clone()).collect();
    // A P1 call, to the Emergency Duty Team (not a unit): the phone, never the operations radio.
    let call = walk(
        &pack,
        "gas-smell",
        &[
            ("q-where", option("outside")),
            ("q-street", AnswerValue::YesNo(true)),
        ],
    );
    assert_eq!(call.decision().unwrap().priority, "P1");
    assert_eq!(
        propose_channel(&pack, &call, &every).unwrap().channel,
        "phone"
    );
    // A highways crew keeps its radio.
    let crew = pack
        .file()
        .resources
        .units
        .iter()
        .find(|u| u.call_sign == "HIGHWAYS 1")
        .unwrap();
    assert_eq!(
        propose_channel(&pack, &call, &crew.channels)
            .unwrap()
            .channel,
        "radio"
    );
}

#[test]
fn a_housing_safeguarding_handoff_is_never_proposed_on_the_contractor_portal() {
    let pack = housing();
    let every: Vec<String> = pack.file().channels.iter().map(|c| c.id.clone()).collect();
    for code in ["HH-SG-01", "HH-SG-02", "HH-DA-01"] {
        let mut call = Call::open(&pack, "a", 1);
        call.apply(
            &pack,
            1,
            Command::OverrideCode {
                code: code.into(),
                priority: "U1".into(),
                reason: "test".into(),
            },
        )
        .unwrap();
        let proposal = propose_channel(&pack, &call, &every).unwrap();
        assert_ne!(proposal.channel, "data", "{code}");
    }
    let data = pack
        .file()
        .channels
        .iter()
        .find(|c| c.id == "data")
        .unwrap();
    assert!(data
        .use_when
        .contains("Never for safeguarding or domestic abuse"));
}

#[test]
fn a_private_leak_is_signposted_without_saying_it_was_passed_on() {
    let pack = council();
    let set = advice_set(&pack, "set-leak-private");
    assert!(!set.items.iter().any(|i| i == "adv-gen-data"), "{set:?}");
    assert!(set.items.iter().any(|i| i == "adv-leak-private-who"));
    assert!(set.limits.iter().any(|l| l == "lim-electrics-safe"));
    // A carer's breakdown needs the caller's name and number: never "you don't have to give it".
    let care = advice_set(&pack, "set-care-breakdown");
    assert!(!care.items.iter().any(|i| i == "adv-sga-name"), "{care:?}");
}

#[test]
fn water_in_the_living_areas_gets_the_electrics_and_upstairs_advice_before_more_questions() {
    let pack = council();
    let call = walk(
        &pack,
        "flooding",
        &[
            ("q-where", option("inside")),
            ("q-inside", option("living")),
        ],
    );
    assert_eq!(call.current_question(), Some("q-danger"));
    assert!(call.decision().is_none());
    assert_eq!(
        call.advice_due(&pack),
        ["adv-fld-electrics", "adv-fld-upstairs"]
    );
    // Water only in the garden or cellar: not told to turn off the electricity.
    let outside = walk(
        &pack,
        "flooding",
        &[
            ("q-where", option("inside")),
            ("q-inside", option("outside")),
        ],
    );
    assert!(!outside.advice_due(&pack).contains(&"adv-fld-electrics"));
}
