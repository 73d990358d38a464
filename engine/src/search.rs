//! Finding the right code or tree while the caller talks (F3; L2 1.4, 3.7; P1).
//!
//! Code search finds codes by code or by words (title and keywords) with nucleo-matcher (the
//! matcher behind the Helix editor's pickers) rather than a hand-written one, in two tiers: codes
//! containing every word typed come first (nucleo's substring matching), and only when those are
//! fewer than asked for are they followed by fuzzy matches (letters in order with gaps, so "hwfld"
//! finds HW-FLD-01, and nucleo's pattern syntax: `^`, `$`, `'`, `!`). Fuzzy scoring of a short
//! query against thousands of codes is the slow part (milliseconds for a 5,000-code pack); a short
//! query always has enough substring matches, so it never needs it.
//!
//! Within each tier codes are ranked by what the handler means (issue 13), in this order: a code
//! that starts with the query (typing a code finds it first); then the number of typed words found
//! in the code's title or keywords as a whole word or the start of one ("gas" in "Smell of gas",
//! "pot" in "pothole"; not "ice" in "police", nor a word only in the code itself); then how the
//! typed words stand together in one title or keyword: all of it (a keyword "gas" for "gas"), its
//! start (the title first, then a keyword), or anywhere in it; then typed words in the title; then
//! whole words over starts of words; then nucleo's score; last, the pack's order. So "gas" puts
//! "Smell of gas or suspected gas escape" (keyword "gas") before a fly-tipping code with the
//! keyword "gas bottles dumped". Tree suggestion counts the tree's keywords in the caller's words.

use nucleo_matcher::pattern::{AtomKind, CaseMatching, Normalization, Pattern};
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
///
/// Typing narrows: when a plain query (letters, digits, spaces, hyphens) only adds to the end of
/// the last one, every code containing its words also contained the last one's, so only those are
/// looked at again for the first tier. Any other edit looks at all codes. The results are the
/// same either way (a property test checks it).
pub struct CodeSearch {
    codes: Vec<String>,
    haystacks: Vec<Utf32String>,
    /// For each code, the words of its title and then of each keyword (see [`words`]): words
    /// separated by a space, the title and each keyword by a line break.
    fields: Vec<String>,
    /// For each code, which letters and digits begin one of its words (bit `n` for the `n`th of
    /// a–z then 0–9): a fuzzy match must begin each typed word where a word begins.
    initials: Vec<u64>,
    matcher: Matcher,
    /// The last plain query and the indices of every code containing all its words, in pack
    /// order.
    last: Option<(String, Vec<usize>)>,
}

impl std::fmt::Debug for CodeSearch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CodeSearch")
            .field("codes", &self.codes.len())
            .finish()
    }
}

/// The words of a query, for [`relevance`]: at most 15 (so each count fits 4 bits), and the
/// same joined by spaces.
struct Typed {
    words: Vec<String>,
    phrase: String,
}

/// Added to the score of a code that starts with the query, so typing a code finds it first:
/// above every other part of the score (see [`relevance`] and [`CodeSearch::score`]).
const CODE_PREFIX_BOOST: u32 = 1 << 31;

impl CodeSearch {
    /// Prepares the codes of `pack`.
    pub fn new(pack: &Pack) -> CodeSearch {
        let codes = &pack.file().codes;
        let texts: Vec<String> = codes
            .iter()
            .map(|c| format!("{} {} {}", c.code, c.title, c.keywords.join(" ")))
            .collect();
        let fields = codes
            .iter()
            .map(|c| {
                let mut fields = words(&c.title).collect::<Vec<_>>().join(" ");
                for keyword in &c.keywords {
                    fields.push('\n');
                    fields.push_str(&words(keyword).collect::<Vec<_>>().join(" "));
                }
                fields
            })
            .collect();
        CodeSearch {
            codes: codes.iter().map(|c| c.code.to_lowercase()).collect(),
            fields,
            initials: texts.iter().map(|t| word_initials(t)).collect(),
            haystacks: texts.into_iter().map(Utf32String::from).collect(),
            matcher: Matcher::new(Config::DEFAULT),
            last: None,
        }
    }

    /// The best `limit` matches for `query`, best first (substring matches, then fuzzy ones, each
    /// ranked as the module describes); ties keep the pack's order. An empty query gives the
    /// first `limit` codes in the pack's order.
    pub fn search(&mut self, query: &str, limit: usize) -> Vec<CodeHit> {
        let query = query.trim_start();
        if query.trim().is_empty() {
            self.last = None;
            return (0..self.codes.len().min(limit))
                .map(|index| CodeHit { index, score: 0 })
                .collect();
        }
        let lower = query.trim().to_lowercase();
        let mut typed: Vec<String> = words(query).collect();
        typed.truncate(15);
        let typed = Typed {
            phrase: typed.join(" "),
            words: typed,
        };
        let mut hits = Vec::new();
        let mut contains_all = vec![false; self.haystacks.len()];
        if plain(query) {
            let words = Pattern::new(
                query,
                CaseMatching::Ignore,
                Normalization::Smart,
                AtomKind::Substring,
            );
            let candidates = match self.last.take() {
                Some((last, matched)) if query.starts_with(last.as_str()) => matched,
                _ => (0..self.haystacks.len()).collect(),
            };
            hits = self.score(&words, candidates, &lower, &typed);
            for hit in &hits {
                contains_all[hit.index] = true;
            }
            self.last = Some((query.to_owned(), hits.iter().map(|h| h.index).collect()));
        } else {
            self.last = None;
        }
        top(&mut hits, limit);
        if hits.len() < limit {
            let fuzzy = Pattern::parse(query, CaseMatching::Ignore, Normalization::Smart);
            // Each typed word must begin where a word of the code begins (pattern syntax aside):
            // a cheap test that spares scoring most codes.
            let needed = if plain(query) {
                word_initials(query)
            } else {
                0
            };
            let rest = (0..self.haystacks.len())
                .filter(|i| !contains_all[*i] && self.initials[*i] & needed == needed)
                .collect();
            let mut more = self.score(&fuzzy, rest, &lower, &typed);
            top(&mut more, limit - hits.len());
            hits.extend(more);
        }
        hits
    }

    /// Scores `candidates` against `pattern`, keeping those that match. The score, highest bit
    /// first: [`CODE_PREFIX_BOOST`] for a code that starts with `lower`, then the [`relevance`] of
    /// its title and keywords to the `typed` words (15 bits), then nucleo's score (16 bits, at
    /// most).
    fn score(
        &mut self,
        pattern: &Pattern,
        candidates: Vec<usize>,
        lower: &str,
        typed: &Typed,
    ) -> Vec<CodeHit> {
        let mut hits = Vec::with_capacity(candidates.len());
        for index in candidates {
            let Some(haystack) = self.haystacks.get(index) else {
                continue;
            };
            let Some(score) = pattern.score(haystack.slice(..), &mut self.matcher) else {
                continue;
            };
            let boost = match self.codes.get(index) {
                Some(code) if code.starts_with(lower) => CODE_PREFIX_BOOST,
                _ => 0,
            };
            let fields = self.fields.get(index).map_or("", String::as_str);
            hits.push(CodeHit {
                index,
                score: boost | relevance(fields, typed) << 16 | score.min(0xFFFF),
            });
        }
        hits
    }
}

/// How well the `typed` words match a code's title and keywords (`fields`, as in
/// [`CodeSearch`]), as 15 bits, most significant first: how many typed words begin a word of the
/// title or a keyword (4 bits); how the typed words stand together in one title or keyword, as
/// consecutive words each equal to a typed one but the last, which need only begin with it (3
/// bits: 5 all of it, 4 the title's start, 3 a keyword's start, 2 anywhere, 0 not at all); how
/// many begin a word of the title (4 bits); how many are a whole word (4 bits).
///
/// This runs on every code that matches, so on nearly all of a large pack for the first letter
/// typed: it looks only where a typed word's first byte is (memchr), and the phrase only where
/// the first typed word begins a word.
fn relevance(fields: &str, typed: &Typed) -> u32 {
    let bytes = fields.as_bytes();
    let title_end = memchr::memchr(b'\n', bytes).unwrap_or(bytes.len());
    let gap = |at: usize| matches!(bytes.get(at), Some(b' ' | b'\n'));
    let (mut begun, mut in_title, mut whole) = (0u32, 0u32, 0u32);
    let mut together = 0;
    for (k, word) in typed.words.iter().enumerate() {
        let word = word.as_bytes();
        let Some(&first) = word.first() else {
            continue;
        };
        let (mut b, mut t, mut w) = (false, false, false);
        for at in memchr::memchr_iter(first, bytes) {
            let starts_word = at == 0 || gap(at - 1);
            if !starts_word || !bytes[at..].starts_with(word) {
                continue;
            }
            b = true;
            t |= at < title_end;
            w |= at + word.len() == bytes.len() || gap(at + word.len());
            if k == 0 && together < 5 && bytes[at..].starts_with(typed.phrase.as_bytes()) {
                let field_start = at == 0 || bytes[at - 1] == b'\n';
                let mut end = at + typed.phrase.len();
                while end < bytes.len() && !gap(end) {
                    end += 1;
                }
                let all = field_start && bytes.get(end) != Some(&b' ');
                let tier = match (field_start, all, at < title_end) {
                    (true, true, _) => 5,
                    (true, false, true) => 4,
                    (true, false, false) => 3,
                    (false, _, _) => 2,
                };
                together = tier.max(together);
            }
        }
        begun += u32::from(b);
        in_title += u32::from(t);
        whole += u32::from(w);
    }
    begun << 11 | together << 8 | in_title << 4 | whole
}

/// The words of `text` for ranking: lower case, split at anything but a letter or digit (so
/// "fly-tipping" is "fly tipping" and "can't" is "can t"), empty ones dropped.
fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}

/// Keeps the best `limit` of `hits`, best first, ties in pack order. Only those are sorted: they
/// are selected first (linear time).
fn top(hits: &mut Vec<CodeHit>, limit: usize) {
    let best_first = |a: &CodeHit, b: &CodeHit| b.score.cmp(&a.score).then(a.index.cmp(&b.index));
    if hits.len() > limit && limit > 0 {
        hits.select_nth_unstable_by(limit - 1, best_first);
    }
    hits.truncate(limit);
    hits.sort_by(best_first);
}

/// The letters and digits that begin a word of `text`, as bits (a–z, then 0–9), case ignored.
/// Other characters begin no bit, so they never rule a code out.
fn word_initials(text: &str) -> u64 {
    let mut bits = 0u64;
    let mut at_start = true;
    for c in text.chars() {
        let alnum = c.is_alphanumeric();
        if alnum && at_start {
            let c = c.to_ascii_lowercase();
            if c.is_ascii_lowercase() {
                bits |= 1 << (c as u32 - 'a' as u32);
            } else if c.is_ascii_digit() {
                bits |= 1 << (26 + c as u32 - '0' as u32);
            }
        }
        at_start = !alnum;
    }
    bits
}

/// Whether `query` is plain text: letters, digits, spaces and hyphens, with none of nucleo's
/// pattern syntax (`!`, `^`, `'`, `$`, `\\`), so its words can be matched as substrings and a
/// longer query that starts with it only ever matches fewer codes.
fn plain(query: &str) -> bool {
    query
        .chars()
        .all(|c| c.is_alphanumeric() || c == ' ' || c == '-')
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
