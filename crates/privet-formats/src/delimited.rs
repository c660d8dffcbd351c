//! CSV and TSV with a header row: flexible records, quoted newlines, a BOM,
//! and malformed rows reported without stopping.

use std::io::{self, Read};
use std::sync::Arc;

use crate::batch::{Batch, Columns, FieldBatcher, MAX_QUEUED, Outbox, Source};
use crate::detect::{InputFormat, delimiter_counts};
use crate::error::{InputError, InputErrorKind, Position};
use crate::input::{HEAD_LEN, Input};

/// Longest record kept in memory. An unclosed quote would otherwise make
/// the rest of the file one record.
pub(crate) const RECORD_CAP: u64 = 64 << 20;

/// Reads a delimited file row by row.
pub(crate) struct DelimitedSource {
    name: String,
    reader: csv::Reader<Guarded>,
    header: Vec<Arc<str>>,
    columns: Columns,
    record: csv::ByteRecord,
    /// Data rows read so far.
    row: u64,
    utf8_reported: bool,
    batch: FieldBatcher,
    out: Outbox,
}

impl DelimitedSource {
    /// Opens a CSV (delimiter sniffed among `, ; |` and tab) or TSV reader.
    pub(crate) fn new(name: String, mut input: Input, format: InputFormat) -> Self {
        let head = input.peek(HEAD_LEN);
        let bom = head.starts_with(b"\xEF\xBB\xBF");
        let delimiter = match format {
            InputFormat::Tsv => b'\t',
            _ => sniff_delimiter(&head),
        };
        let mut guarded = Guarded {
            input,
            consumed: 0,
            record_end: 0,
            tripped: false,
            quotes: crate::QuoteState::new(delimiter),
        };
        if bom {
            // Drop the byte-order mark so it does not stick to the first
            // header. The three bytes come from the in-memory head just
            // peeked, so this read cannot fail.
            let _ = guarded.input.read_exact(&mut [0u8; 3]);
        }
        let reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(guarded);
        DelimitedSource {
            name,
            reader,
            header: Vec::new(),
            columns: Columns::default(),
            record: csv::ByteRecord::new(),
            row: 0,
            utf8_reported: false,
            batch: FieldBatcher::default(),
            out: Outbox::default(),
        }
    }

    fn error(&self, position: Position, kind: InputErrorKind) -> InputError {
        InputError::new(self.name.clone(), position, kind)
    }

    /// Reads the header record. Returns false if the input ended or failed.
    fn read_header(&mut self) -> bool {
        match self.read_record() {
            Some(true) => {
                let fields: Vec<String> = self
                    .record
                    .iter()
                    .enumerate()
                    .map(|(i, f)| {
                        let name = String::from_utf8_lossy(f).trim().to_string();
                        if name.is_empty() {
                            format!("column_{}", i + 1)
                        } else {
                            name
                        }
                    })
                    .collect();
                if std::str::from_utf8(self.record.as_slice()).is_err() {
                    self.utf8_reported = true;
                    let e = self.error(Position::Line(1), InputErrorKind::InvalidUtf8);
                    self.out.push(Err(e));
                }
                self.header = fields.iter().map(|f| self.columns.intern(f)).collect();
                true
            }
            _ => false,
        }
    }

    /// Reads one record into `self.record`: `Some(true)` when read,
    /// `Some(false)` at the end, `None` after queuing a fatal error.
    fn read_record(&mut self) -> Option<bool> {
        let result = self.reader.read_byte_record(&mut self.record);
        let end = self.reader.position().byte();
        self.reader.get_mut().record_end = end;
        match result {
            Ok(more) => Some(more),
            Err(e) => {
                let at = Position::Row(self.row + 1);
                let err = if self.reader.get_ref().tripped {
                    self.error(
                        at,
                        InputErrorKind::TooLarge(format!(
                            "CSV record longer than {} MiB (unclosed quote?)",
                            RECORD_CAP >> 20
                        )),
                    )
                } else {
                    match e.into_kind() {
                        csv::ErrorKind::Io(io) => {
                            let (kind, pos) = self.reader.get_ref().input.classify(io, at);
                            self.error(pos, kind)
                        }
                        other => {
                            self.error(at, InputErrorKind::MalformedCsv(csv_error_text(&other)))
                        }
                    }
                };
                self.fail(err);
                None
            }
        }
    }

    fn fail(&mut self, err: InputError) {
        if let Some(b) = self.batch.take() {
            self.out.push(Ok(b));
        }
        self.out.push(Err(err));
        self.out.done = true;
    }

    /// Turns the current record into field values.
    fn take_row(&mut self) {
        self.row += 1;
        let row = self.row;
        if self.record.len() != self.header.len() {
            let e = self.error(
                Position::Row(row),
                InputErrorKind::MalformedCsv(format!(
                    "expected {} fields, found {}",
                    self.header.len(),
                    self.record.len()
                )),
            );
            self.out.push(Err(e));
        }
        let mut bad_utf8 = false;
        for (i, field) in self.record.iter().enumerate() {
            if field.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let value = match std::str::from_utf8(field) {
                Ok(s) => s.to_string(),
                Err(_) => {
                    bad_utf8 = true;
                    String::from_utf8_lossy(field).into_owned()
                }
            };
            let column = match self.header.get(i) {
                Some(c) => Arc::clone(c),
                // Extra fields of a long row still get scanned.
                None => self.columns.intern(&format!("column_{}", i + 1)),
            };
            self.batch.push(row, column, value);
        }
        if bad_utf8 && !self.utf8_reported {
            self.utf8_reported = true;
            let e = self.error(Position::Row(row), InputErrorKind::InvalidUtf8);
            self.out.push(Err(e));
        }
    }

    fn produce(&mut self) {
        if self.header.is_empty() && self.row == 0 && !self.read_header() {
            self.out.done = true;
            return;
        }
        loop {
            match self.read_record() {
                None => return,
                Some(false) => {
                    if let Some(b) = self.batch.take() {
                        self.out.push(Ok(b));
                    }
                    if let Some(line) = self.reader.get_ref().quotes.unclosed() {
                        let e = self.error(
                            Position::Line(line),
                            InputErrorKind::MalformedCsv(
                                "a quoted field opens here and never closes; the rest of the file was read as one cell".into(),
                            ),
                        );
                        self.out.push(Err(e));
                    }
                    self.out.done = true;
                    return;
                }
                Some(true) => {
                    self.take_row();
                    if self.batch.is_full() || self.out.len() >= MAX_QUEUED {
                        if let Some(b) = self.batch.take() {
                            self.out.push(Ok(b));
                        }
                        return;
                    }
                }
            }
        }
    }
}

impl Source for DelimitedSource {
    fn name(&self) -> &str {
        &self.name
    }

    fn next_batch(&mut self) -> Option<Result<Batch, InputError>> {
        if self.out.is_empty() && !self.out.done {
            self.produce();
        }
        self.out.pop()
    }

    fn columns(&self) -> &[Arc<str>] {
        self.columns.order()
    }
}

/// Describes a csv error by its structure only.
fn csv_error_text(kind: &csv::ErrorKind) -> String {
    match kind {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("expected {expected_len} fields, found {len}"),
        csv::ErrorKind::Utf8 { .. } => "invalid UTF-8".to_string(),
        _ => "malformed record".to_string(),
    }
}

/// The delimiter whose count is most consistent over the head's records
/// (ties and no evidence give a comma).
fn sniff_delimiter(head: &[u8]) -> u8 {
    const DELIMS: [u8; 4] = [b'\t', b',', b';', b'|'];
    let counts = delimiter_counts(head, 20);
    let Some(first) = counts.first() else {
        return b',';
    };
    let mut best = (0usize, b',');
    for (i, &d) in DELIMS.iter().enumerate() {
        let consistent = counts.iter().all(|c| c[i] == first[i]);
        let score = if consistent { first[i] * 2 } else { first[i] };
        if score > best.0 || (score == best.0 && d == b',') {
            best = (score, d);
        }
    }
    best.1
}

/// Bounds how far the csv reader may read past the end of the last record.
pub(crate) struct Guarded {
    input: Input,
    consumed: u64,
    record_end: u64,
    tripped: bool,
    quotes: crate::QuoteState,
}

impl Read for Guarded {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.consumed.saturating_sub(self.record_end) > RECORD_CAP {
            self.tripped = true;
            return Err(io::Error::other("record too long"));
        }
        let n = self.input.read(buf)?;
        self.consumed += n as u64;
        self.quotes.feed(&buf[..n]);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_semicolons_and_defaults_to_comma() {
        assert_eq!(sniff_delimiter(b"a;b;c\n1;2,5;3\n"), b';');
        assert_eq!(sniff_delimiter(b"a,b\n1,2\n"), b',');
        assert_eq!(sniff_delimiter(b"just one column\n"), b',');
        assert_eq!(sniff_delimiter(b""), b',');
    }
}
