//! `privet.Redactor`: a deid.toml policy applied to Python strings and Arrow data, by the same
//! engine as `privet redact`.

use std::path::PathBuf;
use std::sync::Arc;

use arrow_array::builder::{LargeStringBuilder, StringBuilder, StringViewBuilder};
use arrow_array::cast::AsArray;
use arrow_array::types::{
    Decimal32Type, Decimal64Type, Decimal128Type, Decimal256Type, Int8Type, Int16Type, Int32Type,
    Int64Type, UInt8Type, UInt16Type, UInt32Type, UInt64Type,
};
use arrow_array::{Array, ArrayRef, RecordBatch, make_array};
use arrow_pyarrow::PyArrowType;
use arrow_schema::{DataType, Field, Schema};
use privet_crypto::SecretKey;
use privet_redact::cell::{CellOut, CellRedactor, RedactError};
use privet_redact::engine::{Engine, Mode, Row, Secrets};
use privet_redact::keys::{DEID_KEY_ENV, key_from_env_value, key_from_file};
use privet_redact::policy::Policy;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};

use crate::arrow_io::{Strings, chunks, not_strings};
use crate::errors::{Failure, Kind};
use crate::parallel;

/// De-identifies text and Arrow data with a deid.toml policy.
///
/// The engine is `privet redact`'s: column rules first (`[columns.NAME]`), else every detected
/// span replaced by its type's operator (`[defaults]`), the rest of the value kept as it is.
#[pyclass(module = "privet", frozen)]
pub struct Redactor {
    engine: Engine,
    threads: usize,
}

fn config(e: impl std::fmt::Display) -> Failure {
    Failure::new(Kind::Config, e.to_string())
}

fn redact_failure(e: RedactError) -> Failure {
    Failure::new(Kind::Redact, e.to_string())
}

/// A path from an `os.PathLike` (not a `str`: a `str` policy or key is the content itself).
fn path_like(value: &Bound<'_, PyAny>) -> PyResult<Option<PathBuf>> {
    if value.is_instance_of::<PyString>() || !value.hasattr("__fspath__")? {
        return Ok(None);
    }
    Ok(Some(value.call_method0("__fspath__")?.extract()?))
}

fn load_policy(policy: Option<&Bound<'_, PyAny>>) -> PyResult<Policy> {
    let Some(policy) = policy else {
        return Ok(Policy::default());
    };
    let (name, text) = match path_like(policy)? {
        Some(path) => {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| config(format!("cannot read the policy {}: {e}", path.display())))?;
            (path.display().to_string(), text)
        }
        None => ("<policy>".to_owned(), policy.extract::<String>()?),
    };
    let policy = Policy::parse(&text).map_err(|errors| {
        let lines: Vec<String> = errors.0.iter().map(|e| e.located(&name)).collect();
        config(format!("invalid policy\n{}", lines.join("\n")))
    })?;
    if !policy.report.quasi_identifiers.is_empty() {
        // The engine would keep every quasi-identifier value of every call for the report.
        return Err(config(
            "the policy's [report] section is for `privet redact --report`; remove it to use the policy from Python",
        )
        .into());
    }
    Ok(policy)
}

fn load_key(key: Option<&Bound<'_, PyAny>>) -> PyResult<Option<SecretKey>> {
    let Some(key) = key else {
        return match std::env::var(DEID_KEY_ENV) {
            Ok(value) => Ok(Some(key_from_env_value(&value).map_err(config)?)),
            Err(std::env::VarError::NotPresent) => Ok(None),
            Err(std::env::VarError::NotUnicode(_)) => {
                Err(config(format!("{DEID_KEY_ENV} is not valid UTF-8")).into())
            }
        };
    };
    if let Some(path) = path_like(key)? {
        return Ok(Some(key_from_file(&path).map_err(config)?));
    }
    if let Ok(bytes) = key.cast::<PyBytes>() {
        let array: [u8; privet_crypto::KEY_LEN] = bytes.as_bytes().try_into().map_err(|_| {
            config(format!(
                "the key holds {} bytes, expected {}",
                bytes.as_bytes().len(),
                privet_crypto::KEY_LEN
            ))
        })?;
        return Ok(Some(SecretKey::from_bytes(array)));
    }
    let text: String = key.extract()?;
    Ok(Some(key_from_env_value(&text).map_err(config)?))
}

/// The string columns of a batch, as a [`Row`] for operators that read other columns.
struct BatchRow<'a> {
    columns: &'a [(&'a str, Strings<'a>)],
    row: usize,
}

impl Row for BatchRow<'_> {
    fn get(&self, column: &str) -> Option<&str> {
        let (_, values) = self.columns.iter().find(|(name, _)| *name == column)?;
        values.get(self.row)
    }
}

/// A column's values as text: strings as they are, integers and decimals as their decimal text
/// (as `privet redact` hands numbers in Parquet to the engine).
enum Texts<'a> {
    Strings(Strings<'a>),
    Numbers(Vec<Option<String>>),
}

impl Texts<'_> {
    fn get(&self, i: usize) -> Option<&str> {
        match self {
            Texts::Strings(s) => s.get(i),
            Texts::Numbers(n) => n.get(i).and_then(|v| v.as_deref()),
        }
    }
}

fn numbers(array: &dyn Array) -> Option<Vec<Option<String>>> {
    macro_rules! ints {
        ($t:ty) => {{
            let a = array.as_primitive::<$t>();
            (0..a.len())
                .map(|i| a.is_valid(i).then(|| a.value(i).to_string()))
                .collect()
        }};
    }
    macro_rules! decimals {
        ($t:ty) => {{
            let a = array.as_primitive::<$t>();
            (0..a.len())
                .map(|i| a.is_valid(i).then(|| a.value_as_string(i)))
                .collect()
        }};
    }
    Some(match array.data_type() {
        DataType::Int8 => ints!(Int8Type),
        DataType::Int16 => ints!(Int16Type),
        DataType::Int32 => ints!(Int32Type),
        DataType::Int64 => ints!(Int64Type),
        DataType::UInt8 => ints!(UInt8Type),
        DataType::UInt16 => ints!(UInt16Type),
        DataType::UInt32 => ints!(UInt32Type),
        DataType::UInt64 => ints!(UInt64Type),
        DataType::Decimal32(..) => decimals!(Decimal32Type),
        DataType::Decimal64(..) => decimals!(Decimal64Type),
        DataType::Decimal128(..) => decimals!(Decimal128Type),
        DataType::Decimal256(..) => decimals!(Decimal256Type),
        _ => return None,
    })
}

/// Types that hold no validated identifier and pass through unchanged, as in `privet redact`.
fn passes_through(ty: &DataType) -> bool {
    matches!(
        ty,
        DataType::Null
            | DataType::Boolean
            | DataType::Float16
            | DataType::Float32
            | DataType::Float64
            | DataType::Date32
            | DataType::Date64
            | DataType::Time32(_)
            | DataType::Time64(_)
            | DataType::Timestamp(..)
            | DataType::Duration(_)
            | DataType::Interval(_)
    )
}

/// Builds a string array of `like`'s layout from output values.
fn string_array(like: &DataType, values: &[Option<String>]) -> ArrayRef {
    match like {
        DataType::LargeUtf8 => {
            let mut b = LargeStringBuilder::new();
            values.iter().for_each(|v| b.append_option(v.as_deref()));
            Arc::new(b.finish())
        }
        DataType::Utf8View => {
            let mut b = StringViewBuilder::new();
            values.iter().for_each(|v| b.append_option(v.as_deref()));
            Arc::new(b.finish())
        }
        _ => {
            let mut b = StringBuilder::new();
            values.iter().for_each(|v| b.append_option(v.as_deref()));
            Arc::new(b.finish())
        }
    }
}

impl Redactor {
    /// Output values of one column of `len` rows, computed on every thread.
    fn column_out(
        &self,
        name: &str,
        texts: &Texts<'_>,
        len: usize,
        others: &[(&str, Strings<'_>)],
    ) -> Result<Vec<Option<CellOut>>, Failure> {
        let parts = parallel::map(&chunks(len), self.threads, |range| {
            range
                .clone()
                .map(|i| {
                    texts
                        .get(i)
                        .map(|v| {
                            let row = BatchRow {
                                columns: others,
                                row: i,
                            };
                            self.engine.cell_in_row(name, v, Some(&row))
                        })
                        .transpose()
                })
                .collect::<Result<Vec<_>, RedactError>>()
        });
        let mut out = Vec::with_capacity(len);
        for part in parts {
            out.extend(part.map_err(redact_failure)?);
        }
        Ok(out)
    }

    fn batch(&self, batch: &RecordBatch) -> Result<RecordBatch, Failure> {
        let schema = batch.schema();
        let mut texts: Vec<Option<Texts<'_>>> = Vec::new();
        for (field, array) in schema.fields().iter().zip(batch.columns()) {
            let t = match Strings::of(array.as_ref()) {
                Some(s) => Some(Texts::Strings(s)),
                None => numbers(array.as_ref()).map(Texts::Numbers),
            };
            if t.is_none() && !passes_through(field.data_type()) {
                return Err(Failure::new(
                    Kind::Unsupported,
                    format!(
                        "column {}: type {} is not supported by redact_batch (strings, integers, \
                         decimals, and types that hold no identifier: floats, booleans, dates, \
                         times); flatten or cast it, or use `privet redact` on a Parquet file",
                        field.name(),
                        field.data_type()
                    ),
                ));
            }
            texts.push(t);
        }
        let others: Vec<(&str, Strings<'_>)> = schema
            .fields()
            .iter()
            .zip(&texts)
            .filter_map(|(f, t)| match t {
                Some(Texts::Strings(s)) => Some((f.name().as_str(), *s)),
                _ => None,
            })
            .collect();
        let mut fields = Vec::new();
        let mut arrays = Vec::new();
        for ((field, array), t) in schema.fields().iter().zip(batch.columns()).zip(&texts) {
            if self.engine.drops(field.name()) {
                continue;
            }
            let Some(t) = t else {
                fields.push(field.as_ref().clone());
                arrays.push(array.clone());
                continue;
            };
            let outs = self.column_out(field.name(), t, batch.num_rows(), &others)?;
            let changed = outs
                .iter()
                .any(|o| matches!(o, Some(CellOut::Replace(_) | CellOut::Null)));
            if !changed {
                fields.push(field.as_ref().clone());
                arrays.push(array.clone());
                continue;
            }
            let values: Vec<Option<String>> = outs
                .into_iter()
                .enumerate()
                .map(|(i, o)| match o {
                    None => None,
                    Some(CellOut::Keep) => t.get(i).map(str::to_owned),
                    Some(CellOut::Replace(s)) => Some(s),
                    Some(CellOut::Null) => (!field.is_nullable()).then(String::new),
                })
                .collect();
            // A number column that changed becomes text, as in `privet redact` on Parquet.
            let ty = match t {
                Texts::Strings(_) => field.data_type().clone(),
                Texts::Numbers(_) => DataType::Utf8,
            };
            fields.push(
                Field::new(field.name(), ty.clone(), field.is_nullable())
                    .with_metadata(field.metadata().clone()),
            );
            arrays.push(string_array(&ty, &values));
        }
        let schema = Schema::new_with_metadata(fields, schema.metadata().clone());
        let options = arrow_array::RecordBatchOptions::new().with_row_count(Some(batch.num_rows()));
        RecordBatch::try_new_with_options(Arc::new(schema), arrays, &options).map_err(|e| {
            Failure::new(
                Kind::Unsupported,
                format!("cannot build the redacted batch: {e}"),
            )
        })
    }
}

#[pymethods]
impl Redactor {
    #[new]
    #[pyo3(signature = (policy=None, key=None, *, threads=None))]
    fn new(
        policy: Option<Bound<'_, PyAny>>,
        key: Option<Bound<'_, PyAny>>,
        threads: Option<usize>,
    ) -> PyResult<Redactor> {
        let policy = load_policy(policy.as_ref())?;
        let key = load_key(key.as_ref())?;
        let engine =
            Engine::new(policy, Secrets { key, vault: None }, Mode::Redact).map_err(config)?;
        Ok(Redactor {
            engine,
            threads: parallel::threads(threads),
        })
    }

    /// Threads the batch methods use.
    #[getter]
    fn threads(&self) -> usize {
        self.threads
    }

    /// The policy's `[columns.NAME]` rules as (column, operator) pairs.
    #[getter]
    fn column_rules(&self) -> Vec<(String, &'static str)> {
        self.engine
            .policy()
            .columns()
            .map(|(c, op)| (c.to_owned(), op.name()))
            .collect()
    }

    /// `text` with every detected identifier replaced by its type's operator.
    fn redact(&self, py: Python<'_>, text: String) -> PyResult<String> {
        Ok(py
            .detach(|| self.engine.text(&text))
            .map_err(redact_failure)?)
    }

    /// Each text redacted, in input order, in parallel.
    fn redact_many(&self, py: Python<'_>, texts: Vec<String>) -> PyResult<Vec<String>> {
        let out = py.detach(|| parallel::map(&texts, self.threads, |t| self.engine.text(t)));
        Ok(out
            .into_iter()
            .collect::<Result<_, _>>()
            .map_err(redact_failure)?)
    }

    /// A string array redacted: as free text, or, with `column`, as values of that column
    /// (its `[columns.NAME]` rule applies). Nulls stay null; the layout is kept.
    #[pyo3(signature = (array, column=None))]
    fn redact_arrow(
        &self,
        py: Python<'_>,
        array: PyArrowType<arrow_data::ArrayData>,
        column: Option<String>,
    ) -> PyResult<PyArrowType<arrow_data::ArrayData>> {
        let array = make_array(array.0);
        let strings = Strings::of(array.as_ref())
            .ok_or_else(|| not_strings("redact_arrow", array.data_type()))?;
        let out = py.detach(|| -> Result<ArrayRef, Failure> {
            let parts = parallel::map(&chunks(strings.len()), self.threads, |range| {
                range
                    .clone()
                    .map(|i| {
                        let Some(v) = strings.get(i) else {
                            return Ok(None);
                        };
                        match &column {
                            None => self.engine.text(v).map(Some),
                            Some(c) => self.engine.cell(c, v).map(|o| match o {
                                CellOut::Keep => Some(v.to_owned()),
                                CellOut::Replace(s) => Some(s),
                                CellOut::Null => None,
                            }),
                        }
                    })
                    .collect::<Result<Vec<_>, RedactError>>()
            });
            let mut values = Vec::with_capacity(strings.len());
            for part in parts {
                values.extend(part.map_err(redact_failure)?);
            }
            Ok(string_array(array.data_type(), &values))
        })?;
        Ok(PyArrowType(out.to_data()))
    }

    /// A record batch redacted as `privet redact` redacts a Parquet file's columns: dropped
    /// columns removed, strings and numbers through the policy (a number column that changes
    /// becomes text), floats, booleans, dates and times unchanged. Nested columns are refused.
    fn redact_batch(
        &self,
        py: Python<'_>,
        batch: PyArrowType<RecordBatch>,
    ) -> PyResult<PyArrowType<RecordBatch>> {
        let out = py.detach(|| self.batch(&batch.0))?;
        Ok(PyArrowType(out))
    }

    fn __repr__(&self) -> String {
        format!("Redactor(threads={})", self.threads)
    }
}
