//! Telling an input's format and compression from its name and first bytes.

use std::fmt;
use std::path::Path;
use std::str::FromStr;

use crate::error::{InputError, InputErrorKind, Position};
use crate::input::{HEAD_LEN, gunzip_head};

/// An input format a reader exists for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InputFormat {
    /// Plain text and logs, scanned line by line.
    Text,
    /// Comma-separated values with a header row (`;` and `|` delimiters are sniffed too).
    Csv,
    /// Tab-separated values with a header row.
    Tsv,
    /// A JSON document: a top-level array streams element by element, an object is one row.
    Json,
    /// Newline-delimited JSON: one value per line.
    Ndjson,
    /// Apache Parquet.
    Parquet,
}

impl InputFormat {
    /// The name `--input-format` takes.
    pub fn name(self) -> &'static str {
        match self {
            InputFormat::Text => "text",
            InputFormat::Csv => "csv",
            InputFormat::Tsv => "tsv",
            InputFormat::Json => "json",
            InputFormat::Ndjson => "ndjson",
            InputFormat::Parquet => "parquet",
        }
    }

    /// Every format, in the order `--help` lists them.
    pub const ALL: [InputFormat; 6] = [
        InputFormat::Text,
        InputFormat::Csv,
        InputFormat::Tsv,
        InputFormat::Json,
        InputFormat::Ndjson,
        InputFormat::Parquet,
    ];
}

impl fmt::Display for InputFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An `--input-format` value that names no format.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown input format `{0}` (expected text, csv, tsv, json, ndjson or parquet)")]
pub struct UnknownFormat(pub String);

impl FromStr for InputFormat {
    type Err = UnknownFormat;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lower = s.trim().to_ascii_lowercase();
        match lower.as_str() {
            "text" | "txt" | "log" => Ok(InputFormat::Text),
            "csv" => Ok(InputFormat::Csv),
            "tsv" => Ok(InputFormat::Tsv),
            "json" => Ok(InputFormat::Json),
            "ndjson" | "jsonl" => Ok(InputFormat::Ndjson),
            "parquet" => Ok(InputFormat::Parquet),
            _ => Err(UnknownFormat(s.to_string())),
        }
    }
}

/// A compression layer around the format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Compression {
    /// Stored as is.
    None,
    /// gzip (one or several members).
    Gzip,
}

/// What [`detect_format`] concluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Detected {
    /// The format under any compression.
    pub format: InputFormat,
    /// The compression around it.
    pub compression: Compression,
}

const GZIP_MAGIC: &[u8] = &[0x1f, 0x8b];
const PARQUET_MAGIC: &[u8] = b"PAR1";
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Detects format and compression from the extension (`.csv .tsv .json
/// .ndjson .jsonl .parquet .log .txt`, any of them with `.gz`) and the
/// content's first bytes (gzip magic `1f8b`, `PAR1`, NUL bytes mean binary,
/// a leading `{`/`[` means JSON or NDJSON, consistent delimiter counts mean
/// CSV/TSV, anything else is text).
///
/// Content wins over a misleading name: gzip is decided by the magic bytes
/// alone, and a `.json` file of one object per line is NDJSON. A `.csv` or
/// `.txt` file with NUL bytes in its head is [`InputErrorKind::Binary`].
pub fn detect_format(path: &Path, head: &[u8]) -> Result<Detected, InputError> {
    let binary = || {
        InputError::new(
            path.display().to_string(),
            Position::File,
            InputErrorKind::Binary,
        )
    };
    let (compression, content) = if head.starts_with(GZIP_MAGIC) {
        (Compression::Gzip, gunzip_head(head, HEAD_LEN))
    } else {
        (Compression::None, head.to_vec())
    };
    if content.starts_with(PARQUET_MAGIC) {
        return Ok(Detected {
            format: InputFormat::Parquet,
            compression,
        });
    }
    let ext = inner_extension(path);
    if ext.as_deref() == Some("parquet") {
        // A Parquet name without the magic is damaged; the reader says how.
        return Ok(Detected {
            format: InputFormat::Parquet,
            compression,
        });
    }
    if looks_binary(&content) {
        return Err(binary());
    }
    let by_ext = match ext.as_deref() {
        Some("csv") => Some(InputFormat::Csv),
        Some("tsv" | "tab") => Some(InputFormat::Tsv),
        Some("json") => Some(sniff_json(&content).unwrap_or(InputFormat::Json)),
        Some("ndjson" | "jsonl") => Some(InputFormat::Ndjson),
        Some("log" | "txt" | "text") => Some(InputFormat::Text),
        _ => None,
    };
    let format = by_ext
        .or_else(|| sniff_json(&content))
        .or_else(|| sniff_delimited(&content))
        .unwrap_or(InputFormat::Text);
    Ok(Detected {
        format,
        compression,
    })
}

/// The lower-cased extension with any `.gz` removed (`a.csv.gz` gives `csv`).
fn inner_extension(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_str()?.to_ascii_lowercase();
    let name = name
        .strip_suffix(".gz")
        .or_else(|| name.strip_suffix(".gzip"))
        .unwrap_or(&name);
    let (_, ext) = name.rsplit_once('.')?;
    Some(ext.to_string())
}

/// NUL bytes do not occur in text (UTF-16 text has them too; we do not read it).
fn looks_binary(head: &[u8]) -> bool {
    memchr::memchr(0, &head[..head.len().min(8192)]).is_some()
}

/// `{` or `[` first: NDJSON when the first line is a whole JSON value and more
/// lines follow, JSON otherwise.
fn sniff_json(content: &[u8]) -> Option<InputFormat> {
    let content = content.strip_prefix(UTF8_BOM).unwrap_or(content);
    let start = content.iter().position(|b| !b.is_ascii_whitespace())?;
    let body = &content[start..];
    if !matches!(body.first(), Some(b'{' | b'[')) {
        return None;
    }
    let Some(nl) = memchr::memchr(b'\n', body) else {
        return Some(InputFormat::Json);
    };
    let first_line = &body[..nl];
    let rest_has_value = body[nl..]
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|b| matches!(b, b'{' | b'['));
    if rest_has_value && serde_json::from_slice::<serde_json::Value>(first_line).is_ok() {
        Some(InputFormat::Ndjson)
    } else {
        Some(InputFormat::Json)
    }
}

/// CSV or TSV when every complete record of the head (at least two) has the
/// same, non-zero number of one delimiter outside quotes.
fn sniff_delimited(content: &[u8]) -> Option<InputFormat> {
    let content = content.strip_prefix(UTF8_BOM).unwrap_or(content);
    let counts = delimiter_counts(content, 20);
    if counts.len() < 2 {
        return None;
    }
    for (i, delim) in [b'\t', b',', b';', b'|'].iter().enumerate() {
        let first = counts[0][i];
        if first > 0 && counts.iter().all(|c| c[i] == first) {
            return Some(if *delim == b'\t' {
                InputFormat::Tsv
            } else {
                InputFormat::Csv
            });
        }
    }
    None
}

/// Per complete record (up to `max`), how many tabs, commas, semicolons and
/// pipes stand outside double quotes. A record split by the end of the head
/// is left out.
pub(crate) fn delimiter_counts(content: &[u8], max: usize) -> Vec<[usize; 4]> {
    let mut out = Vec::new();
    let mut counts = [0usize; 4];
    let mut in_quotes = false;
    for &b in content {
        match b {
            b'"' => in_quotes = !in_quotes,
            b'\n' if !in_quotes => {
                if counts.iter().any(|&c| c > 0) || !out.is_empty() {
                    out.push(counts);
                }
                counts = [0; 4];
                if out.len() == max {
                    break;
                }
            }
            b'\t' if !in_quotes => counts[0] += 1,
            b',' if !in_quotes => counts[1] += 1,
            b';' if !in_quotes => counts[2] += 1,
            b'|' if !in_quotes => counts[3] += 1,
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detect(name: &str, head: &[u8]) -> Detected {
        detect_format(Path::new(name), head).expect("not binary")
    }

    #[test]
    fn names_parse() {
        for f in InputFormat::ALL {
            assert_eq!(f.name().parse::<InputFormat>(), Ok(f));
        }
        assert_eq!("JSONL".parse::<InputFormat>(), Ok(InputFormat::Ndjson));
        assert!("xml".parse::<InputFormat>().is_err());
    }

    #[test]
    fn extensions_decide() {
        assert_eq!(detect("a.csv", b"x").format, InputFormat::Csv);
        assert_eq!(detect("A.TSV", b"x").format, InputFormat::Tsv);
        assert_eq!(detect("a.jsonl", b"{}").format, InputFormat::Ndjson);
        assert_eq!(
            detect("a.log", b"{\"a\":1}\n{}\n").format,
            InputFormat::Text
        );
        assert_eq!(detect("a.parquet", b"").format, InputFormat::Parquet);
    }

    #[test]
    fn json_file_of_lines_is_ndjson() {
        assert_eq!(
            detect("a.json", b"{\"a\":1}\n{\"a\":2}\n").format,
            InputFormat::Ndjson
        );
        assert_eq!(
            detect("a.json", b"{\n  \"a\": 1\n}\n").format,
            InputFormat::Json
        );
        assert_eq!(detect("a.json", b"[{\"a\":1}]").format, InputFormat::Json);
    }

    #[test]
    fn content_decides_without_extension() {
        assert_eq!(detect("data", b"PAR1\x00\x00").format, InputFormat::Parquet);
        assert_eq!(detect("data", b"  [1,2]").format, InputFormat::Json);
        assert_eq!(
            detect("data", b"a,b,c\n1,\"x,y\",3\n4,5,6\n").format,
            InputFormat::Csv
        );
        assert_eq!(detect("data", b"a\tb\n1\t2\n").format, InputFormat::Tsv);
        assert_eq!(
            detect("data", b"hello, world\nno commas here\n").format,
            InputFormat::Text
        );
    }

    #[test]
    fn nul_bytes_are_binary() {
        let err = detect_format(Path::new("x.txt"), b"ab\0cd").expect_err("binary");
        assert!(matches!(err.kind, InputErrorKind::Binary));
        assert_eq!(err.to_string(), "x.txt: binary file, not scanned");
    }

    #[test]
    fn gzip_magic_wins() {
        use std::io::Write;
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(b"a,b\n1,2\n3,4\n").expect("in-memory");
        let gz = enc.finish().expect("in-memory");
        let d = detect("upload", &gz);
        assert_eq!(d.compression, Compression::Gzip);
        assert_eq!(d.format, InputFormat::Csv);
        assert_eq!(detect("x.csv.gz", &gz).format, InputFormat::Csv);
    }
}
