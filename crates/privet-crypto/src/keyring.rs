use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use crate::{CryptoError, KEY_LEN, SecretKey, seal};

/// Versioned master keys (KEKs). Version numbers start at 1; new keys are wrapped under the
/// highest version that is not retired, and older live versions still unwrap.
#[derive(Clone)]
pub struct MasterKeyring {
    keys: BTreeMap<u32, SecretKey>,
    retired: BTreeSet<u32>,
    active: u32,
}

/// A data key encrypted under one master-key version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrappedKey {
    /// The master-key version that wrapped it.
    pub kek_version: u32,
    /// `nonce (12) || ciphertext (32) || tag (16)`.
    pub bytes: Vec<u8>,
}

/// Domain label of the wrap AAD, so a wrapped key is never mistaken for a sealed field.
const WRAP_DOMAIN: &[u8] = b"privet kek wrap v1\0";

fn wrap_aad(version: u32, context: &[u8]) -> Vec<u8> {
    let mut aad = Vec::with_capacity(WRAP_DOMAIN.len() + 4 + context.len());
    aad.extend_from_slice(WRAP_DOMAIN);
    aad.extend_from_slice(&version.to_be_bytes());
    aad.extend_from_slice(context);
    aad
}

impl MasterKeyring {
    /// A keyring from live keys and retired version numbers (which carry no key bytes).
    /// Refuses version 0, a version both live and retired, and a ring with no live key.
    pub fn new(
        keys: BTreeMap<u32, SecretKey>,
        retired: BTreeSet<u32>,
    ) -> Result<Self, CryptoError> {
        if keys.contains_key(&0) || retired.contains(&0) {
            return Err(CryptoError::InvalidInput("master key versions start at 1"));
        }
        if let Some(&both) = retired.iter().find(|v| keys.contains_key(v)) {
            return Err(CryptoError::KeySource(format!(
                "version {both} is both live and retired"
            )));
        }
        let Some(&active) = keys.keys().next_back() else {
            return Err(CryptoError::KeySource(
                "no usable master key version (all retired or none present)".to_owned(),
            ));
        };
        Ok(Self {
            keys,
            retired,
            active,
        })
    }

    /// A keyring holding `key` as version 1.
    pub fn single(key: SecretKey) -> Self {
        Self {
            keys: BTreeMap::from([(1, key)]),
            retired: BTreeSet::new(),
            active: 1,
        }
    }

    /// The version new keys are wrapped under: the highest one not retired.
    pub fn active_version(&self) -> u32 {
        self.active
    }

    /// Every version, live and retired, ascending.
    pub fn versions(&self) -> Vec<u32> {
        let mut all: Vec<u32> = self.keys.keys().chain(&self.retired).copied().collect();
        all.sort_unstable();
        all
    }

    /// Whether `version` has been retired.
    pub fn is_retired(&self, version: u32) -> bool {
        self.retired.contains(&version)
    }

    /// The version a rotation would add: one above every version ever used.
    pub fn next_version(&self) -> Result<u32, CryptoError> {
        self.versions()
            .last()
            .copied()
            .unwrap_or(0)
            .checked_add(1)
            .ok_or(CryptoError::InvalidInput("master key versions exhausted"))
    }

    /// Wraps `key` under the active version. `context` (e.g. the subject id) is bound as AAD
    /// and must be given again to unwrap, so wrapped keys cannot be swapped between owners.
    pub fn wrap(&self, key: &SecretKey, context: &[u8]) -> Result<WrappedKey, CryptoError> {
        let kek = self.live_key(self.active)?;
        Ok(WrappedKey {
            kek_version: self.active,
            bytes: seal::seal(kek, &wrap_aad(self.active, context), key.expose())?,
        })
    }

    /// Unwraps a key wrapped by [`MasterKeyring::wrap`] under any live version.
    pub fn unwrap(&self, wrapped: &WrappedKey, context: &[u8]) -> Result<SecretKey, CryptoError> {
        let kek = self.live_key(wrapped.kek_version)?;
        let plain = seal::open(kek, &wrap_aad(wrapped.kek_version, context), &wrapped.bytes)?;
        let bytes: [u8; KEY_LEN] = plain
            .as_slice()
            .try_into()
            .map_err(|_| CryptoError::Malformed("wrapped key does not hold a 32-byte key"))?;
        Ok(SecretKey::from_bytes(bytes))
    }

    /// Whether a wrapped key should be re-wrapped under the active version.
    pub fn needs_rewrap(&self, wrapped: &WrappedKey) -> bool {
        wrapped.kek_version != self.active
    }

    /// The live key of `version`, for writing the keyring back to its source.
    pub(crate) fn key(&self, version: u32) -> Option<&SecretKey> {
        self.keys.get(&version)
    }

    /// A copy with `version` retired (its key bytes dropped).
    pub(crate) fn retire(&self, version: u32) -> Result<Self, CryptoError> {
        if self.retired.contains(&version) {
            return Ok(self.clone());
        }
        if !self.keys.contains_key(&version) {
            return Err(CryptoError::UnknownKeyVersion(version));
        }
        if version == self.active {
            return Err(CryptoError::ActiveKeyVersion(version));
        }
        let mut keys = self.keys.clone();
        keys.remove(&version);
        let mut retired = self.retired.clone();
        retired.insert(version);
        Self::new(keys, retired)
    }

    /// A copy with `key` added as the next version, which becomes active.
    pub(crate) fn with_new_version(&self, key: SecretKey) -> Result<(Self, u32), CryptoError> {
        let version = self.next_version()?;
        let mut keys = self.keys.clone();
        keys.insert(version, key);
        Ok((Self::new(keys, self.retired.clone())?, version))
    }

    fn live_key(&self, version: u32) -> Result<&SecretKey, CryptoError> {
        if self.retired.contains(&version) {
            return Err(CryptoError::RetiredKeyVersion(version));
        }
        self.keys
            .get(&version)
            .ok_or(CryptoError::UnknownKeyVersion(version))
    }
}

impl fmt::Debug for MasterKeyring {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MasterKeyring")
            .field("active", &self.active)
            .field("live", &self.keys.keys().collect::<Vec<_>>())
            .field("retired", &self.retired)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ring(live: &[u32], retired: &[u32]) -> Result<MasterKeyring, CryptoError> {
        let keys = live
            .iter()
            .map(|&v| (v, SecretKey::from_bytes([u8::try_from(v).unwrap(); 32])))
            .collect();
        MasterKeyring::new(keys, retired.iter().copied().collect())
    }

    #[test]
    fn active_is_highest_live_version() {
        assert_eq!(ring(&[1, 3], &[2]).unwrap().active_version(), 3);
        assert_eq!(ring(&[1], &[2]).unwrap().active_version(), 1);
        assert_eq!(ring(&[1], &[2]).unwrap().versions(), vec![1, 2]);
        assert_eq!(ring(&[1], &[2]).unwrap().next_version().unwrap(), 3);
    }

    #[test]
    fn invalid_rings_are_refused() {
        assert!(ring(&[], &[1]).is_err());
        assert!(ring(&[0], &[]).is_err());
        assert!(ring(&[1], &[1]).is_err());
    }

    #[test]
    fn context_and_version_are_bound() {
        let r = ring(&[1, 2], &[]).unwrap();
        let key = SecretKey::generate().unwrap();
        let w = r.wrap(&key, b"subject-1").unwrap();
        assert_eq!(w.kek_version, 2);
        assert_eq!(r.unwrap(&w, b"subject-1").unwrap().expose(), key.expose());
        assert!(matches!(
            r.unwrap(&w, b"subject-2"),
            Err(CryptoError::Integrity)
        ));
        let relabelled = WrappedKey {
            kek_version: 1,
            ..w.clone()
        };
        assert!(matches!(
            r.unwrap(&relabelled, b"subject-1"),
            Err(CryptoError::Integrity)
        ));
        let unknown = WrappedKey {
            kek_version: 9,
            ..w
        };
        assert!(matches!(
            r.unwrap(&unknown, b"subject-1"),
            Err(CryptoError::UnknownKeyVersion(9))
        ));
    }

    #[test]
    fn retire_rules() {
        let r = ring(&[1, 2], &[]).unwrap();
        assert!(matches!(r.retire(2), Err(CryptoError::ActiveKeyVersion(2))));
        assert!(matches!(
            r.retire(5),
            Err(CryptoError::UnknownKeyVersion(5))
        ));
        let retired = r.retire(1).unwrap();
        assert!(retired.is_retired(1));
        assert!(retired.key(1).is_none());
        assert_eq!(retired.retire(1).unwrap().versions(), vec![1, 2]);
    }

    #[test]
    fn debug_shows_versions_only() {
        let r = ring(&[1, 2], &[]).unwrap();
        assert_eq!(
            format!("{r:?}"),
            "MasterKeyring { active: 2, live: [1, 2], retired: {} }"
        );
    }
}
