use thiserror::Error;

/// Errors of the store. Messages name tables and operations, never stored values.
#[derive(Debug, Error)]
pub enum StoreError {
    /// The database could not be opened or prepared.
    #[error("cannot open the store at {location}: {reason}")]
    Open {
        /// Where the store was (a path, or a URL with its password removed).
        location: String,
        /// What went wrong.
        reason: String,
    },
    /// A statement failed.
    #[error("database error while {context}: {source}")]
    Database {
        /// What the store was doing.
        context: &'static str,
        /// The driver's error.
        #[source]
        source: sqlx::Error,
    },
    /// A row that must be unique already exists (a token, a data key, a secret).
    #[error("conflict: {0} already exists")]
    Conflict(&'static str),
    /// The row an operation targets does not exist.
    #[error("not found: {0}")]
    NotFound(&'static str),
    /// The group-commit writer has stopped, so nothing can be written.
    #[error("the store's writer has stopped; nothing was written")]
    WriterStopped,
    /// The group commit holding this unit failed; nothing in it was written.
    #[error("the commit failed and nothing was written: {0}")]
    CommitFailed(String),
    /// The schema is newer than this binary or a migration failed.
    #[error("schema: {0}")]
    Schema(String),
    /// A legal hold blocks the erasure; its reason.
    #[error("a legal hold blocks the erasure: {0}")]
    LegalHold(String),
    /// A stored row holds what privet never writes (an unknown name, a time out of range).
    #[error("stored data is not what privet writes: {0}")]
    Corrupt(String),
    /// A backup stream could not be read or written.
    #[error("backup: {0}")]
    Backup(String),
    /// The audit chain's head or tail is not what the chain says it is, so the writer will not
    /// extend it (doing so would put a fresh MAC over the damage).
    #[error("the audit log is damaged ({0}); nothing is written until it is repaired")]
    AuditBroken(crate::ChainBreak),
    /// SQLite's write-ahead log could not be emptied because a reader kept an older snapshot
    /// open (a backup, a long export) for longer than the store waited.
    #[error(
        "the write-ahead log could not be emptied: a long read (a backup?) held an older snapshot; it is emptied at the next checkpoint"
    )]
    WalBusy,
}

impl StoreError {
    /// Wraps a driver error, turning unique violations into [`StoreError::Conflict`].
    pub(crate) fn db(
        context: &'static str,
        what: &'static str,
    ) -> impl FnOnce(sqlx::Error) -> Self {
        move |source| match &source {
            sqlx::Error::Database(e) if e.is_unique_violation() => StoreError::Conflict(what),
            _ => StoreError::Database { context, source },
        }
    }

    /// Whether the error says a unique row already exists.
    pub fn is_conflict(&self) -> bool {
        matches!(self, StoreError::Conflict(_))
    }
}

/// Result alias for store operations.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;
