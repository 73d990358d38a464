//! A problem found in something read (a pack, a draft, deployment settings, a host message): where,
//! as a JSON path, and what, in plain English.

use std::fmt;

use serde::Serialize;

/// One problem with a pack's content, at a JSON path such as `wording.greeting`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// Where the problem is, as a JSON path (`organisation.name`); empty for the whole pack.
    pub path: String,
    /// What is wrong, for a contact-centre manager rather than a programmer.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// Every problem in `problems`, joined by "; ": the one line an error that lists them all shows.
pub fn list_problems<T: fmt::Display>(problems: &[T]) -> String {
    problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// `1536` → `"1.5 KB"`, in units of 1024 with one decimal, for messages people read. Integer
/// arithmetic only: float formatting would add kilobytes to the widget for one message.
pub fn human_bytes(bytes: usize) -> String {
    const UNITS: [&str; 3] = ["KB", "MB", "GB"];
    if bytes < 1024 {
        return format!("{bytes} bytes");
    }
    let bytes = bytes as u64;
    let mut unit = 0;
    let mut scale: u64 = 1024;
    // Rounded to tenths of the unit; move up a unit when rounding reaches 1024 of this one.
    let tenths_of = |scale: u64| bytes.saturating_mul(10).saturating_add(scale / 2) / scale;
    let mut tenths = tenths_of(scale);
    while tenths >= 10_240 && unit + 1 < UNITS.len() {
        scale *= 1024;
        unit += 1;
        tenths = tenths_of(scale);
    }
    format!("{}.{} {}", tenths / 10, tenths % 10, UNITS[unit])
}
