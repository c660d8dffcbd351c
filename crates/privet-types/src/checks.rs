//! The check-digit algorithms more than one crate needs, in one place: the
//! Luhn mod-10 sum (ISO/IEC 7812-1, cards, IMEI, Canadian SIN) and the ISO
//! 7064 MOD 97-10 remainder (IBAN, ISO 13616; French NIR keys).
//!
//! They take ASCII bytes and never panic: a byte outside the alphabet makes
//! the check fail rather than being skipped, so callers strip separators
//! first and decide themselves which separators a format allows.

/// True when `digits` (ASCII `0-9` only, at least two) pass the Luhn check.
///
/// ```
/// use privet_types::checks::luhn_valid;
/// assert!(luhn_valid(b"4111111111111111"));
/// assert!(!luhn_valid(b"4111111111111112"));
/// assert!(!luhn_valid(b"4111 1111"));
/// ```
pub fn luhn_valid(digits: &[u8]) -> bool {
    digits.len() >= 2 && luhn_sum(digits, false).is_some_and(|s| s.is_multiple_of(10))
}

/// The Luhn check digit (as `0..=9`) that completes `payload` (ASCII digits),
/// or `None` if `payload` is empty or holds anything but digits.
///
/// ```
/// use privet_types::checks::luhn_check_digit;
/// assert_eq!(luhn_check_digit(b"411111111111111"), Some(1));
/// ```
pub fn luhn_check_digit(payload: &[u8]) -> Option<u8> {
    if payload.is_empty() {
        return None;
    }
    let sum = luhn_sum(payload, true)?;
    u8::try_from((10 - sum % 10) % 10).ok()
}

/// The Luhn sum from the right; `double_first` doubles the rightmost digit
/// (as when a check digit is still to be appended).
fn luhn_sum(digits: &[u8], double_first: bool) -> Option<u32> {
    let mut sum = 0u32;
    for (i, &b) in digits.iter().rev().enumerate() {
        if !b.is_ascii_digit() {
            return None;
        }
        let mut d = u32::from(b - b'0');
        if (i % 2 == 1) != double_first {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    Some(sum)
}

/// The remainder mod 97 of `chars` read as one decimal number, letters
/// (either case) standing for 10..=35 as ISO 7064 MOD 97-10 and ISO 13616
/// prescribe; `None` if any byte is not an ASCII letter or digit.
///
/// ```
/// use privet_types::checks::mod97;
/// assert_eq!(mod97(*b"12345"), Some(12345 % 97));
/// assert_eq!(mod97(*b"A"), Some(10));
/// ```
pub fn mod97(chars: impl IntoIterator<Item = u8>) -> Option<u32> {
    let mut rem = 0u32;
    for c in chars {
        rem = match c {
            b'0'..=b'9' => (rem * 10 + u32::from(c - b'0')) % 97,
            b'A'..=b'Z' => (rem * 100 + u32::from(c - b'A') + 10) % 97,
            b'a'..=b'z' => (rem * 100 + u32::from(c - b'a') + 10) % 97,
            _ => return None,
        };
    }
    Some(rem)
}

/// True when a compact IBAN (no separators) passes ISO 13616's check: the
/// first four characters moved to the end, the remainder mod 97 is 1.
///
/// ```
/// use privet_types::checks::iban_mod97_valid;
/// assert!(iban_mod97_valid(b"GB29NWBK60161331926819"));
/// assert!(!iban_mod97_valid(b"GB28NWBK60161331926819"));
/// ```
pub fn iban_mod97_valid(iban: &[u8]) -> bool {
    iban.len() >= 5 && mod97(iban[4..].iter().chain(&iban[..4]).copied()) == Some(1)
}

/// The two ISO 7064 MOD 97-10 check digits (`2..=98`) of the IBAN made of `country` and
/// `bban`: 98 minus the remainder of the BBAN, the country and `00` read as one number. `None`
/// if either holds anything but ASCII letters and digits.
///
/// ```
/// use privet_types::checks::iban_check_digits;
/// assert_eq!(iban_check_digits(b"GB", b"NWBK60161331926819"), Some(29));
/// ```
pub fn iban_check_digits(country: &[u8], bban: &[u8]) -> Option<u8> {
    let rem = mod97(bban.iter().chain(country).chain(b"00").copied())?;
    u8::try_from(98 - rem).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn luhn_known_values() {
        for ok in [
            &b"4111111111111111"[..],
            b"378282246310005",
            b"79927398713",
            b"046454286",
        ] {
            assert!(luhn_valid(ok), "{ok:?}");
        }
        for bad in [
            &b"79927398710"[..],
            b"0",
            b"",
            b"4111-1111-1111-1111",
            b"12a4",
        ] {
            assert!(!luhn_valid(bad), "{bad:?}");
        }
        assert_eq!(luhn_check_digit(b"7992739871"), Some(3));
        assert_eq!(luhn_check_digit(b""), None);
        assert_eq!(luhn_check_digit(b"12x"), None);
    }

    #[test]
    fn mod97_known_values() {
        // ISO 13616's worked examples.
        assert!(iban_mod97_valid(b"DE89370400440532013000"));
        assert!(iban_mod97_valid(b"FR1420041010050500013M02606"));
        assert!(iban_mod97_valid(b"fr1420041010050500013m02606"));
        assert!(!iban_mod97_valid(b"DE89370400440532013001"));
        assert!(!iban_mod97_valid(b"DE89 3704"));
        assert!(!iban_mod97_valid(b"DE89"));
        assert_eq!(mod97(*b"A"), Some(10));
        assert_eq!(mod97(*b"1-2"), None);
        assert_eq!(iban_check_digits(b"DE", b"370400440532013000"), Some(89));
        assert_eq!(
            iban_check_digits(b"FR", b"20041010050500013M02606"),
            Some(14)
        );
        assert_eq!(iban_check_digits(b"BE", b"539007547034"), Some(68));
        assert_eq!(iban_check_digits(b"DE", b"3704 0044"), None);
    }

    proptest! {
        #[test]
        fn the_check_digit_completes_and_one_changed_digit_breaks(
            body in proptest::collection::vec(b'0'..=b'9', 1..20),
            pos in 0usize..21,
            delta in 1u8..10,
        ) {
            let mut digits = body.clone();
            let check = luhn_check_digit(&body).expect("digits");
            digits.push(b'0' + check);
            prop_assert!(luhn_valid(&digits));
            let i = pos % digits.len();
            digits[i] = b'0' + (digits[i] - b'0' + delta) % 10;
            prop_assert!(!luhn_valid(&digits));
        }

        #[test]
        fn iban_check_digits_complete_and_one_changed_character_breaks(
            bban in "[0-9A-Z]{11,30}",
            pos in any::<prop::sample::Index>(),
            delta in 1u8..10,
        ) {
            let check = iban_check_digits(b"GB", bban.as_bytes()).expect("alphanumeric");
            prop_assert!((2..=98).contains(&check));
            let mut iban = format!("GB{check:02}{bban}").into_bytes();
            prop_assert!(iban_mod97_valid(&iban));
            // A digit moved by less than ten changes the number by less than 97 times a power
            // of ten, never a multiple of 97, so the check catches every single-digit error.
            let digits: Vec<usize> = (2..iban.len()).filter(|&i| iban[i].is_ascii_digit()).collect();
            let i = digits[pos.index(digits.len())];
            iban[i] = b'0' + (iban[i] - b'0' + delta) % 10;
            prop_assert!(!iban_mod97_valid(&iban));
        }

        #[test]
        fn mod97_matches_big_integer_arithmetic(n in 0u64..u64::MAX / 10) {
            let text = n.to_string();
            prop_assert_eq!(mod97(text.bytes()), Some(u32::try_from(n % 97).expect("small")));
        }
    }
}
