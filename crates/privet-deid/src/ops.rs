//! Value operators that need no format-preserving cipher: labels, masks, keyed pseudonyms,
//! generalization and per-subject date shifts.

use jiff::Span;
use jiff::civil::Date;
use privet_crypto::{SecretKey, mac};

use crate::DeidError;
use privet_crypto::KeyedStream;

/// Shortest pseudonym [`hash`] produces: 8 base32 characters are 40 bits, which already
/// collide once in about a million distinct values (birthday bound), so anything shorter
/// breaks joins.
pub const HASH_LEN_MIN: usize = 8;
/// Longest pseudonym [`hash`] produces: all 256 bits of the MAC in base32.
pub const HASH_LEN_MAX: usize = 52;

const BASE32: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";

/// The replacement label for a redacted value of type `label`: `redact("email")` is `[EMAIL]`.
pub fn redact(label: &str) -> String {
    format!("[{}]", label.to_uppercase())
}

/// Replaces the letters and digits of `value` with `mask_char`, except the last `keep_last`;
/// separators and punctuation stay, so `4111 1111 1111 1111` keeping 4 is
/// `**** **** **** 1111`. A value with no more than `keep_last` letters and digits is masked
/// entirely, so a mask never returns a value in clear.
pub fn mask(value: &str, keep_last: usize, mask_char: char) -> String {
    let maskable = value.chars().filter(|c| c.is_alphanumeric()).count();
    let keep = if keep_last >= maskable { 0 } else { keep_last };
    let mut seen = 0;
    value
        .chars()
        .map(|c| {
            if !c.is_alphanumeric() {
                return c;
            }
            seen += 1;
            if seen > maskable - keep { c } else { mask_char }
        })
        .collect()
}

/// A keyed pseudonym: the first `len` characters of lowercase base32 (RFC 4648 alphabet, no
/// padding) of HMAC-SHA256 over `value`, domain-separated by `column`. The same key, column and
/// value give the same pseudonym in every file and run, so joins on it still work; use the same
/// `column` name wherever values must join. `len` must be in
/// [`HASH_LEN_MIN`]`..=`[`HASH_LEN_MAX`].
pub fn hash(key: &SecretKey, column: &str, value: &str, len: usize) -> Result<String, DeidError> {
    if !(HASH_LEN_MIN..=HASH_LEN_MAX).contains(&len) {
        return Err(DeidError::HashLength {
            len,
            min: HASH_LEN_MIN,
            max: HASH_LEN_MAX,
        });
    }
    let domain = format!("privet-deid/hash/{column}");
    let digest = mac(key, domain.as_bytes(), value.as_bytes());
    Ok(base32(&digest).chars().take(len).collect())
}

fn base32(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &byte in bytes {
        buffer = (buffer << 8) | u32::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(BASE32[((buffer >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(BASE32[((buffer << (5 - bits)) & 31) as usize]));
    }
    out
}

/// How coarse a generalized date is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatePrecision {
    /// `2024-03`.
    Month,
    /// `2024`.
    Year,
}

/// `date` cut to its month (`2024-03`) or year (`2024`).
pub fn generalize_date(date: Date, precision: DatePrecision) -> String {
    match precision {
        DatePrecision::Month => format!("{:04}-{:02}", date.year(), date.month()),
        DatePrecision::Year => format!("{:04}", date.year()),
    }
}

/// The band of `width` years holding `age`: `age_band(34, 10)` is `30-39`.
pub fn age_band(age: u32, width: u32) -> Result<String, DeidError> {
    number_range(i64::from(age), u64::from(width))
}

/// Keeps the first `keep` letters and digits of a postal code and stars the rest, keeping
/// separators: `postal_prefix("94107", 3)` is `941**`, `postal_prefix("SW1A 1AA", 3)` is
/// `SW1* ***`.
pub fn postal_prefix(code: &str, keep: usize) -> String {
    let mut seen = 0;
    code.chars()
        .map(|c| {
            if !c.is_alphanumeric() {
                return c;
            }
            seen += 1;
            if seen <= keep { c } else { '*' }
        })
        .collect()
}

/// The range of `width` holding `n`, aligned to multiples of `width`: `number_range(1234, 1000)`
/// is `1000-1999`, `number_range(-5, 10)` is `-10--1`.
pub fn number_range(n: i64, width: u64) -> Result<String, DeidError> {
    if width == 0 {
        return Err(DeidError::ZeroWidth {
            what: "range width",
        });
    }
    let (n, width) = (i128::from(n), i128::from(width));
    let low = n.div_euclid(width) * width;
    Ok(format!("{low}-{}", low + width - 1))
}

/// The per-subject shift [`date_shift`] applies, in days: derived from HMAC of `subject_id`,
/// in `-max_days..=-1` or `1..=max_days` (never zero, which would leave dates in clear).
pub fn shift_days(key: &SecretKey, subject_id: &str, max_days: u32) -> Result<i64, DeidError> {
    if max_days == 0 {
        return Err(DeidError::ZeroWidth { what: "max_days" });
    }
    let max = u64::from(max_days);
    let mut stream = KeyedStream::new(key, b"privet-deid/date-shift", subject_id.as_bytes());
    let draw = stream.below(2 * max) as i64;
    let max = i64::from(max_days);
    Ok(if draw < max {
        -(draw + 1)
    } else {
        draw - max + 1
    })
}

/// Moves `date` by the constant shift of `subject_id`, so every date of one subject moves
/// together and the intervals between them are kept, while different subjects move differently.
pub fn date_shift(
    key: &SecretKey,
    subject_id: &str,
    date: Date,
    max_days: u32,
) -> Result<Date, DeidError> {
    let days = shift_days(key, subject_id, max_days)?;
    let span = Span::new()
        .try_days(days)
        .map_err(|_| DeidError::DateOutOfRange)?;
    date.checked_add(span)
        .map_err(|_| DeidError::DateOutOfRange)
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    fn key() -> SecretKey {
        SecretKey::from_bytes([5; 32])
    }

    #[test]
    fn redact_labels() {
        assert_eq!(redact("email"), "[EMAIL]");
        assert_eq!(redact("US_SSN"), "[US_SSN]");
    }

    #[test]
    fn mask_keeps_the_tail_and_separators() {
        assert_eq!(mask("4111 1111 1111 1111", 4, '*'), "**** **** **** 1111");
        assert_eq!(mask("555-0100", 2, '#'), "###-##00");
        assert_eq!(mask("a@b.co", 0, 'x'), "x@x.xx");
        assert_eq!(mask("1234", 4, '*'), "****");
        assert_eq!(mask("12", 9, '*'), "**");
        assert_eq!(mask("", 4, '*'), "");
    }

    #[test]
    fn base32_matches_rfc_4648() {
        // RFC 4648 section 10 vectors, lowercased and without padding.
        assert_eq!(base32(b""), "");
        assert_eq!(base32(b"f"), "my");
        assert_eq!(base32(b"fo"), "mzxq");
        assert_eq!(base32(b"foo"), "mzxw6");
        assert_eq!(base32(b"foob"), "mzxw6yq");
        assert_eq!(base32(b"fooba"), "mzxw6ytb");
        assert_eq!(base32(b"foobar"), "mzxw6ytboi");
        assert_eq!(base32(&[0xff; 32]).len(), HASH_LEN_MAX);
    }

    #[test]
    fn hash_is_stable_keyed_and_column_separated() {
        let a = hash(&key(), "email", "ana@example.com", 16).unwrap();
        assert_eq!(a.len(), 16);
        assert_eq!(a, hash(&key(), "email", "ana@example.com", 16).unwrap());
        assert_ne!(a, hash(&key(), "phone", "ana@example.com", 16).unwrap());
        let other = SecretKey::from_bytes([6; 32]);
        assert_ne!(a, hash(&other, "email", "ana@example.com", 16).unwrap());
        assert!(a.chars().all(|c| BASE32.contains(&(c as u8))));
        assert_eq!(
            hash(&key(), "email", "x", 7),
            Err(DeidError::HashLength {
                len: 7,
                min: 8,
                max: 52
            })
        );
        assert!(hash(&key(), "email", "x", 53).is_err());
        assert_eq!(hash(&key(), "email", "x", 52).unwrap().len(), 52);
    }

    #[test]
    fn dates_generalize() {
        let d = date(2024, 3, 9);
        assert_eq!(generalize_date(d, DatePrecision::Month), "2024-03");
        assert_eq!(generalize_date(d, DatePrecision::Year), "2024");
    }

    #[test]
    fn bands_and_ranges() {
        assert_eq!(age_band(34, 10).unwrap(), "30-39");
        assert_eq!(age_band(30, 10).unwrap(), "30-39");
        assert_eq!(age_band(0, 5).unwrap(), "0-4");
        assert_eq!(age_band(7, 1).unwrap(), "7-7");
        assert_eq!(
            age_band(7, 0),
            Err(DeidError::ZeroWidth {
                what: "range width"
            })
        );
        assert_eq!(number_range(1234, 1000).unwrap(), "1000-1999");
        assert_eq!(number_range(-5, 10).unwrap(), "-10--1");
        assert_eq!(
            number_range(i64::MAX, u64::MAX).unwrap(),
            format!("0-{}", u64::MAX - 1)
        );
    }

    #[test]
    fn postal_prefixes() {
        assert_eq!(postal_prefix("94107", 3), "941**");
        assert_eq!(postal_prefix("SW1A 1AA", 3), "SW1* ***");
        assert_eq!(postal_prefix("10115", 0), "*****");
        assert_eq!(postal_prefix("123", 9), "123");
    }

    #[test]
    fn date_shift_is_constant_per_subject_and_never_zero() {
        let (a, b) = (date(2020, 1, 1), date(2020, 3, 15));
        let sa = date_shift(&key(), "subject-1", a, 30).unwrap();
        let sb = date_shift(&key(), "subject-1", b, 30).unwrap();
        assert_eq!(
            a.until(b).unwrap().get_days(),
            sa.until(sb).unwrap().get_days()
        );
        let mut shifts = std::collections::HashSet::new();
        for i in 0..200 {
            let days = shift_days(&key(), &format!("s{i}"), 30).unwrap();
            assert!((1..=30).contains(&days.abs()), "{days}");
            shifts.insert(days);
        }
        assert!(shifts.len() > 40, "shifts spread over the range");
        assert_eq!(
            shift_days(&key(), "s", 0),
            Err(DeidError::ZeroWidth { what: "max_days" })
        );
        let edge = if shift_days(&key(), "s", 1).unwrap() > 0 {
            date(9999, 12, 31)
        } else {
            date(-9999, 1, 1)
        };
        assert_eq!(
            date_shift(&key(), "s", edge, 1),
            Err(DeidError::DateOutOfRange)
        );
    }
}
