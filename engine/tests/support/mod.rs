//! What the engine's test files share: the packs they read. Each file that needs it says
//! `mod support;` and uses what it needs (so some go unused in some files).
#![allow(dead_code)]

use incident_engine::{parse_pack, Pack};

/// The checked pack at `relative`, a path from the repository's root.
pub fn pack(relative: &str) -> Pack {
    let path = format!("{}/../{relative}", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    parse_pack(&bytes).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The shipped council pack (the default).
pub fn council() -> Pack {
    pack("packs/council-out-of-hours.json")
}

/// The shipped housing association's pack.
pub fn housing() -> Pack {
    pack("packs/housing-repairs.json")
}
