//! Calendar dates in the common written forms, checked against the calendar.

/// A calendar date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Date {
    pub year: u32,
    pub month: u32,
    pub day: u32,
}

/// Parses `YYYY-MM-DD` (also `/` or `.`), `DD/MM/YYYY` or `MM/DD/YYYY` (also `.`
/// or `-`), `March 4, 1987`, `4 March 1987`, `Mar 4 1987`, `4th of March 1987`.
///
/// Day-first and month-first numeric forms are ambiguous; the date is accepted
/// when either reading is a real date (the day-first reading is returned first).
pub(crate) fn parse(span: &[u8]) -> Option<Date> {
    let mut nums = [0u32; 3];
    let mut widths = [0usize; 3];
    let mut n = 0usize;
    let mut month_word = None;
    let mut seps = [0u8; 2];
    let mut nsep = 0usize;
    let mut i = 0usize;
    while i < span.len() {
        let b = span[i];
        if b.is_ascii_digit() {
            let start = i;
            let mut v = 0u32;
            while i < span.len() && span[i].is_ascii_digit() {
                v = v
                    .saturating_mul(10)
                    .saturating_add(u32::from(span[i] - b'0'));
                i += 1;
            }
            if n == nums.len() {
                return None;
            }
            nums[n] = v;
            widths[n] = i - start;
            n += 1;
            // Ordinal suffixes: 4th, 1st, 22nd, 3rd.
            while i < span.len() && span[i].is_ascii_alphabetic() {
                i += 1;
            }
        } else if b.is_ascii_alphabetic() {
            let start = i;
            while i < span.len() && span[i].is_ascii_alphabetic() {
                i += 1;
            }
            let word = &span[start..i];
            if let Some(m) = month(word) {
                if month_word.replace(m).is_some() {
                    return None;
                }
            } else if !word.eq_ignore_ascii_case(b"of") {
                return None;
            }
        } else {
            if matches!(b, b'-' | b'/' | b'.') && nsep < 2 && month_word.is_none() {
                seps[nsep] = b;
                nsep += 1;
            }
            i += 1;
        }
    }
    if let Some(month) = month_word {
        if n != 2 {
            return None;
        }
        let (day, year) = if widths[1] == 4 {
            (nums[0], nums[1])
        } else {
            return None;
        };
        return valid(year, month, day);
    }
    if n != 3 || nsep != 2 || seps[0] != seps[1] {
        return None;
    }
    if widths[0] == 4 {
        return valid(nums[0], nums[1], nums[2]);
    }
    if widths[2] == 4 {
        return valid(nums[2], nums[1], nums[0]).or_else(|| valid(nums[2], nums[0], nums[1]));
    }
    None
}

fn valid(year: u32, month: u32, day: u32) -> Option<Date> {
    ((1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month)).then_some(Date {
        year,
        month,
        day,
    })
}

/// Days in a month of the proleptic Gregorian calendar.
pub(crate) fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        _ => 0,
    }
}

/// English month names and their usual abbreviations.
fn month(word: &[u8]) -> Option<u32> {
    const NAMES: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    if word.len() < 3 {
        return None;
    }
    NAMES
        .iter()
        .position(|name| {
            let name = name.as_bytes();
            let len_ok = word.len() == 3
                || word.len() == name.len()
                || (word.len() == 4 && name.starts_with(b"sept"));
            len_ok && word.len() <= name.len() && name[..word.len()].eq_ignore_ascii_case(word)
        })
        .and_then(|i| u32::try_from(i + 1).ok())
}

/// True when the bytes after a date start a time of day (`T12:00`, ` 12:00:00`):
/// such a date is a timestamp, never a date of birth.
pub(crate) fn followed_by_time(after: &[u8]) -> bool {
    let rest = match after.first() {
        Some(b'T' | b't') => &after[1..],
        Some(b' ' | b'_') => &after[1..],
        _ => return false,
    };
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    (1..=2).contains(&digits) && rest.get(digits) == Some(&b':')
}

/// The calendar year (UTC) of `at`, where the plausible birth-year range ends.
pub(crate) fn utc_year(at: jiff::Timestamp) -> u32 {
    u32::try_from(jiff::tz::TimeZone::UTC.to_datetime(at).year()).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(year: u32, month: u32, day: u32) -> Option<Date> {
        Some(Date { year, month, day })
    }

    #[test]
    fn table() {
        let cases: &[(&str, Option<Date>)] = &[
            ("1987-03-04", d(1987, 3, 4)),
            ("1987/3/4", d(1987, 3, 4)),
            ("04/03/1987", d(1987, 3, 4)),
            ("12/31/1987", d(1987, 12, 31)),
            ("31.12.1987", d(1987, 12, 31)),
            ("March 4, 1987", d(1987, 3, 4)),
            ("Mar 4 1987", d(1987, 3, 4)),
            ("Sept. 14, 1990", d(1990, 9, 14)),
            ("4 March 1987", d(1987, 3, 4)),
            ("4th of March 1987", d(1987, 3, 4)),
            ("2000-02-29", d(2000, 2, 29)),
            ("1900-02-29", None),
            ("1987-02-29", None),
            ("1987-13-01", None),
            ("31/31/1987", None),
            ("1987-04-31", None),
            ("1987-03/04", None),
            ("Marc 4, 1987", None),
            ("Foo 4, 1987", None),
        ];
        for (s, want) in cases {
            assert_eq!(parse(s.as_bytes()), *want, "{s}");
        }
    }

    #[test]
    fn timestamps() {
        assert!(followed_by_time(b"T12:00:00Z"));
        assert!(followed_by_time(b" 09:30:00"));
        assert!(!followed_by_time(b" and"));
        assert!(!followed_by_time(b", 12"));
    }

    #[test]
    fn the_year_is_read_from_the_instant_in_utc() {
        let at = |t: &str| t.parse::<jiff::Timestamp>().unwrap();
        assert_eq!(utc_year(at("2026-12-31T23:59:59Z")), 2026);
        assert_eq!(utc_year(at("2027-01-01T00:00:00Z")), 2027);
        assert_eq!(utc_year(at("1970-01-01T00:00:00Z")), 1970);
    }
}
