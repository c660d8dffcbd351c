//! Parquet in, Parquet out: every string and every integer or decimal value goes through the
//! [`CellRedactor`] (numbers as their decimal text, so a card number or SSN stored as an int64 is
//! found too); the file's layout (compression, row groups, schema, metadata) stays as it was,
//! except that a numeric column the redactor changes becomes a `Utf8` column. Floats, booleans,
//! dates, times and timestamps pass unchanged: they do not hold validated identifiers.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fs::File;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::Arc;

use arrow_array::builder::GenericByteDictionaryBuilder;
use arrow_array::cast::AsArray;
use arrow_array::types::{
    ArrowDictionaryKeyType, ArrowPrimitiveType, Decimal32Type, Decimal64Type, Decimal128Type,
    Decimal256Type, DecimalType, GenericStringType, Int8Type, Int16Type, Int32Type, Int64Type,
    UInt8Type, UInt16Type, UInt32Type, UInt64Type,
};
use arrow_array::{
    Array, ArrayRef, BinaryArray, DictionaryArray, FixedSizeListArray, GenericListArray,
    LargeBinaryArray, LargeStringArray, MapArray, OffsetSizeTrait, RecordBatch, StringArray,
    StringViewArray, StructArray,
};
use arrow_schema::{DataType, Field, FieldRef, Fields, Schema, SchemaRef};
use parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReader,
    ParquetRecordBatchReaderBuilder,
};
use parquet::arrow::{ArrowWriter, ProjectionMask};
use parquet::file::metadata::ParquetMetaData;
use parquet::file::properties::WriterProperties;

use crate::cell::{CellOut, CellRedactor, RedactError};

/// Rows decoded at a time: bounds memory whatever the file's size.
const BATCH_ROWS: usize = 4096;

/// What a redaction run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Rows written (always the number of rows read).
    pub rows: u64,
    /// Values replaced or nulled.
    pub cells_changed: u64,
}

/// Redacts a Parquet file into `output`, written to a temporary file (0600) in the output's
/// directory and renamed on success, so an error leaves no output behind.
///
/// Strings are `Utf8`, `LargeUtf8`, `Utf8View`, dictionaries of `Utf8`/`LargeUtf8`, and `Binary`/
/// `LargeBinary` values that are valid UTF-8 (writers that skip the UTF8 annotation); each
/// non-null value is handed to [`CellRedactor::cell`] under its column path, column by column in
/// row order within a batch. Strings inside structs (`customer.email`) and lists (`tags[]`,
/// `items[].email`), fixed-size lists and maps (`attrs[].key`, `attrs[].value`) are redacted too;
/// all other values pass through unchanged. `Null` becomes a null, or an empty string where the field is not nullable.
///
/// Numbers are signed and unsigned integers, decimals, and dictionaries of them, handed over as
/// their decimal text (`-12`, `37.50`). A first pass over the numeric columns finds which ones the
/// redactor changes anywhere in the file; those are written as `Utf8` columns holding the
/// redacted text (unchanged values as their decimal text), the others keep their type and values.
/// Columns and struct fields the redactor drops leave the schema (a struct left empty goes too).
/// Each input row group becomes one output row group, written with the input's codec per column.
pub fn redact_parquet(
    input: &Path,
    output: &Path,
    r: &dyn CellRedactor,
) -> Result<Stats, RedactError> {
    let fail = |what: &str, e: &dyn std::fmt::Display| {
        RedactError::Io(format!("{}: {what}: {e}", input.display()))
    };
    let file = File::open(input).map_err(|e| fail("cannot open", &e))?;
    let meta = guarded(|| ArrowReaderMetadata::load(&file, ArrowReaderOptions::new()))
        .map_err(|e| fail("not a readable Parquet file", &e))?;
    let file_len = file.metadata().map_err(|e| fail("cannot read", &e))?.len();
    privet_formats::check_layout(meta.metadata(), file_len)
        .map_err(|e| fail("not a readable Parquet file", &e))?;
    let numbers = changed_numbers(&file, &meta, r).map_err(|e| match e {
        Pass1Error::Read(e) => fail("cannot read", &e),
        Pass1Error::Redact(e) => e,
    })?;
    let (schema, plans) = plan_schema(meta.schema(), r, Leaves::Write(&numbers));
    let props = writer_properties(meta.metadata());

    let dir = match output.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let out_fail = |what: &str, e: &dyn std::fmt::Display| {
        RedactError::Io(format!("{}: {what}: {e}", output.display()))
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".privet-redact-")
        .tempfile_in(dir)
        .map_err(|e| out_fail("cannot create a temporary file", &e))?;
    let mut stats = Stats::default();
    {
        let mut writer = ArrowWriter::try_new(tmp.as_file_mut(), schema.clone(), Some(props))
            .map_err(|e| out_fail("cannot write", &e))?;
        for group in 0..meta.metadata().num_row_groups() {
            let reader = row_group_reader(&file, &meta, group)
                .map_err(|e| fail(&format!("row group {group}"), &e))?;
            for batch in BatchIter(reader) {
                let batch = batch.map_err(|e| {
                    fail(&format!("row group {group}, after row {}", stats.rows), &e)
                })?;
                let out = redact_batch(&batch, &schema, &plans, r, &mut stats)?;
                writer
                    .write(&out)
                    .map_err(|e| out_fail("cannot write", &e))?;
            }
            writer.flush().map_err(|e| out_fail("cannot write", &e))?;
        }
        writer.close().map_err(|e| out_fail("cannot write", &e))?;
    }
    tmp.as_file()
        .sync_all()
        .map_err(|e| out_fail("cannot write", &e))?;
    tmp.persist(output)
        .map_err(|e| out_fail("cannot rename into place", &e.error))?;
    Ok(stats)
}

/// Runs a parquet call that has panicked on crafted files before, turning a panic into an error.
fn guarded<T>(f: impl FnOnce() -> parquet::errors::Result<T>) -> Result<T, String> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err("reader failed on a malformed file".into()),
    }
}

/// Why the first pass failed.
enum Pass1Error {
    Read(String),
    Redact(RedactError),
}

/// Pass 1: the paths of the numeric leaves whose values the redactor changes (or nulls) somewhere
/// in the file, so that their output type is known before the schema is written. The redacted
/// values are discarded; pass 2 recomputes them, which gives the same result because the
/// redactor is deterministic per input, except for vault tokens (a column that tokenizes changes
/// in both passes, so its type is right even though the tokens differ).
fn changed_numbers(
    file: &File,
    meta: &ArrowReaderMetadata,
    r: &dyn CellRedactor,
) -> Result<HashSet<String>, Pass1Error> {
    let (_, plans) = plan_schema(meta.schema(), r, Leaves::Probe);
    let plans: Vec<(usize, Plan)> = plans
        .into_iter()
        .filter(|(_, plan)| plan.numbers() > 0)
        .collect();
    let total: usize = plans.iter().map(|(_, plan)| plan.numbers()).sum();
    let mut found = HashSet::new();
    if total == 0 {
        return Ok(found);
    }
    // Only the top-level columns holding numbers are decoded: arrow's top-level fields are the
    // Parquet schema's roots, in order, so the projected batch lines up with `plans`.
    let mask = ProjectionMask::roots(meta.parquet_schema(), plans.iter().map(|(i, _)| *i));
    let handle = file
        .try_clone()
        .map_err(|e| Pass1Error::Read(e.to_string()))?;
    let reader = guarded(|| {
        ParquetRecordBatchReaderBuilder::new_with_metadata(handle, meta.clone())
            .with_projection(mask)
            .with_batch_size(BATCH_ROWS)
            .build()
    })
    .map_err(Pass1Error::Read)?;
    for batch in BatchIter(reader) {
        let batch = batch.map_err(Pass1Error::Read)?;
        if batch.num_columns() != plans.len() {
            return Err(Pass1Error::Read(
                "the projected columns do not match the schema".into(),
            ));
        }
        for ((_, plan), column) in plans.iter().zip(batch.columns()) {
            probe(column, plan, r, &mut found).map_err(Pass1Error::Redact)?;
        }
        if found.len() == total {
            break;
        }
    }
    Ok(found)
}

/// Adds to `found` the numeric leaves under `plan` with a value the redactor changes.
fn probe(
    array: &ArrayRef,
    plan: &Plan,
    r: &dyn CellRedactor,
    found: &mut HashSet<String>,
) -> Result<(), RedactError> {
    match plan {
        // Probe plans hold no text leaves: strings are redacted once, in pass 2.
        Plan::Pass | Plan::Text { .. } => Ok(()),
        Plan::Number { path, nullable } => {
            if found.contains(path) {
                return Ok(());
            }
            let leaf = Leaf {
                path,
                nullable: *nullable,
                r,
            };
            let mut ignored = 0;
            for value in number_strings(array.as_ref()).unwrap_or_default() {
                if let Some(value) = value
                    && leaf.decide(&value, &mut ignored)?.is_some()
                {
                    found.insert(path.clone());
                    break;
                }
            }
            Ok(())
        }
        Plan::Struct { kept, .. } => {
            let s = array.as_struct();
            kept.iter()
                .try_for_each(|(i, p)| probe(s.column(*i), p, r, found))
        }
        Plan::List { plan, .. } => match array.data_type() {
            DataType::List(_) => probe(array.as_list::<i32>().values(), plan, r, found),
            DataType::LargeList(_) => probe(array.as_list::<i64>().values(), plan, r, found),
            DataType::FixedSizeList(..) => {
                probe(array.as_fixed_size_list().values(), plan, r, found)
            }
            DataType::Map(..) => {
                let entries: ArrayRef = Arc::new(array.as_map().entries().clone());
                probe(&entries, plan, r, found)
            }
            _ => Ok(()),
        },
    }
}

fn row_group_reader(
    file: &File,
    meta: &ArrowReaderMetadata,
    group: usize,
) -> Result<ParquetRecordBatchReader, String> {
    let handle = file.try_clone().map_err(|e| e.to_string())?;
    guarded(|| {
        ParquetRecordBatchReaderBuilder::new_with_metadata(handle, meta.clone())
            .with_row_groups(vec![group])
            .with_batch_size(BATCH_ROWS)
            .build()
    })
}

/// Record batches with decoding panics turned into errors.
struct BatchIter(ParquetRecordBatchReader);

impl Iterator for BatchIter {
    type Item = Result<RecordBatch, String>;

    fn next(&mut self) -> Option<Self::Item> {
        match catch_unwind(AssertUnwindSafe(|| self.0.next())) {
            Ok(item) => item.map(|b| b.map_err(|e| e.to_string())),
            Err(_) => Some(Err("reader failed on a malformed file".into())),
        }
    }
}

/// The input's codec per column and row-group size, so the output is laid out like the input.
fn writer_properties(meta: &ParquetMetaData) -> WriterProperties {
    let largest_group = meta
        .row_groups()
        .iter()
        .map(|g| usize::try_from(g.num_rows()).unwrap_or(usize::MAX))
        .max()
        .unwrap_or(0)
        .max(1);
    let mut props = WriterProperties::builder()
        .set_max_row_group_row_count(Some(largest_group))
        .set_max_row_group_bytes(None);
    if let Some(group) = meta.row_groups().first() {
        if let Some(first) = group.columns().first() {
            props = props.set_compression(first.compression());
        }
        for column in group.columns() {
            props =
                props.set_column_compression(column.column_path().clone(), column.compression());
        }
    }
    props.build()
}

/// What happens to one field's values.
#[derive(Debug)]
enum Plan {
    /// Nothing inside can change.
    Pass,
    /// String values under `path`; `nullable` says whether `Null` may become a null.
    Text { path: String, nullable: bool },
    /// Integers or decimals under `path`, redacted as their decimal text into a `Utf8` array.
    Number { path: String, nullable: bool },
    /// A struct: the kept children (input index, plan) under the output fields.
    Struct {
        fields: Fields,
        kept: Vec<(usize, Plan)>,
    },
    /// A list whose elements (under the output element field) follow the plan.
    List { element: FieldRef, plan: Box<Plan> },
}

impl Plan {
    /// How many numeric leaves the plan holds.
    fn numbers(&self) -> usize {
        match self {
            Plan::Pass | Plan::Text { .. } => 0,
            Plan::Number { .. } => 1,
            Plan::Struct { kept, .. } => kept.iter().map(|(_, p)| p.numbers()).sum(),
            Plan::List { plan, .. } => plan.numbers(),
        }
    }
}

/// Which leaves a plan redacts.
#[derive(Clone, Copy)]
enum Leaves<'a> {
    /// Pass 1: every numeric leaf and nothing else (the output schema is not used).
    Probe,
    /// Pass 2: every string leaf, and the numeric leaves at these paths.
    Write(&'a HashSet<String>),
}

fn plan_schema(
    input: &SchemaRef,
    r: &dyn CellRedactor,
    leaves: Leaves<'_>,
) -> (SchemaRef, Vec<(usize, Plan)>) {
    let mut fields = Vec::new();
    let mut plans = Vec::new();
    for (i, field) in input.fields().iter().enumerate() {
        if let Some((out, plan)) = plan_field(field, field.name(), r, leaves) {
            fields.push(out);
            plans.push((i, plan));
        }
    }
    let schema = Schema::new_with_metadata(fields, input.metadata().clone());
    (Arc::new(schema), plans)
}

/// The output field and plan for `field` at `path`, or `None` when it is dropped.
fn plan_field(
    field: &FieldRef,
    path: &str,
    r: &dyn CellRedactor,
    leaves: Leaves<'_>,
) -> Option<(FieldRef, Plan)> {
    if r.drops(path) {
        return None;
    }
    let plan = match field.data_type() {
        DataType::Utf8
        | DataType::LargeUtf8
        | DataType::Utf8View
        | DataType::Binary
        | DataType::LargeBinary => text(path, field, leaves),
        DataType::Dictionary(_, values)
            if matches!(values.as_ref(), DataType::Utf8 | DataType::LargeUtf8) =>
        {
            text(path, field, leaves)
        }
        t if is_number(t) => {
            let number = Plan::Number {
                path: path.to_string(),
                nullable: field.is_nullable(),
            };
            match leaves {
                Leaves::Probe => number,
                Leaves::Write(changed) if changed.contains(path) => {
                    let out = field.as_ref().clone().with_data_type(DataType::Utf8);
                    return Some((Arc::new(out), number));
                }
                Leaves::Write(_) => Plan::Pass,
            }
        }
        DataType::Struct(children) => {
            let mut fields = Vec::new();
            let mut kept = Vec::new();
            for (i, child) in children.iter().enumerate() {
                if let Some((out, plan)) =
                    plan_field(child, &format!("{path}.{}", child.name()), r, leaves)
                {
                    fields.push(out);
                    kept.push((i, plan));
                }
            }
            if kept.is_empty() {
                return None;
            }
            let untouched =
                kept.len() == children.len() && kept.iter().all(|(_, p)| matches!(p, Plan::Pass));
            if untouched {
                Plan::Pass
            } else {
                let fields = Fields::from(fields);
                let out = field
                    .as_ref()
                    .clone()
                    .with_data_type(DataType::Struct(fields.clone()));
                return Some((Arc::new(out), Plan::Struct { fields, kept }));
            }
        }
        // Every shape the reader visits as elements under `path[]` (a map as its key/value
        // entries), so what `privet scan` reports inside them, redact reaches.
        DataType::List(child)
        | DataType::LargeList(child)
        | DataType::FixedSizeList(child, _)
        | DataType::Map(child, _) => {
            let (element, plan) = plan_field(child, &format!("{path}[]"), r, leaves)?;
            let map_entries_cut = matches!(field.data_type(), DataType::Map(..))
                && matches!(&plan, Plan::Struct { kept, .. } if kept.len() != 2);
            if map_entries_cut {
                // A map without its key or its value is no map: dropping a part drops it all.
                return None;
            }
            if matches!(plan, Plan::Pass) {
                Plan::Pass
            } else {
                let data_type = match field.data_type() {
                    DataType::List(_) => DataType::List(element.clone()),
                    DataType::FixedSizeList(_, size) => {
                        DataType::FixedSizeList(element.clone(), *size)
                    }
                    // Redacted keys need not keep their order.
                    DataType::Map(..) => DataType::Map(element.clone(), false),
                    _ => DataType::LargeList(element.clone()),
                };
                let out = field.as_ref().clone().with_data_type(data_type);
                return Some((
                    Arc::new(out),
                    Plan::List {
                        element,
                        plan: Box::new(plan),
                    },
                ));
            }
        }
        _ => Plan::Pass,
    };
    Some((field.clone(), plan))
}

fn text(path: &str, field: &Field, leaves: Leaves<'_>) -> Plan {
    match leaves {
        Leaves::Probe => Plan::Pass,
        Leaves::Write(_) => Plan::Text {
            path: path.to_string(),
            nullable: field.is_nullable(),
        },
    }
}

/// Integers, decimals and dictionaries of them: the types whose values can spell an identifier.
fn is_number(data_type: &DataType) -> bool {
    match data_type {
        DataType::Int8
        | DataType::Int16
        | DataType::Int32
        | DataType::Int64
        | DataType::UInt8
        | DataType::UInt16
        | DataType::UInt32
        | DataType::UInt64
        | DataType::Decimal32(..)
        | DataType::Decimal64(..)
        | DataType::Decimal128(..)
        | DataType::Decimal256(..) => true,
        DataType::Dictionary(_, values) => is_number(values),
        _ => false,
    }
}

/// The decimal text of each value of a numeric array (`None` for nulls), or `None` when the
/// array is not numeric.
fn number_strings(array: &dyn Array) -> Option<Vec<Option<String>>> {
    fn ints<T: ArrowPrimitiveType>(array: &dyn Array) -> Vec<Option<String>>
    where
        T::Native: std::fmt::Display,
    {
        array
            .as_primitive::<T>()
            .iter()
            .map(|v| v.map(|v| v.to_string()))
            .collect()
    }
    fn decimals<T: DecimalType>(array: &dyn Array) -> Vec<Option<String>> {
        let a = array.as_primitive::<T>();
        (0..a.len())
            .map(|i| a.is_valid(i).then(|| a.value_as_string(i)))
            .collect()
    }
    Some(match array.data_type() {
        DataType::Int8 => ints::<Int8Type>(array),
        DataType::Int16 => ints::<Int16Type>(array),
        DataType::Int32 => ints::<Int32Type>(array),
        DataType::Int64 => ints::<Int64Type>(array),
        DataType::UInt8 => ints::<UInt8Type>(array),
        DataType::UInt16 => ints::<UInt16Type>(array),
        DataType::UInt32 => ints::<UInt32Type>(array),
        DataType::UInt64 => ints::<UInt64Type>(array),
        DataType::Decimal32(..) => decimals::<Decimal32Type>(array),
        DataType::Decimal64(..) => decimals::<Decimal64Type>(array),
        DataType::Decimal128(..) => decimals::<Decimal128Type>(array),
        DataType::Decimal256(..) => decimals::<Decimal256Type>(array),
        _ => {
            // The block form: the macro's expression form calls itself unqualified.
            arrow_array::downcast_dictionary_array!(
                array => {
                    let values = number_strings(array.values().as_ref())?;
                    (0..array.len())
                        .map(|i| array.key(i).and_then(|k| values.get(k).cloned().flatten()))
                        .collect()
                }
                _ => return None
            )
        }
    })
}

fn redact_batch(
    batch: &RecordBatch,
    schema: &SchemaRef,
    plans: &[(usize, Plan)],
    r: &dyn CellRedactor,
    stats: &mut Stats,
) -> Result<RecordBatch, RedactError> {
    let columns = plans
        .iter()
        .map(|(i, plan)| redact_array(batch.column(*i), plan, r, &mut stats.cells_changed))
        .collect::<Result<Vec<_>, _>>()?;
    stats.rows += batch.num_rows() as u64;
    let options = arrow_array::RecordBatchOptions::new().with_row_count(Some(batch.num_rows()));
    RecordBatch::try_new_with_options(schema.clone(), columns, &options)
        .map_err(|e| RedactError::Io(format!("cannot assemble a record batch: {e}")))
}

fn redact_array(
    array: &ArrayRef,
    plan: &Plan,
    r: &dyn CellRedactor,
    changed: &mut u64,
) -> Result<ArrayRef, RedactError> {
    match plan {
        Plan::Pass => Ok(array.clone()),
        Plan::Text { path, nullable } => {
            let leaf = Leaf {
                path,
                nullable: *nullable,
                r,
            };
            Ok(redact_text(array, &leaf, changed)?.unwrap_or_else(|| array.clone()))
        }
        Plan::Number { path, nullable } => {
            let leaf = Leaf {
                path,
                nullable: *nullable,
                r,
            };
            let values = number_strings(array.as_ref())
                .ok_or_else(|| assemble(&format!("column {path} is not numeric")))?;
            let mut out = Vec::with_capacity(values.len());
            for value in values {
                out.push(match value {
                    None => None,
                    Some(s) => match leaf.decide(&s, changed)? {
                        None => Some(s),
                        Some(new) => new,
                    },
                });
            }
            Ok(Arc::new(StringArray::from(out)))
        }
        Plan::Struct { fields, kept } => {
            let s = array.as_struct();
            let children = kept
                .iter()
                .map(|(i, p)| redact_array(s.column(*i), p, r, changed))
                .collect::<Result<Vec<_>, _>>()?;
            let out = StructArray::try_new_with_length(
                fields.clone(),
                children,
                s.nulls().cloned(),
                s.len(),
            )
            .map_err(|e| assemble(&e))?;
            Ok(Arc::new(out))
        }
        Plan::List { element, plan } => match array.data_type() {
            DataType::List(_) => list::<i32>(array.as_list::<i32>(), element, plan, r, changed),
            DataType::LargeList(_) => {
                list::<i64>(array.as_list::<i64>(), element, plan, r, changed)
            }
            DataType::FixedSizeList(_, size) => {
                let l = array.as_fixed_size_list();
                let values = redact_array(l.values(), plan, r, changed)?;
                let out =
                    FixedSizeListArray::try_new(element.clone(), *size, values, l.nulls().cloned())
                        .map_err(|e| assemble(&e))?;
                Ok(Arc::new(out))
            }
            DataType::Map(..) => {
                let m = array.as_map();
                let entries: ArrayRef = Arc::new(m.entries().clone());
                let entries = redact_array(&entries, plan, r, changed)?;
                let out = MapArray::try_new(
                    element.clone(),
                    m.offsets().clone(),
                    entries.as_struct().clone(),
                    m.nulls().cloned(),
                    false,
                )
                .map_err(|e| assemble(&e))?;
                Ok(Arc::new(out))
            }
            other => Err(assemble(&format!("a list plan met {other}"))),
        },
    }
}

fn list<O: OffsetSizeTrait>(
    l: &GenericListArray<O>,
    element: &FieldRef,
    plan: &Plan,
    r: &dyn CellRedactor,
    changed: &mut u64,
) -> Result<ArrayRef, RedactError> {
    let values = redact_array(l.values(), plan, r, changed)?;
    let out = GenericListArray::<O>::try_new(
        element.clone(),
        l.offsets().clone(),
        values,
        l.nulls().cloned(),
    )
    .map_err(|e| assemble(&e))?;
    Ok(Arc::new(out))
}

fn assemble(e: &dyn std::fmt::Display) -> RedactError {
    RedactError::Io(format!("cannot assemble a column: {e}"))
}

/// A column's values after redaction: nulls, kept values and replacements.
type Redacted<'v, T> = Vec<Option<Cow<'v, T>>>;

/// One string column being redacted.
struct Leaf<'a> {
    path: &'a str,
    nullable: bool,
    r: &'a dyn CellRedactor,
}

impl Leaf<'_> {
    /// The new value, or `None` to keep it; counts changes.
    fn decide(
        &self,
        value: &str,
        changed: &mut u64,
    ) -> Result<Option<Option<String>>, RedactError> {
        let out = match self.r.cell(self.path, value)? {
            CellOut::Keep => return Ok(None),
            CellOut::Replace(s) if s == value => return Ok(None),
            CellOut::Replace(s) => Some(s),
            CellOut::Null if self.nullable => None,
            CellOut::Null if value.is_empty() => return Ok(None),
            CellOut::Null => Some(String::new()),
        };
        *changed += 1;
        Ok(Some(out))
    }

    /// Redacts string values; `None` when none changed.
    fn strings<'v>(
        &self,
        values: impl Iterator<Item = Option<&'v str>>,
        changed: &mut u64,
    ) -> Result<Option<Redacted<'v, str>>, RedactError> {
        let mut any = false;
        let mut out = Vec::new();
        for v in values {
            out.push(match v {
                None => None,
                Some(s) => match self.decide(s, changed)? {
                    None => Some(Cow::Borrowed(s)),
                    Some(new) => {
                        any = true;
                        new.map(Cow::Owned)
                    }
                },
            });
        }
        Ok(any.then_some(out))
    }

    /// Redacts binary values that are UTF-8 text; others are kept. `None` when none changed.
    fn bytes<'v>(
        &self,
        values: impl Iterator<Item = Option<&'v [u8]>>,
        changed: &mut u64,
    ) -> Result<Option<Redacted<'v, [u8]>>, RedactError> {
        let mut any = false;
        let mut out = Vec::new();
        for v in values {
            let text = v.and_then(|b| std::str::from_utf8(b).ok());
            let new = match text {
                Some(s) => self.decide(s, changed)?,
                None => None,
            };
            out.push(match new {
                None => v.map(Cow::Borrowed),
                Some(new) => {
                    any = true;
                    new.map(|s| Cow::Owned(s.into_bytes()))
                }
            });
        }
        Ok(any.then_some(out))
    }
}

/// A string-like array redacted; `None` when nothing changed.
fn redact_text(
    array: &ArrayRef,
    leaf: &Leaf<'_>,
    changed: &mut u64,
) -> Result<Option<ArrayRef>, RedactError> {
    let out: Option<ArrayRef> = match array.data_type() {
        DataType::Utf8 => leaf
            .strings(array.as_string::<i32>().iter(), changed)?
            .map(|v| Arc::new(StringArray::from_iter(v)) as ArrayRef),
        DataType::LargeUtf8 => leaf
            .strings(array.as_string::<i64>().iter(), changed)?
            .map(|v| Arc::new(LargeStringArray::from_iter(v)) as ArrayRef),
        DataType::Utf8View => leaf
            .strings(array.as_string_view().iter(), changed)?
            .map(|v| Arc::new(StringViewArray::from_iter(v)) as ArrayRef),
        DataType::Binary => leaf
            .bytes(array.as_binary::<i32>().iter(), changed)?
            .map(|v| Arc::new(BinaryArray::from_iter(v)) as ArrayRef),
        DataType::LargeBinary => leaf
            .bytes(array.as_binary::<i64>().iter(), changed)?
            .map(|v| Arc::new(LargeBinaryArray::from_iter(v)) as ArrayRef),
        _ => {
            let dict = array.as_ref();
            // The block form: the macro's expression form calls itself unqualified.
            arrow_array::downcast_dictionary_array!(
                dict => { redact_dictionary(dict, leaf, changed)? }
                _ => None
            )
        }
    };
    Ok(out)
}

/// A dictionary of strings, redacted row by row (so the redactor sees every value in row order)
/// and re-encoded with the same key type.
fn redact_dictionary<K: ArrowDictionaryKeyType>(
    dict: &DictionaryArray<K>,
    leaf: &Leaf<'_>,
    changed: &mut u64,
) -> Result<Option<ArrayRef>, RedactError> {
    match dict.values().data_type() {
        DataType::Utf8 => redact_dictionary_of::<K, i32>(dict, leaf, changed),
        DataType::LargeUtf8 => redact_dictionary_of::<K, i64>(dict, leaf, changed),
        _ => Ok(None),
    }
}

fn redact_dictionary_of<K: ArrowDictionaryKeyType, O: OffsetSizeTrait>(
    dict: &DictionaryArray<K>,
    leaf: &Leaf<'_>,
    changed: &mut u64,
) -> Result<Option<ArrayRef>, RedactError> {
    let Some(typed) = dict.downcast_dict::<arrow_array::GenericStringArray<O>>() else {
        return Ok(None);
    };
    let Some(values) = leaf.strings(typed.into_iter(), changed)? else {
        return Ok(None);
    };
    let mut builder = GenericByteDictionaryBuilder::<K, GenericStringType<O>>::new();
    for v in values {
        match v {
            Some(s) => {
                builder
                    .append(s.as_ref())
                    .map_err(|_| RedactError::Operator {
                        column: leaf.path.to_string(),
                        reason: "more distinct values than the dictionary's key type holds".into(),
                    })?;
            }
            None => builder.append_null(),
        }
    }
    Ok(Some(Arc::new(builder.finish())))
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use arrow_array::builder::{ListBuilder, StringBuilder, StringDictionaryBuilder};
    use arrow_array::{ArrayAccessor, Int64Array, ListArray};
    use parquet::basic::Compression;
    use parquet::file::reader::{FileReader, SerializedFileReader};

    use super::*;

    /// Uppercases emails, drops `secret` and `customer.phone`, nulls the note "forget me",
    /// blanks tags; counts the calls per column.
    #[derive(Default)]
    struct Upper {
        calls: Mutex<Vec<String>>,
    }

    impl CellRedactor for Upper {
        fn drops(&self, column: &str) -> bool {
            column == "secret" || column == "customer.phone"
        }

        fn cell(&self, column: &str, value: &str) -> Result<CellOut, RedactError> {
            self.calls.lock().unwrap().push(column.to_string());
            Ok(match column {
                "email" | "customer.email" | "city" => CellOut::Replace(value.to_uppercase()),
                "note" if value == "forget me" => CellOut::Null,
                "tags[]" => CellOut::Replace("tag".into()),
                _ => CellOut::Keep,
            })
        }

        fn text(&self, value: &str) -> Result<String, RedactError> {
            Ok(value.to_string())
        }
    }

    const ROWS: usize = 10;

    fn input_batch() -> RecordBatch {
        let ids = Int64Array::from_iter_values(0..ROWS as i64);
        let emails =
            StringArray::from_iter_values((0..ROWS).map(|i| format!("user{i}@example.com")));
        let notes = StringArray::from_iter((0..ROWS).map(|i| match i % 3 {
            0 => None,
            1 => Some("forget me".to_string()),
            _ => Some(format!("note {i}")),
        }));
        let secrets = StringArray::from_iter_values((0..ROWS).map(|i| format!("s{i}")));
        let customer_fields = Fields::from(vec![
            Field::new("email", DataType::Utf8, true),
            Field::new("phone", DataType::Utf8, true),
        ]);
        let customer = StructArray::new(
            customer_fields,
            vec![
                Arc::new(StringArray::from_iter_values(
                    (0..ROWS).map(|i| format!("c{i}@example.com")),
                )) as ArrayRef,
                Arc::new(StringArray::from_iter_values(
                    (0..ROWS).map(|i| format!("+1555000{i:04}")),
                )),
            ],
            None,
        );
        let mut tags = ListBuilder::new(StringBuilder::new());
        for i in 0..ROWS {
            for j in 0..i % 3 {
                tags.values().append_value(format!("t{j}"));
            }
            tags.append(i % 4 != 3);
        }
        let tags: ListArray = tags.finish();
        let mut cities = StringDictionaryBuilder::<Int32Type>::new();
        for i in 0..ROWS {
            cities.append_value(if i % 2 == 0 { "paris" } else { "lyon" });
        }
        let schema = Schema::new(vec![
            Field::new("id", DataType::Int64, false),
            Field::new("email", DataType::Utf8, false),
            Field::new("note", DataType::Utf8, true),
            Field::new("secret", DataType::Utf8, false),
            Field::new("customer", customer.data_type().clone(), true),
            Field::new("tags", tags.data_type().clone(), true),
            Field::new(
                "city",
                DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8)),
                false,
            ),
        ]);
        RecordBatch::try_new(
            Arc::new(schema),
            vec![
                Arc::new(ids),
                Arc::new(emails),
                Arc::new(notes),
                Arc::new(secrets),
                Arc::new(customer),
                Arc::new(tags),
                Arc::new(cities.finish()),
            ],
        )
        .unwrap()
    }

    /// Writes the batch in row groups of 4 rows, Snappy-compressed.
    fn write_input(path: &Path) {
        let batch = input_batch();
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_max_row_group_row_count(Some(4))
            .build();
        let mut w =
            ArrowWriter::try_new(File::create(path).unwrap(), batch.schema(), Some(props)).unwrap();
        w.write(&batch).unwrap();
        w.close().unwrap();
    }

    /// The whole (small) file as one batch: batches span row groups.
    fn read_all(path: &Path) -> RecordBatch {
        let reader = ParquetRecordBatchReaderBuilder::try_new(File::open(path).unwrap())
            .unwrap()
            .with_batch_size(1024)
            .build()
            .unwrap();
        let mut batches: Vec<_> = reader.map(Result::unwrap).collect();
        assert_eq!(batches.len(), 1);
        batches.remove(0)
    }

    #[test]
    fn strings_redacted_types_and_layout_kept() {
        let dir = tempfile::tempdir().unwrap();
        let (input, output) = (
            dir.path().join("in.parquet"),
            dir.path().join("out.parquet"),
        );
        write_input(&input);
        let r = Upper::default();
        let stats = redact_parquet(&input, &output, &r).unwrap();

        // Changed: 10 emails, 3 notes, 10 customer emails, 8 tags (Parquet keeps no elements
        // under a null list), 10 cities.
        assert_eq!(
            stats,
            Stats {
                rows: 10,
                cells_changed: 41
            }
        );
        let out = read_all(&output);
        let names: Vec<_> = out
            .schema()
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect();
        assert_eq!(names, ["id", "email", "note", "customer", "tags", "city"]);
        let input_batch = input_batch();
        assert_eq!(out.column(0).as_ref(), input_batch.column(0).as_ref());
        assert!(!out.schema().field(1).is_nullable());
        let emails = out.column(1).as_string::<i32>();
        assert_eq!(emails.value(3), "USER3@EXAMPLE.COM");
        let notes = out.column(2).as_string::<i32>();
        assert!(notes.is_null(0) && notes.is_null(1));
        assert_eq!(notes.value(2), "note 2");
        let customer = out.column(3).as_struct();
        assert_eq!(customer.num_columns(), 1);
        assert_eq!(
            customer.column(0).as_string::<i32>().value(4),
            "C4@EXAMPLE.COM"
        );
        let tags = out.column(4).as_list::<i32>();
        assert!(tags.is_null(3));
        assert_eq!(
            tags.value(2).as_string::<i32>().iter().collect::<Vec<_>>(),
            [Some("tag"), Some("tag")]
        );
        let cities = out.column(5).as_dictionary::<Int32Type>();
        let cities = cities.downcast_dict::<StringArray>().unwrap();
        assert_eq!(cities.value(0), "PARIS");
        assert_eq!(cities.value(1), "LYON");

        // Every non-null string of every kept column was offered once, none of the dropped ones.
        let calls = r.calls.lock().unwrap();
        assert!(!calls.iter().any(|c| c == "secret" || c == "customer.phone"));
        assert_eq!(calls.iter().filter(|c| *c == "note").count(), 6);
        assert_eq!(calls.iter().filter(|c| *c == "city").count(), 10);

        let meta = SerializedFileReader::new(File::open(&output).unwrap()).unwrap();
        let groups: Vec<_> = meta
            .metadata()
            .row_groups()
            .iter()
            .map(|g| g.num_rows())
            .collect();
        assert_eq!(groups, [4, 4, 2]);
        let codec = meta.metadata().row_group(0).column(0).compression();
        assert_eq!(codec, Compression::SNAPPY);
    }

    #[test]
    fn non_nullable_strings_become_empty() {
        struct Blank;
        impl CellRedactor for Blank {
            fn drops(&self, _: &str) -> bool {
                false
            }
            fn cell(&self, _: &str, _: &str) -> Result<CellOut, RedactError> {
                Ok(CellOut::Null)
            }
            fn text(&self, value: &str) -> Result<String, RedactError> {
                Ok(value.to_string())
            }
        }
        let dir = tempfile::tempdir().unwrap();
        let (input, output) = (
            dir.path().join("in.parquet"),
            dir.path().join("out.parquet"),
        );
        write_input(&input);
        redact_parquet(&input, &output, &Blank).unwrap();
        let out = read_all(&output);
        let emails = out.column(1).as_string::<i32>();
        assert_eq!(emails.null_count(), 0);
        assert!(emails.iter().all(|e| e == Some("")));
        assert_eq!(out.column(2).null_count(), ROWS);
    }

    /// Replaces values that look like card numbers (13 to 19 digits, Luhn-valid) by `[CARD]`.
    struct Cards;

    impl CellRedactor for Cards {
        fn drops(&self, _: &str) -> bool {
            false
        }
        fn cell(&self, _: &str, value: &str) -> Result<CellOut, RedactError> {
            let card = (13..=19).contains(&value.len())
                && value.bytes().all(|b| b.is_ascii_digit())
                && luhn(value);
            Ok(if card {
                CellOut::Replace("[CARD]".into())
            } else {
                CellOut::Keep
            })
        }
        fn text(&self, value: &str) -> Result<String, RedactError> {
            Ok(value.to_string())
        }
    }

    fn luhn(digits: &str) -> bool {
        privet_types::checks::luhn_valid(digits.as_bytes())
    }

    /// A Luhn-valid 16-digit number starting 4111 11, varying with `i`.
    fn card(i: i64) -> i64 {
        let body = 411_111_111_111_000 + i;
        let check = privet_types::checks::luhn_check_digit(body.to_string().as_bytes()).unwrap();
        body * 10 + i64::from(check)
    }

    #[test]
    fn numbers_that_change_become_text_others_keep_their_type() {
        let dir = tempfile::tempdir().unwrap();
        let (input, output) = (
            dir.path().join("in.parquet"),
            dir.path().join("out.parquet"),
        );
        // Row 3 has no card, row 5 a short number the redactor keeps.
        let cards = Int64Array::from_iter((0..ROWS as i64).map(|i| match i {
            3 => None,
            5 => Some(42),
            _ => Some(card(i)),
        }));
        let ages = Int64Array::from_iter_values((0..ROWS as i64).map(|i| 20 + i));
        // Nested too: `billing.card` changes, `billing.zip` does not.
        let billing = StructArray::new(
            Fields::from(vec![
                Field::new("card", DataType::Int64, false),
                Field::new("zip", DataType::Int32, false),
            ]),
            vec![
                Arc::new(Int64Array::from_iter_values((0..ROWS as i64).map(card))) as ArrayRef,
                Arc::new(arrow_array::Int32Array::from_iter_values(0..ROWS as i32)),
            ],
            None,
        );
        let schema = Schema::new(vec![
            Field::new("card", DataType::Int64, true),
            Field::new("age", DataType::Int64, false),
            Field::new("billing", billing.data_type().clone(), false),
        ]);
        let batch = RecordBatch::try_new(
            Arc::new(schema),
            vec![Arc::new(cards), Arc::new(ages.clone()), Arc::new(billing)],
        )
        .unwrap();
        let props = WriterProperties::builder()
            .set_max_row_group_row_count(Some(4))
            .build();
        let mut w =
            ArrowWriter::try_new(File::create(&input).unwrap(), batch.schema(), Some(props))
                .unwrap();
        w.write(&batch).unwrap();
        w.close().unwrap();

        let stats = redact_parquet(&input, &output, &Cards).unwrap();
        assert_eq!(
            stats,
            Stats {
                rows: ROWS as u64,
                cells_changed: 2 * ROWS as u64 - 2
            }
        );
        let out = read_all(&output);
        assert_eq!(out.num_rows(), ROWS);
        assert_eq!(out.schema().field(0).data_type(), &DataType::Utf8);
        assert_eq!(out.schema().field(1).data_type(), &DataType::Int64);
        let cards = out.column(0).as_string::<i32>();
        assert!(cards.is_null(3));
        assert_eq!(cards.value(5), "42");
        for i in (0..ROWS).filter(|i| ![3, 5].contains(i)) {
            assert_eq!(cards.value(i), "[CARD]");
        }
        assert_eq!(out.column(1).as_primitive::<Int64Type>(), &ages);
        let billing = out.column(2).as_struct();
        assert_eq!(billing.column(0).data_type(), &DataType::Utf8);
        assert_eq!(billing.column(0).as_string::<i32>().value(7), "[CARD]");
        assert_eq!(billing.column(1).data_type(), &DataType::Int32);
    }

    #[test]
    fn decimals_and_dictionaries_are_read_as_decimal_text() {
        let decimals = arrow_array::Decimal128Array::from(vec![Some(3750), None, Some(-5)])
            .with_precision_and_scale(10, 2)
            .unwrap();
        assert_eq!(
            number_strings(&decimals).unwrap(),
            [Some("37.50".to_string()), None, Some("-0.05".to_string())]
        );
        let dict: DictionaryArray<Int32Type> = DictionaryArray::new(
            arrow_array::Int32Array::from(vec![Some(1), None, Some(0), Some(1)]),
            Arc::new(arrow_array::UInt64Array::from(vec![7, 4111111111111111])),
        );
        assert!(is_number(dict.data_type()));
        let big = Some("4111111111111111".to_string());
        assert_eq!(
            number_strings(&dict).unwrap(),
            [big.clone(), None, Some("7".to_string()), big]
        );
        assert!(number_strings(&StringArray::from(vec!["1"])).is_none());
    }

    #[test]
    fn damaged_file_is_an_error_and_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let (input, output) = (
            dir.path().join("in.parquet"),
            dir.path().join("out.parquet"),
        );
        write_input(&input);
        let mut bytes = std::fs::read(&input).unwrap();
        let middle = bytes.len() / 2;
        bytes.truncate(middle);
        bytes.extend_from_slice(b"PAR1");
        std::fs::write(&input, &bytes).unwrap();
        let err = redact_parquet(&input, &output, &Upper::default()).unwrap_err();
        assert!(err.to_string().contains("in.parquet"), "{err}");
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "only the input remains");

        std::fs::write(&input, b"not parquet at all").unwrap();
        assert!(redact_parquet(&input, &output, &Upper::default()).is_err());
        assert!(!output.exists());
    }

    #[test]
    fn failing_redactor_leaves_no_output() {
        struct Fails;
        impl CellRedactor for Fails {
            fn drops(&self, _: &str) -> bool {
                false
            }
            fn cell(&self, column: &str, _: &str) -> Result<CellOut, RedactError> {
                Err(RedactError::Operator {
                    column: column.to_string(),
                    reason: "no key".into(),
                })
            }
            fn text(&self, value: &str) -> Result<String, RedactError> {
                Ok(value.to_string())
            }
        }
        let dir = tempfile::tempdir().unwrap();
        let (input, output) = (
            dir.path().join("in.parquet"),
            dir.path().join("out.parquet"),
        );
        write_input(&input);
        let err = redact_parquet(&input, &output, &Fails).unwrap_err();
        // The first pass meets the numbers: `id` fails before anything is written.
        assert_eq!(err.to_string(), "column id: no key");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
