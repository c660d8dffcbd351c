//! FF1 (NIST SP 800-38G) over AES-256, with the standard's domain floor enforced before the
//! cipher is called. Format-preserving encryption for privet redact's `fpe` operator.

use std::fmt;

use crate::SecretKey;
use aes::Aes256;
use aes::cipher::BlockCipherEncrypt;
use fpe::ff1::{FF1, FlexibleNumeralString, NumeralStringError};

/// Why FF1 refused its input: sizes and positions, never the numerals.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Ff1Error {
    /// FF1 is defined for radixes 2 to 2^16.
    #[error("FF1 radix {radix} is outside 2..=65536")]
    InvalidRadix {
        /// The radix asked for.
        radix: u32,
    },
    /// NIST SP 800-38G requires radix^len >= 1,000,000; smaller domains can be enumerated.
    #[error(
        "FF1 domain too small: {len} symbols of radix {radix} give fewer than the 1,000,000 values NIST SP 800-38G requires"
    )]
    DomainTooSmall {
        /// The radix of the numeral string.
        radix: u32,
        /// The number of symbols.
        len: usize,
    },
    /// A numeral was not below the radix.
    #[error("FF1 symbol at position {position} is not below radix {radix}")]
    SymbolOutOfRange {
        /// The radix of the numeral string.
        radix: u32,
        /// Zero-based position of the offending symbol.
        position: usize,
    },
}

/// NIST SP 800-38G (Revision 1) floor on radix^len: below it the domain can be enumerated.
pub const MIN_DOMAIN: u64 = 1_000_000;

/// Largest radix FF1 is defined for.
const MAX_RADIX: u32 = 1 << 16;

/// Which way a format-preserving transform runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Plaintext to ciphertext.
    Encrypt,
    /// Ciphertext back to plaintext.
    Decrypt,
}

/// FF1 keyed with a privet [`SecretKey`] (AES-256) over numeral strings of one radix.
pub struct Ff1 {
    inner: FF1<Aes256>,
    radix: u32,
}

impl Ff1 {
    /// An FF1 instance for numerals `0..radix`; `radix` must be in `2..=65536`.
    pub fn new(key: &SecretKey, radix: u32) -> Result<Self, Ff1Error> {
        if !(2..=MAX_RADIX).contains(&radix) {
            return Err(Ff1Error::InvalidRadix { radix });
        }
        // The fpe crate only panics on a key of the wrong length, and a SecretKey is always
        // the 32 bytes AES-256 takes.
        let inner = FF1::<Aes256>::new(key.expose(), radix)
            .map_err(|_| Ff1Error::InvalidRadix { radix })?;
        Ok(Self { inner, radix })
    }

    /// The radix this instance was built for.
    pub fn radix(&self) -> u32 {
        self.radix
    }

    /// Encrypts `digits` (each below the radix) under `tweak`; the result has the same length.
    pub fn encrypt(&self, tweak: &[u8], digits: &[u16]) -> Result<Vec<u16>, Ff1Error> {
        self.transform(Direction::Encrypt, tweak, digits)
    }

    /// Inverts [`Ff1::encrypt`] under the same key, radix and tweak.
    pub fn decrypt(&self, tweak: &[u8], digits: &[u16]) -> Result<Vec<u16>, Ff1Error> {
        self.transform(Direction::Decrypt, tweak, digits)
    }

    /// Encrypts or decrypts `digits` under `tweak`, as `direction` says.
    pub fn transform(
        &self,
        direction: Direction,
        tweak: &[u8],
        digits: &[u16],
    ) -> Result<Vec<u16>, Ff1Error> {
        transform(&self.inner, self.radix, direction, tweak, digits)
    }
}

impl fmt::Debug for Ff1 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ff1")
            .field("radix", &self.radix)
            .field("key", &"[redacted]")
            .finish()
    }
}

/// Whether `len` numerals of `radix` span at least [`MIN_DOMAIN`] values.
pub(crate) fn meets_floor(radix: u32, len: usize) -> bool {
    let mut domain: u64 = 1;
    for _ in 0..len {
        domain = domain.saturating_mul(u64::from(radix));
        if domain >= MIN_DOMAIN {
            return true;
        }
    }
    false
}

/// Generic over the block cipher so the NIST vectors for AES-128 and AES-192 exercise the same
/// checks as production's AES-256.
pub(crate) fn transform<C: BlockCipherEncrypt + Clone>(
    ff1: &FF1<C>,
    radix: u32,
    direction: Direction,
    tweak: &[u8],
    digits: &[u16],
) -> Result<Vec<u16>, Ff1Error> {
    if let Some(position) = digits.iter().position(|&d| u32::from(d) >= radix) {
        return Err(Ff1Error::SymbolOutOfRange { radix, position });
    }
    let len = digits.len();
    if !meets_floor(radix, len) {
        return Err(Ff1Error::DomainTooSmall { radix, len });
    }
    let input = FlexibleNumeralString::from(digits.to_vec());
    let output = match direction {
        Direction::Encrypt => ff1.encrypt(tweak, &input),
        Direction::Decrypt => ff1.decrypt(tweak, &input),
    };
    output.map(Vec::from).map_err(|err| match err {
        NumeralStringError::InvalidForRadix(_) => Ff1Error::SymbolOutOfRange { radix, position: 0 },
        NumeralStringError::TooShort { .. } | NumeralStringError::TooLong { .. } => {
            Ff1Error::DomainTooSmall { radix, len }
        }
    })
}

#[cfg(test)]
mod tests {
    use aes::{Aes128, Aes192};

    use super::*;

    const KEY_128: &str = "2B7E151628AED2A6ABF7158809CF4F3C";
    const KEY_192: &str = "2B7E151628AED2A6ABF7158809CF4F3CEF4359D8D580AA4F";
    const KEY_256: &str = "2B7E151628AED2A6ABF7158809CF4F3CEF4359D8D580AA4F7F036D6F04FC6A94";
    const TWEAK_10: &str = "39383736353433323130";
    const TWEAK_36: &str = "3737373770717273373737";
    const PT_10: &str = "0123456789";
    const PT_36: &str = "0123456789abcdefghi";

    /// NIST SP 800-38G FF1 samples 1-9 (csrc.nist.gov FF1samples.pdf):
    /// (sample, key, radix, tweak, plaintext, ciphertext).
    const SAMPLES: [(u8, &str, u32, &str, &str, &str); 9] = [
        (1, KEY_128, 10, "", PT_10, "2433477484"),
        (2, KEY_128, 10, TWEAK_10, PT_10, "6124200773"),
        (3, KEY_128, 36, TWEAK_36, PT_36, "a9tv40mll9kdu509eum"),
        (4, KEY_192, 10, "", PT_10, "2830668132"),
        (5, KEY_192, 10, TWEAK_10, PT_10, "2496655549"),
        (6, KEY_192, 36, TWEAK_36, PT_36, "xbj3kv35jrawxv32ysr"),
        (7, KEY_256, 10, "", PT_10, "6657667009"),
        (8, KEY_256, 10, TWEAK_10, PT_10, "1001623463"),
        (9, KEY_256, 36, TWEAK_36, PT_36, "xs8a0azh2avyalyzuwd"),
    ];

    fn hex(text: &str) -> Vec<u8> {
        (0..text.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
            .collect()
    }

    fn numerals(text: &str) -> Vec<u16> {
        text.chars()
            .map(|c| c.to_digit(36).unwrap() as u16)
            .collect()
    }

    fn check<C: BlockCipherEncrypt + Clone + aes::cipher::KeyInit>(
        sample: u8,
        key: &[u8],
        radix: u32,
        tweak: &[u8],
        pt: &[u16],
        ct: &[u16],
    ) {
        let ff1 = FF1::<C>::new(key, radix).unwrap();
        let got = transform(&ff1, radix, Direction::Encrypt, tweak, pt).unwrap();
        assert_eq!(got, ct, "sample {sample} encrypt");
        let back = transform(&ff1, radix, Direction::Decrypt, tweak, ct).unwrap();
        assert_eq!(back, pt, "sample {sample} decrypt");
    }

    #[test]
    fn nist_samples_1_to_9() {
        for (sample, key, radix, tweak, pt, ct) in SAMPLES {
            let (key, tweak, pt, ct) = (hex(key), hex(tweak), numerals(pt), numerals(ct));
            match key.len() {
                16 => check::<Aes128>(sample, &key, radix, &tweak, &pt, &ct),
                24 => check::<Aes192>(sample, &key, radix, &tweak, &pt, &ct),
                _ => {
                    check::<Aes256>(sample, &key, radix, &tweak, &pt, &ct);
                    let secret = SecretKey::from_bytes(key.try_into().unwrap());
                    let ff1 = Ff1::new(&secret, radix).unwrap();
                    assert_eq!(ff1.encrypt(&tweak, &pt).unwrap(), ct, "sample {sample}");
                }
            }
        }
    }

    #[test]
    fn floor_is_radix_to_the_len() {
        assert!(!meets_floor(10, 5));
        assert!(meets_floor(10, 6));
        assert!(!meets_floor(36, 3));
        assert!(meets_floor(36, 4));
        assert!(!meets_floor(2, 19));
        assert!(meets_floor(2, 20));
        assert!(!meets_floor(65536, 1));
        assert!(meets_floor(65536, 2));
        assert!(!meets_floor(10, 0));
    }

    #[test]
    fn debug_hides_the_key() {
        let ff1 = Ff1::new(&SecretKey::from_bytes([9; 32]), 10).unwrap();
        assert_eq!(
            format!("{ff1:?}"),
            r#"Ff1 { radix: 10, key: "[redacted]" }"#
        );
    }
}
