//! `privet redact`: files and tables streamed through de-identification operators, in their own
//! format: the same columns, shape and row count, only values changed.
//!
//! - [`policy`]: deid.toml, operators per detected type and per column.
//! - [`engine::Engine`]: the [`cell::CellRedactor`] that applies a policy (column rules first,
//!   then detected spans), and the reverse ([`engine::Mode::Reveal`]) for `fpe`.
//! - [`files`]: text, CSV/TSV, JSON, NDJSON (gzip too); [`parquet`] and [`table`] for the rest.
//! - [`report`]: k-anonymity, l-diversity and risk of the output, and suppression to k.
//! - [`spans`]: the same operators over spans another caller located (Presidio's `/anonymize`).

mod apply;
mod card_mark;
pub mod cell;
mod dates;
pub mod engine;
pub mod files;
pub mod fuzz;
pub mod keys;
mod output;
pub mod parquet;
pub mod policy;
pub mod report;
pub mod spans;
pub mod table;
pub mod vault;
