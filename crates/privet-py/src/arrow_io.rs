//! Reading string values straight out of Arrow buffers, and building the findings batches.
//!
//! Arrays arrive through the Arrow C data interface (`arrow-pyarrow`), so values are read in
//! place: no string is copied through a Python object on the way in or out.

use std::ops::Range;
use std::sync::Arc;

use arrow_array::builder::{Float64Builder, Int64Builder, StringBuilder};
use arrow_array::cast::AsArray;
use arrow_array::{Array, ArrayRef, LargeStringArray, RecordBatch, StringArray, StringViewArray};
use arrow_schema::{DataType, Field, Schema};

use crate::errors::{Failure, Kind};
use crate::scanner::Finding;

/// Rows handed to a thread at a time.
pub(crate) const CHUNK_ROWS: usize = 256;

/// A string array of any of Arrow's three layouts.
#[derive(Clone, Copy)]
pub(crate) enum Strings<'a> {
    /// `string` (32-bit offsets).
    Utf8(&'a StringArray),
    /// `large_string` (64-bit offsets).
    Large(&'a LargeStringArray),
    /// `string_view`.
    View(&'a StringViewArray),
}

impl<'a> Strings<'a> {
    /// The array as strings, or `None` for any other type.
    pub(crate) fn of(array: &'a dyn Array) -> Option<Strings<'a>> {
        match array.data_type() {
            DataType::Utf8 => Some(Strings::Utf8(array.as_string::<i32>())),
            DataType::LargeUtf8 => Some(Strings::Large(array.as_string::<i64>())),
            DataType::Utf8View => Some(Strings::View(array.as_string_view())),
            _ => None,
        }
    }

    /// Number of rows, nulls included.
    pub(crate) fn len(self) -> usize {
        match self {
            Strings::Utf8(a) => a.len(),
            Strings::Large(a) => a.len(),
            Strings::View(a) => a.len(),
        }
    }

    /// Row `i`, `None` when null.
    pub(crate) fn get(self, i: usize) -> Option<&'a str> {
        match self {
            Strings::Utf8(a) => a.is_valid(i).then(|| a.value(i)),
            Strings::Large(a) => a.is_valid(i).then(|| a.value(i)),
            Strings::View(a) => a.is_valid(i).then(|| a.value(i)),
        }
    }
}

/// The error for an array privet cannot read as text.
pub(crate) fn not_strings(what: &str, ty: &DataType) -> Failure {
    Failure::new(
        Kind::Unsupported,
        format!(
            "{what} takes a string, large_string or string_view array, not {ty}; cast it first"
        ),
    )
}

/// `0..len` cut into ranges of `CHUNK_ROWS`.
pub(crate) fn chunks(len: usize) -> Vec<Range<usize>> {
    (0..len)
        .step_by(CHUNK_ROWS)
        .map(|s| s..(s + CHUNK_ROWS).min(len))
        .collect()
}

/// One finding with the row (and column) it was found in.
pub(crate) struct Located {
    /// 0-based row of the input array or batch.
    pub row: usize,
    /// The column or field path, for record batches.
    pub column: Option<Arc<str>>,
    /// The finding, offsets in characters of the value.
    pub finding: Finding,
}

/// The findings as a record batch: `row`, [`column`,] `type`, `start`, `end`, `confidence`,
/// `masked`.
pub(crate) fn findings_batch(found: &[Located], with_column: bool) -> Result<RecordBatch, Failure> {
    let mut row = Int64Builder::with_capacity(found.len());
    let mut column = StringBuilder::new();
    let mut ty = StringBuilder::new();
    let mut start = Int64Builder::with_capacity(found.len());
    let mut end = Int64Builder::with_capacity(found.len());
    let mut confidence = Float64Builder::with_capacity(found.len());
    let mut masked = StringBuilder::new();
    for l in found {
        row.append_value(l.row as i64);
        column.append_option(l.column.as_deref());
        ty.append_value(l.finding.ty.name());
        start.append_value(l.finding.start as i64);
        end.append_value(l.finding.end as i64);
        confidence.append_value(l.finding.confidence);
        masked.append_value(&l.finding.masked);
    }
    let mut fields = vec![Field::new("row", DataType::Int64, false)];
    let mut arrays: Vec<ArrayRef> = vec![Arc::new(row.finish())];
    if with_column {
        fields.push(Field::new("column", DataType::Utf8, false));
        arrays.push(Arc::new(column.finish()));
    }
    fields.extend([
        Field::new("type", DataType::Utf8, false),
        Field::new("start", DataType::Int64, false),
        Field::new("end", DataType::Int64, false),
        Field::new("confidence", DataType::Float64, false),
        Field::new("masked", DataType::Utf8, false),
    ]);
    arrays.extend([
        Arc::new(ty.finish()) as ArrayRef,
        Arc::new(start.finish()),
        Arc::new(end.finish()),
        Arc::new(confidence.finish()),
        Arc::new(masked.finish()),
    ]);
    RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays).map_err(|e| {
        Failure::new(
            Kind::Unsupported,
            format!("cannot build the findings batch: {e}"),
        )
    })
}
