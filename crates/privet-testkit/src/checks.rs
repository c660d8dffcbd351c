//! The standard checks a labeled value must pass (and a negative must fail).
//!
//! The generator's tests run every labeled span through these, so a corpus
//! never labels an invalid value. They follow the published rules (ISO/IEC
//! 7812 Luhn, ISO 13616 mod-97, SSA reserved ranges), not the generator; the
//! check-digit arithmetic itself is privet-types' one copy.

use privet_types::checks;

/// True when the digits of `s` (spaces and dashes ignored) pass the Luhn check.
/// Any other character makes it false.
pub fn luhn_valid(s: &str) -> bool {
    let digits: Vec<u8> = s.bytes().filter(|b| !matches!(b, b' ' | b'-')).collect();
    checks::luhn_valid(&digits)
}

/// The Luhn check digit that completes `payload` (digits only).
pub(crate) fn luhn_check_digit(payload: &str) -> u8 {
    checks::luhn_check_digit(payload.as_bytes()).unwrap_or(0)
}

/// True when `s` (spaces ignored) is an IBAN whose mod-97 check holds and whose
/// length is the registered one for its country (for the countries listed in
/// [`iban_length`]).
pub fn iban_valid(s: &str) -> bool {
    let compact: Vec<u8> = s.bytes().filter(|b| *b != b' ').collect();
    if compact.len() < 15 || compact.len() > 34 {
        return false;
    }
    let country = match std::str::from_utf8(&compact[..2]) {
        Ok(c) => c,
        Err(_) => return false,
    };
    if iban_length(country).is_some_and(|len| len != compact.len()) {
        return false;
    }
    if !compact[..2].iter().all(u8::is_ascii_uppercase)
        || !compact[2..4].iter().all(u8::is_ascii_digit)
    {
        return false;
    }
    let rearranged = compact[4..].iter().chain(compact[..4].iter()).copied();
    checks::mod97(rearranged) == Some(1)
}

/// The two IBAN check digits for `country` and `bban`.
pub(crate) fn iban_check_digits(country: &str, bban: &str) -> u32 {
    u32::from(checks::iban_check_digits(country.as_bytes(), bban.as_bytes()).unwrap_or(0))
}

/// The registered IBAN length for the countries the corpus uses.
pub fn iban_length(country: &str) -> Option<usize> {
    Some(match country {
        "DE" | "GB" => 22,
        "FR" | "IT" => 27,
        "ES" => 24,
        "NL" => 18,
        "BE" => 16,
        "CH" => 21,
        "AT" => 20,
        "PL" => 28,
        "NO" => 15,
        "SE" => 24,
        "IE" => 22,
        "PT" => 25,
        _ => return None,
    })
}

/// True when `s` is `AAA-GG-SSSS`, `AAA GG SSSS` or nine digits in the ranges
/// the SSA assigns: area not 000, 666 or 900-999; group not 00; serial not 0000.
pub fn ssn_valid(s: &str) -> bool {
    let digits: String = s.chars().filter(char::is_ascii_digit).collect();
    let shape_ok = match s.len() {
        9 => s.bytes().all(|b| b.is_ascii_digit()),
        11 => {
            let b = s.as_bytes();
            (b[3] == b'-' && b[6] == b'-') || (b[3] == b' ' && b[6] == b' ')
        }
        _ => false,
    };
    if !shape_ok || digits.len() != 9 {
        return false;
    }
    let area = &digits[..3];
    let group = &digits[3..5];
    let serial = &digits[5..];
    area != "000" && area != "666" && !area.starts_with('9') && group != "00" && serial != "0000"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn_known_values() {
        assert!(luhn_valid("4111 1111 1111 1111"));
        assert!(luhn_valid("378282246310005"));
        assert!(luhn_valid("2223-0031-2200-3222"));
        assert!(!luhn_valid("4111 1111 1111 1112"));
        assert!(!luhn_valid("4111x1111"));
        assert!(!luhn_valid("0"));
    }

    #[test]
    fn luhn_check_digit_completes() {
        assert_eq!(luhn_check_digit("411111111111111"), 1);
        assert_eq!(luhn_check_digit("37828224631000"), 5);
    }

    #[test]
    fn iban_known_values() {
        assert!(iban_valid("DE89 3704 0044 0532 0130 00"));
        assert!(iban_valid("GB29NWBK60161331926819"));
        assert!(iban_valid("BE68539007547034"));
        assert!(!iban_valid("DE88 3704 0044 0532 0130 00"));
        assert!(!iban_valid("DE89 3704 0044 0532 0130 0"));
        assert!(!iban_valid("de89370400440532013000"));
    }

    #[test]
    fn check_digits_match_known() {
        assert_eq!(iban_check_digits("DE", "370400440532013000"), 89);
        assert_eq!(iban_check_digits("GB", "NWBK60161331926819"), 29);
    }

    #[test]
    fn ssn_rules() {
        assert!(ssn_valid("123-45-6789"));
        assert!(ssn_valid("123 45 6789"));
        assert!(ssn_valid("123456789"));
        for bad in [
            "000-12-3456",
            "666-12-3456",
            "901-12-3456",
            "123-00-4567",
            "123-45-0000",
            "123-456-789",
            "12-345-6789",
        ] {
            assert!(!ssn_valid(bad), "{bad}");
        }
    }

    mod props {
        use super::super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn check_digit_completes_and_any_single_digit_change_breaks_it(
                payload in "[0-9]{12,18}", pos in any::<prop::sample::Index>(), bump in 1u8..10,
            ) {
                let full = format!("{payload}{}", luhn_check_digit(&payload));
                prop_assert!(luhn_valid(&full));
                let i = pos.index(full.len());
                let mut bytes = full.into_bytes();
                bytes[i] = b'0' + (bytes[i] - b'0' + bump) % 10;
                prop_assert!(!luhn_valid(std::str::from_utf8(&bytes).expect("ascii")));
            }

            #[test]
            fn iban_check_digits_validate_and_a_changed_character_fails(
                bban in "[0-9]{18}", pos in any::<prop::sample::Index>(), bump in 1u8..10,
            ) {
                let iban = format!("DE{:02}{bban}", iban_check_digits("DE", &bban));
                prop_assert!(iban_valid(&iban));
                let i = 4 + pos.index(18);
                let mut bytes = iban.into_bytes();
                bytes[i] = b'0' + (bytes[i] - b'0' + bump) % 10;
                prop_assert!(!iban_valid(std::str::from_utf8(&bytes).expect("ascii")));
            }

            #[test]
            fn ssn_check_agrees_with_the_rules(a in 0u32..1000, g in 0u32..100, s in 0u32..10000) {
                let expected = a != 0 && a != 666 && a < 900 && g != 0 && s != 0;
                prop_assert_eq!(ssn_valid(&format!("{a:03}-{g:02}-{s:04}")), expected);
            }

            #[test]
            fn checks_never_panic(s in "\\PC{0,40}") {
                let _ = (luhn_valid(&s), iban_valid(&s), ssn_valid(&s));
            }
        }
    }
}
