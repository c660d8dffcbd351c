//! Files in their own format: text, CSV/TSV, a JSON document, NDJSON, any of them gzipped (the
//! output is then gzipped too). The format comes from the name and first bytes, as for
//! `privet scan`. Output is all or nothing (see [`crate::output`]).

mod delimited;
mod json;
mod text;

use std::fs::File;
use std::io::{BufRead, BufReader, Cursor, Read};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use flate2::read::MultiGzDecoder;
use privet_formats::{Compression, InputFormat, detect_format};

use crate::cell::RedactError;
use crate::engine::Engine;
use crate::output::Pending;

/// Bytes read up front to tell the format.
const HEAD_LEN: usize = 64 * 1024;

/// What a file run did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileStats {
    /// The format read and written.
    pub format: InputFormat,
    /// Whether input and output are gzip-compressed.
    pub gzip: bool,
    /// Lines (text, NDJSON) or data rows (CSV/TSV, JSON array elements) written.
    pub rows: u64,
    /// Cells (or text lines) whose value changed.
    pub changed: u64,
}

/// The format of `input` from its name and first bytes, and whether it is gzipped.
pub fn detect(input: &Path) -> Result<(InputFormat, bool), RedactError> {
    let (head, _) = read_head(input)?;
    let detected = detect_format(input, &head).map_err(|e| RedactError::Io(e.to_string()))?;
    Ok((detected.format, detected.compression == Compression::Gzip))
}

fn read_head(input: &Path) -> Result<(Vec<u8>, File), RedactError> {
    let mut file = File::open(input)
        .map_err(|e| RedactError::Io(format!("{}: cannot open: {e}", input.display())))?;
    let mut head = Vec::with_capacity(HEAD_LEN);
    (&mut file)
        .take(HEAD_LEN as u64)
        .read_to_end(&mut head)
        .map_err(|e| RedactError::Io(format!("{}: read failed: {e}", input.display())))?;
    Ok((head, file))
}

/// Redacts `input` into `output` through `engine`, keeping the format. Parquet goes through
/// [`crate::parquet::redact_parquet`] instead.
pub fn redact_file(input: &Path, output: &Path, engine: &Engine) -> Result<FileStats, RedactError> {
    redact_file_with_progress(input, output, engine, &AtomicU64::new(0))
}

/// [`redact_file`], adding the input bytes read so far to `read` as it goes (for a progress bar).
pub fn redact_file_with_progress(
    input: &Path,
    output: &Path,
    engine: &Engine,
    read: &AtomicU64,
) -> Result<FileStats, RedactError> {
    let (head, file) = read_head(input)?;
    read.fetch_add(head.len() as u64, Ordering::Relaxed);
    let file = Counting { inner: file, read };
    let detected = detect_format(input, &head).map_err(|e| RedactError::Io(e.to_string()))?;
    let gzip = detected.compression == Compression::Gzip;
    let raw: Box<dyn Read + '_> = Box::new(Cursor::new(head).chain(file));
    let decoded: Box<dyn Read + '_> = if gzip {
        Box::new(MultiGzDecoder::new(raw))
    } else {
        raw
    };
    let reader = BufReader::with_capacity(1 << 16, decoded);
    let pending = Pending::create(output)?;
    let mut sink = pending.writer(gzip)?;
    let ctx = Ctx {
        path: input,
        engine,
    };
    let (rows, changed) = match detected.format {
        InputFormat::Text => text::redact(reader, &mut sink, &ctx)?,
        InputFormat::Csv | InputFormat::Tsv => {
            delimited::redact(reader, &mut sink, &ctx, detected.format == InputFormat::Tsv)?
        }
        InputFormat::Json => json::redact_document(reader, &mut sink, &ctx)?,
        InputFormat::Ndjson => json::redact_lines(reader, &mut sink, &ctx)?,
        InputFormat::Parquet => {
            return Err(RedactError::Io(format!(
                "{}: Parquet files go through the Parquet adapter",
                input.display()
            )));
        }
    };
    pending.commit(sink)?;
    Ok(FileStats {
        format: detected.format,
        gzip,
        rows,
        changed,
    })
}

/// What every adapter needs: the engine, and the input's name for error messages.
pub(crate) struct Ctx<'a> {
    pub(crate) path: &'a Path,
    pub(crate) engine: &'a Engine,
}

impl Ctx<'_> {
    /// `err` located at `position` (`row 3`, `line 7`) of the input.
    pub(crate) fn at(&self, position: &str, err: RedactError) -> RedactError {
        match err {
            RedactError::Operator { column, reason } => RedactError::Operator {
                column,
                reason: format!("{reason} ({}, {position})", self.path.display()),
            },
            RedactError::Io(m) => {
                RedactError::Io(format!("{}: {position}: {m}", self.path.display()))
            }
        }
    }

    pub(crate) fn read_error(&self, position: &str, e: &dyn std::fmt::Display) -> RedactError {
        RedactError::Io(format!(
            "{}: {position}: read failed: {e}",
            self.path.display()
        ))
    }

    pub(crate) fn write_error(&self, e: &dyn std::fmt::Display) -> RedactError {
        RedactError::Io(format!(
            "writing the output of {}: {e}",
            self.path.display()
        ))
    }
}

/// Reads one line including its `\n` into `buf` (cleared first); false at the end.
pub(crate) fn read_line(
    reader: &mut impl BufRead,
    buf: &mut Vec<u8>,
    ctx: &Ctx<'_>,
    line: u64,
) -> Result<bool, RedactError> {
    buf.clear();
    reader
        .read_until(b'\n', buf)
        .map(|n| n > 0)
        .map_err(|e| ctx.read_error(&format!("line {line}"), &e))
}

/// Counts the bytes read from the input file.
struct Counting<'a, R> {
    inner: R,
    read: &'a AtomicU64,
}

impl<R: Read> Read for Counting<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}
