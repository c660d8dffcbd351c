//! Reading and writing labels and predictions as JSON lines.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use privet_types::PiiType;
use serde::{Deserialize, Serialize};

use crate::label::{CellLabel, Label};

/// Why a labels or predictions file could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum IoError {
    /// The file could not be opened, read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A line is not a JSON object of the expected shape.
    #[error("{path}, line {line}: {source}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// 1-based line in the file.
        line: usize,
        /// The JSON error (it names a position, never the content).
        source: serde_json::Error,
    },
    /// A line has neither `line`/`start`/`end` nor `row`/`column`.
    #[error("{path}, line {line}: neither line/start/end nor row/column keys")]
    Shape {
        /// The file.
        path: PathBuf,
        /// 1-based line in the file.
        line: usize,
    },
}

/// Labels or predictions read from a JSON-lines file.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Records {
    /// Spans in text (records with `line`, `start`, `end`).
    pub text: Vec<Label>,
    /// Table cells (records with `row`, `column`).
    pub cells: Vec<CellLabel>,
    /// Records whose `type` is not one of the canonical names (peers or newer
    /// privet versions may report more types); they are not scored.
    pub unknown_types: usize,
}

/// One record in either shape; unknown keys are ignored.
#[derive(Deserialize)]
struct Raw {
    line: Option<u64>,
    start: Option<usize>,
    end: Option<usize>,
    row: Option<u64>,
    column: Option<String>,
    #[serde(rename = "type")]
    ty: String,
}

/// Read a JSON-lines file of labels or predictions (the `privet scan --format
/// jsonl` shape). Blank lines are skipped.
pub fn read_records(path: &Path) -> Result<Records, IoError> {
    let io_err = |source| IoError::Io {
        path: path.to_path_buf(),
        source,
    };
    let reader = BufReader::new(File::open(path).map_err(io_err)?);
    let mut out = Records::default();
    for (i, line) in reader.lines().enumerate() {
        let line = line.map_err(io_err)?;
        if line.trim().is_empty() {
            continue;
        }
        let raw: Raw = serde_json::from_str(&line).map_err(|source| IoError::Parse {
            path: path.to_path_buf(),
            line: i + 1,
            source,
        })?;
        let Ok(ty) = raw.ty.parse::<PiiType>() else {
            out.unknown_types += 1;
            continue;
        };
        match raw {
            Raw {
                line: Some(line),
                start: Some(start),
                end: Some(end),
                ..
            } => {
                out.text.push(Label {
                    line,
                    start,
                    end,
                    ty,
                });
            }
            Raw {
                row: Some(row),
                column: Some(column),
                ..
            } => out.cells.push(CellLabel { row, column, ty }),
            _ => {
                return Err(IoError::Shape {
                    path: path.to_path_buf(),
                    line: i + 1,
                });
            }
        }
    }
    Ok(out)
}

/// A JSON-lines writer for labels, buffered.
pub struct JsonlWriter {
    path: PathBuf,
    out: BufWriter<File>,
}

impl JsonlWriter {
    /// Create (or truncate) `path`.
    pub fn create(path: &Path) -> Result<Self, IoError> {
        let file = File::create(path).map_err(|source| IoError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Ok(Self {
            path: path.to_path_buf(),
            out: BufWriter::with_capacity(1 << 20, file),
        })
    }

    /// Write each item as one JSON line.
    pub fn write_all<T: Serialize>(&mut self, items: &[T]) -> Result<(), IoError> {
        for item in items {
            serde_json::to_writer(&mut self.out, item).map_err(|e| IoError::Io {
                path: self.path.clone(),
                source: e.into(),
            })?;
            self.out.write_all(b"\n").map_err(|source| IoError::Io {
                path: self.path.clone(),
                source,
            })?;
        }
        Ok(())
    }

    /// Flush buffered lines to disk.
    pub fn finish(mut self) -> Result<(), IoError> {
        self.out.flush().map_err(|source| IoError::Io {
            path: self.path.clone(),
            source,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_shapes_and_skips_unknown_types() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("p.jsonl");
        std::fs::write(
            &path,
            concat!(
                r#"{"path":"a.txt","line":3,"start":1,"end":9,"type":"email","confidence":0.9,"masked":"x"}"#, "\n",
                "\n",
                r#"{"path":"c.csv","row":2,"column":"ssn","type":"us_ssn","confidence":0.8}"#, "\n",
                r#"{"path":"a.txt","line":4,"start":0,"end":3,"type":"bank_routing","confidence":0.5}"#, "\n",
            ),
        )
        .expect("write");
        let r = read_records(&path).expect("reads");
        assert_eq!(
            r.text,
            vec![Label {
                line: 3,
                start: 1,
                end: 9,
                ty: PiiType::Email
            }]
        );
        assert_eq!(
            r.cells,
            vec![CellLabel {
                row: 2,
                column: "ssn".into(),
                ty: PiiType::UsSsn
            }]
        );
        assert_eq!(r.unknown_types, 1);
    }

    #[test]
    fn bad_lines_name_the_line() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("p.jsonl");
        std::fs::write(
            &path,
            "{\"line\":1,\"start\":0,\"end\":2,\"type\":\"email\"}\nnot json\n",
        )
        .expect("write");
        let err = read_records(&path).expect_err("must fail");
        assert!(err.to_string().contains("line 2"), "{err}");
        std::fs::write(&path, "{\"type\":\"email\"}\n").expect("write");
        assert!(matches!(
            read_records(&path),
            Err(IoError::Shape { line: 1, .. })
        ));
        assert!(matches!(
            read_records(&dir.path().join("missing")),
            Err(IoError::Io { .. })
        ));
    }

    #[test]
    fn written_labels_read_back() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("l.jsonl");
        let labels = vec![Label {
            line: 1,
            start: 0,
            end: 5,
            ty: PiiType::Url,
        }];
        let mut w = JsonlWriter::create(&path).expect("create");
        w.write_all(&labels).expect("write");
        w.finish().expect("flush");
        assert_eq!(read_records(&path).expect("read").text, labels);
    }
}
