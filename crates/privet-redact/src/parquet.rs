//! Parquet in, Parquet out: every string value goes through the [`CellRedactor`], every other
//! value and the file's layout (compression, row groups, schema, metadata) stay as they were.

use std::borrow::Cow;
use std::fs::File;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::Arc;

use arrow_array::builder::GenericByteDictionaryBuilder;
use arrow_array::cast::AsArray;
use arrow_array::types::{ArrowDictionaryKeyType, GenericStringType};
use arrow_array::{
    Array, ArrayRef, BinaryArray, DictionaryArray, GenericListArray, LargeBinaryArray,
    LargeStringArray, OffsetSizeTrait, RecordBatch, StringArray, StringViewArray, StructArray,
};
use arrow_schema::{DataType, Field, FieldRef, Fields, Schema, SchemaRef};
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReader,
    ParquetRecordBatchReaderBuilder,
};
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
/// `items[].email`) are redacted too; maps, fixed-size lists and all non-string values pass through
/// unchanged. `Null` becomes a null, or an empty string where the field is not nullable.
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
    let (schema, plans) = plan_schema(meta.schema(), r);
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
    /// A struct: the kept children (input index, plan) under the output fields.
    Struct {
        fields: Fields,
        kept: Vec<(usize, Plan)>,
    },
    /// A list whose elements (under the output element field) follow the plan.
    List { element: FieldRef, plan: Box<Plan> },
}

fn plan_schema(input: &SchemaRef, r: &dyn CellRedactor) -> (SchemaRef, Vec<(usize, Plan)>) {
    let mut fields = Vec::new();
    let mut plans = Vec::new();
    for (i, field) in input.fields().iter().enumerate() {
        if let Some((out, plan)) = plan_field(field, field.name(), r) {
            fields.push(out);
            plans.push((i, plan));
        }
    }
    let schema = Schema::new_with_metadata(fields, input.metadata().clone());
    (Arc::new(schema), plans)
}

/// The output field and plan for `field` at `path`, or `None` when it is dropped.
fn plan_field(field: &FieldRef, path: &str, r: &dyn CellRedactor) -> Option<(FieldRef, Plan)> {
    if r.drops(path) {
        return None;
    }
    let plan = match field.data_type() {
        DataType::Utf8
        | DataType::LargeUtf8
        | DataType::Utf8View
        | DataType::Binary
        | DataType::LargeBinary => text(path, field),
        DataType::Dictionary(_, values)
            if matches!(values.as_ref(), DataType::Utf8 | DataType::LargeUtf8) =>
        {
            text(path, field)
        }
        DataType::Struct(children) => {
            let mut fields = Vec::new();
            let mut kept = Vec::new();
            for (i, child) in children.iter().enumerate() {
                if let Some((out, plan)) = plan_field(child, &format!("{path}.{}", child.name()), r)
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
        DataType::List(child) | DataType::LargeList(child) => {
            let (element, plan) = plan_field(child, &format!("{path}[]"), r)?;
            if matches!(plan, Plan::Pass) {
                Plan::Pass
            } else {
                let data_type = match field.data_type() {
                    DataType::List(_) => DataType::List(element.clone()),
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

fn text(path: &str, field: &Field) -> Plan {
    Plan::Text {
        path: path.to_string(),
        nullable: field.is_nullable(),
    }
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
            _ => list::<i64>(array.as_list::<i64>(), element, plan, r, changed),
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
    use arrow_array::types::Int32Type;
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
        assert_eq!(err.to_string(), "column email: no key");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
