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
    /// The pattern that matched.
    pub pattern: &'p str,
    /// The words of the advice that matched it, as written.
    pub matched: String,
}

/// The words of `text`, each with its lower-case form and where it is.
fn words(text: &str) -> Vec<(String, &str)> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .filter(|w| !w.is_empty())
        .map(|w| (w.trim_matches('\'').to_lowercase(), w))
        .filter(|(lower, _)| !lower.is_empty())
        .collect()
}

fn word_matches(pattern_word: &str, word: &str) -> bool {
    match pattern_word.strip_suffix('*') {
        Some(stem) => word.starts_with(stem),
        None => word == pattern_word,
    }
}

/// The first of `limits` that `text` breaks, with the pattern and the words that matched.
pub fn check_advice<'p>(
    text: &str,
    limits: impl IntoIterator<Item = &'p AdviceLimit>,
) -> Option<LimitBreach<'p>> {
    let text_words = words(text);
    for limit in limits {
        for pattern in &limit.patterns {
            let pattern_words: Vec<String> =
                pattern.split_whitespace().map(str::to_lowercase).collect();
            if pattern_words.is_empty() || pattern_words.len() > text_words.len() {
                continue;
            }
            for start in 0..=(text_words.len() - pattern_words.len()) {
                let window = &text_words[start..start + pattern_words.len()];
                if window
                    .iter()
                    .zip(&pattern_words)
                    .all(|((word, _), p)| word_matches(p, word))
                {
                    let matched = window
                        .iter()
                        .map(|(_, original)| *original)
                        .collect::<Vec<_>>()
                        .join(" ");
                    return Some(LimitBreach {
                        limit,
                        pattern,
                        matched,
                    });
                }
            }
        }
    }
    None
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
        let breach = check_advice("Don't worry, IT is SAFE now.", &limits).unwrap();
        assert_eq!(breach.limit.id, "safe");
        assert_eq!(breach.pattern, "it is safe");
        assert_eq!(breach.matched, "IT is SAFE");
        assert!(check_advice("It is unsafe, stay away", &limits).is_none());
        assert!(check_advice("the safety cordon", &limits).is_none());
    }

    #[test]
    fn a_trailing_star_matches_any_ending() {
        let limits = [limit("evac", &["evacuat*"])];
        assert_eq!(
            check_advice("You should evacuation now", &limits)
                .unwrap()
                .matched,
            "evacuation"
        );
        assert_eq!(
            check_advice("Evacuate the house", &limits).unwrap().matched,
            "Evacuate"
        );
        assert!(check_advice("the vacuum", &limits).is_none());
    }

    #[test]
    fn apostrophes_stay_inside_words() {
        let limits = [limit("promise", &["we'll be there"])];
        assert!(check_advice("Don't panic, we'll be there soon", &limits).is_some());
        assert!(check_advice("we will be there", &limits).is_none());
    }

    #[test]
    fn the_first_limit_broken_is_reported() {
        let limits = [limit("a", &["switch"]), limit("b", &["light"])];
        assert_eq!(
            check_advice("turn on the light switch", &limits)
                .unwrap()
                .limit
                .id,
            "a"
        );
        assert!(check_advice("", &limits).is_none());
    }
}
