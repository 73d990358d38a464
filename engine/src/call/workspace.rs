//! What the call bar shows (issue 13; F1–F9, L2 1.1–1.7): the one next thing to do on the call, and
//! the flags that must never scroll away (vulnerable, repeat caller, major incident, escalation
//! pending). Pure functions of the call, the pack and the time: the widget only draws them.
//!
//! The next step follows the procedure's urgency, not the screen's order: life-safety advice due
//! now comes first, then the safety questions, then an escalation waiting for a decision, then the
//! location, the assessment (a tree, its current question), the must-say advice, the fields the
//! code requires, the legislation checklist, a reason for any other deviation, and finally closing.

use crate::call::machine::CHECKLIST_KEY;
use crate::call::{Call, ComplianceIssue, Missing, PriorCall};
use crate::pack::{LogField, TriggerCondition};
use crate::Pack;

/// Hours within which an earlier call from the same number or place makes a repeat caller, when
/// the pack has no repeat-caller trigger of its own.
const REPEAT_WITHIN_HOURS: u32 = 24;

/// The one thing to do next on the call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NextStep {
    /// Give this advice item now (life safety: a safety "yes", the tree's give-now, a question's).
    GiveNow {
        /// The advice item's id.
        item: String,
    },
    /// Ask this safety-net question.
    AskSafety {
        /// The question's id.
        question: String,
    },
    /// Escalate to this level, or record why not.
    DecideEscalation {
        /// The level's id.
        level: String,
    },
    /// Record where the incident is.
    RecordLocation,
    /// Choose a decision tree (or a code) to assess the call.
    Assess,
    /// Answer the tree's current question.
    Answer {
        /// The question's id.
        node: String,
    },
    /// Give the must-say advice of the code's advice set.
    GiveAdvice {
        /// The advice item's id.
        item: String,
    },
    /// Record a field the code requires.
    Record {
        /// The field.
        field: LogField,
    },
    /// Record one of the organisation's own fields (issue 15), required on every call or for
    /// the code.
    RecordCustom {
        /// The field's id.
        field: String,
    },
    /// Do this item of the code's legislation checklist and tick it (or, if it cannot be done,
    /// record why at the close).
    Check {
        /// The checklist item's id.
        item: String,
    },
    /// Record why the call departs from the procedure here.
    Explain {
        /// The deviation's key (`ComplianceIssue::key`).
        deviation: String,
    },
    /// Everything closing needs is there: read the closing words and close.
    Close,
    /// The call is closed.
    Closed,
}

/// What the call bar flags, always in view.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallFlags {
    /// Someone at the incident is vulnerable (a safety answer, or the vulnerability field).
    pub vulnerable: bool,
    /// How many calls, this one included, came from this number or about this place recently;
    /// 2 or more is a repeat caller.
    pub calls_about_this: u32,
    /// A major incident has been declared on this call.
    pub major_incident: bool,
    /// Escalation levels proposed and not yet decided, in the order proposed.
    pub escalation_pending: Vec<String>,
}

impl CallFlags {
    /// Whether this is a repeat caller.
    pub fn repeat_caller(&self) -> bool {
        self.calls_about_this >= 2
    }
}

/// The flags for the call bar at `now`, with `prior` the earlier calls handled here.
pub fn flags(call: &Call, pack: &Pack, now: u64, prior: &[PriorCall]) -> CallFlags {
    let within = pack
        .file()
        .escalation
        .triggers
        .iter()
        .find_map(|t| match t.when {
            TriggerCondition::RepeatCaller { within_hours, .. } => Some(within_hours),
            _ => None,
        })
        .unwrap_or(REPEAT_WITHIN_HOURS);
    CallFlags {
        vulnerable: call.is_vulnerable(),
        calls_about_this: call.repeat_count(now, prior, within),
        major_incident: call.major_incident().is_some(),
        escalation_pending: if call.is_closed() {
            Vec::new()
        } else {
            call.undecided(pack, now, prior)
                .into_iter()
                .map(|p| p.level)
                .collect()
        },
    }
}

/// The one next thing to do on the call at `now`, with `prior` the earlier calls handled here.
pub fn next_step(call: &Call, pack: &Pack, now: u64, prior: &[PriorCall]) -> NextStep {
    if call.is_closed() {
        return NextStep::Closed;
    }
    let due = call.advice_due(pack);
    if let Some(item) = due.first() {
        return NextStep::GiveNow {
            item: (*item).to_owned(),
        };
    }
    if let Some(question) = pack
        .file()
        .safety_net
        .iter()
        .find(|q| call.safety_answer(&q.id).is_none())
    {
        return NextStep::AskSafety {
            question: question.id.clone(),
        };
    }
    if let Some(proposal) = call.undecided(pack, now, prior).into_iter().next() {
        return NextStep::DecideEscalation {
            level: proposal.level,
        };
    }
    if call
        .field(LogField::Location)
        .is_none_or(|l| l.trim().is_empty())
    {
        return NextStep::RecordLocation;
    }
    if let Some(node) = call.current_question() {
        return NextStep::Answer {
            node: node.to_owned(),
        };
    }
    if call.decision().is_none() {
        return NextStep::Assess;
    }
    if let Some(item) = must_say_not_given(call, pack) {
        return NextStep::GiveAdvice { item };
    }
    let missing = call.missing(pack, now, prior);
    if let Some(field) = missing.iter().find_map(|m| match m {
        Missing::Field(field) => Some(*field),
        _ => None,
    }) {
        return NextStep::Record { field };
    }
    if let Some(field) = missing.iter().find_map(|m| match m {
        Missing::CustomField(field) => Some(field.clone()),
        _ => None,
    }) {
        return NextStep::RecordCustom { field };
    }
    // A checklist item not yet done is a step to take, not only a deviation to explain: the bar
    // leads to it before the close asks why it was not done.
    let unexplained = || {
        missing.iter().filter_map(|m| match m {
            Missing::Explanation(key) => Some(key.as_str()),
            // Safety questions, the code and decisions were dealt with above.
            _ => None,
        })
    };
    if let Some(item) = unexplained().find_map(|key| key.strip_prefix(CHECKLIST_KEY)) {
        return NextStep::Check {
            item: item.to_owned(),
        };
    }
    if let Some(deviation) = unexplained().next() {
        return NextStep::Explain {
            deviation: deviation.to_owned(),
        };
    }
    NextStep::Close
}

/// The first must-say item of the call's advice set not yet given: the compliance check's own
/// finding, in the set's order.
fn must_say_not_given(call: &Call, pack: &Pack) -> Option<String> {
    call.compliance(pack)
        .into_iter()
        .find_map(|issue| match issue {
            ComplianceIssue::MandatoryAdviceMissing(item) => Some(item),
            _ => None,
        })
}
