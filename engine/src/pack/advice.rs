//! Advice within limits (F5; L2 1.6, 3.6): catching free-text advice that breaks one of the pack's
//! "must not say" rules before it is given.
//!
//! A limit's patterns are phrases matched whole-word and case-insensitively against the words of
//! the advice; a pattern word ending in `*` matches any word that starts with it ("evacuat*"
//! catches "evacuate" and "evacuation"). Matching is on words, not characters, so "unsafe" does
//! not break a rule about "safe".

use crate::kernel::is_word_char;
use crate::kernel::HashMap;

use crate::kernel::lowercase;
use crate::kernel::sort::sort_by_key;
use crate::pack::wording::{fill, PlaceholderValues, Segment};
use crate::pack::{Advice, AdviceItem, AdviceKind, AdviceLimit, AdviceSet};

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
            text.split(|c: char| !(is_word_char(c) || c == '\''))
                .filter(|w| !w.is_empty())
                .map(|w| (lowercase(w.trim_matches('\'')), w))
                .filter(|(lower, _)| !lower.is_empty())
                .collect(),
        )
    }

    /// Where `phrase` first occurs as whole words, case-insensitively, as written in the text. A
    /// phrase word ending in `*` matches any word that starts with it. An empty phrase never
    /// matches.
    pub fn find(&self, phrase: &str) -> Option<String> {
        self.find_words(&phrase_words(phrase))
    }

    /// Where the phrase, already split by `phrase_words`, first occurs, as written.
    fn find_words(&self, phrase: &[String]) -> Option<String> {
        if phrase.is_empty() || phrase.len() > self.0.len() {
            return None;
        }
        self.0
            .windows(phrase.len())
            .find(|window| {
                window
                    .iter()
                    .zip(phrase)
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

/// A phrase (a pattern or a keyword) split into lower-case words as the text is, keeping a
/// word's trailing `*`.
fn phrase_words(phrase: &str) -> Vec<String> {
    phrase
        .split(|c: char| !(is_word_char(c) || c == '\'' || c == '*'))
        .map(|w| lowercase(w.trim_matches('\'')))
        .filter(|w| !w.is_empty() && w != "*")
        .collect()
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
    Words::of(text).breaches(limits)
}

impl Words<'_> {
    /// The first of `limits` the text breaks, with the pattern and the words that matched.
    pub fn breach<'p>(
        &self,
        limits: impl IntoIterator<Item = &'p AdviceLimit>,
    ) -> Option<LimitBreach<'p>> {
        limits
            .into_iter()
            .find_map(|limit| self.breach_of(&Compiled::of(limit)))
    }

    /// Every one of `limits` the text breaks, in the order given.
    pub fn breaches<'p>(
        &self,
        limits: impl IntoIterator<Item = &'p AdviceLimit>,
    ) -> Vec<LimitBreach<'p>> {
        limits
            .into_iter()
            .filter_map(|limit| self.breach_of(&Compiled::of(limit)))
            .collect()
    }

    /// How the text breaks one limit, if it does: the first of its patterns found.
    fn breach_of<'p>(&self, compiled: &Compiled<'p>) -> Option<LimitBreach<'p>> {
        compiled.patterns.iter().find_map(|(pattern, words)| {
            self.find_words(words).map(|matched| LimitBreach {
                limit: compiled.limit,
                pattern,
                matched,
            })
        })
    }
}

/// A limit with its patterns lower-cased and split into words, once however many texts it is
/// checked against.
struct Compiled<'p> {
    limit: &'p AdviceLimit,
    patterns: Vec<(&'p str, Vec<String>)>,
}

impl<'p> Compiled<'p> {
    fn of(limit: &'p AdviceLimit) -> Self {
        Compiled {
            limit,
            patterns: limit
                .patterns
                .iter()
                .map(|p| (p.as_str(), phrase_words(p)))
                .collect(),
        }
    }
}

/// The advice limits in force with an advice set: those that apply everywhere, and those the set
/// names. With no set, those that apply everywhere. The same rule holds on a call (`Call::
/// limits_in_force`) and when a pack is checked.
pub fn limits_in_force<'p>(
    advice: &'p Advice,
    set: Option<&'p AdviceSet>,
) -> impl Iterator<Item = &'p AdviceLimit> + 'p {
    let named: &[String] = set.map(|s| s.limits.as_slice()).unwrap_or_default();
    advice
        .limits
        .iter()
        .filter(move |l| l.everywhere || named.contains(&l.id))
}

/// An approved advice item in a set that a limit in force with the same set forbids: the handler is
/// given words to say that they must not say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetConflict<'p> {
    /// The set's index in `advice.sets`.
    pub set: usize,
    /// The item's place in the set's `items`.
    pub position: usize,
    /// The advice item.
    pub item: &'p AdviceItem,
    /// The limit it breaks, and how.
    pub breach: LimitBreach<'p>,
}

impl SetConflict<'_> {
    /// The JSON path of the item within its set, e.g. `advice.sets[2].items[1]`.
    pub fn path(&self) -> String {
        format!("advice.sets[{}].items[{}]", self.set, self.position)
    }

    /// What is wrong, for a contact-centre manager.
    pub fn message(&self) -> String {
        let LimitBreach {
            limit,
            pattern,
            matched,
        } = &self.breach;
        let (kind, consequence, fix) = match self.item.kind {
            AdviceKind::MustSay => (
                "must-say",
                "the handler must say words they must not say",
                "reword the advice, or change the limit's patterns",
            ),
            AdviceKind::MaySay => (
                "may-say",
                "the handler is offered words they must not say",
                "reword the advice, take it out of this set, or change the limit's patterns",
            ),
        };
        let scope = if limit.everywhere {
            "which applies on every call"
        } else {
            "which applies with this set"
        };
        format!(
            "{kind} advice \"{}\" breaks advice limit \"{}\", {scope}: its words \"{matched}\" match the pattern \"{pattern}\", so {consequence}; {fix}",
            self.item.id, limit.id
        )
    }
}

/// Every advice item in a set that a limit in force with that set forbids, in the order of the
/// sets and their items; one per item and limit broken. Placeholders in the advice are read as
/// they are said: `{organisation}` as `organisation_name`, `{agent}` as nothing. Items and limits
/// that do not exist are passed over (the checker reports them).
pub fn set_conflicts<'p>(advice: &'p Advice, organisation_name: &str) -> Vec<SetConflict<'p>> {
    let spoken: Vec<String> = advice
        .items
        .iter()
        .map(|item| spoken(&item.text, organisation_name))
        .collect();
    let words: Vec<Words<'_>> = spoken.iter().map(|t| Words::of(t)).collect();
    let mut index: HashMap<&str, usize> =
        HashMap::with_capacity_and_hasher(advice.items.len(), Default::default());
    for (i, item) in advice.items.iter().enumerate() {
        index.entry(item.id.as_str()).or_insert(i);
    }
    let compiled: Vec<Compiled<'p>> = advice.limits.iter().map(Compiled::of).collect();
    let everywhere: Vec<usize> = (0..compiled.len())
        .filter(|&l| compiled[l].limit.everywhere)
        .collect();
    // item → how it breaks the limits that apply everywhere, as (limit index, breach): the same in
    // every set, so found once.
    let mut everywhere_breaches: Vec<Option<Vec<(usize, LimitBreach<'p>)>>> =
        vec![None; advice.items.len()];
    let mut out = Vec::new();
    for (s, set) in advice.sets.iter().enumerate() {
        // With `everywhere`, the limits in force (`limits_in_force`).
        let named: Vec<usize> = (0..compiled.len())
            .filter(|&l| {
                !compiled[l].limit.everywhere && set.limits.contains(&compiled[l].limit.id)
            })
            .collect();
        if everywhere.is_empty() && named.is_empty() {
            continue;
        }
        for (position, id) in set.items.iter().enumerate() {
            let Some(&i) = index.get(id.as_str()) else {
                continue;
            };
            let mut breaches: Vec<(usize, LimitBreach<'p>)> = everywhere_breaches[i]
                .get_or_insert_with(|| {
                    everywhere
                        .iter()
                        .filter_map(|&l| words[i].breach_of(&compiled[l]).map(|b| (l, b)))
                        .collect()
                })
                .clone();
            breaches.extend(
                named
                    .iter()
                    .filter_map(|&l| words[i].breach_of(&compiled[l]).map(|b| (l, b))),
            );
            // In the order the limits are written.
            sort_by_key(&mut breaches, |(l, _)| *l);
            out.extend(breaches.into_iter().map(|(_, breach)| SetConflict {
                set: s,
                position,
                item: &advice.items[i],
                breach,
            }));
        }
    }
    out
}

/// Advice as the handler says it: placeholders filled (`{agent}` left out).
fn spoken(text: &str, organisation_name: &str) -> String {
    let values = PlaceholderValues {
        organisation: Some(organisation_name.to_owned()),
        ..Default::default()
    };
    match fill(text, &values) {
        Ok(segments) => segments
            .into_iter()
            .map(|segment| match segment {
                Segment::Text(text) => text,
                Segment::Slot(_) => " ".to_owned(),
            })
            .collect(),
        Err(_) => text.to_owned(),
    }
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
