use thiserror::Error;

/// Why a de-identification operator refused its input. Messages name sizes, positions and kinds,
/// never the value being de-identified.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DeidError {
    /// FF1 refused the numerals (radix, domain floor, symbol range).
    #[error(transparent)]
    Ff1(#[from] privet_crypto::ff1::Ff1Error),
    /// The digits and letters of a value span fewer than 1,000,000 values, the NIST floor.
    #[error(
        "value too short for format-preserving encryption: {digits} digits and {letters} letters give fewer than 1,000,000 values"
    )]
    EncryptablePartTooSmall {
        /// Number of ASCII digits in the value.
        digits: usize,
        /// Number of letters in the value, of any script.
        letters: usize,
    },
    /// A letter or digit of a script format-preserving encryption has no class for (it
    /// would otherwise stay in clear).
    #[error(
        "character at position {position} cannot be format-preserved (a letter or digit of a script without a class)"
    )]
    UnsupportedCharacter {
        /// Zero-based character position.
        position: usize,
    },
    /// The value does not have the shape the operator needs.
    #[error("value is not a valid {kind}")]
    InvalidInput {
        /// What the operator expected, e.g. `card number`.
        kind: &'static str,
    },
    /// A band, range or shift width must be positive.
    #[error("{what} must be at least 1")]
    ZeroWidth {
        /// Which parameter was zero.
        what: &'static str,
    },
    /// Pseudonyms shorter than the minimum collide too often for joins to work.
    #[error("hash length {len} is outside {min}..={max} characters")]
    HashLength {
        /// The length asked for.
        len: usize,
        /// Shortest allowed.
        min: usize,
        /// Longest allowed.
        max: usize,
    },
    /// Shifting the date leaves the supported calendar range.
    #[error("shifted date is outside the supported calendar range")]
    DateOutOfRange,
    /// A row lacks the column an operation needs.
    #[error("row {row} has no column {column}")]
    ColumnOutOfRange {
        /// Zero-based row index.
        row: usize,
        /// Zero-based column index.
        column: usize,
    },
}
