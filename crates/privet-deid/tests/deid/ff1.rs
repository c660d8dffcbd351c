use privet_crypto::SecretKey;
use privet_deid::{DeidError, Ff1, Ff1Error};
use proptest::prelude::*;

use crate::key;

fn nist_key() -> SecretKey {
    let hex = "2B7E151628AED2A6ABF7158809CF4F3CEF4359D8D580AA4F7F036D6F04FC6A94";
    let bytes: Vec<u8> = (0..64)
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex"))
        .collect();
    SecretKey::from_bytes(bytes.try_into().expect("32 bytes"))
}

fn numerals(text: &str) -> Vec<u16> {
    text.chars()
        .map(|c| c.to_digit(36).expect("base-36 numeral") as u16)
        .collect()
}

/// NIST SP 800-38G samples 7-9 (AES-256) through the public API; samples 1-6 use AES-128 and
/// AES-192 keys, which a privet SecretKey cannot hold, and are checked in the ff1 unit tests.
#[test]
fn nist_aes_256_samples_7_to_9() {
    let key = nist_key();
    let samples: [(u32, &[u8], &str, &str); 3] = [
        (10, b"", "0123456789", "6657667009"),
        (10, b"9876543210", "0123456789", "1001623463"),
        (
            36,
            b"7777pqrs777",
            "0123456789abcdefghi",
            "xs8a0azh2avyalyzuwd",
        ),
    ];
    for (radix, tweak, pt, ct) in samples {
        let ff1 = Ff1::new(&key, radix).unwrap();
        assert_eq!(ff1.encrypt(tweak, &numerals(pt)).unwrap(), numerals(ct));
        assert_eq!(ff1.decrypt(tweak, &numerals(ct)).unwrap(), numerals(pt));
    }
}

#[test]
fn domain_floor_is_enforced() {
    let ff1 = Ff1::new(&key(), 10).unwrap();
    assert_eq!(
        ff1.encrypt(b"", &[1, 2, 3, 4, 5]),
        Err(Ff1Error::DomainTooSmall { radix: 10, len: 5 })
    );
    assert_eq!(
        ff1.decrypt(b"", &[1, 2, 3, 4, 5]),
        Err(Ff1Error::DomainTooSmall { radix: 10, len: 5 })
    );
    assert!(ff1.encrypt(b"", &[1, 2, 3, 4, 5, 6]).is_ok());
    let ff1 = Ff1::new(&key(), 36).unwrap();
    assert_eq!(
        ff1.encrypt(b"", &[1, 2, 3]),
        Err(Ff1Error::DomainTooSmall { radix: 36, len: 3 })
    );
    assert!(ff1.encrypt(b"", &[1, 2, 3, 4]).is_ok());
    let message = DeidError::Ff1(Ff1Error::DomainTooSmall { radix: 10, len: 5 }).to_string();
    assert!(message.contains("1,000,000"), "{message}");
}

#[test]
fn bad_radix_and_symbols_are_refused() {
    assert_eq!(
        Ff1::new(&key(), 1).unwrap_err(),
        Ff1Error::InvalidRadix { radix: 1 }
    );
    assert_eq!(
        Ff1::new(&key(), 65537).unwrap_err(),
        Ff1Error::InvalidRadix { radix: 65537 }
    );
    let ff1 = Ff1::new(&key(), 10).unwrap();
    assert_eq!(ff1.radix(), 10);
    assert_eq!(
        ff1.encrypt(b"", &[1, 2, 3, 10, 5, 6]),
        Err(Ff1Error::SymbolOutOfRange {
            radix: 10,
            position: 3
        })
    );
}

#[test]
fn key_and_tweak_change_the_ciphertext() {
    let digits = [4, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1];
    let a = Ff1::new(&key(), 10).unwrap();
    let b = Ff1::new(&SecretKey::from_bytes([0xee; 32]), 10).unwrap();
    let base = a.encrypt(b"card", &digits).unwrap();
    assert_ne!(base, b.encrypt(b"card", &digits).unwrap());
    assert_ne!(base, a.encrypt(b"pan", &digits).unwrap());
}

fn round_trip(radix: u32, digits: &[u16], tweak: &[u8]) -> Result<(), TestCaseError> {
    let ff1 = Ff1::new(&key(), radix).expect("valid radix");
    let ct = ff1.encrypt(tweak, digits).expect("domain above the floor");
    prop_assert_eq!(ct.len(), digits.len());
    prop_assert!(ct.iter().all(|&d| u32::from(d) < radix));
    let pt = ff1.decrypt(tweak, &ct).expect("domain above the floor");
    prop_assert_eq!(pt, digits);
    Ok(())
}

proptest! {
    #[test]
    fn radix_10_round_trips(
        digits in prop::collection::vec(0u16..10, 6..30),
        tweak in prop::collection::vec(any::<u8>(), 0..16),
    ) {
        round_trip(10, &digits, &tweak)?;
    }

    #[test]
    fn radix_36_round_trips(
        digits in prop::collection::vec(0u16..36, 6..30),
        tweak in prop::collection::vec(any::<u8>(), 0..16),
    ) {
        round_trip(36, &digits, &tweak)?;
    }
}
