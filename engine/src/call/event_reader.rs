//! A call's [`Event`] read from its saved form (a draft's `log[].what`), by hand (issue 14: the
//! call screen's size; the derive read every event through serde's buffered content, about 50 KB
//! of wasm). The derive stays as the oracle: `engine/tests/json_tree.rs` checks that both accept
//! the same events, read them the same, and refuse the rest with the same message. Each refusal
//! is placed at the value it is about (`log[3].what.code`), where the derive could only name the
//! event.

use serde::de::Deserialize;

use crate::call::{AnswerValue, Event, Withdrawn};
use crate::kernel::json_path::ReadFailure;
use crate::kernel::json_tree::{read_tag, JsonTree, Node, TreeError, Value};
use crate::pack::LogField;

/// A variant's fields: each name and what it holds.
type Fields = &'static [(&'static str, Kind)];

/// What a field of an event holds.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Text, required.
    Text,
    /// Text, empty when absent (`#[serde(default)]`).
    TextOrEmpty,
    /// Text or null, none when absent.
    MaybeText,
    /// True or false, required.
    Flag,
    /// A log field's name.
    Field,
    /// An answer (`{"kind", "value"}`).
    Answer,
    /// A withdrawn code and priority, or null; none when absent.
    MaybeWithdrawn,
}

use Kind::{Answer, Field, Flag, MaybeText, MaybeWithdrawn, Text, TextOrEmpty};

/// Each variant's `type` and its fields in the order they are declared (a missing field is
/// named in this order, as the derive names it).
const VARIANTS: &[(&str, Fields)] = &[
    ("opened", &[("pack", Text), ("version", Text)]),
    ("field", &[("field", Field), ("value", Text)]),
    ("custom_field", &[("field", Text), ("value", Text)]),
    (
        "tree_continued",
        &[("from", Text), ("outcome", Text), ("to", Text)],
    ),
    ("tree_chosen", &[("tree", Text)]),
    (
        "answered",
        &[("node", Text), ("question", Text), ("value", Answer)],
    ),
    (
        "answer_revised",
        &[
            ("node", Text),
            ("question", Text),
            ("value", Answer),
            ("withdrawn", MaybeWithdrawn),
        ],
    ),
    (
        "coded",
        &[
            ("code", Text),
            ("priority", Text),
            ("reason", Text),
            ("overridden", Flag),
        ],
    ),
    ("advice_given", &[("item", MaybeText), ("text", Text)]),
    ("advice_refused", &[("limit", Text)]),
    (
        "escalated",
        &[
            ("level", Text),
            ("how", Text),
            ("why", Text),
            ("contact", TextOrEmpty),
            ("response", TextOrEmpty),
        ],
    ),
    (
        "corrected",
        &[("field", Field), ("value", Text), ("reason", Text)],
    ),
    ("escalation_declined", &[("level", Text), ("why", Text)]),
    (
        "notified",
        &[
            ("organisation", Text),
            ("channel", Text),
            ("address", Text),
            ("reference", TextOrEmpty),
            ("spoken_to", TextOrEmpty),
        ],
    ),
    (
        "notice_applied",
        &[
            ("id", Text),
            ("kind", Text),
            ("title", Text),
            ("text", TextOrEmpty),
        ],
    ),
    (
        "route_contacted",
        &[
            ("route", Text),
            ("channel", Text),
            ("address", Text),
            ("spoken_to", TextOrEmpty),
        ],
    ),
    (
        "handoff_sent",
        &[
            ("channel", Text),
            ("recipient", MaybeText),
            ("text", Text),
            ("read_back", Flag),
        ],
    ),
    ("checklist_ticked", &[("item", Text)]),
    (
        "safety_net_answered",
        &[("question", Text), ("asked", Text), ("yes", Flag)],
    ),
    (
        "priority_raised",
        &[("from", Text), ("to", Text), ("reason", Text)],
    ),
    (
        "major_incident_declared",
        &[("reason", Text), ("access", Text), ("services", Text)],
    ),
    (
        "crm_linked",
        &[("call_id", MaybeText), ("contact_ref", MaybeText)],
    ),
    (
        "deviation_explained",
        &[("deviation", Text), ("reason", Text)],
    ),
    ("closed", &[]),
];

/// The most fields a variant has.
const MOST_FIELDS: usize = 5;

/// One field's value, read.
enum Read {
    Text(String),
    MaybeText(Option<String>),
    Flag(bool),
    Field(LogField),
    Answer(AnswerValue),
    MaybeWithdrawn(Option<Withdrawn>),
}

/// The event in JSON text `bytes` (one `log[].what` of a draft), or why it is not one, at its
/// JSON path, line and column.
pub fn read(bytes: &[u8]) -> Result<Event, ReadFailure> {
    let tree = JsonTree::parse(bytes)?;
    read_event(tree.root()).map_err(|e| tree.explain(e))
}

/// The event `node` holds, or why it is not one.
pub(crate) fn read_event(node: &Node) -> Result<Event, TreeError> {
    let names: Vec<&str> = VARIANTS.iter().map(|(name, _)| *name).collect();
    let (which, members) = read_tag(node, "type", "internally tagged enum Event", &names)?;
    let (kind, fields) = VARIANTS[which];
    let mut values: [Option<Read>; MOST_FIELDS] = Default::default();
    // In the order written, as the derive reads them: the first wrong value is the one named.
    for (key, value) in members {
        if key.name == "type" {
            continue;
        }
        let Some(index) = fields.iter().position(|(name, _)| *name == key.name) else {
            continue;
        };
        if values[index].is_some() {
            let message = format!("duplicate field `{}`", fields[index].0);
            return Err(TreeError::at(&message, key.end));
        }
        values[index] = Some(read_value(fields[index].1, value)?);
    }
    for (index, (name, kind)) in fields.iter().enumerate() {
        if values[index].is_none() {
            values[index] = Some(match kind {
                TextOrEmpty => Read::Text(String::new()),
                MaybeText => Read::MaybeText(None),
                MaybeWithdrawn => Read::MaybeWithdrawn(None),
                _ => return Err(TreeError::at(&format!("missing field `{name}`"), node.end)),
            });
        }
    }
    Ok(build(kind, values))
}

/// A field's value, checked as the derive checks it.
fn read_value(kind: Kind, node: &Node) -> Result<Read, TreeError> {
    Ok(match (kind, &node.value) {
        (Text | TextOrEmpty, Value::String(text)) => Read::Text(text.to_string()),
        (Text | TextOrEmpty, _) => return node.refuse(&"a string"),
        (MaybeText, Value::Null) => Read::MaybeText(None),
        (MaybeText, Value::String(text)) => Read::MaybeText(Some(text.to_string())),
        (MaybeText, _) => return node.refuse(&"a string"),
        (Flag, Value::Bool(flag)) => Read::Flag(*flag),
        (Flag, _) => return node.refuse(&"a boolean"),
        (Field, Value::String(_)) => Read::Field(LogField::deserialize(node)?),
        (Field, Value::Object(members)) if members.len() != 1 => {
            return Err(TreeError::at(
                "invalid value: map, expected map with a single key",
                node.end,
            ))
        }
        (Field, Value::Object(_)) => Read::Field(LogField::deserialize(node)?),
        (Field, _) => return node.refuse(&"string or map"),
        (Answer, _) => Read::Answer(AnswerValue::deserialize(node)?),
        (MaybeWithdrawn, Value::Null) => Read::MaybeWithdrawn(None),
        (MaybeWithdrawn, _) => Read::MaybeWithdrawn(Some(Withdrawn::deserialize(node)?)),
    })
}

/// The values of an event's fields, taken in the order VARIANTS declares them. Each was checked
/// by [`read_value`], so the fallbacks are never used.
struct Values(std::iter::Flatten<std::array::IntoIter<Option<Read>, MOST_FIELDS>>);

impl Values {
    fn text(&mut self) -> String {
        match self.0.next() {
            Some(Read::Text(text)) => text,
            _ => String::new(),
        }
    }

    fn maybe_text(&mut self) -> Option<String> {
        match self.0.next() {
            Some(Read::MaybeText(text)) => text,
            _ => None,
        }
    }

    fn flag(&mut self) -> bool {
        matches!(self.0.next(), Some(Read::Flag(true)))
    }

    fn field(&mut self) -> LogField {
        match self.0.next() {
            Some(Read::Field(field)) => field,
            _ => LogField::CallerName,
        }
    }

    fn answer(&mut self) -> AnswerValue {
        match self.0.next() {
            Some(Read::Answer(answer)) => answer,
            _ => AnswerValue::Text(String::new()),
        }
    }

    fn withdrawn(&mut self) -> Option<Withdrawn> {
        match self.0.next() {
            Some(Read::MaybeWithdrawn(withdrawn)) => withdrawn,
            _ => None,
        }
    }
}

/// The event of variant `kind` from its fields' values.
fn build(kind: &str, values: [Option<Read>; MOST_FIELDS]) -> Event {
    let mut v = Values(values.into_iter().flatten());
    match kind {
        "opened" => Event::Opened {
            pack: v.text(),
            version: v.text(),
        },
        "tree_continued" => Event::TreeContinued {
            from: v.text(),
            outcome: v.text(),
            to: v.text(),
        },
        "custom_field" => Event::CustomField {
            field: v.text(),
            value: v.text(),
        },
        "field" => Event::Field {
            field: v.field(),
            value: v.text(),
        },
        "tree_chosen" => Event::TreeChosen { tree: v.text() },
        "answered" => Event::Answered {
            node: v.text(),
            question: v.text(),
            value: v.answer(),
        },
        "answer_revised" => Event::AnswerRevised {
            node: v.text(),
            question: v.text(),
            value: v.answer(),
            withdrawn: v.withdrawn(),
        },
        "coded" => Event::Coded {
            code: v.text(),
            priority: v.text(),
            reason: v.text(),
            overridden: v.flag(),
        },
        "advice_given" => Event::AdviceGiven {
            item: v.maybe_text(),
            text: v.text(),
        },
        "advice_refused" => Event::AdviceRefused { limit: v.text() },
        "escalated" => Event::Escalated {
            level: v.text(),
            how: v.text(),
            why: v.text(),
            contact: v.text(),
            response: v.text(),
        },
        "corrected" => Event::Corrected {
            field: v.field(),
            value: v.text(),
            reason: v.text(),
        },
        "escalation_declined" => Event::EscalationDeclined {
            level: v.text(),
            why: v.text(),
        },
        "notified" => Event::Notified {
            organisation: v.text(),
            channel: v.text(),
            address: v.text(),
            reference: v.text(),
            spoken_to: v.text(),
        },
        "notice_applied" => Event::NoticeApplied {
            id: v.text(),
            kind: v.text(),
            title: v.text(),
            text: v.text(),
        },
        "route_contacted" => Event::RouteContacted {
            route: v.text(),
            channel: v.text(),
            address: v.text(),
            spoken_to: v.text(),
        },
        "handoff_sent" => Event::HandoffSent {
            channel: v.text(),
            recipient: v.maybe_text(),
            text: v.text(),
            read_back: v.flag(),
        },
        "checklist_ticked" => Event::ChecklistTicked { item: v.text() },
        "safety_net_answered" => Event::SafetyNetAnswered {
            question: v.text(),
            asked: v.text(),
            yes: v.flag(),
        },
        "priority_raised" => Event::PriorityRaised {
            from: v.text(),
            to: v.text(),
            reason: v.text(),
        },
        "major_incident_declared" => Event::MajorIncidentDeclared {
            reason: v.text(),
            access: v.text(),
            services: v.text(),
        },
        "crm_linked" => Event::CrmLinked {
            call_id: v.maybe_text(),
            contact_ref: v.maybe_text(),
        },
        "deviation_explained" => Event::DeviationExplained {
            deviation: v.text(),
            reason: v.text(),
        },
        _ => Event::Closed,
    }
}
