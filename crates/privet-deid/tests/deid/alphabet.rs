use privet_deid::{DeidError, Direction, Ff1, fpe_string};
use proptest::prelude::*;

use crate::key;

#[test]
fn a_card_keeps_sixteen_digits_and_its_spaces() {
    let ff1 = Ff1::new(&key(), 10).unwrap();
    let card = "4111 1111 1111 1111";
    let enc = fpe_string(&ff1, b"card_number", card, Direction::Encrypt).unwrap();
    assert_ne!(enc, card);
    assert_eq!(enc.len(), card.len());
    assert_eq!(enc.chars().filter(char::is_ascii_digit).count(), 16);
    for i in [4, 9, 14] {
        assert_eq!(enc.as_bytes()[i], b' ');
    }
    assert_eq!(
        fpe_string(&ff1, b"card_number", &enc, Direction::Decrypt).unwrap(),
        card
    );
    // The tweak is per column: another column encrypts the same card differently.
    assert_ne!(
        fpe_string(&ff1, b"other", card, Direction::Encrypt).unwrap(),
        enc
    );
}

#[test]
fn short_values_are_refused() {
    let ff1 = Ff1::new(&key(), 10).unwrap();
    assert_eq!(
        fpe_string(&ff1, b"", "12/34", Direction::Encrypt),
        Err(DeidError::EncryptablePartTooSmall {
            digits: 4,
            letters: 0
        })
    );
    assert_eq!(
        fpe_string(&ff1, b"", "", Direction::Encrypt),
        Err(DeidError::EncryptablePartTooSmall {
            digits: 0,
            letters: 0
        })
    );
}

fn formatted() -> impl Strategy<Value = String> {
    let chars: Vec<char> = ('0'..='9')
        .chain('a'..='z')
        .chain('A'..='Z')
        .chain([' ', '-', '.', '@', '/', '+'])
        .collect();
    prop::collection::vec(prop::sample::select(chars), 0..40)
        .prop_map(|chars| chars.into_iter().collect())
}

proptest! {
    #[test]
    fn strings_round_trip_and_keep_their_shape(
        value in formatted(),
        radix in prop::sample::select(vec![10u32, 36, 62]),
    ) {
        let ff1 = Ff1::new(&key(), radix).unwrap();
        match fpe_string(&ff1, b"col", &value, Direction::Encrypt) {
            Ok(enc) => {
                prop_assert_eq!(enc.len(), value.len());
                for (a, b) in value.chars().zip(enc.chars()) {
                    prop_assert_eq!(a.is_ascii_digit(), b.is_ascii_digit());
                    prop_assert_eq!(a.is_ascii_uppercase(), b.is_ascii_uppercase());
                    prop_assert_eq!(a.is_ascii_lowercase(), b.is_ascii_lowercase());
                    if !a.is_ascii_alphanumeric() {
                        prop_assert_eq!(a, b);
                    }
                }
                let dec = fpe_string(&ff1, b"col", &enc, Direction::Decrypt).unwrap();
                prop_assert_eq!(dec, value);
            }
            Err(DeidError::EncryptablePartTooSmall { digits, letters }) => {
                let domain = 10f64.powi(digits as i32) * 26f64.powi(letters as i32);
                prop_assert!(domain < 1_000_000.0);
            }
            Err(other) => prop_assert!(false, "unexpected {other}"),
        }
    }
}
