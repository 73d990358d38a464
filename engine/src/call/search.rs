//! Finding the right code or tree while the caller talks (F3; L2 1.4, 3.7; P1).
//!
//! Code search finds codes by code or by words (the code, its title and keywords), in two tiers:
//! codes containing every word typed come first (as text anywhere: "tre" is in "tree"), and only
//! when those are fewer than asked for are they followed by fuzzy matches (each typed word's
//! letters in order, with gaps, so "hwfld" finds HW-FLD-01). Case and the accents of Latin letters
//! are ignored ("cafe" finds "Café"). Fuzzy matching of a short query against thousands of codes
//! is the slow part; a short query always has enough matches in the first tier, so it never
//! needs it. The matcher is this module's own, a few hundred bytes of code: a general fuzzy
//! finder (nucleo-matcher, which this replaced) cost about 15 KB gzip of the call screen's wasm
//! for a ranking that the handler's words decide anyway.
//!
//! Within each tier codes are ranked by what the handler means (issue 13), in this order: a code
//! that starts with the query (typing a code finds it first); then the number of typed words found
//! in the code's title or keywords as a whole word or the start of one ("gas" in "Smell of gas",
//! "pot" in "pothole"; not "ice" in "police", nor a word only in the code itself); then how the
//! typed words stand together in one title or keyword: all of it (a keyword "gas" for "gas"), its
//! start (the title first, then a keyword), or anywhere in it; then typed words in the title; then
//! whole words over starts of words; then how the letters matched (at the start of words, and in
//! a row, count for more); last, the pack's order. So "gas" puts "Smell of gas or suspected gas
//! escape" (keyword "gas") before a fly-tipping code with the keyword "gas bottles dumped".
//!
//! Tree suggestion matches trees' keywords, as whole words and phrases, in the caller's words, and
//! needs a keyword that means something on its own: see [`suggest_trees`].

use crate::kernel::is_word_char;
use crate::kernel::sort::sort_by;
use crate::kernel::{lower_char, lowercase};
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
/// Typing narrows: when a query only adds to the end of the last one, every code containing its
/// words also contained the last one's, so only those are looked at again for the first tier. Any
/// other edit looks at all codes. The results are the same either way (a property test checks
/// it).
pub struct CodeSearch {
    codes: Vec<String>,
    /// Each code's code, title and keywords, as [`folded`] gives them, separated by spaces.
    haystacks: Vec<String>,
    /// The words of every code's title and keywords, for ranking.
    words: Words,
    /// For each code, which letters and digits begin one of its words (bit `n` for the `n`th of
    /// a–z then 0–9): a fuzzy match must begin each typed word where a word begins.
    initials: Vec<u64>,
    /// The last query and the indices of every code containing all its words, in pack order.
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

/// How a code is matched: each typed word as text within it, or its letters in order.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Tier {
    Contains,
    Fuzzy,
}

impl CodeSearch {
    /// Prepares the codes of `pack`.
    pub fn new(pack: &Pack) -> CodeSearch {
        let codes = &pack.file().codes;
        let texts: Vec<String> = codes
            .iter()
            .map(|c| format!("{} {} {}", c.code, c.title, c.keywords.join(" ")))
            .collect();
        CodeSearch {
            codes: codes.iter().map(|c| lowercase(&c.code)).collect(),
            words: Words::new(codes),
            initials: texts.iter().map(|t| word_initials(t)).collect(),
            haystacks: texts.iter().map(|t| folded(t)).collect(),
            last: None,
        }
    }

    /// The best `limit` matches for `query`, best first (codes containing every typed word, then
    /// fuzzy ones, each ranked as the module describes); ties keep the pack's order. An empty
    /// query gives the first `limit` codes in the pack's order.
    pub fn search(&mut self, query: &str, limit: usize) -> Vec<CodeHit> {
        let query = query.trim_start();
        if query.trim().is_empty() {
            self.last = None;
            return (0..self.codes.len().min(limit))
                .map(|index| CodeHit { index, score: 0 })
                .collect();
        }
        let lower = lowercase(query.trim());
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
        let query_folded = folded(query);
        let atoms: Vec<&str> = query_folded.split_whitespace().collect();
        let candidates = match self.last.take() {
            Some((last, matched)) if query.starts_with(last.as_str()) => matched,
            _ => (0..self.haystacks.len()).collect(),
        };
        let mut hits = self.score(Tier::Contains, &atoms, candidates, &lower, &typed);
        let mut contains_all = vec![false; self.haystacks.len()];
        for hit in &hits {
            contains_all[hit.index] = true;
        }
        self.last = Some((query.to_owned(), hits.iter().map(|h| h.index).collect()));
        top(&mut hits, limit);
        if hits.len() < limit {
            // Each typed word must begin where a word of the code begins: a cheap test that
            // spares scoring most codes.
            let needed = word_initials(query);
            let rest = (0..self.haystacks.len())
                .filter(|i| !contains_all[*i] && self.initials[*i] & needed == needed)
                .collect();
            let mut more = self.score(Tier::Fuzzy, &atoms, rest, &lower, &typed);
            top(&mut more, limit - hits.len());
            hits.extend(more);
        }
        hits
    }

    /// Scores `candidates` against the typed `atoms` (the query's words, [`folded`]), keeping
    /// those that match in `tier`. The score, highest bit first: [`CODE_PREFIX_BOOST`] for a code
    /// that starts with `lower`, then the [`Words::relevance`] of its title and keywords to the
    /// `typed` words (15 bits), then how the letters matched ([`atom_score`], 16 bits at most).
    fn score(
        &self,
        tier: Tier,
        atoms: &[&str],
        candidates: Vec<usize>,
        lower: &str,
        typed: &Typed,
    ) -> Vec<CodeHit> {
        let mut hits = Vec::with_capacity(candidates.len());
        for index in candidates {
            let Some(haystack) = self.haystacks.get(index) else {
                continue;
            };
            let mut matched = 0u32;
            let all = atoms.iter().all(|atom| {
                atom_score(haystack, atom, tier).is_some_and(|s| {
                    matched = matched.saturating_add(s);
                    true
                })
            });
            if !all {
                continue;
            }
            let boost = match self.codes.get(index) {
                Some(code) if code.starts_with(lower) => CODE_PREFIX_BOOST,
                _ => 0,
            };
            hits.push(CodeHit {
                index,
                score: boost | self.words.relevance(index, typed) << 16 | matched.min(0xFFFF),
            });
        }
        hits
    }
}

/// How well one typed word (`atom`, [`folded`]) matches a code's `haystack`, if it does: in
/// [`Tier::Contains`] as text within it, best where a word begins; in [`Tier::Fuzzy`] its letters
/// in order, each found as early as it can be, a letter that begins a word or follows the last
/// one matched counting for more.
fn atom_score(haystack: &str, atom: &str, tier: Tier) -> Option<u32> {
    let begins_word = |at: usize| {
        haystack[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !is_word_char(c))
    };
    let len = atom.chars().count() as u32;
    match tier {
        Tier::Contains => {
            // Where the atom's first byte is (a character's first byte: never inside another
            // character), then the rest; a match that begins a word is the best there is.
            let (bytes, needle) = (haystack.as_bytes(), atom.as_bytes());
            let first = *needle.first()?;
            let (mut best, mut from) = (None, 0);
            while let Some(i) = bytes.get(from..)?.iter().position(|b| *b == first) {
                let at = from + i;
                if bytes.get(at..).is_some_and(|rest| rest.starts_with(needle)) {
                    if begins_word(at) {
                        return Some(len * 4);
                    }
                    best.get_or_insert(len * 2);
                }
                from = at + 1;
            }
            best
        }
        Tier::Fuzzy => {
            // Each letter found as early as it can be; `last` is where the last one ended.
            let (mut score, mut last, mut from) = (0u32, None, 0);
            for w in atom.chars() {
                // An ASCII letter by bytes (never inside another character's bytes): fast.
                let at = if w.is_ascii() {
                    let at = haystack
                        .as_bytes()
                        .get(from..)?
                        .iter()
                        .position(|b| *b == w as u8)?;
                    from + at
                } else {
                    let (at, _) = haystack
                        .get(from..)?
                        .char_indices()
                        .find(|(_, c)| *c == w)?;
                    from + at
                };
                score +=
                    1 + if begins_word(at) { 2 } else { 0 } + if last == Some(at) { 2 } else { 0 };
                from = at + w.len_utf8();
                last = Some(from);
            }
            Some(score)
        }
    }
}

/// `text` as the matcher compares it: lower case, and the common accented Latin letters as their
/// plain ones ("Café" is "cafe", Welsh "ŵ" is "w").
fn folded(text: &str) -> String {
    text.chars()
        .map(lower_char)
        .map(|c| match c {
            'à'..='å' | 'ā' | 'ă' | 'ą' => 'a',
            'ç' | 'ć' | 'č' => 'c',
            'è'..='ë' | 'ē' | 'ė' | 'ę' | 'ě' => 'e',
            'ì'..='ï' | 'ī' | 'į' => 'i',
            'ñ' | 'ń' | 'ň' => 'n',
            'ò'..='ö' | 'ø' | 'ō' | 'ő' => 'o',
            'ù'..='ü' | 'ū' | 'ů' | 'ű' => 'u',
            'ý' | 'ÿ' | 'ŷ' => 'y',
            'ŵ' => 'w',
            'ś' | 'š' => 's',
            'ź' | 'ż' | 'ž' => 'z',
            'ł' => 'l',
            'ř' => 'r',
            other => other,
        })
        .collect()
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
                    if !is_word_char(c) {
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
                        words.text.push(lower_char(c));
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
    text.split(|c: char| !is_word_char(c))
        .filter(|w| !w.is_empty())
        .map(|w| w.chars().map(lower_char).collect())
}

/// Keeps the best `limit` of `hits`, best first, ties in pack order: each hit goes into a list of
/// the best so far, kept in order (time `hits` × `limit`, for the few results a handler reads; std's
/// `select_nth_unstable` would add its selection code to the widget).
fn top(hits: &mut Vec<CodeHit>, limit: usize) {
    let better =
        |a: &CodeHit, b: &CodeHit| a.score > b.score || (a.score == b.score && a.index < b.index);
    let mut best: Vec<CodeHit> = Vec::with_capacity(limit.min(hits.len()) + 1);
    for hit in hits.drain(..) {
        if best.len() == limit && !best.last().is_some_and(|worst| better(&hit, worst)) {
            continue;
        }
        let at = best
            .iter()
            .position(|b| better(&hit, b))
            .unwrap_or(best.len());
        best.insert(at, hit);
        best.truncate(limit);
    }
    *hits = best;
}

/// The letters and digits that begin a word of `text`, as bits (a–z, then 0–9), case ignored.
/// Other characters begin no bit, so they never rule a code out.
fn word_initials(text: &str) -> u64 {
    let mut bits = 0u64;
    let mut at_start = true;
    for c in text.chars() {
        let alnum = is_word_char(c);
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
    lowercase(text)
        .replace('\u{2019}', "'")
        .split(|c: char| !(is_word_char(c) || c == '\''))
        .map(|w| fold(w.trim_matches('\'')).to_owned())
        .filter(|w| !w.is_empty())
        .collect()
}
