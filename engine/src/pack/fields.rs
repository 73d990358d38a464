//! The organisation's own log fields (issue 15; F3, F21): what a value of each kind may be, how a
//! handoff shows it and how an entry carries it. The call records a custom field as text; this
//! module is the one place that knows what the text means for each kind.

use crate::kernel::{number_text, parse_number};
use crate::pack::{CustomField, FieldKind};

/// `value` as the call records it in `field`, or why it does not fit, in the handler's words.
/// Blank clears the field (an empty string). Text is kept as written; a number as typed, if it
/// is one within the field's range; a choice by its option's id; yes or no as `yes` or `no`; a
/// date and time as `YYYY-MM-DDTHH:MM` (what a browser's date-time box gives).
pub fn check_value(field: &CustomField, value: &str) -> Result<String, String> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Ok(String::new());
    }
    match field.kind {
        FieldKind::Text => Ok(value.to_owned()),
        FieldKind::Number => {
            let n =
                parse_number(trimmed).ok_or_else(|| format!("\"{trimmed}\" is not a number"))?;
            let unit = field
                .unit
                .as_deref()
                .map(|u| format!(" {u}"))
                .unwrap_or_default();
            if let Some(min) = field.min.filter(|min| n < *min) {
                return Err(format!("the smallest is {}{unit}", number_text(min)));
            }
            if let Some(max) = field.max.filter(|max| n > *max) {
                return Err(format!("the largest is {}{unit}", number_text(max)));
            }
            Ok(trimmed.to_owned())
        }
        FieldKind::Choice => match field.options.iter().find(|o| o.id == trimmed) {
            Some(option) => Ok(option.id.clone()),
            None => Err(format!(
                "choose one of {}",
                field
                    .options
                    .iter()
                    .map(|o| format!("\"{}\"", o.label))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        },
        FieldKind::YesNo => match trimmed {
            "yes" | "no" => Ok(trimmed.to_owned()),
            _ => Err("answer yes or no".to_owned()),
        },
        FieldKind::DateTime => {
            if is_date_time(trimmed) {
                Ok(trimmed.to_owned())
            } else {
                Err(format!(
                    "\"{trimmed}\" is not a date and time: write it as 2026-12-07T14:30"
                ))
            }
        }
    }
}

/// Whether `text` is `YYYY-MM-DDTHH:MM`, a real day of a real month, on the 24-hour clock.
fn is_date_time(text: &str) -> bool {
    let b = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        b.get(range.clone())
            .filter(|d| d.iter().all(u8::is_ascii_digit))
            .map(|d| d.iter().fold(0u32, |n, d| n * 10 + u32::from(d - b'0')))
    };
    if b.len() != 16 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' {
        return false;
    }
    let (Some(year), Some(month), Some(day), Some(hour), Some(minute)) = (
        digits(0..4),
        digits(5..7),
        digits(8..10),
        digits(11..13),
        digits(14..16),
    ) else {
        return false;
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day) && hour < 24 && minute < 60
}

/// A recorded value as people read it: a choice by its label, yes or no in words, a number with
/// its unit, a date and time with a space for the `T`.
pub fn shown(field: &CustomField, value: &str) -> String {
    match field.kind {
        FieldKind::Text => value.to_owned(),
        FieldKind::Number => match &field.unit {
            Some(unit) => format!("{value} {unit}"),
            None => value.to_owned(),
        },
        FieldKind::Choice => field
            .options
            .iter()
            .find(|o| o.id == value)
            .map_or_else(|| value.to_owned(), |o| o.label.clone()),
        FieldKind::YesNo => match value {
            "yes" => "Yes".to_owned(),
            "no" => "No".to_owned(),
            other => other.to_owned(),
        },
        FieldKind::DateTime => value.replacen('T', " ", 1),
    }
}

/// A recorded value as a log entry carries it: text, a choice's id and a date and time as
/// strings; a number as a number; yes or no as `true` or `false`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum EntryValue {
    /// Text, a choice's id, or a date and time.
    Text(String),
    /// A number.
    Number(f64),
    /// Yes (`true`) or no.
    YesNo(bool),
}

/// `value` of `field` as an entry carries it.
pub fn entry_value(field: &CustomField, value: &str) -> EntryValue {
    match field.kind {
        FieldKind::Number => parse_number(value)
            .map_or_else(|| EntryValue::Text(value.to_owned()), EntryValue::Number),
        FieldKind::YesNo => EntryValue::YesNo(value == "yes"),
        _ => EntryValue::Text(value.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pack::FieldOption;

    fn field(kind: FieldKind) -> CustomField {
        CustomField {
            id: "f".into(),
            label: "F".into(),
            kind,
            hint: None,
            options: vec![FieldOption {
                id: "registered".into(),
                label: "Registered".into(),
            }],
            unit: Some("properties".into()),
            min: Some(1.0),
            max: Some(500.0),
            personal: false,
            required: false,
            required_for: vec![],
            in_handoff: true,
        }
    }

    #[test]
    fn values_fit_their_kind_or_say_why() {
        let number = field(FieldKind::Number);
        assert_eq!(check_value(&number, " 12 "), Ok("12".into()));
        assert_eq!(
            check_value(&number, "0"),
            Err("the smallest is 1 properties".into())
        );
        assert_eq!(
            check_value(&number, "501"),
            Err("the largest is 500 properties".into())
        );
        assert_eq!(
            check_value(&number, "lots"),
            Err("\"lots\" is not a number".into())
        );
        assert_eq!(check_value(&number, "  "), Ok(String::new()));
        let choice = field(FieldKind::Choice);
        assert_eq!(check_value(&choice, "registered"), Ok("registered".into()));
        assert_eq!(
            check_value(&choice, "Registered"),
            Err("choose one of \"Registered\"".into())
        );
        let yes_no = field(FieldKind::YesNo);
        assert_eq!(check_value(&yes_no, "yes"), Ok("yes".into()));
        assert!(check_value(&yes_no, "maybe").is_err());
        let when = field(FieldKind::DateTime);
        for good in ["2026-12-07T14:30", "2024-02-29T00:00", "2026-12-31T23:59"] {
            assert_eq!(check_value(&when, good), Ok(good.into()), "{good}");
        }
        for bad in [
            "2026-12-07 14:30",
            "2025-02-29T10:00",
            "2026-13-01T10:00",
            "2026-04-31T10:00",
            "2026-12-07T24:00",
            "2026-12-07T14:60",
            "2026-12-07T14:3",
            "２026-12-07T14:30",
        ] {
            assert!(check_value(&when, bad).is_err(), "{bad}");
        }
        let text = field(FieldKind::Text);
        assert_eq!(check_value(&text, " As said "), Ok(" As said ".into()));
    }

    #[test]
    fn values_are_shown_in_words_and_carried_typed() {
        assert_eq!(shown(&field(FieldKind::Number), "12"), "12 properties");
        assert_eq!(shown(&field(FieldKind::Choice), "registered"), "Registered");
        assert_eq!(shown(&field(FieldKind::YesNo), "no"), "No");
        assert_eq!(
            shown(&field(FieldKind::DateTime), "2026-12-07T14:30"),
            "2026-12-07 14:30"
        );
        assert_eq!(
            entry_value(&field(FieldKind::Number), "12.5"),
            EntryValue::Number(12.5)
        );
        assert_eq!(
            entry_value(&field(FieldKind::YesNo), "yes"),
            EntryValue::YesNo(true)
        );
        assert_eq!(
            entry_value(&field(FieldKind::Choice), "registered"),
            EntryValue::Text("registered".into())
        );
    }
}
