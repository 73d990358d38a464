//! The published JSON Schema of a procedure pack, generated from the wire types (F18), so editors
//! can check and complete packs as they are written. Committed as schema/pack.schema.json; a test
//! fails when the committed file no longer matches the types.

use crate::pack::PackFile;

/// The pack's JSON Schema, pretty-printed, ending in a newline.
pub fn pack_schema_json() -> String {
    let schema = schemars::schema_for!(PackFile);
    let mut text =
        serde_json::to_string_pretty(&schema).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    text
}
