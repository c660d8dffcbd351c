use std::path::PathBuf;

/// Every failure of this crate. Messages never carry key bytes or plaintext.
#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    /// A wrapped key names a master-key version the keyring does not have.
    #[error("unknown master key version {0}")]
    UnknownKeyVersion(u32),
    /// A wrapped key names a master-key version that has been retired.
    #[error("master key version {0} is retired; data wrapped under it can no longer be opened")]
    RetiredKeyVersion(u32),
    /// Retiring the version new keys are wrapped under would leave no usable key.
    #[error("master key version {0} is the active version; add a new version before retiring it")]
    ActiveKeyVersion(u32),
    /// AEAD authentication failed.
    #[error("authentication failed: wrong key, wrong context or altered data")]
    Integrity,
    /// The operating system's random source failed.
    #[error("the system random number generator failed")]
    Random,
    /// A key file could not be read, written or parsed.
    #[error("key file {}: {reason}", path.display())]
    KeyFile {
        /// The key file.
        path: PathBuf,
        /// What is wrong and, where there is one, the fix.
        reason: String,
    },
    /// A key source other than a file (environment variable, KMS) is unusable.
    #[error("key source: {0}")]
    KeySource(String),
    /// An encrypted stream ended before its final chunk.
    #[error("encrypted stream is truncated: it ends before its final chunk")]
    Truncated,
    /// Input does not have the expected shape.
    #[error("malformed input: {0}")]
    Malformed(&'static str),
    /// A caller passed an argument outside the function's domain.
    #[error("invalid input: {0}")]
    InvalidInput(&'static str),
    /// A primitive refused a request that is valid by construction.
    #[error("internal cryptographic failure: {0}")]
    Internal(&'static str),
    /// The underlying reader or writer failed.
    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),
}

impl CryptoError {
    /// The `CryptoError` inside an `io::Error` returned by a backup reader or writer, if any.
    pub fn from_io(err: &std::io::Error) -> Option<&CryptoError> {
        err.get_ref().and_then(|inner| inner.downcast_ref())
    }
}
