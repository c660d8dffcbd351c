//! Per-column judgement for structured sources.
//!
//! A value can look like a card number by chance (one order id in ten passes
//! Luhn), so a finding in a table is kept or dropped by what its column holds.
//! The first batch of a source (a few thousand rows) is the sample the
//! judgement is made on; later batches are filtered by that decision while
//! the statistics keep growing for the final report. Deciding early is what
//! lets findings stream out of a million-row file without holding them all.

use std::collections::HashMap;
use std::sync::Arc;

use privet_detect::{ColumnContext, ColumnStats, Verdict};
use privet_types::{Finding, Location, PiiType};

use crate::summary::ColumnReport;

/// Examples kept per column for the report: masked, or raw with `--show-values`.
const EXAMPLES: usize = 2;

#[derive(Default)]
struct Column {
    stats: ColumnStats,
    examples: Vec<String>,
    /// A type that the sample showed to be coincidence in this column.
    suppressed: Option<PiiType>,
}

/// The columns of one structured source, in first-seen order.
#[derive(Default)]
pub(crate) struct Columns {
    order: Vec<Arc<str>>,
    by_name: HashMap<Arc<str>, Column>,
    decided: bool,
}

impl Columns {
    /// Adds a batch's statistics.
    pub(crate) fn merge(&mut self, batch: Vec<(Arc<str>, ColumnStats)>) {
        for (name, stats) in batch {
            let column = self.by_name.entry(name.clone()).or_insert_with(|| {
                self.order.push(name);
                Column::default()
            });
            column.stats.merge(&stats);
        }
    }

    /// Judges every column seen so far; called once, after the first batch.
    pub(crate) fn decide(&mut self) {
        if self.decided {
            return;
        }
        self.decided = true;
        for (name, column) in &mut self.by_name {
            let summary = column.stats.summarize(&ColumnContext::from_header(name));
            if summary.verdict == Verdict::NotPersonal {
                column.suppressed = summary.ty;
            }
        }
    }

    /// Whether a finding survives its column's judgement; records examples.
    pub(crate) fn keep(&mut self, finding: &Finding) -> bool {
        let Location::Cell { column, .. } = &finding.location else {
            return true;
        };
        let Some(col) = self.by_name.get_mut(column.as_str()) else {
            return true;
        };
        if col.suppressed == Some(finding.ty) {
            return false;
        }
        let shown = finding.value.as_ref().unwrap_or(&finding.masked);
        if col.examples.len() < EXAMPLES && !col.examples.contains(shown) {
            col.examples.push(shown.clone());
        }
        true
    }

    /// Final reports, in first-seen column order.
    pub(crate) fn reports(&self, source: &str) -> Vec<ColumnReport> {
        self.order
            .iter()
            .filter_map(|name| {
                let column = self.by_name.get(name)?;
                let summary = column.stats.summarize(&ColumnContext::from_header(name));
                Some(ColumnReport {
                    source: source.to_owned(),
                    column: name.to_string(),
                    summary,
                    examples: column.examples.clone(),
                })
            })
            .collect()
    }
}
