//! A call, from answer to close, as a state machine (F2, F3, F5, F6; L2 1.3, 1.4, 1.6, 1.7, 3.3,
//! 3.5, 3.6; NOS P1–P3).
//!
//! The widget sends commands (record a log field, choose a tree, answer the current question,
//! override the code with a reason, give advice, escalate, close, correct) with the time; the call
//! either applies the command and says what the widget should do next (`Effect`s), or refuses it
//! with a reason the handler can act on (`Refusal`). Everything that happens is appended to the
//! incident log, stamped with the time and the handler; nothing in it is ever overwritten:
//! corrections are new events. The clock is an argument, so tests are deterministic.

use std::collections::BTreeMap;

use crate::advice::check_advice;
use crate::pack::{
    AdviceKind, AdviceLimit, AdviceSet, Answer, Condition, LogField, Medium, Next, TriggerCondition,
};
use crate::validate::Pack;

/// Milliseconds since the Unix epoch, from the caller's clock.
pub type Millis = u64;

/// An answer to a tree question.
#[derive(Debug, Clone, PartialEq)]
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
    /// Escalate to a level.
    Escalate {
        /// The escalation level's id.
        level: String,
        /// How it was done (channel, person).
        how: String,
        /// Why.
        why: String,
    },
    /// Record that an external organisation was told, by one of its contacts (F7; L2 2.1).
    NotifyOrganisation {
        /// The external organisation's id.
        organisation: String,
        /// The channel used (one of the organisation's contacts).
        channel: String,
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
    /// Close the call.
    Close,
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
    /// The answer does not fit the question (wrong kind, unknown option, out of range).
    #[error("that answer does not fit question \"{node}\": {why}")]
    AnswerDoesNotFit {
        /// The question.
        node: String,
        /// What is wrong.
        why: String,
    },
    /// No such code or priority.
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
    /// Free-text advice breaks a limit.
    #[error("this advice breaks the rule \"{rule}\" (it says \"{matched}\")")]
    AdviceOverLimit {
        /// The limit's id.
        limit: String,
        /// The rule as the handler is shown it.
        rule: String,
        /// The words that broke it.
        matched: String,
        /// Approved wording to offer instead.
        instead: Option<String>,
        /// The escalation level that may go further.
        may_go_further: Option<String>,
    },
    /// A message on a spoken channel must be read back before it counts as passed.
    #[error("on {0}, ask the recipient to read the message back and confirm it before recording it as sent")]
    ReadBackNeeded(String),
    /// Closing needs these fields first.
    #[error("the call cannot be closed yet; missing: {}", .0.iter().map(|f| format!("{f:?}")).collect::<Vec<_>>().join(", "))]
    MissingFields(Vec<Missing>),
}

/// Something the log needs before the call can close.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Missing {
    /// An incident code.
    Code,
    /// A field the code requires.
    Field(LogField),
}

/// What the widget should do after a command.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Tell screen-reader users (a live region).
    Announce(String),
    /// The call is closed: hand the log to the host.
    Completed,
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

/// What happened.
#[derive(Debug, Clone, PartialEq)]
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
    /// A tree was chosen.
    TreeChosen(String),
    /// A question was asked and answered.
    Answered {
        /// The question's id.
        node: String,
        /// The question as asked.
        question: String,
        /// The answer.
        value: AnswerValue,
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
    /// Free-text advice was refused because it broke a limit.
    AdviceRefused {
        /// The limit.
        limit: String,
    },
    /// The call was escalated.
    Escalated {
        /// The level.
        level: String,
        /// How.
        how: String,
        /// Why.
        why: String,
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
    ChecklistTicked(String),
    /// The call was closed.
    Closed,
}

/// Where a closed call did not follow the pack (F13; L3 1.6; P3).
#[derive(Debug, Clone, PartialEq, Eq)]
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
}

/// An escalation the pack's triggers propose; the handler decides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    /// The level proposed.
    pub level: String,
    /// Why.
    pub reason: String,
}

/// A call in progress or closed.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    handler: String,
    opened_at: Millis,
    closed: bool,
    log: Vec<LogEvent>,
    fields: BTreeMap<LogField, String>,
    tree: Option<String>,
    current: Option<String>,
    answers: Vec<(String, AnswerValue)>,
    decision: Option<Decision>,
}

impl Call {
    /// Answers a call under `pack`, by `handler`, at `at`.
    pub fn open(pack: &Pack, handler: &str, at: Millis) -> Call {
        let mut call = Call {
            handler: handler.to_owned(),
            opened_at: at,
            closed: false,
            log: Vec::new(),
            fields: BTreeMap::new(),
            tree: None,
            current: None,
            answers: Vec::new(),
            decision: None,
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

    /// Whether the call is closed.
    pub fn is_closed(&self) -> bool {
        self.closed
    }

    /// The current value of a field (the latest record or correction).
    pub fn field(&self, field: LogField) -> Option<&str> {
        self.fields.get(&field).map(String::as_str)
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
            Command::ChooseTree { tree } => {
                let found = pack
                    .tree(&tree)
                    .ok_or_else(|| Refusal::NoSuchTree(tree.clone()))?;
                self.tree = Some(tree.clone());
                self.answers.clear();
                self.record(at, Event::TreeChosen(tree));
                let start = Next::Node(found.start.clone());
                Ok(self.go(pack, at, start))
            }
            Command::Answer { node, value } => self.answer(pack, at, node, value),
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
                };
                Ok(self.decide(at, decision))
            }
            Command::GiveAdvice { item } => {
                let found = pack.file().advice.items.iter().find(|a| a.id == item);
                let text = found
                    .ok_or_else(|| Refusal::Unknown {
                        what: "advice item",
                        id: item.clone(),
                    })?
                    .text
                    .clone();
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
                if let Some(breach) = check_advice(&text, limits) {
                    let refusal = Refusal::AdviceOverLimit {
                        limit: breach.limit.id.clone(),
                        rule: breach.limit.rule.clone(),
                        matched: breach.matched,
                        instead: breach.limit.instead.clone(),
                        may_go_further: breach.limit.may_go_further.clone(),
                    };
                    let limit = breach.limit.id.clone();
                    self.record(at, Event::AdviceRefused { limit });
                    return Err(refusal);
                }
                self.record(at, Event::AdviceGiven { item: None, text });
                Ok(vec![])
            }
            Command::Escalate { level, how, why } => {
                let found = pack.file().escalation.levels.iter().find(|l| l.id == level);
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
                self.record(at, Event::Escalated { level, how, why });
                Ok(vec![Effect::Announce(format!("Escalated to {name}"))])
            }
            Command::NotifyOrganisation {
                organisation,
                channel,
            } => {
                let file = pack.file();
                let org = file
                    .external_organisations
                    .iter()
                    .find(|o| o.id == organisation);
                let org = org.ok_or_else(|| Refusal::Unknown {
                    what: "external organisation",
                    id: organisation.clone(),
                })?;
                let contact = org.contacts.iter().find(|c| c.channel == channel);
                let address = contact
                    .ok_or_else(|| Refusal::Unknown {
                        what: "contact channel",
                        id: channel.clone(),
                    })?
                    .address
                    .clone();
                let name = org.name.clone();
                self.record(
                    at,
                    Event::Notified {
                        organisation,
                        channel,
                        address,
                    },
                );
                Ok(vec![Effect::Announce(format!("{name} notified"))])
            }
            Command::SendHandoff {
                channel,
                recipient,
                text,
                read_back,
            } => {
                let found = pack.file().channels.iter().find(|c| c.id == channel);
                let found = found.ok_or_else(|| Refusal::Unknown {
                    what: "channel",
                    id: channel.clone(),
                })?;
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
                self.record(at, Event::ChecklistTicked(item));
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
            Command::Close => {
                let missing = self.missing(pack);
                if !missing.is_empty() {
                    return Err(Refusal::MissingFields(missing));
                }
                self.closed = true;
                self.record(at, Event::Closed);
                Ok(vec![Effect::Completed])
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

    /// What closing needs that the log does not have yet.
    pub fn missing(&self, pack: &Pack) -> Vec<Missing> {
        let Some(decision) = &self.decision else {
            return vec![Missing::Code];
        };
        let required = pack
            .code(&decision.code)
            .map(|c| c.required_fields.as_slice())
            .unwrap_or_default();
        required
            .iter()
            .filter(|f| self.fields.get(f).is_none_or(|v| v.trim().is_empty()))
            .map(|f| Missing::Field(*f))
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
        let code = pack.code(&decision.code);
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
                Event::ChecklistTicked(item) => Some(item.as_str()),
                _ => None,
            })
            .collect();
        for law in code.map(|c| c.legislation.as_slice()).unwrap_or_default() {
            for item in file
                .legislation
                .iter()
                .filter(|l| &l.id == law)
                .flat_map(|l| &l.checklist)
            {
                if !ticked.contains(&item.id.as_str()) {
                    issues.push(ComplianceIssue::ChecklistNotDone(item.id.clone()));
                }
            }
        }
        issues
    }

    /// Escalations the pack proposes now, each with its reason; `now` for elapsed-time triggers.
    pub fn proposals(&self, pack: &Pack, now: Millis) -> Vec<Proposal> {
        let file = pack.file();
        let mut out = Vec::new();
        if let Some(level) = self.decision.as_ref().and_then(|d| d.escalation.clone()) {
            let reason = self
                .decision
                .as_ref()
                .map(|d| d.reason.clone())
                .unwrap_or_default();
            out.push(Proposal { level, reason });
        }
        let words: String = self
            .fields
            .values()
            .chain(self.answers.iter().filter_map(|(_, v)| match v {
                AnswerValue::Text(t) => Some(t),
                _ => None,
            }))
            .map(|v| v.to_lowercase())
            .collect::<Vec<_>>()
            .join(" ");
        let rank = self
            .decision
            .as_ref()
            .and_then(|d| pack.priority_rank(&d.priority));
        for trigger in &file.escalation.triggers {
            let fires = match &trigger.when {
                TriggerCondition::PriorityAtLeast(p) => {
                    matches!((rank, pack.priority_rank(p)), (Some(r), Some(t)) if r <= t)
                }
                TriggerCondition::Keywords(keywords) => {
                    keywords.iter().any(|k| words.contains(&k.to_lowercase()))
                }
                TriggerCondition::ElapsedMinutes(m) => {
                    now.saturating_sub(self.opened_at) >= u64::from(*m) * 60_000
                }
                TriggerCondition::VulnerableCaller => self
                    .fields
                    .get(&LogField::Vulnerability)
                    .is_some_and(|v| !v.trim().is_empty()),
                TriggerCondition::Codes(codes) => self
                    .decision
                    .as_ref()
                    .is_some_and(|d| codes.contains(&d.code)),
                // Repeat calls need the host's history and major incidents a declaration: later.
                TriggerCondition::RepeatCaller { .. } | TriggerCondition::MajorIncident => false,
            };
            if fires && !out.iter().any(|p: &Proposal| p.level == trigger.level) {
                out.push(Proposal {
                    level: trigger.level.clone(),
                    reason: trigger.reason.clone(),
                });
            }
        }
        out
    }

    /// The advice set for the call now: the outcome's own, or else the decided code's.
    pub fn advice_set<'p>(&self, pack: &'p Pack) -> Option<&'p AdviceSet> {
        let decision = self.decision.as_ref()?;
        let id = decision.advice_set.as_deref().or_else(|| {
            pack.code(&decision.code)
                .and_then(|c| c.advice_set.as_deref())
        })?;
        pack.file().advice.sets.iter().find(|s| s.id == id)
    }

    /// The advice limits that apply now: those that apply everywhere, and those of the call's
    /// advice set.
    pub fn limits_in_force<'p>(&self, pack: &'p Pack) -> Vec<&'p AdviceLimit> {
        let set_limits: &[String] = self
            .advice_set(pack)
            .map(|s| s.limits.as_slice())
            .unwrap_or_default();
        pack.file()
            .advice
            .limits
            .iter()
            .filter(|l| l.everywhere || set_limits.contains(&l.id))
            .collect()
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
            .nodes
            .iter()
            .find(|n| n.id == node)
            .ok_or_else(|| Refusal::NoSuchTree(tree.id.clone()))?;
        let misfit = |why: &str| Refusal::AnswerDoesNotFit {
            node: node.clone(),
            why: why.to_owned(),
        };
        let next = match (&question.answer, &value) {
            (Answer::Choice { options }, AnswerValue::Option(id)) => options
                .iter()
                .find(|o| &o.id == id)
                .map(|o| o.next.clone())
                .ok_or_else(|| misfit("no such option"))?,
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
        let asked = question.question.clone();
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
                    let Some(node) = tree.nodes.iter().find(|n| n.id == id) else {
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
                    let Some(outcome) = tree.outcomes.iter().find(|o| o.id == id) else {
                        break;
                    };
                    let decision = Decision {
                        code: outcome.code.clone(),
                        priority: outcome.priority.clone(),
                        reason: outcome.reason.clone(),
                        advice_set: outcome.advice_set.clone(),
                        escalation: outcome.escalation.clone(),
                        overridden: false,
                    };
                    return self.decide(at, decision);
                }
            }
        }
        self.current = None;
        vec![]
    }

    fn decide(&mut self, at: Millis, decision: Decision) -> Vec<Effect> {
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
        self.decision = Some(decision);
        vec![Effect::Announce(announce)]
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
