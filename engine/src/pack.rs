//! The procedure pack as it is written on disk: the wire types.
//!
//! These mirror the JSON exactly and refuse anything they do not know (`deny_unknown_fields`), so a
//! misspelt field is reported rather than silently ignored. Validated types with their invariants
//! are built from these (see `load`). Serves F18; the wording serves F1 (L2 1.1, 3.7).

use serde::{Deserialize, Serialize};

/// The format identifier every pack must carry, so a log entry can say which procedures it was
/// handled under and an old widget can refuse a pack it does not understand.
pub const PACK_FORMAT: &str = "incident-desk/pack@1";

/// A procedure pack: one organisation's procedures for handling incident calls.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackFile {
    /// Must be [`PACK_FORMAT`].
    pub format: String,
    /// The organisation's own version of its procedures, e.g. "2026.11.1".
    pub version: String,
    /// Who the procedures belong to.
    pub organisation: Organisation,
    /// The standard wording handlers use.
    pub wording: Wording,
}

/// The organisation that runs the contact centre.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Organisation {
    /// A short stable identifier, e.g. "northbridge-council".
    pub id: String,
    /// The name callers hear and handlers see, e.g. "Northbridge Borough Council".
    pub name: String,
}

/// Standard wording (L2 1.1, 1.2, 3.7). Placeholders such as `{agent}` and `{organisation}` are
/// filled in when the words are shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Wording {
    /// What the handler says on answering.
    pub greeting: String,
    /// What the handler says before ending the call.
    pub closing: String,
}
