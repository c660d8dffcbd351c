//! Payment cards, SSNs and IBANs, valid by construction.

use crate::checks::{iban_check_digits, luhn_check_digit};
use crate::rng::{Gen, UPPER, UPPER_ALNUM};

/// A card family: how its numbers start, how long they are, how they group.
struct Family {
    /// Pick a prefix (issuer identification digits).
    prefix: fn(&mut Gen) -> String,
    /// Total length in digits.
    len: usize,
    /// Group sizes when written with separators.
    groups: &'static [usize],
}

const FOUR: &[usize] = &[4, 4, 4, 4];

const FAMILIES: &[Family] = &[
    // Visa
    Family {
        prefix: |_| "4".into(),
        len: 16,
        groups: FOUR,
    },
    // Mastercard 51-55
    Family {
        prefix: |g| format!("5{}", g.range(1, 5)),
        len: 16,
        groups: FOUR,
    },
    // Mastercard 2-series 2221-2720
    Family {
        prefix: |g| g.range(2221, 2720).to_string(),
        len: 16,
        groups: FOUR,
    },
    // American Express 34/37
    Family {
        prefix: |g| g.word(&["34", "37"]).to_string(),
        len: 15,
        groups: &[4, 6, 5],
    },
    // Discover 6011 / 65
    Family {
        prefix: |g| g.word(&["6011", "65"]).to_string(),
        len: 16,
        groups: FOUR,
    },
    // JCB 3528-3589
    Family {
        prefix: |g| g.range(3528, 3589).to_string(),
        len: 16,
        groups: FOUR,
    },
    // Diners Club 36
    Family {
        prefix: |_| "36".into(),
        len: 14,
        groups: &[4, 6, 4],
    },
];

/// Family weights: common brands more often, every family present.
const FAMILY_WEIGHTS: &[u32] = &[30, 15, 12, 12, 10, 11, 10];

/// Split `digits` into `groups` joined by `sep`.
fn group(digits: &str, groups: &[usize], sep: &str) -> String {
    let mut out = String::with_capacity(digits.len() + groups.len());
    let mut at = 0;
    for (i, size) in groups.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        out.push_str(&digits[at..at + size]);
        at += size;
    }
    out
}

/// A Luhn-valid card number of a random family, compact or grouped.
pub(crate) fn card(g: &mut Gen) -> String {
    let family = &FAMILIES[g.weighted(FAMILY_WEIGHTS)];
    let mut digits = (family.prefix)(g);
    let rest = family.len - 1 - digits.len();
    digits.push_str(&g.digits(rest));
    let check = luhn_check_digit(&digits);
    digits.push(char::from(b'0' + check));
    match g.weighted(&[45, 25, 30]) {
        0 => group(&digits, family.groups, " "),
        1 => group(&digits, family.groups, "-"),
        _ => digits,
    }
}

/// A 16-digit, card-shaped number whose Luhn check fails.
pub(crate) fn luhn_failing(g: &mut Gen) -> String {
    let mut digits = g.word(&["4", "5", "6"]).to_string();
    digits.push_str(&g.digits(14));
    let good = luhn_check_digit(&digits);
    let bad = (good + 1 + g.range(0, 8) as u8) % 10;
    digits.push(char::from(b'0' + bad));
    match g.weighted(&[50, 20, 30]) {
        0 => group(&digits, FOUR, " "),
        1 => group(&digits, FOUR, "-"),
        _ => digits,
    }
}

/// The three SSN parts in assigned ranges.
fn ssn_parts(g: &mut Gen) -> (u32, u32, u32) {
    let mut area = g.range(1, 899);
    if area == 666 {
        area = 667;
    }
    (area, g.range(1, 99), g.range(1, 9999))
}

/// A valid SSN written `AAA-GG-SSSS`.
pub(crate) fn ssn(g: &mut Gen) -> String {
    let (a, gr, s) = ssn_parts(g);
    format!("{a:03}-{gr:02}-{s:04}")
}

/// A valid SSN written as nine bare digits (only used after explicit SSN context).
pub(crate) fn ssn_compact(g: &mut Gen) -> String {
    let (a, gr, s) = ssn_parts(g);
    format!("{a:03}{gr:02}{s:04}")
}

/// An SSN-shaped number in a range the SSA never assigns.
pub(crate) fn invalid_ssn(g: &mut Gen) -> String {
    let (a, gr, s) = ssn_parts(g);
    match g.below(5) {
        0 => format!("000-{gr:02}-{s:04}"),
        1 => format!("666-{gr:02}-{s:04}"),
        2 => format!("{}-{gr:02}-{s:04}", g.range(900, 999)),
        3 => format!("{a:03}-00-{s:04}"),
        _ => format!("{a:03}-{gr:02}-0000"),
    }
}

/// Spanish national check digits ("dígitos de control") for bank, branch and account.
fn spanish_control(bank_branch: &str, account: &str) -> String {
    const W: [u32; 10] = [1, 2, 4, 8, 5, 10, 9, 7, 3, 6];
    let digit = |s: &str| {
        let sum: u32 = s.bytes().zip(W).map(|(b, w)| u32::from(b - b'0') * w).sum();
        match 11 - sum % 11 {
            11 => 0,
            10 => 1,
            d => d,
        }
    };
    format!("{}{}", digit(&format!("00{bank_branch}")), digit(account))
}

/// Belgian national check: the first ten digits mod 97, 97 for zero.
fn belgian_control(first10: &str) -> String {
    let r = privet_types::checks::mod97(first10.bytes()).unwrap_or(0);
    format!("{:02}", if r == 0 { 97 } else { r })
}

/// A BBAN of the registered structure for `country`.
fn bban(g: &mut Gen, country: &str) -> String {
    match country {
        "DE" => g.digits(18),
        "GB" => format!("{}{}", g.chars(4, UPPER), g.digits(14)),
        "FR" => g.digits(23),
        "ES" => {
            let bb = g.digits(8);
            let acct = g.digits(10);
            let dc = spanish_control(&bb, &acct);
            format!("{bb}{dc}{acct}")
        }
        "IT" => format!(
            "{}{}{}",
            g.chars(1, UPPER),
            g.digits(10),
            g.chars(12, b"0123456789")
        ),
        "NL" => format!("{}{}", g.chars(4, UPPER), g.digits(10)),
        "BE" => {
            let first = g.digits(10);
            let check = belgian_control(&first);
            format!("{first}{check}")
        }
        "CH" => format!("{}{}", g.digits(5), g.chars(12, b"0123456789")),
        "AT" => g.digits(16),
        "PL" => g.digits(24),
        "NO" => g.digits(11),
        "SE" => g.digits(20),
        "IE" => format!("{}{}", g.chars(4, UPPER), g.digits(14)),
        _ => format!("{}{}", g.digits(2), g.chars(17, UPPER_ALNUM)),
    }
}

/// Countries the corpus draws IBANs from.
pub(crate) const IBAN_COUNTRIES: &[&str] = &[
    "DE", "GB", "FR", "ES", "IT", "NL", "BE", "CH", "AT", "PL", "NO", "SE", "IE",
];

/// Write a compact IBAN in print form: groups of four separated by spaces.
fn grouped(compact: &str) -> String {
    let mut out = String::with_capacity(compact.len() + compact.len() / 4);
    for (i, c) in compact.chars().enumerate() {
        if i > 0 && i % 4 == 0 {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

/// A valid IBAN, compact or grouped.
pub(crate) fn iban(g: &mut Gen) -> String {
    let country = g.word(IBAN_COUNTRIES);
    let bban = bban(g, country);
    let check = iban_check_digits(country, &bban);
    let compact = format!("{country}{check:02}{bban}");
    if g.chance(0.5) {
        grouped(&compact)
    } else {
        compact
    }
}

/// An IBAN-shaped string of the right structure whose check digits are wrong.
pub(crate) fn bad_iban(g: &mut Gen) -> String {
    let country = g.word(IBAN_COUNTRIES);
    let bban = bban(g, country);
    let good = iban_check_digits(country, &bban);
    // 2..=98 are the possible check values; step away from the right one.
    let bad = 2 + (good - 2 + 1 + g.range(0, 90)) % 97;
    let compact = format!("{country}{bad:02}{bban}");
    if g.chance(0.5) {
        grouped(&compact)
    } else {
        compact
    }
}
