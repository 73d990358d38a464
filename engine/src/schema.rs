//! The published JSON Schemas, generated from the types: the procedure pack's (F18), so editors can
//! check and complete packs as they are written, and the completed log entry's (F17), so a host CRM
//! knows exactly what it receives, the host message protocol's (F17, F21), and the deployment
//! settings' (deployment.json). Committed as schema/pack.schema.json, schema/log-entry.schema.json,
//! schema/protocol.schema.json and schema/deployment.schema.json; a test fails when any no longer
//! matches the types.

use schemars::JsonSchema;

use crate::call::entry::LogEntry;
use crate::pack::PackFile;

/// The pack's JSON Schema, pretty-printed, ending in a newline.
pub fn pack_schema_json() -> String {
    schema_json::<PackFile>()
}

/// The log entry's JSON Schema, pretty-printed, ending in a newline.
pub fn log_entry_schema_json() -> String {
    schema_json::<LogEntry>()
}

/// The host message protocol's JSON Schema (both directions), pretty-printed, ending in a
/// newline. Defined beside the protocol, in `protocol.rs`.
pub fn protocol_schema_json() -> String {
    crate::protocol::protocol_schema_json()
}

/// A practice scenario's JSON Schema (F19), pretty-printed, ending in a newline.
pub fn scenario_schema_json() -> String {
    schema_json::<crate::practice::scenario::ScenarioFile>()
}

/// A trainee's exported evidence record's JSON Schema (F19), pretty-printed, ending in a newline.
pub fn evidence_schema_json() -> String {
    schema_json::<crate::practice::evidence::EvidenceFile>()
}

/// The deployment settings' (deployment.json) JSON Schema, pretty-printed, ending in a newline.
/// Defined beside the settings, in `deployment.rs`.
pub fn deployment_schema_json() -> String {
    crate::protocol::deployment::deployment_schema_json()
}

fn schema_json<T: JsonSchema>() -> String {
    let schema = schemars::schema_for!(T);
    let mut text =
        serde_json::to_string_pretty(&schema).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    text
}
