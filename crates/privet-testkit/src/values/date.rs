//! Dates: birth dates in several written forms, and other dates.

use crate::rng::Gen;

const MONTHS: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A calendar date.
#[derive(Clone, Copy)]
struct Ymd {
    y: u32,
    m: u32,
    d: u32,
}

fn ymd(g: &mut Gen, years: (u32, u32)) -> Ymd {
    let m = g.range(1, 12);
    let last = match m {
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    Ymd {
        y: g.range(years.0, years.1),
        m,
        d: g.range(1, last),
    }
}

/// Write a date in one of the common forms (ISO, US, European, spelled out).
fn write(g: &mut Gen, t: Ymd) -> String {
    let Ymd { y, m, d } = t;
    let month = MONTHS[(m - 1) as usize];
    match g.below(8) {
        0 => format!("{y}-{m:02}-{d:02}"),
        1 => format!("{m:02}/{d:02}/{y}"),
        2 => format!("{d:02}/{m:02}/{y}"),
        3 => format!("{d:02}.{m:02}.{y}"),
        4 => format!("{month} {d}, {y}"),
        5 => format!("{d} {month} {y}"),
        6 => format!("{} {d}, {y}", &month[..3]),
        _ => format!("{m}/{d}/{y}"),
    }
}

/// A plausible birth date of an adult customer.
pub(crate) fn birth_date(g: &mut Gen) -> String {
    let t = ymd(g, (1938, 2006));
    write(g, t)
}

/// A recent date for events that are not births (orders, shipping, due dates).
pub(crate) fn event_date(g: &mut Gen) -> String {
    let t = ymd(g, (2019, 2026));
    write(g, t)
}

/// An ISO 8601 timestamp, with or without fractional seconds and zone.
pub(crate) fn timestamp(g: &mut Gen) -> String {
    let t = ymd(g, (2023, 2026));
    let (h, mi, s) = (g.range(0, 23), g.range(0, 59), g.range(0, 59));
    match g.below(3) {
        0 => format!("{}-{:02}-{:02}T{h:02}:{mi:02}:{s:02}Z", t.y, t.m, t.d),
        1 => format!(
            "{}-{:02}-{:02}T{h:02}:{mi:02}:{s:02}.{:03}Z",
            t.y,
            t.m,
            t.d,
            g.range(0, 999)
        ),
        _ => format!("{}-{:02}-{:02} {h:02}:{mi:02}:{s:02}", t.y, t.m, t.d),
    }
}

/// A clock time such as `14:03:27`, for chat lines.
pub(crate) fn clock(g: &mut Gen) -> String {
    format!(
        "{:02}:{:02}:{:02}",
        g.range(0, 23),
        g.range(0, 59),
        g.range(0, 59)
    )
}
