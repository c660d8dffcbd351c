use privet_crypto::CryptoError;
use privet_store::StoreError;
use thiserror::Error;

/// Why the vault cannot serve right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unavailability {
    /// The store could not commit (its writer stopped, or the database failed the commit).
    Storage,
    /// The audit chain is damaged, so nothing that must be recorded can happen.
    AuditDamaged,
}

/// Errors of vault operations, in the vault's own terms: the server maps these alone and never
/// looks at the store's or the cipher's errors beneath them. `Display` is the message a client
/// may see and never holds personal data; [`VaultError::detail`] adds what only the log gets.
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
    /// Nothing justifies storing the data: no purpose uses its category, or no retention rule
    /// says when it goes. Nothing was written.
    #[error("{message}")]
    Unjustified {
        /// Stable reason code (`no_purpose`, `no_retention`).
        code: &'static str,
        /// Sentence naming the field and category, never the value.
        message: String,
    },
    /// The subject, token or key does not exist (or was erased).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// Something that must be unique already exists, or a concurrent change won; retrying may
    /// succeed.
    #[error("{0} already exists; retry")]
    Conflict(&'static str),
    /// A legal hold blocks the erasure; the hold's reason is shown.
    #[error("a legal hold blocks erasing this subject: {0}")]
    LegalHold(String),
    /// The thing is not in a state that allows the step; the message names its state.
    #[error("{0}")]
    WrongState(String),
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
    /// A `[limits]` bound would be passed; the message names it.
    #[error("{0}")]
    LimitExceeded(String),
    /// Nothing can be done now, and nothing was written.
    #[error("{}", match .kind {
        Unavailability::Storage => "the store could not commit; nothing was written",
        Unavailability::AuditDamaged => "the audit log is damaged, so nothing is written or read until an operator repairs it (privet audit verify)",
    })]
    Unavailable {
        /// Why.
        kind: Unavailability,
        /// For the log only.
        detail: String,
    },
    /// A fault inside the vault (a database error, data that does not decrypt).
    #[error("internal error; see the server log")]
    Internal {
        /// For the log only.
        detail: String,
    },
}

impl VaultError {
    /// What the log gets: the client's message plus, for faults, what went wrong beneath.
    pub fn detail(&self) -> String {
        match self {
            VaultError::Unavailable { detail, .. } | VaultError::Internal { detail } => {
                format!("{self}: {detail}")
            }
            other => other.to_string(),
        }
    }
}

impl From<StoreError> for VaultError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict(what) => VaultError::Conflict(what),
            StoreError::NotFound(what) => VaultError::NotFound(what),
            StoreError::LegalHold(reason) => VaultError::LegalHold(reason),
            StoreError::AuditBroken(_) => VaultError::Unavailable {
                kind: Unavailability::AuditDamaged,
                detail: e.to_string(),
            },
            StoreError::WriterStopped | StoreError::CommitFailed(_) => VaultError::Unavailable {
                kind: Unavailability::Storage,
                detail: e.to_string(),
            },
            other => VaultError::Internal {
                detail: other.to_string(),
            },
        }
    }
}

impl From<CryptoError> for VaultError {
    fn from(e: CryptoError) -> Self {
        match e {
            CryptoError::RetiredKeyVersion(v) => VaultError::KeyRetired(v),
            other => VaultError::Internal {
                detail: other.to_string(),
            },
        }
    }
}

/// Result alias.
pub type Result<T, E = VaultError> = std::result::Result<T, E>;

impl From<privet_types::InvalidId> for VaultError {
    fn from(e: privet_types::InvalidId) -> Self {
        VaultError::BadRequest(e.to_string())
    }
}
