//! How `fpe` keeps de-identified card numbers from passing for real ones.
//!
//! A real card number passes Luhn; by default `fpe` writes its output with the check digit moved
//! by five, so the output fails Luhn (as vault tokens do) and no scanner, payment form or
//! downstream system takes it for a card, while it keeps the issuer prefix and length of a card.
//! Moving the check digit by five is its own inverse, and it sorts every digit string into one of
//! three disjoint classes:
//!
//! - `Card`: passes the card validator (issuer and Luhn);
//! - `Marked`: moving its check digit by five makes it a `Card` (so it fails Luhn);
//! - `Other`: neither.
//!
//! Encryption cycle-walks a `Card` inside `Card` and then marks it; a `Marked` value is unmarked,
//! walked inside `Card` and written as a `Card`; an `Other` value is walked inside `Other`.
//! That is a permutation of the whole domain, so decryption is its mirror and `privet reveal`
//! needs nothing but the key. The only input that comes out Luhn-valid is one that was already a
//! marked (de-identified-looking) number: with a permutation of same-length digit strings some
//! non-card must map onto every card the `Card` inputs vacate, and these are the ones it
//! costs least to choose.

use std::ops::Range;

use privet_types::PiiType;

/// Which of the three classes a value belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CardClass {
    /// Passes the card validator.
    Card,
    /// A card with its check digit moved by five: what default `fpe` writes.
    Marked,
    /// Neither.
    Other,
}

/// The class of `value`.
pub(crate) fn class(value: &str) -> CardClass {
    if is_card(value) {
        CardClass::Card
    } else if is_card(&toggle(value)) {
        CardClass::Marked
    } else {
        CardClass::Other
    }
}

fn is_card(value: &str) -> bool {
    privet_detect::validates(PiiType::CardNumber, value)
}

/// `value` with its last digit moved by five (mod 10); applying it twice gives `value` back.
pub(crate) fn toggle(value: &str) -> String {
    let mut bytes = value.as_bytes().to_vec();
    if let Some(last) = bytes.iter_mut().rev().find(|b| b.is_ascii_digit()) {
        *last = b'0' + (*last - b'0' + 5) % 10;
    }
    // Only an ASCII digit changed, to another ASCII digit.
    String::from_utf8(bytes).unwrap_or_else(|_| value.to_owned())
}

/// The spans of `text` that are marked card numbers: runs of 13 to 19 digits, grouped by single
/// spaces or hyphens, standing alone (no letter or digit either side), whose check digit moved
/// back by five makes a card. `privet reveal` finds default `fpe` output in free text with it,
/// since the detectors rightly see no card there.
pub(crate) fn find_marked(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let starts = bytes[i].is_ascii_digit() && (i == 0 || !bytes[i - 1].is_ascii_alphanumeric());
        if !starts {
            i += 1;
            continue;
        }
        let mut end = i;
        let mut j = i;
        while j < bytes.len() {
            if bytes[j].is_ascii_digit() {
                j += 1;
                end = j;
            } else if (bytes[j] == b' ' || bytes[j] == b'-')
                && bytes.get(j + 1).is_some_and(u8::is_ascii_digit)
            {
                j += 1;
            } else {
                break;
            }
        }
        let alone = bytes.get(end).is_none_or(|b| !b.is_ascii_alphanumeric());
        // The run is ASCII, so its ends are character boundaries.
        if alone && class(&text[i..end]) == CardClass::Marked {
            found.push(i..end);
        }
        i = end.max(i + 1);
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toggle_moves_the_last_digit_by_five_and_back() {
        assert_eq!(toggle("4111 1111 1111 1111"), "4111 1111 1111 1116");
        assert_eq!(toggle("4111111111111116"), "4111111111111111");
        assert_eq!(toggle("123-9"), "123-4");
        assert_eq!(toggle("no digits"), "no digits");
    }

    #[test]
    fn classes_are_disjoint() {
        assert_eq!(class("4111111111111111"), CardClass::Card);
        assert_eq!(class("4111111111111116"), CardClass::Marked);
        assert_eq!(class("4111111111111112"), CardClass::Other);
        assert_eq!(class("5555 5555 5555 4444"), CardClass::Card);
        assert_eq!(class("5555 5555 5555 4449"), CardClass::Marked);
        assert_eq!(class("12345"), CardClass::Other);
    }

    #[test]
    fn marked_cards_are_found_in_text_and_real_ones_are_not() {
        let text = "paid 4111 1111 1111 1116, real 4111111111111111, \
                    other 4111111111111112, x4111111111111116, 5555-5555-5555-4449.";
        let spans: Vec<&str> = find_marked(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(spans, ["4111 1111 1111 1116", "5555-5555-5555-4449"]);
        assert!(find_marked("").is_empty());
        assert!(find_marked("4111111111111116123").is_empty());
    }
}
