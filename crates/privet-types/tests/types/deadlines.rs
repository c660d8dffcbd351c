//! Statutory deadlines as a table: month ends, leap years, time zones, extensions, business days.

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use privet_types::deadline::{Period, RegulationRule, days_left, end_of_day, local_date};

fn rule(name: &str) -> RegulationRule {
    match name {
        "gdpr" => RegulationRule::gdpr(),
        "ccpa" => RegulationRule::ccpa(),
        other => unreachable!("no rule {other}"),
    }
}

fn day(s: &str) -> Date {
    s.parse().expect("a date in the table")
}

/// (regulation, received at, organisation time zone, extensions, last day)
#[rustfmt::skip]
const DUE: &[(&str, &str, &str, u32, &str)] = &[
    // GDPR: one month keeps the day of the month.
    ("gdpr", "2026-03-15T10:00:00Z", "UTC",              0, "2026-04-15"),
    ("gdpr", "2026-12-15T10:00:00Z", "UTC",              0, "2027-01-15"),
    ("gdpr", "2026-04-30T10:00:00Z", "UTC",              0, "2026-05-30"),
    ("gdpr", "2026-05-31T10:00:00Z", "UTC",              0, "2026-06-30"),
    // ... or takes the last day of a shorter month.
    ("gdpr", "2026-01-31T10:00:00Z", "UTC",              0, "2026-02-28"),
    ("gdpr", "2028-01-31T10:00:00Z", "UTC",              0, "2028-02-29"),
    ("gdpr", "2026-01-29T10:00:00Z", "UTC",              0, "2026-02-28"),
    ("gdpr", "2028-01-29T10:00:00Z", "UTC",              0, "2028-02-29"),
    ("gdpr", "2026-03-31T10:00:00Z", "UTC",              0, "2026-04-30"),
    ("gdpr", "2026-08-31T10:00:00Z", "UTC",              0, "2026-09-30"),
    ("gdpr", "2028-02-29T10:00:00Z", "UTC",              0, "2028-03-29"),
    // Extended by two further months: three months from receipt, not from a clamped due date.
    ("gdpr", "2026-01-31T10:00:00Z", "UTC",              1, "2026-04-30"),
    ("gdpr", "2026-03-15T10:00:00Z", "UTC",              1, "2026-06-15"),
    ("gdpr", "2026-11-30T10:00:00Z", "UTC",              1, "2027-02-28"),
    ("gdpr", "2027-11-30T10:00:00Z", "UTC",              1, "2028-02-29"),
    // Receipt is a date in the organisation's zone: late evening in New York is the next day in
    // Berlin, early morning in Berlin is the day before in Los Angeles.
    ("gdpr", "2026-01-31T23:30:00Z", "Europe/Berlin",    0, "2026-03-01"),
    ("gdpr", "2026-01-31T23:30:00Z", "UTC",              0, "2026-02-28"),
    ("gdpr", "2026-03-01T03:00:00Z", "America/Los_Angeles", 0, "2026-03-28"),
    ("gdpr", "2026-06-30T22:30:00Z", "Europe/Berlin",    0, "2026-08-01"),
    ("gdpr", "2026-06-30T22:30:00Z", "Asia/Tokyo",       0, "2026-08-01"),
    ("gdpr", "2026-06-30T22:30:00Z", "America/New_York", 0, "2026-07-30"),
    // Across a daylight-saving change the date arithmetic is unaffected.
    ("gdpr", "2026-03-29T00:30:00Z", "Europe/Berlin",    0, "2026-04-29"),
    ("gdpr", "2026-10-25T00:30:00Z", "Europe/Berlin",    0, "2026-11-25"),
    // CCPA: 45 calendar days, once extended by 45 more.
    ("ccpa", "2026-01-01T12:00:00Z", "America/Los_Angeles", 0, "2026-02-15"),
    ("ccpa", "2026-01-01T12:00:00Z", "America/Los_Angeles", 1, "2026-04-01"),
    ("ccpa", "2026-02-01T12:00:00Z", "UTC",              0, "2026-03-18"),
    ("ccpa", "2028-02-01T12:00:00Z", "UTC",              0, "2028-03-17"),
    ("ccpa", "2026-12-20T12:00:00Z", "UTC",              0, "2027-02-03"),
    ("ccpa", "2026-12-20T12:00:00Z", "UTC",              1, "2027-03-20"),
    ("ccpa", "2026-07-01T06:00:00Z", "America/Los_Angeles", 0, "2026-08-14"),
    ("ccpa", "2026-07-01T08:00:00Z", "America/Los_Angeles", 0, "2026-08-15"),
];

#[test]
fn due_dates() {
    let mut failures = Vec::new();
    for &(reg, received, zone, extensions, expected) in DUE {
        let tz = TimeZone::get(zone).unwrap();
        let at: Timestamp = received.parse().unwrap();
        let got = rule(reg).due_date(local_date(at, &tz), extensions);
        if got != Some(day(expected)) {
            failures.push(format!(
                "{reg} received {received} in {zone}, {extensions} ext: expected {expected}, got {got:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// (received date, business days, last day): weekends are skipped, the day of receipt does not count.
#[rustfmt::skip]
const BUSINESS: &[(&str, u32, &str)] = &[
    ("2026-12-07", 10, "2026-12-21"), // a Monday: two whole weeks
    ("2026-12-04", 10, "2026-12-18"), // a Friday
    ("2026-12-05", 10, "2026-12-18"), // a Saturday: counting starts Monday
    ("2026-12-06", 10, "2026-12-18"), // a Sunday
    ("2026-12-04",  1, "2026-12-07"), // Friday + 1 is Monday
    ("2026-12-31",  3, "2027-01-05"), // across a year end
    ("2028-02-25",  3, "2028-03-01"), // across a leap day
];

#[test]
fn business_days_skip_weekends() {
    for &(start, n, expected) in BUSINESS {
        let got = Period::BusinessDays(n).end_from(day(start));
        assert_eq!(got, Some(day(expected)), "{start} + {n} business days");
    }
    // CCPA's receipt confirmation uses them.
    let confirm = RegulationRule::ccpa().confirm_receipt_within.unwrap();
    assert_eq!(confirm.end_from(day("2026-12-04")), Some(day("2026-12-18")));
    assert_eq!(RegulationRule::gdpr().confirm_receipt_within, None);
}

/// (regulation, received, extensions so far, asked on, allowed)
#[rustfmt::skip]
const EXTEND: &[(&str, &str, u32, &str, bool)] = &[
    ("gdpr", "2026-01-31", 0, "2026-02-10", true),
    ("gdpr", "2026-01-31", 0, "2026-02-28", true),  // the last day of the first month
    ("gdpr", "2026-01-31", 0, "2026-03-01", false), // announced too late
    ("gdpr", "2026-01-31", 1, "2026-02-10", false), // only one extension
    ("ccpa", "2026-01-01", 0, "2026-02-15", true),
    ("ccpa", "2026-01-01", 0, "2026-02-16", false),
    ("ccpa", "2026-01-01", 1, "2026-01-20", false),
];

#[test]
fn extensions_are_limited_in_number_and_time() {
    for &(reg, received, done, on, allowed) in EXTEND {
        let got = rule(reg).may_extend(day(received), done, day(on));
        assert_eq!(
            got.is_ok(),
            allowed,
            "{reg} {received} ext {done} on {on}: {got:?}"
        );
    }
    let err = rule("gdpr")
        .may_extend(day("2026-01-31"), 0, day("2026-03-01"))
        .unwrap_err();
    assert!(err.contains("2026-02-28"), "{err}");
}

#[test]
fn overdue_is_the_second_after_the_last_day() {
    let la = TimeZone::get("America/Los_Angeles").unwrap();
    let end = end_of_day(day("2026-02-15"), &la).unwrap();
    assert_eq!(end.to_string(), "2026-02-16T07:59:59Z");
    assert_eq!(days_left(day("2026-02-10"), day("2026-02-15")), 5);
}
