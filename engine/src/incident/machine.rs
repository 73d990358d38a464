//! An incident from the moment it is opened until it is closed, as a state machine (F10–F12; L3
//! 1.2–1.5, 3.4; NOS P4–P8; K7).
//!
//! An incident outlives its call: it is opened from a call's log entry (or by the supervisor),
//! gathers more calls about the same thing, and holds its deployments, the external organisations
//! told, updates and its outcome until it is closed. The supervisor's console sends commands with
//! the time and who gave them; the incident applies a command and appends what happened to its
//! timeline, or refuses it with a reason the supervisor can act on. Nothing in the timeline is
//! ever overwritten, and it is always in time order: a command stamped earlier than the last entry
//! (another tab's clock a little behind) is recorded at the last entry's time.
//!
//! A deployment goes tasked → acknowledged → en route → on scene → cleared, or is stood down. A
//! unit may skip ahead (a crew that says "on scene" has plainly acknowledged: the skipped stages
//! are filled in at that time); it never goes back, nothing is heard from it before it is tasked,
//! and once cleared or stood down it is finished. Whether a unit may be deployed at all (known,
//! available, not already out) is the board's to say (`board`), because it depends on every
//! other incident.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::call::Call;
use crate::kernel::Millis;
use crate::pack::{LogField, Pack};

/// Where a deployment has got to.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Chosen for the incident; no message sent yet.
    Selected,
    /// The tasking message was sent.
    Tasked,
    /// The unit said it has the task.
    Acknowledged,
    /// On its way.
    EnRoute,
    /// At the incident.
    OnScene,
    /// Finished and free again.
    Cleared,
    /// Called off before it finished (redeployed, not needed).
    StoodDown,
}

impl Stage {
    /// The stage as the board says it.
    pub fn label(self) -> &'static str {
        match self {
            Stage::Selected => "selected, not yet tasked",
            Stage::Tasked => "tasked",
            Stage::Acknowledged => "acknowledged",
            Stage::EnRoute => "en route",
            Stage::OnScene => "on scene",
            Stage::Cleared => "cleared",
            Stage::StoodDown => "stood down",
        }
    }

    /// Whether the deployment is over.
    pub fn finished(self) -> bool {
        matches!(self, Stage::Cleared | Stage::StoodDown)
    }
}

/// A call about the incident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct LinkedCall {
    /// The call's reference (its CRM record, or the widget's own).
    pub reference: String,
    /// The handler who took it.
    pub handler: String,
    /// When it was linked.
    pub at: Millis,
}

/// The tasking message as sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Tasked {
    /// When it was sent.
    pub at: Millis,
    /// The channel's id.
    pub channel: String,
    /// The words sent.
    pub message: String,
}

/// A unit sent to the incident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Deployment {
    /// Its number on this incident, from 1.
    pub number: u32,
    /// The unit's id in the pack.
    pub unit: String,
    /// Its call sign.
    pub call_sign: String,
    /// When it was chosen.
    pub deployed_at: Millis,
    /// Why it was sent although the board said it should not be (off duty, out of hours, already
    /// out elsewhere), if it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub override_reason: Option<String>,
    /// The tasking message, once sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tasked: Option<Tasked>,
    /// When it acknowledged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acknowledged_at: Option<Millis>,
    /// When it expects to arrive, if it said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eta: Option<Millis>,
    /// When it set off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub en_route_at: Option<Millis>,
    /// When it arrived.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_scene_at: Option<Millis>,
    /// When it last sent an update.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<Millis>,
    /// When it was chased for a late acknowledgement or update, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub chased: Vec<Millis>,
    /// When it cleared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cleared_at: Option<Millis>,
    /// When it was stood down, and why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stood_down: Option<(Millis, String)>,
}

impl Deployment {
    /// Where it has got to.
    pub fn stage(&self) -> Stage {
        if self.stood_down.is_some() {
            Stage::StoodDown
        } else if self.cleared_at.is_some() {
            Stage::Cleared
        } else if self.on_scene_at.is_some() {
            Stage::OnScene
        } else if self.en_route_at.is_some() {
            Stage::EnRoute
        } else if self.acknowledged_at.is_some() {
            Stage::Acknowledged
        } else if self.tasked.is_some() {
            Stage::Tasked
        } else {
            Stage::Selected
        }
    }

    /// The last time the unit itself was heard from (acknowledged, set off, arrived, updated).
    pub fn last_heard(&self) -> Option<Millis> {
        [
            self.acknowledged_at,
            self.en_route_at,
            self.on_scene_at,
            self.updated_at,
        ]
        .into_iter()
        .flatten()
        .max()
    }
}

/// An external organisation told about the incident (F7; L3 1.4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Notification {
    /// The organisation's id in the pack.
    pub organisation: String,
    /// The channel used.
    pub channel: String,
    /// The contact's address on it ("101"), if known.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub address: String,
    /// When it was told.
    pub at: Millis,
    /// When it acknowledged, if it has.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acknowledged_at: Option<Millis>,
    /// Its reference for the report, if it gave one.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reference: String,
}

/// How an incident ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Closure {
    /// When it was closed.
    pub at: Millis,
    /// Who closed it.
    pub by: String,
    /// What came of it, in the supervisor's words.
    pub outcome: String,
}

/// One thing that happened, as the timeline shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct TimelineEntry {
    /// When.
    pub at: Millis,
    /// Who did it or recorded it (the supervisor's id, or the host for what a unit reported).
    pub by: String,
    /// What, in words.
    pub what: String,
}

/// An incident: the calls, the deployments, who was told, and how it ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Incident {
    /// Its reference, unique on the board (the first call's reference, or one the supervisor
    /// gives).
    pub reference: String,
    /// Its incident code.
    pub code: String,
    /// Its priority's id.
    pub priority: String,
    /// Where it is.
    pub location: String,
    /// The zone its units are sent to, if known (one of the units' zones).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone: Option<String>,
    /// What is happening, in a line: no personal data (the caller's details stay in the call's
    /// log entry).
    pub summary: String,
    /// What a responder walks into: the safety questions answered yes, by their labels.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub safety: Vec<String>,
    /// Whether someone involved is vulnerable (the details stay in the call's log entry).
    #[serde(default)]
    pub vulnerable: bool,
    /// When it was opened: the first call's answer time, or when the supervisor opened it.
    pub opened_at: Millis,
    /// The external organisations the procedure says to notify (the call's), by id.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notify: Vec<String>,
    /// The calls about it, first first.
    pub calls: Vec<LinkedCall>,
    /// The units sent, in the order they were chosen.
    pub deployments: Vec<Deployment>,
    /// The external organisations told.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notifications: Vec<Notification>,
    /// Everything that happened, in time order.
    pub timeline: Vec<TimelineEntry>,
    /// How it ended, once closed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed: Option<Closure>,
    /// The code's named deadlines recorded as met (the pack's `deadlines`: "Restore supply"),
    /// each once, with when.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deadlines_met: Vec<DeadlineMet>,
}

/// A named deadline of the incident's code, recorded as met.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct DeadlineMet {
    /// The deadline's id within the code.
    pub id: String,
    /// When it was recorded as met.
    pub at: Millis,
}

/// What is known about an incident when it is opened: from a handler's call
/// ([`Opening::from_call`]) or typed by the supervisor. No personal data: the caller's details stay
/// in the call's log entry.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub struct Opening {
    /// Its reference.
    pub reference: String,
    /// Its incident code.
    pub code: String,
    /// Its priority's id.
    pub priority: String,
    /// Where it is.
    pub location: String,
    /// What is happening, in a line.
    pub summary: String,
    /// The safety questions answered yes, by label.
    pub safety: Vec<String>,
    /// Whether someone is vulnerable.
    pub vulnerable: bool,
    /// The organisations to notify, by id (left empty: the code's `notify`).
    pub notify: Vec<String>,
    /// The call it was opened from, if any.
    pub call: Option<LinkedCall>,
    /// The zone its units are sent to, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone: Option<String>,
}

/// The longest "what is happening" line taken from a call's narrative.
const SUMMARY_CHARS: usize = 200;

/// How the supervisor's board names a call: the CRM's call id if the host gave one, else
/// "answered" and its answer time in ISO 8601 UTC, to the second.
pub fn call_reference(call: &Call) -> String {
    match call.crm_link() {
        Some((Some(id), _)) => id.to_owned(),
        // To the second: the entry's own time, without its milliseconds.
        _ => format!(
            "answered {}Z",
            crate::call::entry::iso8601(call.opened_at())
                .get(..19)
                .unwrap_or_default()
        ),
    }
}

impl Opening {
    /// What a closed call hands the supervisor: its code, priority, location, the first line of
    /// its narrative, the safety answers' labels, whether someone is vulnerable, and the
    /// organisations to notify; `None` when the call has no code, or its code sends no unit and
    /// notifies no one (nothing for a supervisor to do). The reference is left for the board to
    /// give (`Board::next_reference`); the call is known by its CRM call id if the host gave one,
    /// else by when it was answered.
    pub fn from_call(pack: &Pack, call: &Call) -> Option<Opening> {
        let decision = call.decision()?;
        let code = pack.code(&decision.code)?;
        let notify = call.to_notify(pack);
        if code.response_plan.is_empty() && notify.is_empty() {
            return None;
        }
        let field = |f: LogField| call.field(f).unwrap_or("").trim().to_owned();
        let narrative = field(LogField::Narrative);
        let first = narrative.lines().next().unwrap_or("");
        let summary = if first.chars().count() > SUMMARY_CHARS {
            let kept: String = first.chars().take(SUMMARY_CHARS - 1).collect();
            format!("{kept}…")
        } else {
            first.to_owned()
        };
        let flags = call.safety_flags(pack);
        let reference = call_reference(call);
        Some(Opening {
            reference: String::new(),
            code: decision.code.clone(),
            priority: decision.priority.clone(),
            location: field(LogField::Location),
            summary,
            safety: flags.situation().map(|y| y.label.clone()).collect(),
            vulnerable: flags.vulnerable,
            notify,
            call: Some(LinkedCall {
                reference,
                handler: call.handler().to_owned(),
                at: call.opened_at(),
            }),
            zone: None,
        })
    }

    /// As JSON, to hand to the console (the browser's store, another tab).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{}".to_owned())
    }

    /// One read back from [`Opening::to_json`]'s JSON, or what is wrong with it and where.
    pub fn read(bytes: &[u8]) -> Result<Opening, String> {
        super::read_json(bytes)
    }
}

/// What the supervisor (or a unit, through the host) asks of an incident.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Send a unit (the board checks it may go first).
    Deploy {
        /// The unit's id.
        unit: String,
        /// Its call sign.
        call_sign: String,
        /// Why it goes although the board advises against it, if it does.
        override_reason: Option<String>,
    },
    /// Record the tasking message sent to a deployment's unit.
    Task {
        /// The deployment's number.
        deployment: u32,
        /// The channel's id.
        channel: String,
        /// The words sent.
        message: String,
    },
    /// The unit acknowledged, with its estimate of arrival in minutes if it gave one.
    Acknowledge {
        /// The deployment's number.
        deployment: u32,
        /// Minutes until it expects to arrive.
        eta_minutes: Option<u32>,
    },
    /// The unit set off.
    EnRoute {
        /// The deployment's number.
        deployment: u32,
    },
    /// The unit arrived.
    OnScene {
        /// The deployment's number.
        deployment: u32,
    },
    /// The unit sent an update.
    Update {
        /// The deployment's number.
        deployment: u32,
        /// What it said.
        note: String,
    },
    /// The supervisor chased a unit that is late to acknowledge or update.
    Chase {
        /// The deployment's number.
        deployment: u32,
    },
    /// The unit finished.
    Clear {
        /// The deployment's number.
        deployment: u32,
    },
    /// Call a unit off, with the reason (redeployed, not needed, replaced).
    StandDown {
        /// The deployment's number.
        deployment: u32,
        /// Why.
        reason: String,
    },
    /// Another call about the same incident.
    LinkCall(LinkedCall),
    /// An external organisation was told, by one of its contacts.
    Notify {
        /// The organisation's id.
        organisation: String,
        /// The channel used.
        channel: String,
        /// The contact's address on that channel ("101"): which number was rung.
        address: String,
        /// The organisation's name and the channel's, as the timeline says them (the board fills
        /// them in from the pack): "Northshire Police", "Telephone".
        names: (String, String),
    },
    /// An external organisation acknowledged, with its reference if it gave one.
    OrganisationAcknowledged {
        /// The organisation's id.
        organisation: String,
        /// Its reference.
        reference: String,
        /// The organisation's name, as the timeline says it (the board fills it in).
        name: String,
    },
    /// Choose the zone units are sent to.
    SetZone {
        /// The zone.
        zone: String,
    },
    /// Escalated to a level of the pack's escalation ladder, with why.
    Escalate {
        /// The level's name, as the timeline says it.
        level: String,
        /// Why.
        why: String,
    },
    /// One of the code's named deadlines was met ("Restore supply").
    DeadlineMet {
        /// The deadline's id within the code.
        deadline: String,
        /// Its name, as the timeline says it (the board fills it in from the pack).
        name: String,
    },
    /// A note for the timeline.
    Note {
        /// The words.
        text: String,
    },
    /// Close the incident with its outcome.
    Close {
        /// What came of it.
        outcome: String,
    },
}

/// Why a command was not applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The incident is closed.
    #[error("incident {0} is closed")]
    Closed(String),
    /// No incident with that reference on the board.
    #[error("there is no open incident {0}")]
    NoSuchIncident(String),
    /// An incident with that reference is already on the board.
    #[error("incident {0} is already on the board")]
    AlreadyOpen(String),
    /// A reference, code or priority left blank when opening.
    #[error("an incident needs {0}")]
    Incomplete(&'static str),
    /// Not one of the pack's.
    #[error("there is no {what} \"{id}\" in the procedures")]
    Unknown {
        /// What kind of thing.
        what: &'static str,
        /// The id given.
        id: String,
    },
    /// No deployment with that number.
    #[error("there is no deployment {0} on this incident")]
    NoSuchDeployment(u32),
    /// The unit is already out on this incident.
    #[error("{0} is already deployed to this incident")]
    AlreadyDeployed(String),
    /// The unit should not be sent, and no reason was given to send it anyway.
    #[error("{unit} is {why}: give a reason to send it anyway")]
    Unavailable {
        /// The unit's call sign.
        unit: String,
        /// Why not, e.g. "off duty".
        why: String,
    },
    /// A unit was heard from before its tasking was sent.
    #[error("{0} has not been tasked yet: send its tasking first")]
    NotTasked(String),
    /// The tasking was already sent.
    #[error("{0} has already been tasked")]
    AlreadyTasked(String),
    /// A unit reported a stage it is already past.
    #[error("{unit} is already {stage}")]
    Backwards {
        /// The unit's call sign.
        unit: String,
        /// Where it is.
        stage: &'static str,
    },
    /// The deployment is over.
    #[error("{unit} is {stage}: nothing more can be recorded for it")]
    Finished {
        /// The unit's call sign.
        unit: String,
        /// Cleared or stood down.
        stage: &'static str,
    },
    /// Words required and left blank.
    #[error("{0} is required")]
    Blank(&'static str),
    /// The organisation was already told.
    #[error("{0} has already been told")]
    AlreadyNotified(String),
    /// An acknowledgement from an organisation not told.
    #[error("{0} has not been told yet")]
    NotNotified(String),
    /// A deviation already decided.
    #[error("that deviation has already been {0}")]
    AlreadyReviewed(&'static str),
    /// A deadline already recorded as met.
    #[error("\"{0}\" has already been recorded as met")]
    AlreadyMet(String),
    /// Closing with units still out.
    #[error("units are still deployed ({0}): clear or stand them down first")]
    StillDeployed(String),
}

impl Refusal {
    /// The rule broken, without the ids, names or words given: for the host CRM's `error` event,
    /// which never repeats what the host sent.
    pub fn rule(&self) -> String {
        match self {
            Refusal::Closed(_) => "the incident is closed".to_owned(),
            Refusal::NoSuchIncident(_) => {
                "there is no open incident with that reference".to_owned()
            }
            Refusal::AlreadyOpen(_) => {
                "an incident with that reference is already on the board".to_owned()
            }
            Refusal::Incomplete(what) => format!("an incident needs {what}"),
            Refusal::Unknown { what, .. } => format!("the procedures have no such {what}"),
            Refusal::NoSuchDeployment(_) => {
                "there is no such deployment on the incident".to_owned()
            }
            Refusal::AlreadyDeployed(_) => {
                "the unit is already deployed to the incident".to_owned()
            }
            Refusal::Unavailable { .. } => {
                "the unit should not be sent without a reason".to_owned()
            }
            Refusal::NotTasked(_) => "the unit has not been tasked yet".to_owned(),
            Refusal::AlreadyTasked(_) => "the unit has already been tasked".to_owned(),
            Refusal::Backwards { stage, .. } => format!("the unit is already {stage}"),
            Refusal::Finished { stage, .. } => {
                format!("the unit is {stage}: nothing more is recorded for it")
            }
            Refusal::Blank(what) => format!("{what} is required"),
            Refusal::AlreadyNotified(_) => "the organisation has already been told".to_owned(),
            Refusal::NotNotified(_) => "the organisation has not been told yet".to_owned(),
            Refusal::StillDeployed(_) => "units are still deployed".to_owned(),
            Refusal::AlreadyMet(_) => "the deadline has already been recorded as met".to_owned(),
            Refusal::AlreadyReviewed(done) => format!("the deviation has already been {done}"),
        }
    }
}

fn required(text: &str, what: &'static str) -> Result<String, Refusal> {
    let text = text.trim();
    if text.is_empty() {
        Err(Refusal::Blank(what))
    } else {
        Ok(text.to_owned())
    }
}

impl Incident {
    /// Opens an incident at `at` by `by`.
    pub fn open(opening: Opening, at: Millis, by: &str) -> Result<Incident, Refusal> {
        for (value, what) in [
            (&opening.reference, "a reference"),
            (&opening.code, "an incident code"),
            (&opening.priority, "a priority"),
        ] {
            if value.trim().is_empty() {
                return Err(Refusal::Incomplete(what));
            }
        }
        let opened_at = opening.call.as_ref().map_or(at, |c| c.at.min(at));
        let mut incident = Incident {
            reference: opening.reference.trim().to_owned(),
            code: opening.code,
            priority: opening.priority,
            location: opening.location,
            zone: opening.zone.filter(|z| !z.trim().is_empty()),
            summary: opening.summary,
            safety: opening.safety,
            vulnerable: opening.vulnerable,
            opened_at,
            notify: opening.notify,
            calls: Vec::new(),
            deployments: Vec::new(),
            notifications: Vec::new(),
            timeline: Vec::new(),
            closed: None,
            deadlines_met: Vec::new(),
        };
        let what = match &opening.call {
            Some(call) => format!(
                "Opened from call {} taken by {}",
                call.reference, call.handler
            ),
            None => "Opened by the supervisor".to_owned(),
        };
        incident.calls.extend(opening.call);
        incident.record(opened_at, by, what);
        Ok(incident)
    }

    /// Whether it is still open.
    pub fn is_open(&self) -> bool {
        self.closed.is_none()
    }

    /// The deployments not yet cleared or stood down.
    pub fn active(&self) -> impl Iterator<Item = &Deployment> {
        self.deployments.iter().filter(|d| !d.stage().finished())
    }

    /// A deployment by its number.
    pub fn deployment(&self, number: u32) -> Option<&Deployment> {
        self.deployments.iter().find(|d| d.number == number)
    }

    /// The time the timeline has reached: a command stamped earlier is recorded at it.
    fn now(&self, at: Millis) -> Millis {
        self.timeline.last().map_or(at, |last| last.at.max(at))
    }

    fn record(&mut self, at: Millis, by: &str, what: String) -> Millis {
        let at = self.now(at);
        self.timeline.push(TimelineEntry {
            at,
            by: by.to_owned(),
            what,
        });
        at
    }

    /// Applies `command` at `at`, given by `by`; on success returns the timeline entry it added.
    /// Whether a unit may be deployed is checked by the board before it gets here.
    pub fn apply(&mut self, at: Millis, by: &str, command: Command) -> Result<String, Refusal> {
        if self.closed.is_some() {
            return Err(Refusal::Closed(self.reference.clone()));
        }
        let at = self.now(at);
        let what = match command {
            Command::Deploy {
                unit,
                call_sign,
                override_reason,
            } => {
                if self
                    .active()
                    .any(|d| d.unit == unit || d.call_sign == call_sign)
                {
                    return Err(Refusal::AlreadyDeployed(call_sign));
                }
                let override_reason = match override_reason {
                    Some(reason) => Some(required(&reason, "the reason to send it anyway")?),
                    None => None,
                };
                let number = self.deployments.len() as u32 + 1;
                let what = match &override_reason {
                    Some(reason) => format!("{call_sign} deployed (overriding: {reason})"),
                    None => format!("{call_sign} deployed"),
                };
                self.deployments.push(Deployment {
                    number,
                    unit,
                    call_sign,
                    deployed_at: at,
                    override_reason,
                    tasked: None,
                    acknowledged_at: None,
                    eta: None,
                    en_route_at: None,
                    on_scene_at: None,
                    updated_at: None,
                    chased: Vec::new(),
                    cleared_at: None,
                    stood_down: None,
                });
                what
            }
            Command::Task {
                deployment,
                channel,
                message,
            } => {
                let message = required(&message, "the tasking message")?;
                let d = self.live(deployment)?;
                if d.tasked.is_some() {
                    return Err(Refusal::AlreadyTasked(d.call_sign.clone()));
                }
                d.tasked = Some(Tasked {
                    at,
                    channel: channel.clone(),
                    message,
                });
                format!("{} tasked by {channel}", d.call_sign)
            }
            Command::Acknowledge {
                deployment,
                eta_minutes,
            } => {
                let d = self.heard(deployment, Stage::Acknowledged)?;
                d.acknowledged_at = Some(at);
                d.eta = eta_minutes.map(|m| at + u64::from(m) * 60_000);
                match eta_minutes {
                    Some(m) => format!("{} acknowledged, arriving in {m} minutes", d.call_sign),
                    None => format!("{} acknowledged", d.call_sign),
                }
            }
            Command::EnRoute { deployment } => {
                let d = self.heard(deployment, Stage::EnRoute)?;
                d.acknowledged_at.get_or_insert(at);
                d.en_route_at = Some(at);
                format!("{} en route", d.call_sign)
            }
            Command::OnScene { deployment } => {
                let d = self.heard(deployment, Stage::OnScene)?;
                d.acknowledged_at.get_or_insert(at);
                d.en_route_at.get_or_insert(at);
                d.on_scene_at = Some(at);
                format!("{} on scene", d.call_sign)
            }
            Command::Update { deployment, note } => {
                let note = required(&note, "the update")?;
                let d = self.live(deployment)?;
                if d.tasked.is_none() {
                    return Err(Refusal::NotTasked(d.call_sign.clone()));
                }
                d.acknowledged_at.get_or_insert(at);
                d.updated_at = Some(at);
                format!("{} update: {note}", d.call_sign)
            }
            Command::Chase { deployment } => {
                let d = self.live(deployment)?;
                if d.tasked.is_none() {
                    return Err(Refusal::NotTasked(d.call_sign.clone()));
                }
                d.chased.push(at);
                if d.acknowledged_at.is_none() {
                    format!("{} chased for an acknowledgement", d.call_sign)
                } else {
                    format!("{} chased for an update", d.call_sign)
                }
            }
            Command::Clear { deployment } => {
                let d = self.heard(deployment, Stage::Cleared)?;
                d.acknowledged_at.get_or_insert(at);
                d.cleared_at = Some(at);
                format!("{} cleared", d.call_sign)
            }
            Command::StandDown { deployment, reason } => {
                let reason = required(&reason, "the reason for standing it down")?;
                let d = self.live(deployment)?;
                d.stood_down = Some((at, reason.clone()));
                format!("{} stood down: {reason}", d.call_sign)
            }
            Command::LinkCall(call) => {
                let what = format!("Call {} taken by {} linked", call.reference, call.handler);
                self.calls.push(LinkedCall { at, ..call });
                what
            }
            Command::Notify {
                organisation,
                channel,
                address,
                names: (name, channel_name),
            } => {
                let name = if name.is_empty() {
                    organisation.clone()
                } else {
                    name
                };
                if self
                    .notifications
                    .iter()
                    .any(|n| n.organisation == organisation)
                {
                    return Err(Refusal::AlreadyNotified(name));
                }
                let via = if channel_name.is_empty() {
                    channel.clone()
                } else {
                    channel_name
                };
                let what = if address.is_empty() {
                    format!("{name} told by {via}")
                } else {
                    format!("{name} told by {via}: {address}")
                };
                self.notifications.push(Notification {
                    organisation,
                    channel,
                    address,
                    at,
                    acknowledged_at: None,
                    reference: String::new(),
                });
                what
            }
            Command::OrganisationAcknowledged {
                organisation,
                reference,
                name,
            } => {
                let name = if name.is_empty() {
                    organisation.clone()
                } else {
                    name
                };
                let n = self
                    .notifications
                    .iter_mut()
                    .find(|n| n.organisation == organisation)
                    .ok_or_else(|| Refusal::NotNotified(name.clone()))?;
                if n.acknowledged_at.is_some() {
                    return Err(Refusal::Backwards {
                        unit: name,
                        stage: "acknowledged",
                    });
                }
                n.acknowledged_at = Some(at);
                n.reference = reference.trim().to_owned();
                if n.reference.is_empty() {
                    format!("{name} acknowledged")
                } else {
                    format!("{name} acknowledged, their reference {}", n.reference)
                }
            }
            Command::SetZone { zone } => {
                let zone = required(&zone, "the zone")?;
                self.zone = Some(zone.clone());
                format!("Zone set to {zone}")
            }
            Command::Escalate { level, why } => {
                let why = required(&why, "the reason to escalate")?;
                format!("Escalated to {level}: {why}")
            }
            Command::Note { text } => required(&text, "the note")?,
            Command::DeadlineMet { deadline, name } => {
                if self.deadlines_met.iter().any(|m| m.id == deadline) {
                    return Err(Refusal::AlreadyMet(name));
                }
                self.deadlines_met.push(DeadlineMet { id: deadline, at });
                format!("Deadline met: {name}")
            }
            Command::Close { outcome } => {
                let outcome = required(&outcome, "the outcome")?;
                let out: Vec<&str> = self.active().map(|d| d.call_sign.as_str()).collect();
                if !out.is_empty() {
                    return Err(Refusal::StillDeployed(out.join(", ")));
                }
                self.closed = Some(Closure {
                    at,
                    by: by.to_owned(),
                    outcome: outcome.clone(),
                });
                format!("Closed: {outcome}")
            }
        };
        self.record(at, by, what.clone());
        Ok(what)
    }

    /// A deployment that is not finished.
    fn live(&mut self, number: u32) -> Result<&mut Deployment, Refusal> {
        let d = self
            .deployments
            .iter_mut()
            .find(|d| d.number == number)
            .ok_or(Refusal::NoSuchDeployment(number))?;
        let stage = d.stage();
        if stage.finished() {
            return Err(Refusal::Finished {
                unit: d.call_sign.clone(),
                stage: stage.label(),
            });
        }
        Ok(d)
    }

    /// A deployment whose unit reports reaching `stage`: tasked, and not already there or past it.
    fn heard(&mut self, number: u32, stage: Stage) -> Result<&mut Deployment, Refusal> {
        let d = self.live(number)?;
        let now = d.stage();
        if now == Stage::Selected {
            return Err(Refusal::NotTasked(d.call_sign.clone()));
        }
        if now >= stage {
            return Err(Refusal::Backwards {
                unit: d.call_sign.clone(),
                stage: now.label(),
            });
        }
        Ok(d)
    }
}
