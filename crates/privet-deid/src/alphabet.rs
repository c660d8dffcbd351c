//! Format-preserving encryption of whole strings: digits stay digits, letters stay letters of
//! the same case, and ASCII punctuation and whitespace (space, '-', '.', '@', '/', ...) stay
//! where they are.
//!
//! The digits and letters of a value are read as one mixed-radix number (10 per digit, 26 per
//! letter), so the domain is the whole encryptable part, not each class alone. That number is
//! written in the FF1 instance's radix using just enough numerals to hold it, encrypted, and
//! cycle-walked (re-encrypted until it falls back inside the domain). For an all-digit value
//! under radix 10 the domain is exactly 10^len, no walk happens, and the result is plain FF1 of
//! the digits.

use crate::DeidError;
use privet_crypto::ff1::{Direction, Ff1, MIN_DOMAIN};

const DIGIT_RADIX: u32 = 10;
const LETTER_RADIX: u32 = 26;

#[derive(Clone, Copy)]
enum Class {
    Digit,
    Upper,
    Lower,
}

impl Class {
    fn radix(self) -> u32 {
        match self {
            Class::Digit => DIGIT_RADIX,
            Class::Upper | Class::Lower => LETTER_RADIX,
        }
    }

    fn base(self) -> u8 {
        match self {
            Class::Digit => b'0',
            Class::Upper => b'A',
            Class::Lower => b'a',
        }
    }
}

/// Encrypts or decrypts the digits and letters of `value`, keeping its length, the class and case
/// of every character and the position of every separator.
///
/// Fails with [`DeidError::EncryptablePartTooSmall`] when the digits and letters span fewer
/// than 1,000,000 values, and with [`DeidError::UnsupportedCharacter`] on non-ASCII text.
pub fn fpe_string(
    ff1: &Ff1,
    tweak: &[u8],
    value: &str,
    direction: Direction,
) -> Result<String, DeidError> {
    let mut classes = Vec::new();
    let mut symbols = Vec::new();
    for (position, c) in value.chars().enumerate() {
        let class = match c {
            '0'..='9' => Class::Digit,
            'A'..='Z' => Class::Upper,
            'a'..='z' => Class::Lower,
            c if c.is_ascii_punctuation() || c.is_ascii_whitespace() => continue,
            _ => return Err(DeidError::UnsupportedCharacter { position }),
        };
        classes.push(class);
        // The match above guarantees `c` is ASCII at or after the class's base.
        symbols.push(u32::from(c as u8 - class.base()));
    }
    let radices: Vec<u32> = classes.iter().map(|c| c.radix()).collect();
    check_domain(&radices)?;

    let symbols = walk(ff1, tweak, direction, &radices, &symbols)?;

    let mut next = classes.iter().zip(symbols);
    let out = value
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                next.next()
                    .map_or(c, |(class, symbol)| char::from(class.base() + symbol as u8))
            } else {
                c
            }
        })
        .collect();
    Ok(out)
}

fn check_domain(radices: &[u32]) -> Result<(), DeidError> {
    let mut domain: u64 = 1;
    for &radix in radices {
        domain = domain.saturating_mul(u64::from(radix));
    }
    if domain >= MIN_DOMAIN {
        return Ok(());
    }
    let digits = radices.iter().filter(|&&r| r == DIGIT_RADIX).count();
    Err(DeidError::EncryptablePartTooSmall {
        digits,
        letters: radices.len() - digits,
    })
}

/// Applies FF1 to the mixed-radix number `symbols` and cycle-walks until the result is again
/// below the product of `radices`. Walking terminates because FF1 is a permutation: the cycle
/// through the starting value returns inside the domain at the latest at that value itself.
fn walk(
    ff1: &Ff1,
    tweak: &[u8],
    direction: Direction,
    radices: &[u32],
    symbols: &[u32],
) -> Result<Vec<u32>, DeidError> {
    let base = ff1.radix();
    let largest: Vec<u32> = radices.iter().map(|r| r - 1).collect();
    let width = from_mixed(base, radices, &largest).len().max(1);
    let mut numerals = to_numerals(&from_mixed(base, radices, symbols), width);
    loop {
        numerals = ff1.transform(direction, tweak, &numerals)?;
        if let Some(symbols) = to_mixed(base, radices, &numerals) {
            return Ok(symbols);
        }
    }
}

/// The mixed-radix number as little-endian limbs in `base`, without leading zero limbs.
fn from_mixed(base: u32, radices: &[u32], symbols: &[u32]) -> Vec<u32> {
    let mut limbs = Vec::new();
    for (&radix, &symbol) in radices.iter().zip(symbols) {
        mul_add(&mut limbs, base, radix, symbol);
    }
    limbs
}

/// Splits big-endian `numerals` back into the mixed radix, or `None` when the number is at
/// least the product of `radices` (outside the domain).
fn to_mixed(base: u32, radices: &[u32], numerals: &[u16]) -> Option<Vec<u32>> {
    let mut limbs: Vec<u32> = numerals.iter().rev().map(|&n| u32::from(n)).collect();
    let mut symbols = vec![0; radices.len()];
    for (slot, &radix) in symbols.iter_mut().zip(radices).rev() {
        *slot = div_rem(&mut limbs, base, radix);
    }
    limbs.iter().all(|&l| l == 0).then_some(symbols)
}

/// Big-endian numerals of exactly `width` digits (the limbs never exceed it by construction).
fn to_numerals(limbs: &[u32], width: usize) -> Vec<u16> {
    let mut numerals: Vec<u16> = limbs.iter().map(|&l| l as u16).collect();
    numerals.resize(width, 0);
    numerals.reverse();
    numerals
}

/// `limbs = limbs * mul + add`, in `base`.
fn mul_add(limbs: &mut Vec<u32>, base: u32, mul: u32, add: u32) {
    let base = u64::from(base);
    let mut carry = u64::from(add);
    for limb in limbs.iter_mut() {
        let t = u64::from(*limb) * u64::from(mul) + carry;
        *limb = (t % base) as u32;
        carry = t / base;
    }
    while carry > 0 {
        limbs.push((carry % base) as u32);
        carry /= base;
    }
}

/// `limbs /= div` in `base`, returning the remainder.
fn div_rem(limbs: &mut [u32], base: u32, div: u32) -> u32 {
    let (base, div) = (u64::from(base), u64::from(div));
    let mut rem = 0u64;
    for limb in limbs.iter_mut().rev() {
        let t = rem * base + u64::from(*limb);
        *limb = (t / div) as u32;
        rem = t % div;
    }
    rem as u32
}

#[cfg(test)]
mod tests {
    use privet_crypto::SecretKey;

    use super::*;

    fn ff1(radix: u32) -> Ff1 {
        Ff1::new(&SecretKey::from_bytes([3; 32]), radix).unwrap()
    }

    #[test]
    fn all_digits_under_radix_10_is_plain_ff1() {
        let ff1 = ff1(10);
        let out = fpe_string(&ff1, b"card", "4111 1111 1111 1111", Direction::Encrypt).unwrap();
        let digits: Vec<u16> = out
            .bytes()
            .filter(u8::is_ascii_digit)
            .map(|b| u16::from(b - b'0'))
            .collect();
        let direct = ff1
            .encrypt(b"card", &[4, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1])
            .unwrap();
        assert_eq!(digits, direct);
    }

    #[test]
    fn mixed_values_keep_classes_case_and_separators() {
        for radix in [2, 10, 26, 36, 62, 65536] {
            let ff1 = ff1(radix);
            let value = "Ana.Silva-42@Mail.example/x y";
            let enc = fpe_string(&ff1, b"t", value, Direction::Encrypt).unwrap();
            assert_ne!(enc, value);
            assert_eq!(enc.len(), value.len());
            for (a, b) in value.chars().zip(enc.chars()) {
                assert_eq!(a.is_ascii_digit(), b.is_ascii_digit());
                assert_eq!(a.is_ascii_uppercase(), b.is_ascii_uppercase());
                assert_eq!(a.is_ascii_lowercase(), b.is_ascii_lowercase());
                if !a.is_ascii_alphanumeric() {
                    assert_eq!(a, b);
                }
            }
            let dec = fpe_string(&ff1, b"t", &enc, Direction::Decrypt).unwrap();
            assert_eq!(dec, value, "radix {radix}");
        }
    }

    #[test]
    fn the_floor_counts_digits_and_letters_together() {
        let ff1 = ff1(10);
        assert_eq!(
            fpe_string(&ff1, b"", "12-34-5", Direction::Encrypt),
            Err(DeidError::EncryptablePartTooSmall {
                digits: 5,
                letters: 0
            })
        );
        assert_eq!(
            fpe_string(&ff1, b"", "ab-1", Direction::Encrypt),
            Err(DeidError::EncryptablePartTooSmall {
                digits: 1,
                letters: 2
            })
        );
        // 26^3 * 10^2 = 1,757,600 values: enough together though neither class is alone.
        assert!(fpe_string(&ff1, b"", "ab-c12", Direction::Encrypt).is_ok());
        assert!(fpe_string(&ff1, b"", "123456", Direction::Encrypt).is_ok());
    }

    #[test]
    fn non_ascii_is_refused_by_position() {
        assert_eq!(
            fpe_string(&ff1(10), b"", "José 123456", Direction::Encrypt),
            Err(DeidError::UnsupportedCharacter { position: 3 })
        );
    }

    #[test]
    fn mixed_radix_conversion_round_trips() {
        let radices = [10, 26, 26, 10];
        let symbols = [7, 25, 0, 9];
        for base in [2, 7, 10, 36, 65536] {
            let limbs = from_mixed(base, &radices, &symbols);
            let numerals = to_numerals(&limbs, limbs.len() + 2);
            assert_eq!(to_mixed(base, &radices, &numerals).unwrap(), symbols);
        }
        // 10*26*26*10 = 67,600: one more than the largest value is outside the domain.
        let outside = to_numerals(&from_mixed(10, &[10, 10, 10, 10, 10], &[6, 7, 6, 0, 0]), 5);
        assert!(to_mixed(10, &radices, &outside).is_none());
    }
}
