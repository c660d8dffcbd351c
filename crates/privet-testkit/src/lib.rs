//! Test fixtures: the seeded labeled corpus generator and the accuracy evaluation.
//!
//! - [`generate_text`] / [`TextCorpus`]: support tickets, chat lines and log
//!   lines with exact labeled spans and planted look-alikes.
//! - [`generate_csv`] / [`CsvCorpus`]: a customer table with per-cell labels.
//! - [`evaluate`] / [`evaluate_cells`]: precision, recall and F1 per type.
//! - [`checks`]: the standard validity rules every labeled value passes.
//! - [`cards`]: card numbers for the vault suites and the check that a card is masked.
//! - [`policy`]: the default privet.toml with a test's own retention rules.
//! - `postgres` (feature `postgres`): a temporary PostgreSQL database per test, dropped
//!   afterwards, for the suites that run on every backend.
//!
//! Everything is deterministic per seed and built from lists written for this
//! crate, never from the data the detectors are built from.

pub mod cards;
pub mod checks;
#[cfg(test)]
mod corpus_tests;
mod csv_gen;
#[cfg(feature = "detector")]
pub mod detect_eval;
pub mod eval;
pub mod io;
mod label;
pub mod policy;
#[cfg(feature = "postgres")]
pub mod postgres;
mod rng;
mod text;
mod values;

pub use csv_gen::{CSV_COLUMNS, CsvCorpus, generate_csv};
pub use eval::{Counts, Errors, Report, errors, evaluate, evaluate_cells};
pub use label::{CellLabel, Label, LabeledCsv, LabeledText, Negative, NegativeKind};
pub use text::{TextCorpus, generate_text};
