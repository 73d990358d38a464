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
//! delivery schedule of F17 and F21 (`outbox`, measured by `drain`, carried by the `courier`) and
//! the host message protocol (`protocol`), with the organisation's deployment settings
//! (`deployment`).

// The layers, lowest first; a layer imports only those before it (tests/layers.rs checks).
pub mod call;
pub mod delivery;
pub mod incident;
pub mod kernel;
pub mod pack;
pub mod practice;
pub mod protocol;
pub mod schema;

pub use kernel::{human_bytes, Problem};
pub use pack::wording::{
    fill, fill_text, Placeholder, PlaceholderValues, Segment, UnknownPlaceholder,
};
pub use pack::{parse_pack, validate, Organisation, Pack, PackFile, PackLoadError, Wording};
pub use pack::{MAX_PACK_BYTES, PACK_FORMAT};
