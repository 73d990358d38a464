//! The pure core of Incident Desk.
//!
//! Everything organisational (wording, codes, trees, advice limits, escalation, resources, channels,
//! legislation) arrives as a procedure pack; this crate reads, checks and applies it. It does no IO:
//! bytes come in, values and plain-English problems go out, and the widget (or a command-line tool)
//! does the fetching, storing and showing. It never panics on bad input, because a panic in the
//! widget would kill it while a caller is still on the line.
//!
//! Criteria served so far (see ../shared/DOMAIN.md): F18 (procedure packs with precise error
//! locations); F1–F7 and F20 through the call (`call`, `search`, `handoff`, `advice`, `keys`; L2
//! 1.1–1.7, 2.1–2.3, 3.3–3.7; NOS P1–P3); F2 and F17 through the published log entry (`entry`);
//! F2, F17 and F21 through the call's draft, saved and restored exactly (`draft`); and the
//! delivery schedule of F17 and F21 (`outbox`, measured by `drain`) and the host message protocol
//! (`protocol`), with the organisation's deployment settings (`deployment`).

pub mod advice;
pub mod base64;
pub mod call;
pub mod deployment;
pub mod draft;
pub mod drain;
pub mod entry;
pub mod handoff;
pub mod hours;
pub mod json_path;
pub mod keys;
pub mod lint;
pub mod load;
pub mod outbox;
pub mod pack;
pub mod protocol;
pub mod resources;
pub mod safety_flags;
pub mod schema;
pub mod search;
mod texts;
pub mod validate;
pub mod wording;
pub mod workspace;

pub use load::{human_bytes, parse_pack, PackLoadError, Problem, MAX_PACK_BYTES};
pub use pack::{Organisation, PackFile, Wording, PACK_FORMAT};
pub use validate::{validate, Pack};
pub use wording::{fill, Placeholder, PlaceholderValues, Segment, UnknownPlaceholder};
