//! Column classification of a DataFrame or Arrow table: the column report of `privet scan`.

use std::sync::Arc;

use arrow_pyarrow::{PyArrowType, Table};
use privet_detect::{ColumnContext, ColumnStats, ColumnSummary, Detector, Verdict};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::errors::{Failure, Kind};
use crate::fields;

/// The object as an Arrow table: pandas through `pyarrow.Table.from_pandas` (index left out),
/// record batches wrapped, anything with `__arrow_c_stream__` read as a stream.
pub(crate) fn as_table(py: Python<'_>, data: &Bound<'_, PyAny>) -> PyResult<Table> {
    let pa = py.import("pyarrow")?;
    let module: String = data.get_type().getattr("__module__")?.extract()?;
    let data = if module.starts_with("pandas") && data.hasattr("columns")? {
        let kwargs = PyDict::new(py);
        kwargs.set_item("preserve_index", false)?;
        pa.getattr("Table")?
            .call_method("from_pandas", (data,), Some(&kwargs))?
    } else if data.is_instance(&pa.getattr("RecordBatch")?)? {
        pa.getattr("Table")?
            .call_method1("from_batches", (vec![data.clone()],))?
    } else if data.hasattr("__arrow_c_stream__")? {
        data.clone()
    } else {
        return Err(Failure::new(
            Kind::Unsupported,
            format!(
                "classify takes a pandas.DataFrame, pyarrow.Table or pyarrow.RecordBatch, not {}",
                data.get_type().name()?
            ),
        )
        .into());
    };
    Ok(data.extract::<PyArrowType<Table>>()?.0)
}

/// One column's classification.
pub(crate) struct Column {
    name: Arc<str>,
    summary: ColumnSummary,
}

/// Every column's classification over all rows of the table, in first-seen order.
pub(crate) fn columns(
    detector: &Detector,
    table: &Table,
    threads: usize,
) -> Result<Vec<Column>, Failure> {
    let mut merged: Vec<(Arc<str>, ColumnStats)> = Vec::new();
    for batch in table.record_batches() {
        let scan = fields::scan_batch(detector, batch, threads)?;
        for (name, stats) in scan.columns {
            match merged.iter_mut().find(|(n, _)| *n == name) {
                Some((_, s)) => s.merge(&stats),
                None => merged.push((name, stats)),
            }
        }
    }
    Ok(merged
        .into_iter()
        .map(|(name, stats)| Column {
            summary: stats.summarize(&ColumnContext::from_header(&name)),
            name,
        })
        .collect())
}

fn verdict(v: Verdict) -> &'static str {
    match v {
        Verdict::Column => "column",
        Verdict::Scattered => "scattered",
        Verdict::NotPersonal => "not_personal",
    }
}

/// The classification as a dict.
pub(crate) fn to_dict<'py>(py: Python<'py>, c: &Column) -> PyResult<Bound<'py, PyDict>> {
    let s = &c.summary;
    let d = PyDict::new(py);
    d.set_item("column", &*c.name)?;
    d.set_item("type", s.ty.map(|t| t.name()))?;
    d.set_item("verdict", verdict(s.verdict))?;
    d.set_item("matched", s.matched)?;
    d.set_item("non_empty", s.non_empty)?;
    d.set_item("share", privet_types::rounded_confidence(s.share))?;
    d.set_item("confidence", privet_types::rounded_confidence(s.confidence))?;
    d.set_item("header_type", s.header_evidence.map(|t| t.name()))?;
    Ok(d)
}
