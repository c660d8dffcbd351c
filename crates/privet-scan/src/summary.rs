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
#[derive(Clone, Debug, Serialize)]
pub struct ScanSummary {
    /// Sources read (files and tables), including those that failed part way.
    pub sources: u64,
    /// Bytes of input handed to the detectors.
    pub bytes: u64,
    /// Findings per type, indexed by [`PiiType::index`].
    #[serde(serialize_with = "serialize_counts")]
    pub findings_by_type: [u64; PiiType::ALL.len()],
    /// Inputs that failed.
    pub failures: u64,
    /// Notices, such as binary files skipped.
    pub notices: u64,
    /// The scan stopped early because `--strict` met an error.
    pub stopped_early: bool,
}

// Written out because arrays longer than 32 have no derived `Default` or
// `Serialize`, and there are more types than that.
impl Default for ScanSummary {
    fn default() -> Self {
        ScanSummary {
            sources: 0,
            bytes: 0,
            findings_by_type: [0; PiiType::ALL.len()],
            failures: 0,
            notices: 0,
            stopped_early: false,
        }
    }
}

/// Serializes the per-type counts as a sequence, as a short array would be.
fn serialize_counts<S: serde::Serializer>(counts: &[u64], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(counts)
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
