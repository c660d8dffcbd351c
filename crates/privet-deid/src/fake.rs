//! Realistic replacements of the same kind, deterministic per key and input: the same customer
//! gets the same fake in every file and run, and nothing about the fake depends on the input
//! except through the keyed MAC.

use privet_crypto::SecretKey;

use crate::DeidError;
use privet_crypto::KeyedStream;

/// What kind of value to fake.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FakeKind {
    /// `given.family42@example.org` style addresses on the reserved example domains.
    Email,
    /// A given name, or given and family name when the input has several words.
    PersonName,
    /// The same length and separators, leading `+` and country code kept, other digits replaced.
    Phone,
    /// A Luhn-valid number in the 400000 test range, same length and separators.
    CardNumber,
    /// A US Social Security number in the never-issued 9xx area, same separators.
    UsSsn,
}

impl FakeKind {
    fn domain(self) -> &'static [u8] {
        match self {
            FakeKind::Email => b"privet-deid/fake/email",
            FakeKind::PersonName => b"privet-deid/fake/person_name",
            FakeKind::Phone => b"privet-deid/fake/phone",
            FakeKind::CardNumber => b"privet-deid/fake/card_number",
            FakeKind::UsSsn => b"privet-deid/fake/us_ssn",
        }
    }
}

const GIVEN_NAMES: [&str; 50] = [
    "James", "Maria", "Wei", "Fatima", "Aarav", "Sofia", "Mohammed", "Yuki", "Olga", "Carlos",
    "Amara", "Liam", "Priya", "Hiroshi", "Chloe", "Ahmed", "Elena", "Kwame", "Ana", "Lucas", "Mei",
    "Omar", "Ingrid", "Diego", "Aisha", "Noah", "Leila", "Ivan", "Zara", "Mateo", "Nia", "Hannah",
    "Ravi", "Emma", "Jin", "Camila", "Tariq", "Freya", "Luca", "Ayesha", "Daniel", "Sakura",
    "Kofi", "Isabel", "Arjun", "Nadia", "Pedro", "Lena", "Samuel", "Minjun",
];

const FAMILY_NAMES: [&str; 50] = [
    "Smith",
    "Garcia",
    "Wang",
    "Khan",
    "Patel",
    "Silva",
    "Kim",
    "Nguyen",
    "Muller",
    "Rossi",
    "Ivanov",
    "Tanaka",
    "Okafor",
    "Hernandez",
    "Kowalski",
    "Cohen",
    "Dubois",
    "Jensen",
    "Santos",
    "Ali",
    "Chen",
    "Mensah",
    "Novak",
    "Haddad",
    "Fischer",
    "Lopez",
    "Sato",
    "Das",
    "Nielsen",
    "Rahman",
    "Costa",
    "Yilmaz",
    "Andersson",
    "Murphy",
    "Papadopoulos",
    "Singh",
    "Ferrari",
    "Moreau",
    "Schmidt",
    "Li",
    "Park",
    "Gonzalez",
    "Abebe",
    "Larsen",
    "Romano",
    "Hosseini",
    "Virtanen",
    "Brown",
    "Osei",
    "Jovanovic",
];

const EMAIL_DOMAINS: [&str; 3] = ["example.com", "example.org", "example.net"];

/// Test BIN: card numbers from it are never issued to a real cardholder.
const CARD_PREFIX: &str = "400000";

/// ITU-T E.164 two-digit country codes; `1` and `7` are the one-digit codes and every other
/// code is three digits long.
const TWO_DIGIT_COUNTRY_CODES: [&str; 44] = [
    "20", "27", "30", "31", "32", "33", "34", "36", "39", "40", "41", "43", "44", "45", "46", "47",
    "48", "49", "51", "52", "53", "54", "55", "56", "57", "58", "60", "61", "62", "63", "64", "65",
    "66", "81", "82", "84", "86", "90", "91", "92", "93", "94", "95", "98",
];

/// A realistic `kind` replacement for `value`, the same for the same key and input (emails and
/// names compared case-insensitively, numbers by their digits alone) and never equal to `value`.
pub fn fake(key: &SecretKey, kind: FakeKind, value: &str) -> Result<String, DeidError> {
    let seed = seed(kind, value)?;
    let mut stream = KeyedStream::new(key, kind.domain(), seed.as_bytes());
    loop {
        let candidate = match kind {
            FakeKind::Email => email(&mut stream),
            FakeKind::PersonName => person_name(&mut stream, value),
            FakeKind::Phone => phone(&mut stream, value),
            FakeKind::CardNumber => card_number(&mut stream, value),
            FakeKind::UsSsn => us_ssn(&mut stream, value),
        };
        if candidate != value {
            return Ok(candidate);
        }
    }
}

/// What the draws are keyed on; also validates the input's shape.
fn seed(kind: FakeKind, value: &str) -> Result<String, DeidError> {
    let digits: String = value.chars().filter(char::is_ascii_digit).collect();
    let only = |allowed: &[char]| {
        value
            .chars()
            .all(|c| c.is_ascii_digit() || allowed.contains(&c))
    };
    let (valid, kind_name, seed) = match kind {
        FakeKind::Email => (value.contains('@'), "email", value.trim().to_lowercase()),
        FakeKind::PersonName => {
            let words: Vec<String> = value.split_whitespace().map(str::to_lowercase).collect();
            (!words.is_empty(), "person name", words.join(" "))
        }
        FakeKind::Phone => (
            digits.len() >= 5 && only(&['+', ' ', '-', '.', '(', ')', '/']),
            "phone number",
            digits,
        ),
        FakeKind::CardNumber => (
            (13..=19).contains(&digits.len()) && only(&[' ', '-']),
            "card number",
            digits,
        ),
        FakeKind::UsSsn => (digits.len() == 9 && only(&[' ', '-']), "US SSN", digits),
    };
    if valid {
        Ok(seed)
    } else {
        Err(DeidError::InvalidInput { kind: kind_name })
    }
}

fn digit(stream: &mut KeyedStream<'_>, low: u8) -> char {
    char::from(b'0' + low + stream.below(u64::from(10 - low)) as u8)
}

fn email(stream: &mut KeyedStream<'_>) -> String {
    let given = stream.pick(&GIVEN_NAMES).to_lowercase();
    let family = stream.pick(&FAMILY_NAMES).to_lowercase();
    let number = stream.below(100);
    let domain = stream.pick(&EMAIL_DOMAINS);
    format!("{given}.{family}{number}@{domain}")
}

fn person_name(stream: &mut KeyedStream<'_>, value: &str) -> String {
    let given = stream.pick(&GIVEN_NAMES);
    let family = stream.pick(&FAMILY_NAMES);
    let name = if value.split_whitespace().count() == 1 {
        (*given).to_owned()
    } else {
        format!("{given} {family}")
    };
    let shouting = value.chars().any(char::is_alphabetic) && !value.chars().any(char::is_lowercase);
    if shouting { name.to_uppercase() } else { name }
}

/// Replaces the digits of `layout` in order with `digits`, keeping everything else.
fn fill(layout: &str, digits: &[char]) -> String {
    let mut next = digits.iter();
    layout
        .chars()
        .map(|c| {
            if c.is_ascii_digit() {
                next.next().copied().unwrap_or(c)
            } else {
                c
            }
        })
        .collect()
}

fn country_code_len(digits: &[char]) -> usize {
    let two: String = digits.iter().take(2).collect();
    let len = match digits.first() {
        Some('1' | '7') => 1,
        _ if TWO_DIGIT_COUNTRY_CODES.contains(&two.as_str()) => 2,
        _ => 3,
    };
    len.min(digits.len())
}

fn phone(stream: &mut KeyedStream<'_>, value: &str) -> String {
    let original: Vec<char> = value.chars().filter(char::is_ascii_digit).collect();
    let kept = if value.trim_start().starts_with('+') {
        country_code_len(&original)
    } else {
        0
    };
    let mut digits = original[..kept].to_vec();
    for (i, &c) in original.iter().enumerate().skip(kept) {
        // A national number starts with its trunk prefix 0 or with 2-9 (never 1 in NANP).
        let replaced = match (i == kept, c) {
            (true, '0') => '0',
            (true, _) => digit(stream, 2),
            (false, _) => digit(stream, 0),
        };
        digits.push(replaced);
    }
    fill(value, &digits)
}

fn card_number(stream: &mut KeyedStream<'_>, value: &str) -> String {
    let len = value.chars().filter(char::is_ascii_digit).count();
    let mut digits: Vec<char> = CARD_PREFIX.chars().collect();
    while digits.len() + 1 < len {
        digits.push(digit(stream, 0));
    }
    let payload: Vec<u8> = digits.iter().map(|&c| c as u8).collect();
    let check = privet_types::checks::luhn_check_digit(&payload).unwrap_or(0);
    digits.push(char::from(b'0' + check));
    fill(value, &digits)
}

fn us_ssn(stream: &mut KeyedStream<'_>, value: &str) -> String {
    let area = 900 + stream.below(100);
    let group = 1 + stream.below(99);
    let serial = 1 + stream.below(9999);
    let digits: Vec<char> = format!("{area:03}{group:02}{serial:04}").chars().collect();
    fill(value, &digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn country_codes() {
        let cc = |s: &str| country_code_len(&s.chars().collect::<Vec<_>>());
        assert_eq!(cc("14155550100"), 1);
        assert_eq!(cc("74951234567"), 1);
        assert_eq!(cc("447911123456"), 2);
        assert_eq!(cc("4930123456"), 2);
        assert_eq!(cc("353861234567"), 3);
        assert_eq!(cc("97212345678"), 3);
        assert_eq!(cc("8"), 1);
    }

    #[test]
    fn name_lists_are_distinct_and_ascii() {
        for list in [&GIVEN_NAMES, &FAMILY_NAMES] {
            let set: std::collections::HashSet<_> = list.iter().collect();
            assert_eq!(set.len(), list.len());
            assert!(
                list.iter()
                    .all(|n| n.chars().all(|c| c.is_ascii_alphabetic()))
            );
        }
    }

    #[test]
    fn malformed_inputs_are_refused_without_the_value() {
        let key = SecretKey::from_bytes([2; 32]);
        for (kind, value) in [
            (FakeKind::Email, "no-at-sign"),
            (FakeKind::PersonName, "   "),
            (FakeKind::Phone, "12-34"),
            (FakeKind::CardNumber, "4111 1111"),
            (FakeKind::CardNumber, "4111x1111 1111 1111"),
            (FakeKind::UsSsn, "123-45-678"),
        ] {
            let err = fake(&key, kind, value).unwrap_err();
            assert!(matches!(err, DeidError::InvalidInput { .. }), "{kind:?}");
            assert!(!err.to_string().contains(value), "{kind:?}");
        }
    }
}
