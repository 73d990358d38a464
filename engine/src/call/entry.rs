//! The completed incident log as the host CRM receives it (F2, F17; L2 1.3, 1.6: keep accurate and
//! complete records; NOS P3). One closed call becomes one `LogEntry`: the pack it was handled under,
//! the handler, every field, the decision with its reason, and every event in order, each stamped
//! with its time (ISO 8601, UTC) and the handler; corrections are events, never overwrites. The
//! format is published, versioned, as schema/log-entry.schema.json, generated from these types and
//! checked in CI.

use crate::kernel::SortedMap;

use schemars::JsonSchema;
use serde::Serialize;

use crate::call::{Call, ComplianceIssue, Event, MajorIncident};
use crate::kernel::Role;
use crate::kernel::{civil_from_days, Millis};
use crate::pack::fields::{entry_value, EntryValue};
use crate::pack::LogField;
use crate::pack::Pack;

/// The log entry format's identifier; the version changes whenever a field's meaning does.
pub const LOG_ENTRY_FORMAT: &str = "incident-desk/log-entry@1";

/// A call's incident log, for the host.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct LogEntry {
    /// Always `incident-desk/log-entry@1` for this version of the format.
    #[schemars(extend("const" = "incident-desk/log-entry@1"))]
    pub format: &'static str,
    /// The procedure pack the call was handled under.
    pub pack: PackRef,
    /// The handler's id.
    pub handler: String,
    /// What the handler was signed in as (the host's `configure`), if it said.
    pub handler_role: Option<Role>,
    /// When the call was answered.
    pub opened_at: String,
    /// When it was closed, if it has been.
    pub closed_at: Option<String>,
    /// The log fields as they stand (the latest record or correction of each), by name.
    pub fields: SortedMap<LogField, String>,
    /// The decision tree used, if any.
    pub tree: Option<String>,
    /// The code and priority, if decided.
    pub decision: Option<EntryDecision>,
    /// The major incident declared on this call, if any.
    pub major_incident: Option<EntryMajorIncident>,
    /// The CRM's records this call belongs to (from the host's `context.set`), if it said.
    pub crm: Option<EntryCrm>,
    /// Everything that happened, oldest first.
    pub events: Vec<EntryEvent>,
    /// Where the call did not follow the pack, for review (F13).
    pub compliance: Vec<ComplianceIssue>,
    /// The same deviations, each with the reason the handler recorded before closing (L3 1.6):
    /// an override's and a decline's own reason, or the explanation given at the close.
    pub deviations: Vec<EntryDeviation>,
    /// Which of `fields` are personal data (F21; NOS K2): the caller's name, callback number,
    /// connection to the incident, a vehicle registration and vulnerability, where recorded.
    pub personal_fields: Vec<LogField>,
    /// The organisation's own fields recorded (the pack's `fields`, issue 15), by id: text, a
    /// choice's id and a date and time (`2026-12-07T14:30`, local time as entered) as strings, a
    /// number as a number, yes or no as `true` or `false`. Absent when none were recorded.
    #[serde(skip_serializing_if = "SortedMap::is_empty")]
    pub custom_fields: SortedMap<String, EntryValue>,
    /// Which of `custom_fields` are personal data (the pack marks them `personal`). Absent when
    /// none are.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub personal_custom_fields: Vec<String>,
    /// The trees a continued assessment came through before `tree` (issue 15), oldest first,
    /// each with the outcome that continued it. Absent when the assessment used one tree.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub stages: Vec<EntryStage>,
    /// The external organisations the procedure said to notify on this call (the code's, and
    /// what each outcome reached added), by id; `events` says which were notified. Absent when
    /// none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notify: Vec<String>,
    /// The specialist routes that applied to this call (the pack's `routes`), by id. Absent
    /// when none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub routes: Vec<String>,
    /// The named deadlines of the call's code (and of the codes of `stages`), each with when it
    /// falls (the pack's `deadlines`, counted from `opened_at` under its calendar). Absent when
    /// none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub deadlines: Vec<EntryDeadline>,
}

/// A named deadline of the call, and when it falls.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct EntryDeadline {
    /// The code whose deadline it is.
    pub code: String,
    /// The deadline's id within the code.
    pub id: String,
    /// What must be done by then.
    pub name: String,
    /// When it falls (ISO 8601, UTC).
    pub due: String,
}

/// A tree whose outcome continued the assessment into another (issue 15).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct EntryStage {
    /// The tree's id.
    pub tree: String,
    /// The outcome it ended in.
    pub outcome: String,
    /// That outcome's code.
    pub code: String,
    /// That outcome's priority.
    pub priority: String,
}

/// A deviation from the procedure and why (F13; L3 1.6).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct EntryDeviation {
    /// The deviation's key within the call (`advice:<item>`, `checklist:<item>`,
    /// `declined:<level>`, `overridden`, `tree_not_completed`).
    pub key: String,
    /// What it is.
    pub issue: ComplianceIssue,
    /// The reason recorded, if any (a closed call always has one).
    pub reason: Option<String>,
}

/// The CRM's ids for the call and the contact, as the host gave them (the latest link).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct EntryCrm {
    /// The CRM's id for the call (its interaction or ticket id).
    pub call_id: Option<String>,
    /// The CRM's reference to the contact.
    pub contact_ref: Option<String>,
}

/// Which pack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct PackRef {
    /// The organisation's id.
    pub id: String,
    /// The pack's version.
    pub version: String,
}

/// The code and priority, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct EntryDecision {
    /// The incident code.
    pub code: String,
    /// The code's title.
    pub title: String,
    /// The priority (after any safety-net raise).
    pub priority: String,
    /// Why: the outcome's reason or the override's.
    pub reason: String,
    /// Whether the handler overrode the tree.
    pub overridden: bool,
}

/// A major incident declaration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct EntryMajorIncident {
    /// When.
    pub declared_at: String,
    /// Why.
    pub reason: String,
    /// Access routes, if known.
    pub access: String,
    /// Emergency services present or needed, if known.
    pub services: String,
}

/// One event of the log.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct EntryEvent {
    /// When (ISO 8601, UTC, milliseconds).
    pub at: String,
    /// The handler's id.
    pub by: String,
    /// What happened; `type` names it.
    #[serde(flatten)]
    pub what: Event,
    /// For an `answered` event: true once the handler went back and revised that answer (an
    /// `answer_revised` event follows); the answer no longer counts. Absent otherwise.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub revised: bool,
}

impl LogEntry {
    /// The entry for `call` as it stands, under `pack`.
    pub fn of(pack: &Pack, call: &Call) -> LogEntry {
        let file = pack.file();
        let closed_at = call
            .log()
            .iter()
            .rev()
            .find(|e| matches!(e.what, Event::Closed))
            .map(|e| iso8601(e.at));
        // Inserted one by one: collecting into a map would compile a sort for the pairs.
        let mut fields = SortedMap::new();
        for field in LogField::ALL {
            if let Some(value) = call.field(field) {
                fields.insert(field, value.to_owned());
            }
        }
        let personal_fields = fields.keys().copied().filter(|f| f.is_personal()).collect();
        let mut custom_fields = SortedMap::new();
        let mut personal_custom_fields = Vec::new();
        for (id, value) in call.custom_fields() {
            if let Some(field) = pack.custom_field(id) {
                custom_fields.insert(id.to_owned(), entry_value(field, value));
                if field.personal {
                    personal_custom_fields.push(id.to_owned());
                }
            }
        }
        let decision = call.decision().map(|d| EntryDecision {
            code: d.code.clone(),
            title: pack
                .code(&d.code)
                .map(|c| c.title.clone())
                .unwrap_or_default(),
            priority: d.priority.clone(),
            reason: d.reason.clone(),
            overridden: d.overridden,
        });
        let major_incident = call
            .major_incident()
            .map(|m: &MajorIncident| EntryMajorIncident {
                declared_at: iso8601(m.at),
                reason: m.reason.clone(),
                access: m.access.clone(),
                services: m.services.clone(),
            });
        let revised = call.revised_answers();
        let crm = call.crm_link().map(|(call_id, contact_ref)| EntryCrm {
            call_id: call_id.map(str::to_owned),
            contact_ref: contact_ref.map(str::to_owned),
        });
        LogEntry {
            format: LOG_ENTRY_FORMAT,
            pack: PackRef {
                id: file.organisation.id.clone(),
                version: file.version.clone(),
            },
            handler: call.handler().to_owned(),
            handler_role: call.handler_role(),
            opened_at: iso8601(call.opened_at()),
            closed_at,
            fields,
            tree: call.tree().map(str::to_owned),
            decision,
            major_incident,
            crm,
            events: call
                .log()
                .iter()
                .enumerate()
                .map(|(i, e)| EntryEvent {
                    at: iso8601(e.at),
                    by: e.by.clone(),
                    what: e.what.clone(),
                    revised: revised.binary_search(&i).is_ok(),
                })
                .collect(),
            compliance: call.compliance(pack),
            deviations: call
                .deviations(pack)
                .into_iter()
                .map(|d| EntryDeviation {
                    key: d.key,
                    issue: d.issue,
                    reason: d.reason,
                })
                .collect(),
            personal_fields,
            custom_fields,
            personal_custom_fields,
            stages: call
                .stages()
                .iter()
                .map(|s| {
                    let outcome = pack.tree(&s.tree).and_then(|t| t.outcome(&s.outcome));
                    EntryStage {
                        tree: s.tree.clone(),
                        outcome: s.outcome.clone(),
                        code: outcome.map(|o| o.code.clone()).unwrap_or_default(),
                        priority: outcome.map(|o| o.priority.clone()).unwrap_or_default(),
                    }
                })
                .collect(),
            notify: call.to_notify(pack),
            routes: call.routes(pack),
            deadlines: call
                .deadlines(pack)
                .into_iter()
                .map(|d| EntryDeadline {
                    code: d.code,
                    id: d.id,
                    name: d.name,
                    due: iso8601(d.due),
                })
                .collect(),
        }
    }

    /// The entry as JSON text.
    pub fn to_json(&self) -> String {
        // Serialising these types cannot fail (string keys, no maps with non-string keys, and
        // serde_json writes non-finite numbers as null), but the engine never panics: say so in
        // the text rather than unwrap.
        serde_json::to_string(self)
            .unwrap_or_else(|e| format!("{{\"format\":\"{LOG_ENTRY_FORMAT}\",\"error\":\"{e}\"}}"))
    }
}

/// `ms` since the Unix epoch as ISO 8601 in UTC with milliseconds, e.g.
/// `2027-01-15T08:00:00.000Z`.
pub fn iso8601(ms: Millis) -> String {
    let secs = ms / 1000;
    let (days, rest) = (secs / 86_400, secs % 86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60,
        ms % 1000
    )
}

/// The handler who closed the call of a published entry (its `handler`), read from the entry's
/// JSON without reading the rest; `None` when the text is not an entry. The widget shows a refused
/// entry's content only to that handler (F21).
pub fn handler_of(entry_json: &str) -> Option<String> {
    use crate::kernel::json_tree::{JsonTree, Node};
    let entry = JsonTree::parse(entry_json.as_bytes()).ok()?;
    entry
        .root()
        .last_member("handler")
        .and_then(Node::as_str)
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::iso8601;

    #[test]
    fn iso8601_matches_known_instants() {
        assert_eq!(iso8601(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso8601(951_782_400_000), "2000-02-29T00:00:00.000Z");
        assert_eq!(iso8601(1_800_000_000_123), "2027-01-15T08:00:00.123Z");
        assert_eq!(iso8601(4_102_444_799_999), "2099-12-31T23:59:59.999Z");
    }

    #[test]
    fn the_handler_is_read_from_an_entry_and_nothing_from_anything_else() {
        assert_eq!(
            super::handler_of(r#"{"format":"incident-desk/log-entry@1","handler":"a-7"}"#),
            Some("a-7".to_owned())
        );
        assert_eq!(super::handler_of("not json"), None);
        assert_eq!(super::handler_of(r#"{"handler": 7}"#), None);
    }
}
