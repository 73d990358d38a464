//! An incident's clocks (F12; L3 1.5, 3.4; NOS P8; K7): when a unit should be deployed, on scene,
//! acknowledging, and sending its next update, from the pack's targets; and the alerts for those
//! that are overdue.
//!
//! Every clock is counted from something recorded in the incident, so it is a pure function of
//! the incident, the pack and the time:
//!
//! | clock | from | target | met when |
//! |---|---|---|---|
//! | deploy by | the incident opened | its priority's `deploy_within_minutes` (else `targets.deploy_minutes`) | the first tasking is sent |
//! | attend by | the incident opened | its priority's `attend_within_minutes` | the first unit is on scene |
//! | acknowledge by | a unit's tasking | `targets.acknowledge_minutes` | the unit acknowledges (or reports any later stage) |
//! | next update by | the last time the unit was heard from | `targets.update_interval_minutes` | never: it rolls on with each update until the unit clears |
//! | organisation acknowledges by | the organisation told | `targets.acknowledge_minutes` | it acknowledges |
//! | each named deadline of the code | the first call linked (else the incident opened) | the code's `deadlines`, in calendar or working time under the pack's `calendar` | the supervisor records it met |
//!
//! A clock whose target the pack does not set is not kept. A stood-down unit's clocks stop. An
//! alert is a clock not met and past its time on an open incident; it stays until what it waits
//! for happens (never dismissed by time), and says what the supervisor can do about it.

use crate::incident::machine::{Incident, Stage};
use crate::kernel::Millis;
use crate::pack::calendar::due;
use crate::pack::Pack;

const MINUTE: Millis = 60_000;

/// What a clock is for.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Clock {
    /// A unit tasked to the incident.
    DeployBy,
    /// A unit on scene.
    AttendBy,
    /// A deployment's acknowledgement (by its number).
    AcknowledgeBy(u32),
    /// A deployment's next update (by its number).
    UpdateBy(u32),
    /// An external organisation's acknowledgement (by its id).
    OrganisationBy(String),
    /// One of the code's named deadlines (by its id).
    Deadline(String),
}

/// A clock: when it is due, and when (if) it was met.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Countdown {
    /// What it is for.
    pub clock: Clock,
    /// What it waits for, in words ("ALPHA 1 to acknowledge").
    pub label: String,
    /// When it is due.
    pub due: Millis,
    /// When it was met, if it has been.
    pub met_at: Option<Millis>,
}

impl Countdown {
    /// Whether it is past due and still waiting at `now`.
    pub fn overdue(&self, now: Millis) -> bool {
        self.met_at.is_none() && now > self.due
    }

    /// Whether it was met, but late.
    pub fn met_late(&self) -> bool {
        self.met_at.is_some_and(|at| at > self.due)
    }
}

/// What the supervisor can do about an alert.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlertAction {
    /// Deploy a unit.
    Deploy,
    /// Chase the unit (or organisation).
    Chase,
    /// Stand the unit down and send another in its place.
    Redeploy,
    /// Send another unit as well.
    SendMore,
    /// Escalate, up the pack's escalation ladder.
    Escalate,
}

impl AlertAction {
    /// The action's name on its button.
    pub fn label(self) -> &'static str {
        match self {
            AlertAction::Deploy => "Deploy a unit",
            AlertAction::Chase => "Chase",
            AlertAction::Redeploy => "Redeploy",
            AlertAction::SendMore => "Send more",
            AlertAction::Escalate => "Escalate",
        }
    }
}

/// An overdue clock on an open incident.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    /// The clock.
    pub countdown: Countdown,
    /// What is wrong, in words ("ALPHA 1 has not acknowledged").
    pub text: String,
    /// What can be done about it.
    pub actions: Vec<AlertAction>,
}

/// Every clock of `incident` under `pack`'s targets, in the order the board shows them: the
/// incident's own, then each deployment's, then each organisation's.
pub fn countdowns(pack: &Pack, incident: &Incident) -> Vec<Countdown> {
    let targets = &pack.file().targets;
    let priority = pack.priority(&incident.priority);
    let mut clocks = Vec::new();
    let deploy = priority
        .map(|p| p.deploy_within_minutes)
        .or(targets.deploy_minutes);
    let first_tasked = incident
        .deployments
        .iter()
        .filter_map(|d| d.tasked.as_ref().map(|t| t.at))
        .min();
    if let Some(minutes) = deploy {
        clocks.push(Countdown {
            clock: Clock::DeployBy,
            label: "a unit to be tasked".to_owned(),
            due: incident.opened_at + u64::from(minutes) * MINUTE,
            met_at: first_tasked,
        });
    }
    if let Some(p) = priority {
        clocks.push(Countdown {
            clock: Clock::AttendBy,
            label: "a unit on scene".to_owned(),
            due: incident.opened_at + u64::from(p.attend_within_minutes) * MINUTE,
            met_at: incident
                .deployments
                .iter()
                .filter_map(|d| d.on_scene_at)
                .min(),
        });
    }
    if let Some(code) = pack.code(&incident.code) {
        // Counted from the call, as the call's own entry counts them.
        let from = incident
            .calls
            .first()
            .map_or(incident.opened_at, |c| c.at.min(incident.opened_at));
        for deadline in &code.deadlines {
            clocks.push(Countdown {
                clock: Clock::Deadline(deadline.id.clone()),
                label: deadline.name.clone(),
                due: due(deadline, from, pack.file().calendar.as_ref()),
                met_at: incident
                    .deadlines_met
                    .iter()
                    .find(|m| m.id == deadline.id)
                    .map(|m| m.at),
            });
        }
    }
    for d in &incident.deployments {
        let Some(tasked) = &d.tasked else {
            continue;
        };
        let stage = d.stage();
        if let Some(minutes) = targets.acknowledge_minutes {
            // A unit stood down before it acknowledged is no longer waited on.
            if stage != Stage::StoodDown || d.acknowledged_at.is_some() {
                clocks.push(Countdown {
                    clock: Clock::AcknowledgeBy(d.number),
                    label: format!("{} to acknowledge", d.call_sign),
                    due: tasked.at + u64::from(minutes) * MINUTE,
                    met_at: d.acknowledged_at,
                });
            }
        }
        if let (Some(minutes), Some(heard)) = (targets.update_interval_minutes, d.last_heard()) {
            if !stage.finished() {
                clocks.push(Countdown {
                    clock: Clock::UpdateBy(d.number),
                    label: format!("an update from {}", d.call_sign),
                    due: heard + u64::from(minutes) * MINUTE,
                    met_at: None,
                });
            }
        }
    }
    if let Some(minutes) = targets.acknowledge_minutes {
        for n in &incident.notifications {
            let name = pack
                .external_organisation(&n.organisation)
                .map_or(n.organisation.as_str(), |o| o.name.as_str());
            clocks.push(Countdown {
                clock: Clock::OrganisationBy(n.organisation.clone()),
                label: format!("{name} to acknowledge"),
                due: n.at + u64::from(minutes) * MINUTE,
                met_at: n.acknowledged_at,
            });
        }
    }
    clocks
}

/// The alerts of `incident` at `now`: each clock overdue, most overdue first. None once it is
/// closed.
pub fn alerts(pack: &Pack, incident: &Incident, now: Millis) -> Vec<Alert> {
    if !incident.is_open() {
        return Vec::new();
    }
    let mut alerts: Vec<Alert> = countdowns(pack, incident)
        .into_iter()
        .filter(|c| c.overdue(now))
        .map(|countdown| {
            let call_sign = |n: u32| {
                incident
                    .deployment(n)
                    .map_or(String::new(), |d| d.call_sign.clone())
            };
            let (text, actions) = match &countdown.clock {
                Clock::DeployBy => (
                    "No unit has been tasked".to_owned(),
                    vec![AlertAction::Deploy, AlertAction::Escalate],
                ),
                Clock::AttendBy => (
                    "No unit is on scene".to_owned(),
                    vec![AlertAction::SendMore, AlertAction::Escalate],
                ),
                Clock::AcknowledgeBy(n) => (
                    format!("{} has not acknowledged", call_sign(*n)),
                    vec![
                        AlertAction::Chase,
                        AlertAction::Redeploy,
                        AlertAction::SendMore,
                        AlertAction::Escalate,
                    ],
                ),
                Clock::UpdateBy(n) => (
                    format!("No update from {}", call_sign(*n)),
                    vec![
                        AlertAction::Chase,
                        AlertAction::Redeploy,
                        AlertAction::SendMore,
                        AlertAction::Escalate,
                    ],
                ),
                Clock::Deadline(_) => (
                    format!("Deadline passed: {}", countdown.label),
                    vec![AlertAction::Escalate],
                ),
                Clock::OrganisationBy(_) => (
                    format!(
                        "Waiting for {}",
                        countdown.label.trim_end_matches(" to acknowledge")
                    ),
                    vec![AlertAction::Chase, AlertAction::Escalate],
                ),
            };
            Alert {
                countdown,
                text,
                actions,
            }
        })
        .collect();
    crate::kernel::sort::sort_by_key(&mut alerts, |a| a.countdown.due);
    alerts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incident::machine::{Command, Opening};

    fn pack() -> Pack {
        crate::parse_pack(include_bytes!("../../../packs/council-out-of-hours.json")).unwrap()
    }

    fn opened(pack: &Pack) -> Incident {
        let code = &pack.file().codes[0];
        Incident::open(
            Opening {
                reference: "INC-1".into(),
                code: code.code.clone(),
                priority: code.default_priority.clone(),
                location: "High Street".into(),
                summary: "Water over the road".into(),
                ..Opening::default()
            },
            0,
            "sup",
        )
        .unwrap()
    }

    #[test]
    fn an_acknowledgement_is_overdue_until_it_comes_and_then_updates_roll() {
        let pack = pack();
        let targets = pack.file().targets.clone();
        let ack = u64::from(targets.acknowledge_minutes.expect("council sets it")) * MINUTE;
        let update = u64::from(targets.update_interval_minutes.expect("council sets it")) * MINUTE;
        let mut incident = opened(&pack);
        incident
            .apply(
                1_000,
                "sup",
                Command::Deploy {
                    unit: "u".into(),
                    call_sign: "ALPHA 1".into(),
                    override_reason: None,
                },
            )
            .unwrap();
        incident
            .apply(
                2_000,
                "sup",
                Command::Task {
                    deployment: 1,
                    channel: "radio".into(),
                    message: "Go".into(),
                },
            )
            .unwrap();
        let waiting = |incident: &Incident, now| {
            alerts(&pack, incident, now)
                .into_iter()
                .map(|a| a.text)
                .collect::<Vec<_>>()
        };
        assert!(!waiting(&incident, 2_000 + ack).contains(&"ALPHA 1 has not acknowledged".into()));
        assert!(waiting(&incident, 2_001 + ack).contains(&"ALPHA 1 has not acknowledged".into()));
        // Still there an hour later: alerts are never dismissed by time.
        assert!(
            waiting(&incident, 3_600_000 + ack).contains(&"ALPHA 1 has not acknowledged".into())
        );
        incident
            .apply(
                3_000 + ack,
                "host",
                Command::Acknowledge {
                    deployment: 1,
                    eta_minutes: Some(10),
                },
            )
            .unwrap();
        let now = 3_000 + ack;
        assert!(!waiting(&incident, now + 1).contains(&"ALPHA 1 has not acknowledged".into()));
        let acked = countdowns(&pack, &incident)
            .into_iter()
            .find(|c| c.clock == Clock::AcknowledgeBy(1))
            .unwrap();
        assert!(acked.met_late());
        assert!(waiting(&incident, now + update + 1).contains(&"No update from ALPHA 1".into()));
        incident
            .apply(
                now + update / 2,
                "host",
                Command::Update {
                    deployment: 1,
                    note: "Pumping".into(),
                },
            )
            .unwrap();
        assert!(!waiting(&incident, now + update + 1).contains(&"No update from ALPHA 1".into()));
        assert!(waiting(&incident, now + update / 2 + update + 1)
            .contains(&"No update from ALPHA 1".into()));
    }

    #[test]
    fn deploy_and_attend_come_from_the_priority() {
        let pack = pack();
        let incident = opened(&pack);
        let p = pack.priority(&incident.priority).unwrap();
        let clocks = countdowns(&pack, &incident);
        let deploy = clocks.iter().find(|c| c.clock == Clock::DeployBy).unwrap();
        assert_eq!(deploy.due, u64::from(p.deploy_within_minutes) * MINUTE);
        let attend = clocks.iter().find(|c| c.clock == Clock::AttendBy).unwrap();
        assert_eq!(attend.due, u64::from(p.attend_within_minutes) * MINUTE);
        let late = alerts(&pack, &incident, deploy.due + 1);
        assert_eq!(late[0].text, "No unit has been tasked");
        assert_eq!(late[0].actions[0], AlertAction::Deploy);
    }

    #[test]
    fn a_closed_incident_has_no_alerts() {
        let pack = pack();
        let mut incident = opened(&pack);
        incident
            .apply(
                1,
                "sup",
                Command::Close {
                    outcome: "No action needed".into(),
                },
            )
            .unwrap();
        assert!(alerts(&pack, &incident, u64::MAX / 2).is_empty());
    }
}
