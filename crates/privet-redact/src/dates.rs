//! Dates in the layouts data exports use, read and written back in the same layout so that a
//! shifted date still looks like its neighbours.

use jiff::civil::Date;

/// How a date was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Order {
    /// `2024-03-09`, `2024/03/09`.
    Ymd,
    /// `03/09/2024` (United States).
    Mdy,
    /// `09.03.2024`, `09/03/2024` when the first number cannot be a month.
    Dmy,
}

/// A parsed date and what is needed to write another date the same way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Written<'a> {
    pub(crate) date: Date,
    order: Order,
    sep: char,
    /// Whatever followed the date (a time of day), kept as it was.
    rest: &'a str,
}

fn number(s: &str) -> Option<i16> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Reads a date at the start of `value` (after leading spaces).
pub(crate) fn parse(value: &str) -> Option<Written<'_>> {
    let value = value.trim();
    let head = value.get(..10)?;
    let rest = &value[10..];
    if !(rest.is_empty() || rest.starts_with(['T', ' ', 't'])) {
        return None;
    }
    let bytes = head.as_bytes();
    let (order, sep, y, m, d) = if matches!(bytes[4], b'-' | b'/') && bytes[7] == bytes[4] {
        let sep = char::from(bytes[4]);
        (
            Order::Ymd,
            sep,
            number(&head[..4])?,
            number(&head[5..7])?,
            number(&head[8..])?,
        )
    } else if matches!(bytes[2], b'/' | b'.' | b'-') && bytes[5] == bytes[2] {
        let sep = char::from(bytes[2]);
        let (a, b, y) = (
            number(&head[..2])?,
            number(&head[3..5])?,
            number(&head[6..])?,
        );
        if sep == '/' && a <= 12 {
            (Order::Mdy, sep, y, a, b)
        } else {
            (Order::Dmy, sep, y, b, a)
        }
    } else {
        return None;
    };
    let date = Date::new(y, i8::try_from(m).ok()?, i8::try_from(d).ok()?).ok()?;
    Some(Written {
        date,
        order,
        sep,
        rest,
    })
}

impl Written<'_> {
    /// `date` in this layout, followed by the original rest.
    pub(crate) fn write(&self, date: Date) -> String {
        let (y, m, d, s) = (date.year(), date.month(), date.day(), self.sep);
        let head = match self.order {
            Order::Ymd => format!("{y:04}{s}{m:02}{s}{d:02}"),
            Order::Mdy => format!("{m:02}{s}{d:02}{s}{y:04}"),
            Order::Dmy => format!("{d:02}{s}{m:02}{s}{y:04}"),
        };
        format!("{head}{}", self.rest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn layouts_round_trip() {
        for text in [
            "2024-03-09",
            "2024/03/09",
            "03/09/2024",
            "25/03/2024",
            "09.03.2024",
            "2024-03-09T10:11:12Z",
        ] {
            let w = parse(text).unwrap();
            assert_eq!(w.write(w.date), text);
        }
        assert_eq!(parse("03/09/2024").unwrap().date, date(2024, 3, 9));
        assert_eq!(parse("25/03/2024").unwrap().date, date(2024, 3, 25));
        assert_eq!(parse("2024-02-30"), None);
        assert_eq!(parse("20240309"), None);
        assert_eq!(parse("2024-03-091"), None);
        assert_eq!(parse("ü"), None);
    }
}
