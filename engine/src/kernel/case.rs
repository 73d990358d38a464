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
