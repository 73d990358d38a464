//! Advice within limits (F5; L2 1.6, 3.6): catching free-text advice that breaks one of the pack's
//! "must not say" rules before it is given.
//!
//! A limit's patterns are phrases matched whole-word and case-insensitively against the words of
//! the advice; a pattern word ending in `*` matches any word that starts with it ("evacuat*"
//! catches "evacuate" and "evacuation"). Matching is on words, not characters, so "unsafe" does
//! not break a rule about "safe".

use crate::pack::AdviceLimit;

/// A limit that free text breaks, and the words that broke it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LimitBreach<'p> {
    /// The limit broken.
    pub limit: &'p AdviceLimit,
    /// The pattern that matched (the first of the limit's patterns that did).
    pub pattern: &'p str,
    /// The words of the advice that matched it, as written.
    pub matched: String,
}

/// Text split into words for phrase matching: each word's lower-case form and the word as
/// written. Apostrophes stay inside words ("we'll"); everything else that is not a letter or a
/// digit separates them.
#[derive(Debug, Clone)]
pub struct Words<'t>(Vec<(String, &'t str)>);

impl<'t> Words<'t> {
    /// The words of `text`.
    pub fn of(text: &'t str) -> Words<'t> {
        Words(
            text.split(|c: char| !(c.is_alphanumeric() || c == '\''))
                .filter(|w| !w.is_empty())
                .map(|w| (w.trim_matches('\'').to_lowercase(), w))
                .filter(|(lower, _)| !lower.is_empty())
                .collect(),
        )
    }

    /// Where `phrase` first occurs as whole words, case-insensitively, as written in the text. A
    /// phrase word ending in `*` matches any word that starts with it. An empty phrase never
    /// matches.
    pub fn find(&self, phrase: &str) -> Option<String> {
        let phrase: Vec<String> = phrase
            .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '*'))
            .map(|w| w.trim_matches('\'').to_lowercase())
            .filter(|w| !w.is_empty() && w != "*")
            .collect();
        if phrase.is_empty() || phrase.len() > self.0.len() {
            return None;
        }
        self.0
            .windows(phrase.len())
            .find(|window| {
                window
                    .iter()
                    .zip(&phrase)
                    .all(|((word, _), p)| word_matches(p, word))
            })
            .map(|window| {
                window
                    .iter()
                    .map(|(_, original)| *original)
                    .collect::<Vec<_>>()
                    .join(" ")
            })
    }

    /// Whether `phrase` occurs as whole words.
    pub fn contain(&self, phrase: &str) -> bool {
        self.find(phrase).is_some()
    }
}

fn word_matches(pattern_word: &str, word: &str) -> bool {
    match pattern_word.strip_suffix('*') {
        Some(stem) => word.starts_with(stem),
        None => word == pattern_word,
    }
}

/// Every one of `limits` that `text` breaks, in the order given, each with the first of its
/// patterns that matched: a handler whose words break two rules is told both.
pub fn check_advice<'p>(
    text: &str,
    limits: impl IntoIterator<Item = &'p AdviceLimit>,
) -> Vec<LimitBreach<'p>> {
    let words = Words::of(text);
    limits
        .into_iter()
        .filter_map(|limit| {
            limit.patterns.iter().find_map(|pattern| {
                words.find(pattern).map(|matched| LimitBreach {
                    limit,
                    pattern,
                    matched,
                })
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limit(id: &str, patterns: &[&str]) -> AdviceLimit {
        AdviceLimit {
            id: id.to_owned(),
            rule: format!("rule {id}"),
            patterns: patterns.iter().map(|p| p.to_string()).collect(),
            instead: None,
            may_go_further: None,
            everywhere: false,
        }
    }

    #[test]
    fn matches_whole_words_case_insensitively() {
        let limits = [limit("safe", &["it is safe", "safe to"])];
        let breach = check_advice("Don't worry, IT is SAFE now.", &limits).remove(0);
        assert_eq!(breach.limit.id, "safe");
        assert_eq!(breach.pattern, "it is safe");
        assert_eq!(breach.matched, "IT is SAFE");
        assert!(check_advice("It is unsafe, stay away", &limits).is_empty());
        assert!(check_advice("the safety cordon", &limits).is_empty());
    }

    #[test]
    fn a_trailing_star_matches_any_ending() {
        let limits = [limit("evac", &["evacuat*"])];
        assert_eq!(
            check_advice("You should evacuation now", &limits)[0].matched,
            "evacuation"
        );
        assert_eq!(
            check_advice("Evacuate the house", &limits)[0].matched,
            "Evacuate"
        );
        assert!(check_advice("the vacuum", &limits).is_empty());
    }

    #[test]
    fn apostrophes_stay_inside_words() {
        let limits = [limit("promise", &["we'll be there"])];
        assert!(!check_advice("Don't panic, we'll be there soon", &limits).is_empty());
        assert!(check_advice("we will be there", &limits).is_empty());
    }

    #[test]
    fn every_limit_broken_is_reported_in_order() {
        let limits = [
            limit("a", &["switch"]),
            limit("b", &["light", "lamp"]),
            limit("c", &["stay inside"]),
        ];
        let breaches = check_advice("turn on the light switch and stay inside", &limits);
        let ids: Vec<&str> = breaches.iter().map(|b| b.limit.id.as_str()).collect();
        assert_eq!(ids, ["a", "b", "c"]);
        assert_eq!(breaches[1].pattern, "light");
        assert!(check_advice("", &limits).is_empty());
    }

    #[test]
    fn phrases_match_whole_words_only() {
        let words = Words::of("Reported by a resident of Camp Road, near the lamp post; damp.");
        assert!(!words.contain("MP"));
        assert!(words.contain("camp road"));
        assert!(!words.contain("road near the lamp post damp extra"));
        assert!(Words::of("Our MP, Ms Smith, was told").contain("mp"));
        assert!(Words::of("going to the press!").contain("going to the press"));
        assert!(!Words::of("anything").contain(""));
        assert!(!Words::of("anything").contain("  "));
    }
}
