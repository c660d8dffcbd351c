use ring::{digest, hmac};
use subtle::ConstantTimeEq as _;

use crate::SecretKey;

/// Length of every digest and MAC this module returns.
pub const DIGEST_LEN: usize = 32;

fn to_array(bytes: &[u8]) -> [u8; DIGEST_LEN] {
    let mut out = [0u8; DIGEST_LEN];
    out.copy_from_slice(bytes);
    out
}

/// SHA-256 of `data`.
pub fn sha256(data: &[u8]) -> [u8; DIGEST_LEN] {
    to_array(digest::digest(&digest::SHA256, data).as_ref())
}

/// Plain HMAC-SHA256 with a key of any length (RFC 2104).
pub fn hmac_sha256(key: &[u8], data: &[u8]) -> [u8; DIGEST_LEN] {
    to_array(hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, key), data).as_ref())
}

/// Domain-separated HMAC-SHA256: the MAC input is `u64be(len(domain)) || domain || data`, so
/// one key can serve several uses (blind index per field, API-key hash) without collisions
/// between them. The layout is persisted in stores: never change it.
pub fn mac(key: &SecretKey, domain: &[u8], data: &[u8]) -> [u8; DIGEST_LEN] {
    let key = hmac::Key::new(hmac::HMAC_SHA256, key.expose());
    let mut ctx = hmac::Context::with_key(&key);
    ctx.update(&(domain.len() as u64).to_be_bytes());
    ctx.update(domain);
    ctx.update(data);
    to_array(ctx.sign().as_ref())
}

/// Equality whose running time does not depend on where the inputs differ (it does depend on
/// whether the lengths differ).
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_abc() {
        let expected = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        assert_eq!(hex(&sha256(b"abc")), expected);
    }

    #[test]
    fn mac_separates_domains() {
        let key = SecretKey::from_bytes([7; 32]);
        assert_ne!(mac(&key, b"email", b"x"), mac(&key, b"phone", b"x"));
        // Without the length prefix these two would feed identical bytes to HMAC.
        assert_ne!(mac(&key, b"ab", b"c"), mac(&key, b"a", b"bc"));
        assert_eq!(mac(&key, b"email", b"x"), mac(&key, b"email", b"x"));
    }

    #[test]
    fn ct_eq_compares() {
        assert!(ct_eq(b"abc", b"abc"));
        assert!(!ct_eq(b"abc", b"abd"));
        assert!(!ct_eq(b"abc", b"ab"));
        assert!(ct_eq(b"", b""));
    }

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// The signature of a webhook body sent at `timestamp` (Unix seconds): hex HMAC-SHA256 under
/// `secret` of `"{timestamp}.{body}"`, as receivers of Stripe-style signatures check it. The
/// timestamp inside the MAC lets a receiver refuse replays.
pub fn webhook_signature(secret: &[u8], timestamp: i64, body: &[u8]) -> String {
    let mut signed = format!("{timestamp}.").into_bytes();
    signed.extend_from_slice(body);
    hmac_sha256(secret, &signed)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod webhook_tests {
    use super::webhook_signature;

    #[test]
    fn the_timestamp_and_a_dot_come_before_the_body() {
        // Python: hmac.new(b"Jefe", b"1700000000.{}", hashlib.sha256).hexdigest()
        assert_eq!(
            webhook_signature(b"Jefe", 1_700_000_000, b"{}"),
            "d3793e2b4103edfbd98cc19591832f5fad701d413db9fcae0ae7dab8184ed207"
        );
    }
}
