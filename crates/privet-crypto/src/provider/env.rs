use std::fmt;

use zeroize::Zeroizing;

use super::KeyProvider;
use super::format::RingBuilder;
use crate::{CryptoError, MasterKeyring};

/// The environment variable [`EnvKeyProvider::from_env`] reads.
pub const MASTER_KEY_ENV: &str = "PRIVET_MASTER_KEY";

/// Master keys from a string, normally the `PRIVET_MASTER_KEY` environment variable: either
/// one base64 key (version 1) or `1:BASE64,2:BASE64` (an entry may be `N:retired`).
pub struct EnvKeyProvider {
    value: Zeroizing<String>,
}

impl EnvKeyProvider {
    /// A provider over `value`, in the format of `PRIVET_MASTER_KEY`.
    pub fn new(value: impl Into<String>) -> Self {
        Self {
            value: Zeroizing::new(value.into()),
        }
    }

    /// Reads `PRIVET_MASTER_KEY`.
    pub fn from_env() -> Result<Self, CryptoError> {
        match std::env::var(MASTER_KEY_ENV) {
            Ok(value) => Ok(Self::new(value)),
            Err(std::env::VarError::NotPresent) => Err(CryptoError::KeySource(format!(
                "{MASTER_KEY_ENV} is not set"
            ))),
            Err(std::env::VarError::NotUnicode(_)) => Err(CryptoError::KeySource(format!(
                "{MASTER_KEY_ENV} is not valid UTF-8"
            ))),
        }
    }

    fn parse(&self) -> Result<MasterKeyring, String> {
        let value = self.value.trim();
        let mut ring = RingBuilder::default();
        if !value.contains(':') {
            ring.add("1", value)?;
            return ring.finish();
        }
        for (index, entry) in value.split(',').enumerate() {
            let Some((version, key)) = entry.trim().split_once(':') else {
                return Err(format!("entry {}: expected `N:BASE64`", index + 1));
            };
            ring.add(version.trim(), key.trim())
                .map_err(|reason| format!("entry {}: {reason}", index + 1))?;
        }
        ring.finish()
    }
}

impl KeyProvider for EnvKeyProvider {
    fn load(&self) -> Result<MasterKeyring, CryptoError> {
        self.parse()
            .map_err(|reason| CryptoError::KeySource(format!("{MASTER_KEY_ENV}: {reason}")))
    }

    fn describe(&self) -> String {
        format!("environment variable {MASTER_KEY_ENV}")
    }
}

impl fmt::Debug for EnvKeyProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EnvKeyProvider([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const K1: &str = "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE";
    const K2_STANDARD: &str = "AgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgI=";

    #[test]
    fn single_key_is_version_one() {
        let ring = EnvKeyProvider::new(format!(" {K1}\n")).load().unwrap();
        assert_eq!(ring.versions(), vec![1]);
        assert_eq!(ring.key(1).unwrap().expose(), &[1; 32]);
    }

    #[test]
    fn versioned_list() {
        let ring = EnvKeyProvider::new(format!("1:{K1}, 2:{K2_STANDARD}, 3:retired"))
            .load()
            .unwrap();
        assert_eq!(ring.versions(), vec![1, 2, 3]);
        assert_eq!(ring.active_version(), 2);
        assert_eq!(ring.key(2).unwrap().expose(), &[2; 32]);
    }

    #[test]
    fn errors_do_not_quote_the_value() {
        for value in [
            String::new(),
            format!("1:{K1},{K1}"),
            format!("1:{K1},1:{K1}"),
            "1:short".to_owned(),
        ] {
            let err = EnvKeyProvider::new(value).load().unwrap_err().to_string();
            assert!(err.starts_with("key source: PRIVET_MASTER_KEY: "), "{err}");
            assert!(!err.contains(K1), "{err}");
        }
        let provider = EnvKeyProvider::new(K1);
        assert_eq!(format!("{provider:?}"), "EnvKeyProvider([redacted])");
        assert_eq!(
            provider.describe(),
            "environment variable PRIVET_MASTER_KEY"
        );
    }
}
