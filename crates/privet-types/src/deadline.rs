//! Statutory deadlines of data-subject requests, as pure date arithmetic.
//!
//! A period runs from the date of receipt in the organisation's time zone; the request is due at
//! the end of the period's last day there. Months keep the day of the month, or take the month's
//! last day when that day does not exist (31 January + 1 month = 28 or 29 February). Business days
//! skip Saturdays and Sundays (public holidays are not modelled). Extensions count from receipt
//! when their unit matches the first period (GDPR: one month plus two is three months from
//! receipt), so a short month in between does not shorten them.

use std::fmt;
use std::str::FromStr;

use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;
use jiff::{Span, Timestamp, ToSpan};

/// A length of time in a regulation's terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Period {
    /// Calendar days.
    Days(u32),
    /// Monday to Friday days.
    BusinessDays(u32),
    /// Calendar months.
    Months(u32),
}

impl Period {
    /// The last day of the period that starts on `start` (the day of the event, which does not
    /// count).
    pub fn end_from(self, start: Date) -> Option<Date> {
        match self {
            Period::Days(n) => start.checked_add(i64::from(n).days()).ok(),
            Period::Months(n) => start.checked_add(i64::from(n).months()).ok(),
            Period::BusinessDays(n) => {
                let mut day = start;
                let mut left = n;
                while left > 0 {
                    day = day.tomorrow().ok()?;
                    if !matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday) {
                        left -= 1;
                    }
                }
                Some(day)
            }
        }
    }

    /// The instant this period after `start`, counted on the UTC calendar (a month keeps the day
    /// and time, or takes the month's last day); business days count as calendar days here.
    pub fn after(self, start: Timestamp) -> Option<Timestamp> {
        let zoned = start.to_zoned_datetime(TimeZone::UTC);
        let span = match self {
            Period::Days(n) | Period::BusinessDays(n) => i64::from(n).days(),
            Period::Months(n) => i64::from(n).months(),
        };
        zoned.checked_add(span).ok().map(|z| z.timestamp())
    }

    /// This period followed by `next`, as one period when the units match.
    fn joined(self, next: Period) -> Option<Period> {
        match (self, next) {
            (Period::Days(a), Period::Days(b)) => Some(Period::Days(a.checked_add(b)?)),
            (Period::Months(a), Period::Months(b)) => Some(Period::Months(a.checked_add(b)?)),
            (Period::BusinessDays(a), Period::BusinessDays(b)) => {
                Some(Period::BusinessDays(a.checked_add(b)?))
            }
            _ => None,
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (n, unit) = match *self {
            Period::Days(n) => (n, "day"),
            Period::BusinessDays(n) => (n, "business day"),
            Period::Months(n) => (n, "month"),
        };
        write!(f, "{n} {unit}{}", if n == 1 { "" } else { "s" })
    }
}

/// A period that is not `N days`, `N business days` or `N months`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "not a period: use \"N days\", \"N business days\", \"N weeks\", \"N months\", \"N years\" or 90d, 12w, 18m, 2y (N from 1 to 3660)"
)]
pub struct BadPeriod;

impl FromStr for Period {
    type Err = BadPeriod;

    /// `N days`, `N business days`, `N weeks`, `N months`, `N years`, or the short forms `Nd`,
    /// `Nw`, `Nm` (months) and `Ny` (`"365d"`, `"18m"`, `"2y"`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if let Some(unit) = s.chars().last().filter(|c| c.is_ascii_alphabetic())
            && s.len() > 1
            && s[..s.len() - 1].bytes().all(|b| b.is_ascii_digit())
        {
            let n: u32 = s[..s.len() - 1].parse().map_err(|_| BadPeriod)?;
            return short(n, unit);
        }
        let words: Vec<&str> = s.split_whitespace().collect();
        let (n, unit) = match words.as_slice() {
            [n, unit] => (*n, unit.to_ascii_lowercase()),
            [n, b, unit] if b.eq_ignore_ascii_case("business") => {
                (*n, format!("business {}", unit.to_ascii_lowercase()))
            }
            _ => return Err(BadPeriod),
        };
        let n: u32 = n.parse().map_err(|_| BadPeriod)?;
        if !(1..=3660).contains(&n) {
            return Err(BadPeriod);
        }
        match unit.as_str() {
            "day" | "days" => Ok(Period::Days(n)),
            "business day" | "business days" => Ok(Period::BusinessDays(n)),
            "week" | "weeks" => short(n, 'w'),
            "month" | "months" => Ok(Period::Months(n)),
            "year" | "years" => short(n, 'y'),
            _ => Err(BadPeriod),
        }
    }
}

fn short(n: u32, unit: char) -> Result<Period, BadPeriod> {
    if !(1..=3660).contains(&n) {
        return Err(BadPeriod);
    }
    match unit {
        'd' => Ok(Period::Days(n)),
        'w' => Ok(Period::Days(n * 7)),
        'm' => Ok(Period::Months(n)),
        'y' => Ok(Period::Months(n.checked_mul(12).ok_or(BadPeriod)?)),
        _ => Err(BadPeriod),
    }
}

/// A regulation's deadline rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegulationRule {
    /// Its name in requests (`gdpr`, `ccpa`).
    pub name: String,
    /// Time to answer, from receipt.
    pub respond_within: Period,
    /// How much longer each extension gives.
    pub extension: Option<Period>,
    /// How many extensions are allowed.
    pub max_extensions: u32,
    /// By when (from receipt) an extension must be announced to the customer.
    pub announce_extension_within: Option<Period>,
    /// By when (from receipt) receipt must be confirmed to the customer.
    pub confirm_receipt_within: Option<Period>,
}

impl RegulationRule {
    /// GDPR Art. 12(3): one month, extendable by two further months, the extension announced
    /// within the first month.
    pub fn gdpr() -> RegulationRule {
        RegulationRule {
            name: "gdpr".into(),
            respond_within: Period::Months(1),
            extension: Some(Period::Months(2)),
            max_extensions: 1,
            announce_extension_within: Some(Period::Months(1)),
            confirm_receipt_within: None,
        }
    }

    /// CCPA (Cal. Civ. Code 1798.130): 45 calendar days, extendable once by 45 with notice within
    /// the first 45; receipt confirmed within 10 business days.
    pub fn ccpa() -> RegulationRule {
        RegulationRule {
            name: "ccpa".into(),
            respond_within: Period::Days(45),
            extension: Some(Period::Days(45)),
            max_extensions: 1,
            announce_extension_within: Some(Period::Days(45)),
            confirm_receipt_within: Some(Period::BusinessDays(10)),
        }
    }

    /// The request's last day after `extensions` extensions, counted from the date of receipt.
    pub fn due_date(&self, received: Date, extensions: u32) -> Option<Date> {
        let mut total = self.respond_within;
        let mut chained = Vec::new();
        for _ in 0..extensions {
            let ext = self.extension?;
            match total.joined(ext) {
                Some(joined) => total = joined,
                None => chained.push(ext),
            }
        }
        let mut due = total.end_from(received)?;
        for ext in chained {
            due = ext.end_from(due)?;
        }
        Some(due)
    }

    /// Whether one more extension may be granted on `today`, after `extensions` so far.
    pub fn may_extend(&self, received: Date, extensions: u32, today: Date) -> Result<(), String> {
        if self.extension.is_none() || extensions >= self.max_extensions {
            return Err(format!(
                "{} allows {} extension{}",
                self.name,
                self.max_extensions,
                if self.max_extensions == 1 { "" } else { "s" }
            ));
        }
        if let Some(within) = self.announce_extension_within
            && let Some(limit) = within.end_from(received)
            && today > limit
        {
            return Err(format!(
                "{} extensions must be announced by {limit}, within {within} of receipt",
                self.name
            ));
        }
        Ok(())
    }
}

/// A calendar date in `tz` at the instant `at`.
pub fn local_date(at: Timestamp, tz: &TimeZone) -> Date {
    at.to_zoned_datetime(tz.clone()).date()
}

/// The last second of `date` in `tz`: the moment a request due that day becomes overdue.
pub fn end_of_day(date: Date, tz: &TimeZone) -> Option<Timestamp> {
    let next = date.tomorrow().ok()?.to_zoned_datetime(tz.clone()).ok()?;
    next.timestamp().checked_sub(Span::new().seconds(1)).ok()
}

/// Whole days from `today` to `due` (negative when overdue), for queues.
pub fn days_left(today: Date, due: Date) -> i64 {
    (due - today).get_days().into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn periods_parse_and_print() {
        for (text, period) in [
            ("1 month", Period::Months(1)),
            ("3 Months", Period::Months(3)),
            ("45 days", Period::Days(45)),
            ("1 day", Period::Days(1)),
            ("10 business days", Period::BusinessDays(10)),
            ("365d", Period::Days(365)),
            ("12w", Period::Days(84)),
            ("18m", Period::Months(18)),
            ("2y", Period::Months(24)),
            ("2 years", Period::Months(24)),
            ("3 weeks", Period::Days(21)),
        ] {
            assert_eq!(text.parse::<Period>(), Ok(period), "{text}");
            assert_eq!(period.to_string().parse::<Period>(), Ok(period), "{text}");
        }
        for bad in [
            "",
            "month",
            "0 days",
            "-1 days",
            "1 fortnight",
            "2 business",
            "1.5 months",
            "99999 days",
            "0d",
            "5x",
            "d",
        ] {
            assert_eq!(bad.parse::<Period>(), Err(BadPeriod), "{bad:?}");
        }
    }

    #[test]
    fn time_zone_edges() {
        let berlin = TimeZone::get("Europe/Berlin").unwrap();
        let d = date(2026, 3, 31);
        // The last second before midnight in Berlin (summer time since 29 March: UTC+2).
        assert_eq!(
            end_of_day(d, &berlin).unwrap().to_string(),
            "2026-03-31T21:59:59Z"
        );
        assert_eq!(days_left(date(2026, 3, 1), date(2026, 3, 31)), 30);
        assert_eq!(days_left(date(2026, 4, 2), date(2026, 3, 31)), -2);
    }
}
