use std::fmt;

use base64::Engine as _;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::{CryptoError, random};

/// Length in bytes of every symmetric key in privet.
pub const KEY_LEN: usize = 32;

/// A 256-bit symmetric key. Boxed so moves do not leave copies on the stack; zeroized on drop.
#[derive(Clone)]
pub struct SecretKey(Box<[u8; KEY_LEN]>);

impl SecretKey {
    /// A fresh key from the operating system's CSPRNG.
    pub fn generate() -> Result<Self, CryptoError> {
        let mut key = Box::new([0u8; KEY_LEN]);
        random::fill(&mut key[..])?;
        Ok(Self(key))
    }

    /// Takes ownership of raw key bytes.
    pub fn from_bytes(mut bytes: [u8; KEY_LEN]) -> Self {
        let key = Self(Box::new(bytes));
        bytes.zeroize();
        key
    }

    /// The raw key bytes, for handing to a primitive.
    pub fn expose(&self) -> &[u8; KEY_LEN] {
        &self.0
    }

    /// A key for one use, derived from this one and a caller's `context`: the domain-separated
    /// HMAC-SHA256 [`crate::mac`] of `context` in `domain` under this key. HMAC is a PRF keyed
    /// by a uniformly random key, so the result is a key independent of this one and of every
    /// other domain and context, and nobody without this key can compute it.
    pub fn derive(&self, domain: &[u8], context: &[u8]) -> SecretKey {
        let mut bytes = crate::mac(self, domain, context);
        let key = SecretKey::from_bytes(bytes);
        // `from_bytes` wipes its own copy; this is the one left here.
        bytes.zeroize();
        key
    }
}

impl Drop for SecretKey {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl ZeroizeOnDrop for SecretKey {}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey([redacted])")
    }
}

const fn lenient(alphabet: &'static alphabet::Alphabet) -> GeneralPurpose {
    GeneralPurpose::new(
        alphabet,
        GeneralPurposeConfig::new()
            .with_encode_padding(false)
            .with_decode_padding_mode(DecodePaddingMode::Indifferent),
    )
}

/// base64url without padding: what privet writes.
const URL_SAFE: GeneralPurpose = lenient(&alphabet::URL_SAFE);
/// Standard base64, accepted because `openssl rand -base64 32` produces it.
const STANDARD: GeneralPurpose = lenient(&alphabet::STANDARD);

/// base64url text of a key, as written in key files.
pub(crate) fn encode_key(key: &SecretKey) -> Zeroizing<String> {
    Zeroizing::new(URL_SAFE.encode(key.expose()))
}

/// Parses base64url or standard base64 key text. The error is a reason without the text itself.
pub(crate) fn decode_key(text: &str) -> Result<SecretKey, String> {
    let bytes = URL_SAFE
        .decode(text)
        .or_else(|_| STANDARD.decode(text))
        .map(Zeroizing::new)
        .map_err(|_| "key is not valid base64".to_owned())?;
    let array: [u8; KEY_LEN] = bytes
        .as_slice()
        .try_into()
        .map_err(|_| format!("key is {} bytes, expected {KEY_LEN}", bytes.len()))?;
    Ok(SecretKey::from_bytes(array))
}

/// base64url text without padding, for tokens.
pub(crate) fn encode_url_safe(bytes: &[u8]) -> String {
    URL_SAFE.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted() {
        let key = SecretKey::from_bytes([0xab; KEY_LEN]);
        let shown = format!("{key:?}");
        assert_eq!(shown, "SecretKey([redacted])");
        assert!(!shown.to_lowercase().contains("ab,"));
    }

    #[test]
    fn derived_keys_depend_on_key_domain_and_context() {
        let key = SecretKey::from_bytes([1; KEY_LEN]);
        let a = key.derive(b"d", b"ctx");
        assert_eq!(a.expose(), key.derive(b"d", b"ctx").expose());
        assert_eq!(a.expose(), &crate::mac(&key, b"d", b"ctx"));
        for other in [
            key.derive(b"d", b"ctx2"),
            key.derive(b"e", b"ctx"),
            SecretKey::from_bytes([2; KEY_LEN]).derive(b"d", b"ctx"),
        ] {
            assert_ne!(a.expose(), other.expose());
        }
    }

    #[test]
    fn key_text_round_trips_in_both_alphabets() {
        let key = SecretKey::generate().unwrap();
        let text = encode_key(&key);
        assert_eq!(text.len(), 43);
        assert_eq!(decode_key(&text).unwrap().expose(), key.expose());
        let standard = STANDARD.encode(key.expose());
        assert_eq!(decode_key(&standard).unwrap().expose(), key.expose());
        let padded = format!("{}=", text.as_str());
        assert_eq!(decode_key(&padded).unwrap().expose(), key.expose());
    }

    #[test]
    fn wrong_length_and_garbage_are_refused() {
        assert_eq!(
            decode_key(&URL_SAFE.encode([1u8; 31])).unwrap_err(),
            "key is 31 bytes, expected 32"
        );
        assert_eq!(
            decode_key("not base64 !").unwrap_err(),
            "key is not valid base64"
        );
    }

    #[test]
    fn generated_keys_differ() {
        assert_ne!(
            SecretKey::generate().unwrap().expose(),
            SecretKey::generate().unwrap().expose()
        );
    }
}
