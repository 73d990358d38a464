//! The published JSON Schema of the protocol.

#[allow(unused_imports)]
use super::*;

/// A message of the Incident Desk host protocol, version 1: from the host page to the widget, or
/// from the widget to the host page.
#[derive(JsonSchema)]
#[serde(untagged)]
#[schemars(title = "Incident Desk host protocol, version 1")]
#[allow(dead_code)]
pub(super) enum ProtocolMessage {
    /// From the host page to the widget.
    FromHost(Inbound),
    /// From the widget to the host page.
    FromWidget(Outbound),
}

/// The JSON Schema of every message both ways, pretty-printed, ending in a newline (to be
/// committed as schema/protocol.schema.json).
pub fn protocol_schema_json() -> String {
    let schema = schemars::schema_for!(ProtocolMessage);
    let mut text =
        serde_json::to_string_pretty(&schema).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    text
}
