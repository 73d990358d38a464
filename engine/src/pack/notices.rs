//! Live notices (issue 15): what the host says is in force now (a boil-water or do-not-drink notice,
//! a road closed, a known outage), for areas, and whether a call's location is in one of them.
//! The pack says what each kind of notice adds to a call (`NoticeKind`).

use schemars::JsonSchema;
use serde::Serialize;

use crate::kernel::{is_word_char, lowercase};

/// A notice in force, as the host sends it (`notices.set`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Notice {
    /// The host's id for it, e.g. its reference.
    pub id: String,
    /// Its kind: a `notice_kinds` id of the pack (a notice of another kind is kept but changes
    /// nothing).
    pub kind: String,
    /// What the handler sees, e.g. "Boil water notice: Alderbury and Hill End".
    pub title: String,
    /// Where it applies: postcode areas, districts or sectors ("AL2", "AL1 2"), or place names
    /// ("Alderbury"), as they appear in an address.
    pub areas: Vec<String>,
    /// What it says, for the handler (may be empty).
    pub text: String,
}

/// Whether `location` (an address as the handler typed it) is in `area`: the area's words appear
/// in it in order, whole, ignoring case and punctuation; the last may be the start of a word when
/// it ends in a digit and the word goes on with a letter, so a postcode sector ("AL1 2") matches a
/// full postcode ("AL1 2AB") and a district ("AL2") never matches another ("AL24"). Words are as
/// `kernel::is_word_char` decides them: std's tables would add 1.3 KB to the widget.
pub fn in_area(location: &str, area: &str) -> bool {
    let words = |text: &str| -> Vec<String> {
        lowercase(text)
            .split(|c: char| !is_word_char(c))
            .filter(|w| !w.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let (place, area) = (words(location), words(area));
    let Some((last, first)) = area.split_last() else {
        return false;
    };
    let ends = |word: &str| {
        word == last
            || (last.ends_with(|c: char| c.is_ascii_digit())
                && word.strip_prefix(last.as_str()).is_some_and(|rest| {
                    rest.starts_with(|c: char| is_word_char(c) && !c.is_ascii_digit())
                }))
    };
    place
        .windows(area.len())
        .any(|window| window[..first.len()] == *first && window.last().is_some_and(|w| ends(w)))
}

/// Whether `location` is in any of the notice's areas.
pub fn applies(notice: &Notice, location: &str) -> bool {
    notice.areas.iter().any(|area| in_area(location, area))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn areas_match_whole_words_and_postcode_sectors() {
        let home = "12 High Street, Alderbury, AL2 4XY";
        for area in ["AL2", "al2", "AL2 4", "Alderbury", "high street", "AL2 4XY"] {
            assert!(in_area(home, area), "{area}");
        }
        for area in ["AL24", "AL1", "AL2 5", "Alder", "Hill End", "", "  "] {
            assert!(!in_area(home, area), "{area}");
        }
        assert!(!in_area("24 Mill Lane AL24 1AA", "AL2"));
        assert!(in_area("Mill Lane, AL1 2AB", "AL1 2"));
        assert!(!in_area("Mill Lane, AL1 23B", "AL1 2"));
    }
}
