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
pub(super) const COMMAND_TYPES: [&str; 9] = [
    "welcome",
    "configure",
    "context.set",
    "pack.load",
    "resources.update",
    "notices.set",
    "entry.ack",
    "entry.nack",
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
            HostCommand::Teardown(_) => "teardown",
        }
    }
}
