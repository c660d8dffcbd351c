use std::collections::{BTreeMap, BTreeSet};

use privet_crypto::{MasterKeyring, SecretKey};

/// Renderings of a key whose bytes are all 0x5a, in the forms Debug output could leak them.
const LEAKS: [&str; 4] = ["90", "5a", "5A", "Wlpa"];

fn assert_no_leak(shown: &str) {
    for leak in LEAKS {
        assert!(!shown.contains(leak), "{shown} contains {leak}");
    }
}

#[test]
fn secret_key_debug_is_redacted() {
    let key = SecretKey::from_bytes([0x5a; 32]);
    assert_eq!(format!("{key:?}"), "SecretKey([redacted])");
    assert_no_leak(&format!("{key:#?}"));
}

#[test]
fn keyring_debug_shows_no_key_bytes() {
    let keys = BTreeMap::from([
        (1, SecretKey::from_bytes([0x5a; 32])),
        (3, SecretKey::from_bytes([0x5a; 32])),
    ]);
    let ring = MasterKeyring::new(keys, BTreeSet::from([2])).unwrap();
    let shown = format!("{ring:?}");
    assert_no_leak(&shown);
    assert_no_leak(&format!("{ring:#?}"));
    assert!(shown.contains("active: 3"), "{shown}");
}
