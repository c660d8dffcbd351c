//! Card numbers for the vault and server suites, and the display rule they check a card
//! against (PCI DSS: at most the first six and the last four digits ever shown).

/// A Visa test number that passes the Luhn check.
pub const VISA: &str = "4111111111111111";

/// The Luhn check on a string of bare digits (privet-types' one copy).
pub fn luhn(digits: &str) -> bool {
    privet_types::checks::luhn_valid(digits.as_bytes())
}

/// A 16-digit card number passing Luhn, distinct for each `n`.
pub fn card_number(n: u32) -> String {
    let body = format!("45{n:013}");
    let check = privet_types::checks::luhn_check_digit(body.as_bytes()).unwrap_or(0);
    format!("{body}{check}")
}

/// Asserts that `masked` shows at most the first six and last four digits of `card` (its
/// separators ignored), each in its place, and is not the card itself.
pub fn assert_card_masked(masked: &str, card: &str) {
    let digits: String = card.chars().filter(char::is_ascii_digit).collect();
    assert_ne!(masked, digits, "card shown in clear");
    let n = digits.len();
    assert_eq!(masked.chars().count(), n, "{masked}");
    for (i, (m, d)) in masked.chars().zip(digits.chars()).enumerate() {
        if m.is_ascii_digit() {
            assert!(i < 6 || i >= n - 4, "digit {i} shown in {masked}");
            assert_eq!(m, d, "{masked}");
        }
    }
    assert!(masked.chars().filter(char::is_ascii_digit).count() <= 10);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn card_numbers_pass_luhn_and_differ() {
        assert!(luhn(VISA));
        assert!(luhn(&card_number(0)) && luhn(&card_number(7)));
        assert_ne!(card_number(0), card_number(1));
        assert_eq!(card_number(3).len(), 16);
    }

    #[test]
    fn bin_and_last_four_pass_the_mask_check() {
        assert_card_masked("411111******1111", VISA);
        assert_card_masked("************1111", "4111 1111 1111 1111");
    }

    #[test]
    #[should_panic(expected = "digit 6 shown")]
    fn a_seventh_digit_fails_the_mask_check() {
        assert_card_masked("4111111*****1111", VISA);
    }
}
