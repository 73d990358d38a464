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
//! keyword "gas bottles dumped".
//!
//! Tree suggestion matches trees' keywords, as whole words and phrases, in the caller's words, and
//! needs a keyword that means something on its own: see [`suggest_trees`].

use nucleo_matcher::pattern::{AtomKind, CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32String};

use crate::kernel::sort::sort_by;
use crate::pack::Pack;

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
    /// The words of every code's title and keywords, for ranking.
    words: Words,
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

/// The words of a query, for [`Words::relevance`]: at most 15 (so each count fits 4 bits), and the
/// same joined by spaces.
struct Typed {
    words: Vec<String>,
    phrase: String,
    /// Whether a byte is the first of a word (a table: a slice's `contains` calls memchr).
    firsts: [bool; 256],
}

/// Added to the score of a code that starts with the query, so typing a code finds it first:
/// above every other part of the score (see [`CodeSearch::score`]).
const CODE_PREFIX_BOOST: u32 = 1 << 31;

impl CodeSearch {
    /// Prepares the codes of `pack`.
    pub fn new(pack: &Pack) -> CodeSearch {
        let codes = &pack.file().codes;
        let texts: Vec<String> = codes
            .iter()
            .map(|c| format!("{} {} {}", c.code, c.title, c.keywords.join(" ")))
            .collect();
        CodeSearch {
            codes: codes.iter().map(|c| c.code.to_lowercase()).collect(),
            words: Words::new(codes),
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
            firsts: {
                let mut firsts = [false; 256];
                for byte in typed.iter().filter_map(|w| w.bytes().next()) {
                    firsts[usize::from(byte)] = true;
                }
                firsts
            },
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
    /// first: [`CODE_PREFIX_BOOST`] for a code that starts with `lower`, then the [`Words::relevance`] of
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
            hits.push(CodeHit {
                index,
                score: boost | self.words.relevance(index, typed) << 16 | score.min(0xFFFF),
            });
        }
        hits
    }
}

/// The words of every code's title and keywords, for ranking: lower case, split at anything but a
/// letter or digit (so "fly-tipping" is "fly tipping" and "can't" is "can t"). Each code's are one
/// text (words separated by a space; the title, then each keyword, separated by a line break),
/// with where each word starts: ranking compares only there, and this runs on every code that
/// matches, so on nearly all of a large pack for the first letter typed.
struct Words {
    /// Every code's text, one after another.
    text: String,
    /// Where each code's text starts in `text`, and its title ends; and one more, the end.
    codes: Vec<(usize, usize)>,
    /// Where each word starts, in its code's text.
    starts: Vec<u32>,
    /// Where each code's words start in `starts`; and one more, the end.
    first_word: Vec<usize>,
}

impl Words {
    fn new(codes: &[crate::pack::IncidentCode]) -> Words {
        fn fields(code: &crate::pack::IncidentCode) -> impl Iterator<Item = &str> {
            std::iter::once(&code.title)
                .chain(&code.keywords)
                .map(String::as_str)
        }
        let size = codes.iter().flat_map(fields).map(str::len).sum::<usize>();
        let mut words = Words {
            text: String::with_capacity(size + codes.len()),
            codes: Vec::with_capacity(codes.len() + 1),
            starts: Vec::with_capacity(size / 6),
            first_word: Vec::with_capacity(codes.len() + 1),
        };
        for code in codes {
            let start = words.text.len();
            words.first_word.push(words.starts.len());
            let mut title_end = None;
            for (n, field) in fields(code).enumerate() {
                if n > 0 {
                    title_end.get_or_insert(words.text.len());
                    words.text.push('\n');
                }
                let (mut word_start, mut first_word) = (true, true);
                for c in field.chars() {
                    if !c.is_alphanumeric() {
                        word_start = true;
                        continue;
                    }
                    if word_start {
                        if !first_word {
                            words.text.push(' ');
                        }
                        // A code's text over 4 GB would not fit in memory anyway.
                        words
                            .starts
                            .extend(u32::try_from(words.text.len() - start).ok());
                        (word_start, first_word) = (false, false);
                    }
                    if c.is_ascii() {
                        words.text.push(c.to_ascii_lowercase());
                    } else {
                        words.text.extend(c.to_lowercase());
                    }
                }
            }
            words
                .codes
                .push((start, title_end.unwrap_or(words.text.len())));
        }
        words.codes.push((words.text.len(), words.text.len()));
        words.first_word.push(words.starts.len());
        words
    }

    /// How well the `typed` words match the title and keywords of the code at `index`, as 15
    /// bits, most significant first: how many typed words begin a word of the title or a keyword
    /// (4 bits); how the typed words stand together in one title or keyword, as consecutive
    /// words each equal to a typed one but the last, which need only begin with it (3 bits: 5 all
    /// of it, 4 the title's start, 3 a keyword's start, 2 anywhere, 0 not at all); how many begin
    /// a word of the title (4 bits); how many are a whole word (4 bits).
    fn relevance(&self, index: usize, typed: &Typed) -> u32 {
        let (Some(&(start, title_end)), Some(&(end, _))) =
            (self.codes.get(index), self.codes.get(index + 1))
        else {
            return 0;
        };
        let (Some(bytes), Some(title_end)) = (
            self.text.as_bytes().get(start..end),
            title_end.checked_sub(start),
        ) else {
            return 0;
        };
        let starts = self
            .first_word
            .get(index)
            .zip(self.first_word.get(index + 1))
            .and_then(|(&from, &to)| self.starts.get(from..to))
            .unwrap_or_default();
        let gap = |at: usize| matches!(bytes.get(at), None | Some(b' ' | b'\n'));
        let phrase = typed.phrase.as_bytes();
        let (mut begun, mut in_title, mut whole) = (0u16, 0u16, 0u16);
        let mut together = 0;
        for &at in starts {
            let at = at as usize;
            let Some(rest) = bytes.get(at..) else {
                continue;
            };
            // Most words start with another letter: one byte settles them.
            if !rest.first().is_some_and(|b| typed.firsts[usize::from(*b)]) {
                continue;
            }
            let title = at < title_end;
            for (k, word) in typed.words.iter().enumerate() {
                if rest.starts_with(word.as_bytes()) {
                    begun |= 1 << k;
                    if title {
                        in_title |= 1 << k;
                    }
                    if gap(at + word.len()) {
                        whole |= 1 << k;
                    }
                }
            }
            if together < 5 && rest.starts_with(phrase) {
                let field_start = at == 0 || bytes.get(at - 1) == Some(&b'\n');
                let mut end = at + phrase.len();
                while !gap(end) {
                    end += 1;
                }
                let all = field_start && bytes.get(end) != Some(&b' ');
                let tier = match (field_start, all, title) {
                    (true, true, _) => 5,
                    (true, false, true) => 4,
                    (true, false, false) => 3,
                    (false, _, _) => 2,
                };
                together = tier.max(together);
            }
        }
        let count = |bits: u16| bits.count_ones();
        count(begun) << 11 | together << 8 | count(in_title) << 4 | count(whole)
    }
}

/// The words of `text` for ranking, as [`Words`] has them (lower case letter by letter, as there).
fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.chars().flat_map(char::to_lowercase).collect())
}

/// Keeps the best `limit` of `hits`, best first, ties in pack order. Only those are sorted: they
/// are selected first (linear time).
fn top(hits: &mut Vec<CodeHit>, limit: usize) {
    let best_first = |a: &CodeHit, b: &CodeHit| b.score.cmp(&a.score).then(a.index.cmp(&b.index));
    if hits.len() > limit && limit > 0 {
        hits.select_nth_unstable_by(limit - 1, best_first);
    }
    hits.truncate(limit);
    sort_by(hits, best_first);
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

/// Trees that what the caller said (`words`) suggests, best first (issue 13).
///
/// The rule. A tree's keyword matches when its words appear in what was said as whole words, in
/// a row for a phrase, ignoring case and punctuation ("Burst main!" has "burst main"); a word
/// matches with or without an "s" or "'s" at its end ("dogs" has "dog", "the power's off" has
/// "power off"). A tree is suggested only when a keyword that **means something** matches: a
/// phrase (two words or more), or a single word that is not one of the [`COMMON_WORDS`] (words
/// such as "the", "my", "main", "road", "street", "house" and "home", which are in nearly every
/// call and say nothing on their own about what it is). So "main road" suggests nothing, while
/// "water pouring out of a burst main in the road" suggests the burst main tree ("water",
/// "burst"). Once a tree is suggested, every keyword that matches counts towards its place,
/// common words included: the trees with the most matching keyword words come first (a phrase
/// counts each of its words), ties in the pack's order.
pub fn suggest_trees(pack: &Pack, words: &str) -> Vec<usize> {
    let said = compared_words(words);
    if said.is_empty() {
        return Vec::new();
    }
    let mut ranked: Vec<(usize, usize)> = Vec::new();
    for (i, tree) in pack.file().trees.iter().enumerate() {
        let (mut count, mut meaningful) = (0, false);
        for keyword in &tree.keywords {
            let keyword = compared_words(keyword);
            if keyword.is_empty() || !said.windows(keyword.len()).any(|w| w == keyword) {
                continue;
            }
            count += keyword.len();
            meaningful |= match keyword.as_slice() {
                [word] => !COMMON_WORDS
                    .split_whitespace()
                    .any(|common| fold(common) == word),
                _ => true,
            };
        }
        if meaningful {
            ranked.push((i, count));
        }
    }
    sort_by(&mut ranked, |a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    ranked.into_iter().map(|(i, _)| i).collect()
}

/// Words in nearly every call, which say nothing on their own about what it is about, separated
/// by spaces: a tree keyword that is only one of these never suggests the tree by itself (see
/// [`suggest_trees`]). Words that join others, then people, places, times and things; never a
/// word that names a hazard.
pub const COMMON_WORDS: &str = "\
    a an the and or but so if of in on at to from by for with into onto out over under up down \
    off about near next there here this that these those it it's is are was were be been has \
    have had do does did not no yes can just very really some all one what where when who how \
    please help \
    i i'm me my we our us you your he his him she her they their them someone somebody people \
    person man woman lady neighbour \
    main road street lane avenue close house home flat building door place area outside inside \
    front back side estate town council \
    now today tonight night day morning time thing something";

/// A word as suggestion compares it: without an "'s" or a plural "s" at its end ("dogs" and
/// "dog's" are "dog"); not when less than three letters would be left ("gas", "bus") or the word
/// ends in "ss" ("glass").
fn fold(word: &str) -> &str {
    let word = word.strip_suffix("'s").unwrap_or(word);
    match word.strip_suffix('s') {
        Some(stem) if stem.chars().count() >= 3 && !stem.ends_with('s') => stem,
        _ => word,
    }
}

/// The words of `text` as suggestion compares them: lower case, split at anything but a letter,
/// digit or apostrophe (a typographic one, as in "it’s", read as a straight one), apostrophes
/// around a word (quotes) dropped, then [`fold`]ed.
fn compared_words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .replace('\u{2019}', "'")
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .map(|w| fold(w.trim_matches('\'')).to_owned())
        .filter(|w| !w.is_empty())
        .collect()
}
