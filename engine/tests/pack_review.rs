//! What an independent review of the issue-11 pack additions found, each pinned: 999 advice only
//! where someone is in danger, the window advice before a gas caller leaves, a handoff to someone
//! who is not a unit never proposed on the radio (council) or the contractor portal (housing),
//! and advice sets that do not contradict themselves.

use incident_engine::call::handoff::propose_channel;
use incident_engine::call::{AnswerValue, Call, Command};
use incident_engine::pack::LogField;
use incident_engine::Pack;

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

/// The checklist items a call's code brings, after their conditions.
fn checklist_ids(pack: &Pack, call: &Call) -> Vec<String> {
    call.checklist(pack)
        .into_iter()
        .map(|(_, item)| item.id.clone())
        .collect()
}

/// Citations review (branch `citations`): a carbon monoxide call is not asked to confirm gas-leak
/// advice ("get out, no switches, call from outside") but the carbon monoxide advice: fresh air,
/// medical help (NHS 111, 999 for collapse, confusion, chest pain or breathing difficulty) and
/// 0800 111 999 called by the caller or the handler. Sources: NHS, "Carbon monoxide poisoning",
/// https://www.nhs.uk/conditions/carbon-monoxide-poisoning/; CO Be Alarmed, "In an emergency",
/// http://www.co-bealarmed.co.uk/in-an-emergency/ (docs/sources/council-out-of-hours.md).
#[test]
fn a_carbon_monoxide_call_is_checked_for_the_carbon_monoxide_advice_not_the_gas_leak_advice() {
    let pack = council();
    for (unwell, code) in [(false, "UT-CO-01"), (true, "UT-CO-02")] {
        let call = walk(
            &pack,
            "gas-smell",
            &[
                ("q-where", option("co-alarm")),
                ("q-unwell", AnswerValue::YesNo(unwell)),
            ],
        );
        assert_eq!(call.decision().unwrap().code, code);
        assert_eq!(
            checklist_ids(&pack, &call),
            ["ck-co-advice", "ck-gas-reference"],
            "{code}"
        );
    }
    let gas = walk(
        &pack,
        "gas-smell",
        &[
            ("q-where", option("inside")),
            ("q-out", AnswerValue::YesNo(true)),
            ("q-council", AnswerValue::YesNo(false)),
        ],
    );
    assert_eq!(gas.decision().unwrap().code, "UT-GAS-01");
    assert_eq!(
        checklist_ids(&pack, &gas),
        ["ck-gas-advice", "ck-gas-reference"]
    );
}

/// Citations review: the Control of Pollution Act 1974 ss.60–61 is for construction, demolition,
/// road works and engineering works (s.60(1)), so it is cited only on the building-work noise code;
/// a pub, club or factory is a statutory nuisance (EPA 1990 s.79) and, at night from licensed
/// premises, within the Noise Act 1996 (s.2), which does not reach building sites. Sources:
/// https://legislation.gov.uk/ukpga/1974/40/part/III/crossheading/construction-sites;
/// https://legislation.gov.uk/ukpga/1996/37/section/2 (docs/sources/council-out-of-hours.md).
#[test]
fn building_site_noise_cites_the_control_of_pollution_act_and_a_pub_does_not() {
    let pack = council();
    let noisy = |source: &str, node: &str| {
        walk(
            &pack,
            "noise",
            &[
                ("q-threat", AnswerValue::YesNo(false)),
                ("q-source", option(source)),
                (node, AnswerValue::YesNo(true)),
            ],
        )
    };
    let site = noisy("construction", "q-works-now");
    assert_eq!(site.decision().unwrap().code, "EH-NSE-05");
    assert_eq!(
        checklist_ids(&pack, &site),
        ["ck-epa-times", "ck-epa-diary", "ck-copa-site"]
    );
    let pub_ = noisy("business", "q-business-now");
    assert_eq!(pub_.decision().unwrap().code, "EH-NSE-03");
    let laws = &pack.code("EH-NSE-03").unwrap().legislation;
    assert!(!laws.iter().any(|l| l == "copa-1974"), "{laws:?}");
    assert!(laws.iter().any(|l| l == "noise-act-1996"), "{laws:?}");
    assert!(!pack
        .code("EH-NSE-05")
        .unwrap()
        .legislation
        .iter()
        .any(|l| l == "noise-act-1996"));
    assert!(!checklist_ids(&pack, &pub_).contains(&"ck-copa-site".to_owned()));
}

/// Citations review: a pothole cites the Highways Act 1980 (ss.41, 58), not the Occupiers'
/// Liability Act 1957, which does not reach people using a public highway (McGeown v NIHE, as
/// discussed by Exchange Chambers, https://exchangechambers.co.uk/james-kinsey-a-caselaw-update-on-highways-claims-under-the-highways-act-1980);
/// and the highways checklist asks the handler only for what they can record on the call: when
/// the caller first saw the defect, not when a crew later made it safe.
#[test]
fn a_pothole_cites_the_highways_act_and_asks_only_what_the_call_can_record() {
    let pack = council();
    let laws = &pack.code("HW-POT-01").unwrap().legislation;
    assert_eq!(laws, &["highways-act-1980"]);
    let time = pack
        .file()
        .legislation
        .iter()
        .flat_map(|l| &l.checklist)
        .find(|c| c.id == "ck-hw-time")
        .unwrap();
    assert!(time.text.contains("first saw"), "{}", time.text);
    assert!(!time.text.starts_with(
        "Record the time the defect or obstruction was reported and when it was made safe"
    ));
}

/// A call given `code` directly, as a handler's override does.
fn coded(pack: &Pack, code: &str, priority: &str) -> Call {
    let mut call = Call::open(pack, "a", 1);
    call.apply(
        pack,
        1,
        Command::OverrideCode {
            code: code.into(),
            priority: priority.into(),
            reason: "test".into(),
        },
    )
    .unwrap();
    call
}

/// Citations review: the Fire Safety (England) Regulations 2022, regulation 7, require a fault
/// report to the fire and rescue service only for lifts for firefighters, evacuation lifts and
/// essential fire-fighting equipment in high-rise residential buildings; fire doors (regulation
/// 10) and ordinary passenger lifts have no 24-hour report. So the 24-hour items apply on the
/// communal fire equipment and firefighting-lift codes, and an ordinary lift failure asks whether
/// the lift is in fact the firefighters' or evacuation lift (then recoded). Source:
/// https://legislation.gov.uk/uksi/2022/547/regulation/7/made (docs/sources/housing-repairs.md).
#[test]
fn the_fire_service_fault_report_items_apply_only_where_regulation_7_does() {
    let pack = housing();
    let items = |code: &str, priority: &str| checklist_ids(&pack, &coded(&pack, code, priority));
    let lift = items("HH-LIFT-01", "U1");
    assert!(lift.contains(&"fsr-lift-which".to_owned()), "{lift:?}");
    assert!(
        !lift.iter().any(|i| i == "fsr-time" || i == "fsr-height"),
        "{lift:?}"
    );
    for code in ["HH-FSB-02", "HH-FSB-04"] {
        let got = items(code, "E1");
        assert!(got.contains(&"fsr-time".to_owned()), "{code}: {got:?}");
        assert!(got.contains(&"fsr-height".to_owned()), "{code}: {got:?}");
        assert!(
            !got.contains(&"fsr-lift-which".to_owned()),
            "{code}: {got:?}"
        );
    }
    let door = items("HH-FSB-01", "E1");
    assert!(!door.iter().any(|i| i.starts_with("fsr-")), "{door:?}");
    let fsr = pack
        .file()
        .legislation
        .iter()
        .find(|l| l.id == "fsr-2022")
        .unwrap();
    assert!(fsr
        .effect
        .contains("does not cover an ordinary passenger lift"));
}

/// Citations review: the Housing Ombudsman's Complaint Handling Code (statutory since 1 April
/// 2024) was in the pack but cited by no code, so its checklist never reached a call. Whenever a
/// resident expresses dissatisfaction they must be offered the choice of making a complaint (Code
/// 1.3), a first report is a service request (1.4), and the repair goes on (FAQ). Every code for
/// the association's own repairs and services now cites it, its items waiting until the call's
/// notes show dissatisfaction with the service. Sources: Housing Ombudsman, "Complaint Handling
/// Code 2024 FAQs", https://www.housing-ombudsman.org.uk/landlords-info/complaint-handling-code/complaint-handling-code-2024-faqs/;
/// Slough Borough Council's self-assessment quoting the Code's 1.2-1.3 (docs/sources/housing-repairs.md).
#[test]
fn a_caller_unhappy_with_the_service_is_offered_a_complaint_and_a_safeguarding_call_is_not() {
    let pack = housing();
    let cited: Vec<&str> = pack
        .file()
        .codes
        .iter()
        .filter(|c| c.legislation.iter().any(|l| l == "ombudsman-code"))
        .map(|c| c.code.as_str())
        .collect();
    assert!(
        cited.contains(&"HH-LK-01") && cited.contains(&"HH-LIFT-01"),
        "{cited:?}"
    );
    for code in ["HH-SG-01", "HH-SG-02", "HH-DA-01", "HH-PWR-01", "HH-WAT-02"] {
        assert!(!cited.contains(&code), "{code}");
    }
    let mut call = coded(&pack, "HH-LK-01", "E1");
    let hoc = |call: &Call| {
        checklist_ids(&pack, call)
            .into_iter()
            .filter(|i| i.starts_with("hoc-"))
            .collect::<Vec<_>>()
    };
    // A first report of a leak is a service request: no complaint items.
    call.apply(
        &pack,
        1,
        Command::SetField {
            field: LogField::Narrative,
            value: "Water coming through the kitchen ceiling from the flat above".into(),
        },
    )
    .unwrap();
    assert!(hoc(&call).is_empty(), "{:?}", hoc(&call));
    call.apply(
        &pack,
        1,
        Command::SetField {
            field: LogField::Narrative,
            value: "Leak reported last week, the plumber didn't turn up and it is still not fixed"
                .into(),
        },
    )
    .unwrap();
    assert_eq!(hoc(&call), ["hoc-log", "hoc-explain"]);
}

/// Citations review: the Regulatory Reform (Fire Safety) Order 2005 does not apply to domestic
/// premises (art. 6(1)(a)); since the Fire Safety Act 2021 s.1 it covers, in a building with two or
/// more homes, the structure, external walls, common parts and flat front doors (39 Essex
/// Chambers, https://www.39essex.com/information-hub/insight/fire-safety-act-2021; Anthony Collins,
/// https://www.anthonycollins.com/insights/ebriefings/prioritising-building-safety-the-fire-safety-act-2021/).
/// The fire codes cite it for fires in blocks, so its "record the block and floor" item says what
/// to record in a house, where the Order does not apply.
#[test]
fn the_fire_safety_order_location_item_fits_a_house_fire_too() {
    let pack = housing();
    let fso = pack
        .file()
        .legislation
        .iter()
        .find(|l| l.id == "rrfso-2005")
        .unwrap();
    assert!(fso.effect.contains("not a house"), "{}", fso.effect);
    let item = fso.checklist.iter().find(|c| c.id == "fso-where").unwrap();
    assert!(
        item.text.starts_with("In a block of flats"),
        "{}",
        item.text
    );
    assert!(item.text.contains("In a house"), "{}", item.text);
}
