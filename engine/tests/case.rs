//! `kernel::lower_char` lowers what std's `char::to_lowercase` lowers in the scripts it covers,
//! and leaves every other character as it is (issue 14: no Unicode case tables in the wasm).

use incident_engine::kernel::{lower_char, lowercase};

/// The blocks `lower_char` covers.
const COVERED: &[(u32, u32)] = &[
    (0x0000, 0x017F),
    // Romanian Ș, Ț.
    (0x0218, 0x021B),
    (0x0386, 0x03CE),
    (0x0400, 0x052F),
    (0x1E00, 0x1EFF),
];

fn covered(c: char) -> bool {
    COVERED
        .iter()
        .any(|(from, to)| (*from..=*to).contains(&(c as u32)))
}

#[test]
fn every_covered_letter_lowers_as_std_lowers_it() {
    let mut differ = Vec::new();
    for c in (0..=0x1EFF)
        .filter_map(char::from_u32)
        .filter(|c| covered(*c))
    {
        let std: Vec<char> = c.to_lowercase().collect();
        let ours = lower_char(c);
        // "İ" is "i" plus a combining dot in std; "i" here.
        let expected = if c == 'İ' { 'i' } else { std[0] };
        if (std.len() == 1 || c == 'İ') && ours != expected {
            differ.push(format!(
                "{c} U+{:04X}: std {expected}, ours {ours}",
                c as u32
            ));
        }
    }
    assert!(differ.is_empty(), "{differ:#?}");
}

#[test]
fn what_it_does_not_cover_is_left_as_it_is() {
    for c in (0..=0x10FFFF)
        .filter_map(char::from_u32)
        .filter(|c| !covered(*c))
    {
        assert_eq!(lower_char(c), c, "U+{:04X}", c as u32);
    }
}

#[test]
fn words_callers_write() {
    assert_eq!(lowercase("GAS LEAK"), "gas leak");
    assert_eq!(lowercase("Caffi Ŵyn, CAERDYDD"), "caffi ŵyn, caerdydd");
    assert_eq!(lowercase("ZOË İSTANBUL"), "zoë istanbul");
    assert_eq!(lowercase("ŁÓDŹ ŞIŞLI ȘTEFAN"), "łódź şişli ștefan");
    assert_eq!(lowercase("ΑΘΗΝΑ Київ"), "αθηνα київ");
}

/// `is_word_char` is std's `is_alphanumeric` exactly below U+0590, and agrees with it on nearly
/// every character above (the blocks it calls punctuation and symbols hold few letters).
#[test]
fn word_characters_are_stds_alphanumerics() {
    use incident_engine::kernel::is_word_char;
    for code in 0..0x590u32 {
        let c = char::from_u32(code).unwrap();
        assert_eq!(is_word_char(c), c.is_alphanumeric(), "U+{code:04X}");
    }
    // Over the rest of the Basic Multilingual Plane (where text is written), unassigned code
    // points included (std says no to those; here, outside the symbol blocks, yes).
    let (mut same, mut all) = (0u32, 0u32);
    for c in (0x590..=0xFFFFu32).filter_map(char::from_u32) {
        all += 1;
        same += u32::from(is_word_char(c) == c.is_alphanumeric());
    }
    println!("is_word_char agrees with std on {same} of {all} characters from U+0590 to U+FFFF");
    assert!(same * 100 / all >= 90, "{same} of {all}");
    for c in ['א', 'ب', 'क', '中', 'あ', '한', 'ก', '٣', '७', 'ⅻ', '①'] {
        assert!(is_word_char(c), "{c}");
    }
    for c in [
        '\u{2014}', '…', '€', '→', '∑', '■', '★', '、', '。', '！', '😀', '\u{3000}',
    ] {
        assert!(!is_word_char(c) && !c.is_alphanumeric(), "{c}");
    }
}
