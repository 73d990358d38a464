//! Commands from the host page.

#[allow(unused_imports)]
use super::*;

/// A command from the host, read and checked. Serialised, it is the `type` and `payload` of an
/// inbound message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(tag = "type", content = "payload")]
pub enum HostCommand {
    /// The host's answer to `hello`; `correlation` must be the hello's `id`.
    #[serde(rename = "welcome")]
    Welcome(Welcome),
    /// Who is at the widget and how it looks. Replaces the whole configuration: send it again to
    /// change anything.
    #[serde(rename = "configure")]
    Configure(Configure),
    /// The CRM's context for the next call: replaces the previous context.
    #[serde(rename = "context.set")]
    ContextSet(ContextSet),
    /// Load this procedure pack.
    #[serde(rename = "pack.load")]
    PackLoad(PackLoad),
    /// Live unit availability; units not listed keep their status.
    #[serde(rename = "resources.update")]
    ResourcesUpdate(ResourcesUpdate),
    /// The live notices in force now (issue 15): replaces every notice sent before; an empty list
    /// ends them all.
    #[serde(rename = "notices.set")]
    NoticesSet(NoticesSet),
    /// The host stored the completed entry with this key.
    #[serde(rename = "entry.ack")]
    EntryAck(EntryAck),
    /// The host could not store the entry with this key.
    #[serde(rename = "entry.nack")]
    EntryNack(EntryNack),
    /// An incident the CRM holds, for the supervisor's console: put on its board if it is not
    /// there yet, else nothing changes (send every open incident again on each connection).
    #[serde(rename = "incident.open")]
    IncidentOpen(IncidentOpen),
    /// What a unit reported about its deployment to an incident, relayed to the console.
    #[serde(rename = "incident.report")]
    IncidentReport(IncidentReport),
    /// The CRM stored the console's incident event with this key.
    #[serde(rename = "incident.ack")]
    IncidentAck(IncidentAck),
    /// Closed calls' deviations from the procedure, for the console's procedure check (F13): each
    /// added to its queue once (by call and deviation).
    #[serde(rename = "review.add")]
    ReviewAdd(ReviewAdd),
    /// The centre's recent calls, taken by anyone, for repeat-caller triggers: replaces the list
    /// sent before; an empty list clears it.
    #[serde(rename = "history.set")]
    HistorySet(HistorySet),
    /// Clear local data and end the session (logout on a shared PC).
    #[serde(rename = "teardown")]
    Teardown(Teardown),
}

/// The `welcome` payload: nothing yet.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Welcome {}

/// The `teardown` payload: nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Teardown {}

/// The `configure` payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Configure {
    /// The signed-in person's id in the CRM: it stamps every log event.
    #[schemars(length(min = 1, max = 128))]
    pub agent_id: String,
    /// The name they give callers, which fills `{agent}` in the greeting, the closing and the
    /// control phrases; absent: those show a "your name" gap to fill by voice.
    #[serde(default)]
    #[schemars(length(min = 1, max = 128))]
    pub agent_name: Option<String>,
    /// What they do.
    pub role: Role,
    /// Their locale, for dates and numbers; the pack's wording is the pack's.
    #[serde(default)]
    pub locale: Option<Locale>,
    /// `--idk-*` custom properties.
    #[serde(default)]
    pub theme: Theme,
    /// The widget's stacking level, 0 to 2147483647.
    #[serde(default)]
    #[schemars(range(min = 0, max = 2147483647))]
    pub z_index: Option<u32>,
    /// Deliver completed entries by HTTP POST here as well as by postMessage; `null` or absent
    /// for postMessage only.
    #[serde(default)]
    pub endpoint: Option<Endpoint>,
    /// The bearer token for the endpoint (`Authorization: Bearer <token>`); `null` or absent for
    /// none. Never stored, logged or sent back; send it again after a reload, and send a new one
    /// when the widget says delivery.sign_in_needed.
    #[serde(default)]
    pub token: Option<BearerToken>,
    /// The key the widget encrypts its drafts and outbox with (AES-256-GCM, 32 bytes as base64);
    /// `null` or absent: stored as plain text. Memory only.
    #[serde(default)]
    pub storage_key: Option<StorageKey>,
}

/// The `context.set` payload; every field may be left out or `null`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ContextSet {
    /// The CRM's id for the call (its interaction or ticket id).
    #[serde(default)]
    #[schemars(length(min = 1, max = 128))]
    pub call_id: Option<String>,
    /// The CRM's reference to the contact (not a name).
    #[serde(default)]
    #[schemars(length(min = 1, max = 128))]
    pub contact_ref: Option<String>,
    /// The caller's number, to prefill the callback number: digits, spaces, `+ ( ) - .`.
    #[serde(default)]
    #[schemars(length(min = 3, max = 32), regex(pattern = r"^\+?[0-9 ().-]+$"))]
    pub caller_number: Option<String>,
}

/// The `pack.load` payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PackLoad {
    /// Where the pack is.
    pub url: PackUrl,
}

/// The `resources.update` payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ResourcesUpdate {
    /// The units whose status changed (each id once).
    #[schemars(length(max = 1000))]
    pub units: Vec<UnitUpdate>,
}

/// The `notices.set` payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoticesSet {
    /// Every notice in force now (each id once).
    #[schemars(length(max = 200))]
    pub notices: Vec<Notice>,
}

/// A call linked to an incident the CRM opens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IncidentCall {
    /// The call's reference in the CRM.
    #[schemars(length(min = 1, max = 128))]
    pub reference: String,
    /// Who took it: the handler's id.
    #[schemars(length(min = 1, max = 128))]
    pub handler: String,
}

/// The `incident.open` payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IncidentOpen {
    /// The incident's reference in the CRM: the console's for it too.
    #[schemars(length(min = 1, max = 64))]
    pub reference: String,
    /// The incident code (one of the pack's).
    #[schemars(length(min = 1, max = 128))]
    pub code: String,
    /// The priority's id (one of the pack's).
    #[schemars(length(min = 1, max = 128))]
    pub priority: String,
    /// Where.
    #[schemars(length(min = 1, max = 1000))]
    pub location: String,
    /// What is happening, in a line (keep personal data out of it); may be empty.
    #[serde(default)]
    #[schemars(length(max = 1000))]
    pub summary: String,
    /// The zone units are sent to, if known (one of the units' zones).
    #[serde(default)]
    #[schemars(length(min = 1, max = 128))]
    pub zone: Option<String>,
    /// Whether someone involved is vulnerable (who stays in the CRM).
    #[serde(default)]
    pub vulnerable: bool,
    /// The dangers known (the pack's safety flags' labels).
    #[serde(default)]
    #[schemars(length(max = 50))]
    pub safety: Vec<String>,
    /// The external organisations to tell, by id; absent or empty: the code's.
    #[serde(default)]
    #[schemars(length(max = 50))]
    pub notify: Vec<String>,
    /// The call it was opened from, if any.
    #[serde(default)]
    pub call: Option<IncidentCall>,
}

/// The `incident.report` payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IncidentReport {
    /// The incident's reference.
    #[schemars(length(min = 1, max = 64))]
    pub reference: String,
    /// The unit's id in the pack.
    #[schemars(length(min = 1, max = 128))]
    pub unit: String,
    /// What it reported: `acknowledged`, `en_route`, `on_scene`, `update` or `cleared`.
    #[schemars(regex(pattern = r"^(acknowledged|en_route|on_scene|update|cleared)$"))]
    pub report: String,
    /// With `acknowledged`: its estimate of arrival, in minutes (0 to 1440).
    #[serde(default)]
    #[schemars(range(min = 0, max = 1440))]
    pub eta_minutes: Option<u32>,
    /// With `update` (required there): what it said.
    #[serde(default)]
    #[schemars(length(min = 1, max = 1000))]
    pub note: Option<String>,
}

impl IncidentOpen {
    /// The board's opening for it, the call linked at `at` (when it arrived).
    pub fn opening(&self, at: crate::kernel::Millis) -> crate::incident::Opening {
        crate::incident::Opening {
            reference: self.reference.clone(),
            code: self.code.clone(),
            priority: self.priority.clone(),
            location: self.location.clone(),
            summary: self.summary.clone(),
            safety: self.safety.clone(),
            vulnerable: self.vulnerable,
            notify: self.notify.clone(),
            call: self.call.as_ref().map(|c| crate::incident::LinkedCall {
                reference: c.reference.clone(),
                handler: c.handler.clone(),
                at,
            }),
            zone: self.zone.clone(),
        }
    }
}

impl IncidentReport {
    /// The board's command for it.
    pub fn command(&self) -> crate::incident::BoardCommand {
        use crate::incident::UnitReport;
        let report = match self.report.as_str() {
            "acknowledged" => UnitReport::Acknowledged {
                eta_minutes: self.eta_minutes,
            },
            "en_route" => UnitReport::EnRoute,
            "on_scene" => UnitReport::OnScene,
            "update" => UnitReport::Update {
                note: self.note.clone().unwrap_or_default(),
            },
            _ => UnitReport::Cleared,
        };
        crate::incident::BoardCommand::Report {
            incident: self.reference.clone(),
            unit: self.unit.clone(),
            report,
        }
    }
}

impl HistoryCall {
    /// As the call screen's repeat-caller triggers read an earlier call.
    pub fn prior(&self) -> crate::call::PriorCall {
        crate::call::PriorCall {
            at: self.at,
            callback: self.callback.clone(),
            location: self.location.clone(),
        }
    }
}

/// The `incident.ack` payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IncidentAck {
    /// The event's key, from its payload (`<reference>#<n>`).
    #[schemars(length(min = 1, max = 128))]
    pub key: String,
}

/// A call in `history.set`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HistoryCall {
    /// When it was answered, in milliseconds since 1970 (UTC).
    pub at: u64,
    /// The callback number given (may be empty when none was).
    #[schemars(length(max = 32))]
    pub callback: String,
    /// The location given (may be empty).
    #[schemars(length(max = 1000))]
    pub location: String,
}

/// The `history.set` payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HistorySet {
    /// The recent calls (at most 1,000; the widget looks back as far as the pack's repeat-caller
    /// triggers do).
    #[schemars(length(max = 1000))]
    pub calls: Vec<HistoryCall>,
}

/// A deviation in `review.add`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewAddItem {
    /// The call's reference (the CRM's call id).
    #[schemars(length(min = 1, max = 128))]
    pub call: String,
    /// Who took it: the handler's id.
    #[schemars(length(min = 1, max = 128))]
    pub handler: String,
    /// The call's code, if one was decided.
    #[serde(default)]
    #[schemars(length(min = 1, max = 128))]
    pub code: Option<String>,
    /// When the call closed, in milliseconds since 1970 (UTC).
    pub closed_at: u64,
    /// The deviation's key within the call, from the entry's `deviations[].key`.
    #[schemars(length(min = 1, max = 128))]
    pub deviation: String,
    /// What it is, in words (the console says it in the pack's words itself when it knows the
    /// key's kind).
    #[schemars(length(min = 1, max = 1000))]
    pub what: String,
    /// The handler's reason, from the entry's `deviations[].reason`.
    #[schemars(length(min = 1, max = 1000))]
    pub reason: String,
}

/// The `review.add` payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewAdd {
    /// The deviations (at most 500).
    #[schemars(length(max = 500))]
    pub items: Vec<ReviewAddItem>,
}

impl ReviewAdd {
    /// The board's queue items for them: what each is said in `pack`'s words where its key is of
    /// a kind the pack names, else the host's words.
    pub fn items(&self, pack: &Pack) -> Vec<crate::incident::ReviewItem> {
        self.items
            .iter()
            .map(|i| {
                let said = crate::call::deviation_label(pack, &i.deviation);
                crate::incident::ReviewItem {
                    key: crate::incident::review::review_key(&i.call, &i.deviation),
                    call: i.call.clone(),
                    handler: i.handler.clone(),
                    code: i.code.clone(),
                    closed_at: i.closed_at,
                    what: if said == i.deviation {
                        i.what.clone()
                    } else {
                        said
                    },
                    deviation: i.deviation.clone(),
                    reason: i.reason.clone(),
                    decision: None,
                }
            })
            .collect()
    }
}

/// The `entry.ack` payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EntryAck {
    /// The entry's idempotency key, from `entry.completed`.
    #[schemars(
        with = "String",
        regex(
            pattern = r"^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$"
        )
    )]
    pub key: IdempotencyKey,
}

/// The `entry.nack` payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EntryNack {
    /// The entry's idempotency key, from `entry.completed`.
    #[schemars(
        with = "String",
        regex(
            pattern = r"^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$"
        )
    )]
    pub key: IdempotencyKey,
    /// Why, for the handler (shown in the dead-letter list; keep personal data out of it).
    #[schemars(length(min = 1, max = 1000))]
    pub reason: String,
    /// `true` if the entry will never be accepted as it is (it goes to the dead letters); `false`
    /// to have it retried.
    pub permanent: bool,
}

impl EntryNack {
    /// The outbox's view of this refusal.
    pub fn failure(&self) -> Failure {
        Failure::HostNack {
            permanent: self.permanent,
            reason: self.reason.clone(),
        }
    }
}

/// The command types, for `hello` and for refusals of unknown ones.
pub(super) const COMMAND_TYPES: [&str; 14] = [
    "welcome",
    "configure",
    "context.set",
    "pack.load",
    "resources.update",
    "notices.set",
    "entry.ack",
    "entry.nack",
    "incident.open",
    "incident.report",
    "incident.ack",
    "review.add",
    "history.set",
    "teardown",
];

impl HostCommand {
    /// Its `type`.
    pub fn type_name(&self) -> &'static str {
        match self {
            HostCommand::Welcome(_) => "welcome",
            HostCommand::Configure(_) => "configure",
            HostCommand::ContextSet(_) => "context.set",
            HostCommand::PackLoad(_) => "pack.load",
            HostCommand::ResourcesUpdate(_) => "resources.update",
            HostCommand::NoticesSet(_) => "notices.set",
            HostCommand::EntryAck(_) => "entry.ack",
            HostCommand::EntryNack(_) => "entry.nack",
            HostCommand::IncidentOpen(_) => "incident.open",
            HostCommand::IncidentReport(_) => "incident.report",
            HostCommand::IncidentAck(_) => "incident.ack",
            HostCommand::ReviewAdd(_) => "review.add",
            HostCommand::HistorySet(_) => "history.set",
            HostCommand::Teardown(_) => "teardown",
        }
    }
}
