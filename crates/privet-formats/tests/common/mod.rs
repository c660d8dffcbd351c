//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};

use privet_formats::{Batch, FieldValue, InputError, Source, TextChunk};

/// Everything a source gives.
#[derive(Default)]
pub struct Collected {
    pub fields: Vec<FieldValue>,
    pub chunks: Vec<TextChunk>,
    pub errors: Vec<InputError>,
}

impl Collected {
    /// (row, column, value) triples.
    pub fn triples(&self) -> Vec<(u64, String, String)> {
        self.fields
            .iter()
            .map(|f| (f.row, f.column.to_string(), f.value.clone()))
            .collect()
    }

    /// Values of one column.
    pub fn column(&self, name: &str) -> Vec<String> {
        self.fields
            .iter()
            .filter(|f| &*f.column == name)
            .map(|f| f.value.clone())
            .collect()
    }

    /// All text bytes.
    pub fn text(&self) -> Vec<u8> {
        self.chunks.iter().flat_map(|c| c.data.clone()).collect()
    }
}

/// Drains a source; a fatal error must be the last item.
pub fn drain(mut source: Box<dyn Source>) -> Collected {
    let mut out = Collected::default();
    let mut fatal_seen = false;
    while let Some(item) = source.next_batch() {
        assert!(!fatal_seen, "items after a fatal error");
        match item {
            Ok(Batch::Fields(f)) => out.fields.extend(f),
            Ok(Batch::Text(c)) => out.chunks.push(c),
            Err(e) => {
                fatal_seen = e.is_fatal();
                out.errors.push(e);
            }
        }
    }
    out
}

/// Writes `data` to `dir/name`.
pub fn write(dir: &Path, name: &str, data: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, data).expect("write test file");
    path
}

/// gzip-compresses `data`.
pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(data).expect("in-memory gzip");
    enc.finish().expect("in-memory gzip")
}

/// Opens `name` with `data` in a fresh temp dir and drains it.
pub fn read_file(name: &str, data: &[u8]) -> Collected {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = write(dir.path(), name, data);
    let source = privet_formats::open_file(&path, None).expect("opens");
    drain(source)
}
