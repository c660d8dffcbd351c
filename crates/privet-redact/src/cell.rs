//! The contract between format adapters (text, CSV, JSON, Parquet, database tables) and the
//! redaction engine: adapters walk their format and hand each value to a [`CellRedactor`].

use thiserror::Error;

/// A redaction failure. Messages name columns, rows and operators, never values.
#[derive(Debug, Error)]
pub enum RedactError {
    /// The operator could not transform a value (e.g. FPE domain too small).
    #[error("column {column}: {reason}")]
    Operator {
        /// Column or field path.
        column: String,
        /// Why, without the value.
        reason: String,
    },
    /// Reading or writing failed.
    #[error("{0}")]
    Io(String),
}

/// What becomes of one structured value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CellOut {
    /// Unchanged.
    Keep,
    /// Replaced by this string.
    Replace(String),
    /// Set to null / empty (the `redact` operator without a label, on typed columns).
    Null,
}

/// Decides, per column and value, what the output holds.
pub trait CellRedactor: Send + Sync {
    /// Whether the column is dropped from the output entirely (`drop` operator).
    fn drops(&self, column: &str) -> bool;
    /// The output for one string value of a column (column = CSV header, database column,
    /// Parquet leaf path, JSON field path like `customer.email` or `items[].email`).
    fn cell(&self, column: &str, value: &str) -> Result<CellOut, RedactError>;
    /// Free text outside any column (text files): every detected span replaced, the rest kept
    /// byte for byte.
    fn text(&self, value: &str) -> Result<String, RedactError>;
}
