//! Streaming readers for text, CSV/TSV, JSON/NDJSON, Parquet, gzip and
//! database tables.
//!
//! Every input becomes a [`Source`]: a stream of bounded [`Batch`]es (about
//! 1 MiB of whole text lines, or about 4096 rows of [`FieldValue`]s) that the
//! scan pipeline hands to detectors in parallel. Memory stays flat whatever
//! the input's size. Nothing here detects anything.
//!
//! Errors name the source and a line, row or byte, never cell contents. A
//! malformed row or line is a non-fatal error and reading goes on; a fatal
//! error ends that source only (see [`InputErrorKind::is_fatal`]).
//!
//! Field paths of nested data join keys with `.` and group array elements
//! under `[]` (`customer.billing.email`, `items[].email`); see
//! [`FieldValue::column`].

mod batch;
mod columnar;
#[cfg(feature = "db")]
mod db;
mod delimited;
mod detect;
mod error;
mod input;
mod json;
mod open;
mod parquet_layout;
mod quotes;
mod text;

pub use batch::{Batch, FieldValue, Source, TextChunk};
#[cfg(feature = "db")]
pub use db::{DbUrl, TableSelection, open_database, parse_db_url};
pub use detect::{Compression, Detected, InputFormat, UnknownFormat, detect_format};
pub use error::{InputError, InputErrorKind, Position};
pub use open::{fuzz_read, open_file, open_reader};
pub use parquet_layout::check_layout;
pub use quotes::{QuoteState, QuoteTracker};
