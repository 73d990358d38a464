//! The procedure pack as it is written on disk: the wire types.
//!
//! An organisation writes its procedures once, as a pack, and the widget guides its handlers with
//! it. These types mirror the JSON exactly and refuse anything they do not know
//! (`deny_unknown_fields`), so a misspelt field is reported rather than silently ignored. The checks
//! that the shape cannot express (references resolve, trees end in outcomes, priorities are in
//! order) live in `validate`, which builds the checked `Pack` from a `PackFile`.
//!
//! Sections and the criteria they serve (../shared/DOMAIN.md):
//! organisation and services F9 (L2 3.1, L3 3.1, K1); wording F1 (L2 1.1, 1.2, 3.7, K5);
//! priorities and codes F3 (L2 1.4, 3.7); trees and safety net F3 (L2 1.4, 3.3, L3 3.2, P1, K4);
//! advice and its limits F5 (L2 1.6, 3.6); escalation F6 (L2 1.7, 3.5); resources F10 (L2 3.4,
//! 3.8, L3 1.2, P4); external organisations F7 (L2 2.1, K2); channels F8 (L2 2.2, 2.3, L3 3.3, P5,
//! P6, K6); legislation F9 and F13 (L2 3.2, P3, K2); complaints F14 (L3 1.7, P9, K9); targets F12
//! and F16 (L3 1.5, 2.3).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The format identifier every pack must carry, so a log entry can say which procedures it was
/// handled under and an old widget can refuse a pack it does not understand.
pub const PACK_FORMAT: &str = "incident-desk/pack@1";

/// A procedure pack: one organisation's procedures for handling incident calls.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PackFile {
    /// Must be `incident-desk/pack@1`.
    pub format: String,
    /// The organisation's own version of these procedures, e.g. "2026.11.1". Every log entry
    /// records it, and a call saved under one version cannot be resumed under another: change it
    /// whenever the content changes.
    pub version: String,
    /// Who the procedures belong to and the services its contact centre offers.
    pub organisation: Organisation,
    /// The standard wording handlers use.
    pub wording: Wording,
    /// Priorities, most urgent first.
    #[serde(default)]
    pub priorities: Vec<Priority>,
    /// Incident codes: what a call is about once it has been assessed.
    #[serde(default)]
    pub codes: Vec<IncidentCode>,
    /// Decision trees that assess a call and end in an outcome.
    #[serde(default)]
    pub trees: Vec<DecisionTree>,
    /// Questions asked on every call, whatever the tree.
    #[serde(default)]
    pub safety_net: Vec<SafetyNetQuestion>,
    /// What handlers may and must tell callers, and what they must not.
    #[serde(default)]
    pub advice: Advice,
    /// Escalation levels and the triggers that propose them.
    #[serde(default)]
    pub escalation: Escalation,
    /// Resource types and the units that can be deployed.
    #[serde(default)]
    pub resources: Resources,
    /// Other organisations handlers notify or pass calls to.
    #[serde(default)]
    pub external_organisations: Vec<ExternalOrganisation>,
    /// The means of passing information on, and the conventions for each.
    #[serde(default)]
    pub channels: Vec<Channel>,
    /// Legislation and policies that bear on handling, and what each adds to a call.
    #[serde(default)]
    pub legislation: Vec<Legislation>,
    /// Categories of complaint about how an incident was handled.
    #[serde(default)]
    pub complaints: Vec<ComplaintCategory>,
    /// Targets for monitoring and review.
    #[serde(default)]
    pub targets: Targets,
    /// How long the widget keeps personal data in the browser.
    #[serde(default)]
    pub retention: Retention,
    /// The organisation's own log fields, beyond the ten every pack has (issue 15).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<CustomField>,
    /// Specialist routes beside the escalation ladder: people or teams a call is passed to when
    /// it needs them (issue 15).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub routes: Vec<Route>,
    /// The organisation's working calendar, for deadlines counted in working time (issue 15).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calendar: Option<Calendar>,
    /// The kinds of live notice the host may push (`notices.set`: a boil-water notice, a road
    /// closed, a known outage), and what a call in an area under one adds (issue 15).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notice_kinds: Vec<NoticeKind>,
}

/// A kind of live notice (issue 15), and what a call whose location is under one of its notices
/// adds: advice to give at once, advice limits in force, an escalation to propose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoticeKind {
    /// Identifier: the `kind` the host's notices name.
    pub id: String,
    /// Its name, e.g. "Boil water notice".
    pub name: String,
    /// Advice items to give at once on a call under such a notice.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub give_now: Vec<String>,
    /// Advice limits in force on a call under such a notice, besides the set's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub limits: Vec<String>,
    /// An escalation level to propose on a call under such a notice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escalation: Option<String>,
}

/// The organisation's working calendar (issue 15): the days and hours it works, its holidays and
/// the time zone they are in. Deadlines in working hours or days count only this time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Calendar {
    /// `Europe/London` (GMT, and BST in summer) or `UTC`; `Europe/London` if left out.
    #[serde(default = "Calendar::default_time_zone")]
    pub time_zone: String,
    /// The working days.
    pub working_days: Vec<Weekday>,
    /// When the working day starts, `HH:MM`.
    pub from: String,
    /// When it ends, `HH:MM`, later than `from`.
    pub to: String,
    /// Days not worked though they fall on a working day (bank holidays), `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub holidays: Vec<String>,
}

impl Calendar {
    pub(crate) fn default_time_zone() -> String {
        "Europe/London".to_owned()
    }
}

/// A named deadline for calls with a code (issue 15): "restore supply within 12 hours", "a
/// written response within 10 working days", counted from when the call was answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Deadline {
    /// Identifier, unique within the code.
    pub id: String,
    /// What must be done by then, e.g. "Restore supply".
    pub name: String,
    /// How many `unit`s from the call.
    pub within: u32,
    /// What `within` counts.
    pub unit: DeadlineUnit,
}

/// What a deadline's `within` counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineUnit {
    /// Minutes on the clock.
    Minutes,
    /// Hours on the clock.
    Hours,
    /// Days of 24 hours.
    Days,
    /// Hours within the calendar's working hours.
    WorkingHours,
    /// Working days after the day of the call, to the end of the last one's working hours.
    WorkingDays,
}

/// A log field of the organisation's own (issue 15; F3, F21): an account reference, Priority
/// Services Register status, a hydrant plate number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomField {
    /// Identifier: lower-case letters, digits and `_`, not one of the ten standard field names.
    pub id: String,
    /// What the handler sees beside the box, and what handoffs call it.
    pub label: String,
    /// What kind of value it takes.
    #[serde(rename = "type")]
    pub kind: FieldKind,
    /// A short help text shown under the label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// The choices, for a `choice` field (and only for one).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<FieldOption>,
    /// What a `number` field counts or measures, e.g. "properties".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// The smallest value a `number` field takes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// The largest value a `number` field takes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// Whether it is personal data (F21): it then goes only over channels whose `may_carry`
    /// names it (or that have no `may_carry`).
    #[serde(default, skip_serializing_if = "is_false")]
    pub personal: bool,
    /// Required on every call before it can be closed.
    #[serde(default, skip_serializing_if = "is_false")]
    pub required: bool,
    /// Required before a call with one of these codes can be closed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub required_for: Vec<String>,
    /// Whether handoff messages include it (true if left out).
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub in_handoff: bool,
}

fn is_false(value: &bool) -> bool {
    !*value
}

fn is_true(value: &bool) -> bool {
    *value
}

fn yes() -> bool {
    true
}

/// The kind of value a custom field takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    /// Free text.
    Text,
    /// A number, within `min` and `max` when given.
    Number,
    /// One of `options`.
    Choice,
    /// Yes or no.
    YesNo,
    /// A date and time of day, local time (`2026-12-07T14:30`).
    DateTime,
}

/// A choice of a `choice` field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldOption {
    /// Identifier, unique within the field: what the entry records.
    pub id: String,
    /// What the handler sees.
    pub label: String,
}

/// A specialist route (issue 15): a person or team beside the escalation ladder (a water-quality
/// scientist, an environment officer, customer relations, a claims team), how to reach them and
/// when they apply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Route {
    /// Identifier, unique among routes and escalation levels.
    pub id: String,
    /// Its name, e.g. "Water quality scientist on call".
    pub name: String,
    /// When it applies, in words the handler can repeat.
    pub when: String,
    /// How to reach it: a channel of the pack and the address on it.
    pub contacts: Vec<Contact>,
}

/// How long the widget keeps personal data in the browser (F21; the storage-limitation principle
/// of UK GDPR): the organisation decides, within bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Retention {
    /// Hours an unfinished call saved in the browser (a draft) is kept after its last change; an
    /// older one is removed when the widget next starts. 1 to 720; 24 if left out.
    #[serde(default = "Retention::default_draft_hours")]
    #[schemars(range(min = 1, max = 720))]
    pub draft_hours: u32,
    /// Days a delivered entry's idempotency key is remembered, so a late repeat is not sent again
    /// (the entry itself is dropped on delivery). 1 to 90; 7 if left out.
    #[serde(default = "Retention::default_delivered_days")]
    #[schemars(range(min = 1, max = 90))]
    pub delivered_days: u32,
    /// Hours a closed call's entry may wait undelivered (the CRM down, unreachable, refusing it,
    /// or never connected) before the handler and the host are alerted that it is overdue. The
    /// entry is never deleted for age: it is an incident record, kept until the CRM accepts it.
    /// 1 to 720; 24 if left out.
    #[serde(default = "Retention::default_undelivered_alert_hours")]
    #[schemars(range(min = 1, max = 720))]
    pub undelivered_alert_hours: u32,
    /// Days a closed incident, and a deviation decided in the procedure check, are kept in the
    /// supervisor's console in this browser after they were closed or decided; older ones are
    /// removed when the console next opens (embedded, the CRM keeps the record). 1 to 365; 30 if
    /// left out.
    #[serde(default = "Retention::default_closed_days")]
    #[schemars(range(min = 1, max = 365))]
    pub closed_days: u32,
}

impl Retention {
    fn default_draft_hours() -> u32 {
        24
    }

    fn default_closed_days() -> u32 {
        30
    }

    fn default_delivered_days() -> u32 {
        7
    }

    fn default_undelivered_alert_hours() -> u32 {
        24
    }

    /// How long an entry may wait undelivered before it is overdue, in milliseconds.
    pub fn undelivered_alert_ms(&self) -> u64 {
        u64::from(self.undelivered_alert_hours) * 3_600_000
    }

    /// How long a draft is kept, in milliseconds.
    pub fn draft_ms(&self) -> u64 {
        u64::from(self.draft_hours) * 3_600_000
    }

    /// How long a delivered key is kept, in milliseconds.
    pub fn delivered_ms(&self) -> u64 {
        u64::from(self.delivered_days) * 86_400_000
    }
}

impl Default for Retention {
    fn default() -> Self {
        Retention {
            draft_hours: Retention::default_draft_hours(),
            delivered_days: Retention::default_delivered_days(),
            undelivered_alert_hours: Retention::default_undelivered_alert_hours(),
            closed_days: Retention::default_closed_days(),
        }
    }
}

/// The organisation that runs the contact centre.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Organisation {
    /// A short stable identifier, e.g. "northbridge-council".
    pub id: String,
    /// The name callers hear and handlers see, e.g. "Northbridge Borough Council".
    pub name: String,
    /// The incident-management services the contact centre offers (L2 3.1).
    #[serde(default)]
    pub services: Vec<Service>,
}

/// An incident-management service the contact centre offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Service {
    /// Identifier, referred to by codes.
    pub id: String,
    /// Its name, e.g. "Highways emergencies".
    pub name: String,
    /// What it covers and what it does not.
    pub description: String,
    /// When it runs, e.g. "17:00-09:00 weekdays, all day at weekends".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<String>,
}

/// Standard wording (L2 1.1, 1.2, 3.7). Placeholders such as `{agent}` and `{organisation}` are
/// filled in when the words are shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Wording {
    /// What the handler says on answering.
    pub greeting: String,
    /// What the handler says before ending the call.
    pub closing: String,
    /// Phrases for keeping control of the call, one key away (L2 1.2, K5).
    #[serde(default)]
    pub control_phrases: Vec<ControlPhrase>,
}

/// A phrase for keeping control of a conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ControlPhrase {
    /// Identifier.
    pub id: String,
    /// The situation it is for.
    pub kind: ControlKind,
    /// The words, with placeholders.
    pub text: String,
}

/// Situations in which a handler needs to take control of the conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ControlKind {
    /// A distressed caller.
    Calming,
    /// Repeating an instruction until the caller follows it.
    RepetitivePersistence,
    /// Bringing a caller back to what is needed.
    Redirecting,
    /// A caller who is abusive.
    AbusiveCaller,
    /// A caller who says nothing.
    SilentCaller,
}

/// A priority, with its response targets (L2 1.4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Priority {
    /// Identifier, e.g. "P1".
    pub id: String,
    /// Its name, e.g. "Emergency: danger to life or property".
    pub name: String,
    /// When this priority applies.
    pub description: String,
    /// Minutes within which a resource should be deployed.
    pub deploy_within_minutes: u32,
    /// Minutes within which a resource should be on scene.
    pub attend_within_minutes: u32,
}

/// An incident code: what a call is about (L2 3.7).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IncidentCode {
    /// The code handlers and responders use, e.g. "HW-FLD-01".
    pub code: String,
    /// Its title, e.g. "Flooding on the highway".
    pub title: String,
    /// The service that deals with it.
    pub service: String,
    /// The priority it has unless a tree says otherwise.
    pub default_priority: String,
    /// Words a caller might use, for finding the code or its tree.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// The resources to send.
    #[serde(default)]
    pub response_plan: Vec<ResponsePlanItem>,
    /// The advice set for this code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub advice_set: Option<String>,
    /// What the log must hold before a call with this code can be closed.
    #[serde(default)]
    pub required_fields: Vec<LogField>,
    /// Legislation that applies.
    #[serde(default)]
    pub legislation: Vec<String>,
    /// External organisations to notify.
    #[serde(default)]
    pub notify: Vec<String>,
    /// Specialist routes that apply to every call with this code (issue 15).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub routes: Vec<String>,
    /// Named deadlines for calls with this code (issue 15).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deadlines: Vec<Deadline>,
}

/// How many of a resource type to send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ResponsePlanItem {
    /// A resource type's id.
    pub resource_type: String,
    /// How many.
    pub count: u32,
    /// How much they must carry between them, in the type's `capacity_unit` (issue 15): 30,000
    /// litres of tankers, say; send more than `count` if that is what it takes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity: Option<u32>,
    /// What may be sent instead, in order of preference (issue 15): bottled water instead of a
    /// tanker.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alternatives: Vec<PlanAlternative>,
    /// Skills the units sent for this item should have (issue 17), each one some unit of the
    /// item's type has: the supervisor's console proposes units with all of them first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skills: Vec<String>,
}

/// What may be sent instead of a response plan's item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanAlternative {
    /// A resource type's id, another than the item's.
    pub resource_type: String,
    /// How many.
    pub count: u32,
    /// How much they must carry between them, in the type's `capacity_unit`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity: Option<u32>,
}

impl ResponsePlanItem {
    /// The resource types it may be met with: its own, then its alternatives'.
    pub fn types(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.resource_type.as_str())
            .chain(self.alternatives.iter().map(|a| a.resource_type.as_str()))
    }
}

/// Fields of the incident log a procedure can require.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum LogField {
    /// The caller's name.
    CallerName,
    /// A number to call the caller back on.
    CallbackNumber,
    /// How the caller is connected to the incident.
    CallerRelationship,
    /// Where the incident is.
    Location,
    /// What happened, in the handler's words.
    Narrative,
    /// Dangers on scene.
    Hazards,
    /// How many people are involved or at risk.
    PeopleAffected,
    /// A vehicle's registration.
    VehicleRegistration,
    /// Whether anyone is vulnerable.
    Vulnerability,
    /// When it started.
    StartTime,
}

impl LogField {
    /// The fields that are personal data about the caller or someone they name (F21; NOS K2):
    /// who they are, how to reach them, how they are connected, their vehicle and whether they are
    /// vulnerable (special category data when it is about health). A channel's `may_carry` can
    /// hold only these. The incident's location is not on the list: every responder needs it.
    pub const PERSONAL: [LogField; 5] = [
        LogField::CallerName,
        LogField::CallbackNumber,
        LogField::CallerRelationship,
        LogField::VehicleRegistration,
        LogField::Vulnerability,
    ];

    /// Whether the field is personal data (see `PERSONAL`).
    pub fn is_personal(self) -> bool {
        LogField::PERSONAL.contains(&self)
    }

    /// The field's name in packs, drafts and entries (`caller_name`).
    pub fn name(self) -> &'static str {
        match self {
            LogField::CallerName => "caller_name",
            LogField::CallbackNumber => "callback_number",
            LogField::CallerRelationship => "caller_relationship",
            LogField::Location => "location",
            LogField::Narrative => "narrative",
            LogField::Hazards => "hazards",
            LogField::PeopleAffected => "people_affected",
            LogField::VehicleRegistration => "vehicle_registration",
            LogField::Vulnerability => "vulnerability",
            LogField::StartTime => "start_time",
        }
    }
}

/// A decision tree: questions with answers, ending in outcomes (L2 1.4, 3.3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionTree {
    /// Identifier.
    pub id: String,
    /// Its title, e.g. "Flooding".
    pub title: String,
    /// Words in a caller's account that suggest this tree.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// The first question's node id.
    pub start: String,
    /// Advice items to give the moment the tree is chosen, before any question (life-safety
    /// advice such as "leave the building now" on a gas call). Shown marked "give now" and
    /// logged when given.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub give_now: Vec<String>,
    /// The questions.
    pub nodes: Vec<TreeNode>,
    /// Where the tree can end.
    pub outcomes: Vec<Outcome>,
}

/// A question in a tree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TreeNode {
    /// Identifier, unique within the tree.
    pub id: String,
    /// The words to ask.
    pub question: String,
    /// Why it is asked or how to ask it, for the handler.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guidance: Option<String>,
    /// The node is asked only when this holds; otherwise the tree goes to `skip_to`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ask_if: Option<Condition>,
    /// Where to go when `ask_if` does not hold. Required with `ask_if`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skip_to: Option<Next>,
    /// Advice items to give as soon as this question is reached (asked or skipped past), before
    /// it is answered: for example fresh-air advice once a carbon monoxide alarm is mentioned.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub give_now: Vec<String>,
    /// The kind of answer and where each leads.
    pub answer: Answer,
}

/// Where a tree goes next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub enum Next {
    /// Ask another question in this tree.
    Node(String),
    /// End the tree with this outcome.
    Outcome(String),
}

/// The kind of answer a question takes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Answer {
    /// One of a list of options.
    Choice {
        /// The options, in the order they are offered (keys 1-9 pick them).
        options: Vec<AnswerOption>,
    },
    /// Yes or no.
    YesNo {
        /// Where "yes" leads.
        yes: Next,
        /// Where "no" leads.
        no: Next,
    },
    /// A number.
    Number {
        /// What it counts or measures, e.g. "people", "cm".
        unit: String,
        /// The smallest acceptable answer.
        min: f64,
        /// The largest acceptable answer.
        max: f64,
        /// Tried in order; the first that holds decides.
        #[serde(default)]
        branches: Vec<NumberBranch>,
        /// Where the tree goes when no branch holds.
        otherwise: Next,
    },
    /// Free text.
    Text {
        /// Where the tree goes next.
        next: Next,
    },
}

/// An option of a choice question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerOption {
    /// Identifier, unique within the question.
    pub id: String,
    /// What the handler sees.
    pub label: String,
    /// Where it leads.
    pub next: Next,
}

/// A branch of a number question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NumberBranch {
    /// Holds when the answer is at least this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_least: Option<f64>,
    /// Holds when the answer is below this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub below: Option<f64>,
    /// Where it leads.
    pub next: Next,
}

/// A condition on earlier answers in the same tree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub enum Condition {
    /// A choice question was answered with this option, or a yes/no question with "yes"/"no".
    Answered {
        /// The node asked.
        node: String,
        /// The option id, or "yes" / "no".
        is: String,
    },
    /// A number question's answer is at least this.
    AtLeast {
        /// The node asked.
        node: String,
        /// The threshold.
        value: f64,
    },
    /// Every condition holds.
    All(Vec<Condition>),
    /// At least one condition holds.
    Any(Vec<Condition>),
    /// The condition does not hold.
    Not(Box<Condition>),
}

/// Where a tree ends: a code, a priority and what follows from them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Outcome {
    /// Identifier, unique within the tree.
    pub id: String,
    /// The incident code.
    pub code: String,
    /// The priority.
    pub priority: String,
    /// The advice set, when not the code's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub advice_set: Option<String>,
    /// An escalation level to propose.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escalation: Option<String>,
    /// Why, in words the handler can repeat.
    pub reason: String,
    /// External organisations to notify when the tree ends here, beside the code's own
    /// (issue 15): the Environment Agency only when sewage reaches a watercourse.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notify: Vec<String>,
    /// Specialist routes that apply when the tree ends here, beside the code's own.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub routes: Vec<String>,
    /// Another tree the assessment continues into (issue 15): a burst main that floods a sewer.
    /// The code then comes from where that tree ends; this outcome's code, notifications,
    /// routes and advice still apply, and the call keeps the more urgent priority.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub continue_to: Option<String>,
}

/// A question asked on every call (L2 1.4): "is anyone in danger now?".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SafetyNetQuestion {
    /// Identifier.
    pub id: String,
    /// The words to ask.
    pub question: String,
    /// A few words for a "yes", shown where the question is too long: the call bar and handoff
    /// messages ("Someone in danger now"). Absent: the question itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// What a "yes" means for the call.
    pub if_yes: SafetyNetAction,
}

/// What a "yes" to a safety-net question does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SafetyNetAction {
    /// Raise the call to at least this priority.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<String>,
    /// Propose this escalation level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escalation: Option<String>,
    /// Mark the caller as vulnerable (feeds escalation triggers).
    #[serde(default)]
    pub vulnerable: bool,
    /// Advice to give at once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub advice: Option<String>,
    /// Why, for the log.
    pub reason: String,
}

/// Advice and its limits (L2 1.6, 3.6).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Advice {
    /// Every piece of approved advice.
    #[serde(default)]
    pub items: Vec<AdviceItem>,
    /// Advice grouped for codes and outcomes.
    #[serde(default)]
    pub sets: Vec<AdviceSet>,
    /// What handlers must not say.
    #[serde(default)]
    pub limits: Vec<AdviceLimit>,
}

/// A piece of approved advice, said as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AdviceItem {
    /// Identifier.
    pub id: String,
    /// Whether it must be said or may be said.
    pub kind: AdviceKind,
    /// The words, with placeholders.
    pub text: String,
    /// Advice items this one stands in for where it is given: "I am reporting this to the gas
    /// emergency service for you" stands in for "call the gas emergency service". An outcome
    /// whose advice has this item is not warned about for lacking those.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub replaces: Vec<String>,
}

/// Whether advice is mandatory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AdviceKind {
    /// Must be given on every call it applies to.
    MustSay,
    /// May be given when it helps.
    MaySay,
}

/// A named group of advice items.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AdviceSet {
    /// Identifier.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Advice item ids, in the order to give them.
    pub items: Vec<String>,
    /// Advice limits that apply on top of those that apply everywhere.
    #[serde(default)]
    pub limits: Vec<String>,
}

/// Something a handler must not say, and how to catch it in free text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AdviceLimit {
    /// Identifier.
    pub id: String,
    /// The rule, as the handler is shown it, e.g. "Do not tell a caller a structure is safe".
    pub rule: String,
    /// Phrases that break the rule, matched whole-word and case-insensitively; `*` at the end of a
    /// word matches any ending ("evacuat*" catches "evacuate" and "evacuation").
    pub patterns: Vec<String>,
    /// Approved advice to offer instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instead: Option<String>,
    /// The escalation level that may go further than this limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub may_go_further: Option<String>,
    /// Applies on every call, not only with the sets that name it.
    #[serde(default)]
    pub everywhere: bool,
}

/// Escalation levels and triggers (L2 1.7, 3.5).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Escalation {
    /// Levels, lowest first.
    #[serde(default)]
    pub levels: Vec<EscalationLevel>,
    /// What proposes an escalation.
    #[serde(default)]
    pub triggers: Vec<EscalationTrigger>,
}

/// A level of response a call can be escalated to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EscalationLevel {
    /// Identifier.
    pub id: String,
    /// Its name, e.g. "Duty manager".
    pub name: String,
    /// Who holds it.
    pub held_by: String,
    /// The boundary: what justifies escalating to this level.
    pub boundary: String,
    /// How to reach whoever holds it: channel ids, preferred first.
    #[serde(default)]
    pub channels: Vec<String>,
}

/// Something that proposes an escalation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EscalationTrigger {
    /// Identifier.
    pub id: String,
    /// The level proposed.
    pub level: String,
    /// Why, shown to the handler and logged.
    pub reason: String,
    /// When it fires.
    pub when: TriggerCondition,
    /// The least urgent priority a call that fires this trigger may have. A tree outcome that
    /// fires the trigger with a less urgent priority is a mistake in the pack.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<String>,
}

/// When an escalation trigger fires.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub enum TriggerCondition {
    /// The call's priority is this one or more urgent.
    PriorityAtLeast(String),
    /// The caller's words or the narrative contain one of these.
    Keywords(Vec<String>),
    /// The call has been open this many minutes without closing.
    ElapsedMinutes(u32),
    /// The caller or someone at the incident is vulnerable.
    VulnerableCaller,
    /// The same caller or location has called this many times.
    RepeatCaller {
        /// Calls, counting this one.
        calls: u32,
        /// Within this many hours.
        within_hours: u32,
    },
    /// A major incident has been declared.
    MajorIncident,
    /// The call has one of these codes.
    Codes(Vec<String>),
}

/// Resource types and units (L2 3.4, 3.8; L3 1.2).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Resources {
    /// Kinds of resource.
    #[serde(default)]
    pub types: Vec<ResourceType>,
    /// The units that can be deployed.
    #[serde(default)]
    pub units: Vec<ResourceUnit>,
    /// How resources are allocated, for the reference panel (L2 3.4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allocation_rules: Option<String>,
}

/// A kind of resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ResourceType {
    /// Identifier.
    pub id: String,
    /// Its name, e.g. "Highways crew".
    pub name: String,
    /// What it can do.
    pub description: String,
    /// What its units' `capacity` is counted in, e.g. "litres" (issue 15).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity_unit: Option<String>,
}

/// A unit that can be deployed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ResourceUnit {
    /// Identifier.
    pub id: String,
    /// Its call sign, spelt phonetically on radio.
    pub call_sign: String,
    /// Its resource type.
    #[serde(rename = "type")]
    pub resource_type: String,
    /// Skills it has.
    #[serde(default)]
    pub skills: Vec<String>,
    /// Where it works.
    pub zone: String,
    /// Its status when the pack is loaded; the host updates it live.
    pub status: UnitStatus,
    /// How to reach it: channel ids, preferred first.
    pub channels: Vec<String>,
    /// When it can be sent, as weekly windows. Left out, it can be sent at any time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<Vec<HoursWindow>>,
    /// How much it carries, in its type's `capacity_unit` (issue 15): a tanker's 10,000 litres.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity: Option<u32>,
}

/// A weekly window in which a unit can be sent, e.g. weekdays 08:00 to 18:00.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HoursWindow {
    /// The days the window starts on, each at most once.
    #[schemars(length(min = 1))]
    pub days: Vec<Weekday>,
    /// When it starts, "HH:MM" on the 24-hour clock (00:00 to 23:59).
    #[schemars(regex(pattern = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"))]
    pub from: String,
    /// When it ends, "HH:MM". Earlier than `from`, it ends the next day ("18:00" to "08:00" is
    /// overnight); equal to `from`, the window is 24 hours.
    #[schemars(regex(pattern = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"))]
    pub to: String,
}

/// A day of the week.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Weekday {
    /// Monday.
    Mon,
    /// Tuesday.
    Tue,
    /// Wednesday.
    Wed,
    /// Thursday.
    Thu,
    /// Friday.
    Fri,
    /// Saturday.
    Sat,
    /// Sunday.
    Sun,
}

impl Weekday {
    /// Every day, Monday first (the week the engine counts in starts on Monday at 00:00).
    pub const ALL: [Weekday; 7] = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ];

    /// The day's place in the week, Monday being 0.
    pub fn index(self) -> usize {
        self as usize
    }

    /// The day's name for people.
    pub fn label(self) -> &'static str {
        match self {
            Weekday::Mon => "Monday",
            Weekday::Tue => "Tuesday",
            Weekday::Wed => "Wednesday",
            Weekday::Thu => "Thursday",
            Weekday::Fri => "Friday",
            Weekday::Sat => "Saturday",
            Weekday::Sun => "Sunday",
        }
    }

    /// The name written in a pack, e.g. "mon".
    pub fn name(self) -> &'static str {
        match self {
            Weekday::Mon => "mon",
            Weekday::Tue => "tue",
            Weekday::Wed => "wed",
            Weekday::Thu => "thu",
            Weekday::Fri => "fri",
            Weekday::Sat => "sat",
            Weekday::Sun => "sun",
        }
    }
}

/// Whether a unit can be deployed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum UnitStatus {
    /// Free now.
    Available,
    /// On call: can be called out.
    OnCall,
    /// Already deployed.
    Committed,
    /// Not working.
    OffDuty,
}

/// Another organisation the contact centre works with (L2 2.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExternalOrganisation {
    /// Identifier.
    pub id: String,
    /// Its name.
    pub name: String,
    /// When to involve it.
    pub when: String,
    /// The procedure for involving it, step by step.
    pub procedure: Vec<String>,
    /// How to reach it.
    pub contacts: Vec<Contact>,
}

/// A way of reaching someone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// A channel id.
    pub channel: String,
    /// The number, address or talk group.
    pub address: String,
}

/// A means of passing information on, with its conventions (L2 2.2, 2.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Channel {
    /// Identifier.
    pub id: String,
    /// Its name, e.g. "Highways radio".
    pub name: String,
    /// The medium.
    pub medium: Medium,
    /// When it is the right choice (urgency, recipient).
    pub use_when: String,
    /// The longest message it takes, in characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u32>,
    /// The structure messages must follow.
    #[serde(default)]
    pub structure: MessageStructure,
    /// Spell call signs and registrations phonetically (radio, voice).
    #[serde(default)]
    pub phonetic: bool,
    /// Abbreviations not to use, with what to say instead.
    #[serde(default)]
    pub banned_abbreviations: Vec<BannedAbbreviation>,
    /// The personal fields (F21) a message on this channel may carry; the others are left out
    /// of its handoffs, and the handler is told which. Absent: every personal field may go.
    /// An empty list: none may (an SMS to a contractor, say).
    /// Each is a standard personal field's name (`caller_name`) or the id of a custom field
    /// marked `personal`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub may_carry: Option<Vec<String>>,
    /// The priorities for which this channel is the one to use first (the pack's channel rule):
    /// a handoff for a call of one of these priorities proposes this channel when the recipient
    /// has it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub preferred_for: Vec<String>,
}

/// A communication medium.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Medium {
    /// Spoken, face to face or on the call.
    Voice,
    /// Two-way radio.
    Radio,
    /// A telephone call.
    Phone,
    /// A text message.
    Sms,
    /// E-mail.
    Email,
    /// A structured data message to another system.
    Data,
}

/// A required message structure.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MessageStructure {
    /// No fixed structure.
    #[default]
    Free,
    /// M/ETHANE: major incident, exact location, type, hazards, access, number of casualties,
    /// emergency services.
    Methane,
    /// Situation, background, assessment, recommendation.
    Sbar,
}

/// An abbreviation a channel must not use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BannedAbbreviation {
    /// The abbreviation, e.g. "ASAP".
    pub abbreviation: String,
    /// What to write instead, e.g. "within 30 minutes".
    pub say_instead: String,
}

/// Legislation or a policy that bears on handling (L2 3.2; P3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Legislation {
    /// Identifier.
    pub id: String,
    /// Its title, e.g. "Care Act 2014, section 42".
    pub title: String,
    /// Its effect on how calls are handled.
    pub effect: String,
    /// What it adds to a call's checklist.
    #[serde(default)]
    pub checklist: Vec<ChecklistItem>,
}

/// An item a call's checklist gains from legislation or policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChecklistItem {
    /// Identifier.
    pub id: String,
    /// What to do.
    pub text: String,
    /// When the item applies, if not on every call with the code: the conditions of an
    /// escalation trigger that depend on the call alone (not `elapsed_minutes` or
    /// `repeat_caller`), e.g. `"major_incident"` for what a declared major incident adds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<TriggerCondition>,
}

/// A category of complaint about how an incident was handled (L3 1.7).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ComplaintCategory {
    /// Identifier.
    pub id: String,
    /// Its name.
    pub name: String,
    /// What a handler may do about it themselves.
    pub handler_may: Vec<String>,
    /// The escalation level, or the specialist route (issue 15), that deals with it beyond that.
    pub escalate_to: String,
    /// Days within which the complainant must have a response.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub respond_within_days: Option<u32>,
}

/// Targets for monitoring and review (L3 1.5, 2.3).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Targets {
    /// Seconds to answer a call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer_seconds: Option<u32>,
    /// Seconds from answer to an incident code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_seconds: Option<u32>,
    /// Minutes from code to a deployed resource.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deploy_minutes: Option<u32>,
    /// Minutes for a deployed resource to acknowledge.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acknowledge_minutes: Option<u32>,
    /// Minutes between updates from a deployed resource.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update_interval_minutes: Option<u32>,
}

impl std::fmt::Display for TriggerCondition {
    /// How the trigger reads in the reference panel and in an escalation proposal.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TriggerCondition::PriorityAtLeast(p) => write!(f, "priority {p} or more urgent"),
            TriggerCondition::Keywords(words) => {
                write!(f, "the caller mentions {}", words.join(", "))
            }
            TriggerCondition::ElapsedMinutes(m) => write!(f, "the call has been open {m} minutes"),
            TriggerCondition::VulnerableCaller => {
                write!(f, "the caller or someone involved is vulnerable")
            }
            TriggerCondition::RepeatCaller {
                calls,
                within_hours,
            } => {
                write!(
                    f,
                    "{calls} calls from the same caller or place within {within_hours} hours"
                )
            }
            TriggerCondition::MajorIncident => write!(f, "a major incident has been declared"),
            TriggerCondition::Codes(codes) => write!(f, "the call is coded {}", codes.join(" or ")),
        }
    }
}

impl Medium {
    /// The medium's name for people.
    pub fn label(self) -> &'static str {
        match self {
            Medium::Voice => "Voice",
            Medium::Radio => "Radio",
            Medium::Phone => "Phone",
            Medium::Sms => "SMS",
            Medium::Email => "E-mail",
            Medium::Data => "Data",
        }
    }
}

impl UnitStatus {
    /// Every status, in the order of their names in the pack format.
    pub const ALL: [UnitStatus; 4] = [
        UnitStatus::Available,
        UnitStatus::OnCall,
        UnitStatus::Committed,
        UnitStatus::OffDuty,
    ];

    /// The status's name in a pack and in the protocol (`on_call`).
    pub fn name(self) -> &'static str {
        match self {
            UnitStatus::Available => "available",
            UnitStatus::OnCall => "on_call",
            UnitStatus::Committed => "committed",
            UnitStatus::OffDuty => "off_duty",
        }
    }

    /// The status with this name, as serde reads it.
    pub fn from_name(name: &str) -> Option<UnitStatus> {
        UnitStatus::ALL.into_iter().find(|s| s.name() == name)
    }

    /// The status's name for people.
    pub fn label(self) -> &'static str {
        match self {
            UnitStatus::Available => "Available",
            UnitStatus::OnCall => "On call",
            UnitStatus::Committed => "Committed",
            UnitStatus::OffDuty => "Off duty",
        }
    }
}

impl AdviceKind {
    /// The kind's name for people.
    pub fn label(self) -> &'static str {
        match self {
            AdviceKind::MustSay => "Must say",
            AdviceKind::MaySay => "May say",
        }
    }
}

impl CustomField {
    /// Whether a call must record this field before it closes: on every call (`required`), or
    /// when the call's code (`code`, once it has one) is among `required_for`.
    pub fn is_required(&self, code: Option<&str>) -> bool {
        self.required || code.is_some_and(|c| self.required_for.iter().any(|r| r == c))
    }
}

impl DeadlineUnit {
    /// `n` of this unit in words: "12 hours", "1 working day".
    pub fn words(self, n: u32) -> String {
        let (one, many) = match self {
            DeadlineUnit::Minutes => ("minute", "minutes"),
            DeadlineUnit::Hours => ("hour", "hours"),
            DeadlineUnit::Days => ("day", "days"),
            DeadlineUnit::WorkingHours => ("working hour", "working hours"),
            DeadlineUnit::WorkingDays => ("working day", "working days"),
        };
        format!("{n} {}", if n == 1 { one } else { many })
    }

    /// Whether it counts working time (and so needs the pack's calendar).
    pub fn is_working(self) -> bool {
        matches!(self, DeadlineUnit::WorkingHours | DeadlineUnit::WorkingDays)
    }
}

impl FieldKind {
    /// The kind's name for people.
    pub fn label(self) -> &'static str {
        match self {
            FieldKind::Text => "Text",
            FieldKind::Number => "Number",
            FieldKind::Choice => "Choice",
            FieldKind::YesNo => "Yes or no",
            FieldKind::DateTime => "Date and time",
        }
    }
}

impl Channel {
    /// Whether a message on this channel may carry the personal field named `field` (a standard
    /// field's name or a custom field's id): yes unless `may_carry` is given and leaves it out.
    pub fn may_carry(&self, field: &str) -> bool {
        self.may_carry
            .as_ref()
            .is_none_or(|may| may.iter().any(|f| f == field))
    }
}

impl LogField {
    /// The standard field named `name` (`caller_name`), if it is one.
    pub fn from_name(name: &str) -> Option<LogField> {
        LogField::ALL.into_iter().find(|f| f.name() == name)
    }

    /// Every field, in the order a log form shows them.
    pub const ALL: [LogField; 10] = [
        LogField::CallerName,
        LogField::CallbackNumber,
        LogField::CallerRelationship,
        LogField::Location,
        LogField::Narrative,
        LogField::Hazards,
        LogField::PeopleAffected,
        LogField::VehicleRegistration,
        LogField::Vulnerability,
        LogField::StartTime,
    ];

    /// The field's name for people.
    pub fn label(self) -> &'static str {
        match self {
            LogField::CallerName => "Caller's name",
            LogField::CallbackNumber => "Callback number",
            LogField::CallerRelationship => "Caller's connection to the incident",
            LogField::Location => "Location",
            LogField::Narrative => "What is happening",
            LogField::Hazards => "Hazards",
            LogField::PeopleAffected => "People affected",
            LogField::VehicleRegistration => "Vehicle registration",
            LogField::Vulnerability => "Vulnerability",
            LogField::StartTime => "When it started",
        }
    }
}

impl ControlKind {
    /// The situation's name for people.
    pub fn label(self) -> &'static str {
        match self {
            ControlKind::Calming => "Calming",
            ControlKind::RepetitivePersistence => "Repetitive persistence",
            ControlKind::Redirecting => "Redirecting",
            ControlKind::AbusiveCaller => "Abusive caller",
            ControlKind::SilentCaller => "Silent caller",
        }
    }
}
