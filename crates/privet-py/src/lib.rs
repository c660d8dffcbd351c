//! privet's detectors and de-identification as a Python extension module, `privet._privet`.
//!
//! The module is a thin layer: [`scanner::Scanner`] holds a `privet_detect::Detector`,
//! [`redactor::Redactor`] a `privet_redact::engine::Engine`, built exactly as the CLI builds
//! them, so a finding or a redacted value is the same from Python as from `privet scan` and
//! `privet redact`. Three things are added here and nowhere else:
//!
//! - character offsets: detectors report byte offsets into UTF-8; Python slices by code point;
//! - parallelism with the GIL released: batch methods spread items over threads while other
//!   Python threads keep running;
//! - Arrow in and out through the C data interface, so strings in a `pyarrow` array are read
//!   in place and findings come back as a record batch.
//!
//! Errors become Python exceptions (defined in `python/privet/errors.py`) carrying the CLI's
//! messages. The module is built by maturin (`python/pyproject.toml`), which turns on pyo3's
//! `extension-module` feature; the workspace build links it as an ordinary cdylib.

mod arrow_io;
mod classify;
mod errors;
mod fields;
mod parallel;
mod redactor;
mod scanner;

use privet_types::PiiType;
use pyo3::prelude::*;

/// The canonical names of every type privet detects, in output order.
#[pyfunction]
fn pii_types() -> Vec<&'static str> {
    PiiType::ALL.iter().map(|t| t.name()).collect()
}

/// The native module.
#[pymodule]
fn _privet(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<scanner::Scanner>()?;
    m.add_class::<scanner::Finding>()?;
    m.add_class::<redactor::Redactor>()?;
    m.add_function(wrap_pyfunction!(pii_types, m)?)?;
    Ok(())
}
