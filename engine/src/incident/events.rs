//! What the supervisor changed, as events for the host CRM (F11, F12, F17; issue 17: "the host
//! CRM is the system of record").
//!
//! Every command the supervisor applies adds one entry to an incident's timeline; each new entry
//! is one event, found by comparing the board before and after ([`changes`]):
//!
//! - `incident.opened`: the incident's first entry (opened by hand, or from a handler's call in
//!   this browser);
//! - `incident.tasked`: an entry that recorded a unit's tasking message (for the host to relay to
//!   the unit over the channel named);
//! - `incident.closed`: the entry that closed it, with its outcome;
//! - `incident.changed`: every other entry (a deployment, a stage entered by the supervisor, a
//!   chase, a stand-down, an organisation told, an escalation, a note), with the deployment's
//!   number, unit and stage when it was about one.
//!
//! Each event has a `key`, `<reference>#<n>` where n counts the incident's timeline from 1: the
//! same change always has the same key, so the host keeps the first copy of a key it is sent
//! again. The board keeps each event in its outbox until the host answers `incident.ack` with its
//! key ([`Board::stored`](super::Board::stored)). The outbox holds each as a [`Pending`]: its
//! type, key and payload as JSON text, made once when the change is made and sent as it is (so the
//! widget never reads an event back into its types).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::incident::machine::{Deployment, Incident, Stage};
use crate::kernel::Millis;

/// What every event says: which change, of which incident, when and by whom, in the timeline's
/// words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Change {
    /// `<reference>#<n>`, n counting the incident's timeline from 1: the same for every send of
    /// this change.
    pub key: String,
    /// The incident's reference.
    pub reference: String,
    /// When, in milliseconds since 1970 (UTC).
    pub at: Millis,
    /// Who: the supervisor's id from `configure` (or the handler's, for a call linked).
    pub by: String,
    /// What happened, as the timeline says it.
    pub what: String,
}

/// The `incident.opened` payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Opened {
    /// The change.
    #[serde(flatten)]
    pub change: Change,
    /// The incident code.
    pub code: String,
    /// The priority's id.
    pub priority: String,
    /// Where.
    pub location: String,
    /// The zone units are sent to, if chosen.
    pub zone: Option<String>,
    /// What is happening, in a line (no personal data).
    pub summary: String,
    /// Whether someone involved is vulnerable (who stays in the call's log).
    pub vulnerable: bool,
}

/// The `incident.tasked` payload: a unit's tasking, for the host to relay.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct TaskedUnit {
    /// The change.
    #[serde(flatten)]
    pub change: Change,
    /// The deployment's number on the incident, from 1.
    pub deployment: u32,
    /// The unit's id in the pack.
    pub unit: String,
    /// Its call sign.
    pub call_sign: String,
    /// The channel's id in the pack.
    pub channel: String,
    /// The tasking message, in the channel's conventions.
    pub message: String,
}

/// The `incident.changed` payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Changed {
    /// The change.
    #[serde(flatten)]
    pub change: Change,
    /// The deployment it was about, if it was about one: its number.
    pub deployment: Option<u32>,
    /// That deployment's unit id.
    pub unit: Option<String>,
    /// That deployment's stage after the change.
    pub stage: Option<Stage>,
}

/// The `incident.closed` payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Closed {
    /// The change.
    #[serde(flatten)]
    pub change: Change,
    /// What came of it.
    pub outcome: String,
}

/// An event for the host about an incident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(tag = "type", content = "payload")]
pub enum IncidentEvent {
    /// An incident was opened.
    #[serde(rename = "incident.opened")]
    Opened(Opened),
    /// A unit's tasking message was sent: relay it.
    #[serde(rename = "incident.tasked")]
    Tasked(TaskedUnit),
    /// Anything else on the timeline.
    #[serde(rename = "incident.changed")]
    Changed(Changed),
    /// The incident was closed.
    #[serde(rename = "incident.closed")]
    Closed(Closed),
}

/// An event kept until the host stores it: as it will be sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Pending {
    /// Its `type`: `incident.opened`, `incident.tasked`, `incident.changed` or `incident.closed`.
    pub kind: String,
    /// Its key, as in its payload.
    pub key: String,
    /// Its payload, as JSON text.
    pub payload: String,
}

impl IncidentEvent {
    /// Its `type` on the wire.
    pub fn type_name(&self) -> &'static str {
        match self {
            IncidentEvent::Opened(_) => "incident.opened",
            IncidentEvent::Tasked(_) => "incident.tasked",
            IncidentEvent::Changed(_) => "incident.changed",
            IncidentEvent::Closed(_) => "incident.closed",
        }
    }

    /// As the outbox keeps it.
    pub fn pending(&self) -> Pending {
        // Texts and numbers only: serialising cannot fail; `{}` rather than a panic if it did.
        let payload = match self {
            IncidentEvent::Opened(e) => serde_json::to_string(e),
            IncidentEvent::Tasked(e) => serde_json::to_string(e),
            IncidentEvent::Changed(e) => serde_json::to_string(e),
            IncidentEvent::Closed(e) => serde_json::to_string(e),
        };
        Pending {
            kind: self.type_name().to_owned(),
            key: self.key().to_owned(),
            payload: payload.unwrap_or_else(|_| "{}".to_owned()),
        }
    }

    /// The change it reports.
    pub fn change(&self) -> &Change {
        match self {
            IncidentEvent::Opened(e) => &e.change,
            IncidentEvent::Tasked(e) => &e.change,
            IncidentEvent::Changed(e) => &e.change,
            IncidentEvent::Closed(e) => &e.change,
        }
    }

    /// Its key.
    pub fn key(&self) -> &str {
        &self.change().key
    }
}

/// The events for what changed from `before` to `after`: one per timeline entry added, in order.
/// Incidents are matched by reference; one not in `before` is new.
pub fn changes(before: &[Incident], after: &[Incident]) -> Vec<IncidentEvent> {
    let mut events = Vec::new();
    for now in after {
        let was = before.iter().find(|i| i.reference == now.reference);
        let from = was.map_or(0, |w| w.timeline.len());
        let last = now.timeline.len();
        for n in from..last {
            let entry = &now.timeline[n];
            let change = Change {
                key: format!("{}#{}", now.reference, n + 1),
                reference: now.reference.clone(),
                at: entry.at,
                by: entry.by.clone(),
                what: entry.what.clone(),
            };
            // What the entry was about is read from the last one added (one per command).
            let newest = n + 1 == last;
            events.push(event(change, was, now, n == 0, newest));
        }
    }
    events
}

fn event(
    change: Change,
    was: Option<&Incident>,
    now: &Incident,
    first: bool,
    newest: bool,
) -> IncidentEvent {
    if first && was.is_none() {
        return IncidentEvent::Opened(Opened {
            change,
            code: now.code.clone(),
            priority: now.priority.clone(),
            location: now.location.clone(),
            zone: now.zone.clone(),
            summary: now.summary.clone(),
            vulnerable: now.vulnerable,
        });
    }
    if newest {
        if let (Some(closed), false) = (&now.closed, was.is_some_and(|w| w.closed.is_some())) {
            return IncidentEvent::Closed(Closed {
                change,
                outcome: closed.outcome.clone(),
            });
        }
        let before =
            |d: &Deployment| was.and_then(|w| w.deployments.iter().find(|x| x.number == d.number));
        let tasked = now
            .deployments
            .iter()
            .find(|d| d.tasked.is_some() && before(d).is_none_or(|b| b.tasked.is_none()));
        if let Some((d, tasked)) = tasked.and_then(|d| d.tasked.as_ref().map(|t| (d, t))) {
            return IncidentEvent::Tasked(TaskedUnit {
                change,
                deployment: d.number,
                unit: d.unit.clone(),
                call_sign: d.call_sign.clone(),
                channel: tasked.channel.clone(),
                message: tasked.message.clone(),
            });
        }
        if let Some(d) = now.deployments.iter().find(|d| before(d) != Some(d)) {
            return IncidentEvent::Changed(Changed {
                change,
                deployment: Some(d.number),
                unit: Some(d.unit.clone()),
                stage: Some(d.stage()),
            });
        }
    }
    IncidentEvent::Changed(Changed {
        change,
        deployment: None,
        unit: None,
        stage: None,
    })
}
