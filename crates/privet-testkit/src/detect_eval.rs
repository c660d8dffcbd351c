//! Running privet's own detector over a generated corpus.

use privet_detect::{ColumnContext, DetectError, Detector, DetectorConfig};
use std::time::Instant;

use privet_types::Match;

use crate::eval::{Report, evaluate, evaluate_cells};
use crate::label::{CellLabel, Label, LabeledCsv, LabeledText};

/// Why the detector could not be run over a corpus.
#[derive(Debug, thiserror::Error)]
pub enum DetectEvalError {
    /// The detector could not be built.
    #[error("building the detector: {0}")]
    Build(#[from] DetectError),
    /// The generated CSV could not be parsed (a bug in the generator).
    #[error("reading the generated CSV at data row {row}: {source}")]
    Csv {
        /// 1-based data row.
        row: u64,
        /// The parser's error.
        source: csv::Error,
    },
}

/// Detect over the whole text at once and turn byte offsets into
/// line-relative labels.
pub fn detect_text(detector: &Detector, text: &str) -> Vec<Label> {
    let bytes = text.as_bytes();
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(memchr::memchr_iter(b'\n', bytes).map(|i| i + 1))
        .collect();
    let mut found: Vec<Match> = Vec::new();
    detector.detect(bytes, &mut found);
    found
        .iter()
        .map(|m| {
            // The last line start at or before the match start.
            let idx = line_starts.partition_point(|&s| s <= m.start) - 1;
            let base = line_starts[idx];
            Label {
                line: idx as u64 + 1,
                start: m.start - base,
                end: m.end - base,
                ty: m.ty,
            }
        })
        .collect()
}

/// Detect cell by cell, each with its column's header as context, as a table
/// scan does; one label per (row, column, type) found.
pub fn detect_csv(detector: &Detector, csv_text: &str) -> Result<Vec<CellLabel>, DetectEvalError> {
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|source| DetectEvalError::Csv { row: 0, source })?
        .clone();
    let contexts: Vec<ColumnContext> = headers.iter().map(ColumnContext::from_header).collect();
    let mut out = Vec::new();
    let mut found = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let row = i as u64 + 1;
        let record = record.map_err(|source| DetectEvalError::Csv { row, source })?;
        for ((value, header), context) in record.iter().zip(headers.iter()).zip(&contexts) {
            found.clear();
            detector.detect_field(context, value.as_bytes(), &mut found);
            let mut types: Vec<_> = found.iter().map(|m| m.ty).collect();
            types.sort();
            types.dedup();
            out.extend(types.into_iter().map(|ty| CellLabel {
                row,
                column: header.to_string(),
                ty,
            }));
        }
    }
    Ok(out)
}

/// The detector's accuracy on a text corpus and a table, and how long the
/// in-process detection took (no I/O, one thread).
#[derive(Clone, Debug)]
pub struct DetectorScore {
    /// Accuracy on the text corpus.
    pub text: Report,
    /// Accuracy on the table's cells.
    pub cells: Report,
    /// Seconds spent in `Detector::detect` over the whole text.
    pub text_seconds: f64,
    /// Seconds spent parsing the CSV and in `Detector::detect_field`.
    pub cells_seconds: f64,
}

/// Build the default detector and score it on a text corpus and a table.
pub fn score_detector(
    text: &LabeledText,
    table: &LabeledCsv,
) -> Result<DetectorScore, DetectEvalError> {
    let detector = Detector::new(DetectorConfig::default())?;
    let started = Instant::now();
    let predicted = detect_text(&detector, &text.text);
    let text_seconds = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let cells = detect_csv(&detector, &table.csv)?;
    let cells_seconds = started.elapsed().as_secs_f64();
    Ok(DetectorScore {
        text: evaluate(&text.labels, &predicted),
        cells: evaluate_cells(&table.labels, &cells),
        text_seconds,
        cells_seconds,
    })
}
