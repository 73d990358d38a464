//! A call, from answer to close, as a state machine (F2, F3, F5, F6; L2 1.3, 1.4, 1.6, 1.7, 3.3,
//! 3.5, 3.6; NOS P1–P3).
//!
//! The widget sends commands (record a log field, choose a tree, answer the current question,
//! override the code with a reason, give advice, escalate, close, correct) with the time; the call
//! either applies the command and says what the widget should do next (`Effect`s), or refuses it
//! with a reason the handler can act on (`Refusal`). Everything that happens is appended to the
//! incident log, stamped with the time and the handler; nothing in it is ever overwritten:
//! corrections are new events. The clock is an argument, so tests are deterministic.

use crate::kernel::is_word_char;
use crate::kernel::SortedMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::kernel::sort::sort_by;
use crate::kernel::{lowercase, Millis, Role};
use crate::pack::advice::{check_advice, Words};
use crate::pack::calendar::due;
use crate::pack::fields::check_value;
use crate::pack::hours::duration;
use crate::pack::notices::{applies, Notice};
use crate::pack::wording::{fill_text, PlaceholderValues};
use crate::pack::Pack;
use crate::pack::{
    AdviceKind, AdviceLimit, AdviceSet, Answer, ChecklistItem, Condition, Contact, IncidentCode,
    Legislation, LogField, Medium, MessageStructure, Next, NoticeKind, Outcome, TriggerCondition,
};

/// An answer to a tree question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum AnswerValue {
    /// The id of the chosen option.
    Option(String),
    /// Yes (true) or no (false).
    YesNo(bool),
    /// A number.
    Number(f64),
    /// Free text.
    Text(String),
}

impl AnswerValue {
    /// The answer in words, where the question's own labels are not at hand: an option by its
    /// id, "Yes" or "No", a number as people write it (`kernel::number_text`), the text typed.
    pub fn plain_text(&self) -> String {
        match self {
            AnswerValue::Option(id) => id.clone(),
            AnswerValue::YesNo(true) => "Yes".to_owned(),
            AnswerValue::YesNo(false) => "No".to_owned(),
            AnswerValue::Number(n) => crate::kernel::number_text(*n),
            AnswerValue::Text(t) => t.clone(),
        }
    }
}

/// What the handler asks the call to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Record or replace a log field before it has been relied on (caller, location, narrative…).
    SetField {
        /// The field.
        field: LogField,
        /// Its value.
        value: String,
    },
    /// Record, replace or (with blank) clear one of the organisation's own log fields (the pack's
    /// `fields`, issue 15); the value must fit the field's kind (`pack::fields::check_value`).
    SetCustomField {
        /// The field's id.
        field: String,
        /// Its value, as `check_value` takes it.
        value: String,
    },
    /// Start assessing with a decision tree.
    ChooseTree {
        /// The tree's id.
        tree: String,
    },
    /// Answer the question currently asked.
    Answer {
        /// The question answered (must be the current one).
        node: String,
        /// The answer.
        value: AnswerValue,
    },
    /// Go back to the question whose answer was given last, to ask it again (issue 13): the answer
    /// stays in the log, marked revised, and the code the tree reached with it is withdrawn.
    ReviseAnswer {
        /// The question answered last (must be it: a repeated key press revises one answer).
        node: String,
    },
    /// Choose a code and priority other than the tree's, with the reason.
    OverrideCode {
        /// The code.
        code: String,
        /// The priority.
        priority: String,
        /// Why; required.
        reason: String,
    },
    /// Give an approved advice item, verbatim.
    GiveAdvice {
        /// The advice item's id.
        item: String,
    },
    /// Give advice in the handler's own words, checked against the limits first.
    GiveFreeTextAdvice {
        /// The words.
        text: String,
    },
    /// Escalate to a level, on a proposal or on the handler's own judgement (L2 1.7): to whom,
    /// how, why, and what they said.
    Escalate {
        /// The escalation level's id.
        level: String,
        /// How it was done: the channel used.
        how: String,
        /// Why.
        why: String,
        /// Who was contacted (name or role); required.
        contact: String,
        /// What they said or decided, if anything yet.
        response: String,
    },
    /// Record that an external organisation was told, by one of its contacts (F7; L2 2.1).
    NotifyOrganisation {
        /// The external organisation's id.
        organisation: String,
        /// The channel used (one of the organisation's contacts).
        channel: String,
        /// The organisation's reference for the report (incident or log number), if given.
        reference: String,
        /// The name of the person spoken to, if any.
        spoken_to: String,
    },
    /// The notices the host says are in force (issue 15): each of a kind the pack knows whose area
    /// takes in the call's location, and not yet recorded, is recorded as applying to the call.
    /// Never refused; a notice that stops being in force stays recorded (it applied when heard).
    ApplyNotices {
        /// Every notice in force now.
        notices: Vec<Notice>,
    },
    /// Record that a specialist route was contacted, by one of its contacts (issue 15).
    ContactRoute {
        /// The route's id.
        route: String,
        /// The channel used (one of the route's contacts).
        channel: String,
        /// The name of the person spoken to, if any.
        spoken_to: String,
    },
    /// Pass the handoff message to those who act (F4; L2 1.5, 2.2, 2.3).
    SendHandoff {
        /// The channel's id.
        channel: String,
        /// The unit's call sign or the recipient, if any.
        recipient: Option<String>,
        /// The text sent or read out.
        text: String,
        /// Whether the recipient read it back and it was confirmed; required on spoken channels.
        read_back: bool,
    },
    /// Mark a legislation checklist item as done (P3).
    TickChecklist {
        /// The checklist item's id.
        item: String,
    },
    /// Decide not to escalate as proposed, with the reason (the handler decides; L2 1.7).
    DeclineEscalation {
        /// The escalation level proposed.
        level: String,
        /// Why not.
        why: String,
    },
    /// Answer a safety-net question, asked on every call (L2 1.4, 1.7): a "yes" can raise the
    /// priority, propose an escalation, mark the caller vulnerable and call for advice at once.
    /// A question may be answered again; the latest answer counts, and a later "no" never lowers
    /// what a "yes" raised.
    SafetyNet {
        /// The safety-net question's id.
        question: String,
        /// The caller's answer.
        yes: bool,
    },
    /// Declare a major incident (L2 1.7, 2.1): M/ETHANE messages become available and the pack's
    /// major-incident triggers fire.
    DeclareMajorIncident {
        /// Why; required.
        reason: String,
        /// Access routes to the scene, if known (the A of M/ETHANE).
        access: String,
        /// Emergency services present or needed, if known (the last E).
        services: String,
    },
    /// Link the call to the CRM's records of it (the host's `context.set`, F17): its interaction
    /// id and the contact's reference. A later link replaces an earlier one; both are logged.
    LinkCrm {
        /// The CRM's id for the call, if it gave one.
        call_id: Option<String>,
        /// The CRM's reference to the contact (not a name), if it gave one.
        contact_ref: Option<String>,
    },
    /// Explain a deviation from the procedure before closing (F13; L3 1.6): the deviation's
    /// key (`Deviation::key`) and why. A later explanation replaces an earlier one.
    ExplainDeviation {
        /// The deviation's key.
        deviation: String,
        /// Why; required.
        reason: String,
    },
    /// Close the call. `prior` are the earlier calls known (as for `Call::proposals`), so that a
    /// repeat-caller proposal the handler has not decided on also holds the close.
    Close {
        /// Earlier calls, for repeat-caller triggers.
        prior: Vec<PriorCall>,
    },
    /// Correct a field after it has been recorded; appended, never overwriting.
    Correct {
        /// The field.
        field: LogField,
        /// The corrected value.
        value: String,
        /// Why it was corrected.
        reason: String,
    },
}

/// Why a command was refused. Each says what the handler can do about it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Refusal {
    /// The call is closed; only corrections are taken.
    #[error("the call is closed; only corrections can be added")]
    Closed,
    /// No such tree in the pack.
    #[error("there is no decision tree \"{0}\"")]
    NoSuchTree(String),
    /// The question answered is not the one being asked.
    #[error("question \"{got}\" is not being asked; the current question is {}", expected.as_deref().map(|e| format!("\"{e}\"")).unwrap_or_else(|| "none".to_owned()))]
    NotTheCurrentQuestion {
        /// The question asked now, if any.
        expected: Option<String>,
        /// The question the answer was for.
        got: String,
    },
    /// Going back with no answer in the tree to go back to.
    #[error("there is no answer to go back to in this decision tree")]
    NothingToRevise,
    /// Going back from a question other than the one answered last.
    #[error("question \"{got}\" is not the one answered last; that is \"{last}\"")]
    NotTheLastAnswer {
        /// The question answered last.
        last: String,
        /// The question named.
        got: String,
    },
    /// The answer does not fit the question (wrong kind, unknown option, out of range).
    #[error("that answer does not fit question \"{node}\": {why}")]
    AnswerDoesNotFit {
        /// The question.
        node: String,
        /// What is wrong.
        why: String,
    },
    /// No such code or priority.
    #[error("that does not fit \"{field}\": {why}")]
    ValueDoesNotFit {
        /// The field's label.
        field: String,
        /// Why, in the handler's words.
        why: String,
    },
    /// A reference to something the pack does not have.
    #[error("there is no {what} \"{id}\"")]
    Unknown {
        /// "incident code", "priority", "advice item", "escalation level".
        what: &'static str,
        /// The id given.
        id: String,
    },
    /// An override or a correction needs a reason.
    #[error("a reason is required")]
    ReasonRequired,
    /// An escalation must say who was contacted.
    #[error("say who was contacted")]
    ContactRequired,
    /// Free-text advice breaks one or more limits: every limit broken, in the pack's order.
    #[error("this advice breaks {}", .0.iter().map(|b| format!("the rule \"{}\" (it says \"{}\")", b.rule, b.matched)).collect::<Vec<_>>().join(" and "))]
    AdviceOverLimit(Vec<Breach>),
    /// A message on a spoken channel must be read back before it counts as passed.
    #[error("on {0}, ask the recipient to read the message back and confirm it before recording it as sent")]
    ReadBackNeeded(String),
    /// A message in the M/ETHANE structure is only for a declared major incident.
    #[error("{0} is for major incidents; declare one first")]
    NotMajorIncident(String),
    /// Closing needs these fields first.
    #[error("the call cannot be closed yet; missing: {}", .0.iter().map(|f| format!("{f:?}")).collect::<Vec<_>>().join(", "))]
    MissingFields(Vec<Missing>),
    /// The call is already linked to other CRM records: a second link would give one call's log
    /// another call's records (the CRM's details are for another call).
    #[error("the call is already linked to the CRM's records ({0}); it is not linked again")]
    AlreadyLinked(String),
}

/// A limit that free-text advice breaks, as the handler is told it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Breach {
    /// The limit's id.
    pub limit: String,
    /// The rule as the handler is shown it.
    pub rule: String,
    /// The words that broke it.
    pub matched: String,
    /// Approved wording to offer instead.
    pub instead: Option<String>,
    /// The escalation level that may go further.
    pub may_go_further: Option<String>,
}

/// Something the log needs before the call can close.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Missing {
    /// An incident code.
    Code,
    /// A field the code requires.
    Field(LogField),
    /// One of the organisation's own fields, required on every call or for the code (its id).
    CustomField(String),
    /// A safety-net question not asked yet (its id).
    SafetyNet(String),
    /// A proposed escalation neither made nor declined (the level's id).
    Decision(String),
    /// A deviation from the procedure without a reason (its key).
    Explanation(String),
}

/// What the widget should do: after a command, on opening the call (`Call::opening`), or as
/// escalations are proposed (`Proposed::newly`). Everything the host hears about a call is one of
/// these; the browser code carries them out and decides nothing.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Tell screen-reader users (a live region).
    Announce(String),
    /// The call is closed: its log entry as the host receives it (`incident-desk/log-entry@1`,
    /// JSON), to be saved to the outbox and delivered (`entry.completed`).
    Completed {
        /// The entry, JSON.
        entry: String,
    },
    /// Tell the host a call has started (`call.started`), under the id it is known by.
    CallStarted {
        /// The CRM's id for the call when it gave one, else the widget's own.
        call_id: String,
    },
    /// Tell the host the call on screen was restored from its draft (`call.resumed`), with the
    /// CRM records it is linked to, so the host re-attaches it rather than sending a new context.
    CallResumed {
        /// The CRM's id for the call if it is linked, else the widget's own.
        call_id: String,
        /// The CRM's id it is linked to, if any.
        crm_call: Option<String>,
        /// The CRM's contact reference it is linked to, if any.
        contact: Option<String>,
    },
    /// Tell the host an escalation is proposed (`escalation.required`): once per level per call.
    EscalationProposed {
        /// The level proposed.
        level: String,
        /// Why.
        reason: String,
    },
}

/// One entry of the incident log.
#[derive(Debug, Clone, PartialEq)]
pub struct LogEvent {
    /// When.
    pub at: Millis,
    /// Who: the handler's id.
    pub by: String,
    /// What.
    pub what: Event,
}

/// What happened. In the published log entry each event is an object whose `type` names the
/// variant in snake_case (schema/log-entry.schema.json).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// The call was answered.
    Opened {
        /// The pack's organisation id.
        pack: String,
        /// The pack's version.
        version: String,
    },
    /// A field was recorded.
    Field {
        /// The field.
        field: LogField,
        /// Its value.
        value: String,
    },
    /// One of the organisation's own fields was recorded (issue 15); an empty value clears it.
    CustomField {
        /// The field's id.
        field: String,
        /// Its value (`pack::fields::check_value`).
        value: String,
    },
    /// An outcome continued the assessment into another tree (issue 15).
    TreeContinued {
        /// The tree that ended.
        from: String,
        /// The outcome it ended in.
        outcome: String,
        /// The tree the assessment continues in.
        to: String,
    },
    /// A tree was chosen.
    TreeChosen {
        /// The tree's id.
        tree: String,
    },
    /// A question was asked and answered.
    Answered {
        /// The question's id.
        node: String,
        /// The question as asked.
        question: String,
        /// The answer.
        value: AnswerValue,
    },
    /// The handler went back to a question to ask it again: its earlier answer (still in the log
    /// before this, and marked `revised` in the published entry) no longer counts.
    AnswerRevised {
        /// The question's id.
        node: String,
        /// The question as asked.
        question: String,
        /// The answer revised.
        value: AnswerValue,
        /// The code and priority the tree had reached with that answer, now withdrawn.
        withdrawn: Option<Withdrawn>,
    },
    /// The tree ended in an outcome.
    Coded {
        /// The code.
        code: String,
        /// The priority.
        priority: String,
        /// Why (the outcome's reason, or the override's).
        reason: String,
        /// Whether the handler overrode the tree.
        overridden: bool,
    },
    /// Advice was given, verbatim.
    AdviceGiven {
        /// The approved item's id, or none for free text.
        item: Option<String>,
        /// The words given.
        text: String,
    },
    /// Free-text advice was refused because it broke a limit (one event per limit broken).
    AdviceRefused {
        /// The limit.
        limit: String,
    },
    /// The call was escalated.
    Escalated {
        /// The level.
        level: String,
        /// How: the channel used.
        how: String,
        /// Why.
        why: String,
        /// Who was contacted.
        #[serde(default)]
        contact: String,
        /// What they said or decided.
        #[serde(default)]
        response: String,
    },
    /// A field was corrected.
    Corrected {
        /// The field.
        field: LogField,
        /// The new value.
        value: String,
        /// Why.
        reason: String,
    },
    /// A proposed escalation was declined.
    EscalationDeclined {
        /// The level proposed.
        level: String,
        /// Why not.
        why: String,
    },
    /// An external organisation was told.
    Notified {
        /// The organisation.
        organisation: String,
        /// The channel.
        channel: String,
        /// The number or address used.
        address: String,
        /// The organisation's reference for the report, if given.
        #[serde(default)]
        reference: String,
        /// The person spoken to, if any.
        #[serde(default)]
        spoken_to: String,
    },
    /// A live notice from the host applies to this call's location (issue 15).
    NoticeApplied {
        /// The host's id for the notice.
        id: String,
        /// Its kind (a `notice_kinds` id of the pack).
        kind: String,
        /// Its title.
        title: String,
        /// What it says.
        #[serde(default)]
        text: String,
    },
    /// A specialist route was contacted (issue 15).
    RouteContacted {
        /// The route.
        route: String,
        /// The channel.
        channel: String,
        /// The number or address used.
        address: String,
        /// The person spoken to, if any.
        #[serde(default)]
        spoken_to: String,
    },
    /// A handoff was sent.
    HandoffSent {
        /// The channel.
        channel: String,
        /// The recipient, if any.
        recipient: Option<String>,
        /// The text.
        text: String,
        /// Whether it was read back and confirmed.
        read_back: bool,
    },
    /// A legislation checklist item was done.
    ChecklistTicked {
        /// The checklist item's id.
        item: String,
    },
    /// A safety-net question was asked and answered.
    SafetyNetAnswered {
        /// The question's id.
        question: String,
        /// The question as asked.
        asked: String,
        /// The answer.
        yes: bool,
    },
    /// The priority was raised above the tree's (by the safety net).
    PriorityRaised {
        /// The priority before.
        from: String,
        /// The priority now.
        to: String,
        /// Why.
        reason: String,
    },
    /// A major incident was declared.
    MajorIncidentDeclared {
        /// Why.
        reason: String,
        /// Access routes, if known.
        access: String,
        /// Emergency services present or needed, if known.
        services: String,
    },
    /// The call was linked to the CRM's records.
    CrmLinked {
        /// The CRM's id for the call.
        call_id: Option<String>,
        /// The CRM's reference to the contact.
        contact_ref: Option<String>,
    },
    /// A deviation from the procedure was explained before closing.
    DeviationExplained {
        /// The deviation's key.
        deviation: String,
        /// Why.
        reason: String,
    },
    /// The call was closed.
    Closed,
}

/// A code and priority withdrawn because the answer that led to it was revised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Withdrawn {
    /// The code.
    pub code: String,
    /// The priority it had.
    pub priority: String,
}

/// Where a closed call did not follow the pack (F13; L3 1.6; P3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(tag = "type", content = "detail", rename_all = "snake_case")]
pub enum ComplianceIssue {
    /// The code was chosen without finishing a decision tree (an override, or no tree at all).
    TreeNotCompleted,
    /// The tree's code was overridden (with the reason given).
    Overridden {
        /// The reason recorded.
        reason: String,
    },
    /// A must-say advice item for the code was not given.
    MandatoryAdviceMissing(String),
    /// A checklist item from legislation that applies to the code was not done.
    ChecklistNotDone(String),
    /// A proposed escalation was declined (with the reason given).
    EscalationDeclined {
        /// The level proposed.
        level: String,
        /// The reason recorded.
        why: String,
    },
}

/// How the key of a checklist item not done begins (the item's id follows).
pub(crate) const CHECKLIST_KEY: &str = "checklist:";

impl ComplianceIssue {
    /// A stable key for the issue within its call: what `Command::ExplainDeviation` names.
    pub fn key(&self) -> String {
        match self {
            ComplianceIssue::TreeNotCompleted => "tree_not_completed".to_owned(),
            ComplianceIssue::Overridden { .. } => "overridden".to_owned(),
            ComplianceIssue::MandatoryAdviceMissing(item) => format!("advice:{item}"),
            ComplianceIssue::ChecklistNotDone(item) => format!("{CHECKLIST_KEY}{item}"),
            ComplianceIssue::EscalationDeclined { level, .. } => format!("declined:{level}"),
        }
    }
}

/// A deviation from the procedure in words, as the handler and the supervisor read it, from its
/// key (`ComplianceIssue::key`): "must-say advice not given: “…”", "checklist not done: …",
/// "escalation to … declined", "the tree's code was overridden", "the decision tree was not
/// completed"; a key of another kind as it is.
pub fn deviation_label(pack: &Pack, key: &str) -> String {
    match key.split_once(':') {
        Some(("advice", item)) => format!(
            "must-say advice not given: \u{201c}{}\u{201d}",
            pack.advice_item(item).map_or_else(
                || item.to_owned(),
                |a| fill_pack_placeholders(pack, &a.text)
            )
        ),
        Some(("checklist", item)) => format!(
            "checklist not done: {}",
            pack.checklist_item(item).map_or(item, |c| c.text.as_str())
        ),
        Some(("declined", level)) => format!(
            "escalation to {} declined",
            pack.level(level).map_or(level, |l| l.name.as_str())
        ),
        _ if key == "overridden" => "the tree's code was overridden".to_owned(),
        _ if key == "tree_not_completed" => "the decision tree was not completed".to_owned(),
        _ => key.to_owned(),
    }
}

/// A deviation from the procedure and the reason recorded for it (F13; L3 1.6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deviation {
    /// What the call did not do as the pack says.
    pub issue: ComplianceIssue,
    /// Its key (`ComplianceIssue::key`).
    pub key: String,
    /// The reason recorded: the override's or the decline's own, or an explanation given
    /// before closing. `None` holds the close.
    pub reason: Option<String>,
}

/// The code and priority decided, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    /// The incident code.
    pub code: String,
    /// The priority.
    pub priority: String,
    /// The reason.
    pub reason: String,
    /// The outcome's advice set, if any.
    pub advice_set: Option<String>,
    /// The outcome's escalation level, if any.
    pub escalation: Option<String>,
    /// Whether the handler overrode the tree.
    pub overridden: bool,
    /// The tree whose outcome decided it (a later tree may have been chosen since); none for an
    /// override.
    pub tree: Option<String>,
    /// That outcome (issue 15: its `notify` and `routes`); none for an override.
    pub outcome: Option<String>,
}

/// A named deadline of the call (issue 15), and when it falls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadlineDue {
    /// The code whose deadline it is.
    pub code: String,
    /// The deadline's id within the code.
    pub id: String,
    /// What must be done by then.
    pub name: String,
    /// How long it allows, in words ("12 hours", "10 working days").
    pub within: String,
    /// When it falls.
    pub due: Millis,
}

/// An assessment that ended in an outcome which continued into another tree (issue 15): the
/// tree, the answers given in it, and the outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct Stage {
    /// The tree's id.
    pub tree: String,
    /// The answers given in it, in order.
    pub answers: Vec<(String, AnswerValue)>,
    /// The outcome it ended in (whose `continue_to` named the next tree).
    pub outcome: String,
}

/// An escalation the pack's triggers propose; the handler decides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    /// The level proposed.
    pub level: String,
    /// Why.
    pub reason: String,
}

/// An earlier call, as far as repeat-caller triggers need it (L2 1.7): when, from which number,
/// about where. The widget keeps these for the calls it has handled; a host can add its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriorCall {
    /// When it was answered.
    pub at: Millis,
    /// The callback number given.
    pub callback: String,
    /// The location given.
    pub location: String,
}

/// A declared major incident.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MajorIncident {
    /// When it was declared.
    pub at: Millis,
    /// Why.
    pub reason: String,
    /// Access routes, if known.
    pub access: String,
    /// Emergency services present or needed, if known.
    pub services: String,
}

/// A "yes" to a safety-net question: what it asks of the call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SafetyYes {
    pub(crate) priority: Option<String>,
    pub(crate) escalation: Option<String>,
    pub(crate) vulnerable: bool,
    pub(crate) advice: Option<String>,
    pub(crate) reason: String,
}

/// A call in progress or closed.
///
/// The fields are visible to the crate for `draft`, which saves and restores every one of them; a
/// new field needs a place in the draft format too (the compiler points there).
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub(crate) handler: String,
    /// What the handler was signed in as (`configure`'s role), if the host said.
    pub(crate) role: Option<Role>,
    pub(crate) opened_at: Millis,
    pub(crate) closed: bool,
    pub(crate) log: Vec<LogEvent>,
    pub(crate) fields: SortedMap<LogField, String>,
    /// The organisation's own fields recorded (issue 15), by id; a cleared one is absent.
    pub(crate) custom: SortedMap<String, String>,
    pub(crate) tree: Option<String>,
    pub(crate) current: Option<String>,
    pub(crate) answers: Vec<(String, AnswerValue)>,
    /// Trees whose outcome continued into another, oldest first (issue 15).
    pub(crate) stages: Vec<Stage>,
    pub(crate) decision: Option<Decision>,
    /// Safety-net answers by question id; the latest counts.
    pub(crate) safety: SortedMap<String, bool>,
    /// What every "yes" so far asks for, in the order given.
    pub(crate) safety_yes: Vec<SafetyYes>,
    pub(crate) major: Option<MajorIncident>,
    /// The id the host was given when the call was put on screen (`call.started`, or the first
    /// `call.resumed` of a draft saved before this was kept), so every later `call.resumed`
    /// names the same call ([`Call::opening`]).
    pub(crate) announced_as: Option<String>,
}

impl Call {
    /// Answers a call under `pack`, by `handler`, at `at`.
    pub fn open(pack: &Pack, handler: &str, at: Millis) -> Call {
        Call::open_as(pack, handler, None, at)
    }

    /// Answers a call under `pack`, by `handler` signed in as `role` (if the host said), at `at`.
    pub fn open_as(pack: &Pack, handler: &str, role: Option<Role>, at: Millis) -> Call {
        let mut call = Call {
            handler: handler.to_owned(),
            role,
            opened_at: at,
            closed: false,
            log: Vec::new(),
            fields: SortedMap::new(),
            custom: SortedMap::new(),
            tree: None,
            current: None,
            answers: Vec::new(),
            stages: Vec::new(),
            decision: None,
            safety: SortedMap::new(),
            safety_yes: Vec::new(),
            major: None,
            announced_as: None,
        };
        let file = pack.file();
        call.record(
            at,
            Event::Opened {
                pack: file.organisation.id.clone(),
                version: file.version.clone(),
            },
        );
        call
    }

    /// The incident log, oldest first.
    pub fn log(&self) -> &[LogEvent] {
        &self.log
    }

    /// The decision tree in use, if any.
    pub fn tree(&self) -> Option<&str> {
        self.tree.as_deref()
    }

    /// The question being asked, if a tree is in progress.
    pub fn current_question(&self) -> Option<&str> {
        self.current.as_deref()
    }

    /// The code and priority, once decided.
    pub fn decision(&self) -> Option<&Decision> {
        self.decision.as_ref()
    }

    /// The answers that led to the decision, in order: "why this code".
    pub fn answers(&self) -> &[(String, AnswerValue)] {
        &self.answers
    }

    /// The trees whose outcome continued into the one in use, oldest first (issue 15): with
    /// [`Call::answers`], the whole of "why this code".
    pub fn stages(&self) -> &[Stage] {
        &self.stages
    }

    /// The outcomes reached on this call that count, oldest first: each stage's, then the
    /// decision's own (none for an override).
    fn outcomes_reached<'p>(&self, pack: &'p Pack) -> Vec<&'p Outcome> {
        let stages = self
            .stages
            .iter()
            .filter_map(|s| pack.tree(&s.tree)?.outcome(&s.outcome));
        let last = self.decision.as_ref().and_then(|d| {
            let tree = pack.tree(d.tree.as_deref()?)?;
            tree.outcome(d.outcome.as_deref()?)
        });
        stages.chain(last).collect()
    }

    /// The external organisations this call's procedure says to notify, in order, once each
    /// (issue 15): the code's `notify`, then what each outcome reached adds (and the codes of
    /// the trees it continued from).
    pub fn to_notify(&self, pack: &Pack) -> Vec<String> {
        self.gathered(pack, |c| &c.notify, |o| &o.notify)
    }

    /// The specialist routes that apply to this call, in order, once each (issue 15): the
    /// code's `routes`, then each outcome reached's (and its code's).
    pub fn routes(&self, pack: &Pack) -> Vec<String> {
        self.gathered(pack, |c| &c.routes, |o| &o.routes)
    }

    /// The live notices recorded as applying to this call (issue 15), oldest first: (the host's
    /// id, the kind's id).
    pub fn notices_applied(&self) -> impl Iterator<Item = (&str, &str)> {
        self.log.iter().filter_map(|e| match &e.what {
            Event::NoticeApplied { id, kind, .. } => Some((id.as_str(), kind.as_str())),
            _ => None,
        })
    }

    /// Which of `notices` would newly apply to this call (`Command::ApplyNotices`): of a kind the
    /// pack knows, not yet recorded, with an area that takes in the call's location. The screen
    /// asks before applying, so a list that changes nothing changes nothing.
    pub fn notices_pending<'n>(&self, pack: &Pack, notices: &'n [Notice]) -> Vec<&'n Notice> {
        let location = self.field(LogField::Location).unwrap_or("");
        notices
            .iter()
            .filter(|n| pack.file().notice_kinds.iter().any(|k| k.id == n.kind))
            .filter(|n| !self.notices_applied().any(|(id, _)| id == n.id))
            .filter(|n| applies(n, location))
            .collect()
    }

    /// The kinds of the notices applying to this call, as the pack has them.
    fn notice_kinds<'p>(&self, pack: &'p Pack) -> Vec<&'p NoticeKind> {
        let mut kinds: Vec<&NoticeKind> = Vec::new();
        for (_, kind) in self.notices_applied() {
            let found = pack.file().notice_kinds.iter().find(|k| k.id == kind);
            if let Some(found) = found.filter(|f| !kinds.iter().any(|k| k.id == f.id)) {
                kinds.push(found);
            }
        }
        kinds
    }

    /// The named deadlines of this call's code, and of the codes of the trees a continued
    /// assessment came through (issue 15), each with when it falls, counted from when the call
    /// was answered under the pack's calendar; in the pack's order, the call's own code first.
    pub fn deadlines(&self, pack: &Pack) -> Vec<DeadlineDue> {
        let code = self.decision.as_ref().and_then(|d| pack.code(&d.code));
        let earlier = self
            .outcomes_reached(pack)
            .into_iter()
            .filter_map(|o| pack.code(&o.code));
        let calendar = pack.file().calendar.as_ref();
        let mut out: Vec<DeadlineDue> = Vec::new();
        for code in code.into_iter().chain(earlier) {
            for deadline in &code.deadlines {
                if out
                    .iter()
                    .any(|d| d.code == code.code && d.id == deadline.id)
                {
                    continue;
                }
                out.push(DeadlineDue {
                    code: code.code.clone(),
                    id: deadline.id.clone(),
                    name: deadline.name.clone(),
                    within: deadline.unit.words(deadline.within),
                    due: due(deadline, self.opened_at, calendar),
                });
            }
        }
        out
    }

    fn gathered(
        &self,
        pack: &Pack,
        of_code: fn(&IncidentCode) -> &Vec<String>,
        of_outcome: fn(&Outcome) -> &Vec<String>,
    ) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let code = self.decision.as_ref().and_then(|d| pack.code(&d.code));
        let outcomes = self.outcomes_reached(pack);
        let earlier_codes = outcomes.iter().filter_map(|o| pack.code(&o.code));
        let lists = code
            .into_iter()
            .chain(earlier_codes)
            .map(of_code)
            .chain(outcomes.iter().map(|o| of_outcome(o)));
        for id in lists.flatten() {
            if !out.contains(id) {
                out.push(id.clone());
            }
        }
        out
    }

    /// Whether the call is closed.
    pub fn is_closed(&self) -> bool {
        self.closed
    }

    /// When the call was answered.
    pub fn opened_at(&self) -> Millis {
        self.opened_at
    }

    /// When the call last changed: the time of the latest event in its log (refused free-text
    /// advice included, since it is logged). A saved draft shows it ("draft from 14:02").
    pub fn touched_at(&self) -> Millis {
        self.log.last().map_or(self.opened_at, |e| e.at)
    }

    /// The CRM records the call is linked to (`context.set`): its call id and contact reference,
    /// each if given; `None` while it is not linked. A call is linked once (`Refusal::AlreadyLinked`).
    pub fn crm_link(&self) -> Option<(Option<&str>, Option<&str>)> {
        // The latest: drafts from before links were refused may hold more than one.
        self.log.iter().rev().find_map(|e| match &e.what {
            Event::CrmLinked {
                call_id,
                contact_ref,
            } => Some((call_id.as_deref(), contact_ref.as_deref())),
            _ => None,
        })
    }

    /// The handler's id.
    pub fn handler(&self) -> &str {
        &self.handler
    }

    /// What the handler was signed in as, if the host said.
    pub fn handler_role(&self) -> Option<Role> {
        self.role
    }

    /// The answer given to a safety-net question, if it has been asked.
    pub fn safety_answer(&self, question: &str) -> Option<bool> {
        self.safety.get(question).copied()
    }

    /// The major incident declared on this call, if any.
    pub fn major_incident(&self) -> Option<&MajorIncident> {
        self.major.as_ref()
    }

    /// Whether the caller or someone at the incident is vulnerable: the vulnerability field is
    /// filled in, or a safety-net "yes" said so.
    pub fn is_vulnerable(&self) -> bool {
        self.safety_yes.iter().any(|y| y.vulnerable)
            || self
                .fields
                .get(&LogField::Vulnerability)
                .is_some_and(|v| !says_none(v))
    }

    /// Advice to give now that has not been given yet, in the order it became due: what a
    /// safety-net "yes" calls for, what the chosen tree names to give at once (`give_now`), and
    /// what each question reached so far names.
    pub fn advice_due<'a>(&'a self, pack: &'a Pack) -> Vec<&'a str> {
        let mut due = self.advice_called_for(pack);
        due.retain(|item| !self.advice_given(item));
        due
    }

    /// Advice called for at once on this call so far, given or not, in the order it became due
    /// (what [`Call::advice_due`] lists until each is given): the widget keeps a given item in
    /// place, marked given, rather than drop it from under the handler.
    pub fn advice_called_for<'a>(&'a self, pack: &'a Pack) -> Vec<&'a str> {
        // The trees a continued assessment came through first (issue 15), then the tree in use.
        let stages = self
            .stages
            .iter()
            .map(|s| (s.tree.as_str(), &s.answers, None));
        let current = self
            .tree
            .as_deref()
            .map(|t| (t, &self.answers, self.current.as_deref()));
        let from_tree = stages
            .chain(current)
            .flat_map(move |(tree, answers, asking)| {
                let tree = pack.tree(tree);
                tree.into_iter().flat_map(move |tree| {
                    let reached = answers.iter().map(|(node, _)| node.as_str()).chain(asking);
                    let nodes = reached
                        .filter_map(|id| tree.node(id))
                        .flat_map(|n| n.give_now.iter());
                    tree.give_now.iter().chain(nodes)
                })
            });
        let mut due: Vec<&str> = Vec::new();
        let notices = self
            .notice_kinds(pack)
            .into_iter()
            .flat_map(|k| k.give_now.iter());
        let wanted = self
            .safety_yes
            .iter()
            .filter_map(|y| y.advice.as_deref())
            .chain(notices.map(String::as_str))
            .chain(from_tree.map(String::as_str));
        for item in wanted {
            if !due.contains(&item) {
                due.push(item);
            }
        }
        due
    }

    /// Whether the approved advice item was given on this call.
    pub fn advice_given(&self, item: &str) -> bool {
        self.log
            .iter()
            .any(|e| matches!(&e.what, Event::AdviceGiven { item: Some(i), .. } if i == item))
    }

    /// This call as an earlier call for repeat-caller triggers on the next one.
    pub fn as_prior(&self) -> PriorCall {
        let field = |f| self.field(f).unwrap_or("").to_owned();
        PriorCall {
            at: self.opened_at,
            callback: field(LogField::CallbackNumber),
            location: field(LogField::Location),
        }
    }

    /// The current value of a field (the latest record or correction).
    pub fn field(&self, field: LogField) -> Option<&str> {
        self.fields.get(&field).map(String::as_str)
    }

    /// The current value of one of the organisation's own fields, by id (issue 15).
    pub fn custom_field(&self, field: &str) -> Option<&str> {
        self.custom.get(field).map(String::as_str)
    }

    /// The organisation's own fields recorded, by id.
    pub fn custom_fields(&self) -> impl Iterator<Item = (&str, &str)> {
        self.custom.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    fn record(&mut self, at: Millis, what: Event) {
        self.log.push(LogEvent {
            at,
            by: self.handler.clone(),
            what,
        });
    }

    /// Applies `command` at `at`, or refuses it and changes nothing but the log of refused advice.
    pub fn apply(
        &mut self,
        pack: &Pack,
        at: Millis,
        command: Command,
    ) -> Result<Vec<Effect>, Refusal> {
        if self.closed && !matches!(command, Command::Correct { .. }) {
            return Err(Refusal::Closed);
        }
        match command {
            Command::SetField { field, value } => {
                self.fields.insert(field, value.clone());
                self.record(at, Event::Field { field, value });
                Ok(vec![])
            }
            Command::SetCustomField { field, value } => {
                let found = pack.custom_field(&field).ok_or_else(|| Refusal::Unknown {
                    what: "log field",
                    id: field.clone(),
                })?;
                let value = check_value(found, &value).map_err(|why| Refusal::ValueDoesNotFit {
                    field: found.label.clone(),
                    why,
                })?;
                if value.is_empty() {
                    self.custom.remove(field.as_str());
                } else {
                    self.custom.insert(field.clone(), value.clone());
                }
                self.record(at, Event::CustomField { field, value });
                Ok(vec![])
            }
            Command::ChooseTree { tree } => {
                let found = pack
                    .tree(&tree)
                    .ok_or_else(|| Refusal::NoSuchTree(tree.clone()))?;
                self.tree = Some(tree.clone());
                self.answers.clear();
                self.stages.clear();
                self.record(at, Event::TreeChosen { tree });
                let start = Next::Node(found.start.clone());
                Ok(self.go(pack, at, start))
            }
            Command::Answer { node, value } => self.answer(pack, at, node, value),
            Command::ReviseAnswer { node } => self.revise(at, node),
            Command::OverrideCode {
                code,
                priority,
                reason,
            } => {
                if reason.trim().is_empty() {
                    return Err(Refusal::ReasonRequired);
                }
                if pack.code(&code).is_none() {
                    return Err(Refusal::Unknown {
                        what: "incident code",
                        id: code,
                    });
                }
                if pack.priority_rank(&priority).is_none() {
                    return Err(Refusal::Unknown {
                        what: "priority",
                        id: priority,
                    });
                }
                let decision = Decision {
                    code,
                    priority,
                    reason,
                    advice_set: None,
                    escalation: None,
                    overridden: true,
                    tree: None,
                    outcome: None,
                };
                Ok(self.decide(pack, at, decision))
            }
            Command::GiveAdvice { item } => {
                let found = pack.advice_item(&item);
                let text = found
                    .ok_or_else(|| Refusal::Unknown {
                        what: "advice item",
                        id: item.clone(),
                    })?
                    .text
                    .clone();
                // The words as said: the placeholders filled from the pack and the call (the
                // validator keeps {agent} out of advice).
                let text = self.say(pack, &text);
                self.record(
                    at,
                    Event::AdviceGiven {
                        item: Some(item),
                        text,
                    },
                );
                Ok(vec![])
            }
            Command::GiveFreeTextAdvice { text } => {
                let limits = self.limits_in_force(pack);
                let breaches: Vec<Breach> = check_advice(&text, limits)
                    .into_iter()
                    .map(|b| Breach {
                        limit: b.limit.id.clone(),
                        rule: b.limit.rule.clone(),
                        matched: b.matched,
                        instead: b.limit.instead.clone(),
                        may_go_further: b.limit.may_go_further.clone(),
                    })
                    .collect();
                if !breaches.is_empty() {
                    for breach in &breaches {
                        let limit = breach.limit.clone();
                        self.record(at, Event::AdviceRefused { limit });
                    }
                    return Err(Refusal::AdviceOverLimit(breaches));
                }
                self.record(at, Event::AdviceGiven { item: None, text });
                Ok(vec![])
            }
            Command::Escalate {
                level,
                how,
                why,
                contact,
                response,
            } => {
                let found = pack.level(&level);
                let name = found
                    .ok_or_else(|| Refusal::Unknown {
                        what: "escalation level",
                        id: level.clone(),
                    })?
                    .name
                    .clone();
                if why.trim().is_empty() {
                    return Err(Refusal::ReasonRequired);
                }
                if contact.trim().is_empty() {
                    return Err(Refusal::ContactRequired);
                }
                self.record(
                    at,
                    Event::Escalated {
                        level,
                        how,
                        why,
                        contact,
                        response,
                    },
                );
                Ok(vec![Effect::Announce(format!("Escalated to {name}"))])
            }
            Command::NotifyOrganisation {
                organisation,
                channel,
                reference,
                spoken_to,
            } => {
                let org = pack.external_organisation(&organisation);
                let org = org.ok_or_else(|| Refusal::Unknown {
                    what: "external organisation",
                    id: organisation.clone(),
                })?;
                let address = contact_address(&org.contacts, &channel)?;
                let name = org.name.clone();
                self.record(
                    at,
                    Event::Notified {
                        organisation,
                        channel,
                        address,
                        reference: reference.trim().to_owned(),
                        spoken_to: spoken_to.trim().to_owned(),
                    },
                );
                Ok(vec![Effect::Announce(format!("{name} notified"))])
            }
            Command::ApplyNotices { notices } => {
                let pending: Vec<Notice> = self
                    .notices_pending(pack, &notices)
                    .into_iter()
                    .cloned()
                    .collect();
                let mut effects = Vec::new();
                for notice in pending {
                    let said = format!("Notice in force: {}", notice.title);
                    effects.push(Effect::Announce(said));
                    self.record(
                        at,
                        Event::NoticeApplied {
                            id: notice.id,
                            kind: notice.kind,
                            title: notice.title,
                            text: notice.text,
                        },
                    );
                }
                Ok(effects)
            }
            Command::ContactRoute {
                route,
                channel,
                spoken_to,
            } => {
                let found = pack.route(&route).ok_or_else(|| Refusal::Unknown {
                    what: "route",
                    id: route.clone(),
                })?;
                let address = contact_address(&found.contacts, &channel)?;
                let name = found.name.clone();
                self.record(
                    at,
                    Event::RouteContacted {
                        route,
                        channel,
                        address,
                        spoken_to: spoken_to.trim().to_owned(),
                    },
                );
                Ok(vec![Effect::Announce(format!("{name} contacted"))])
            }
            Command::SendHandoff {
                channel,
                recipient,
                text,
                read_back,
            } => {
                let found = pack.channel(&channel);
                let found = found.ok_or_else(|| Refusal::Unknown {
                    what: "channel",
                    id: channel.clone(),
                })?;
                if found.structure == MessageStructure::Methane && self.major.is_none() {
                    return Err(Refusal::NotMajorIncident(found.name.clone()));
                }
                let spoken = matches!(found.medium, Medium::Radio | Medium::Phone | Medium::Voice);
                if spoken && !read_back {
                    return Err(Refusal::ReadBackNeeded(found.name.clone()));
                }
                self.record(
                    at,
                    Event::HandoffSent {
                        channel,
                        recipient,
                        text,
                        read_back,
                    },
                );
                Ok(vec![Effect::Announce("Handoff recorded".to_owned())])
            }
            Command::TickChecklist { item } => {
                let known = pack
                    .file()
                    .legislation
                    .iter()
                    .flat_map(|l| &l.checklist)
                    .any(|c| c.id == item);
                if !known {
                    return Err(Refusal::Unknown {
                        what: "checklist item",
                        id: item,
                    });
                }
                self.record(at, Event::ChecklistTicked { item });
                Ok(vec![])
            }
            Command::DeclineEscalation { level, why } => {
                if !pack.file().escalation.levels.iter().any(|l| l.id == level) {
                    return Err(Refusal::Unknown {
                        what: "escalation level",
                        id: level,
                    });
                }
                if why.trim().is_empty() {
                    return Err(Refusal::ReasonRequired);
                }
                self.record(at, Event::EscalationDeclined { level, why });
                Ok(vec![])
            }
            Command::SafetyNet { question, yes } => self.safety_net(pack, at, question, yes),
            Command::DeclareMajorIncident {
                reason,
                access,
                services,
            } => {
                if reason.trim().is_empty() {
                    return Err(Refusal::ReasonRequired);
                }
                self.major = Some(MajorIncident {
                    at,
                    reason: reason.clone(),
                    access: access.clone(),
                    services: services.clone(),
                });
                self.record(
                    at,
                    Event::MajorIncidentDeclared {
                        reason,
                        access,
                        services,
                    },
                );
                Ok(vec![Effect::Announce("Major incident declared".to_owned())])
            }
            Command::LinkCrm {
                call_id,
                contact_ref,
            } => {
                if let Some((linked_call, linked_contact)) = self.crm_link() {
                    let same = |given: &Option<String>, linked: Option<&str>| {
                        given.is_none() || given.as_deref() == linked
                    };
                    if same(&call_id, linked_call) && same(&contact_ref, linked_contact) {
                        // The same link again (a CRM page reloaded): nothing new to log.
                        return Ok(vec![]);
                    }
                    let shown = [
                        linked_call.map(|c| format!("call {c}")),
                        linked_contact.map(|c| format!("contact {c}")),
                    ]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(", ");
                    return Err(Refusal::AlreadyLinked(shown));
                }
                self.record(
                    at,
                    Event::CrmLinked {
                        call_id,
                        contact_ref,
                    },
                );
                Ok(vec![])
            }
            Command::ExplainDeviation { deviation, reason } => {
                if reason.trim().is_empty() {
                    return Err(Refusal::ReasonRequired);
                }
                if !self.compliance(pack).iter().any(|i| i.key() == deviation) {
                    return Err(Refusal::Unknown {
                        what: "deviation",
                        id: deviation,
                    });
                }
                self.record(at, Event::DeviationExplained { deviation, reason });
                Ok(vec![])
            }
            Command::Close { prior } => {
                let missing = self.missing(pack, at, &prior);
                if !missing.is_empty() {
                    return Err(Refusal::MissingFields(missing));
                }
                self.closed = true;
                self.record(at, Event::Closed);
                let entry = crate::call::entry::LogEntry::of(pack, self).to_json();
                Ok(vec![Effect::Completed { entry }])
            }
            Command::Correct {
                field,
                value,
                reason,
            } => {
                if reason.trim().is_empty() {
                    return Err(Refusal::ReasonRequired);
                }
                self.fields.insert(field, value.clone());
                self.record(
                    at,
                    Event::Corrected {
                        field,
                        value,
                        reason,
                    },
                );
                Ok(vec![])
            }
        }
    }

    /// What closing needs that the log does not have yet: every safety-net question asked, a
    /// code, the fields the code requires, a decision (escalate or decline) on every escalation
    /// proposed now (`now` and `prior` as for `proposals`), and a reason for every deviation from
    /// the procedure.
    pub fn missing(&self, pack: &Pack, now: Millis, prior: &[PriorCall]) -> Vec<Missing> {
        let mut missing: Vec<Missing> = pack
            .file()
            .safety_net
            .iter()
            .filter(|q| !self.safety.contains_key(&q.id))
            .map(|q| Missing::SafetyNet(q.id.clone()))
            .collect();
        // The organisation's own fields: those required on every call, and those its code needs.
        let code = self.decision.as_ref().map(|d| d.code.as_str());
        missing.extend(
            pack.file()
                .fields
                .iter()
                .filter(|f| f.is_required(code))
                .filter(|f| !self.custom.contains_key(f.id.as_str()))
                .map(|f| Missing::CustomField(f.id.clone())),
        );
        let Some(decision) = &self.decision else {
            missing.push(Missing::Code);
            return missing;
        };
        let required = pack
            .code(&decision.code)
            .map(|c| c.required_fields.as_slice())
            .unwrap_or_default();
        let empty = |f: &LogField| self.fields.get(f).is_none_or(|v| v.trim().is_empty());
        missing.extend(
            required
                .iter()
                .filter(|f| empty(f))
                .map(|f| Missing::Field(*f)),
        );
        // A safety answer said someone is vulnerable: who, and how, is recorded (the handoffs
        // and the call bar carry it), whatever the code requires.
        if self.safety_yes.iter().any(|y| y.vulnerable)
            && !required.contains(&LogField::Vulnerability)
            && empty(&LogField::Vulnerability)
        {
            missing.push(Missing::Field(LogField::Vulnerability));
        }
        missing.extend(
            self.undecided(pack, now, prior)
                .into_iter()
                .map(|p| Missing::Decision(p.level)),
        );
        missing.extend(
            self.deviations(pack)
                .into_iter()
                .filter(|d| d.reason.is_none())
                .map(|d| Missing::Explanation(d.key)),
        );
        missing
    }

    /// Whether an escalation to `level` was made or declined on this call.
    pub fn decided(&self, level: &str) -> bool {
        self.log.iter().any(|e| match &e.what {
            Event::Escalated { level: l, .. } | Event::EscalationDeclined { level: l, .. } => {
                l == level
            }
            _ => false,
        })
    }

    /// The escalations proposed now that the handler has neither made nor declined.
    pub fn undecided(&self, pack: &Pack, now: Millis, prior: &[PriorCall]) -> Vec<Proposal> {
        self.proposals(pack, now, prior)
            .into_iter()
            .filter(|p| !self.decided(&p.level))
            .collect()
    }

    /// Every deviation from the procedure, with the reason recorded for it, if any: an override
    /// and a declined escalation carry their own; the others need an explanation before closing.
    pub fn deviations(&self, pack: &Pack) -> Vec<Deviation> {
        let explained = |key: &str| {
            self.log.iter().rev().find_map(|e| match &e.what {
                Event::DeviationExplained { deviation, reason } if deviation == key => {
                    Some(reason.clone())
                }
                _ => None,
            })
        };
        let overridden = self
            .decision
            .as_ref()
            .filter(|d| d.overridden)
            .map(|d| d.reason.clone());
        self.compliance(pack)
            .into_iter()
            .map(|issue| {
                let key = issue.key();
                let own = match &issue {
                    ComplianceIssue::Overridden { reason } => Some(reason.clone()),
                    ComplianceIssue::TreeNotCompleted => overridden.clone(),
                    ComplianceIssue::EscalationDeclined { why, .. } => Some(why.clone()),
                    _ => None,
                };
                let reason = explained(&key).or(own);
                Deviation { issue, key, reason }
            })
            .collect()
    }

    /// How the call measured up against the pack: what a supervisor reviewing it should look at.
    pub fn compliance(&self, pack: &Pack) -> Vec<ComplianceIssue> {
        let mut issues = Vec::new();
        let Some(decision) = &self.decision else {
            return vec![ComplianceIssue::TreeNotCompleted];
        };
        if decision.overridden {
            issues.push(ComplianceIssue::TreeNotCompleted);
            issues.push(ComplianceIssue::Overridden {
                reason: decision.reason.clone(),
            });
        }
        let file = pack.file();
        let given: Vec<&str> = self
            .log
            .iter()
            .filter_map(|e| match &e.what {
                Event::AdviceGiven {
                    item: Some(item), ..
                } => Some(item.as_str()),
                _ => None,
            })
            .collect();
        if let Some(set) = self.advice_set(pack) {
            for item in &set.items {
                let must = file
                    .advice
                    .items
                    .iter()
                    .any(|a| &a.id == item && a.kind == AdviceKind::MustSay);
                if must && !given.contains(&item.as_str()) {
                    issues.push(ComplianceIssue::MandatoryAdviceMissing(item.clone()));
                }
            }
        }
        let ticked: Vec<&str> = self
            .log
            .iter()
            .filter_map(|e| match &e.what {
                Event::ChecklistTicked { item } => Some(item.as_str()),
                _ => None,
            })
            .collect();
        for (_, item) in self.checklist(pack) {
            if !ticked.contains(&item.id.as_str()) {
                issues.push(ComplianceIssue::ChecklistNotDone(item.id.clone()));
            }
        }
        // A decline counts once per level, with its latest reason; escalating after all (to that
        // level) undoes it.
        let mut declined: Vec<(String, String)> = Vec::new();
        for event in &self.log {
            match &event.what {
                Event::EscalationDeclined { level, why } => {
                    declined.retain(|(l, _)| l != level);
                    declined.push((level.clone(), why.clone()));
                }
                Event::Escalated { level, .. } => declined.retain(|(l, _)| l != level),
                _ => {}
            }
        }
        issues.extend(
            declined
                .into_iter()
                .map(|(level, why)| ComplianceIssue::EscalationDeclined { level, why }),
        );
        issues
    }

    /// Escalations the pack proposes now, each with its reason: the outcome's, the safety net's
    /// and the triggers'. `now` for elapsed-time triggers; `prior` the earlier calls known, for
    /// repeat-caller triggers.
    pub fn proposals(&self, pack: &Pack, now: Millis, prior: &[PriorCall]) -> Vec<Proposal> {
        let file = pack.file();
        let mut out: Vec<Proposal> = Vec::new();
        let mut propose = |level: &str, reason: &str| {
            if !out.iter().any(|p| p.level == level) {
                out.push(Proposal {
                    level: level.to_owned(),
                    reason: reason.to_owned(),
                });
            }
        };
        if let Some(decision) = &self.decision {
            if let Some(level) = &decision.escalation {
                propose(level, &decision.reason);
            }
        }
        for yes in &self.safety_yes {
            if let Some(level) = &yes.escalation {
                propose(level, &yes.reason);
            }
        }
        for kind in self.notice_kinds(pack) {
            if let Some(level) = &kind.escalation {
                propose(level, &format!("{} in force for this location", kind.name));
            }
        }
        let said = self.said();
        for trigger in &file.escalation.triggers {
            let fires = self.fires(pack, &trigger.when, &said, now, prior);
            if fires {
                propose(&trigger.level, &trigger.reason);
            }
        }
        out
    }

    /// What the caller's words are, as far as the call knows them: the log fields and the text
    /// answers, for keyword conditions.
    fn said(&self) -> Vec<Words<'_>> {
        self.fields
            .values()
            .map(String::as_str)
            .chain(self.answers.iter().filter_map(|(_, v)| match v {
                AnswerValue::Text(t) => Some(t.as_str()),
                _ => None,
            }))
            .map(Words::of)
            .collect()
    }

    /// Whether the condition of an escalation trigger or a checklist item holds: `said` as
    /// [`Call::said`] gives it, `now` for elapsed time, `prior` for repeat callers.
    fn fires(
        &self,
        pack: &Pack,
        when: &TriggerCondition,
        said: &[Words],
        now: Millis,
        prior: &[PriorCall],
    ) -> bool {
        match when {
            TriggerCondition::PriorityAtLeast(p) => {
                let rank = self
                    .decision
                    .as_ref()
                    .and_then(|d| pack.priority_rank(&d.priority));
                matches!((rank, pack.priority_rank(p)), (Some(r), Some(t)) if r <= t)
            }
            TriggerCondition::Keywords(keywords) => {
                // Whole words and phrases: "MP" is not in "Camp Road" or "lamp post".
                keywords.iter().any(|k| said.iter().any(|w| w.contain(k)))
            }
            TriggerCondition::ElapsedMinutes(m) => {
                now.saturating_sub(self.opened_at) >= u64::from(*m) * 60_000
            }
            TriggerCondition::VulnerableCaller => self.is_vulnerable(),
            TriggerCondition::Codes(codes) => self
                .decision
                .as_ref()
                .is_some_and(|d| codes.contains(&d.code)),
            TriggerCondition::RepeatCaller {
                calls,
                within_hours,
            } => self.repeat_count(now, prior, *within_hours) >= *calls,
            TriggerCondition::MajorIncident => self.major.is_some(),
        }
    }

    /// The legislation checklist of the call's code as it stands: each item of each law the code
    /// names, in the pack's order, less those whose condition (`when`) does not hold, e.g. what a
    /// major incident adds before one is declared. Empty until the call has a code.
    pub fn checklist<'p>(&self, pack: &'p Pack) -> Vec<(&'p Legislation, &'p ChecklistItem)> {
        let Some(code) = self.decision.as_ref().and_then(|d| pack.code(&d.code)) else {
            return Vec::new();
        };
        // The caller's words only once an item's condition needs them (most items have none,
        // and this runs on every change to the call).
        let said = std::cell::OnceCell::new();
        code.legislation
            .iter()
            .filter_map(|law| pack.legislation(law))
            .flat_map(|law| law.checklist.iter().map(move |item| (law, item)))
            .filter(|(_, item)| {
                // Validation keeps time and earlier calls out of a checklist item's condition.
                item.when.as_ref().is_none_or(|when| {
                    let said = said.get_or_init(|| self.said());
                    self.fires(pack, when, said, self.opened_at, &[])
                })
            })
            .collect()
    }

    /// How many calls, counting this one, came from the same number or about the same place
    /// within the last `within_hours` hours of `now`: of `prior`, those answered before this one.
    pub fn repeat_count(&self, now: Millis, prior: &[PriorCall], within_hours: u32) -> u32 {
        let number = digits(self.field(LogField::CallbackNumber).unwrap_or(""));
        let place = words(self.field(LogField::Location).unwrap_or(""));
        if number.is_empty() && place.is_empty() {
            return 1;
        }
        let since = now.saturating_sub(u64::from(within_hours) * 3_600_000);
        // Only calls answered before this one: once closed, this call is in the history too,
        // and must not count as its own repeat.
        let earlier = prior
            .iter()
            .filter(|p| p.at >= since && p.at <= now && p.at < self.opened_at)
            .filter(|p| {
                (!number.is_empty() && digits(&p.callback) == number)
                    || (!place.is_empty() && words(&p.location) == place)
            })
            .count();
        u32::try_from(earlier).unwrap_or(u32::MAX).saturating_add(1)
    }

    fn safety_net(
        &mut self,
        pack: &Pack,
        at: Millis,
        question: String,
        yes: bool,
    ) -> Result<Vec<Effect>, Refusal> {
        let found = pack.safety_question(&question);
        let found = found.ok_or_else(|| Refusal::Unknown {
            what: "safety-net question",
            id: question.clone(),
        })?;
        let asked = self.say(pack, &found.question);
        let action = found.if_yes.clone();
        self.safety.insert(question.clone(), yes);
        self.record(
            at,
            Event::SafetyNetAnswered {
                question,
                asked,
                yes,
            },
        );
        if !yes {
            return Ok(vec![]);
        }
        self.safety_yes.push(SafetyYes {
            priority: action.priority.clone(),
            escalation: action.escalation,
            vulnerable: action.vulnerable,
            advice: action.advice,
            reason: action.reason.clone(),
        });
        let mut effects = Vec::new();
        if let (Some(floor), Some(decision)) = (action.priority, self.decision.as_ref()) {
            if more_urgent(pack, &floor, &decision.priority) {
                let from = decision.priority.clone();
                effects.push(Effect::Announce(format!(
                    "Priority raised to {floor}: {}",
                    action.reason
                )));
                self.record(
                    at,
                    Event::PriorityRaised {
                        from,
                        to: floor.clone(),
                        reason: action.reason,
                    },
                );
                if let Some(decision) = self.decision.as_mut() {
                    decision.priority = floor;
                }
            }
        }
        Ok(effects)
    }

    /// The advice set for the call now: the outcome's own, or else the decided code's.
    pub fn advice_set<'p>(&self, pack: &'p Pack) -> Option<&'p AdviceSet> {
        let decision = self.decision.as_ref()?;
        let id = decision.advice_set.as_deref().or_else(|| {
            pack.code(&decision.code)
                .and_then(|c| c.advice_set.as_deref())
        })?;
        pack.advice_set(id)
    }

    /// The advice limits that apply now: those that apply everywhere, and those of the call's
    /// advice set.
    pub fn limits_in_force<'p>(&self, pack: &'p Pack) -> Vec<&'p AdviceLimit> {
        let mut limits: Vec<&AdviceLimit> =
            crate::pack::advice::limits_in_force(&pack.file().advice, self.advice_set(pack))
                .collect();
        // And those a notice applying to the call puts in force (issue 15).
        for kind in self.notice_kinds(pack) {
            for id in &kind.limits {
                if let Some(limit) = pack.advice_limit(id).filter(|l| !limits.contains(l)) {
                    limits.push(limit);
                }
            }
        }
        limits
    }

    fn answer(
        &mut self,
        pack: &Pack,
        at: Millis,
        node: String,
        value: AnswerValue,
    ) -> Result<Vec<Effect>, Refusal> {
        if self.current.as_deref() != Some(node.as_str()) {
            return Err(Refusal::NotTheCurrentQuestion {
                expected: self.current.clone(),
                got: node,
            });
        }
        let tree = self
            .tree
            .as_deref()
            .and_then(|t| pack.tree(t))
            .ok_or(Refusal::NoSuchTree(String::new()))?;
        let question = tree
            .node(&node)
            .ok_or_else(|| Refusal::NoSuchTree(tree.id.clone()))?;
        let misfit = |why: &str| Refusal::AnswerDoesNotFit {
            node: node.clone(),
            why: why.to_owned(),
        };
        let next = match (&question.answer, &value) {
            (Answer::Choice { options }, AnswerValue::Option(id)) => {
                crate::pack::lookup::option(options, id)
                    .map(|o| o.next.clone())
                    .ok_or_else(|| misfit("no such option"))?
            }
            (Answer::YesNo { yes, no }, AnswerValue::YesNo(answer)) => {
                if *answer { yes } else { no }.clone()
            }
            (
                Answer::Number {
                    min,
                    max,
                    branches,
                    otherwise,
                    ..
                },
                AnswerValue::Number(n),
            ) => {
                if !n.is_finite() || n < min || n > max {
                    return Err(misfit(
                        "the number is outside the range the question allows",
                    ));
                }
                branches
                    .iter()
                    .find(|b| b.at_least.is_none_or(|a| *n >= a) && b.below.is_none_or(|b| *n < b))
                    .map(|b| b.next.clone())
                    .unwrap_or_else(|| otherwise.clone())
            }
            (Answer::Text { next }, AnswerValue::Text(text)) => {
                if text.trim().is_empty() {
                    return Err(misfit("the answer is empty"));
                }
                next.clone()
            }
            _ => return Err(misfit("the question takes a different kind of answer")),
        };
        let asked = self.say(pack, &question.question);
        self.answers.push((node.clone(), value.clone()));
        self.record(
            at,
            Event::Answered {
                node,
                question: asked,
                value,
            },
        );
        Ok(self.go(pack, at, next))
    }

    /// Goes back to `node`, the question answered last: the answer no longer counts, and the code
    /// is withdrawn if the tree reached it with that answer (a code the handler chose since, by
    /// override, stays: it was not the answer's).
    fn revise(&mut self, at: Millis, node: String) -> Result<Vec<Effect>, Refusal> {
        let Some((last, _)) = self.answers.last() else {
            return Err(Refusal::NothingToRevise);
        };
        if *last != node {
            return Err(Refusal::NotTheLastAnswer {
                last: last.clone(),
                got: node,
            });
        }
        let answered = self
            .log
            .iter()
            .rposition(|e| matches!(&e.what, Event::Answered { node: n, .. } if *n == node));
        let (question, value, led_to_code) = match answered.map(|i| (i, &self.log[i].what)) {
            Some((
                i,
                Event::Answered {
                    question, value, ..
                },
            )) => {
                let coded = self.log[i..].iter().any(|e| {
                    matches!(
                        e.what,
                        Event::Coded {
                            overridden: false,
                            ..
                        }
                    )
                });
                (question.clone(), value.clone(), coded)
            }
            // An answer kept without its event (not from `apply`): revise it all the same.
            _ => (
                node.clone(),
                self.answers
                    .last()
                    .map(|a| a.1.clone())
                    .unwrap_or(AnswerValue::Text(String::new())),
                false,
            ),
        };
        let withdrawn = match &self.decision {
            Some(d) if led_to_code && !d.overridden => self.decision.take().map(|d| Withdrawn {
                code: d.code,
                priority: d.priority,
            }),
            _ => None,
        };
        self.answers.pop();
        self.current = Some(node.clone());
        let mut effects = Vec::new();
        if let Some(w) = &withdrawn {
            effects.push(Effect::Announce(format!(
                "Code {}, priority {} withdrawn",
                w.code, w.priority
            )));
        }
        effects.push(Effect::Announce(format!("Back to: {question}")));
        self.record(
            at,
            Event::AnswerRevised {
                node,
                question,
                value,
                withdrawn,
            },
        );
        Ok(effects)
    }

    /// The positions in the log of the answers revised since (each by a later `AnswerRevised`):
    /// they stay in the log, and the review and the published entry mark them.
    pub fn revised_answers(&self) -> Vec<usize> {
        let mut standing: Vec<usize> = Vec::new();
        let mut revised = Vec::new();
        for (i, event) in self.log.iter().enumerate() {
            match &event.what {
                Event::TreeChosen { .. } => standing.clear(),
                Event::Answered { .. } => standing.push(i),
                Event::AnswerRevised { .. } => revised.extend(standing.pop()),
                _ => {}
            }
        }
        sort_by(&mut revised, usize::cmp);
        revised
    }

    /// The question answered last in the tree, which going back would ask again.
    pub fn last_answered(&self) -> Option<&str> {
        self.answers.last().map(|(node, _)| node.as_str())
    }

    /// Moves to `next`, skipping questions whose `ask_if` does not hold, and decides when the tree
    /// reaches an outcome.
    fn go(&mut self, pack: &Pack, at: Millis, mut next: Next) -> Vec<Effect> {
        let Some(tree) = self.tree.as_deref().and_then(|t| pack.tree(t)) else {
            return vec![];
        };
        // A checked pack has no loops, so this ends; the bound is a guard, not a rule.
        for _ in 0..=tree.nodes.len() {
            match next {
                Next::Node(id) => {
                    let Some(node) = tree.node(&id) else {
                        break;
                    };
                    match (&node.ask_if, &node.skip_to) {
                        (Some(condition), Some(skip)) if !self.holds(condition) => {
                            next = skip.clone()
                        }
                        _ => {
                            self.current = Some(id);
                            return vec![];
                        }
                    }
                }
                Next::Outcome(id) => {
                    self.current = None;
                    let Some(outcome) = tree.outcome(&id) else {
                        break;
                    };
                    let decision = Decision {
                        code: outcome.code.clone(),
                        priority: outcome.priority.clone(),
                        reason: outcome.reason.clone(),
                        advice_set: outcome.advice_set.clone(),
                        escalation: outcome.escalation.clone(),
                        overridden: false,
                        tree: Some(tree.id.clone()),
                        outcome: Some(id.clone()),
                    };
                    let mut effects = self.decide(pack, at, decision);
                    // The assessment continues into another tree (issue 15): the code so far
                    // stands until that tree ends.
                    let onward = outcome.continue_to.as_deref().and_then(|t| pack.tree(t));
                    if let Some(onward) = onward {
                        self.stages.push(Stage {
                            tree: tree.id.clone(),
                            answers: std::mem::take(&mut self.answers),
                            outcome: id.clone(),
                        });
                        self.record(
                            at,
                            Event::TreeContinued {
                                from: tree.id.clone(),
                                outcome: id,
                                to: onward.id.clone(),
                            },
                        );
                        effects.push(Effect::Announce(format!(
                            "Continuing with: {}",
                            onward.title
                        )));
                        self.tree = Some(onward.id.clone());
                        effects.extend(self.go(pack, at, Next::Node(onward.start.clone())));
                    }
                    return effects;
                }
            }
        }
        self.current = None;
        vec![]
    }

    /// Records `decision`, raised to the most urgent priority a safety-net "yes" asked for, and
    /// to the most urgent an earlier tree of a continued assessment ended at (issue 15).
    fn decide(&mut self, pack: &Pack, at: Millis, mut decision: Decision) -> Vec<Effect> {
        let announce = format!("Code {}, priority {}", decision.code, decision.priority);
        self.record(
            at,
            Event::Coded {
                code: decision.code.clone(),
                priority: decision.priority.clone(),
                reason: decision.reason.clone(),
                overridden: decision.overridden,
            },
        );
        let mut effects = vec![Effect::Announce(announce)];
        let earlier: Vec<(&str, String)> = self
            .stages
            .iter()
            .filter_map(|s| {
                let tree = pack.tree(&s.tree)?;
                let outcome = tree.outcome(&s.outcome)?;
                let why = format!(
                    "the assessment continued from \u{201c}{}\u{201d}, which ended at priority {}",
                    tree.title, outcome.priority
                );
                Some((outcome.priority.as_str(), why))
            })
            .collect();
        let floor = self
            .safety_yes
            .iter()
            .filter_map(|y| y.priority.as_deref().map(|p| (p, y.reason.as_str())))
            .chain(earlier.iter().map(|(p, why)| (*p, why.as_str())))
            .filter(|(p, _)| pack.priority_rank(p).is_some())
            .min_by_key(|(p, _)| pack.priority_rank(p));
        if let Some((floor, reason)) = floor {
            if more_urgent(pack, floor, &decision.priority) {
                let (to, reason) = (floor.to_owned(), reason.to_owned());
                effects.push(Effect::Announce(format!(
                    "Priority raised to {to}: {reason}"
                )));
                self.record(
                    at,
                    Event::PriorityRaised {
                        from: decision.priority.clone(),
                        to: to.clone(),
                        reason,
                    },
                );
                decision.priority = to;
            }
        }
        self.decision = Some(decision);
        effects
    }

    fn holds(&self, condition: &Condition) -> bool {
        let answer = |node: &str| {
            self.answers
                .iter()
                .rev()
                .find(|(n, _)| n == node)
                .map(|(_, v)| v)
        };
        match condition {
            Condition::Answered { node, is } => match answer(node) {
                Some(AnswerValue::Option(id)) => id == is,
                Some(AnswerValue::YesNo(yes)) => (is == "yes") == *yes,
                _ => false,
            },
            Condition::AtLeast { node, value } => {
                matches!(answer(node), Some(AnswerValue::Number(n)) if n >= value)
            }
            Condition::All(parts) => parts.iter().all(|c| self.holds(c)),
            Condition::Any(parts) => parts.iter().any(|c| self.holds(c)),
            Condition::Not(inner) => !self.holds(inner),
        }
    }
}

/// Whether priority `a` is more urgent than `b` in `pack` (unknown priorities never are).
fn more_urgent(pack: &Pack, a: &str, b: &str) -> bool {
    match (pack.priority_rank(a), pack.priority_rank(b)) {
        (Some(a), Some(b)) => a < b,
        (Some(_), None) => true,
        _ => false,
    }
}

/// The digits of a phone number, so "01632 960 001" and "01632960001" are the same caller.
fn digits(number: &str) -> String {
    number.chars().filter(char::is_ascii_digit).collect()
}

/// A location's words, lower-cased and without punctuation, so "12 High St." and "12 high st" are
/// the same place.
fn words(text: &str) -> String {
    text.split(|c: char| !is_word_char(c))
        .filter(|w| !w.is_empty())
        .map(lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// `text` with the placeholders the pack itself can fill ({organisation}) filled; the others are
/// left as written (the validator allows only {organisation} where this is used).
pub fn fill_pack_placeholders(pack: &Pack, text: &str) -> String {
    let values = PlaceholderValues {
        organisation: Some(pack.file().organisation.name.clone()),
        ..Default::default()
    };
    fill_text(text, &values)
}

/// The address of the contact on `channel` among `contacts`, or a refusal naming the channel.
fn contact_address(contacts: &[Contact], channel: &str) -> Result<String, Refusal> {
    contacts
        .iter()
        .find(|c| c.channel == channel)
        .map(|c| c.address.clone())
        .ok_or_else(|| Refusal::Unknown {
            what: "contact channel",
            id: channel.to_owned(),
        })
}

impl Call {
    /// What this call knows for the placeholders (issue 15), the handler's name left out (the
    /// screen adds it where `{agent}` may be used): the organisation; the CRM's reference for the
    /// call once it has linked one; the caller's name, callback number and location as recorded;
    /// the code's title and the priority's targets once the call has a code.
    pub fn placeholder_values(&self, pack: &Pack) -> PlaceholderValues {
        let recorded = |field: LogField| {
            self.field(field)
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        let decision = self.decision();
        let code_title = decision
            .and_then(|d| pack.code(&d.code))
            .map(|c| c.title.clone());
        let priority = decision.and_then(|d| pack.priority(&d.priority));
        let reference = self
            .crm_link()
            .and_then(|(call_id, _)| call_id)
            .map(str::to_owned);
        PlaceholderValues {
            agent: None,
            organisation: Some(pack.file().organisation.name.clone()),
            call: [
                reference,
                recorded(LogField::CallerName),
                recorded(LogField::CallbackNumber),
                recorded(LogField::Location),
                code_title,
                priority.map(|p| duration(p.attend_within_minutes)),
                priority.map(|p| duration(p.deploy_within_minutes)),
            ],
        }
    }

    /// `text` (advice, a question) as the handler says it on this call and the log records it:
    /// every placeholder the call knows filled, the others as their label in brackets.
    pub fn say(&self, pack: &Pack, text: &str) -> String {
        fill_text(text, &self.placeholder_values(pack))
    }
}

/// Whether a field's text says there is nothing to record: empty, or what handlers type for
/// "none" ("None known", "N/A", "no", "-"). A vulnerability field that says so does not make
/// the caller vulnerable.
pub fn says_none(text: &str) -> bool {
    let words: String = text
        .chars()
        .filter(|c| !matches!(c, '.' | ',' | '!' | ';' | ':' | '-'))
        .collect::<String>();
    let words = lowercase(&words);
    let words = words.split_whitespace().collect::<Vec<_>>().join(" ");
    matches!(
        words.as_str(),
        "" | "none"
            | "none known"
            | "none reported"
            | "none stated"
            | "none given"
            | "nothing"
            | "nothing known"
            | "no"
            | "nil"
            | "n/a"
            | "na"
            | "not known"
            | "unknown"
            | "not applicable"
            | "no vulnerability"
            | "no vulnerabilities"
            | "no known vulnerability"
            | "no known vulnerabilities"
    )
}
