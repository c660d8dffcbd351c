//! The scan pipeline: sources × detectors → findings → sinks.
//!
//! A scan is planned first: the inputs a user names (files, folders, database
//! URLs) are expanded into a list of [`SourceSpec`]s, walking folders with the
//! same ignore rules as ripgrep (`.gitignore`, `.ignore`, hidden files), so the
//! plan is cheap and known before any byte is read. This lets the progress bar
//! show a total and lets a folder of a million files cost only the list.
//!
//! Then it runs in a fixed set of threads joined by bounded channels, which is
//! what keeps memory constant on a 10 GB log:
//!
//! * **readers** take sources off a queue, open them with `privet-formats` and
//!   push bounded batches (a megabyte of whole lines, or a few thousand cells);
//! * **workers** run the detector over each batch and turn matches into
//!   located, masked [`privet_types::Finding`]s, plus per-column statistics for
//!   structured inputs;
//! * the **collector** (the calling thread) puts each source's batches back in
//!   order, decides per column whether a type is really there (a column of
//!   order ids is not a card column because a few ids pass Luhn), and hands
//!   findings to a [`Sink`].
//!
//! Batches of one big file are spread over all workers, so one file scales
//! with cores as well as many files do. Results are "pushed" to the sink as in
//! ripgrep's searcher: the pipeline never holds more than the in-flight
//! batches plus, per structured source, the first batch's findings while its
//! columns are being judged.
//!
//! Raw values never leave a worker unless [`ScanOptions::show_values`] is set:
//! a finding carries a masked rendering, and errors name files, lines, rows
//! and bytes, never contents.

#![forbid(unsafe_code)]

mod columns;
mod locate;
mod memo;
mod options;
mod pipeline;
mod plan;
pub mod sink;
mod summary;
mod worker;

pub use options::{DEFAULT_SAMPLE_ROWS, FailOn, ScanOptions};
pub use pipeline::{NoProgress, Progress, ScanError, run};
pub use plan::{PlanError, SourceSpec, plan_sources};
pub use sink::Sink;
pub use summary::{ColumnReport, Problem, ScanSummary};
