//! Synthetic card numbers: valid Luhn, 16 digits, distinct per index.
//!
//! The 14 digits after the leading `4` are an affine map of the index,
//! `(mul * n + add) mod 10^14`, with `mul` coprime to 10: a bijection, so the
//! first 10^14 indices never repeat a number. The seed picks `mul` and `add`,
//! so runs with different seeds draw different numbers.

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

/// How many distinct account parts there are (14 free digits).
const SPACE: u64 = 100_000_000_000_000;

/// A seeded source of distinct, Luhn-valid 16-digit card numbers.
#[derive(Clone, Copy)]
pub struct CardNumbers {
    mul: u64,
    add: u64,
}

impl CardNumbers {
    /// A generator whose sequence is fixed by `seed`.
    pub fn new(seed: u64) -> Self {
        let mut rng = SmallRng::seed_from_u64(seed);
        let mul = loop {
            let m = rng.random_range(1..SPACE);
            if !m.is_multiple_of(2) && !m.is_multiple_of(5) {
                break m;
            }
        };
        let add = rng.random_range(0..SPACE);
        Self { mul, add }
    }

    /// The `n`th card number of this sequence.
    pub fn nth(&self, n: u64) -> String {
        let account = (u128::from(self.mul) * u128::from(n % SPACE) + u128::from(self.add))
            % u128::from(SPACE);
        let mut digits = format!("4{account:014}");
        let check = privet_types::checks::luhn_check_digit(digits.as_bytes()).unwrap_or(0);
        digits.push(char::from(b'0' + check));
        digits
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashSet;

    fn luhn_valid(number: &str) -> bool {
        privet_types::checks::luhn_valid(number.as_bytes())
    }

    #[test]
    fn numbers_are_distinct_within_a_sequence() {
        let cards = CardNumbers::new(7);
        let seen: HashSet<String> = (0..20_000).map(|n| cards.nth(n)).collect();
        assert_eq!(seen.len(), 20_000);
    }

    #[test]
    fn seeds_give_different_sequences() {
        assert_ne!(CardNumbers::new(1).nth(0), CardNumbers::new(2).nth(0));
        assert_eq!(CardNumbers::new(3).nth(9), CardNumbers::new(3).nth(9));
    }

    proptest! {
        #[test]
        fn every_number_is_a_valid_16_digit_visa(seed in any::<u64>(), n in any::<u64>()) {
            let card = CardNumbers::new(seed).nth(n);
            prop_assert_eq!(card.len(), 16);
            prop_assert!(card.starts_with('4'));
            prop_assert!(card.bytes().all(|b| b.is_ascii_digit()));
            prop_assert!(luhn_valid(&card), "{}", card);
        }
    }
}
