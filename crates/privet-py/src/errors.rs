//! The exceptions privet raises in Python.
//!
//! They are defined in `privet/errors.py`, not here, so that each can derive from both
//! `PrivetError` and the built-in a caller expects to catch (`ValueError` for a bad policy, key or
//! option, `TypeError` for an Arrow type privet cannot read). Rust code builds a [`Failure`] (no
//! GIL needed, so it can be made inside `Python::detach`) and `?` turns it into the Python
//! exception of its kind with the same message the CLI prints.

use pyo3::prelude::*;
use pyo3::types::PyType;

/// Which Python exception class a failure becomes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `ConfigError(PrivetError, ValueError)`: an option, policy or key is wrong.
    Config,
    /// `RedactError(PrivetError)`: an operator could not transform a value.
    Redact,
    /// `UnsupportedError(PrivetError, TypeError)`: an input type privet cannot handle.
    Unsupported,
}

impl Kind {
    fn class(self) -> &'static str {
        match self {
            Kind::Config => "ConfigError",
            Kind::Redact => "RedactError",
            Kind::Unsupported => "UnsupportedError",
        }
    }
}

/// An error on its way to Python: a kind and a message that names no personal value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Failure {
    /// The exception class.
    pub kind: Kind,
    /// The message, as the CLI would print it after `privet: error: `.
    pub message: String,
}

impl Failure {
    /// A failure of `kind` saying `message`.
    pub(crate) fn new(kind: Kind, message: impl Into<String>) -> Failure {
        Failure {
            kind,
            message: message.into(),
        }
    }
}

impl From<Failure> for PyErr {
    fn from(failure: Failure) -> PyErr {
        Python::attach(|py| {
            let class = py
                .import("privet.errors")
                .and_then(|m| m.getattr(failure.kind.class()))
                .and_then(|c| c.cast_into::<PyType>().map_err(PyErr::from));
            match class {
                Ok(ty) => PyErr::from_type(ty, failure.message),
                Err(e) => e,
            }
        })
    }
}
