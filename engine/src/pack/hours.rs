//! Units' hours (F10; L2 3.8 the type and extent of resources available, L3 1.2 select resources
//! that are available): when in the week a unit can be sent, and the longest stretch of the week in
//! which no unit of a type can.
//!
//! A unit's `hours` is a list of weekly windows, each `{ "days": [...], "from": "HH:MM", "to":
//! "HH:MM" }`. A window starts on each of its days at `from` and ends at `to`; a `to` earlier than
//! `from` ends the next day (so `"fri"` from `"18:00"` to `"08:00"` is Friday night into Saturday
//! morning), and a `to` equal to `from` makes the window 24 hours long. A unit without `hours` can be
//! sent at any time. The week is counted in minutes from Monday 00:00, and wraps: Sunday night runs
//! into Monday morning.

use crate::pack::{HoursWindow, Weekday};

/// Minutes in a day.
pub const MINUTES_PER_DAY: u32 = 24 * 60;
/// Minutes in a week.
pub const MINUTES_PER_WEEK: u32 = 7 * MINUTES_PER_DAY;

/// `"HH:MM"` on the 24-hour clock, 00:00 to 23:59, as minutes since midnight; `None` for anything
/// else (`"25:00"`, `"8:00"`, `"24:00"`, `"08.00"`).
pub fn parse_time(text: &str) -> Option<u32> {
    let bytes = text.as_bytes();
    if bytes.len() != 5 || bytes[2] != b':' {
        return None;
    }
    let digit = |i: usize| {
        bytes[i]
            .is_ascii_digit()
            .then(|| u32::from(bytes[i] - b'0'))
    };
    let hours = digit(0)? * 10 + digit(1)?;
    let minutes = digit(3)? * 10 + digit(4)?;
    (hours < 24 && minutes < 60).then_some(hours * 60 + minutes)
}

/// The stretches of the week a window covers: (start minute of the week, length in minutes), one
/// per day. Nothing for a window whose times do not read.
fn spans(window: &HoursWindow) -> impl Iterator<Item = (u32, u32)> + '_ {
    let times = parse_time(&window.from).zip(parse_time(&window.to));
    window.days.iter().filter_map(move |day| {
        let (from, to) = times?;
        let length = match (to + MINUTES_PER_DAY - from) % MINUTES_PER_DAY {
            0 => MINUTES_PER_DAY,
            n => n,
        };
        Some((day_start(*day) + from, length))
    })
}

fn day_start(day: Weekday) -> u32 {
    // At most 6 * 1440; the index is below 7.
    day.index() as u32 * MINUTES_PER_DAY
}

/// Whether a unit with these `hours` (`None`: any time) can be sent at `minute` of the week.
pub fn on_hours(hours: Option<&[HoursWindow]>, minute: u32) -> bool {
    let Some(windows) = hours else {
        return true;
    };
    windows
        .iter()
        .flat_map(spans)
        .any(|(start, length)| (minute + MINUTES_PER_WEEK - start) % MINUTES_PER_WEEK < length)
}

/// A stretch of the week: where it starts, in minutes from Monday 00:00, and how long it is. It may
/// run past Sunday midnight into Monday.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gap {
    /// Its first minute, 0 (Monday 00:00) to 10079 (Sunday 23:59).
    pub start: u32,
    /// Its length in minutes, 1 to 10080.
    pub minutes: u32,
}

impl Gap {
    /// The minute after it ends, within the week.
    pub fn end(&self) -> u32 {
        (self.start + self.minutes) % MINUTES_PER_WEEK
    }
}

/// The longest stretch of the week in which none of the units is available, each unit given by its
/// `hours` (`None`: always available). `None` when at every minute of the week some unit is
/// available, which includes any unit without hours. With no units at all, the whole week. Of two
/// stretches equally long, the one that starts first in the week.
pub fn longest_gap<'a>(units: impl IntoIterator<Item = Option<&'a [HoursWindow]>>) -> Option<Gap> {
    let mut covered = vec![false; MINUTES_PER_WEEK as usize];
    for hours in units {
        // A unit without hours is always available: no gap at all.
        let windows = hours?;
        for (start, length) in windows.iter().flat_map(spans) {
            for minute in start..start + length {
                covered[(minute % MINUTES_PER_WEEK) as usize] = true;
            }
        }
    }
    // Start the scan just after a covered minute, so a stretch running over Sunday midnight is
    // counted whole.
    let Some(anchor) = covered.iter().position(|&c| c) else {
        return Some(Gap {
            start: 0,
            minutes: MINUTES_PER_WEEK,
        });
    };
    let mut best: Option<Gap> = None;
    let mut run: Option<Gap> = None;
    for offset in 1..=MINUTES_PER_WEEK {
        let minute = (anchor as u32 + offset) % MINUTES_PER_WEEK;
        if covered[minute as usize] {
            if let Some(done) = run.take() {
                let better = match best {
                    None => true,
                    Some(b) => {
                        done.minutes > b.minutes
                            || (done.minutes == b.minutes && done.start < b.start)
                    }
                };
                if better {
                    best = Some(done);
                }
            }
        } else {
            match run.as_mut() {
                Some(gap) => gap.minutes += 1,
                None => {
                    run = Some(Gap {
                        start: minute,
                        minutes: 1,
                    })
                }
            }
        }
    }
    best
}

/// A minute of the week for people: `"Friday 18:00"`.
pub fn week_time(minute: u32) -> String {
    let minute = minute % MINUTES_PER_WEEK;
    let day = Weekday::ALL[(minute / MINUTES_PER_DAY) as usize % 7];
    let in_day = minute % MINUTES_PER_DAY;
    format!("{} {:02}:{:02}", day.label(), in_day / 60, in_day % 60)
}

/// A length of time for people: `"45 minutes"`, `"1 hour"`, `"62 hours"`, `"2 hours 30 minutes"`.
pub fn duration(minutes: u32) -> String {
    let plural = |n: u32, one: &str| {
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{n} {one}s")
        }
    };
    match (minutes / 60, minutes % 60) {
        (0, m) => plural(m, "minute"),
        (h, 0) => plural(h, "hour"),
        (h, m) => format!("{} {}", plural(h, "hour"), plural(m, "minute")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window(days: &[Weekday], from: &str, to: &str) -> HoursWindow {
        HoursWindow {
            days: days.to_vec(),
            from: from.to_owned(),
            to: to.to_owned(),
        }
    }

    const WEEKDAYS: [Weekday; 5] = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
    ];

    #[test]
    fn times_read_on_the_24_hour_clock_only() {
        assert_eq!(parse_time("00:00"), Some(0));
        assert_eq!(parse_time("08:30"), Some(510));
        assert_eq!(parse_time("23:59"), Some(1439));
        for bad in [
            "24:00",
            "25:00",
            "8:00",
            "08:60",
            "08.00",
            "0800",
            "",
            "ab:cd",
            "08:00 ",
            "١٢:٠٠",
        ] {
            assert_eq!(parse_time(bad), None, "{bad}");
        }
    }

    #[test]
    fn weekday_office_hours_leave_the_weekend_uncovered() {
        let hours = [window(&WEEKDAYS, "08:00", "18:00")];
        let gap = longest_gap([Some(&hours[..])]).unwrap();
        assert_eq!(week_time(gap.start), "Friday 18:00");
        assert_eq!(week_time(gap.end()), "Monday 08:00");
        assert_eq!(duration(gap.minutes), "62 hours");
    }

    #[test]
    fn overnight_windows_run_into_the_next_day_and_over_sunday() {
        // Every night 18:00 to 08:00, including Sunday night into Monday.
        let nights = [window(&Weekday::ALL, "18:00", "08:00")];
        let gap = longest_gap([Some(&nights[..])]).unwrap();
        assert_eq!(
            (week_time(gap.start), gap.minutes),
            ("Monday 08:00".into(), 600)
        );
        // Days and nights together cover the week.
        let days = [window(&Weekday::ALL, "08:00", "18:00")];
        assert_eq!(longest_gap([Some(&nights[..]), Some(&days[..])]), None);
    }

    #[test]
    fn a_window_whose_ends_are_equal_lasts_24_hours() {
        let hours = [window(&[Weekday::Sat], "00:00", "00:00")];
        let gap = longest_gap([Some(&hours[..])]).unwrap();
        assert_eq!(week_time(gap.start), "Sunday 00:00");
        assert_eq!(week_time(gap.end()), "Saturday 00:00");
        assert_eq!(gap.minutes, 6 * MINUTES_PER_DAY);
    }

    #[test]
    fn a_unit_always_available_leaves_no_gap_and_no_unit_leaves_the_week() {
        let hours = [window(&[Weekday::Mon], "09:00", "10:00")];
        assert_eq!(longest_gap([Some(&hours[..]), None]), None);
        assert_eq!(
            longest_gap(std::iter::empty()),
            Some(Gap {
                start: 0,
                minutes: MINUTES_PER_WEEK
            })
        );
    }

    #[test]
    fn the_longest_of_several_gaps_and_the_first_of_equals() {
        let hours = [window(&[Weekday::Mon, Weekday::Thu], "00:00", "00:00")];
        // Tuesday to Thursday (2 days) and Friday to Monday (3 days).
        let gap = longest_gap([Some(&hours[..])]).unwrap();
        assert_eq!(
            (week_time(gap.start), gap.minutes),
            ("Friday 00:00".into(), 4320)
        );
        let even = [window(
            &[Weekday::Mon, Weekday::Wed, Weekday::Fri, Weekday::Sun],
            "12:00",
            "12:00",
        )];
        let gap = longest_gap([Some(&even[..])]).unwrap();
        assert_eq!(week_time(gap.start), "Tuesday 12:00");
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(1), "1 minute");
        assert_eq!(duration(45), "45 minutes");
        assert_eq!(duration(60), "1 hour");
        assert_eq!(duration(150), "2 hours 30 minutes");
        assert_eq!(duration(61), "1 hour 1 minute");
    }
}
