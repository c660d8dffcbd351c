//! privet's cryptography, and the only crate that names cipher crates (`ring`, licensed
//! Apache-2.0 AND ISC; chosen because rustls needs one provider anyway and it builds fast with gcc).
//!
//! Scheme:
//! - A [`MasterKeyring`] of versioned 256-bit master keys (KEKs) comes from a [`KeyProvider`]:
//!   a 0600 key file ([`FileKeyProvider`]) or `PRIVET_MASTER_KEY` ([`EnvKeyProvider`]).
//! - Data keys (one per subject) and long-lived secrets (blind-index, audit-MAC, API-key-hash,
//!   token keys) are random [`SecretKey`]s stored only [`WrappedKey`]-wrapped: AES-256-GCM under
//!   the active KEK, AAD = version + caller context. Rotation adds a version; old ones still
//!   unwrap until retired. Nothing is derived from a KEK, because KEKs rotate.
//! - Fields are [`seal`]ed with AES-256-GCM, random 96-bit nonce, AAD binding subject/field/record.
//! - [`mac`] is domain-separated HMAC-SHA256, for blind indexes and [`api_key_hash`].
//! - Backups are STREAM-encrypted under a per-file HKDF key ([`BackupWriter`], [`BackupReader`]).
//!
//! Keys are zeroized on drop and print as `[redacted]`; errors never carry key bytes or values.

mod apikey;
mod backup;
mod error;
pub mod ff1;
pub mod fuzz;
mod hash;
mod key;
mod keyed;
mod keyring;
pub mod outbound;
mod provider;
mod random;
mod seal;

pub use apikey::{NewApiKey, api_key_hash, generate_api_key, parse_api_key};
pub use backup::{BACKUP_MAGIC, BackupReader, BackupWriter, CHUNK_LEN, MAX_HEADER_INFO};
pub use error::CryptoError;
pub use hash::{DIGEST_LEN, ct_eq, hmac_sha256, mac, sha256, webhook_signature};
pub use key::{KEY_LEN, SecretKey};
pub use keyed::KeyedStream;
pub use keyring::{MasterKeyring, WrappedKey};
pub use provider::{EnvKeyProvider, FileKeyProvider, KeyProvider, MASTER_KEY_ENV};
pub use random::{random_bytes, random_u64_below};
pub use seal::{SEAL_OVERHEAD, TAG_LEN, open, seal};
