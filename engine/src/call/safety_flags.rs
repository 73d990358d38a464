//! What a call knows that keeps people safe, in a few words: is someone vulnerable, and which
//! safety-net questions the caller answered "yes" (issue 13; F3, F4, F6; L2 1.4, 1.5, 1.7).
//!
//! One summary serves everything that must not miss it: the call bar's VULNERABLE, and every
//! handoff message (`handoff::compose` carries it within each channel's `may_carry`). Derived
//! from the call and the pack each time it is asked for, so it can never disagree with the log.

use crate::call::{Call, Event};
use crate::pack::LogField;
use crate::pack::Pack;

/// A safety-net question the caller answered "yes" (their latest answer), as the call bar and a
/// handoff name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SafetyYes {
    /// The question's id in the pack.
    pub question: String,
    /// A few words for it: the pack's `label`, or the question as it was asked when the pack gives
    /// none. On one line.
    pub label: String,
    /// Whether this "yes" marks someone as vulnerable (the question's `if_yes.vulnerable`).
    pub vulnerable: bool,
}

/// What is known about vulnerability and danger on a call (`Call::safety_flags`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SafetyFlags {
    /// Someone is vulnerable: exactly `Call::is_vulnerable` (a "yes" that marks it, or the
    /// vulnerability field filled in). Like a raised priority, a later "no" does not lower it: the
    /// escalation it fired may already have gone, and the log holds both answers.
    pub vulnerable: bool,
    /// The vulnerability field as the handler wrote it, on one line (runs of whitespace, line
    /// breaks included, become one space); empty when not filled in. Personal data: show it only
    /// where the handler is, or on a channel that may carry `vulnerability`.
    pub vulnerability: String,
    /// The safety-net questions whose latest answer is "yes", in the pack's order.
    pub yes: Vec<SafetyYes>,
}

impl SafetyFlags {
    /// The "yes" answers about the situation rather than a person's vulnerability (someone in
    /// danger, threats, could get worse): what every responder is told, on every channel.
    pub fn situation(&self) -> impl Iterator<Item = &SafetyYes> {
        self.yes.iter().filter(|y| !y.vulnerable)
    }

    /// Whether there is nothing to flag: no one vulnerable and no "yes".
    pub fn is_empty(&self) -> bool {
        !self.vulnerable && self.yes.is_empty()
    }
}

impl Call {
    /// What the call knows about vulnerability and danger, for the call bar and for handoffs:
    /// whether someone is vulnerable, the vulnerability field, and the safety-net "yes" answers
    /// with short labels (the pack's `label`, else the question asked). Nothing is cached: ask
    /// again after the call changes (a `Memo` over the call in the widget).
    ///
    /// ```
    /// # use incident_engine::{call::{Call, Command}, pack::LogField, parse_pack};
    /// # let pack = parse_pack(include_bytes!("../../../packs/council-out-of-hours.json")).unwrap();
    /// let mut call = Call::open(&pack, "agent-7", 0);
    /// let yes = Command::SafetyNet { question: "sn-vulnerable".into(), yes: true };
    /// call.apply(&pack, 1, yes).unwrap();
    /// let detail = Command::SetField { field: LogField::Vulnerability, value: "82, lives alone".into() };
    /// call.apply(&pack, 2, detail).unwrap();
    /// let flags = call.safety_flags(&pack);
    /// assert!(flags.vulnerable);
    /// assert_eq!(flags.vulnerability, "82, lives alone");
    /// assert_eq!(flags.yes[0].label, "Vulnerable person involved");
    /// ```
    pub fn safety_flags(&self, pack: &Pack) -> SafetyFlags {
        let questions = &pack.file().safety_net;
        let mut yes: Vec<SafetyYes> = questions
            .iter()
            .filter(|q| self.safety.get(&q.id) == Some(&true))
            .map(|q| SafetyYes {
                question: q.id.clone(),
                label: one_line(
                    q.label
                        .as_deref()
                        .or_else(|| self.asked(&q.id))
                        .unwrap_or(&q.question),
                ),
                vulnerable: q.if_yes.vulnerable,
            })
            .collect();
        // A question the pack no longer has (a draft is checked against its pack, so this is
        // defensive): still said, in the words that were asked.
        for (id, _) in self.safety.iter().filter(|(_, yes)| **yes) {
            if !questions.iter().any(|q| &q.id == id) {
                yes.push(SafetyYes {
                    question: id.clone(),
                    label: one_line(self.asked(id).unwrap_or(id)),
                    vulnerable: false,
                });
            }
        }
        SafetyFlags {
            vulnerable: self.is_vulnerable(),
            vulnerability: one_line(self.field(LogField::Vulnerability).unwrap_or("")),
            yes,
        }
    }

    /// The question as it was last asked (placeholders filled), from the log.
    fn asked(&self, question: &str) -> Option<&str> {
        self.log.iter().rev().find_map(|e| match &e.what {
            Event::SafetyNetAnswered {
                question: q, asked, ..
            } if q == question => Some(asked.as_str()),
            _ => None,
        })
    }
}

/// `text` on one line: trimmed, every run of whitespace (line breaks included) one space, and
/// control characters dropped, so a flag cannot break a message's structure.
pub(crate) fn one_line(text: &str) -> String {
    text.split_whitespace()
        .map(|w| w.chars().filter(|c| !c.is_control()).collect::<String>())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::one_line;

    #[test]
    fn one_line_joins_lines_and_drops_control_characters() {
        assert_eq!(one_line("  82,\n lives\r\nalone\t"), "82, lives alone");
        assert_eq!(one_line("a\u{0}b \u{7} c"), "ab c");
        assert_eq!(one_line(" \n "), "");
    }
}
