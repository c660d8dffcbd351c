//! Choosing and building the reader for a file or any byte stream.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use crate::batch::Source;
use crate::columnar::ParquetSource;
use crate::delimited::DelimitedSource;
use crate::detect::{Compression, InputFormat, detect_format};
use crate::error::{InputError, InputErrorKind, Position};
use crate::input::{HEAD_LEN, Input, gunzip_head};
use crate::json::{JsonSource, NdjsonSource};
use crate::text::TextSource;

/// Opens a file and returns the source for its format: detected from the
/// name and the first bytes, or `forced` (`--input-format`). Compression is
/// always detected from the content (gzip magic), also when forced.
///
/// Errors: [`InputErrorKind::Open`] when the file cannot be opened or read
/// at all, [`InputErrorKind::Binary`] when it looks binary and no format is
/// forced.
pub fn open_file(path: &Path, forced: Option<InputFormat>) -> Result<Box<dyn Source>, InputError> {
    let name = path.display().to_string();
    let open_err =
        |e: io::Error| InputError::new(name.clone(), Position::File, InputErrorKind::Open(e));
    let mut file = File::open(path).map_err(open_err)?;
    if file.metadata().map_err(open_err)?.is_dir() {
        return Err(open_err(io::Error::new(
            io::ErrorKind::IsADirectory,
            "is a directory",
        )));
    }
    let mut head = Vec::with_capacity(HEAD_LEN);
    (&mut file)
        .take(HEAD_LEN as u64)
        .read_to_end(&mut head)
        .map_err(open_err)?;
    let detected = match forced {
        Some(format) => crate::Detected {
            format,
            compression: compression_of(&head),
        },
        None => detect_format(path, &head)?,
    };
    if detected.format == InputFormat::Parquet && detected.compression == Compression::None {
        // Parquet wants random access: hand it the file itself.
        return Ok(Box::new(ParquetSource::from_file(name, file)));
    }
    let stream: Box<dyn Read + Send> = Box::new(io::Cursor::new(head).chain(file));
    Ok(open_reader(
        name,
        stream,
        detected.format,
        detected.compression,
    ))
}

/// Builds the source for a byte stream whose format and compression are
/// known (standard input, an in-memory buffer, a file opened elsewhere).
/// Parquet from a stream is read into memory first (up to 1 GiB).
pub fn open_reader(
    name: String,
    reader: Box<dyn Read + Send>,
    format: InputFormat,
    compression: Compression,
) -> Box<dyn Source> {
    let input = match compression {
        Compression::None => Input::plain(reader),
        Compression::Gzip => Input::gzip(reader),
    };
    match format {
        InputFormat::Text => Box::new(TextSource::new(name, input)),
        InputFormat::Csv | InputFormat::Tsv => Box::new(DelimitedSource::new(name, input, format)),
        InputFormat::Json => Box::new(JsonSource::new(name, input)),
        InputFormat::Ndjson => Box::new(NdjsonSource::new(name, input)),
        InputFormat::Parquet => Box::new(ParquetSource::from_input(name, input)),
    }
}

fn compression_of(head: &[u8]) -> Compression {
    if head.starts_with(&[0x1f, 0x8b]) {
        Compression::Gzip
    } else {
        Compression::None
    }
}

/// Reads a whole in-memory input through the reader for `format` (gzip
/// detected from the magic bytes, as for files) and drops the results.
/// For fuzz targets: no input may panic or hang.
#[doc(hidden)]
pub fn fuzz_read(format: InputFormat, data: &[u8]) {
    let compression = compression_of(data);
    if compression == Compression::Gzip {
        // Exercise the sniffing path on compressed heads too.
        let _ = gunzip_head(data, HEAD_LEN);
    }
    let _ = detect_format(Path::new("fuzz.bin"), data);
    let reader = Box::new(io::Cursor::new(data.to_vec()));
    let mut source = open_reader("fuzz".to_string(), reader, format, compression);
    while let Some(item) = source.next_batch() {
        if let Err(e) = item {
            // Formatting the error is part of what must not panic.
            let _ = e.to_string();
        }
    }
}
