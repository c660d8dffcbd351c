//! What sources hand to the scan pipeline: bounded batches of text or fields.

use std::collections::HashMap;
use std::sync::Arc;

use crate::error::InputError;

/// Whole lines of a text input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextChunk {
    /// The 1-based number of the first line in `data`. When a line longer
    /// than the reader's cap was split, the next chunk continues that line
    /// and carries the same number.
    pub first_line: u64,
    /// Whole lines: ends just after a `'\n'`, or at end of input (or at a
    /// split of an over-long line). Bytes, not necessarily valid UTF-8.
    pub data: Vec<u8>,
}

/// One non-empty scalar value of a structured input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldValue {
    /// The 1-based data row: CSV data row (header excluded), JSON array
    /// element index + 1, NDJSON line number, Parquet or database row.
    pub row: u64,
    /// The column: a CSV header, a database column, or a field path.
    ///
    /// Field paths join object keys with `.` (`customer.billing.email`).
    /// Array elements are grouped under `[]` without an index
    /// (`items[].email`, `tags[]`), so all elements of an array classify as
    /// one column. A JSON row that is itself a scalar has the path `$`.
    /// Parquet maps are lists of their entries (`attrs[].key`, `attrs[].value`).
    pub column: Arc<str>,
    /// The value as text: strings as they are, numbers and booleans as
    /// their text, dates and timestamps in ISO 8601. Nulls are skipped.
    pub value: String,
}

/// A bounded unit of work for the detectors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Batch {
    /// A run of whole lines (about 1 MiB).
    Text(TextChunk),
    /// Field values of up to about 4096 rows.
    Fields(Vec<FieldValue>),
}

/// A streaming source of batches. Each batch is bounded (about 1-4 MiB of
/// text, or about 4096 rows of fields), so memory stays flat whatever the
/// input's size.
///
/// `next_batch` returns `Some(Err(_))` for errors: after a non-fatal one
/// ([`InputError::is_fatal`] false) reading goes on; after a fatal one the
/// next call returns `None`.
pub trait Source: Send {
    /// The name used in findings and errors: a path, or a redacted database
    /// URL with `#table`.
    fn name(&self) -> &str;

    /// The next batch, an error, or `None` at the end.
    fn next_batch(&mut self) -> Option<Result<Batch, InputError>>;

    /// For header-aware classification: column order as first seen (the CSV
    /// header, database columns, Parquet leaf paths, JSON paths as
    /// discovered so far). Empty for text.
    fn columns(&self) -> &[Arc<str>] {
        &[]
    }
}

/// Most distinct column names remembered per source. JSON keyed by ids
/// (`{"user_123": ...}`) would otherwise grow without bound.
const MAX_COLUMNS: usize = 10_000;

/// Shares one `Arc<str>` per column name and remembers first-seen order.
#[derive(Debug, Default)]
pub(crate) struct Columns {
    map: HashMap<Box<str>, Arc<str>>,
    order: Vec<Arc<str>>,
}

impl Columns {
    /// The shared name for `name`.
    pub(crate) fn intern(&mut self, name: &str) -> Arc<str> {
        if let Some(a) = self.map.get(name) {
            return Arc::clone(a);
        }
        let a: Arc<str> = Arc::from(name);
        if self.map.len() < MAX_COLUMNS {
            self.map.insert(Box::from(name), Arc::clone(&a));
            self.order.push(Arc::clone(&a));
        }
        a
    }

    /// Column names in first-seen order.
    pub(crate) fn order(&self) -> &[Arc<str>] {
        &self.order
    }
}

/// Rows per field batch.
pub(crate) const BATCH_ROWS: u64 = 4096;
/// Values per field batch (a single wide JSON object must still be cut).
const BATCH_VALUES: usize = 64 * 1024;
/// Bytes of values per field batch.
const BATCH_BYTES: usize = 4 << 20;

/// Collects field values until a batch is full.
#[derive(Debug, Default)]
pub(crate) struct FieldBatcher {
    values: Vec<FieldValue>,
    bytes: usize,
    rows: u64,
    last_row: u64,
}

impl FieldBatcher {
    /// Adds one value.
    pub(crate) fn push(&mut self, row: u64, column: Arc<str>, value: String) {
        if row != self.last_row || self.rows == 0 {
            self.rows += 1;
            self.last_row = row;
        }
        self.bytes += value.len();
        self.values.push(FieldValue { row, column, value });
    }

    /// Whether the batch should be handed out now.
    pub(crate) fn is_full(&self) -> bool {
        self.rows >= BATCH_ROWS || self.values.len() >= BATCH_VALUES || self.bytes >= BATCH_BYTES
    }

    /// Hands out what was collected, if anything.
    pub(crate) fn take(&mut self) -> Option<Batch> {
        if self.values.is_empty() {
            return None;
        }
        self.bytes = 0;
        self.rows = 0;
        Some(Batch::Fields(std::mem::take(&mut self.values)))
    }
}

/// Most items a reader queues before handing out what it has, so a run of
/// bad rows cannot pile up errors in memory.
pub(crate) const MAX_QUEUED: usize = 64;

/// Errors and batches waiting to be handed out, in order, plus whether the
/// source is finished. Readers push here and `next_batch` pops.
#[derive(Debug, Default)]
pub(crate) struct Outbox {
    queue: std::collections::VecDeque<Result<Batch, InputError>>,
    /// No more reading: set after end of input or a fatal error.
    pub(crate) done: bool,
}

impl Outbox {
    /// Queues a batch or an error.
    pub(crate) fn push(&mut self, item: Result<Batch, InputError>) {
        self.queue.push_back(item);
    }

    /// The next queued item.
    pub(crate) fn pop(&mut self) -> Option<Result<Batch, InputError>> {
        self.queue.pop_front()
    }

    /// How many items are queued.
    pub(crate) fn len(&self) -> usize {
        self.queue.len()
    }

    /// Whether nothing is queued.
    pub(crate) fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }
}
