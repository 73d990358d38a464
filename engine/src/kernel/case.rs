//! Lower case without the standard library's Unicode case tables (issue 14: the call screen's
//! size; `str::to_lowercase` brings about 12 KB of tables into the wasm). Letters are lowered in
//! the scripts a UK contact centre's packs and callers write: ASCII, Latin-1, Latin Extended-A
//! (Welsh ŵ and ŷ, Polish, Czech, Turkish), the Romanian commas, Latin Extended Additional
//! (Vietnamese), modern Greek and Cyrillic; a letter of any other script is left as it is, so
//! case-insensitive matching there is exact-case (engine/tests/case.rs pins both against std).

/// `c` in lower case (see the module for which letters); "İ" is "i".
pub fn lower_char(c: char) -> char {
    let code = c as u32;
    let even = code & 1 == 0;
    let lowered = match code {
        0x41..=0x5A => code + 0x20,
        0..=0x7F => code,
        // Latin-1: À–Þ but the multiplication sign.
        0xC0..=0xDE if code != 0xD7 => code + 0x20,
        0x130 => 0x69,
        // Latin Extended-A: pairs, the capital first, that start on an even or an odd code point.
        0x100..=0x137 | 0x14A..=0x177 if even => code + 1,
        0x139..=0x148 | 0x179..=0x17E if !even => code + 1,
        0x178 => 0xFF,
        // Romanian Ș, Ț.
        0x218..=0x21B if even => code + 1,
        // Greek.
        0x386 => 0x3AC,
        0x388..=0x38A => code + 0x25,
        0x38C => 0x3CC,
        0x38E..=0x38F => code + 0x3F,
        0x391..=0x3A1 | 0x3A3..=0x3AB => code + 0x20,
        // Cyrillic.
        0x400..=0x40F => code + 0x50,
        0x410..=0x42F => code + 0x20,
        0x460..=0x481 | 0x48A..=0x4BF | 0x4D0..=0x52F if even => code + 1,
        0x4C0 => 0x4CF,
        0x4C1..=0x4CE if !even => code + 1,
        // Latin Extended Additional (Vietnamese and others), but ẞ and the letters without a pair.
        0x1E00..=0x1E95 | 0x1EA0..=0x1EFF if even => code + 1,
        0x1E9E => 0xDF,
        _ => code,
    };
    char::from_u32(lowered).unwrap_or(c)
}

/// `text` in lower case, letter by letter ([`lower_char`]).
pub fn lowercase(text: &str) -> String {
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    text.chars().map(lower_char).collect()
}

/// std's `char::is_alphanumeric` below U+0590 (Latin, IPA, Greek, Cyrillic, Armenian), as
/// ranges: `engine/tests/case.rs` checks every one of those code points against std.
const WORD_RANGES: [(u16, u16); 30] = [
    (0x0030, 0x0039),
    (0x0041, 0x005A),
    (0x0061, 0x007A),
    (0x00AA, 0x00AA),
    (0x00B2, 0x00B3),
    (0x00B5, 0x00B5),
    (0x00B9, 0x00BA),
    (0x00BC, 0x00BE),
    (0x00C0, 0x00D6),
    (0x00D8, 0x00F6),
    (0x00F8, 0x02C1),
    (0x02C6, 0x02D1),
    (0x02E0, 0x02E4),
    (0x02EC, 0x02EC),
    (0x02EE, 0x02EE),
    (0x0345, 0x0345),
    (0x0363, 0x0374),
    (0x0376, 0x0377),
    (0x037A, 0x037D),
    (0x037F, 0x037F),
    (0x0386, 0x0386),
    (0x0388, 0x038A),
    (0x038C, 0x038C),
    (0x038E, 0x03A1),
    (0x03A3, 0x03F5),
    (0x03F7, 0x0481),
    (0x048A, 0x052F),
    (0x0531, 0x0556),
    (0x0559, 0x0559),
    (0x0560, 0x0588),
];

/// Whether `c` is part of a word: a letter or a digit. Exactly std's `char::is_alphanumeric`
/// below U+0590 (the scripts `lower_char` lowers, and more); above it, every character but
/// spaces, punctuation and symbols by block (general punctuation, currency, combining marks for
/// symbols, arrows, mathematical and technical symbols, box drawing, shapes, dingbats,
/// supplemental punctuation, CJK punctuation, full-width punctuation, private use, specials,
/// emoji, tags), so a letter of any script is part of a word. std's tables, which decide each
/// character one by one, would add 2 KB to the widget; the two agree on 95% of the code points
/// from U+0590 to U+FFFF, unassigned ones included (`engine/tests/case.rs`).
pub fn is_word_char(c: char) -> bool {
    let code = c as u32;
    if code < 0x590 {
        let code = code as u16;
        return WORD_RANGES
            .iter()
            .any(|&(first, last)| (first..=last).contains(&code));
    }
    !NOT_WORD_RANGES
        .iter()
        .any(|&(first, last)| (first..=last).contains(&code))
}

/// Above U+0590, the blocks (or parts) `is_word_char` takes for spaces, punctuation and symbols.
const NOT_WORD_RANGES: [(u32, u32); 21] = [
    (0x1680, 0x1680),
    (0x2000, 0x206F),
    (0x20A0, 0x20FF),
    (0x2190, 0x245F),
    (0x2500, 0x2BFF),
    (0x2E00, 0x2E7F),
    (0x3000, 0x3004),
    (0x3008, 0x3020),
    (0x3030, 0x3030),
    (0x303D, 0x303F),
    (0xD800, 0xF8FF),
    (0xFE10, 0xFE1F),
    (0xFE30, 0xFE6F),
    (0xFEFF, 0xFEFF),
    (0xFF00, 0xFF0F),
    (0xFF1A, 0xFF20),
    (0xFF3B, 0xFF40),
    (0xFF5B, 0xFF65),
    (0xFFF0, 0xFFFF),
    (0x1F000, 0x1FAFF),
    (0xE0000, 0x10FFFF),
];
