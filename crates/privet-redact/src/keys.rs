//! The de-identification key, from the same sources the vault takes its master keys from:
//! an environment variable or a 0600 key file. There is no default key.

use std::path::Path;

use base64::Engine as _;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use privet_crypto::{FileKeyProvider, KEY_LEN, KeyProvider, SecretKey};
use zeroize::Zeroizing;

use crate::cell::RedactError;

/// The environment variable holding the key: base64 of 32 bytes.
pub const DEID_KEY_ENV: &str = "PRIVET_DEID_KEY";

const LENIENT: GeneralPurposeConfig =
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
const URL_SAFE: GeneralPurpose = GeneralPurpose::new(&alphabet::URL_SAFE, LENIENT);
const STANDARD: GeneralPurpose = GeneralPurpose::new(&alphabet::STANDARD, LENIENT);

/// A key from base64 text (standard or URL-safe, padding optional), as `PRIVET_DEID_KEY` holds.
/// Errors say what is wrong, never the text.
pub fn key_from_base64(text: &str) -> Result<SecretKey, RedactError> {
    let text = text.trim();
    let bytes = URL_SAFE
        .decode(text)
        .or_else(|_| STANDARD.decode(text))
        .map(Zeroizing::new)
        .map_err(|_| RedactError::Io(format!("{DEID_KEY_ENV} is not valid base64")))?;
    let array: [u8; KEY_LEN] = bytes.as_slice().try_into().map_err(|_| {
        RedactError::Io(format!(
            "{DEID_KEY_ENV} holds {} bytes, expected {KEY_LEN}",
            bytes.len()
        ))
    })?;
    Ok(SecretKey::from_bytes(array))
}

/// The active key of a privet key file (the format `privet serve` writes, mode 0600 checked).
pub fn key_from_file(path: &Path) -> Result<SecretKey, RedactError> {
    let provider = FileKeyProvider::new(path);
    // The provider checks permissions and format and picks the active version; the keyring
    // does not hand key bytes out, so that version's line is read back here.
    let ring = provider
        .load()
        .map_err(|e| RedactError::Io(e.to_string()))?;
    let wanted = format!("v{}", ring.active_version());
    let text = Zeroizing::new(
        std::fs::read_to_string(path)
            .map_err(|e| RedactError::Io(format!("key file {}: {e}", path.display())))?,
    );
    let value = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.starts_with('#'))
        .find_map(|l| {
            l.split_once(char::is_whitespace)
                .filter(|(tag, _)| *tag == wanted)
                .map(|(_, v)| v.trim())
        })
        .ok_or_else(|| {
            RedactError::Io(format!(
                "key file {}: the active version changed while reading",
                path.display()
            ))
        })?;
    key_from_base64(value).map_err(|_| {
        RedactError::Io(format!(
            "key file {}: the active key is malformed",
            path.display()
        ))
    })
}

/// A check value of the key, safe to store beside redacted output: the first 8 bytes of a
/// domain-separated MAC of nothing under the key, in hex. It tells two keys apart and says
/// nothing of the key itself.
pub fn key_check(key: &SecretKey) -> String {
    privet_crypto::mac(key, b"privet deid key check v1", b"")[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The record written beside a redacted file whose operators used a key, so `privet reveal`
/// can refuse another key: `FILE.deid-key` holding `key_check=HEX`.
pub fn key_record_path(output: &Path) -> std::path::PathBuf {
    let mut name = output.as_os_str().to_owned();
    name.push(".deid-key");
    std::path::PathBuf::from(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_in_both_alphabets() {
        let key = key_from_base64("AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE").unwrap();
        assert_eq!(key.expose(), &[1; 32]);
        let key = key_from_base64("AgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgI=\n").unwrap();
        assert_eq!(key.expose(), &[2; 32]);
        let err = key_from_base64("c2hvcnQ").unwrap_err().to_string();
        assert!(err.contains("5 bytes") && !err.contains("c2hvcnQ"), "{err}");
        assert!(key_from_base64("!!").is_err());
    }

    #[test]
    fn key_checks_tell_keys_apart_and_are_stable() {
        let a = SecretKey::from_bytes([1; 32]);
        let b = SecretKey::from_bytes([2; 32]);
        assert_eq!(key_check(&a), key_check(&SecretKey::from_bytes([1; 32])));
        assert_ne!(key_check(&a), key_check(&b));
        assert_eq!(key_check(&a).len(), 16);
    }

    #[test]
    fn key_file_gives_the_active_version() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("deid.key");
        let provider = FileKeyProvider::new(&path);
        provider.create_if_missing().unwrap();
        let first = key_from_file(&path).unwrap();
        provider.add_version().unwrap();
        let second = key_from_file(&path).unwrap();
        assert_ne!(first.expose(), second.expose());
        assert!(key_from_file(&dir.path().join("missing")).is_err());
    }
}
