//! Safety content of the default pack, packs/council-out-of-hours.json, which organisations copy:
//! each test pins one correction to the pack's advice, routing or legislation, and would fail on
//! the pack as it was before it (see docs/sources/council-out-of-hours.md for the sources).

use std::collections::BTreeSet;

use incident_engine::call::{AnswerValue, Call, Command};
use incident_engine::pack::advice::check_advice;
use incident_engine::pack::{
    AdviceKind, AdviceLimit, AdviceSet, Answer, IncidentCode, Next, Outcome, TriggerCondition,
};
use incident_engine::Pack;

mod support;
use support::{advice_set as set, advice_text, code, council, limits_for, outcome, tree, T0};

/// The generic code that carries nothing but the 999 advice: no tree outcome may end in it.
const GENERIC_999: &str = "EM-999-01";
const DIAL_999: &str = "adv-gen-999-dial";

/// The advice set an outcome gives: its own, or its code's.
fn outcome_set<'p>(pack: &'p Pack, o: &'p Outcome) -> &'p AdviceSet {
    let id = o
        .advice_set
        .as_deref()
        .or(code(pack, &o.code).advice_set.as_deref())
        .unwrap_or_else(|| panic!("outcome {} has no advice set", o.id));
    set(pack, id)
}

fn set_texts<'p>(pack: &'p Pack, s: &'p AdviceSet) -> Vec<&'p str> {
    s.items.iter().map(|i| advice_text(pack, i)).collect()
}

fn everywhere(pack: &Pack) -> Vec<&AdviceLimit> {
    pack.file()
        .advice
        .limits
        .iter()
        .filter(|l| l.everywhere)
        .collect()
}

enum A {
    Opt(&'static str),
    Yes,
    No,
    Num(f64),
    Text(&'static str),
}

/// Walks a tree with the call engine, as a handler would, and returns the finished call.
fn walk(pack: &Pack, tree_id: &str, answers: &[A]) -> Call {
    let mut call = Call::open(pack, "tester", T0);
    call.apply(
        pack,
        T0,
        Command::ChooseTree {
            tree: tree_id.into(),
        },
    )
    .unwrap();
    for a in answers {
        let node = call
            .current_question()
            .unwrap_or_else(|| panic!("{tree_id}: the tree ended before every answer was used"))
            .to_owned();
        let value = match a {
            A::Opt(o) => AnswerValue::Option((*o).into()),
            A::Yes => AnswerValue::YesNo(true),
            A::No => AnswerValue::YesNo(false),
            A::Num(n) => AnswerValue::Number(*n),
            A::Text(t) => AnswerValue::Text((*t).into()),
        };
        call.apply(pack, T0, Command::Answer { node, value })
            .unwrap_or_else(|e| panic!("{tree_id}: {e:?}"));
    }
    call
}

fn decided<'p>(pack: &'p Pack, call: &Call) -> &'p IncidentCode {
    code(
        pack,
        &call.decision().expect("the tree reached an outcome").code,
    )
}

// ------------------------------------------------------------------------------------------
// 999 outcomes keep the council's own duties

#[test]
fn carbon_monoxide_with_someone_unwell_still_tells_the_gas_service_and_gives_fresh_air_advice() {
    let pack = council();
    let call = walk(&pack, "gas-smell", &[A::Opt("co-alarm"), A::Yes]);
    let c = decided(&pack, &call);
    assert_ne!(c.code, GENERIC_999);
    assert!(
        c.notify.contains(&"gas-emergency".to_owned()),
        "{}: {:?}",
        c.code,
        c.notify
    );
    assert!(!c.required_fields.is_empty());
    let advice = set_texts(&pack, call.advice_set(&pack).unwrap());
    assert!(advice.iter().any(|t| t.contains("fresh air")), "{advice:?}");
    assert!(advice.iter().any(|t| t.contains("dial 999")), "{advice:?}");
    assert!(advice.iter().any(|t| t.contains("NHS 111")), "{advice:?}");
    let limits: Vec<&str> = call
        .limits_in_force(&pack)
        .iter()
        .map(|l| l.id.as_str())
        .collect();
    assert!(limits.contains(&"lim-gas-ignition"), "{limits:?}");
    assert!(limits.contains(&"lim-gas-stay"), "{limits:?}");
}

#[test]
fn a_child_in_danger_reaches_the_emergency_duty_team_and_the_police() {
    let pack = council();
    let call = walk(&pack, "safeguarding", &[A::Yes, A::Opt("child")]);
    let c = decided(&pack, &call);
    for org in ["social-care-edt", "police"] {
        assert!(
            c.notify.contains(&org.to_owned()),
            "{}: {:?}",
            c.code,
            c.notify
        );
    }
    // The code's legislation brings the pack's own checklist item: refer to the EDT by phone.
    let checklist: Vec<&str> = pack
        .file()
        .legislation
        .iter()
        .filter(|l| c.legislation.contains(&l.id))
        .flat_map(|l| &l.checklist)
        .map(|i| i.id.as_str())
        .collect();
    assert!(checklist.contains(&"ck-ch-refer"), "{checklist:?}");
    assert!(set(&pack, c.advice_set.as_deref().unwrap())
        .items
        .contains(&DIAL_999.to_owned()));
    let adult = walk(&pack, "safeguarding", &[A::Yes, A::Opt("adult")]);
    assert!(decided(&pack, &adult)
        .notify
        .contains(&"social-care-edt".to_owned()));
}

#[test]
fn someone_trapped_by_a_structure_still_gets_the_surveyor() {
    let pack = council();
    let call = walk(&pack, "dangerous-structure", &[A::Yes]);
    let c = decided(&pack, &call);
    let plan: Vec<&str> = c
        .response_plan
        .iter()
        .map(|r| r.resource_type.as_str())
        .collect();
    assert!(plan.contains(&"building-control-surveyor"), "{plan:?}");
    assert!(c.legislation.contains(&"building-act-1984".to_owned()));
}

#[test]
fn no_tree_outcome_ends_in_the_generic_999_code() {
    let pack = council();
    for t in &pack.file().trees {
        for o in &t.outcomes {
            assert_ne!(o.code, GENERIC_999, "{}/{}", t.id, o.id);
            // An outcome that tells the caller to dial 999 keeps a council duty besides.
            if outcome_set(&pack, o).items.contains(&DIAL_999.to_owned()) {
                let c = code(&pack, &o.code);
                assert!(
                    !c.notify.is_empty() || !c.response_plan.is_empty(),
                    "{}/{}: {} has neither notify nor a response plan",
                    t.id,
                    o.id,
                    c.code
                );
                assert!(!c.required_fields.is_empty(), "{}", c.code);
            }
        }
    }
}

/// Advice a more serious outcome may say in other words (its 999 advice replaces "if it gets
/// worse, call 999", and so on).
const REPLACED: [(&str, &str); 4] = [
    ("adv-gen-999-if-worse", DIAL_999),
    ("adv-swp-999", DIAL_999),
    ("adv-co-symptoms", "adv-co-medical"),
    ("adv-gas-ngs", "adv-co-ngs-for-you"),
];

#[test]
fn the_more_serious_outcome_keeps_what_its_sibling_carries() {
    let pack = council();
    // (tree, the more serious outcome, a sibling outcome for the same hazard)
    let pairs = [
        (
            "dangerous-structure",
            "o-structure-casualty",
            "o-ds-immediate",
            true,
        ),
        ("gas-smell", "o-co-unwell", "o-co", true),
        ("gas-smell", "o-gas-people-inside", "o-gas-private", true),
        ("highway-hazard", "o-collision", "o-obs-full", true),
        ("safeguarding", "o-child-danger", "o-child-p1", true),
        ("safeguarding", "o-adult-danger", "o-adult-p1", true),
        ("safeguarding", "o-adult-p1", "o-adult-p2", true),
        ("rough-sleeper", "o-unwell", "o-swep", false),
        ("rough-sleeper", "o-unwell", "o-outreach", true),
        ("rough-sleeper", "o-unwell-child", "o-child", true),
        ("noise", "o-violence", "o-home-p3", true),
        ("chemical", "o-affected", "o-chem-p1", true),
        ("major-incident", "o-danger", "o-assess", true),
        ("abandoned-vehicle", "o-fire", "o-danger", true),
        ("flooding", "o-prop-danger", "o-prop", true),
        ("flooding", "o-main-danger", "o-main", true),
        ("flooding", "o-river-danger", "o-river-homes", true),
        ("flooding", "o-river-major", "o-river-homes", true),
    ];
    for (t, serious, sibling, advice) in pairs {
        let (s, o) = (
            outcome(tree(&pack, t), serious),
            outcome(tree(&pack, t), sibling),
        );
        let (sc, oc) = (code(&pack, &s.code), code(&pack, &o.code));
        for org in &oc.notify {
            assert!(sc.notify.contains(org), "{t}/{serious} drops notify {org}");
        }
        let plan: BTreeSet<&str> = sc
            .response_plan
            .iter()
            .map(|r| r.resource_type.as_str())
            .collect();
        for r in &oc.response_plan {
            assert!(
                plan.contains(r.resource_type.as_str()),
                "{t}/{serious} drops {} from the response plan",
                r.resource_type
            );
        }
        let s_items = &outcome_set(&pack, s).items;
        for i in &outcome_set(&pack, o).items {
            let must = pack
                .file()
                .advice
                .items
                .iter()
                .any(|a| &a.id == i && a.kind == AdviceKind::MustSay);
            let replaced = REPLACED
                .iter()
                .any(|(old, new)| old == i && s_items.contains(&new.to_string()));
            assert!(
                !advice || !must || replaced || s_items.contains(i),
                "{t}/{serious} drops the must-say advice {i} that {sibling} gives"
            );
        }
        assert!(
            pack.priority_rank(&s.priority) <= pack.priority_rank(&o.priority),
            "{t}/{serious} is less urgent than {sibling}"
        );
    }
}

#[test]
fn every_outcome_whose_reason_says_dial_999_gives_the_999_advice() {
    let pack = council();
    for t in &pack.file().trees {
        for o in &t.outcomes {
            if o.reason.contains("dials 999") {
                assert!(
                    outcome_set(&pack, o).items.contains(&DIAL_999.to_owned()),
                    "{}/{}",
                    t.id,
                    o.id
                );
            }
        }
    }
}

// ------------------------------------------------------------------------------------------
// 999 is dialled by the caller, never transferred

fn every_text(pack: &Pack) -> Vec<String> {
    fn walk(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::String(s) => out.push(s.clone()),
            serde_json::Value::Array(a) => a.iter().for_each(|v| walk(v, out)),
            serde_json::Value::Object(o) => o.values().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(&serde_json::to_value(pack.file()).unwrap(), &mut out);
    out
}

#[test]
fn nothing_in_the_pack_transfers_or_connects_a_caller_to_999() {
    let pack = council();
    let texts = every_text(&pack);
    assert!(texts.len() > 500, "walked the whole pack");
    for text in texts {
        let lower = text.to_lowercase();
        assert!(
            !(lower.contains("transfer") && lower.contains("999")),
            "{text}"
        );
        for phrase in [
            "connecting you to 999",
            "connect you",
            "put you through",
            "i can also put you",
        ] {
            assert!(!lower.contains(phrase), "{text}");
        }
    }
    let dial = advice_text(&pack, DIAL_999);
    assert!(
        dial.contains("hang up") && dial.contains("dial 999"),
        "{dial}"
    );
    let for_you = advice_text(&pack, "adv-gen-999-for-you");
    assert!(
        for_you.contains("I will call 999 for you") && for_you.contains("stay with you"),
        "{for_you}"
    );
    let danger = &pack.file().safety_net[0];
    assert_eq!(danger.if_yes.advice.as_deref(), Some(DIAL_999));
}

// ------------------------------------------------------------------------------------------
// Gas and carbon monoxide advice

#[test]
fn the_meter_advice_says_not_in_a_cellar_or_basement() {
    let pack = council();
    let meter = advice_text(&pack, "adv-gas-meter");
    assert!(
        meter.contains("cellar") && meter.contains("basement"),
        "{meter}"
    );
}

#[test]
fn the_gas_tree_shows_the_words_to_say_first_before_any_question_or_code() {
    let pack = council();
    let gas = tree(&pack, "gas-smell");
    let start = gas.nodes.iter().find(|n| n.id == gas.start).unwrap();
    let guidance = start.guidance.as_deref().unwrap();
    assert!(
        !guidance.contains("before any other question"),
        "{guidance}"
    );
    assert!(guidance.contains("Give now"), "{guidance}");
    // The moment the tree starts: no spark or flame, before the first question is answered.
    let mut call = Call::open(&pack, "a", 1);
    call.apply(
        &pack,
        1,
        Command::ChooseTree {
            tree: "gas-smell".into(),
        },
    )
    .unwrap();
    assert_eq!(call.advice_due(&pack), ["adv-gas-no-spark"]);
    // Inside: leave and call the gas emergency service from outside, still before any code.
    let inside = walk(&pack, "gas-smell", &[A::Opt("inside")]);
    assert!(inside.decision().is_none());
    assert_eq!(
        inside.advice_due(&pack),
        [
            "adv-gas-no-spark",
            "adv-gas-windows",
            "adv-gas-leave",
            "adv-gas-ngs"
        ]
    );
    // A carbon monoxide alarm: fresh air and the symptoms to watch, before the code.
    let co = walk(&pack, "gas-smell", &[A::Opt("co-alarm")]);
    assert!(co.decision().is_none());
    let due = co.advice_due(&pack);
    assert!(
        due.contains(&"adv-co-air") && due.contains(&"adv-co-symptoms"),
        "{due:?}"
    );
    assert!(advice_text(&pack, "adv-co-air").contains("fresh air"));
}

#[test]
fn a_gas_smell_in_the_street_is_not_told_to_leave_a_building() {
    let pack = council();
    let call = walk(&pack, "gas-smell", &[A::Opt("outside"), A::No]);
    assert_eq!(call.decision().unwrap().code, "UT-GAS-01");
    let advice = set_texts(&pack, call.advice_set(&pack).unwrap());
    assert!(
        advice.iter().all(|t| !t.contains("leave the building")),
        "{advice:?}"
    );
    assert!(
        advice.iter().any(|t| t.contains("0800 111 999")),
        "{advice:?}"
    );
}

/// Free text a handler must never get past the checker on a gas or carbon monoxide call.
const BAD_GAS_ADVICE: [&str; 18] = [
    "Please stay in the house until the engineer arrives",
    "You can use your lighter to check",
    "Switch the light on so you can see",
    "Turn the lights off on your way out",
    "Ring the doorbell to warn your neighbour",
    "Light a match to check the hob",
    "Strike a match and have a look",
    "Have a cigarette outside to calm down",
    "Use your mobile inside to call them",
    "Stay indoors and keep the windows shut",
    "Go back in and open the windows",
    "Wait inside until the engineer comes",
    "Go down to the cellar and turn the meter off",
    "Plug in a fan to clear the air",
    "It's probably nothing, you can stay where you are",
    "Use a candle if the lights are off",
    "Flick the switch by the door",
    "Unplug the cooker before you go",
];

#[test]
fn the_gas_and_co_limits_catch_every_ignition_source_and_staying_inside() {
    let pack = council();
    for set_id in ["set-gas", "set-gas-street", "set-co", "set-co-unwell"] {
        let limits = limits_for(&pack, set(&pack, set_id));
        for bad in BAD_GAS_ADVICE {
            assert!(
                !check_advice(bad, limits.iter().copied()).is_empty(),
                "{set_id}: not caught: {bad}"
            );
        }
        for good in [
            "Please leave the house and wait outside",
            "Leave the door open as you go",
            "Call 0800 111 999 once you are outside",
        ] {
            assert_eq!(
                check_advice(good, limits.iter().copied())
                    .first()
                    .map(|b| b.pattern),
                None,
                "{set_id}: refused: {good}"
            );
        }
    }
    // Each gas and CO outcome of the tree has both limits in force.
    for path in [
        &[A::Opt("inside"), A::No][..],
        &[A::Opt("inside"), A::Yes, A::Yes],
        &[A::Opt("outside"), A::Yes],
        &[A::Opt("co-alarm"), A::No],
        &[A::Opt("co-alarm"), A::Yes],
    ] {
        let call = walk(&pack, "gas-smell", path);
        let limits = call.limits_in_force(&pack);
        for bad in BAD_GAS_ADVICE {
            assert!(
                !check_advice(bad, limits.iter().copied()).is_empty(),
                "{}: not caught: {bad}",
                call.decision().unwrap().code
            );
        }
    }
}

#[test]
fn no_approved_advice_breaks_a_limit_in_force_with_it() {
    let pack = council();
    for s in &pack.file().advice.sets {
        let limits = limits_for(&pack, s);
        for i in &s.items {
            let text = advice_text(&pack, i);
            if let Some(breach) = check_advice(text, limits.iter().copied()).first() {
                panic!(
                    "{}: {i} breaks {} ({:?}): {text}",
                    s.id, breach.limit.id, breach.pattern
                );
            }
        }
    }
    // Advice given at once from the safety net, on any call, against the limits that apply
    // everywhere; and each limit's own "instead" wording.
    let all = everywhere(&pack);
    for q in &pack.file().safety_net {
        if let Some(id) = &q.if_yes.advice {
            assert!(
                check_advice(advice_text(&pack, id), all.iter().copied()).is_empty(),
                "{id}"
            );
        }
    }
    for l in &pack.file().advice.limits {
        if let Some(id) = &l.instead {
            assert!(
                check_advice(advice_text(&pack, id), std::iter::once(l)).is_empty(),
                "{}: its own instead {id} breaks it",
                l.id
            );
        }
    }
}

// ------------------------------------------------------------------------------------------
// Other limits and triggers

#[test]
fn the_medical_limit_lets_ordinary_words_through_and_still_stops_medical_advice() {
    let pack = council();
    let all = everywhere(&pack);
    for ok in [
        "It sounds like a blocked gully",
        "It's probably just a blocked drain, but the crew will check",
        "It sounds like a burst main",
    ] {
        assert_eq!(
            check_advice(ok, all.iter().copied())
                .first()
                .map(|b| b.pattern),
            None,
            "{ok}"
        );
    }
    for medical in [
        "Put him in the recovery position",
        "Take paracetamol for the headache",
        "It sounds like a heart attack",
        "Start chest compressions",
        "Keep them awake until help comes",
    ] {
        let breach = check_advice(medical, all.iter().copied());
        assert_eq!(
            breach.first().map(|b| b.limit.id.as_str()),
            Some("lim-medical"),
            "{medical}"
        );
    }
}

#[test]
fn the_electrical_limit_offers_electrical_danger_advice() {
    let pack = council();
    let limit = pack
        .file()
        .advice
        .limits
        .iter()
        .find(|l| l.id == "lim-electrics-safe")
        .unwrap();
    let instead = advice_text(&pack, limit.instead.as_deref().unwrap());
    for words in ["live", "10 metres", "105", "999"] {
        assert!(instead.contains(words), "{words}: {instead}");
    }
    assert!(!instead.to_lowercase().contains("water"), "{instead}");
    assert!(set(&pack, "set-tree-cables")
        .items
        .contains(&limit.instead.clone().unwrap()));
}

#[test]
fn the_media_trigger_does_not_fire_on_everyday_words() {
    let pack = council();
    let trigger = pack
        .file()
        .escalation
        .triggers
        .iter()
        .find(|t| t.id == "t-media")
        .unwrap();
    let TriggerCondition::Keywords(words) = &trigger.when else {
        panic!("t-media is a keywords trigger")
    };
    let words: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
    assert!(words.contains(&"member of parliament".to_owned()));
    // Keywords are matched inside the caller's words today; none may hide inside these.
    for everyday in [
        "the damp is getting worse",
        "the lamp post is down",
        "the pump has failed",
        "the water company",
        "the temperature dropped",
        "a complaint about the empty bins",
    ] {
        assert!(
            words.iter().all(|w| !everyday.contains(w.as_str())),
            "{everyday}: {words:?}"
        );
    }
    let said = "i am going to write to my mp about this";
    assert!(words.iter().any(|w| said.contains(w.as_str())));
}

#[test]
fn the_repeat_question_and_the_escalation_boundary_agree() {
    let pack = council();
    let file = pack.file();
    let repeat = file
        .safety_net
        .iter()
        .find(|q| q.id == "sn-repeat")
        .unwrap();
    // A "yes" means a second call at least; the boundary says the third within 24 hours, which
    // the repeat_caller trigger counts. The question itself does not escalate.
    assert_eq!(repeat.if_yes.escalation, None);
    let supervisor = file
        .escalation
        .levels
        .iter()
        .find(|l| l.id == "duty-supervisor")
        .unwrap();
    assert!(supervisor
        .boundary
        .contains("third call about the same thing within 24 hours"));
    assert!(file
        .escalation
        .triggers
        .iter()
        .any(|t| t.level == "duty-supervisor"
            && t.when
                == TriggerCondition::RepeatCaller {
                    calls: 3,
                    within_hours: 24
                }));
}

// ------------------------------------------------------------------------------------------
// Questions

#[test]
fn casualties_can_be_recorded_as_not_known() {
    let pack = council();
    let t = tree(&pack, "major-incident");
    for n in &t.nodes {
        assert!(!n.question.contains("Enter 0"), "{}", n.question);
        if let Answer::Number { unit, min, .. } = &n.answer {
            if unit == "casualties" {
                assert!(*min >= 1.0, "0 would mean none, not 'not known'");
            }
        }
    }
    let declared = [
        A::Yes,
        A::Text("Riverside estate, access from the A61"),
        A::Opt("flood"),
        A::Text("Fast water, fire service on scene"),
    ];
    let mut not_known = walk(&pack, "major-incident", &declared);
    assert_eq!(not_known.current_question(), Some("q-casualties"));
    not_known
        .apply(
            &pack,
            T0,
            Command::Answer {
                node: "q-casualties".into(),
                value: AnswerValue::Option("not-known".into()),
            },
        )
        .unwrap();
    assert_eq!(not_known.current_question(), Some("q-rest-centre"));
    let Answer::Choice { options } = &t
        .nodes
        .iter()
        .find(|n| n.id == "q-casualties")
        .unwrap()
        .answer
    else {
        panic!("q-casualties is a choice")
    };
    let label = &options.iter().find(|o| o.id == "not-known").unwrap().label;
    assert!(label.contains("Not known"), "{label}");
    let known = walk(
        &pack,
        "major-incident",
        &[
            A::Yes,
            A::Text("Riverside estate"),
            A::Opt("flood"),
            A::Text("Fast water"),
            A::Opt("known"),
            A::Num(3.0),
        ],
    );
    assert_eq!(known.current_question(), Some("q-rest-centre"));
}

#[test]
fn pothole_depths_differ_for_the_carriageway_and_the_footway() {
    let pack = council();
    let hole = |where_: &'static str, cm: f64| {
        let call = walk(
            &pack,
            "highway-hazard",
            &[A::No, A::Opt("hole"), A::Opt(where_), A::Num(cm)],
        );
        let d = call.decision().unwrap();
        assert_eq!(d.code, "HW-POT-01");
        d.priority.clone()
    };
    // A 2.5 cm trip is at the typical footway intervention level but below the carriageway's.
    assert_eq!(hole("path", 2.5), "P3");
    assert_eq!(hole("road", 2.5), "P4");
    assert_eq!(hole("road", 4.0), "P3");
    assert_eq!(hole("road", 10.0), "P2");
    assert_eq!(hole("path", 5.0), "P2");
    assert_eq!(hole("path", 1.0), "P4");
    let t = tree(&pack, "highway-hazard");
    for id in ["q-hole-depth", "q-trip-depth"] {
        let g = t
            .nodes
            .iter()
            .find(|n| n.id == id)
            .unwrap()
            .guidance
            .as_deref()
            .unwrap();
        assert!(g.contains("inspection manual"), "{id}: {g}");
        assert!(
            g.contains("Well-managed Highway Infrastructure"),
            "{id}: {g}"
        );
    }
}

// ------------------------------------------------------------------------------------------
// Legislation

fn legislation_titles(pack: &Pack, c: &str) -> Vec<String> {
    let c = code(pack, c);
    pack.file()
        .legislation
        .iter()
        .filter(|l| c.legislation.contains(&l.id))
        .map(|l| format!("{}: {}", l.title, l.effect))
        .collect()
}

#[test]
fn noise_asb_and_fly_tipping_codes_cite_the_acts_that_apply() {
    let pack = council();
    for l in &pack.file().legislation {
        assert!(!l.checklist.is_empty(), "{} has no checklist", l.id);
    }
    let has = |c: &str, title: &str| {
        let titles = legislation_titles(&pack, c);
        assert!(
            titles.iter().any(|t| t.contains(title)),
            "{c}: {title} not in {titles:?}"
        );
    };
    has("EH-NSE-01", "Noise Act 1996");
    has(
        "EH-NSE-01",
        "Anti-social Behaviour, Crime and Policing Act 2014",
    );
    has("EH-NSE-01", "section 79");
    has("EH-NSE-01", "section 80");
    has("EH-NSE-02", "Clean Neighbourhoods and Environment Act 2005");
    has("EH-NSE-03", "Noise Act 1996");
    has(
        "EH-NSE-04",
        "Anti-social Behaviour, Crime and Policing Act 2014",
    );
    has("EH-FLY-01", "section 33");
    has("EH-FLY-01", "Clean Neighbourhoods and Environment Act 2005");
    has("AW-STR-01", "section 149");
    // The noise diary belongs to noise, not to an oil spill or a dead fox.
    for c in ["HW-OIL-01", "SC-DAN-01", "EH-FLY-01"] {
        let checklist: Vec<&str> = pack
            .file()
            .legislation
            .iter()
            .filter(|l| code(&pack, c).legislation.contains(&l.id))
            .flat_map(|l| &l.checklist)
            .map(|i| i.id.as_str())
            .collect();
        assert!(!checklist.contains(&"ck-epa-diary"), "{c}: {checklist:?}");
    }
}

#[test]
fn every_999_outcome_is_reached_by_an_answer() {
    // The outcomes pinned above exist and are wired into their trees.
    let pack = council();
    for (t, o) in [
        ("gas-smell", "o-co-unwell"),
        ("dangerous-structure", "o-structure-casualty"),
        ("safeguarding", "o-child-danger"),
        ("safeguarding", "o-adult-danger"),
    ] {
        let reached = tree(&pack, t).nodes.iter().any(|n| {
            let mut nexts: Vec<&Next> = Vec::new();
            match &n.answer {
                Answer::Choice { options } => nexts.extend(options.iter().map(|o| &o.next)),
                Answer::YesNo { yes, no } => nexts.extend([yes, no]),
                Answer::Number {
                    branches,
                    otherwise,
                    ..
                } => {
                    nexts.extend(branches.iter().map(|b| &b.next));
                    nexts.push(otherwise);
                }
                Answer::Text { next } => nexts.push(next),
            }
            nexts
                .iter()
                .any(|x| matches!(x, Next::Outcome(id) if id == o))
        });
        assert!(reached, "{t}/{o}");
    }
}
