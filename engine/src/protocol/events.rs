//! Events from the widget to the host page.

#[allow(unused_imports)]
use super::*;

/// An event for the host. Serialised, it is the `type` and `payload` of an outbound message.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(tag = "type", content = "payload")]
pub enum HostEvent {
    /// The widget's first message; the host answers `welcome`.
    #[serde(rename = "hello")]
    Hello(Hello),
    /// The widget is ready for commands.
    #[serde(rename = "ready")]
    Ready(Ready),
    /// A procedure pack was loaded and checked.
    #[serde(rename = "pack.loaded")]
    PackLoaded(PackLoaded),
    /// A procedure pack could not be used.
    #[serde(rename = "pack.error")]
    PackError(PackError),
    /// The handler answered a call.
    #[serde(rename = "call.started")]
    CallStarted(CallStarted),
    /// A call was restored from its draft after a reload, with its CRM link: the CRM re-attaches
    /// it to the interaction it already has rather than sending context for a new call.
    #[serde(rename = "call.resumed")]
    CallResumed(CallResumed),
    /// The call must be escalated.
    #[serde(rename = "escalation.required")]
    EscalationRequired(EscalationRequired),
    /// A call was completed: the host stores the entry and answers `entry.ack` (or
    /// `entry.nack`) with its key. The same key may come again after a reload or a lost answer;
    /// the host keeps the first copy.
    #[serde(rename = "entry.completed")]
    EntryCompleted(EntryCompleted),
    /// An entry's delivery is confirmed (by the host's ack or the HTTP endpoint).
    #[serde(rename = "entry.delivered")]
    EntryDelivered(EntryDelivered),
    /// The HTTP endpoint redirected a POST or answered 401: its sign-in has expired. Entries for
    /// it wait, nothing is lost; send configure with a new token.
    #[serde(rename = "delivery.sign_in_needed")]
    DeliverySignInNeeded(DeliverySignInNeeded),
    /// The outbox's counts.
    #[serde(rename = "outbox.status")]
    OutboxStatus(#[schemars(with = "OutboxCounts")] OutboxStatus),
    /// The widget's content height changed: the host sizes the iframe to it.
    #[serde(rename = "resize")]
    Resize(Resize),
    /// A message from the host was refused (every code but two: not acted on; for
    /// `endpoint_not_allowed`, acted on but for its endpoint and token), or a teardown could not
    /// erase what it erases (`teardown_failed`, answering the teardown instead of
    /// `teardown.done`).
    #[serde(rename = "error")]
    Error(ErrorReport),
    /// The supervisor's console opened an incident. Like every `incident.*` event it has a
    /// `key`: answer `incident.ack` with it once stored; until then it is sent again each time the
    /// console opens, and the host keeps the first copy of a key.
    #[serde(rename = "incident.opened")]
    IncidentOpened(#[schemars(with = "crate::incident::events::Opened")] IncidentJson),
    /// A unit's tasking message: relay it to the unit over the channel named.
    #[serde(rename = "incident.tasked")]
    IncidentTasked(#[schemars(with = "crate::incident::events::TaskedUnit")] IncidentJson),
    /// Anything else the supervisor recorded on an incident's timeline.
    #[serde(rename = "incident.changed")]
    IncidentChanged(#[schemars(with = "crate::incident::events::Changed")] IncidentJson),
    /// The supervisor closed an incident with its outcome.
    #[serde(rename = "incident.closed")]
    IncidentClosed(#[schemars(with = "crate::incident::events::Closed")] IncidentJson),
    /// The supervisor decided on a deviation in the procedure check (F13): signed off, or raised
    /// for coaching. Answer `incident.ack` with its key, as for the `incident.*` events.
    #[serde(rename = "review.decided")]
    ReviewDecided(#[schemars(with = "crate::incident::review::Decided")] IncidentJson),
    /// The host's teardown is finished: every call draft and delivered key was erased; entries
    /// not yet delivered are kept (nothing is ever dropped) and counted.
    #[serde(rename = "teardown.done")]
    TeardownDone(TeardownDone),
}

/// The `hello` payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Hello {
    /// The widget's version.
    pub widget_version: String,
    /// The command types this widget understands.
    pub commands: Vec<String>,
}

/// The `ready` payload: nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Ready {}

/// The `pack.loaded` payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct PackLoaded {
    /// The organisation's id in the pack.
    pub id: String,
    /// The pack's version.
    pub version: String,
}

/// The `pack.error` payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct PackError {
    /// What is wrong, as the handler sees it.
    pub message: String,
}

/// The `call.started` payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct CallStarted {
    /// The call's id (the CRM's from `context.set`, or the widget's own).
    pub call_id: String,
}

/// The `call.resumed` payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct CallResumed {
    /// The call's id in the widget (as in its `call.started`).
    pub call_id: String,
    /// The CRM's id for the call, from the `context.set` it was started with, or `null`.
    pub crm_call_id: Option<String>,
    /// The CRM's reference to the contact, from that `context.set`, or `null`.
    pub contact_ref: Option<String>,
}

/// The `delivery.sign_in_needed` payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct DeliverySignInNeeded {
    /// The endpoint that wants a sign-in.
    #[schemars(extend("format" = "uri"))]
    pub endpoint: String,
    /// What it answered, in a few words ("redirected", "HTTP 401").
    pub reason: String,
}

/// The `teardown.done` payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct TeardownDone {
    /// How many entries not yet delivered were kept.
    pub kept: usize,
}

/// The `escalation.required` payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct EscalationRequired {
    /// The escalation level's id in the pack.
    pub level: String,
    /// Why, in the pack's words.
    pub reason: String,
}

/// The `entry.completed` payload.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct EntryCompleted {
    /// The entry's idempotency key, the same for every send of it.
    #[schemars(with = "String")]
    pub key: IdempotencyKey,
    /// The log entry (schema/log-entry.schema.json).
    #[schemars(with = "Value")]
    pub entry: EntryJson,
}

/// A log entry's JSON text, put into the message as it is: never read into a `Value` and written
/// out again (the entry's members keep their order).
#[derive(Debug, Clone, Serialize)]
#[serde(transparent)]
pub struct EntryJson(Box<serde_json::value::RawValue>);

impl EntryJson {
    /// The entry's JSON text.
    pub fn get(&self) -> &str {
        self.0.get()
    }
}

impl PartialEq for EntryJson {
    fn eq(&self, other: &Self) -> bool {
        self.get() == other.get()
    }
}

/// An incident event's payload as the board's outbox keeps it, JSON text put into the message as
/// it is.
#[derive(Debug, Clone, Serialize)]
#[serde(transparent)]
pub struct IncidentJson(Box<serde_json::value::RawValue>);

impl PartialEq for IncidentJson {
    fn eq(&self, other: &Self) -> bool {
        self.0.get() == other.0.get()
    }
}

/// The `entry.delivered` payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct EntryDelivered {
    /// The entry's idempotency key.
    #[schemars(with = "String")]
    pub key: IdempotencyKey,
}

/// The counts in `outbox.status` (the schema's view of [`OutboxStatus`], which serialises so).
#[derive(JsonSchema)]
#[schemars(rename = "OutboxStatus")]
#[allow(dead_code)]
pub(super) struct OutboxCounts {
    /// Waiting to be sent.
    pending: usize,
    /// Sent and unanswered.
    in_flight: usize,
    /// Permanently refused, waiting for the handler.
    dead_letters: usize,
    /// Delivered and still remembered.
    delivered: usize,
    /// How long the oldest entry on its way has waited, in milliseconds.
    oldest_pending_age_ms: Option<u64>,
    /// Undelivered entries (refused ones included) that have waited longer than the pack's
    /// `retention.undelivered_alert_hours`. They are kept; above 0, see to the CRM connection.
    overdue: usize,
}

/// The `resize` payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Resize {
    /// The widget's content height in CSS pixels.
    pub height_px: u32,
}

/// The `code` of an `error` that answers a teardown whose erasing failed.
pub const TEARDOWN_FAILED: &str = "teardown_failed";

/// Every `code` an `error` may carry: each refusal's ([`Rejection::code`]), a teardown's failure
/// ([`TEARDOWN_FAILED`]), and `invalid_options`, which element.js gives its element's
/// `incident-desk:error` when its attributes could not be mounted.
pub const ERROR_CODES: [&str; 19] = [
    "too_large",
    "not_json",
    "foreign",
    "wrong_protocol",
    "unsupported_version",
    "invalid_envelope",
    "unknown_type",
    "wrong_session",
    "wrong_instance",
    "not_welcomed",
    "unexpected_welcome",
    "uncorrelated_welcome",
    "stale_seq",
    "invalid_payload",
    "endpoint_not_allowed",
    "session_ended",
    "no_handshake",
    TEARDOWN_FAILED,
    "invalid_options",
];

/// The `error` payload; the id of the message it answers (the refused one, or the teardown) is
/// the envelope's `correlation`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct ErrorReport {
    /// What kind of problem, for code (`invalid_payload`, `stale_seq`, `teardown_failed`…).
    #[schemars(extend("enum" = ERROR_CODES))]
    pub code: String,
    /// What is wrong, for people. Names fields, never their values.
    pub message: String,
    /// Each problem at its JSON path, when there are several.
    pub problems: Vec<FieldProblem>,
}

/// A log entry that is not JSON text (an outbox payload that was tampered with in storage).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the stored log entry is not JSON (line {line}, column {column})")]
pub struct EntryNotJson {
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

impl HostEvent {
    /// `hello` from this widget version.
    pub fn hello(widget_version: &str) -> HostEvent {
        HostEvent::Hello(Hello {
            widget_version: widget_version.to_owned(),
            commands: COMMAND_TYPES.iter().map(|t| (*t).to_owned()).collect(),
        })
    }

    /// `ready`.
    pub fn ready() -> HostEvent {
        HostEvent::Ready(Ready {})
    }

    /// `pack.loaded` for this pack.
    pub fn pack_loaded(pack: &Pack) -> HostEvent {
        let file = pack.file();
        HostEvent::PackLoaded(PackLoaded {
            id: file.organisation.id.clone(),
            version: file.version.clone(),
        })
    }

    /// `pack.error` with the problem's text.
    pub fn pack_error(error: &PackLoadError) -> HostEvent {
        HostEvent::PackError(PackError {
            message: error.to_string(),
        })
    }

    /// `pack.error` for a `pack.load` refused because the pack is on none of the sites the
    /// widget may load procedures from there ([`PackSites`]): only which sites may be named is
    /// said, never the address the host sent.
    pub fn pack_refused(sites: &PackSites) -> HostEvent {
        let message = match sites {
            PackSites::OwnPage { .. } => "The pack.load address is on another site: the widget loads procedure packs from its own site only (the page's policy, connect-src 'self').".to_owned(),
            PackSites::HostPage {
                widget, mounted, ..
            } => {
                let mut sites = vec!["this page's own site (a relative address is this page's)"];
                if widget.is_some() {
                    sites.push("the widget's own site (where element.js is served from)");
                }
                if mounted.is_some() {
                    sites.push("the site of the pack it was mounted with");
                }
                let named = match sites.as_slice() {
                    [rest @ .., last] if !rest.is_empty() => {
                        format!("{} or {last}", rest.join(", "))
                    }
                    _ => sites.join(""),
                };
                format!("The pack.load address is on another site: in this page the widget loads procedure packs from {named} only.")
            }
            PackSites::RelativeOnly => "The pack.load address is absolute, and this page's own site cannot be known: here the widget loads procedure packs by a relative address only.".to_owned(),
        };
        HostEvent::PackError(PackError { message })
    }

    /// `call.started`.
    pub fn call_started(call_id: &str) -> HostEvent {
        HostEvent::CallStarted(CallStarted {
            call_id: call_id.to_owned(),
        })
    }

    /// `call.resumed` for the call `call_id`, restored from its draft, with the CRM's call id and
    /// contact reference it was started with, if any.
    pub fn call_resumed(
        call_id: &str,
        crm_call_id: Option<&str>,
        contact_ref: Option<&str>,
    ) -> HostEvent {
        HostEvent::CallResumed(CallResumed {
            call_id: call_id.to_owned(),
            crm_call_id: crm_call_id.map(str::to_owned),
            contact_ref: contact_ref.map(str::to_owned),
        })
    }

    /// `delivery.sign_in_needed` for `endpoint`, which answered so (`reason`: a few words, such as
    /// "the endpoint redirected the entry" or "HTTP 401"; never a response body).
    pub fn delivery_sign_in_needed(endpoint: &str, reason: &str) -> HostEvent {
        HostEvent::DeliverySignInNeeded(DeliverySignInNeeded {
            endpoint: endpoint.to_owned(),
            reason: reason.to_owned(),
        })
    }

    /// `teardown.done`, with how many undelivered entries were kept.
    pub fn teardown_done(kept: usize) -> HostEvent {
        HostEvent::TeardownDone(TeardownDone { kept })
    }

    /// `error` answering a teardown that could not erase what it erases (`detail`: the store's
    /// reason, in the browser's words, which hold no stored value). Sent instead of
    /// `teardown.done`, correlated to the teardown: the host must not take the browser for clean.
    /// The sign-in held in memory (agent, role, name, CRM context, endpoint, token, storage key)
    /// is dropped all the same, and the message says so.
    pub fn teardown_failed(detail: &str) -> HostEvent {
        HostEvent::Error(ErrorReport {
            code: TEARDOWN_FAILED.to_owned(),
            message: format!(
                "The teardown could not erase this browser's call data ({detail}). The handler is signed out all the same: the call on screen, who was signed in, the CRM's context, the endpoint, its token and the storage key are gone from the widget's memory. But this browser may still hold the last handler's drafts and delivered keys: send teardown again (in an iframe, once the new session is open), or clear the site's data."
            ),
            problems: Vec::new(),
        })
    }

    /// `escalation.required` to this level, for this reason.
    pub fn escalation_required(level: &str, reason: &str) -> HostEvent {
        HostEvent::EscalationRequired(EscalationRequired {
            level: level.to_owned(),
            reason: reason.to_owned(),
        })
    }

    /// `entry.completed` for this entry.
    pub fn entry_completed(key: &IdempotencyKey, entry: &LogEntry) -> HostEvent {
        // The entry's types always serialise; `null` rather than a panic if that ever changed.
        HostEvent::EntryCompleted(EntryCompleted {
            key: key.clone(),
            entry: EntryJson(
                serde_json::value::to_raw_value(entry)
                    .unwrap_or_else(|_| serde_json::value::RawValue::NULL.to_owned()),
            ),
        })
    }

    /// `entry.completed` for an entry stored as JSON text (an outbox attempt's payload).
    pub fn entry_completed_json(
        key: &IdempotencyKey,
        entry_json: &str,
    ) -> Result<HostEvent, EntryNotJson> {
        // Read by `from_slice`, as everything the widget reads (one serde_json reader).
        let entry =
            serde_json::from_slice::<Box<serde_json::value::RawValue>>(entry_json.as_bytes())
                .map_err(|e| EntryNotJson {
                    line: e.line(),
                    column: e.column(),
                })?;
        Ok(HostEvent::EntryCompleted(EntryCompleted {
            key: key.clone(),
            entry: EntryJson(entry),
        }))
    }

    /// `entry.delivered`.
    pub fn entry_delivered(key: &IdempotencyKey) -> HostEvent {
        HostEvent::EntryDelivered(EntryDelivered { key: key.clone() })
    }

    /// `outbox.status`.
    pub fn outbox_status(status: OutboxStatus) -> HostEvent {
        HostEvent::OutboxStatus(status)
    }

    /// The event that tells the host what the delivery courier says it is to hear.
    pub fn told(tell: crate::delivery::courier::Tell) -> Result<HostEvent, EntryNotJson> {
        use crate::delivery::courier::Tell;
        Ok(match tell {
            Tell::Status(status) => HostEvent::outbox_status(status),
            Tell::SignInNeeded { endpoint, reason } => {
                HostEvent::delivery_sign_in_needed(&endpoint, &reason)
            }
            Tell::EntryCompleted { key, entry } => HostEvent::entry_completed_json(&key, &entry)?,
            Tell::EntryDelivered { key } => HostEvent::entry_delivered(&key),
        })
    }

    /// The event for an incident's change kept in the board's outbox; `None` for one whose type
    /// or payload is not an incident event's (a board written by something else).
    pub fn incident(pending: &Pending) -> Option<HostEvent> {
        let payload =
            serde_json::from_slice::<Box<serde_json::value::RawValue>>(pending.payload.as_bytes())
                .ok()
                .map(IncidentJson)?;
        Some(match pending.kind.as_str() {
            "incident.opened" => HostEvent::IncidentOpened(payload),
            "incident.tasked" => HostEvent::IncidentTasked(payload),
            "incident.changed" => HostEvent::IncidentChanged(payload),
            "incident.closed" => HostEvent::IncidentClosed(payload),
            "review.decided" => HostEvent::ReviewDecided(payload),
            _ => return None,
        })
    }

    /// `resize` to this height.
    pub fn resize(height_px: u32) -> HostEvent {
        HostEvent::Resize(Resize { height_px })
    }

    /// `error` for a refused message (send it with [`HostSession::error_event`], which correlates
    /// it).
    pub fn error(rejection: &Rejection) -> HostEvent {
        HostEvent::Error(ErrorReport {
            code: rejection.code().to_owned(),
            message: rejection.to_string(),
            problems: rejection.problems().to_vec(),
        })
    }

    /// Its `payload` as JSON text: the `detail` of the DOM event that carries it in the custom
    /// element mode (`incident-desk:<type>`), the same value the iframe's message holds.
    pub fn payload_json(&self) -> String {
        // Serialised, an event is `{"type":"<type>","payload":<payload>}` (adjacently tagged,
        // `type` first); its payload is the text between. Not through a `Value`, which would
        // compile every event's serialiser a second time. Strings, numbers and JSON text only:
        // serialising cannot fail; `{}` rather than a panic if it ever did.
        let text = serde_json::to_string(self).unwrap_or_default();
        let prefix = format!("{{\"type\":\"{}\",\"payload\":", self.type_name());
        text.strip_prefix(prefix.as_str())
            .and_then(|rest| rest.strip_suffix('}'))
            .unwrap_or("{}")
            .to_owned()
    }

    /// Its `type`.
    pub fn type_name(&self) -> &'static str {
        match self {
            HostEvent::Hello(_) => "hello",
            HostEvent::Ready(_) => "ready",
            HostEvent::PackLoaded(_) => "pack.loaded",
            HostEvent::PackError(_) => "pack.error",
            HostEvent::CallStarted(_) => "call.started",
            HostEvent::CallResumed(_) => "call.resumed",
            HostEvent::EscalationRequired(_) => "escalation.required",
            HostEvent::EntryCompleted(_) => "entry.completed",
            HostEvent::EntryDelivered(_) => "entry.delivered",
            HostEvent::DeliverySignInNeeded(_) => "delivery.sign_in_needed",
            HostEvent::OutboxStatus(_) => "outbox.status",
            HostEvent::Resize(_) => "resize",
            HostEvent::Error(_) => "error",
            HostEvent::TeardownDone(_) => "teardown.done",
            HostEvent::IncidentOpened(_) => "incident.opened",
            HostEvent::IncidentTasked(_) => "incident.tasked",
            HostEvent::IncidentChanged(_) => "incident.changed",
            HostEvent::IncidentClosed(_) => "incident.closed",
            HostEvent::ReviewDecided(_) => "review.decided",
        }
    }
}
