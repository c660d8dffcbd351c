//! Record batches scanned the way `privet scan` scans a Parquet file.
//!
//! The batch is written to an in-memory Parquet file and read back through privet-formats'
//! Parquet reader, so field paths (`customer.email`, `items[].email`), the text of numbers,
//! dates and timestamps, and the row batches are exactly those of `privet scan` on a file with
//! the same rows. Encoding costs far less than detection. Nothing touches the disk.
//!
//! Each value is scanned with its column's context, and findings are judged by their column as
//! the scan pipeline does (privet-scan's `columns` module): the first reader batch (4,096 rows)
//! decides which types are coincidence in a column (order ids that pass Luhn), and findings of
//! that type in that column are dropped. A batch that is a whole file's rows, in order, thus
//! gives the findings `privet scan` reports for that file.

use std::collections::HashMap;
use std::io::Cursor;
use std::sync::Arc;

use arrow_array::RecordBatch;
use parquet::arrow::ArrowWriter;
use privet_detect::{ColumnContext, ColumnStats, Detector, Verdict};
use privet_formats::{Batch, Compression, FieldValue, InputFormat, open_reader};
use privet_types::PiiType;

use crate::arrow_io::{CHUNK_ROWS, Located};
use crate::errors::{Failure, Kind};
use crate::parallel;
use crate::scanner::locate;

/// The findings of a batch and the statistics of its columns.
pub(crate) struct FieldScan {
    /// Findings that survive their column's judgement, in row order.
    pub findings: Vec<Located>,
    /// Statistics over every row, per column in first-seen order.
    pub columns: Vec<(Arc<str>, ColumnStats)>,
}

/// The batch's values as privet-formats reads them from Parquet, in reader batches.
fn field_batches(batch: &RecordBatch) -> Result<Vec<Vec<FieldValue>>, Failure> {
    let unsupported = |e: &dyn std::fmt::Display| {
        Failure::new(
            Kind::Unsupported,
            format!("the record batch cannot be read as Parquet: {e}"),
        )
    };
    let mut writer =
        ArrowWriter::try_new(Vec::new(), batch.schema(), None).map_err(|e| unsupported(&e))?;
    writer.write(batch).map_err(|e| unsupported(&e))?;
    let bytes = writer.into_inner().map_err(|e| unsupported(&e))?;
    let mut source = open_reader(
        "record batch".to_owned(),
        Box::new(Cursor::new(bytes)),
        InputFormat::Parquet,
        Compression::None,
    );
    let mut out = Vec::new();
    while let Some(next) = source.next_batch() {
        match next.map_err(|e| unsupported(&e))? {
            Batch::Fields(fields) => out.push(fields),
            Batch::Text(_) => return Err(unsupported(&"a Parquet reader returned text")),
        }
    }
    Ok(out)
}

/// What one slice of a reader batch yields.
struct Part {
    batch: usize,
    findings: Vec<Located>,
    stats: Vec<(Arc<str>, ColumnStats)>,
}

fn scan_part(detector: &Detector, batch: usize, fields: &[FieldValue]) -> Part {
    let mut contexts: HashMap<Arc<str>, ColumnContext> = HashMap::new();
    let mut slot: HashMap<Arc<str>, usize> = HashMap::new();
    let mut stats: Vec<(Arc<str>, ColumnStats)> = Vec::new();
    let mut findings = Vec::new();
    let mut matches = Vec::new();
    for field in fields {
        let ctx = contexts
            .entry(field.column.clone())
            .or_insert_with(|| ColumnContext::from_header(&field.column));
        matches.clear();
        detector.detect_field(ctx, field.value.as_bytes(), &mut matches);
        let i = *slot.entry(field.column.clone()).or_insert_with(|| {
            stats.push((field.column.clone(), ColumnStats::default()));
            stats.len() - 1
        });
        stats[i].1.observe(field.value.as_bytes(), &matches);
        let row = usize::try_from(field.row.saturating_sub(1)).unwrap_or(usize::MAX);
        findings.extend(
            locate(&field.value, &matches)
                .into_iter()
                .map(|finding| Located {
                    row,
                    column: Some(field.column.clone()),
                    finding,
                }),
        );
    }
    Part {
        batch,
        findings,
        stats,
    }
}

/// Adds `stats` into `into`, keeping first-seen column order.
fn merge(into: &mut Vec<(Arc<str>, ColumnStats)>, stats: &[(Arc<str>, ColumnStats)]) {
    for (name, s) in stats {
        match into.iter_mut().find(|(n, _)| n == name) {
            Some((_, existing)) => existing.merge(s),
            None => into.push((name.clone(), s.clone())),
        }
    }
}

/// Scans every value of `batch` on `threads` threads.
pub(crate) fn scan_batch(
    detector: &Detector,
    batch: &RecordBatch,
    threads: usize,
) -> Result<FieldScan, Failure> {
    let batches = field_batches(batch)?;
    // Slices of about CHUNK_ROWS values, so one reader batch spreads over every thread.
    let slices: Vec<(usize, &[FieldValue])> = batches
        .iter()
        .enumerate()
        .flat_map(|(b, fields)| fields.chunks(CHUNK_ROWS).map(move |c| (b, c)))
        .collect();
    let parts = parallel::map(&slices, threads, |&(b, fields)| {
        scan_part(detector, b, fields)
    });

    let mut first: Vec<(Arc<str>, ColumnStats)> = Vec::new();
    let mut columns: Vec<(Arc<str>, ColumnStats)> = Vec::new();
    for part in parts.iter() {
        if part.batch == 0 {
            merge(&mut first, &part.stats);
        }
        merge(&mut columns, &part.stats);
    }
    // Judged once, on the first reader batch, as privet scan does.
    let suppressed: HashMap<Arc<str>, PiiType> = first
        .iter()
        .filter_map(|(name, stats)| {
            let summary = stats.summarize(&ColumnContext::from_header(name));
            (summary.verdict == Verdict::NotPersonal)
                .then_some(summary.ty)
                .flatten()
                .map(|ty| (name.clone(), ty))
        })
        .collect();
    let findings = parts
        .into_iter()
        .flat_map(|p| p.findings)
        .filter(|l| {
            l.column
                .as_ref()
                .and_then(|c| suppressed.get(c))
                .is_none_or(|&ty| ty != l.finding.ty)
        })
        .collect();
    Ok(FieldScan { findings, columns })
}
