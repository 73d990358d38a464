//! The supervisor's board (F10, F12; L3 1.2, 1.5; NOS P4, P8): every incident, open and closed,
//! and the units' live status, so that a unit out on one incident is not sent to another without
//! a reason, and an incident's response plan is met from the units best placed to meet it.
//!
//! Whether a unit should be sent, first reason that applies: it is out on another open incident;
//! its live status is committed or off duty; its `hours` do not cover the time now (the
//! organisation's local time, from the pack's calendar). Such a unit can still be sent with a
//! reason, which is logged. The proposal for each item of the code's response plan lists the
//! units of its type and of its alternatives' types: those that may be sent first; among them
//! those with every skill the item asks for (a crew that cannot do the job is no match), then the
//! readiest (available before on call), then those in the incident's zone (the nearest), then
//! the item's own type before an alternative, then in the pack's order; each with why.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::call::PriorCall;
use crate::incident::events::{changes, IncidentEvent, Pending};
use crate::incident::machine::{Command, Incident, Opening, Refusal, Stage};
use crate::incident::review::{HandOver, ReviewDecision, ReviewItem, ReviewOutcome};
use crate::kernel::sort::sort_by_key;
use crate::kernel::{lowercase, Millis};
use crate::pack::calendar::{week_minute, zone_of};
use crate::pack::hours::on_hours;
use crate::pack::resources::{readiness, Availability, UnitUpdate};
use crate::pack::{Pack, ResourceUnit, UnitStatus};

/// Every incident the supervisor can see, and the units' status.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub struct Board {
    /// The incidents, in the order they were opened.
    pub incidents: Vec<Incident>,
    /// Units whose status was set since the pack was loaded (by the host or by hand), by id.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub statuses: Vec<UnitUpdate>,
    /// Changes made here that the host CRM has not yet said it stored (embedded only: see
    /// [`Board::apply_recorded`]), oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub outbox: Vec<Pending>,
    /// The procedure check: closed calls' deviations, oldest first, each once, with the
    /// supervisor's decision once made.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reviews: Vec<ReviewItem>,
}

/// A location as it is compared: lower case, its spacing made single.
fn place(text: &str) -> String {
    lowercase(&text.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// What the supervisor asks of the board.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BoardCommand {
    /// Open an incident.
    Open(Opening),
    /// Apply a command to an open incident, by its reference.
    To {
        /// The incident's reference.
        incident: String,
        /// The command.
        command: Command,
    },
    /// Set units' status (the host's `resources.update`, or the supervisor by hand).
    Statuses(Vec<UnitUpdate>),
    /// A handler's call handed over ([`Opening::from_call`]): linked to the open incident with
    /// the same code at the same location (the same incident reported twice), else opened as a
    /// new incident with the next reference.
    FromCall(Opening),
    /// An incident the host CRM holds (`incident.open`): opened with its reference if it is not on
    /// the board, else nothing changes (the host sends its open incidents again on every
    /// connection).
    Known(Opening),
    /// What a closed call on the standalone call screen handed over: its incident (as
    /// `FromCall`) and its deviations (as `Reviews`), both or neither.
    HandedOver(HandOver),
    /// Closed calls' deviations for the procedure check: those whose key the queue does not
    /// hold yet are added (a copy sent again changes nothing).
    Reviews(Vec<ReviewItem>),
    /// The supervisor's decision on a deviation in the queue: signed off, or raised for coaching
    /// with what to coach on; once.
    Decide {
        /// The deviation's key.
        key: String,
        /// Signed off or coaching.
        outcome: ReviewOutcome,
        /// The note: required for coaching.
        note: String,
    },
    /// What a unit reported, relayed by the host (`incident.report`): applied to the unit's
    /// latest deployment on the incident; a stage it has already reached changes nothing (the
    /// host may relay a report twice, or the supervisor entered it first).
    Report {
        /// The incident's reference.
        incident: String,
        /// The unit's id.
        unit: String,
        /// What it reported.
        report: UnitReport,
    },
}

/// What a unit reports, through the host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnitReport {
    /// It acknowledged its tasking, with its estimate of arrival in minutes if it gave one.
    Acknowledged {
        /// Minutes until it expects to arrive.
        eta_minutes: Option<u32>,
    },
    /// It set off.
    EnRoute,
    /// It arrived.
    OnScene,
    /// It sent an update.
    Update {
        /// What it said.
        note: String,
    },
    /// It finished.
    Cleared,
}

impl UnitReport {
    /// Every report with its name on the wire.
    pub const NAMES: [&'static str; 5] =
        ["acknowledged", "en_route", "on_scene", "update", "cleared"];

    /// The stage the report puts the unit at (an update: none).
    fn stage(&self) -> Option<Stage> {
        match self {
            UnitReport::Acknowledged { .. } => Some(Stage::Acknowledged),
            UnitReport::EnRoute => Some(Stage::EnRoute),
            UnitReport::OnScene => Some(Stage::OnScene),
            UnitReport::Update { .. } => None,
            UnitReport::Cleared => Some(Stage::Cleared),
        }
    }

    /// The incident's command for deployment `number`.
    fn command(self, number: u32) -> Command {
        match self {
            UnitReport::Acknowledged { eta_minutes } => Command::Acknowledge {
                deployment: number,
                eta_minutes,
            },
            UnitReport::EnRoute => Command::EnRoute { deployment: number },
            UnitReport::OnScene => Command::OnScene { deployment: number },
            UnitReport::Update { note } => Command::Update {
                deployment: number,
                note,
            },
            UnitReport::Cleared => Command::Clear { deployment: number },
        }
    }
}

/// A unit as the board proposes it for a response plan's item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// The unit.
    pub unit: ResourceUnit,
    /// Its status now.
    pub status: UnitStatus,
    /// Why it should not be sent (without a reason to override), if it should not.
    pub unavailable: Option<String>,
    /// Whether it works in the incident's zone.
    pub in_zone: bool,
    /// The item's skills it lacks.
    pub lacks: Vec<String>,
    /// Whether it is of an alternative's type rather than the item's own.
    pub alternative: bool,
    /// Why it is where it is in the list, in the supervisor's words.
    pub why: String,
}

/// One item of the response plan: what is needed, what is already sent, and who could go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanNeed {
    /// The resource type's id.
    pub resource_type: String,
    /// Its name.
    pub name: String,
    /// How many the plan asks for.
    pub count: u32,
    /// The capacity the plan asks for, with its unit, if it does.
    pub capacity: Option<(u32, String)>,
    /// How many of the item's types are out on the incident now (not cleared or stood down).
    pub sent: u32,
    /// The capacity of those out.
    pub sent_capacity: u32,
    /// The units that could go, best first; those already out on this incident are left out.
    pub candidates: Vec<Candidate>,
}

impl PlanNeed {
    /// Whether enough are out: the count, and the capacity where the plan asks for one.
    pub fn met(&self) -> bool {
        self.sent >= self.count
            && self
                .capacity
                .as_ref()
                .is_none_or(|(c, _)| self.sent_capacity >= *c)
    }
}

impl Board {
    /// The board as JSON, to keep (IndexedDB) or pass on (another tab, the host).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{}".to_owned())
    }

    /// A board read back from [`Board::to_json`]'s JSON, or what is wrong with it and where
    /// (its JSON path, line and column).
    pub fn read(bytes: &[u8]) -> Result<Board, String> {
        super::read_json(bytes)
    }

    /// The next free reference for an incident opened without one: `INC-0001`, `INC-0002`, ...
    pub fn next_reference(&self) -> String {
        (self.incidents.len() + 1..)
            .map(|n| format!("INC-{n:04}"))
            .find(|r| self.incident(r).is_none())
            .unwrap_or_default()
    }

    /// The open incident a call with `code` at `location` is about, if one is (the same code at
    /// the same place, ignoring case and spacing; never a blank location).
    pub fn same_incident(&self, code: &str, location: &str) -> Option<&Incident> {
        let wanted = place(location);
        if wanted.is_empty() {
            return None;
        }
        self.open()
            .find(|i| i.code == code && place(&i.location) == wanted)
    }

    /// The calls among `calls` (the centre's recent calls, from the host's `history.set`) given
    /// the same location as `incident`, ignoring case and spacing, latest first.
    pub fn calls_about<'c>(incident: &Incident, calls: &'c [PriorCall]) -> Vec<&'c PriorCall> {
        let wanted = place(&incident.location);
        if wanted.is_empty() {
            return Vec::new();
        }
        let mut found: Vec<&PriorCall> = calls
            .iter()
            .filter(|c| place(&c.location) == wanted)
            .collect();
        sort_by_key(&mut found, |c| std::cmp::Reverse(c.at));
        found
    }

    /// An incident by its reference.
    pub fn incident(&self, reference: &str) -> Option<&Incident> {
        self.incidents.iter().find(|i| i.reference == reference)
    }

    /// The open incidents, in the order they were opened.
    pub fn open(&self) -> impl Iterator<Item = &Incident> {
        self.incidents.iter().filter(|i| i.is_open())
    }

    /// Each unit's status now: the pack's, then the updates.
    pub fn availability(&self, pack: &Pack) -> Availability {
        let mut availability = Availability::of(pack);
        availability.update(&self.statuses);
        availability
    }

    /// The open incident `unit` is out on, other than `except`, if any.
    fn out_on(&self, unit: &str, except: &str) -> Option<&Incident> {
        self.open()
            .filter(|i| i.reference != except)
            .find(|i| i.active().any(|d| d.unit == unit))
    }

    /// Why `unit` should not be sent to `incident` at `now`, if it should not.
    pub fn unavailable(
        &self,
        pack: &Pack,
        availability: &Availability,
        unit: &ResourceUnit,
        incident: &str,
        now: Millis,
    ) -> Option<String> {
        if let Some(other) = self.out_on(&unit.id, incident) {
            return Some(format!("out on incident {}", other.reference));
        }
        match availability.status(&unit.id).unwrap_or(unit.status) {
            UnitStatus::Committed => return Some("committed elsewhere".to_owned()),
            UnitStatus::OffDuty => return Some("off duty".to_owned()),
            UnitStatus::Available | UnitStatus::OnCall => {}
        }
        let zone = zone_of(pack.file().calendar.as_ref());
        (!on_hours(unit.hours.as_deref(), week_minute(now, zone)))
            .then(|| "outside its hours".to_owned())
    }

    /// As [`Board::apply`], and each timeline entry it adds goes into the outbox as an event for
    /// the host CRM (the console embedded in one).
    pub fn apply_recorded(
        &mut self,
        pack: &Pack,
        now: Millis,
        by: &str,
        command: BoardCommand,
    ) -> Result<String, Refusal> {
        let before = self.incidents.clone();
        let decided = match &command {
            BoardCommand::Decide { key, .. } => Some(key.clone()),
            _ => None,
        };
        let said = self.apply(pack, now, by, command)?;
        let events = changes(&before, &self.incidents);
        self.outbox
            .extend(events.iter().map(IncidentEvent::pending));
        if let Some(item) = decided.and_then(|key| self.reviews.iter().find(|r| r.key == key)) {
            self.outbox.push(item.decided());
        }
        Ok(said)
    }

    /// Removes what the pack's retention says is no longer kept at `now`: closed incidents closed
    /// more than `days` days ago, and deviations decided more than `days` days ago. The outbox is
    /// left alone (an event not yet stored by the host is never dropped). Returns how many went.
    pub fn prune(&mut self, now: Millis, days: u32) -> usize {
        let keep_from = now.saturating_sub(u64::from(days) * 24 * 60 * 60 * 1000);
        let before = self.incidents.len() + self.reviews.len();
        self.incidents
            .retain(|i| i.closed.as_ref().is_none_or(|c| c.at >= keep_from));
        self.reviews
            .retain(|r| r.decision.as_ref().is_none_or(|d| d.at >= keep_from));
        before - self.incidents.len() - self.reviews.len()
    }

    /// The host stored the event with `key`: it leaves the outbox. False if it was not there (a
    /// repeated or unknown acknowledgement, which changes nothing).
    pub fn stored(&mut self, key: &str) -> bool {
        let before = self.outbox.len();
        self.outbox.retain(|e| e.key != key);
        self.outbox.len() != before
    }

    /// Applies `command` at `now`, given by `by`; returns what the timeline says happened.
    pub fn apply(
        &mut self,
        pack: &Pack,
        now: Millis,
        by: &str,
        command: BoardCommand,
    ) -> Result<String, Refusal> {
        match command {
            BoardCommand::Open(opening) => {
                if pack.code(&opening.code).is_none() {
                    return Err(Refusal::Unknown {
                        what: "incident code",
                        id: opening.code,
                    });
                }
                if pack.priority(&opening.priority).is_none() {
                    return Err(Refusal::Unknown {
                        what: "priority",
                        id: opening.priority,
                    });
                }
                if self.incident(opening.reference.trim()).is_some() {
                    return Err(Refusal::AlreadyOpen(opening.reference.trim().to_owned()));
                }
                let mut opening = opening;
                // Opened by hand, it still has the organisations its code names.
                if opening.notify.is_empty() {
                    opening.notify = pack
                        .code(&opening.code)
                        .map(|c| c.notify.clone())
                        .unwrap_or_default();
                }
                let incident = Incident::open(opening, now, by)?;
                let what = incident.timeline[0].what.clone();
                self.incidents.push(incident);
                Ok(what)
            }
            BoardCommand::HandedOver(hand) => {
                let mut next = self.clone();
                let mut said = Vec::new();
                if let Some(opening) = hand.opening {
                    said.push(next.apply(pack, now, by, BoardCommand::FromCall(opening))?);
                }
                if !hand.review.is_empty() {
                    said.push(next.apply(pack, now, by, BoardCommand::Reviews(hand.review))?);
                }
                *self = next;
                Ok(said.join("; "))
            }
            BoardCommand::Reviews(items) => {
                let mut added = 0;
                for item in items {
                    if self.reviews.iter().all(|r| r.key != item.key) {
                        self.reviews.push(item);
                        added += 1;
                    }
                }
                Ok(match added {
                    0 => "No new deviations to review".to_owned(),
                    1 => "1 deviation to review".to_owned(),
                    n => format!("{n} deviations to review"),
                })
            }
            BoardCommand::Decide { key, outcome, note } => {
                let item = self
                    .reviews
                    .iter_mut()
                    .find(|r| r.key == key)
                    .ok_or_else(|| Refusal::Unknown {
                        what: "deviation to review",
                        id: key.clone(),
                    })?;
                if let Some(done) = &item.decision {
                    return Err(Refusal::AlreadyReviewed(done.outcome.label()));
                }
                let note = note.trim().to_owned();
                if outcome == ReviewOutcome::Coaching && note.is_empty() {
                    return Err(Refusal::Blank("what to coach on"));
                }
                item.decision = Some(ReviewDecision {
                    outcome,
                    by: by.to_owned(),
                    at: now,
                    note,
                });
                Ok(format!(
                    "{} on call {} ({}): {}",
                    item.what,
                    item.call,
                    item.handler,
                    outcome.label()
                ))
            }
            BoardCommand::Known(opening) => {
                if let Some(known) = self.incident(opening.reference.trim()) {
                    return Ok(format!(
                        "Incident {} is already on the board",
                        known.reference
                    ));
                }
                if opening.reference.trim().is_empty() {
                    return Err(Refusal::Incomplete("a reference"));
                }
                self.apply(pack, now, by, BoardCommand::Open(opening))
            }
            BoardCommand::Report {
                incident,
                unit,
                report,
            } => {
                let target = self
                    .incidents
                    .iter()
                    .find(|i| i.reference == incident)
                    .ok_or_else(|| Refusal::NoSuchIncident(incident.clone()))?;
                let deployment = target
                    .deployments
                    .iter()
                    .rev()
                    .find(|d| d.unit == unit)
                    .ok_or_else(|| Refusal::Unknown {
                        what: "unit deployed to this incident",
                        id: unit.clone(),
                    })?;
                if let Some(stage) = report.stage() {
                    if deployment.stage() >= stage && deployment.stage() != Stage::StoodDown {
                        return Ok(format!(
                            "{} is already {}",
                            deployment.call_sign,
                            deployment.stage().label()
                        ));
                    }
                }
                let command = report.command(deployment.number);
                self.apply(pack, now, by, BoardCommand::To { incident, command })
            }
            BoardCommand::FromCall(opening) => {
                let Some(call) = opening.call.clone() else {
                    return Err(Refusal::Incomplete("the call it came from"));
                };
                if let Some(same) = self.same_incident(&opening.code, &opening.location) {
                    let reference = same.reference.clone();
                    let incident = self
                        .incidents
                        .iter_mut()
                        .find(|i| i.reference == reference)
                        .ok_or(Refusal::NoSuchIncident(reference))?;
                    let said = incident.apply(now, by, Command::LinkCall(call))?;
                    // What the new caller adds about danger is kept: never less than before.
                    for label in opening.safety {
                        if !incident.safety.contains(&label) {
                            incident.safety.push(label);
                        }
                    }
                    incident.vulnerable |= opening.vulnerable;
                    return Ok(said);
                }
                let opening = Opening {
                    reference: self.next_reference(),
                    ..opening
                };
                self.apply(pack, now, by, BoardCommand::Open(opening))
            }
            BoardCommand::Statuses(updates) => {
                let mut said = Vec::new();
                for update in updates {
                    let Some(unit) = pack.unit(&update.id) else {
                        return Err(Refusal::Unknown {
                            what: "unit",
                            id: update.id,
                        });
                    };
                    said.push(format!(
                        "{} {}",
                        unit.call_sign,
                        lowercase(update.status.label())
                    ));
                    self.statuses.retain(|s| s.id != update.id);
                    self.statuses.push(update);
                }
                Ok(said.join("; "))
            }
            BoardCommand::To { incident, command } => {
                let mut command = command;
                match &command {
                    Command::Task { channel, .. } | Command::Notify { channel, .. }
                        if pack.channel(channel).is_none() =>
                    {
                        return Err(Refusal::Unknown {
                            what: "channel",
                            id: channel.clone(),
                        });
                    }
                    _ => {}
                }
                // The timeline says the organisation's and the channel's names.
                match &mut command {
                    Command::Notify {
                        organisation,
                        channel,
                        names,
                        ..
                    } => {
                        let found = pack.external_organisation(organisation).ok_or_else(|| {
                            Refusal::Unknown {
                                what: "external organisation",
                                id: organisation.clone(),
                            }
                        })?;
                        *names = (
                            found.name.clone(),
                            pack.channel(channel)
                                .map_or(String::new(), |c| c.name.clone()),
                        );
                    }
                    Command::OrganisationAcknowledged {
                        organisation, name, ..
                    } => {
                        if let Some(found) = pack.external_organisation(organisation) {
                            *name = found.name.clone();
                        }
                    }
                    Command::DeadlineMet { deadline, name } => {
                        let code = self.incident(&incident).and_then(|i| pack.code(&i.code));
                        let found = code
                            .and_then(|c| c.deadlines.iter().find(|d| d.id == *deadline))
                            .ok_or_else(|| Refusal::Unknown {
                                what: "deadline for this code",
                                id: deadline.clone(),
                            })?;
                        *name = found.name.clone();
                    }
                    _ => {}
                }
                if let Command::Deploy {
                    unit,
                    call_sign,
                    override_reason,
                } = &mut command
                {
                    let found = pack.unit(unit).ok_or_else(|| Refusal::Unknown {
                        what: "unit",
                        id: unit.clone(),
                    })?;
                    *call_sign = found.call_sign.clone();
                    let availability = self.availability(pack);
                    let why = self.unavailable(pack, &availability, found, &incident, now);
                    match (why, &override_reason) {
                        (Some(why), None) => {
                            return Err(Refusal::Unavailable {
                                unit: found.call_sign.clone(),
                                why,
                            })
                        }
                        // Nothing to override: the reason would be noise in the log.
                        (None, Some(_)) => *override_reason = None,
                        _ => {}
                    }
                }
                let target = self
                    .incidents
                    .iter_mut()
                    .find(|i| i.reference == incident)
                    .ok_or(Refusal::NoSuchIncident(incident))?;
                target.apply(now, by, command)
            }
        }
    }

    /// What `incident`'s response plan needs at `now`, item by item, with the units that could
    /// meet it.
    pub fn plan(&self, pack: &Pack, incident: &Incident, now: Millis) -> Vec<PlanNeed> {
        let Some(code) = pack.code(&incident.code) else {
            return Vec::new();
        };
        let availability = self.availability(pack);
        let units = &pack.file().resources.units;
        code.response_plan
            .iter()
            .map(|item| {
                let types: Vec<&str> = item.types().collect();
                let out: Vec<&ResourceUnit> = incident
                    .active()
                    .filter_map(|d| pack.unit(&d.unit))
                    .filter(|u| types.contains(&u.resource_type.as_str()))
                    .collect();
                let mut candidates: Vec<Candidate> = units
                    .iter()
                    .filter(|u| types.contains(&u.resource_type.as_str()))
                    .filter(|u| !incident.active().any(|d| d.unit == u.id))
                    .map(|u| {
                        let status = availability.status(&u.id).unwrap_or(u.status);
                        let unavailable =
                            self.unavailable(pack, &availability, u, &incident.reference, now);
                        let in_zone = incident.zone.as_deref() == Some(u.zone.as_str());
                        let lacks: Vec<String> = item
                            .skills
                            .iter()
                            .filter(|s| !u.skills.contains(s))
                            .cloned()
                            .collect();
                        let alternative = u.resource_type != item.resource_type;
                        let mut why = vec![match &unavailable {
                            Some(why) => why.clone(),
                            None => lowercase(status.label()),
                        }];
                        why.push(if in_zone {
                            format!("in zone {}", u.zone)
                        } else {
                            format!("zone {}", u.zone)
                        });
                        if !item.skills.is_empty() {
                            why.push(if lacks.is_empty() {
                                "has every skill asked for".to_owned()
                            } else {
                                format!("lacks {}", lacks.join(", "))
                            });
                        }
                        if alternative {
                            why.push("an alternative to the plan's own type".to_owned());
                        }
                        Candidate {
                            unit: u.clone(),
                            status,
                            unavailable,
                            in_zone,
                            lacks,
                            alternative,
                            why: why.join(", "),
                        }
                    })
                    .collect();
                sort_by_key(&mut candidates, |c| {
                    (
                        c.unavailable.is_some(),
                        c.lacks.len(),
                        readiness(c.status),
                        !c.in_zone,
                        c.alternative,
                    )
                });
                let (capacity_unit, name) = pack
                    .file()
                    .resources
                    .types
                    .iter()
                    .find(|t| t.id == item.resource_type)
                    .map_or((None, item.resource_type.clone()), |t| {
                        (t.capacity_unit.clone(), t.name.clone())
                    });
                PlanNeed {
                    resource_type: item.resource_type.clone(),
                    name,
                    count: item.count,
                    capacity: item
                        .capacity
                        .map(|c| (c, capacity_unit.unwrap_or_default())),
                    sent: out.len() as u32,
                    sent_capacity: out.iter().filter_map(|u| u.capacity).sum(),
                    candidates,
                }
            })
            .collect()
    }
}
