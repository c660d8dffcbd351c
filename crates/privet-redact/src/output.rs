//! Output files appear whole or not at all: everything is written to a temporary file (mode
//! 0600) beside the output and renamed over it on success; on error the temporary file is
//! removed when dropped.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use flate2::Compression;
use flate2::write::GzEncoder;
use tempfile::NamedTempFile;

use crate::cell::RedactError;

/// A temporary file that becomes `path` on [`Pending::commit`].
pub(crate) struct Pending {
    file: NamedTempFile,
    path: PathBuf,
}

impl Pending {
    pub(crate) fn create(path: &Path) -> Result<Pending, RedactError> {
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let file = tempfile::Builder::new()
            .prefix(".privet-redact-")
            .tempfile_in(dir)
            .map_err(|e| {
                RedactError::Io(format!(
                    "{}: cannot create a temporary file: {e}",
                    path.display()
                ))
            })?;
        Ok(Pending {
            file,
            path: path.to_owned(),
        })
    }

    /// A buffered writer over the temporary file, gzip-compressed when `gzip`.
    pub(crate) fn writer(&self, gzip: bool) -> Result<Sink, RedactError> {
        let file = self.file.reopen().map_err(|e| self.io(&e))?;
        let buffered = BufWriter::with_capacity(1 << 16, file);
        Ok(if gzip {
            Sink::Gzip(Box::new(GzEncoder::new(buffered, Compression::default())))
        } else {
            Sink::Plain(buffered)
        })
    }

    fn io(&self, e: &dyn std::fmt::Display) -> RedactError {
        RedactError::Io(format!("{}: write failed: {e}", self.path.display()))
    }

    /// Finishes `sink`, syncs and renames the file into place.
    pub(crate) fn commit(self, sink: Sink) -> Result<(), RedactError> {
        let file = sink.finish().map_err(|e| self.io(&e))?;
        file.sync_all().map_err(|e| self.io(&e))?;
        let path = self.path.clone();
        self.file.persist(&path).map_err(|e| {
            RedactError::Io(format!(
                "{}: cannot rename into place: {}",
                path.display(),
                e.error
            ))
        })?;
        Ok(())
    }
}

/// Where adapters write.
pub(crate) enum Sink {
    Plain(BufWriter<File>),
    Gzip(Box<GzEncoder<BufWriter<File>>>),
}

impl Sink {
    fn finish(self) -> std::io::Result<File> {
        let buffered = match self {
            Sink::Plain(b) => b,
            Sink::Gzip(g) => g.finish()?,
        };
        buffered.into_inner().map_err(|e| e.into_error())
    }
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Sink::Plain(w) => w.write(buf),
            Sink::Gzip(w) => w.write(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Sink::Plain(w) => w.flush(),
            Sink::Gzip(w) => w.flush(),
        }
    }
}
