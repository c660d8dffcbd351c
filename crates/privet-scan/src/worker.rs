//! Running the detector over one batch.

use std::collections::HashMap;
use std::sync::Arc;

use privet_detect::{ColumnContext, ColumnStats, Detector, mask};
use privet_formats::{Batch, FieldValue, TextChunk};
use privet_types::{Finding, Location, Match};

use crate::locate::LineLocator;
use crate::memo::{self, ColumnMemo};

/// The result of one batch.
pub(crate) struct BatchResult {
    /// Located, masked findings, in input order.
    pub findings: Vec<Finding>,
    /// Per-column statistics of a structured batch, in first-seen order.
    pub columns: Vec<(Arc<str>, ColumnStats)>,
    /// Bytes of input the batch held.
    pub bytes: u64,
}

/// Per-thread state reused across batches so the hot path does not allocate.
pub(crate) struct Scratch {
    matches: Vec<Match>,
    /// Per column name: its header's context and the answers it repeats.
    columns: HashMap<Arc<str>, (ColumnContext, ColumnMemo)>,
    /// Values the column memos may still remember on this thread.
    memo_room: usize,
}

impl Default for Scratch {
    fn default() -> Self {
        Scratch {
            matches: Vec::new(),
            columns: HashMap::new(),
            memo_room: memo::THREAD_ENTRIES,
        }
    }
}

/// Scans one batch of the source `name`.
pub(crate) fn scan_batch(
    detector: &Detector,
    name: &str,
    batch: &Batch,
    show_values: bool,
    scratch: &mut Scratch,
) -> BatchResult {
    match batch {
        Batch::Text(chunk) => scan_text(detector, name, chunk, show_values, scratch),
        Batch::Fields(fields) => scan_fields(detector, name, fields, show_values, scratch),
    }
}

fn scan_text(
    detector: &Detector,
    name: &str,
    chunk: &TextChunk,
    show_values: bool,
    scratch: &mut Scratch,
) -> BatchResult {
    scratch.matches.clear();
    detector.detect(&chunk.data, &mut scratch.matches);
    let mut locator = LineLocator::new(&chunk.data, chunk.first_line);
    let findings = scratch
        .matches
        .iter()
        .map(|m| {
            let at = locator.locate(m.start, m.end);
            let location = Location::Text {
                line: at.line,
                start: at.start,
                end: at.end,
            };
            finding(name, location, m, &chunk.data[m.start..m.end], show_values)
        })
        .collect();
    BatchResult {
        findings,
        columns: Vec::new(),
        bytes: chunk.data.len() as u64,
    }
}

fn scan_fields(
    detector: &Detector,
    name: &str,
    fields: &[FieldValue],
    show_values: bool,
    scratch: &mut Scratch,
) -> BatchResult {
    let mut findings = Vec::new();
    let mut columns: Vec<(Arc<str>, ColumnStats)> = Vec::new();
    let mut column_slot: HashMap<Arc<str>, usize> = HashMap::new();
    let mut bytes = 0u64;
    for field in fields {
        let value = field.value.as_bytes();
        bytes += value.len() as u64;
        let (ctx, memo) = scratch
            .columns
            .entry(field.column.clone())
            .or_insert_with(|| {
                (
                    ColumnContext::from_header(&field.column),
                    ColumnMemo::default(),
                )
            });
        scratch.matches.clear();
        memo.answer(&mut scratch.memo_room, value, &mut scratch.matches, |out| {
            detector.detect_field(ctx, value, out);
        });
        let slot = *column_slot.entry(field.column.clone()).or_insert_with(|| {
            columns.push((field.column.clone(), ColumnStats::default()));
            columns.len() - 1
        });
        columns[slot].1.observe(value, &scratch.matches);
        for m in &scratch.matches {
            let location = Location::Cell {
                row: field.row,
                column: field.column.to_string(),
                start: m.start,
                end: m.end,
            };
            findings.push(finding(
                name,
                location,
                m,
                &value[m.start..m.end],
                show_values,
            ));
        }
    }
    BatchResult {
        findings,
        columns,
        bytes,
    }
}

fn finding(name: &str, location: Location, m: &Match, raw: &[u8], show_values: bool) -> Finding {
    let text = String::from_utf8_lossy(raw);
    Finding {
        path: name.to_owned(),
        location,
        ty: m.ty,
        confidence: m.confidence,
        masked: mask::mask(m.ty, &text),
        value: show_values.then(|| text.into_owned()),
    }
}
