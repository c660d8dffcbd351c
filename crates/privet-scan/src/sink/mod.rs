//! Where findings go: the terminal table, JSON, JSONL and SARIF.
//!
//! The pipeline pushes results into a [`Sink`] as they are ready, in input
//! order per source. Streaming sinks (JSONL, and the findings array of JSON
//! and SARIF) write as they receive, so their memory does not grow with the
//! input; the table keeps only per-source totals.

mod json;
mod jsonl;
mod sarif;
mod table;

use std::io;

use privet_types::Finding;

use crate::summary::{ColumnReport, Problem, ScanSummary};

pub use json::JsonSink;
pub use jsonl::JsonlSink;
pub use sarif::SarifSink;
pub use table::TableSink;

/// Receives the results of a scan.
pub trait Sink {
    /// One finding, already masked (raw only with `--show-values`).
    fn finding(&mut self, finding: &Finding) -> io::Result<()>;
    /// A source is finished; `columns` is empty for unstructured ones.
    fn source_done(&mut self, source: &str, columns: &[ColumnReport]) -> io::Result<()>;
    /// An input problem, as it happens.
    fn problem(&mut self, problem: &Problem) -> io::Result<()>;
    /// The scan is over.
    fn finish(&mut self, summary: &ScanSummary) -> io::Result<()>;
}

/// The output formats `--format` accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputFormat {
    /// A readable terminal table.
    Table,
    /// One JSON document with findings and column summaries.
    Json,
    /// One JSON object per finding per line.
    Jsonl,
    /// SARIF 2.1.0 for code-scanning tools.
    Sarif,
}

impl std::str::FromStr for OutputFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "table" => Ok(OutputFormat::Table),
            "json" => Ok(OutputFormat::Json),
            "jsonl" | "ndjson" => Ok(OutputFormat::Jsonl),
            "sarif" => Ok(OutputFormat::Sarif),
            other => Err(format!(
                "unknown output format {other:?}; expected table, json, jsonl or sarif"
            )),
        }
    }
}

/// Builds the sink for a format, writing to `out`.
pub fn for_format<'w>(format: OutputFormat, out: Box<dyn io::Write + 'w>) -> Box<dyn Sink + 'w> {
    match format {
        OutputFormat::Table => Box::new(TableSink::new(out)),
        OutputFormat::Json => Box::new(JsonSink::new(out)),
        OutputFormat::Jsonl => Box::new(JsonlSink::new(out)),
        OutputFormat::Sarif => Box::new(SarifSink::new(out)),
    }
}
