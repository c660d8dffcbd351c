use std::fmt;

use zeroize::Zeroize as _;

use crate::key::encode_url_safe;
use crate::{CryptoError, SecretKey, hash, random};

const PREFIX: &str = "pvt_";
const ID_LEN: usize = 12;
/// 32 random bytes in base64url without padding.
const SECRET_LEN: usize = 43;
const TOKEN_LEN: usize = PREFIX.len() + ID_LEN + 1 + SECRET_LEN;
const HASH_DOMAIN: &[u8] = b"api-key";

/// A freshly generated API key. The token is shown to its owner once; only its
/// [`api_key_hash`] is stored. The token is zeroized on drop.
pub struct NewApiKey {
    /// Public identifier: 12 lowercase hex characters, also embedded in the token.
    pub id: String,
    /// The full token `pvt_<id>_<secret>`.
    pub secret: String,
}

impl Drop for NewApiKey {
    fn drop(&mut self) {
        self.secret.zeroize();
    }
}

impl fmt::Debug for NewApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewApiKey")
            .field("id", &self.id)
            .field("secret", &"[redacted]")
            .finish()
    }
}

/// A new API key: token `pvt_<12 hex id>_<43 char base64url secret>` (256 secret bits).
pub fn generate_api_key() -> Result<NewApiKey, CryptoError> {
    let id: String = random::random_bytes::<{ ID_LEN / 2 }>()?
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let mut secret_bytes = random::random_bytes::<32>()?;
    let mut secret_text = encode_url_safe(&secret_bytes);
    secret_bytes.zeroize();
    let mut token = String::with_capacity(TOKEN_LEN);
    token.push_str(PREFIX);
    token.push_str(&id);
    token.push('_');
    token.push_str(&secret_text);
    secret_text.zeroize();
    Ok(NewApiKey { id, secret: token })
}

/// Splits a token into `(id, secret)` if it has the shape `generate_api_key` produces.
/// A shape check only: the token is genuine only if its hash matches a stored one.
pub fn parse_api_key(token: &str) -> Option<(&str, &str)> {
    if token.len() != TOKEN_LEN {
        return None;
    }
    let rest = token.strip_prefix(PREFIX)?;
    let (id, rest) = rest.split_at_checked(ID_LEN)?;
    let secret = rest.strip_prefix('_')?;
    let id_ok = id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    let secret_ok = secret
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    (id_ok && secret_ok).then_some((id, secret))
}

/// The value stored for a token: `mac(hash_key, "api-key", token)`. A keyed MAC rather than a
/// password hash because the token already carries 256 random bits.
pub fn api_key_hash(hash_key: &SecretKey, token: &str) -> [u8; 32] {
    hash::mac(hash_key, HASH_DOMAIN, token.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_keys_parse() {
        let key = generate_api_key().unwrap();
        assert_eq!(key.secret.len(), TOKEN_LEN);
        let (id, secret) = parse_api_key(&key.secret).unwrap();
        assert_eq!(id, key.id);
        assert_eq!(secret.len(), SECRET_LEN);
        assert_ne!(generate_api_key().unwrap().id, key.id);
    }

    #[test]
    fn malformed_tokens_are_refused() {
        let good = format!("pvt_0123456789ab_{}", "A".repeat(SECRET_LEN));
        assert!(parse_api_key(&good).is_some());
        for bad in [
            String::new(),
            good.replacen("pvt_", "pvx_", 1),
            good.replacen("0123", "0G23", 1),
            good.replacen("0123", "0A23", 1),
            good.replacen("ab_", "abX", 1),
            format!("{}!", &good[..good.len() - 1]),
            format!("{good}A"),
            good[..good.len() - 1].to_owned(),
            format!("pvt_0123456789ab_{}é", "A".repeat(SECRET_LEN - 2)),
        ] {
            assert!(parse_api_key(&bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn hash_depends_on_key_and_token() {
        let k1 = SecretKey::from_bytes([1; 32]);
        let k2 = SecretKey::from_bytes([2; 32]);
        let token = generate_api_key().unwrap();
        assert_eq!(
            api_key_hash(&k1, &token.secret),
            api_key_hash(&k1, &token.secret)
        );
        assert_ne!(
            api_key_hash(&k1, &token.secret),
            api_key_hash(&k2, &token.secret)
        );
        assert_ne!(
            api_key_hash(&k1, &token.secret),
            hash::mac(&k1, b"other", token.secret.as_bytes())
        );
    }

    #[test]
    fn debug_hides_the_token() {
        let key = generate_api_key().unwrap();
        let shown = format!("{key:?}");
        assert!(shown.contains(&key.id));
        assert!(!shown.contains(&key.secret[PREFIX.len() + ID_LEN + 1..]));
    }
}
