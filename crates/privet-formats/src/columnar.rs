//! Parquet through the arrow reader: record batches of about 4096 rows,
//! nested columns as field paths, values formatted as text here (without
//! arrow-cast, which would add a heavy build for types we mostly skip).

use std::fs::File;
use std::io::Read;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Date64Type, Decimal32Type, Decimal64Type, Decimal128Type, Decimal256Type,
    Float16Type, Float32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type,
    Time32MillisecondType, Time32SecondType, Time64MicrosecondType, Time64NanosecondType,
    TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType,
    TimestampSecondType, UInt8Type, UInt16Type, UInt32Type, UInt64Type,
};
use arrow_array::{
    Array, ArrowPrimitiveType, OffsetSizeTrait, PrimitiveArray, RecordBatch, RecordBatchReader,
};
use arrow_schema::{DataType, Field, TimeUnit};
use bytes::Bytes;
use parquet::arrow::arrow_reader::{ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder};
use parquet::errors::ParquetError;
use parquet::file::reader::ChunkReader;

use crate::batch::{BATCH_ROWS, Batch, Columns, FieldBatcher, Source};
use crate::error::{InputError, InputErrorKind, Position};
use crate::input::Input;
use crate::parquet_layout::check_layout;

/// Most bytes of a compressed or streamed Parquet file held in memory
/// (Parquet needs random access, so such input is decoded into memory first).
pub(crate) const IN_MEMORY_CAP: u64 = 1 << 30;

/// How one column (or nested part of it) becomes field values.
#[derive(Debug)]
enum Node {
    /// Scalars under one path.
    Leaf(Arc<str>),
    /// A struct: each child under `parent.child`.
    Struct(Vec<Node>),
    /// A list (or map, as a list of entries): elements under `parent[]`.
    List(Box<Node>),
    /// Dictionary-encoded values.
    Dictionary(Box<Node>),
}

fn plan(field: &Field, path: &str, columns: &mut Columns) -> Node {
    match field.data_type() {
        DataType::Struct(children) => Node::Struct(
            children
                .iter()
                .map(|c| plan(c, &join(path, c.name()), columns))
                .collect(),
        ),
        DataType::List(child)
        | DataType::LargeList(child)
        | DataType::FixedSizeList(child, _)
        | DataType::Map(child, _) => Node::List(Box::new(plan_element(child, path, columns))),
        DataType::Dictionary(_, values) => {
            let inner = Field::new(field.name(), values.as_ref().clone(), true);
            Node::Dictionary(Box::new(plan(&inner, path, columns)))
        }
        _ => Node::Leaf(columns.intern(path)),
    }
}

/// A list's element sits under `parent[]`; its own field name is not part of the path.
fn plan_element(child: &Field, path: &str, columns: &mut Columns) -> Node {
    plan(child, &format!("{path}[]"), columns)
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_string()
    } else {
        format!("{path}.{name}")
    }
}

/// Adds the values of `array` at `at` (index in the array, data row) under `node`.
fn emit(array: &dyn Array, at: &[(usize, u64)], node: &Node, out: &mut FieldBatcher) {
    let present = at
        .iter()
        .copied()
        .filter(|&(i, _)| i < array.len() && array.is_valid(i));
    match node {
        Node::Leaf(column) => {
            for (i, row) in present {
                if let Some(text) = format_value(array, i)
                    && !text.is_empty()
                {
                    out.push(row, Arc::clone(column), text);
                }
            }
        }
        Node::Struct(children) => {
            let Some(s) = array.as_struct_opt() else {
                return;
            };
            let rows: Vec<_> = present.collect();
            for (child, node) in s.columns().iter().zip(children) {
                emit(child.as_ref(), &rows, node, out);
            }
        }
        Node::List(element) => {
            let mut inner = Vec::new();
            let values: &dyn Array = if let Some(l) = array.as_list_opt::<i32>() {
                push_ranges(l.value_offsets(), present, &mut inner);
                l.values().as_ref()
            } else if let Some(l) = array.as_list_opt::<i64>() {
                push_ranges(l.value_offsets(), present, &mut inner);
                l.values().as_ref()
            } else if let Some(m) = array.as_map_opt() {
                push_ranges(m.value_offsets(), present, &mut inner);
                m.entries()
            } else if let Some(l) = array.as_fixed_size_list_opt() {
                let size = usize::try_from(l.value_length()).unwrap_or(0);
                for (i, row) in present {
                    inner.extend((i * size..(i + 1) * size).map(|j| (j, row)));
                }
                l.values().as_ref()
            } else {
                return;
            };
            emit(values, &inner, element, out);
        }
        Node::Dictionary(values) => {
            let Some(d) = array.as_any_dictionary_opt() else {
                return;
            };
            let keys = d.normalized_keys();
            let inner: Vec<_> = present
                .filter_map(|(i, row)| keys.get(i).map(|&k| (k, row)))
                .collect();
            emit(d.values().as_ref(), &inner, values, out);
        }
    }
}

/// Expands list rows into their elements' indices.
fn push_ranges<O: OffsetSizeTrait>(
    offsets: &[O],
    rows: impl Iterator<Item = (usize, u64)>,
    into: &mut Vec<(usize, u64)>,
) {
    for (i, row) in rows {
        if let (Some(s), Some(e)) = (offsets.get(i), offsets.get(i + 1)) {
            into.extend((s.as_usize()..e.as_usize()).map(|j| (j, row)));
        }
    }
}

fn prim<T: ArrowPrimitiveType>(array: &dyn Array) -> Option<&PrimitiveArray<T>> {
    array.as_primitive_opt::<T>()
}

fn num<T>(array: &dyn Array, i: usize) -> Option<String>
where
    T: ArrowPrimitiveType,
    T::Native: ToString,
{
    prim::<T>(array).map(|a| a.value(i).to_string())
}

/// One scalar as text; `None` for binary that is not UTF-8 and for types
/// that carry no personal data in practice (intervals, durations, unions).
fn format_value(array: &dyn Array, i: usize) -> Option<String> {
    match array.data_type() {
        DataType::Boolean => array.as_boolean_opt().map(|a| a.value(i).to_string()),
        DataType::Int8 => num::<Int8Type>(array, i),
        DataType::Int16 => num::<Int16Type>(array, i),
        DataType::Int32 => num::<Int32Type>(array, i),
        DataType::Int64 => num::<Int64Type>(array, i),
        DataType::UInt8 => num::<UInt8Type>(array, i),
        DataType::UInt16 => num::<UInt16Type>(array, i),
        DataType::UInt32 => num::<UInt32Type>(array, i),
        DataType::UInt64 => num::<UInt64Type>(array, i),
        DataType::Float16 => num::<Float16Type>(array, i),
        DataType::Float32 => num::<Float32Type>(array, i),
        DataType::Float64 => num::<Float64Type>(array, i),
        DataType::Utf8 => array.as_string_opt::<i32>().map(|a| a.value(i).to_string()),
        DataType::LargeUtf8 => array.as_string_opt::<i64>().map(|a| a.value(i).to_string()),
        DataType::Utf8View => array.as_string_view_opt().map(|a| a.value(i).to_string()),
        // Writers that store strings without the UTF8 annotation give binary.
        DataType::Binary => utf8(array.as_binary_opt::<i32>().map(|a| a.value(i))),
        DataType::LargeBinary => utf8(array.as_binary_opt::<i64>().map(|a| a.value(i))),
        DataType::BinaryView => utf8(array.as_binary_view_opt().map(|a| a.value(i))),
        DataType::FixedSizeBinary(_) => utf8(array.as_fixed_size_binary_opt().map(|a| a.value(i))),
        DataType::Decimal32(..) => prim::<Decimal32Type>(array).map(|a| a.value_as_string(i)),
        DataType::Decimal64(..) => prim::<Decimal64Type>(array).map(|a| a.value_as_string(i)),
        DataType::Decimal128(..) => prim::<Decimal128Type>(array).map(|a| a.value_as_string(i)),
        DataType::Decimal256(..) => prim::<Decimal256Type>(array).map(|a| a.value_as_string(i)),
        DataType::Date32 => prim::<Date32Type>(array)?
            .value_as_date(i)
            .map(|d| d.to_string()),
        DataType::Date64 => prim::<Date64Type>(array)?
            .value_as_date(i)
            .map(|d| d.to_string()),
        DataType::Timestamp(unit, _) => {
            let dt = match unit {
                TimeUnit::Second => prim::<TimestampSecondType>(array)?.value_as_datetime(i),
                TimeUnit::Millisecond => {
                    prim::<TimestampMillisecondType>(array)?.value_as_datetime(i)
                }
                TimeUnit::Microsecond => {
                    prim::<TimestampMicrosecondType>(array)?.value_as_datetime(i)
                }
                TimeUnit::Nanosecond => {
                    prim::<TimestampNanosecondType>(array)?.value_as_datetime(i)
                }
            };
            dt.map(|d| d.format("%Y-%m-%dT%H:%M:%S%.f").to_string())
        }
        DataType::Time32(TimeUnit::Second) => prim::<Time32SecondType>(array)?
            .value_as_time(i)
            .map(|t| t.to_string()),
        DataType::Time32(_) => prim::<Time32MillisecondType>(array)?
            .value_as_time(i)
            .map(|t| t.to_string()),
        DataType::Time64(TimeUnit::Microsecond) => prim::<Time64MicrosecondType>(array)?
            .value_as_time(i)
            .map(|t| t.to_string()),
        DataType::Time64(_) => prim::<Time64NanosecondType>(array)?
            .value_as_time(i)
            .map(|t| t.to_string()),
        _ => None,
    }
}

fn utf8(bytes: Option<&[u8]>) -> Option<String> {
    std::str::from_utf8(bytes?).ok().map(str::to_string)
}

/// Reads a Parquet file batch by batch.
pub(crate) struct ParquetSource {
    name: String,
    reader: Option<ParquetRecordBatchReader>,
    plan: Vec<Node>,
    columns: Columns,
    /// Data rows read so far.
    row: u64,
    /// An error found while opening, handed out on the first call.
    pending: Option<InputError>,
}

impl ParquetSource {
    /// Opens a Parquet file on disk (random access, nothing loaded up front).
    pub(crate) fn from_file(name: String, file: File) -> Self {
        Self::open(name, file)
    }

    /// Reads a whole (decompressed or streamed) input into memory, up to
    /// [`IN_MEMORY_CAP`], then opens it.
    pub(crate) fn from_input(name: String, input: Input) -> Self {
        let mut input = input;
        let mut data = Vec::new();
        let result = (&mut input).take(IN_MEMORY_CAP + 1).read_to_end(&mut data);
        let error = match result {
            Err(e) => {
                let (kind, pos) = input.classify(e, Position::File);
                Some(InputError::new(name.clone(), pos, kind))
            }
            Ok(n) if n as u64 > IN_MEMORY_CAP => Some(InputError::new(
                name.clone(),
                Position::File,
                InputErrorKind::TooLarge(format!(
                    "compressed or streamed Parquet over {} MiB; decompress it first",
                    IN_MEMORY_CAP >> 20
                )),
            )),
            Ok(_) => None,
        };
        match error {
            Some(e) => ParquetSource::failed(name, e),
            None => Self::open(name, Bytes::from(data)),
        }
    }

    fn failed(name: String, err: InputError) -> Self {
        ParquetSource {
            name,
            reader: None,
            plan: Vec::new(),
            columns: Columns::default(),
            row: 0,
            pending: Some(err),
        }
    }

    fn open<T: ChunkReader + 'static>(name: String, data: T) -> Self {
        // The parquet crate has panicked on crafted files before; a bad file
        // must end this source, not the scan.
        let file_len = data.len();
        let built = catch_unwind(AssertUnwindSafe(|| {
            ParquetRecordBatchReaderBuilder::try_new(data).and_then(|b| {
                check_layout(b.metadata(), file_len).map_err(ParquetError::General)?;
                b.with_batch_size(BATCH_ROWS as usize).build()
            })
        }));
        let reader = match built {
            Ok(Ok(r)) => r,
            Ok(Err(e)) => {
                let err = InputError::new(
                    name.clone(),
                    Position::File,
                    InputErrorKind::Parquet(e.to_string()),
                );
                return ParquetSource::failed(name, err);
            }
            Err(_) => {
                let err = InputError::new(
                    name.clone(),
                    Position::File,
                    InputErrorKind::Parquet("reader failed on a malformed file".into()),
                );
                return ParquetSource::failed(name, err);
            }
        };
        let mut columns = Columns::default();
        let schema = reader.schema();
        let plan = schema
            .fields()
            .iter()
            .map(|f| plan(f, f.name(), &mut columns))
            .collect();
        ParquetSource {
            name,
            reader: Some(reader),
            plan,
            columns,
            row: 0,
            pending: None,
        }
    }

    fn convert(&mut self, batch: &RecordBatch) -> Option<Batch> {
        let at: Vec<(usize, u64)> = (0..batch.num_rows())
            .map(|i| (i, self.row + 1 + i as u64))
            .collect();
        self.row += batch.num_rows() as u64;
        let mut out = FieldBatcher::default();
        for (column, node) in batch.columns().iter().zip(&self.plan) {
            emit(column.as_ref(), &at, node, &mut out);
        }
        out.take()
    }
}

impl Source for ParquetSource {
    fn name(&self) -> &str {
        &self.name
    }

    fn next_batch(&mut self) -> Option<Result<Batch, InputError>> {
        if let Some(e) = self.pending.take() {
            return Some(Err(e));
        }
        loop {
            let reader = self.reader.as_mut()?;
            let next = catch_unwind(AssertUnwindSafe(|| reader.next()));
            let error = match next {
                Ok(None) => {
                    self.reader = None;
                    return None;
                }
                Ok(Some(Ok(batch))) => {
                    let converted = catch_unwind(AssertUnwindSafe(|| self.convert(&batch)));
                    match converted {
                        Ok(Some(b)) => return Some(Ok(b)),
                        // A batch of nulls only: read on.
                        Ok(None) => continue,
                        Err(_) => "could not convert a record batch".to_string(),
                    }
                }
                Ok(Some(Err(e))) => e.to_string(),
                Err(_) => "reader failed on a malformed file".to_string(),
            };
            self.reader = None;
            return Some(Err(InputError::new(
                self.name.clone(),
                Position::Row(self.row + 1),
                InputErrorKind::Parquet(error),
            )));
        }
    }

    fn columns(&self) -> &[Arc<str>] {
        self.columns.order()
    }
}
