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
