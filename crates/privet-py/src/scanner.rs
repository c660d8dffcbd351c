//! `privet.Scanner` and `privet.Finding`: the detectors over Python strings.

use arrow_array::{RecordBatch, make_array};
use arrow_pyarrow::PyArrowType;
use privet_detect::{Detector, DetectorConfig, PhoneRegion, mask};
use privet_types::chars::CharCursor;
use privet_types::{Match, PiiType, rounded_confidence};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::arrow_io::{Located, Strings, chunks, findings_batch, not_strings};
use crate::errors::{Failure, Kind};
use crate::parallel;
use crate::{classify, fields};

/// One piece of personal data found in a text.
///
/// `start` and `end` are character offsets, so `text[f.start:f.end]` is the value. `masked`
/// is safe to print or log; the raw value is never kept in the finding.
#[pyclass(module = "privet", frozen, eq, skip_from_py_object)]
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    pub(crate) ty: PiiType,
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) confidence: f64,
    pub(crate) masked: String,
}

#[pymethods]
impl Finding {
    /// The type's canonical name (`email`, `card_number`, ...), as `privet scan` prints it.
    #[getter(r#type)]
    fn ty(&self) -> &'static str {
        self.ty.name()
    }

    /// Character offset where the value starts.
    #[getter]
    fn start(&self) -> usize {
        self.start
    }

    /// Character offset just past the value.
    #[getter]
    fn end(&self) -> usize {
        self.end
    }

    /// How sure the detector is, 0 to 1, two decimals as in the CLI's output.
    #[getter]
    fn confidence(&self) -> f64 {
        self.confidence
    }

    /// The value masked as the CLI shows it (`a***@e***.com`).
    #[getter]
    fn masked(&self) -> &str {
        &self.masked
    }

    /// The finding as a dict with the keys of `privet scan --format jsonl` (offsets in characters).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("type", self.ty.name())?;
        d.set_item("start", self.start)?;
        d.set_item("end", self.end)?;
        d.set_item("confidence", self.confidence)?;
        d.set_item("masked", &self.masked)?;
        Ok(d)
    }

    fn __repr__(&self) -> String {
        format!(
            "Finding(type={:?}, start={}, end={}, confidence={}, masked={:?})",
            self.ty.name(),
            self.start,
            self.end,
            self.confidence,
            self.masked
        )
    }
}

/// Turns a text's matches (sorted, byte offsets) into findings with character offsets.
pub(crate) fn locate(text: &str, matches: &[Match]) -> Vec<Finding> {
    let mut cursor = CharCursor::new(text);
    matches
        .iter()
        .map(|m| {
            let raw = text.get(m.start..m.end).unwrap_or_default();
            Finding {
                ty: m.ty,
                start: cursor.chars_at(m.start),
                end: cursor.chars_at(m.end),
                confidence: rounded_confidence(m.confidence),
                masked: mask::mask(m.ty, raw),
            }
        })
        .collect()
}

/// The checked settings of a scanner.
pub(crate) fn detector(
    types: Option<Vec<String>>,
    min_confidence: f64,
    region: Option<String>,
) -> Result<(Detector, Vec<PiiType>), Failure> {
    let region = region
        .map(|r| PhoneRegion::parse(&r))
        .transpose()
        .map_err(|e| Failure::new(Kind::Config, e.to_string()))?;
    if !(0.0..=1.0).contains(&min_confidence) {
        return Err(Failure::new(
            Kind::Config,
            format!("\"{min_confidence}\" is not a confidence between 0 and 1"),
        ));
    }
    let types = match types {
        None => PiiType::ALL.to_vec(),
        Some(names) if names.is_empty() => {
            return Err(Failure::new(
                Kind::Config,
                "types is empty; pass None to look for every type",
            ));
        }
        Some(names) => {
            let mut types = Vec::new();
            for name in names {
                let ty: PiiType =
                    name.trim()
                        .parse()
                        .map_err(|e: privet_types::UnknownPiiType| {
                            Failure::new(Kind::Config, e.to_string())
                        })?;
                if !types.contains(&ty) {
                    types.push(ty);
                }
            }
            types
        }
    };
    let config = DetectorConfig {
        types: types.clone(),
        min_confidence: min_confidence as f32,
        region,
    };
    let detector = Detector::new(config).map_err(|e| Failure::new(Kind::Config, e.to_string()))?;
    Ok((detector, types))
}

/// Finds personal data in text, in this process, on all cores.
///
/// Built once (compiling the detectors takes a moment) and shared by any number of threads.
/// Every method releases the GIL while it scans.
#[pyclass(module = "privet", frozen)]
pub struct Scanner {
    pub(crate) detector: Detector,
    types: Vec<PiiType>,
    min_confidence: f64,
    pub(crate) threads: usize,
}

#[pymethods]
impl Scanner {
    #[new]
    #[pyo3(signature = (types=None, min_confidence=0.5, region=None, *, threads=None))]
    fn new(
        types: Option<Vec<String>>,
        min_confidence: f64,
        region: Option<String>,
        threads: Option<usize>,
    ) -> PyResult<Scanner> {
        let (detector, types) = detector(types, min_confidence, region)?;
        Ok(Scanner {
            detector,
            types,
            min_confidence,
            threads: parallel::threads(threads),
        })
    }

    /// The types this scanner looks for, by canonical name.
    #[getter]
    fn types(&self) -> Vec<&'static str> {
        self.types.iter().map(|t| t.name()).collect()
    }

    /// Findings below this confidence are not reported.
    #[getter]
    fn min_confidence(&self) -> f64 {
        self.min_confidence
    }

    /// Threads the batch methods use.
    #[getter]
    fn threads(&self) -> usize {
        self.threads
    }

    /// The findings in one text, in order.
    fn scan(&self, py: Python<'_>, text: String) -> Vec<Finding> {
        py.detach(|| self.scan_text(&text))
    }

    /// The findings of each text, in input order, scanned in parallel.
    fn scan_many(&self, py: Python<'_>, texts: Vec<String>) -> Vec<Vec<Finding>> {
        py.detach(|| parallel::map(&texts, self.threads, |t| self.scan_text(t)))
    }

    /// Findings in a string array (`pyarrow.Array` of string, large_string or string_view), each
    /// value scanned as free text. Returns a `pyarrow.RecordBatch` with columns `row` (0-based),
    /// `type`, `start`, `end` (characters), `confidence`, `masked`. Values are read from the
    /// Arrow buffers in place.
    fn scan_arrow(
        &self,
        py: Python<'_>,
        array: PyArrowType<arrow_data::ArrayData>,
    ) -> PyResult<PyArrowType<RecordBatch>> {
        let array = make_array(array.0);
        let strings = Strings::of(array.as_ref())
            .ok_or_else(|| not_strings("scan_arrow", array.data_type()))?;
        let batch = py.detach(|| {
            let parts = parallel::map(&chunks(strings.len()), self.threads, |range| {
                let mut found = Vec::new();
                for row in range.clone() {
                    if let Some(text) = strings.get(row) {
                        found.extend(self.scan_text(text).into_iter().map(|finding| Located {
                            row,
                            column: None,
                            finding,
                        }));
                    }
                }
                found
            });
            findings_batch(&parts.into_iter().flatten().collect::<Vec<_>>(), false)
        })?;
        Ok(PyArrowType(batch))
    }

    /// Findings in a `pyarrow.RecordBatch`, each value scanned with its column's context and
    /// judged by its column, as `privet scan` scans a Parquet file holding the same rows.
    /// Returns a `pyarrow.RecordBatch` with `row` (0-based), `column` (name or field path such as
    /// `customer.email`), `type`, `start`, `end` (characters of the value), `confidence`, `masked`.
    fn scan_batch(
        &self,
        py: Python<'_>,
        batch: PyArrowType<RecordBatch>,
    ) -> PyResult<PyArrowType<RecordBatch>> {
        let out = py.detach(|| {
            let scan = fields::scan_batch(&self.detector, &batch.0, self.threads)?;
            findings_batch(&scan.findings, true)
        })?;
        Ok(PyArrowType(out))
    }

    /// What each column holds: a `pandas.DataFrame`, `pyarrow.Table` or `pyarrow.RecordBatch`
    /// (or any object with `__arrow_c_stream__`). Returns one dict per column (or field path),
    /// in column order, with `column`, `type` (None when nothing was found), `verdict`
    /// (`column`, `scattered` or `not_personal`), `matched`, `non_empty`, `share`,
    /// `confidence` and `header_type` (the type the column name suggests).
    fn classify<'py>(
        &self,
        py: Python<'py>,
        data: Bound<'py, PyAny>,
    ) -> PyResult<Vec<Bound<'py, PyDict>>> {
        let table = classify::as_table(py, &data)?;
        let columns = py.detach(|| classify::columns(&self.detector, &table, self.threads))?;
        columns.iter().map(|c| classify::to_dict(py, c)).collect()
    }

    fn __repr__(&self) -> String {
        format!(
            "Scanner(types={:?}, min_confidence={})",
            self.types(),
            self.min_confidence
        )
    }
}

impl Scanner {
    fn scan_text(&self, text: &str) -> Vec<Finding> {
        let mut matches = Vec::new();
        self.detector.detect(text.as_bytes(), &mut matches);
        locate(text, &matches)
    }
}
