//! Deadlines as data (issue 15): when something named per code is due ("restore supply within 12
//! hours", "a written response within 10 working days"), counted from the call in calendar or
//! working time, with the organisation's working calendar (its working days and hours, holidays
//! and time zone).
//!
//! Time is the caller's (`Millis` since the Unix epoch, UTC); the calendar's days and hours are
//! the organisation's local time: `Europe/London` (GMT, and BST from 01:00 UTC on the last Sunday
//! of March to 01:00 UTC on the last Sunday of October) or `UTC`.

use crate::kernel::{civil_from_days, days_from_civil, Millis};
use crate::pack::hours::parse_time;
use crate::pack::{Calendar, Deadline, DeadlineUnit, Weekday};

const MINUTE: u64 = 60_000;
const DAY: u64 = 24 * 60;

/// The time zones a calendar may name.
pub const TIME_ZONES: [&str; 2] = ["Europe/London", "UTC"];

/// The most days a working-time deadline looks ahead: a calendar that never works ends there.
const LOOK_AHEAD_DAYS: u64 = 3_660;

/// The weekday of a day count since 1970-01-01 (a Thursday).
fn weekday(day: u64) -> Weekday {
    Weekday::ALL[((day + 3) % 7) as usize]
}

/// `YYYY-MM-DD` (1970 or later) as a day count since 1970-01-01, if it is a real date.
pub fn parse_date(text: &str) -> Option<u64> {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let number = |r: std::ops::Range<usize>| -> Option<u64> {
        let digits = b.get(r)?;
        digits
            .iter()
            .all(u8::is_ascii_digit)
            .then(|| digits.iter().fold(0, |n, d| n * 10 + u64::from(d - b'0')))
    };
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    if !(1..=12).contains(&month) || day == 0 {
        return None;
    }
    let days = days_from_civil(year, month, day)?;
    // A day past the month's end comes back as another date.
    (civil_from_days(days) == (year, month, day)).then_some(days)
}

/// Whether local summer time is in force at `utc` minutes since the epoch, in `zone`.
fn summer(zone: &str, utc: u64) -> bool {
    if zone != "Europe/London" {
        return false;
    }
    let (year, _, _) = civil_from_days(utc / DAY);
    let last_sunday = |month: u64| {
        let last = days_from_civil(year, month, 31).unwrap_or(0);
        last - (last + 4) % 7
    };
    // From 01:00 UTC on the last Sunday of March to 01:00 UTC on the last Sunday of October.
    (last_sunday(3) * DAY + 60..last_sunday(10) * DAY + 60).contains(&utc)
}

/// Local minutes since the epoch for `utc` minutes.
fn to_local(zone: &str, utc: u64) -> u64 {
    utc + if summer(zone, utc) { 60 } else { 0 }
}

/// UTC minutes for `local` minutes since the epoch: in the hour October repeats, its first
/// (summer) time; in the hour March skips, as if it were winter time.
fn to_utc(zone: &str, local: u64) -> u64 {
    match local.checked_sub(60) {
        Some(summer_utc) if summer(zone, summer_utc) => summer_utc,
        _ => local,
    }
}

/// The organisation's time zone: its calendar's, else `Europe/London`.
pub fn zone_of(calendar: Option<&Calendar>) -> &str {
    calendar.map_or("Europe/London", |c| c.time_zone.as_str())
}

/// Where `at` falls in the organisation's week, in minutes from Monday 00:00 local time (as
/// units' `hours` are written).
pub fn week_minute(at: Millis, zone: &str) -> u32 {
    let local = to_local(zone, at / MINUTE);
    let day = weekday(local / DAY).index() as u64;
    // Below 7 * 1440.
    (day * DAY + local % DAY) as u32
}

/// `at` as the organisation's clock reads it, "HH:MM".
pub fn clock_text(at: Millis, zone: &str) -> String {
    let local = to_local(zone, at / MINUTE) % DAY;
    format!("{:02}:{:02}", local / 60, local % 60)
}

/// When `deadline` falls for a call answered at `from`, under `calendar` (needed for working
/// time: without one, working time is counted as calendar time).
///
/// - `minutes`, `hours`, `days`: that many minutes, hours, or days of 24 hours, later.
/// - `working_hours`: that many hours counted only within working hours on working days that are
///   not holidays; a call outside them starts the count at the next opening.
/// - `working_days`: the end of working hours on the Nth working day after the day of the call
///   (that day not counted): "10 working days" from a Monday call is close of business on the
///   second Monday after, with no holiday between.
pub fn due(deadline: &Deadline, from: Millis, calendar: Option<&Calendar>) -> Millis {
    let n = u64::from(deadline.within);
    let calendar = match (deadline.unit, calendar) {
        (DeadlineUnit::Minutes, _) => return from + n * MINUTE,
        (DeadlineUnit::Hours, _) | (DeadlineUnit::WorkingHours, None) => {
            return from + n * 60 * MINUTE
        }
        (DeadlineUnit::Days, _) | (DeadlineUnit::WorkingDays, None) => {
            return from + n * DAY * MINUTE
        }
        (_, Some(calendar)) => calendar,
    };
    let zone = calendar.time_zone.as_str();
    let open = u64::from(parse_time(&calendar.from).unwrap_or(0));
    let close = u64::from(parse_time(&calendar.to).unwrap_or(0));
    let close = if close <= open { DAY } else { close };
    let holidays: Vec<u64> = calendar
        .holidays
        .iter()
        .filter_map(|d| parse_date(d))
        .collect();
    let working =
        |day: u64| calendar.working_days.contains(&weekday(day)) && !holidays.contains(&day);
    let local = to_local(zone, from / MINUTE);
    let mut day = local / DAY;
    let local_due = if deadline.unit == DeadlineUnit::WorkingDays {
        let mut left = n;
        let mut looked = 0;
        while left > 0 && looked < LOOK_AHEAD_DAYS {
            day += 1;
            looked += 1;
            if working(day) {
                left -= 1;
            }
        }
        return to_utc(zone, day * DAY + close) * MINUTE;
    } else {
        let mut left = n * 60;
        let mut at = local % DAY;
        let mut looked = 0;
        loop {
            if working(day) {
                let start = at.max(open);
                let room = close.saturating_sub(start);
                if left <= room {
                    break day * DAY + start + left;
                }
                left -= room;
            }
            day += 1;
            at = 0;
            looked += 1;
            if looked > LOOK_AHEAD_DAYS {
                break day * DAY + open;
            }
        }
    };
    // Working hours keep the seconds the call was answered at.
    to_utc(zone, local_due) * MINUTE + from % MINUTE
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Milliseconds at a UTC date and time.
    fn utc(year: u64, month: u64, day: u64, hour: u64, minute: u64) -> Millis {
        (days_from_civil(year, month, day).unwrap() * DAY + hour * 60 + minute) * MINUTE
    }

    fn office() -> Calendar {
        Calendar {
            time_zone: "Europe/London".into(),
            working_days: vec![
                Weekday::Mon,
                Weekday::Tue,
                Weekday::Wed,
                Weekday::Thu,
                Weekday::Fri,
            ],
            from: "09:00".into(),
            to: "17:00".into(),
            holidays: vec!["2026-12-25".into(), "2026-12-28".into()],
        }
    }

    fn within(n: u32, unit: DeadlineUnit) -> Deadline {
        Deadline {
            id: "d".into(),
            name: "D".into(),
            within: n,
            unit,
        }
    }

    #[test]
    fn the_week_and_the_clock_are_local() {
        // Monday 7 December 2026, 09:30 UTC: GMT, so 09:30 on Monday.
        let winter = utc(2026, 12, 7, 9, 30);
        assert_eq!(week_minute(winter, "Europe/London"), 9 * 60 + 30);
        assert_eq!(clock_text(winter, "Europe/London"), "09:30");
        // Sunday 5 July 2026, 23:30 UTC is 00:30 on Monday in London (BST), still Sunday in UTC.
        let summer = utc(2026, 7, 5, 23, 30);
        assert_eq!(week_minute(summer, "Europe/London"), 30);
        assert_eq!(clock_text(summer, "Europe/London"), "00:30");
        assert_eq!(week_minute(summer, "UTC"), 6 * 1440 + 23 * 60 + 30);
        assert_eq!(zone_of(None), "Europe/London");
    }

    #[test]
    fn dates_read_as_written_or_not_at_all() {
        assert_eq!(parse_date("1970-01-01"), Some(0));
        assert_eq!(parse_date("2024-02-29"), days_from_civil(2024, 2, 29));
        for bad in [
            "2025-02-29",
            "2026-13-01",
            "2026-04-31",
            "26-12-25",
            "2026-12-5",
            "1969-12-31",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
        // 2026-12-07 is a Monday.
        assert_eq!(weekday(parse_date("2026-12-07").unwrap()), Weekday::Mon);
    }

    #[test]
    fn calendar_time_is_on_the_clock() {
        let call = utc(2026, 12, 7, 14, 30);
        assert_eq!(
            due(&within(12, DeadlineUnit::Hours), call, Some(&office())),
            utc(2026, 12, 8, 2, 30)
        );
        assert_eq!(
            due(&within(2, DeadlineUnit::Days), call, None),
            utc(2026, 12, 9, 14, 30)
        );
    }

    #[test]
    fn working_hours_count_only_open_hours() {
        let cal = office();
        // Monday 14:30 GMT + 4 working hours: 2.5 today, 1.5 from 09:00 Tuesday.
        let call = utc(2026, 12, 7, 14, 30);
        assert_eq!(
            due(&within(4, DeadlineUnit::WorkingHours), call, Some(&cal)),
            utc(2026, 12, 8, 10, 30)
        );
        // Friday 18 December 20:00, 9 working hours: Monday 21st is a full day, then 1 hour on Tuesday.
        let late = utc(2026, 12, 18, 20, 0);
        assert_eq!(
            due(&within(9, DeadlineUnit::WorkingHours), late, Some(&cal)),
            utc(2026, 12, 22, 10, 0)
        );
        // Thursday 24th 16:00, 2 working hours: Christmas Day and the 28th are holidays.
        let eve = utc(2026, 12, 24, 16, 0);
        assert_eq!(
            due(&within(2, DeadlineUnit::WorkingHours), eve, Some(&cal)),
            utc(2026, 12, 29, 10, 0)
        );
    }

    #[test]
    fn working_days_end_at_close_of_the_nth_working_day_after() {
        let cal = office();
        // Monday 7 December: 10 working days is the close of Monday 21st.
        let call = utc(2026, 12, 7, 10, 0);
        assert_eq!(
            due(&within(10, DeadlineUnit::WorkingDays), call, Some(&cal)),
            utc(2026, 12, 21, 17, 0)
        );
        // Over Christmas: Tue 22, Wed 23, Thu 24, (Fri 25 holiday), (Mon 28 holiday), Tue 29.
        let call = utc(2026, 12, 21, 10, 0);
        assert_eq!(
            due(&within(4, DeadlineUnit::WorkingDays), call, Some(&cal)),
            utc(2026, 12, 29, 17, 0)
        );
    }

    #[test]
    fn british_summer_time_moves_the_working_day() {
        let cal = office();
        // Monday 1 June 2026, 08:30 UTC is 09:30 BST: 1 working hour ends 10:30 BST, 09:30 UTC.
        let call = utc(2026, 6, 1, 8, 30);
        assert_eq!(
            due(&within(1, DeadlineUnit::WorkingHours), call, Some(&cal)),
            utc(2026, 6, 1, 9, 30)
        );
        // Close of business on a summer working day is 16:00 UTC.
        assert_eq!(
            due(&within(1, DeadlineUnit::WorkingDays), call, Some(&cal)),
            utc(2026, 6, 2, 16, 0)
        );
        // The clocks go forward on Sunday 29 March 2026 and back on Sunday 25 October 2026.
        assert!(!summer("Europe/London", utc(2026, 3, 29, 0, 59) / MINUTE));
        assert!(summer("Europe/London", utc(2026, 3, 29, 1, 0) / MINUTE));
        assert!(summer("Europe/London", utc(2026, 10, 25, 0, 59) / MINUTE));
        assert!(!summer("Europe/London", utc(2026, 10, 25, 1, 0) / MINUTE));
        assert!(!summer("UTC", utc(2026, 6, 1, 12, 0) / MINUTE));
    }

    #[test]
    fn a_calendar_that_never_works_still_ends() {
        let mut cal = office();
        cal.working_days.clear();
        let call = utc(2026, 12, 7, 10, 0);
        assert!(due(&within(3, DeadlineUnit::WorkingDays), call, Some(&cal)) > call);
        assert!(due(&within(3, DeadlineUnit::WorkingHours), call, Some(&cal)) > call);
    }
}
