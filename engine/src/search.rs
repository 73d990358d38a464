//! Finding the right code or tree while the caller talks (F3; L2 1.4, 3.7; P1).
//!
//! Code search is fuzzy and ranked, by code or by words (title and keywords), with nucleo-matcher
//! (the matcher behind the Helix editor's pickers) rather than a hand-written one; a query that is
//! the start of a code ranks that code first. Tree suggestion counts the tree's keywords in the
//! caller's words.

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32String};

use crate::validate::Pack;

/// A code that matches a query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeHit {
    /// The code's index in the pack's `codes`.
    pub index: usize,
    /// How well it matches; higher is better.
    pub score: u32,
}

/// A pack's codes, prepared for searching as the handler types.
pub struct CodeSearch {
    codes: Vec<String>,
    haystacks: Vec<Utf32String>,
    matcher: Matcher,
}

impl std::fmt::Debug for CodeSearch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CodeSearch")
            .field("codes", &self.codes.len())
            .finish()
    }
}

/// Added to the score of a code that starts with the query, so typing a code finds it first.
const CODE_PREFIX_BOOST: u32 = 1_000_000;

impl CodeSearch {
    /// Prepares the codes of `pack`.
    pub fn new(pack: &Pack) -> CodeSearch {
        let codes = &pack.file().codes;
        CodeSearch {
            codes: codes.iter().map(|c| c.code.to_lowercase()).collect(),
            haystacks: codes
                .iter()
                .map(|c| {
                    Utf32String::from(format!("{} {} {}", c.code, c.title, c.keywords.join(" ")))
                })
                .collect(),
            matcher: Matcher::new(Config::DEFAULT),
        }
    }

    /// The best `limit` matches for `query`, best first; ties keep the pack's order. An empty
    /// query gives the first `limit` codes in the pack's order.
    pub fn search(&mut self, query: &str, limit: usize) -> Vec<CodeHit> {
        let query = query.trim();
        if query.is_empty() {
            return (0..self.codes.len().min(limit))
                .map(|index| CodeHit { index, score: 0 })
                .collect();
        }
        let pattern = Pattern::parse(query, CaseMatching::Ignore, Normalization::Smart);
        let lower = query.to_lowercase();
        let mut hits: Vec<CodeHit> = self
            .haystacks
            .iter()
            .enumerate()
            .filter_map(|(index, haystack)| {
                let score = pattern.score(haystack.slice(..), &mut self.matcher)?;
                let boost = if self.codes[index].starts_with(&lower) {
                    CODE_PREFIX_BOOST
                } else {
                    0
                };
                Some(CodeHit {
                    index,
                    score: score + boost,
                })
            })
            .collect();
        hits.sort_by(|a, b| b.score.cmp(&a.score).then(a.index.cmp(&b.index)));
        hits.truncate(limit);
        hits
    }
}

/// Trees whose keywords appear in `words` (what the caller said), most keywords first; ties keep
/// the pack's order. Keywords match whole words or phrases, ignoring case.
pub fn suggest_trees(pack: &Pack, words: &str) -> Vec<usize> {
    let said = format!(" {} ", normalise(words));
    let mut ranked: Vec<(usize, usize)> = pack
        .file()
        .trees
        .iter()
        .enumerate()
        .map(|(i, tree)| {
            let count = tree
                .keywords
                .iter()
                .filter(|k| said.contains(&format!(" {} ", normalise(k))))
                .count();
            (i, count)
        })
        .filter(|(_, count)| *count > 0)
        .collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    ranked.into_iter().map(|(i, _)| i).collect()
}

/// Lower case, with everything but letters, digits and apostrophes turned into single spaces.
fn normalise(text: &str) -> String {
    text.to_lowercase()
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}
