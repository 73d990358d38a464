//! The versioned envelope around every message.

#[allow(unused_imports)]
use super::*;

/// One message: the envelope around a command or an event (see the module docs for the fields).
/// Fields other than these are refused in a message from the host.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[schemars(rename = "{B}Message", extend("unevaluatedProperties" = false))]
pub struct Envelope<B> {
    /// Always `incident-desk`.
    #[schemars(extend("const" = "incident-desk"))]
    protocol: &'static str,
    /// Always 1 for this version.
    #[schemars(extend("const" = 1))]
    version: u64,
    /// This message's id.
    pub id: MessageId,
    /// The id of the message this one answers, or `null`.
    pub correlation: Option<MessageId>,
    /// The session the widget opened with `hello`.
    pub session: SessionId,
    /// Which widget on the page.
    pub instance: InstanceId,
    /// The sender's counter: greater than in any earlier message from the same sender.
    #[schemars(range(min = 1, max = 9007199254740991u64))]
    pub seq: u64,
    /// `type` and `payload`.
    #[serde(flatten)]
    pub body: B,
}

/// A message from the host, read and checked.
pub type Inbound = Envelope<HostCommand>;

/// A message for the host.
pub type Outbound = Envelope<HostEvent>;

impl<B: Serialize> Envelope<B> {
    /// A message with these fields (and this protocol and version).
    pub fn new(
        id: MessageId,
        correlation: Option<MessageId>,
        session: SessionId,
        instance: InstanceId,
        seq: u64,
        body: B,
    ) -> Self {
        Envelope {
            protocol: PROTOCOL,
            version: PROTOCOL_VERSION,
            id,
            correlation,
            session,
            instance,
            seq,
            body,
        }
    }

    /// The message as JSON text, for `postMessage` (after `JSON.parse`) or a test.
    pub fn to_json(&self) -> String {
        // Strings, integers and JSON values only: serialising cannot fail; say so rather than
        // panic if it ever did.
        serde_json::to_string(self).unwrap_or_else(|e| {
            format!("{{\"protocol\":\"{PROTOCOL}\",\"version\":{PROTOCOL_VERSION},\"type\":\"error\",\"payload\":{{\"code\":\"unserialisable\",\"message\":\"{}\"}}}}", e.to_string().replace(['"', '\\'], "'"))
        })
    }

    /// The message as a JSON value.
    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

impl Inbound {
    /// Reads one message from the host, checking everything but the session (for that, and for
    /// replays, use [`HostSession::accept`]).
    pub fn parse(text: &str) -> Result<Inbound, Rejection> {
        let value = read_json(text)?;
        let head = read_head(value.root())?;
        let command = head
            .command()
            .map_err(|reason| Rejection::new(reason, Some(head.id.clone())))?;
        Ok(head.into_inbound(command))
    }
}
