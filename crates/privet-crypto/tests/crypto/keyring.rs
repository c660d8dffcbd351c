use std::collections::{BTreeMap, BTreeSet};

use privet_crypto::{CryptoError, MasterKeyring, SecretKey, WrappedKey};
use proptest::prelude::*;

fn two_versions() -> MasterKeyring {
    let keys = BTreeMap::from([
        (1, SecretKey::from_bytes([1; 32])),
        (2, SecretKey::from_bytes([2; 32])),
    ]);
    MasterKeyring::new(keys, BTreeSet::new()).expect("valid keyring")
}

proptest! {
    #[test]
    fn wrap_unwrap_round_trip(bytes: [u8; 32], context in prop::collection::vec(any::<u8>(), 0..64)) {
        let ring = two_versions();
        let key = SecretKey::from_bytes(bytes);
        let wrapped = ring.wrap(&key, &context).unwrap();
        prop_assert_eq!(wrapped.kek_version, 2);
        let unwrapped = ring.unwrap(&wrapped, &context).unwrap();
        prop_assert_eq!(unwrapped.expose(), &bytes);
    }

    #[test]
    fn altered_wrapped_key_fails(index: prop::sample::Index, bit in 0u8..8) {
        let ring = two_versions();
        let mut wrapped = ring.wrap(&SecretKey::generate().unwrap(), b"s1").unwrap();
        let at = index.index(wrapped.bytes.len());
        wrapped.bytes[at] ^= 1 << bit;
        prop_assert!(matches!(ring.unwrap(&wrapped, b"s1"), Err(CryptoError::Integrity)));
    }
}

#[test]
fn older_version_still_unwraps() {
    let old = MasterKeyring::single(SecretKey::from_bytes([1; 32]));
    let key = SecretKey::generate().unwrap();
    let wrapped = old.wrap(&key, b"subject").unwrap();
    assert_eq!(wrapped.kek_version, 1);
    let ring = two_versions();
    assert_eq!(
        ring.unwrap(&wrapped, b"subject").unwrap().expose(),
        key.expose()
    );
    assert!(ring.needs_rewrap(&wrapped));
    let rewrapped = ring
        .wrap(&ring.unwrap(&wrapped, b"subject").unwrap(), b"subject")
        .unwrap();
    assert!(!ring.needs_rewrap(&rewrapped));
}

#[test]
fn retired_and_unknown_versions_are_refused() {
    let keys = BTreeMap::from([(2, SecretKey::from_bytes([2; 32]))]);
    let ring = MasterKeyring::new(keys, BTreeSet::from([1])).unwrap();
    let wrapped = WrappedKey {
        kek_version: 1,
        bytes: vec![0; 60],
    };
    assert!(matches!(
        ring.unwrap(&wrapped, b""),
        Err(CryptoError::RetiredKeyVersion(1))
    ));
    let wrapped = WrappedKey {
        kek_version: 3,
        ..wrapped
    };
    assert!(matches!(
        ring.unwrap(&wrapped, b""),
        Err(CryptoError::UnknownKeyVersion(3))
    ));
}
