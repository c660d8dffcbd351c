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
    let text = Zeroizing::new(
        std::fs::read_to_string(path)
            .map_err(|e| RedactError::Io(format!("key file {}: {e}", path.display())))?,
    );
    version_line(&text, ring.active_version()).ok_or_else(|| {
        RedactError::Io(format!(
            "key file {}: the active key is missing or malformed",
            path.display()
        ))
    })
}

/// The key `PRIVET_DEID_KEY` holds: base64 of 32 bytes, or the whole text of a key file (so
/// `PRIVET_DEID_KEY="$(cat deid.key)"` works), whose newest usable version is taken.
pub fn key_from_env_value(value: &str) -> Result<SecretKey, RedactError> {
    let versions: Vec<u32> = value
        .lines()
        .map(str::trim)
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let (tag, v) = l.split_once(char::is_whitespace)?;
            let n = tag.strip_prefix('v')?.parse::<u32>().ok()?;
            (v.trim() != "retired").then_some(n)
        })
        .collect();
    match versions.iter().max() {
        Some(&newest) => version_line(value, newest).ok_or_else(|| {
            RedactError::Io(format!(
                "{DEID_KEY_ENV} holds a key file whose newest key is malformed"
            ))
        }),
        None => key_from_base64(value),
    }
}

/// The key on line `v<version> KEY` of key-file text.
fn version_line(text: &str, version: u32) -> Option<SecretKey> {
    let wanted = format!("v{version}");
    let value = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.starts_with('#'))
        .find_map(|l| {
            l.split_once(char::is_whitespace)
                .filter(|(tag, _)| *tag == wanted)
                .map(|(_, v)| v.trim())
        })?;
    key_from_base64(value).ok()
}

/// Writes a new key file at `path` (mode 0600, the format `privet serve` uses for master keys);
/// refuses to replace one that exists.
pub fn new_key_file(path: &Path) -> Result<(), RedactError> {
    let provider = FileKeyProvider::new(path);
    match provider.create_if_missing() {
        Ok(true) => Ok(()),
        Ok(false) => Err(RedactError::Io(format!(
            "{} exists; a key file is never overwritten (files redacted with it need it)",
            path.display()
        ))),
        Err(e) => Err(RedactError::Io(e.to_string())),
    }
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
    fn the_environment_takes_base64_or_key_file_text() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("deid.key");
        new_key_file(&path).unwrap();
        assert!(new_key_file(&path).is_err(), "never overwritten");
        let from_file = key_from_file(&path).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let from_env = key_from_env_value(&text).unwrap();
        assert_eq!(from_file.expose(), from_env.expose());
        let b64 = key_from_env_value("AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE").unwrap();
        assert_eq!(b64.expose(), &[1; 32]);
        let err = key_from_env_value("v1 short").unwrap_err().to_string();
        assert!(!err.contains("short"), "{err}");
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
