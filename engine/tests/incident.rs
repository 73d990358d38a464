//! The incident beyond the call (issue 17): every transition and refusal of the incident's state
//! machine, the board's checks and proposals, the clocks with a fake clock, the tasking message
//! in each channel's conventions, and property tests over random command sequences.

use incident_engine::incident::machine::Stage;
use incident_engine::incident::{
    alerts, compose_tasking, countdowns, propose_tasking_channel, Board, BoardCommand, Clock,
    Command, Incident, LinkedCall, Opening, Refusal,
};
use incident_engine::pack::resources::UnitUpdate;
use incident_engine::pack::UnitStatus;
use incident_engine::{parse_pack, Pack};
use proptest::prelude::*;
use std::sync::OnceLock;

const MINUTE: u64 = 60_000;
/// Monday 7 December 2026, 10:00 UTC (GMT): inside any weekday hours.
const MONDAY_10AM: u64 = 1_796_637_600_000;

fn council() -> Pack {
    static PACK: OnceLock<Pack> = OnceLock::new();
    PACK.get_or_init(|| {
        parse_pack(include_bytes!("../../packs/council-out-of-hours.json")).unwrap()
    })
    .clone()
}

fn water() -> Pack {
    parse_pack(include_bytes!("../../packs/water-incident-line.json")).unwrap()
}

/// The council's pack with `skills` on the first item of a code's response plan.
fn council_asking(code: &str, skills: &[&str]) -> Result<Pack, String> {
    let mut json: serde_json::Value =
        serde_json::from_slice(include_bytes!("../../packs/council-out-of-hours.json")).unwrap();
    let codes = json["codes"].as_array_mut().unwrap();
    let found = codes.iter_mut().find(|c| c["code"] == code).unwrap();
    found["response_plan"][0]["skills"] = serde_json::json!(skills);
    parse_pack(&serde_json::to_vec(&json).unwrap()).map_err(|e| e.to_string())
}

fn flooding() -> Opening {
    Opening {
        reference: "INC-100".into(),
        code: "HW-FLD-01".into(),
        priority: "P2".into(),
        location: "B1234 at Mill Lane".into(),
        summary: "Road flooded across both lanes".into(),
        safety: vec!["Cars trying to drive through".into()],
        vulnerable: true,
        notify: vec![],
        call: Some(LinkedCall {
            reference: "CALL-1".into(),
            handler: "h1".into(),
            at: MONDAY_10AM,
        }),
        zone: None,
    }
}

fn board_with(pack: &Pack, opening: Opening) -> Board {
    let mut board = Board::default();
    board
        .apply(pack, MONDAY_10AM, "sup", BoardCommand::Open(opening))
        .unwrap();
    board
}

fn to(incident: &str, command: Command) -> BoardCommand {
    BoardCommand::To {
        incident: incident.into(),
        command,
    }
}

fn deploy(unit: &str) -> Command {
    Command::Deploy {
        unit: unit.into(),
        call_sign: String::new(),
        override_reason: None,
    }
}

fn task(n: u32) -> Command {
    Command::Task {
        deployment: n,
        channel: "radio".into(),
        message: "Go to Mill Lane".into(),
    }
}

#[test]
fn a_deployment_runs_from_tasked_to_cleared_and_the_incident_closes_with_its_outcome() {
    let pack = council();
    let mut board = board_with(&pack, flooding());
    let mut t = MONDAY_10AM;
    let mut step = |board: &mut Board, command| {
        t += MINUTE;
        board
            .apply(&pack, t, "sup", to("INC-100", command))
            .unwrap()
    };
    assert_eq!(step(&mut board, deploy("hw-1")), "HIGHWAYS 1 deployed");
    assert_eq!(step(&mut board, task(1)), "HIGHWAYS 1 tasked by radio");
    assert_eq!(
        step(
            &mut board,
            Command::Acknowledge {
                deployment: 1,
                eta_minutes: Some(20)
            }
        ),
        "HIGHWAYS 1 acknowledged, arriving in 20 minutes"
    );
    step(&mut board, Command::EnRoute { deployment: 1 });
    step(&mut board, Command::OnScene { deployment: 1 });
    step(
        &mut board,
        Command::Update {
            deployment: 1,
            note: "Signs out, pumping".into(),
        },
    );
    step(&mut board, Command::Clear { deployment: 1 });
    assert_eq!(
        step(
            &mut board,
            Command::Close {
                outcome: "Road reopened".into()
            }
        ),
        "Closed: Road reopened"
    );
    let incident = board.incident("INC-100").unwrap();
    assert!(!incident.is_open());
    assert_eq!(incident.deployments[0].stage(), Stage::Cleared);
    assert_eq!(incident.deployments[0].eta, Some(MONDAY_10AM + 23 * MINUTE));
    assert_eq!(incident.timeline.len(), 9);
    assert_eq!(
        incident.timeline[0].what,
        "Opened from call CALL-1 taken by h1"
    );
    // Closed means closed: nothing more is taken.
    assert_eq!(
        board.apply(
            &pack,
            t + MINUTE,
            "sup",
            to("INC-100", Command::Note { text: "x".into() })
        ),
        Err(Refusal::Closed("INC-100".into()))
    );
}

#[test]
fn every_refusal_says_why() {
    let pack = council();
    let mut board = board_with(&pack, flooding());
    let t = MONDAY_10AM + MINUTE;
    let mut apply = |command| board.apply(&pack, t, "sup", to("INC-100", command));
    // Heard from before tasked ("on scene before tasked").
    apply(deploy("hw-1")).unwrap();
    assert_eq!(
        apply(Command::OnScene { deployment: 1 }),
        Err(Refusal::NotTasked("HIGHWAYS 1".into()))
    );
    assert_eq!(
        apply(Command::Acknowledge {
            deployment: 1,
            eta_minutes: None
        }),
        Err(Refusal::NotTasked("HIGHWAYS 1".into()))
    );
    assert_eq!(
        apply(Command::Chase { deployment: 1 }),
        Err(Refusal::NotTasked("HIGHWAYS 1".into()))
    );
    // A unit deployed twice.
    assert_eq!(
        apply(deploy("hw-1")),
        Err(Refusal::AlreadyDeployed("HIGHWAYS 1".into()))
    );
    apply(task(1)).unwrap();
    assert_eq!(
        apply(task(1)),
        Err(Refusal::AlreadyTasked("HIGHWAYS 1".into()))
    );
    apply(Command::OnScene { deployment: 1 }).unwrap();
    // Going back.
    assert_eq!(
        apply(Command::EnRoute { deployment: 1 }),
        Err(Refusal::Backwards {
            unit: "HIGHWAYS 1".into(),
            stage: "on scene"
        })
    );
    // Closing with a unit out.
    assert_eq!(
        apply(Command::Close {
            outcome: "done".into()
        }),
        Err(Refusal::StillDeployed("HIGHWAYS 1".into()))
    );
    apply(Command::Clear { deployment: 1 }).unwrap();
    // Cleared twice.
    assert_eq!(
        apply(Command::Clear { deployment: 1 }),
        Err(Refusal::Finished {
            unit: "HIGHWAYS 1".into(),
            stage: "cleared"
        })
    );
    assert_eq!(
        apply(Command::Clear { deployment: 9 }),
        Err(Refusal::NoSuchDeployment(9))
    );
    // A unit the pack does not have; an unavailable unit without a reason.
    assert_eq!(
        apply(deploy("hw-99")),
        Err(Refusal::Unknown {
            what: "unit",
            id: "hw-99".into()
        })
    );
    assert_eq!(
        apply(deploy("hw-3")),
        Err(Refusal::Unavailable {
            unit: "HIGHWAYS 3".into(),
            why: "committed elsewhere".into()
        })
    );
    assert_eq!(
        apply(deploy("bc-2")),
        Err(Refusal::Unavailable {
            unit: "BC 2".into(),
            why: "off duty".into()
        })
    );
    // Blank words where words are required.
    assert_eq!(
        apply(Command::Close {
            outcome: "  ".into()
        }),
        Err(Refusal::Blank("the outcome"))
    );
    assert_eq!(
        apply(Command::Deploy {
            unit: "hw-3".into(),
            call_sign: String::new(),
            override_reason: Some(" ".into())
        }),
        Err(Refusal::Blank("the reason to send it anyway"))
    );
    assert_eq!(
        apply(Command::OrganisationAcknowledged {
            organisation: "environment-agency".into(),
            reference: String::new(),
            name: String::new(),
        }),
        Err(Refusal::NotNotified("Environment Agency".into()))
    );
    assert_eq!(
        board.apply(
            &pack,
            t,
            "sup",
            to("INC-404", Command::Note { text: "x".into() })
        ),
        Err(Refusal::NoSuchIncident("INC-404".into()))
    );
    // The same reference twice; an unknown code.
    assert_eq!(
        board.apply(&pack, t, "sup", BoardCommand::Open(flooding())),
        Err(Refusal::AlreadyOpen("INC-100".into()))
    );
    let mut unknown = flooding();
    unknown.reference = "INC-2".into();
    unknown.code = "NOPE".into();
    assert_eq!(
        board.apply(&pack, t, "sup", BoardCommand::Open(unknown)),
        Err(Refusal::Unknown {
            what: "incident code",
            id: "NOPE".into()
        })
    );
    let mut blank = flooding();
    blank.reference = " ".into();
    assert_eq!(
        board.apply(&pack, t, "sup", BoardCommand::Open(blank)),
        Err(Refusal::Incomplete("a reference"))
    );
}

#[test]
fn an_unavailable_unit_goes_with_a_reason_and_the_reason_is_logged() {
    let pack = council();
    let mut board = board_with(&pack, flooding());
    let said = board
        .apply(
            &pack,
            MONDAY_10AM,
            "sup",
            to(
                "INC-100",
                Command::Deploy {
                    unit: "hw-3".into(),
                    call_sign: String::new(),
                    override_reason: Some("Nearest crew; its job can wait".into()),
                },
            ),
        )
        .unwrap();
    assert_eq!(
        said,
        "HIGHWAYS 3 deployed (overriding: Nearest crew; its job can wait)"
    );
    // A unit out on one incident is not sent to another without a reason.
    let mut second = flooding();
    second.reference = "INC-101".into();
    board
        .apply(&pack, MONDAY_10AM, "sup", BoardCommand::Open(second))
        .unwrap();
    board
        .apply(&pack, MONDAY_10AM, "sup", to("INC-100", deploy("hw-1")))
        .unwrap();
    assert_eq!(
        board.apply(&pack, MONDAY_10AM, "sup", to("INC-101", deploy("hw-1"))),
        Err(Refusal::Unavailable {
            unit: "HIGHWAYS 1".into(),
            why: "out on incident INC-100".into()
        })
    );
    // Once it is stood down there, it can go.
    board
        .apply(
            &pack,
            MONDAY_10AM,
            "sup",
            to(
                "INC-100",
                Command::StandDown {
                    deployment: 2,
                    reason: "needed at INC-101".into(),
                },
            ),
        )
        .unwrap();
    board
        .apply(&pack, MONDAY_10AM, "sup", to("INC-101", deploy("hw-1")))
        .unwrap();
    // A reason given where none is needed is not logged.
    let mut board = board_with(&pack, flooding());
    let said = board
        .apply(
            &pack,
            MONDAY_10AM,
            "sup",
            to(
                "INC-100",
                Command::Deploy {
                    unit: "hw-2".into(),
                    call_sign: String::new(),
                    override_reason: Some("because".into()),
                },
            ),
        )
        .unwrap();
    assert_eq!(said, "HIGHWAYS 2 deployed");
}

#[test]
fn skipping_ahead_fills_in_what_it_implies() {
    let pack = council();
    let mut board = board_with(&pack, flooding());
    let t = MONDAY_10AM + 5 * MINUTE;
    for command in [deploy("hw-1"), task(1), Command::OnScene { deployment: 1 }] {
        board
            .apply(&pack, t, "sup", to("INC-100", command))
            .unwrap();
    }
    let d = &board.incident("INC-100").unwrap().deployments[0];
    assert_eq!(d.acknowledged_at, Some(t));
    assert_eq!(d.en_route_at, Some(t));
    assert_eq!(d.stage(), Stage::OnScene);
}

#[test]
fn statuses_from_the_host_change_what_can_be_sent() {
    let pack = council();
    let mut board = board_with(&pack, flooding());
    assert_eq!(
        board.apply(
            &pack,
            MONDAY_10AM,
            "host",
            BoardCommand::Statuses(vec![UnitUpdate {
                id: "hw-1".into(),
                status: UnitStatus::OffDuty
            }])
        ),
        Ok("HIGHWAYS 1 off duty".into())
    );
    assert!(matches!(
        board.apply(&pack, MONDAY_10AM, "sup", to("INC-100", deploy("hw-1"))),
        Err(Refusal::Unavailable { .. })
    ));
    assert!(board
        .apply(
            &pack,
            MONDAY_10AM,
            "host",
            BoardCommand::Statuses(vec![UnitUpdate {
                id: "nope".into(),
                status: UnitStatus::OffDuty
            }])
        )
        .is_err());
}

#[test]
fn the_plan_proposes_the_readiest_nearest_best_skilled_units_first_with_why() {
    let pack = council();
    let mut opening = flooding();
    opening.code = "HW-COL-01".into();
    let mut board = board_with(&pack, opening);
    board
        .apply(
            &pack,
            MONDAY_10AM,
            "sup",
            to(
                "INC-100",
                Command::SetZone {
                    zone: "South".into(),
                },
            ),
        )
        .unwrap();
    let incident = board.incident("INC-100").unwrap().clone();
    let plan = board.plan(&pack, &incident, MONDAY_10AM);
    assert_eq!(plan.len(), 2);
    let crews = &plan[0];
    assert_eq!(
        (crews.resource_type.as_str(), crews.count, crews.sent),
        ("highways-crew", 2, 0)
    );
    let order: Vec<&str> = crews
        .candidates
        .iter()
        .map(|c| c.unit.call_sign.as_str())
        .collect();
    // Available first, the one in the incident's zone before the other; then on call; the
    // committed crew last.
    assert_eq!(
        order,
        [
            "HIGHWAYS 2",
            "HIGHWAYS 1",
            "GRITTER 1",
            "GULLY 1",
            "HIGHWAYS 3"
        ]
    );
    assert_eq!(crews.candidates[0].why, "available, in zone South");
    assert_eq!(
        crews.candidates[4].why,
        "committed elsewhere, zone Town Centre"
    );
    assert!(!crews.met());
    board
        .apply(&pack, MONDAY_10AM, "sup", to("INC-100", deploy("hw-2")))
        .unwrap();
    let incident = board.incident("INC-100").unwrap().clone();
    let crews = &board.plan(&pack, &incident, MONDAY_10AM)[0];
    assert_eq!(crews.sent, 1);
    assert!(crews.candidates.iter().all(|c| c.unit.id != "hw-2"));
}

#[test]
fn a_unit_with_the_skills_asked_for_comes_before_a_readier_one_without() {
    let pack = council_asking("HW-FLD-01", &["pumping"]).unwrap();
    let mut board = board_with(&pack, flooding());
    board
        .apply(
            &pack,
            MONDAY_10AM,
            "sup",
            to(
                "INC-100",
                Command::SetZone {
                    zone: "North".into(),
                },
            ),
        )
        .unwrap();
    let incident = board.incident("INC-100").unwrap().clone();
    let crews = &board.plan(&pack, &incident, MONDAY_10AM)[0];
    // GULLY 1 is only on call and borough-wide, but the only crew that can pump.
    assert_eq!(crews.candidates[0].unit.call_sign, "GULLY 1");
    assert_eq!(
        crews.candidates[0].why,
        "on call, zone Borough-wide, has every skill asked for"
    );
    assert_eq!(crews.candidates[1].unit.call_sign, "HIGHWAYS 1");
    assert_eq!(
        crews.candidates[1].why,
        "available, in zone North, lacks pumping"
    );
}

#[test]
fn a_skill_no_unit_of_the_type_has_is_a_problem_at_its_path() {
    let error = council_asking("HW-FLD-01", &["hovercraft"]).unwrap_err();
    assert!(
        error.contains("codes[0].response_plan[0].skills[0]")
            && error.contains("no unit of type \"highways-crew\" has the skill \"hovercraft\""),
        "{error}"
    );
}

#[test]
fn units_outside_their_hours_are_proposed_last_and_need_a_reason() {
    let pack = water();
    let unit = pack.unit("nt-day").unwrap();
    assert!(
        unit.hours.is_some(),
        "the water pack's day technician has hours"
    );
    let mut board = Board::default();
    board
        .apply(
            &pack,
            MONDAY_10AM,
            "sup",
            BoardCommand::Open(Opening {
                reference: "W-1".into(),
                code: "NW-NOW-02".into(),
                priority: "P4".into(),
                location: "Kestle".into(),
                summary: "No water".into(),
                ..Opening::default()
            }),
        )
        .unwrap();
    // Its status in the pack is off duty; on duty now, and it is within its hours on a Monday
    // morning, so it can be sent.
    board
        .apply(
            &pack,
            MONDAY_10AM,
            "sup",
            BoardCommand::Statuses(vec![UnitUpdate {
                id: "nt-day".into(),
                status: UnitStatus::Available,
            }]),
        )
        .unwrap();
    let availability = board.availability(&pack);
    assert_eq!(
        board.unavailable(&pack, &availability, unit, "W-1", MONDAY_10AM),
        None
    );
    // At 03:00 on Sunday it is outside them.
    let sunday_3am = MONDAY_10AM - 31 * 60 * MINUTE;
    assert_eq!(
        board.unavailable(&pack, &availability, unit, "W-1", sunday_3am),
        Some("outside its hours".into())
    );
}

#[test]
fn the_tasking_goes_on_the_units_channel_in_its_conventions_and_says_what_is_expected() {
    let pack = council();
    let board = board_with(&pack, flooding());
    let incident = board.incident("INC-100").unwrap();
    let unit = pack.unit("hw-1").unwrap();
    let proposal = propose_tasking_channel(&pack, incident, unit).unwrap();
    let channel = pack.channel(&proposal.channel).unwrap();
    assert!(!proposal.why.is_empty());
    let radio = compose_tasking(&pack, incident, unit, pack.channel("radio").unwrap());
    assert!(
        radio.text.starts_with("HIGHWAYS 1 (Hotel India Golf Hotel Whiskey Alpha Yankee Sierra One), this is Control. Tasking: Priority P2 HW-FLD-01"),
        "{}",
        radio.text
    );
    assert!(radio.text.ends_with("Over."), "{}", radio.text);
    // P2 attends within 120 minutes of 10:00 GMT.
    assert!(
        radio.text.contains(
            "Expected: Acknowledge within 5 minutes with your expected arrival time; Report on scene, due by 12:00; Update every 30 minutes until you clear"
        ),
        "{}",
        radio.text
    );
    // The council's radio bans "ETA".
    assert_eq!(radio.replaced, ["ETA"]);
    assert!(
        radio.text.contains("the gully tanker. Expected"),
        "{}",
        radio.text
    );
    assert!(radio.text.contains("SAFETY: Cars trying to drive through"));
    assert!(radio
        .text
        .contains("VULNERABLE PERSON: yes, details by phone from the control room"));
    let data = compose_tasking(&pack, incident, unit, pack.channel("data").unwrap());
    let json: serde_json::Value = serde_json::from_str(&data.text).unwrap();
    assert_eq!(json["incident"], "INC-100");
    assert_eq!(json["expected"].as_array().unwrap().len(), 3);
    let sms = compose_tasking(&pack, incident, unit, pack.channel("sms").unwrap());
    assert!(sms.length <= 160, "{}", sms.text);
    assert!(sms.shortened);
    let _ = channel;
}

#[test]
fn the_fake_clock_runs_every_countdown() {
    let pack = council();
    let mut board = board_with(&pack, flooding());
    let mut at = MONDAY_10AM;
    for command in [deploy("hw-1"), task(1)] {
        at += MINUTE;
        board
            .apply(&pack, at, "sup", to("INC-100", command))
            .unwrap();
    }
    let incident = board.incident("INC-100").unwrap();
    let clocks = countdowns(&pack, incident);
    let kinds: Vec<&Clock> = clocks.iter().map(|c| &c.clock).collect();
    assert_eq!(
        kinds,
        [&Clock::DeployBy, &Clock::AttendBy, &Clock::AcknowledgeBy(1)]
    );
    // Tasked within 15 minutes: met.
    assert_eq!(clocks[0].met_at, Some(MONDAY_10AM + 2 * MINUTE));
    // At 10:07:01, the acknowledgement (due 10:07) is overdue; nothing else is.
    let now = MONDAY_10AM + 7 * MINUTE + 1;
    let alerts = alerts(&pack, incident, now);
    assert_eq!(alerts.len(), 1);
    assert_eq!(alerts[0].text, "HIGHWAYS 1 has not acknowledged");
}

/// A command picked at random, against the incident's deployments and a few units.
fn any_command() -> impl Strategy<Value = Command> {
    let unit = prop::sample::select(vec!["hw-1", "hw-2", "hw-3", "hw-4", "bc-1"]);
    let n = 1u32..5;
    prop_oneof![
        (unit.clone(), any::<bool>()).prop_map(|(u, reason)| Command::Deploy {
            unit: u.into(),
            call_sign: String::new(),
            override_reason: reason.then(|| "needed".into()),
        }),
        n.clone().prop_map(task),
        (n.clone(), prop::option::of(0u32..60)).prop_map(|(d, eta)| Command::Acknowledge {
            deployment: d,
            eta_minutes: eta
        }),
        n.clone().prop_map(|d| Command::EnRoute { deployment: d }),
        n.clone().prop_map(|d| Command::OnScene { deployment: d }),
        n.clone().prop_map(|d| Command::Update {
            deployment: d,
            note: "ok".into()
        }),
        n.clone().prop_map(|d| Command::Chase { deployment: d }),
        n.clone().prop_map(|d| Command::Clear { deployment: d }),
        n.prop_map(|d| Command::StandDown {
            deployment: d,
            reason: "not needed".into()
        }),
        Just(Command::Notify {
            organisation: "police".into(),
            channel: "phone".into(),
            address: "101".into(),
            names: Default::default(),
        }),
        Just(Command::OrganisationAcknowledged {
            organisation: "police".into(),
            reference: "P/1".into(),
            name: String::new(),
        }),
        Just(Command::Close {
            outcome: "done".into()
        }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Whatever is sent, in whatever order, with the clock jittering backwards and forwards: the
    /// timeline stays in time order and only grows; a refused command changes nothing; every
    /// stage a deployment reached is stamped no earlier than the one before; and every alert is a
    /// target missed: its clock is due before now and not met; every entry is one event for the
    /// host.
    #[test]
    fn the_timeline_is_ordered_and_every_alert_is_a_missed_target(
        steps in prop::collection::vec((any_command(), -120_000i64..600_000), 1..60),
    ) {
        let pack = council();
        let mut board = board_with(&pack, flooding());
        let mut now = MONDAY_10AM;
        for (command, jump) in steps {
            now = now.saturating_add_signed(jump);
            let before = board.clone();
            let result = board.apply_recorded(&pack, now, "sup", to("INC-100", command));
            let incident = board.incident("INC-100").unwrap();
            // Every entry after the opening is one event for the host, keyed by its place.
            prop_assert_eq!(board.outbox.len() + 1, incident.timeline.len());
            if let Some(last) = board.outbox.last() {
                prop_assert_eq!(&last.key, &format!("INC-100#{}", incident.timeline.len()));
            }
            if result.is_err() {
                prop_assert_eq!(&before, &board);
            } else {
                prop_assert_eq!(incident.timeline.len(), before.incidents[0].timeline.len() + 1);
            }
            prop_assert!(incident.timeline.windows(2).all(|w| w[0].at <= w[1].at));
            for d in &incident.deployments {
                let stamps: Vec<u64> = [
                    Some(d.deployed_at),
                    d.tasked.as_ref().map(|t| t.at),
                    d.acknowledged_at,
                    d.en_route_at,
                    d.on_scene_at,
                    d.cleared_at,
                ]
                .into_iter()
                .flatten()
                .collect();
                prop_assert!(stamps.windows(2).all(|w| w[0] <= w[1]), "{:?}", d);
                // Never heard from before it was tasked.
                if d.tasked.is_none() {
                    prop_assert!(d.acknowledged_at.is_none() && d.on_scene_at.is_none());
                }
            }
            // An open incident never holds one unit out twice.
            let mut out: Vec<&str> = incident.active().map(|d| d.unit.as_str()).collect();
            let count = out.len();
            out.sort_unstable();
            out.dedup();
            prop_assert_eq!(out.len(), count);
            let clocks = countdowns(&pack, incident);
            for alert in alerts(&pack, incident, now) {
                prop_assert!(alert.countdown.due < now);
                prop_assert!(alert.countdown.met_at.is_none());
                prop_assert!(clocks.contains(&alert.countdown));
                prop_assert!(incident.is_open());
            }
            // And every missed target on an open incident is an alert.
            if incident.is_open() {
                let missed = clocks.iter().filter(|c| c.overdue(now)).count();
                prop_assert_eq!(missed, alerts(&pack, incident, now).len());
            }
        }
    }

    /// An incident read back from its JSON (IndexedDB, another tab, the host) is the same.
    #[test]
    fn an_incident_reads_back_the_same(
        steps in prop::collection::vec(any_command(), 0..30),
    ) {
        let pack = council();
        let mut board = board_with(&pack, flooding());
        for (i, command) in steps.into_iter().enumerate() {
            let _ = board.apply(&pack, MONDAY_10AM + i as u64 * MINUTE, "sup", to("INC-100", command));
        }
        let json = serde_json::to_string(&board).unwrap();
        let back: Board = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(back, board);
    }
}

#[test]
fn an_incident_opened_without_a_call_starts_now() {
    let incident = Incident::open(
        Opening {
            reference: "S-1".into(),
            code: "HW-FLD-01".into(),
            priority: "P2".into(),
            ..Opening::default()
        },
        42,
        "sup",
    )
    .unwrap();
    assert_eq!(incident.opened_at, 42);
    assert_eq!(incident.timeline[0].what, "Opened by the supervisor");
    assert!(incident.calls.is_empty());
}

/// A council call coded `code` by override at `location`, with a narrative.
fn coded_call(pack: &Pack, code: &str, location: &str) -> incident_engine::call::Call {
    use incident_engine::call::Command as CallCommand;
    use incident_engine::pack::LogField;
    let mut call = incident_engine::call::Call::open(pack, "h1", MONDAY_10AM);
    for (field, value) in [
        (LogField::Location, location),
        (
            LogField::Narrative,
            "Water over both lanes\nCaller is Mrs Smith",
        ),
        (LogField::CallerName, "Mrs Smith"),
    ] {
        call.apply(
            pack,
            MONDAY_10AM,
            CallCommand::SetField {
                field,
                value: value.into(),
            },
        )
        .unwrap();
    }
    let priority = pack.code(code).unwrap().default_priority.clone();
    call.apply(
        pack,
        MONDAY_10AM,
        CallCommand::OverrideCode {
            code: code.into(),
            priority,
            reason: "test".into(),
        },
    )
    .unwrap();
    call
}

#[test]
fn a_call_hands_the_supervisor_its_incident_without_the_callers_details() {
    let pack = council();
    let call = coded_call(&pack, "HW-FLD-01", "B1234 at Mill Lane");
    let opening = Opening::from_call(&pack, &call).unwrap();
    assert_eq!(
        (opening.code.as_str(), opening.priority.as_str()),
        ("HW-FLD-01", "P2")
    );
    assert_eq!(opening.location, "B1234 at Mill Lane");
    // The narrative's first line only: the second names the caller.
    assert_eq!(opening.summary, "Water over both lanes");
    assert!(!opening.to_json().contains("Smith"));
    let linked = opening.call.clone().unwrap();
    assert_eq!(linked.handler, "h1");
    assert_eq!(linked.reference, "answered 2026-12-07T10:00:00Z");
    assert_eq!(
        Opening::read(opening.to_json().as_bytes()),
        Ok(opening.clone())
    );
    assert!(Opening::read(b"{\"code\": 3}")
        .unwrap_err()
        .contains("line 1"));

    // The first call opens INC-0001; the same incident reported again is linked to it; another
    // place opens INC-0002.
    let mut board = Board::default();
    assert_eq!(
        board.apply(
            &pack,
            MONDAY_10AM,
            "h1",
            BoardCommand::FromCall(opening.clone())
        ),
        Ok("Opened from call answered 2026-12-07T10:00:00Z taken by h1".into())
    );
    let again = Opening::from_call(
        &pack,
        &coded_call(&pack, "HW-FLD-01", "  b1234 at mill   lane "),
    )
    .unwrap();
    let said = board
        .apply(
            &pack,
            MONDAY_10AM + MINUTE,
            "h2",
            BoardCommand::FromCall(again),
        )
        .unwrap();
    assert!(said.starts_with("Call answered"), "{said}");
    assert_eq!(board.incidents.len(), 1);
    assert_eq!(board.incidents[0].calls.len(), 2);
    let elsewhere =
        Opening::from_call(&pack, &coded_call(&pack, "HW-FLD-01", "A40 at Kestle")).unwrap();
    board
        .apply(&pack, MONDAY_10AM, "h1", BoardCommand::FromCall(elsewhere))
        .unwrap();
    assert_eq!(board.incidents[1].reference, "INC-0002");
    assert_eq!(board.next_reference(), "INC-0003");
}

#[test]
fn a_call_whose_code_sends_no_one_and_tells_no_one_is_not_handed_over() {
    let pack = council();
    let code = pack
        .file()
        .codes
        .iter()
        .find(|c| c.response_plan.is_empty() && c.notify.is_empty())
        .expect("the council has an advice-only code");
    let call = coded_call(&pack, &code.code.clone(), "Somewhere");
    assert_eq!(Opening::from_call(&pack, &call), None);
}

#[test]
fn an_incident_opened_by_hand_has_its_codes_organisations_and_the_timeline_names_them() {
    let pack = council();
    let mut board = Board::default();
    board
        .apply(
            &pack,
            MONDAY_10AM,
            "sup",
            BoardCommand::Open(Opening {
                reference: "R-1".into(),
                code: "HW-RTC-01".into(),
                priority: "P1".into(),
                zone: Some("North".into()),
                ..Opening::default()
            }),
        )
        .unwrap();
    assert_eq!(board.incident("R-1").unwrap().notify, ["police"]);
    assert_eq!(
        board.incident("R-1").unwrap().zone.as_deref(),
        Some("North")
    );
    let said = board
        .apply(
            &pack,
            MONDAY_10AM,
            "sup",
            to(
                "R-1",
                Command::Notify {
                    organisation: "police".into(),
                    channel: "phone".into(),
                    address: "101".into(),
                    names: Default::default(),
                },
            ),
        )
        .unwrap();
    assert_eq!(said, "Northshire Police told by Telephone: 101");
    let said = board
        .apply(
            &pack,
            MONDAY_10AM,
            "sup",
            to(
                "R-1",
                Command::OrganisationAcknowledged {
                    organisation: "police".into(),
                    reference: " NP-77 ".into(),
                    name: String::new(),
                },
            ),
        )
        .unwrap();
    assert_eq!(
        said,
        "Northshire Police acknowledged, their reference NP-77"
    );
}

// ---------------------------------------------------------------------------------------------
// The host CRM as the system of record: events out, incidents and reports in
// ---------------------------------------------------------------------------------------------

#[test]
fn each_change_the_supervisor_makes_is_one_keyed_event_until_the_host_stores_it() {
    use incident_engine::protocol::HostEvent;
    let pack = council();
    let mut board = Board::default();
    let mut t = MONDAY_10AM;
    let mut step = |board: &mut Board, command| {
        t += MINUTE;
        board.apply_recorded(&pack, t, "sup", command).unwrap()
    };
    step(&mut board, BoardCommand::Open(flooding()));
    step(&mut board, to("INC-100", deploy("hw-1")));
    step(&mut board, to("INC-100", task(1)));
    step(
        &mut board,
        to(
            "INC-100",
            Command::Acknowledge {
                deployment: 1,
                eta_minutes: None,
            },
        ),
    );
    step(&mut board, to("INC-100", Command::Clear { deployment: 1 }));
    step(
        &mut board,
        to(
            "INC-100",
            Command::Close {
                outcome: "Road reopened".into(),
            },
        ),
    );
    // A refused command adds nothing.
    assert!(board
        .apply_recorded(
            &pack,
            t,
            "sup",
            to("INC-100", Command::Note { text: "x".into() })
        )
        .is_err());
    let kinds: Vec<(&str, &str)> = board
        .outbox
        .iter()
        .map(|e| (e.kind.as_str(), e.key.as_str()))
        .collect();
    assert_eq!(
        kinds,
        vec![
            ("incident.opened", "INC-100#1"),
            ("incident.changed", "INC-100#2"),
            ("incident.tasked", "INC-100#3"),
            ("incident.changed", "INC-100#4"),
            ("incident.changed", "INC-100#5"),
            ("incident.closed", "INC-100#6"),
        ]
    );
    let sent =
        |n: usize| serde_json::to_value(HostEvent::incident(&board.outbox[n]).unwrap()).unwrap();
    // The tasking carries what the host relays; a deployment's change its stage.
    let tasked = sent(2);
    assert_eq!(tasked["type"], "incident.tasked");
    let payload = &tasked["payload"];
    assert_eq!(payload["key"], "INC-100#3");
    assert_eq!(payload["reference"], "INC-100");
    assert_eq!(payload["unit"], "hw-1");
    assert_eq!(payload["call_sign"], "HIGHWAYS 1");
    assert_eq!(payload["channel"], "radio");
    assert_eq!(payload["message"], "Go to Mill Lane");
    assert_eq!(payload["deployment"], 1);
    assert_eq!(payload["by"], "sup");
    assert_eq!(payload["at"], MONDAY_10AM + 3 * MINUTE);
    let acked = sent(3);
    assert_eq!(acked["payload"]["stage"], "acknowledged");
    assert_eq!(acked["payload"]["what"], "HIGHWAYS 1 acknowledged");
    let closed = sent(5);
    assert_eq!(closed["type"], "incident.closed");
    let opened = sent(0);
    assert_eq!(opened["payload"]["code"], "HW-FLD-01");
    assert_eq!(opened["payload"]["vulnerable"], true);
    // Something not an incident event's is never sent.
    let mut odd = board.outbox[0].clone();
    odd.kind = "entry.completed".into();
    assert!(HostEvent::incident(&odd).is_none());
    odd.kind = "incident.opened".into();
    odd.payload = "{not json".into();
    assert!(HostEvent::incident(&odd).is_none());
    assert_eq!(closed["payload"]["outcome"], "Road reopened");
    // Stored: gone from the outbox, once; a repeated or unknown key changes nothing.
    assert!(board.stored("INC-100#3"));
    assert!(!board.stored("INC-100#3"));
    assert!(!board.stored("INC-999#1"));
    assert_eq!(board.outbox.len(), 5);
    // The outbox is kept with the board.
    assert_eq!(Board::read(board.to_json().as_bytes()).unwrap(), board);
}

#[test]
fn an_incident_the_host_sends_again_changes_nothing_and_a_relayed_report_is_applied_once() {
    use incident_engine::incident::UnitReport;
    let pack = council();
    let mut board = Board::default();
    let t = MONDAY_10AM;
    board
        .apply(&pack, t, "crm", BoardCommand::Known(flooding()))
        .unwrap();
    let again = board
        .apply(&pack, t + MINUTE, "crm", BoardCommand::Known(flooding()))
        .unwrap();
    assert_eq!(again, "Incident INC-100 is already on the board");
    assert_eq!(board.incidents.len(), 1);
    assert_eq!(board.incidents[0].timeline.len(), 1);
    // Without a reference the host's incident cannot be matched later: refused.
    let blank = Opening {
        reference: " ".into(),
        ..flooding()
    };
    assert_eq!(
        board.apply(&pack, t, "crm", BoardCommand::Known(blank)),
        Err(Refusal::Incomplete("a reference"))
    );
    board
        .apply(&pack, t + MINUTE, "sup", to("INC-100", deploy("hw-1")))
        .unwrap();
    let report = |r: UnitReport| BoardCommand::Report {
        incident: "INC-100".into(),
        unit: "hw-1".into(),
        report: r,
    };
    // Heard from before its tasking: refused as the supervisor would be.
    assert_eq!(
        board.apply(&pack, t + 2 * MINUTE, "crm", report(UnitReport::OnScene)),
        Err(Refusal::NotTasked("HIGHWAYS 1".into()))
    );
    board
        .apply(&pack, t + 2 * MINUTE, "sup", to("INC-100", task(1)))
        .unwrap();
    let said = board
        .apply(
            &pack,
            t + 9 * MINUTE,
            "crm",
            report(UnitReport::Acknowledged {
                eta_minutes: Some(15),
            }),
        )
        .unwrap();
    assert_eq!(said, "HIGHWAYS 1 acknowledged, arriving in 15 minutes");
    let length = board.incidents[0].timeline.len();
    // Relayed twice: the second changes nothing.
    let twice = board
        .apply(
            &pack,
            t + 10 * MINUTE,
            "crm",
            report(UnitReport::Acknowledged { eta_minutes: None }),
        )
        .unwrap();
    assert_eq!(twice, "HIGHWAYS 1 is already acknowledged");
    assert_eq!(board.incidents[0].timeline.len(), length);
    board
        .apply(
            &pack,
            t + 11 * MINUTE,
            "crm",
            report(UnitReport::Update {
                note: "Pumping".into(),
            }),
        )
        .unwrap();
    board
        .apply(&pack, t + 12 * MINUTE, "crm", report(UnitReport::Cleared))
        .unwrap();
    assert_eq!(board.incidents[0].deployments[0].stage(), Stage::Cleared);
    // A unit never sent to it, an incident not on the board.
    assert!(matches!(
        board.apply(
            &pack,
            t,
            "crm",
            BoardCommand::Report {
                incident: "INC-100".into(),
                unit: "hw-2".into(),
                report: UnitReport::EnRoute
            }
        ),
        Err(Refusal::Unknown { .. })
    ));
    assert_eq!(
        board.apply(
            &pack,
            t,
            "crm",
            BoardCommand::Report {
                incident: "INC-9".into(),
                unit: "hw-1".into(),
                report: UnitReport::EnRoute
            }
        ),
        Err(Refusal::NoSuchIncident("INC-9".into()))
    );
}

#[test]
fn the_codes_named_deadlines_are_clocks_counted_from_the_call_in_working_time_and_met_by_hand() {
    let pack = water();
    let code = pack.code("WQ-ILL-01").unwrap();
    let mut board = Board::default();
    let opening = Opening {
        reference: "INC-7".into(),
        code: "WQ-ILL-01".into(),
        priority: code.default_priority.clone(),
        location: "4 Weir Road".into(),
        call: Some(LinkedCall {
            reference: "CALL-9".into(),
            handler: "h1".into(),
            // The call came in five minutes before the incident was opened.
            at: MONDAY_10AM - 5 * MINUTE,
        }),
        ..Opening::default()
    };
    board
        .apply(&pack, MONDAY_10AM, "sup", BoardCommand::Open(opening))
        .unwrap();
    let incident = board.incident("INC-7").unwrap();
    let clocks = countdowns(&pack, incident);
    let deadline = |id: &str| {
        clocks
            .iter()
            .find(|c| c.clock == Clock::Deadline(id.into()))
            .cloned()
            .unwrap()
    };
    // 30 minutes from the call, not from the opening.
    let told = deadline("scientist-told");
    assert_eq!(told.due, MONDAY_10AM + 25 * MINUTE);
    assert_eq!(told.label, code.deadlines[0].name);
    // Three working days after a Monday call: close of business on Thursday (the pack's calendar).
    let interim = deadline("dwi-interim");
    let calendar = pack.file().calendar.as_ref().unwrap();
    assert_eq!(
        interim.due,
        incident_engine::pack::calendar::due(
            &code.deadlines[1],
            MONDAY_10AM - 5 * MINUTE,
            Some(calendar)
        )
    );
    assert!(interim.due > MONDAY_10AM + 3 * 24 * 60 * MINUTE);
    // Past it: an alert whose action is to escalate.
    let late = MONDAY_10AM + 26 * MINUTE;
    let alert = alerts(&pack, incident, late)
        .into_iter()
        .find(|a| a.countdown.clock == Clock::Deadline("scientist-told".into()))
        .unwrap();
    assert_eq!(
        alert.text,
        format!("Deadline passed: {}", code.deadlines[0].name)
    );
    assert_eq!(
        alert.actions,
        vec![incident_engine::incident::AlertAction::Escalate]
    );
    // Recorded as met, once: the alert goes.
    let met = |board: &mut Board, id: &str| {
        board.apply(
            &pack,
            late + MINUTE,
            "sup",
            to(
                "INC-7",
                Command::DeadlineMet {
                    deadline: id.into(),
                    name: String::new(),
                },
            ),
        )
    };
    assert_eq!(
        met(&mut board, "scientist-told").unwrap(),
        format!("Deadline met: {}", code.deadlines[0].name)
    );
    assert_eq!(
        met(&mut board, "scientist-told"),
        Err(Refusal::AlreadyMet(code.deadlines[0].name.clone()))
    );
    assert!(matches!(
        met(&mut board, "restore-supply"),
        Err(Refusal::Unknown { .. })
    ));
    let incident = board.incident("INC-7").unwrap();
    assert!(alerts(&pack, incident, late + 2 * MINUTE)
        .iter()
        .all(|a| a.countdown.clock != Clock::Deadline("scientist-told".into())));
    let told = countdowns(&pack, incident)
        .into_iter()
        .find(|c| c.clock == Clock::Deadline("scientist-told".into()))
        .unwrap();
    assert!(told.met_late());
}

/// `call` closed, whatever it lacks: every safety question answered no, fields filled, proposed
/// escalations declined and deviations explained, each with a reason.
fn closed(pack: &Pack, mut call: incident_engine::call::Call) -> incident_engine::call::Call {
    use incident_engine::call::{Command as CallCommand, Missing, Refusal as CallRefusal};
    for _ in 0..40 {
        match call.apply(
            pack,
            MONDAY_10AM + MINUTE,
            CallCommand::Close { prior: vec![] },
        ) {
            Ok(_) => return call,
            Err(CallRefusal::MissingFields(missing)) => {
                for m in missing {
                    let command = match m {
                        Missing::SafetyNet(question) => CallCommand::SafetyNet {
                            question,
                            yes: false,
                        },
                        Missing::Field(field) => CallCommand::SetField {
                            field,
                            value: "01632 960001".into(),
                        },
                        Missing::Decision(level) => CallCommand::DeclineEscalation {
                            level,
                            why: "Supervisor listening in".into(),
                        },
                        Missing::Explanation(deviation) => CallCommand::ExplainDeviation {
                            deviation,
                            reason: "Caller rang off".into(),
                        },
                        other => panic!("{other:?}"),
                    };
                    call.apply(pack, MONDAY_10AM, command).unwrap();
                }
            }
            Err(other) => panic!("{other:?}"),
        }
    }
    panic!("the call never closed");
}

#[test]
fn a_closed_calls_deviations_queue_for_the_procedure_check_once_each_and_are_decided_once() {
    use incident_engine::incident::{review_items, ReviewOutcome};
    use incident_engine::protocol::HostEvent;
    let pack = council();
    let call = closed(&pack, coded_call(&pack, "HW-FLD-01", "B1234 at Mill Lane"));
    let items = review_items(&pack, &call);
    let keys: Vec<&str> = items.iter().map(|i| i.deviation.as_str()).collect();
    assert!(keys.contains(&"overridden"), "{keys:?}");
    let overridden = items.iter().find(|i| i.deviation == "overridden").unwrap();
    assert_eq!(overridden.what, "the tree's code was overridden");
    assert_eq!(overridden.reason, "test");
    assert_eq!(overridden.handler, "h1");
    assert_eq!(overridden.code.as_deref(), Some("HW-FLD-01"));
    assert!(overridden.call.starts_with("answered 2026-12-07T10:00:00Z"));
    assert_eq!(overridden.key, format!("{}#overridden", overridden.call));
    // Not the caller's details.
    let json = serde_json::to_string(&items).unwrap();
    assert!(
        !json.contains("Mrs Smith") && !json.contains("01632"),
        "{json}"
    );
    // An open call has none.
    assert!(review_items(&pack, &coded_call(&pack, "HW-FLD-01", "x")).is_empty());

    let mut board = Board::default();
    let said = board
        .apply_recorded(
            &pack,
            MONDAY_10AM,
            "sup",
            BoardCommand::Reviews(items.clone()),
        )
        .unwrap();
    assert_eq!(said, format!("{} deviations to review", items.len()));
    // The same again changes nothing; nothing is sent for what arrived.
    assert_eq!(
        board
            .apply_recorded(
                &pack,
                MONDAY_10AM,
                "sup",
                BoardCommand::Reviews(items.clone())
            )
            .unwrap(),
        "No new deviations to review"
    );
    assert_eq!(board.reviews.len(), items.len());
    assert!(board.outbox.is_empty());
    let decide = |board: &mut Board, outcome, note: &str| {
        board.apply_recorded(
            &pack,
            MONDAY_10AM + MINUTE,
            "sup",
            BoardCommand::Decide {
                key: overridden.key.clone(),
                outcome,
                note: note.into(),
            },
        )
    };
    // Coaching needs what to coach on.
    assert_eq!(
        decide(&mut board, ReviewOutcome::Coaching, "  "),
        Err(Refusal::Blank("what to coach on"))
    );
    let said = decide(
        &mut board,
        ReviewOutcome::Coaching,
        "Finish the tree before overriding",
    )
    .unwrap();
    assert!(said.ends_with(": raised for coaching"), "{said}");
    assert_eq!(
        decide(&mut board, ReviewOutcome::SignedOff, ""),
        Err(Refusal::AlreadyReviewed("raised for coaching"))
    );
    let decision = board
        .reviews
        .iter()
        .find(|r| r.key == overridden.key)
        .unwrap()
        .decision
        .clone()
        .unwrap();
    assert_eq!(
        (decision.outcome, decision.by.as_str(), decision.at),
        (ReviewOutcome::Coaching, "sup", MONDAY_10AM + MINUTE)
    );
    // One event for the host, keyed review:<key>.
    assert_eq!(board.outbox.len(), 1);
    let sent = serde_json::to_value(HostEvent::incident(&board.outbox[0]).unwrap()).unwrap();
    assert_eq!(sent["type"], "review.decided");
    assert_eq!(sent["payload"]["key"], format!("review:{}", overridden.key));
    assert_eq!(sent["payload"]["outcome"], "coaching");
    assert_eq!(sent["payload"]["note"], "Finish the tree before overriding");
    assert_eq!(sent["payload"]["deviation"], "overridden");
    // Unknown keys are refused; the queue reads back from JSON the same.
    assert!(matches!(
        board.apply(
            &pack,
            MONDAY_10AM,
            "sup",
            BoardCommand::Decide {
                key: "nope".into(),
                outcome: ReviewOutcome::SignedOff,
                note: String::new()
            }
        ),
        Err(Refusal::Unknown { .. })
    ));
    assert_eq!(Board::read(board.to_json().as_bytes()).unwrap(), board);
}

#[test]
fn closed_incidents_and_decided_deviations_go_after_the_packs_retention_and_open_ones_stay() {
    const DAY: u64 = 24 * 60 * MINUTE;
    let pack = council();
    assert_eq!(pack.file().retention.closed_days, 30);
    let mut board = board_with(&pack, flooding());
    let second = Opening {
        reference: "INC-101".into(),
        ..flooding()
    };
    board
        .apply(&pack, MONDAY_10AM, "sup", BoardCommand::Open(second))
        .unwrap();
    board
        .apply(
            &pack,
            MONDAY_10AM + MINUTE,
            "sup",
            to(
                "INC-100",
                Command::Close {
                    outcome: "Done".into(),
                },
            ),
        )
        .unwrap();
    board.outbox.push(incident_engine::incident::Pending {
        kind: "incident.closed".into(),
        key: "INC-100#2".into(),
        payload: "{}".into(),
    });
    // Within the days kept: nothing goes.
    assert_eq!(board.prune(MONDAY_10AM + 30 * DAY, 30), 0);
    // After them: the closed one goes; the open one and the unsent event stay.
    assert_eq!(board.prune(MONDAY_10AM + 31 * DAY, 30), 1);
    assert_eq!(board.incidents.len(), 1);
    assert_eq!(board.incidents[0].reference, "INC-101");
    assert_eq!(board.outbox.len(), 1);
}

#[test]
fn a_retention_outside_its_range_is_a_problem_at_its_path() {
    let mut json: serde_json::Value =
        serde_json::from_slice(include_bytes!("../../packs/council-out-of-hours.json")).unwrap();
    json["retention"]["closed_days"] = serde_json::json!(0);
    let error = parse_pack(&serde_json::to_vec(&json).unwrap())
        .unwrap_err()
        .to_string();
    assert!(error.contains("retention.closed_days"), "{error}");
    assert!(error.contains("0 days is outside 1 to 365"), "{error}");
}
