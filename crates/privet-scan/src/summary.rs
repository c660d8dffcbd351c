//! What a scan reports besides individual findings.

use privet_detect::ColumnSummary;
use privet_types::PiiType;
use serde::Serialize;

/// The classification of one column or field path of a structured source.
#[derive(Clone, Debug, Serialize)]
pub struct ColumnReport {
    /// The source the column belongs to.
    pub source: String,
    /// Header name or dotted field path.
    pub column: String,
    /// The classifier's verdict and counts.
    #[serde(flatten)]
    pub summary: ColumnSummary,
    /// Up to two masked examples of the column's type.
    pub examples: Vec<String>,
}

/// An input that could not be read, fully or in part.
#[derive(Clone, Debug, Serialize)]
pub struct Problem {
    /// The file or table.
    pub source: String,
    /// The full message: source, position and reason, never contents.
    pub message: String,
    /// The whole source was given up (as opposed to one row or line).
    pub fatal: bool,
    /// False for notices that do not fail the scan, such as a binary file
    /// skipped while walking a folder.
    pub counts_as_failure: bool,
}

/// Totals of a finished scan.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ScanSummary {
    /// Sources read (files and tables), including those that failed part way.
    pub sources: u64,
    /// Bytes of input handed to the detectors.
    pub bytes: u64,
    /// Findings per type, indexed by [`PiiType::index`].
    pub findings_by_type: [u64; PiiType::ALL.len()],
    /// Inputs that failed.
    pub failures: u64,
    /// Notices, such as binary files skipped.
    pub notices: u64,
    /// The scan stopped early because `--strict` met an error.
    pub stopped_early: bool,
}

impl ScanSummary {
    /// Every finding counted.
    pub fn total_findings(&self) -> u64 {
        self.findings_by_type.iter().sum()
    }

    /// The count for one type.
    pub fn count(&self, ty: PiiType) -> u64 {
        self.findings_by_type[ty.index()]
    }
}
