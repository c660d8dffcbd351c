//! The master keyring as the vault holds it, and the long-lived secrets it wraps.
//!
//! The keyring is re-read from its provider when a wrapped key names a version the vault has not
//! seen, and at most once a second before wrapping or unwrapping, so `privet keys rotate` and
//! `privet keys retire` run beside a serving process take effect without a restart.

use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use privet_crypto::{CryptoError, KeyProvider, MasterKeyring, SecretKey, WrappedKey};
use privet_store::{DekRow, Store};
use privet_types::SubjectId;

use crate::error::{Result, VaultError};

const RELOAD_EVERY: Duration = Duration::from_secs(1);

/// The keyring, refreshed from its provider.
pub struct Keys {
    provider: Arc<dyn KeyProvider>,
    ring: RwLock<Arc<MasterKeyring>>,
    last_reload: Mutex<Instant>,
}

impl Keys {
    /// Loads the keyring.
    pub fn load(provider: Arc<dyn KeyProvider>) -> Result<Self> {
        let ring = provider.load()?;
        Ok(Keys {
            provider,
            ring: RwLock::new(Arc::new(ring)),
            last_reload: Mutex::new(Instant::now()),
        })
    }

    /// The provider.
    pub fn provider(&self) -> &Arc<dyn KeyProvider> {
        &self.provider
    }

    /// The current keyring.
    pub fn ring(&self) -> Arc<MasterKeyring> {
        match self.ring.read() {
            Ok(r) => r.clone(),
            Err(p) => p.into_inner().clone(),
        }
    }

    /// Re-reads the provider now.
    pub fn reload(&self) -> Result<Arc<MasterKeyring>> {
        let ring = Arc::new(self.provider.load()?);
        match self.ring.write() {
            Ok(mut w) => *w = ring.clone(),
            Err(p) => *p.into_inner() = ring.clone(),
        }
        if let Ok(mut t) = self.last_reload.lock() {
            *t = Instant::now();
        }
        Ok(ring)
    }

    fn fresh(&self) -> Result<Arc<MasterKeyring>> {
        let stale = self
            .last_reload
            .lock()
            .map(|t| t.elapsed() >= RELOAD_EVERY)
            .unwrap_or(true);
        if stale {
            self.reload()
        } else {
            Ok(self.ring())
        }
    }

    /// Wraps under the active version.
    pub fn wrap(&self, key: &SecretKey, context: &[u8]) -> Result<WrappedKey> {
        Ok(self.fresh()?.wrap(key, context)?)
    }

    /// Unwraps, re-reading the provider once if the version is unknown (and at most once a
    /// second anyway, so a version retired by another process is refused here too).
    pub fn unwrap(&self, wrapped: &WrappedKey, context: &[u8]) -> Result<SecretKey> {
        match self.fresh()?.unwrap(wrapped, context) {
            Err(CryptoError::UnknownKeyVersion(_)) => {
                Ok(self.reload()?.unwrap(wrapped, context)?)
            }
            other => Ok(other?),
        }
    }

    /// Unwraps a subject's data key.
    pub fn unwrap_dek(&self, subject: &SubjectId, dek: &DekRow) -> Result<SecretKey> {
        self.unwrap(
            &WrappedKey {
                kek_version: dek.kek_version,
                bytes: dek.wrapped.clone(),
            },
            &dek_context(subject),
        )
    }
}

/// AAD binding a wrapped data key to its subject.
pub fn dek_context(subject: &SubjectId) -> Vec<u8> {
    [b"privet/dek/v1/".as_slice(), subject.as_str().as_bytes()].concat()
}

/// AAD binding a wrapped secret to its name.
pub fn secret_context(name: &str) -> Vec<u8> {
    [b"privet/secret/v1/".as_slice(), name.as_bytes()].concat()
}

/// The long-lived secrets, each random and stored wrapped by the master keyring.
pub struct Secrets {
    /// Chains the audit log.
    pub audit: SecretKey,
    /// Blind indexes for lookup by email or phone.
    pub blind_index: SecretKey,
    /// Keyed hashes of API keys.
    pub api_key: SecretKey,
    /// Seals subject-less token values and derives deterministic tokens.
    pub token: SecretKey,
    /// Encrypts backups.
    pub backup: SecretKey,
}

/// Names of the secrets, in the store.
pub const SECRET_NAMES: [&str; 5] = ["audit", "blind_index", "api_key", "token", "backup"];

impl Secrets {
    /// Loads the secrets, creating any that do not exist yet.
    pub async fn load_or_create(store: &Store, keys: &Keys) -> Result<Secrets> {
        let existing = store.secrets().await?;
        for name in SECRET_NAMES {
            if !existing.iter().any(|s| s.name == name) {
                let fresh = SecretKey::generate()?;
                let wrapped = keys.wrap(&fresh, &secret_context(name))?;
                if name == "audit" {
                    store
                        .insert_audit_secret(wrapped.kek_version, &wrapped.bytes, &fresh)
                        .await?;
                } else {
                    store
                        .insert_secret_if_absent(name, wrapped.kek_version, &wrapped.bytes)
                        .await?;
                }
            }
        }
        let rows = store.secrets().await?;
        let get = |name: &str| -> Result<SecretKey> {
            let row = rows
                .iter()
                .find(|r| r.name == name)
                .ok_or(VaultError::NotFound("secret"))?;
            keys.unwrap(
                &WrappedKey {
                    kek_version: row.kek_version,
                    bytes: row.wrapped.clone(),
                },
                &secret_context(name),
            )
        };
        Ok(Secrets {
            audit: get("audit")?,
            blind_index: get("blind_index")?,
            api_key: get("api_key")?,
            token: get("token")?,
            backup: get("backup")?,
        })
    }
}
