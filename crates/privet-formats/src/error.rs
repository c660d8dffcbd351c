//! Errors that name where an input went wrong, never what it contained.

use std::fmt;
use std::io;

/// Where in a source an error happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Position {
    /// The source as a whole (it could not be opened, or its kind is wrong).
    File,
    /// A 1-based line of a text or NDJSON input.
    Line(u64),
    /// A 1-based data row of a table (CSV/TSV data row, JSON array element, database row).
    Row(u64),
    /// A 0-based byte offset: into the compressed bytes for gzip errors,
    /// into the decoded stream otherwise.
    Byte(u64),
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Position::File => Ok(()),
            Position::Line(n) => write!(f, "line {n}"),
            Position::Row(n) => write!(f, "row {n}"),
            Position::Byte(n) => write!(f, "byte {n}"),
        }
    }
}

/// What went wrong. Messages carried in variants describe structure only
/// (expected a comma, field count), never cell contents.
#[derive(Debug, thiserror::Error)]
pub enum InputErrorKind {
    /// The input could not be opened (missing file, permission denied).
    #[error("cannot open: {0}")]
    Open(#[source] io::Error),
    /// Reading failed part way (I/O error from the device or the network).
    #[error("read failed: {0}")]
    Read(#[source] io::Error),
    /// The input looks binary (NUL bytes) and is not a format we read.
    #[error("binary file, not scanned")]
    Binary,
    /// Text is not valid UTF-8; the bytes are still passed on (lossily for fields).
    #[error("invalid UTF-8")]
    InvalidUtf8,
    /// A line is longer than the reader's cap; it was split into pieces.
    #[error("line longer than {0} bytes, split")]
    LineTooLong(usize),
    /// A CSV/TSV record is malformed (wrong field count, oversized record).
    #[error("{0}")]
    MalformedCsv(String),
    /// One JSON row (array element, top-level value, NDJSON line) does not
    /// parse; the rows around it are still read.
    #[error("{0}")]
    MalformedJson(String),
    /// The JSON document's structure is broken (a stray character between
    /// elements, input ending inside an array): reading cannot resume.
    #[error("{0}")]
    JsonStructure(String),
    /// The gzip stream ends before its end marker.
    #[error("truncated gzip stream")]
    TruncatedGzip,
    /// The gzip stream is corrupt (bad header, bad deflate data, checksum mismatch).
    #[error("corrupt gzip stream")]
    CorruptGzip,
    /// The Parquet file could not be read.
    #[error("parquet: {0}")]
    Parquet(String),
    /// The database could not be reached or queried.
    #[error("database: {0}")]
    Database(String),
    /// The input is larger than this reader can hold in memory (e.g. gzip-compressed Parquet).
    #[error("too large: {0}")]
    TooLarge(String),
}

impl InputErrorKind {
    /// Whether this error ends the source. Non-fatal errors (one bad row, one
    /// bad line, invalid UTF-8, a split line) are reported and reading goes on.
    pub fn is_fatal(&self) -> bool {
        !matches!(
            self,
            InputErrorKind::InvalidUtf8
                | InputErrorKind::LineTooLong(_)
                | InputErrorKind::MalformedCsv(_)
                | InputErrorKind::MalformedJson(_)
        )
    }
}

/// An error reading one source: which source, where, and what.
///
/// Displays as `orders.csv: row 17: wrong number of fields` and never
/// includes cell contents.
#[derive(Debug)]
pub struct InputError {
    /// The source's name (a path, or a redacted database URL with `#table`).
    pub source_name: String,
    /// Where in the source.
    pub position: Position,
    /// What went wrong.
    pub kind: InputErrorKind,
}

impl InputError {
    /// Builds an error.
    pub fn new(source_name: impl Into<String>, position: Position, kind: InputErrorKind) -> Self {
        InputError {
            source_name: source_name.into(),
            position,
            kind,
        }
    }

    /// Whether this error ends the source (see [`InputErrorKind::is_fatal`]).
    pub fn is_fatal(&self) -> bool {
        self.kind.is_fatal()
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.position {
            Position::File => write!(f, "{}: {}", self.source_name, self.kind),
            p => write!(f, "{}: {}: {}", self.source_name, p, self.kind),
        }
    }
}

impl std::error::Error for InputError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        std::error::Error::source(&self.kind)
    }
}
