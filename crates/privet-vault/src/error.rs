use privet_crypto::CryptoError;
use privet_store::StoreError;
use thiserror::Error;

/// Errors of vault operations. Messages never hold personal data: they name fields, categories,
/// purposes and reasons, not values.
#[derive(Debug, Error)]
pub enum VaultError {
    /// The request is malformed (bad id, unknown category, missing purpose...).
    #[error("{0}")]
    BadRequest(String),
    /// The caller may not do this; the reason is a policy reason code's sentence.
    #[error("{message}")]
    Forbidden {
        /// Stable reason code (`consent_required`, `no_rule`...).
        code: String,
        /// Sentence for people.
        message: String,
    },
    /// The subject, token or key does not exist (or was erased).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// A value is wrapped under a master-key version that has been retired.
    #[error("refused: the value's key is wrapped under retired master-key version {0}")]
    KeyRetired(u32),
    /// The batch is larger than the policy allows.
    #[error("batch of {got} items is over the limit of {limit}")]
    BatchTooLarge {
        /// Items sent.
        got: usize,
        /// Limit.
        limit: usize,
    },
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Cryptography failed (wrong key, altered data).
    #[error(transparent)]
    Crypto(CryptoError),
}

impl From<CryptoError> for VaultError {
    fn from(e: CryptoError) -> Self {
        match e {
            CryptoError::RetiredKeyVersion(v) => VaultError::KeyRetired(v),
            other => VaultError::Crypto(other),
        }
    }
}

/// Result alias.
pub type Result<T, E = VaultError> = std::result::Result<T, E>;
