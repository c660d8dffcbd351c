//! Integration tests of privet-deid's public API, one binary for the whole crate.

mod deid {
    mod alphabet;
    mod fake;
    mod ff1;
    mod kanon;
    mod ops;
}

use privet_crypto::SecretKey;

/// A fixed key, so known-answer tests pin outputs across runs and releases.
pub fn key() -> SecretKey {
    SecretKey::from_bytes(std::array::from_fn(|i| i as u8))
}
