//! A problem found in something read (a pack, a draft, deployment settings, a host message): where,
//! as a JSON path, and what, in plain English.

use std::fmt;

use serde::Serialize;

/// One problem with a pack's content, at a JSON path such as `wording.greeting`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// Where the problem is, as a JSON path (`organisation.name`); empty for the whole pack.
    pub path: String,
    /// What is wrong, for a contact-centre manager rather than a programmer.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// Every problem in `problems`, joined by "; ": the one line an error that lists them all shows.
pub fn list_problems<T: fmt::Display>(problems: &[T]) -> String {
    problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// `n` and the noun that goes with it: "1 attempt", "2 attempts", "0 attempts".
pub fn counted(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A length of time in whole minutes and seconds: "4 min 05 s".
pub fn minutes_and_seconds(ms: u64) -> String {
    let s = ms / 1000;
    format!("{} min {:02} s", s / 60, s % 60)
}

/// A number as the handler and the pack's author read it: a whole number without a decimal point
/// ("45", not "45.0"), else the shortest text that reads back as the same number ("12.5"); not a
/// number or an infinity in words. (serde_json's formatter, already in the widget for the log
/// entry, rather than `f64`'s `Display`: that would bring a second float formatter into the wasm.)
pub fn number_text(n: f64) -> String {
    if n.is_finite() && n.fract() == 0.0 && n.abs() < 1e15 {
        // Whole and well within i64: exact.
        return (n as i64).to_string();
    }
    match serde_json::Number::from_f64(n) {
        Some(number) => number.to_string(),
        None if n.is_nan() => "not a number".to_owned(),
        None if n > 0.0 => "infinity".to_owned(),
        None => "minus infinity".to_owned(),
    }
}

/// A decimal number as people and browsers write it (an `<input type="number">`'s value: "12",
/// "0.5", ".5", "-3", "007", "1e3"), read exactly (the nearest `f64`) by `read_decimal` once
/// written as JSON writes it. `None` for anything else, and for a number beyond what a float
/// holds.
pub fn parse_number(text: &str) -> Option<f64> {
    let text = text.trim();
    let (sign, rest) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text.strip_prefix('+').unwrap_or(text)),
    };
    let digits_end = |s: &str| s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (whole, rest) = rest.split_at(digits_end(rest));
    let (fraction, rest) = match rest.strip_prefix('.') {
        Some(after) => after.split_at(digits_end(after)),
        None => ("", rest),
    };
    if whole.is_empty() && fraction.is_empty() {
        return None;
    }
    // JSON's grammar: no leading zeros, a digit on each side of the point.
    let whole = match whole.trim_start_matches('0') {
        "" => "0",
        digits => digits,
    };
    let mut json = format!("{sign}{whole}");
    if !fraction.is_empty() {
        json.push('.');
        json.push_str(fraction);
    }
    if let Some(exponent) = rest.strip_prefix(['e', 'E']) {
        let digits = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        json.push('e');
        json.push_str(exponent);
    } else if !rest.is_empty() {
        return None;
    }
    super::read_decimal(&json)
}

/// `1536` → `"1.5 KB"`, in units of 1024 with one decimal, for messages people read. Integer
/// arithmetic only: float formatting would add kilobytes to the widget for one message.
pub fn human_bytes(bytes: usize) -> String {
    const UNITS: [&str; 3] = ["KB", "MB", "GB"];
    if bytes < 1024 {
        return format!("{bytes} bytes");
    }
    let bytes = bytes as u64;
    let mut unit = 0;
    let mut scale: u64 = 1024;
    // Rounded to tenths of the unit; move up a unit when rounding reaches 1024 of this one.
    let tenths_of = |scale: u64| bytes.saturating_mul(10).saturating_add(scale / 2) / scale;
    let mut tenths = tenths_of(scale);
    while tenths >= 10_240 && unit + 1 < UNITS.len() {
        scale *= 1024;
        unit += 1;
        tenths = tenths_of(scale);
    }
    format!("{}.{} {}", tenths / 10, tenths % 10, UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::{number_text, parse_number};

    #[test]
    fn numbers_read_as_people_write_them() {
        for (n, text) in [
            (45.0, "45"),
            (-3.0, "-3"),
            (0.0, "0"),
            (-0.0, "0"),
            (12.5, "12.5"),
            (0.1, "0.1"),
            (1.0 / 3.0, "0.3333333333333333"),
            (1e20, "1e+20"),
            (f64::NAN, "not a number"),
            (f64::INFINITY, "infinity"),
            (f64::NEG_INFINITY, "minus infinity"),
        ] {
            assert_eq!(number_text(n), text, "{n}");
        }
        // The shortest text that reads back as the same number.
        for n in [0.1 + 0.2, 123.456, 2.5e-8, 9_007_199_254_740_993.0] {
            assert_eq!(parse_number(&number_text(n)), Some(n));
        }
    }

    #[test]
    fn numbers_are_read_as_browsers_and_people_write_them_and_exactly() {
        for (text, n) in [
            ("12", Some(12.0)),
            (" 12.5 ", Some(12.5)),
            (".5", Some(0.5)),
            ("-.5", Some(-0.5)),
            ("007", Some(7.0)),
            ("-0", Some(-0.0)),
            ("+4", Some(4.0)),
            ("5.", Some(5.0)),
            ("1e3", Some(1000.0)),
            ("2.5E-2", Some(0.025)),
            ("0.1", Some(0.1)),
            ("", None),
            ("-", None),
            (".", None),
            ("12cm", None),
            ("1e", None),
            ("1e+", None),
            ("--1", None),
            ("1e999", None),
            ("NaN", None),
            ("inf", None),
        ] {
            assert_eq!(parse_number(text), n, "{text:?}");
        }
        // Exact: the same bits as Rust's own reader, whatever the digits.
        for text in [
            "0.1",
            "3.141592653589793238462643383279",
            "123456789012345678901234567890",
            "4.9e-324",
            "1.7976931348623157e308",
        ] {
            assert_eq!(parse_number(text), text.parse::<f64>().ok(), "{text}");
        }
    }
}
