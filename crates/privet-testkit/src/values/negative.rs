//! Look-alikes: strings shaped like personal data that are not.

use crate::rng::{Gen, HEX, UPPER_ALNUM};

/// A bare nine-digit order or account id (SSN-shaped without dashes).
pub(crate) fn order_id(g: &mut Gen) -> String {
    format!("{}{}", g.range(1, 9), g.digits(8))
}

/// A random version-4 UUID.
pub(crate) fn uuid(g: &mut Gen) -> String {
    let variant = char::from(*g.pick(b"89ab"));
    format!(
        "{}-{}-4{}-{variant}{}-{}",
        g.chars(8, HEX),
        g.chars(4, HEX),
        g.chars(3, HEX),
        g.chars(3, HEX),
        g.chars(12, HEX)
    )
}

/// A dotted four-part version or build number: the text before it says so.
pub(crate) fn version(g: &mut Gen) -> String {
    format!(
        "{}.{}.{}.{}",
        g.range(1, 20),
        g.range(0, 40),
        g.range(0, 9),
        g.range(0, 999)
    )
}

/// A price with a currency sign or code.
pub(crate) fn price(g: &mut Gen) -> String {
    let whole = g.range(1, 4999);
    let cents = g.range(0, 99);
    match g.below(5) {
        0 => format!("${whole}.{cents:02}"),
        1 => format!("€{whole},{cents:02}"),
        2 => format!("£{whole}.{cents:02}"),
        3 => format!("USD {},{:03}.{cents:02}", whole / 1000 + 1, whole % 1000),
        _ => format!("{whole}.{cents:02} EUR"),
    }
}

/// A UPS-style tracking number (`1Z` + 16 characters).
pub(crate) fn tracking(g: &mut Gen) -> String {
    format!(
        "1Z{}{}{}",
        g.chars(6, UPPER_ALNUM),
        g.digits(2),
        g.digits(8)
    )
}

/// An invoice number.
pub(crate) fn invoice(g: &mut Gen) -> String {
    match g.below(3) {
        0 => format!("INV-{}-{}", g.range(2019, 2026), g.digits(6)),
        1 => format!("INV{}", g.digits(8)),
        _ => format!("{}-{}", g.word(&["CN", "RE", "FAC"]), g.digits(7)),
    }
}

/// A hexadecimal digest: MD5, SHA-1 or SHA-256 length.
pub(crate) fn hex_hash(g: &mut Gen) -> String {
    let n = *g.pick(&[32usize, 40, 64, 7]);
    g.chars(n, HEX)
}
