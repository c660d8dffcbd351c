//! Five-field cron expressions (minute hour day-of-month month day-of-week), evaluated in UTC:
//! `*`, numbers, lists `1,15`, ranges `1-5` and steps `*/10` or `0-30/5`. As in classic cron, when
//! both day fields are restricted a day matching either one matches.

use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

/// A parsed cron expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cron {
    minutes: u64,
    hours: u64,
    days: u64,
    months: u64,
    weekdays: u64,
    days_any: bool,
    weekdays_any: bool,
}

/// Why an expression is not one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cron: {0}")]
pub struct BadCron(String);

impl Cron {
    /// Parses `"0 3 * * *"` and the like.
    pub fn parse(text: &str) -> Result<Cron, BadCron> {
        let fields: Vec<&str> = text.split_whitespace().collect();
        let [m, h, dom, mon, dow] = fields.as_slice() else {
            return Err(BadCron(
                "five fields are needed: minute hour day-of-month month day-of-week".into(),
            ));
        };
        Ok(Cron {
            minutes: field(m, 0, 59, "minute")?,
            hours: field(h, 0, 23, "hour")?,
            days: field(dom, 1, 31, "day of month")?,
            months: field(mon, 1, 12, "month")?,
            // 0 and 7 are both Sunday.
            weekdays: {
                let w = field(dow, 0, 7, "day of week")?;
                (w | (w >> 7)) & 0x7f
            },
            days_any: *dom == "*",
            weekdays_any: *dow == "*",
        })
    }

    /// The first minute strictly after `after` that matches, within about four years.
    pub fn next_after(&self, after: Timestamp) -> Option<Timestamp> {
        let start = after.to_zoned_datetime(TimeZone::UTC).datetime();
        let mut t: DateTime = start
            .with()
            .second(0)
            .subsec_nanosecond(0)
            .build()
            .ok()?
            .checked_add(1.minute())
            .ok()?;
        let limit = t.checked_add(1461.days()).ok()?;
        while t < limit {
            if self.months & bit(t.month()) == 0 {
                t = t
                    .first_of_month()
                    .checked_add(1.month())
                    .ok()?
                    .with()
                    .hour(0)
                    .minute(0)
                    .build()
                    .ok()?;
                continue;
            }
            if !self.day_matches(t) {
                t = t
                    .date()
                    .tomorrow()
                    .ok()?
                    .to_datetime(jiff::civil::Time::midnight());
                continue;
            }
            if self.hours & bit(t.hour()) == 0 {
                t = t
                    .with()
                    .minute(0)
                    .build()
                    .ok()?
                    .checked_add(1.hour())
                    .ok()?;
                continue;
            }
            if self.minutes & bit(t.minute()) == 0 {
                t = t.checked_add(1.minute()).ok()?;
                continue;
            }
            return t
                .to_zoned_datetime(TimeZone::UTC)
                .ok()
                .map(|z| z.timestamp());
        }
        None
    }

    fn day_matches(&self, t: DateTime) -> bool {
        let dom = self.days & bit(t.day()) != 0;
        let dow = self.weekdays & bit(t.weekday().to_sunday_zero_offset()) != 0;
        match (self.days_any, self.weekdays_any) {
            (true, true) => true,
            (false, true) => dom,
            (true, false) => dow,
            (false, false) => dom || dow,
        }
    }
}

fn bit<T: Into<i64>>(n: T) -> u64 {
    let n: i64 = n.into();
    1u64 << n.clamp(0, 63)
}

fn field(text: &str, lo: u64, hi: u64, what: &str) -> Result<u64, BadCron> {
    let bad = || {
        BadCron(format!(
            "{what} {text:?} is not * , - / and numbers from {lo} to {hi}"
        ))
    };
    let mut set = 0u64;
    for part in text.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((r, s)) => (r, s.parse::<u64>().map_err(|_| bad())?),
            None => (part, 1),
        };
        if step == 0 {
            return Err(bad());
        }
        let (a, b) = if range == "*" {
            (lo, hi)
        } else if let Some((a, b)) = range.split_once('-') {
            (a.parse().map_err(|_| bad())?, b.parse().map_err(|_| bad())?)
        } else {
            let v: u64 = range.parse().map_err(|_| bad())?;
            (v, if part.contains('/') { hi } else { v })
        };
        if a < lo || b > hi || a > b {
            return Err(bad());
        }
        let mut v = a;
        while v <= b {
            set |= 1 << v;
            v += step;
        }
    }
    Ok(set)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    /// (expression, after, next)
    #[rustfmt::skip]
    const NEXT: &[(&str, &str, &str)] = &[
        ("0 3 * * *",     "2026-12-05T11:00:00Z", "2026-12-06T03:00:00Z"),
        ("0 3 * * *",     "2026-12-05T02:59:59Z", "2026-12-05T03:00:00Z"),
        ("0 3 * * *",     "2026-12-05T03:00:00Z", "2026-12-06T03:00:00Z"),
        ("*/15 * * * *",  "2026-12-05T11:07:00Z", "2026-12-05T11:15:00Z"),
        ("30 2 1 * *",    "2026-12-05T00:00:00Z", "2027-01-01T02:30:00Z"),
        ("0 0 29 2 *",    "2026-03-01T00:00:00Z", "2028-02-29T00:00:00Z"),
        ("0 9 * * 1-5",   "2026-12-05T12:00:00Z", "2026-12-07T09:00:00Z"), // Saturday -> Monday
        ("0 9 * * 0",     "2026-12-05T12:00:00Z", "2026-12-06T09:00:00Z"),
        ("0 9 * * 7",     "2026-12-05T12:00:00Z", "2026-12-06T09:00:00Z"),
        ("0 0 1 * 1",     "2026-12-05T12:00:00Z", "2026-12-07T00:00:00Z"), // either day field
        ("5,35 */6 * * *","2026-12-05T06:36:00Z", "2026-12-05T12:05:00Z"),
        ("0 0 31 * *",    "2026-11-15T00:00:00Z", "2026-12-31T00:00:00Z"),
    ];

    #[test]
    fn next_runs() {
        for (expr, after, next) in NEXT {
            let cron = Cron::parse(expr).unwrap();
            assert_eq!(
                cron.next_after(t(after)),
                Some(t(next)),
                "{expr} after {after}"
            );
        }
    }

    #[test]
    fn bad_expressions_say_which_field() {
        for (expr, needle) in [
            ("0 3 * *", "five fields"),
            ("60 3 * * *", "minute"),
            ("0 24 * * *", "hour"),
            ("0 3 0 * *", "day of month"),
            ("0 3 * 13 *", "month"),
            ("0 3 * * 8", "day of week"),
            ("*/0 * * * *", "minute"),
            ("a * * * *", "minute"),
        ] {
            let err = Cron::parse(expr).unwrap_err().to_string();
            assert!(err.contains(needle), "{expr}: {err}");
        }
        assert_eq!(
            Cron::parse("0 0 30 2 *")
                .unwrap()
                .next_after(t("2026-01-01T00:00:00Z")),
            None
        );
    }
}
