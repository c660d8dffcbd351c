//! Newline-delimited JSON: one value per line; a bad line is reported and
//! skipped. The row of every field is its line number.

use std::io::{BufRead, BufReader, Read};
use std::sync::Arc;

use super::{flatten_slice, json_error_text};
use crate::batch::{Batch, Columns, FieldBatcher, MAX_QUEUED, Outbox, Source};
use crate::error::{InputError, InputErrorKind, Position};
use crate::input::Input;

/// Longest line parsed; longer lines are reported and skipped.
pub(crate) const NDJSON_LINE_CAP: usize = 64 << 20;

/// Reads NDJSON line by line.
pub(crate) struct NdjsonSource {
    name: String,
    reader: BufReader<Input>,
    line: Vec<u8>,
    line_no: u64,
    cap: usize,
    columns: Columns,
    batch: FieldBatcher,
    out: Outbox,
}

impl NdjsonSource {
    /// A reader over `input`.
    pub(crate) fn new(name: String, input: Input) -> Self {
        Self::with_cap(name, input, NDJSON_LINE_CAP)
    }

    /// A reader with a chosen line cap (tests use a small one).
    pub(crate) fn with_cap(name: String, input: Input, cap: usize) -> Self {
        NdjsonSource {
            name,
            reader: BufReader::with_capacity(256 * 1024, input),
            line: Vec::new(),
            line_no: 0,
            cap: cap.max(1),
            columns: Columns::default(),
            batch: FieldBatcher::default(),
            out: Outbox::default(),
        }
    }

    fn error(&self, position: Position, kind: InputErrorKind) -> InputError {
        InputError::new(self.name.clone(), position, kind)
    }

    fn fail(&mut self, err: std::io::Error) {
        let (kind, pos) = self
            .reader
            .get_ref()
            .classify(err, Position::Line(self.line_no + 1));
        let e = self.error(pos, kind);
        if let Some(b) = self.batch.take() {
            self.out.push(Ok(b));
        }
        self.out.push(Err(e));
        self.out.done = true;
    }

    /// Reads the next line into `self.line`. Returns false at the end or on failure.
    fn read_line(&mut self) -> bool {
        self.line.clear();
        let limit = self.cap as u64 + 1;
        match (&mut self.reader)
            .take(limit)
            .read_until(b'\n', &mut self.line)
        {
            Ok(0) => false,
            Ok(_) => {
                self.line_no += 1;
                if self.line.len() > self.cap && self.line.last() != Some(&b'\n') {
                    let e = self.error(
                        Position::Line(self.line_no),
                        InputErrorKind::LineTooLong(self.cap),
                    );
                    self.out.push(Err(e));
                    self.line.clear();
                    return self.skip_rest_of_line();
                }
                true
            }
            Err(e) => {
                self.fail(e);
                false
            }
        }
    }

    /// Discards bytes up to and including the next line end.
    fn skip_rest_of_line(&mut self) -> bool {
        loop {
            let (consumed, found) = match self.reader.fill_buf() {
                Ok([]) => return true,
                Ok(buf) => match memchr::memchr(b'\n', buf) {
                    Some(i) => (i + 1, true),
                    None => (buf.len(), false),
                },
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.fail(e);
                    return false;
                }
            };
            self.reader.consume(consumed);
            if found {
                return true;
            }
        }
    }

    fn take_line(&mut self) {
        let mut text: &[u8] = &self.line;
        if self.line_no == 1 {
            text = text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(text);
        }
        if text.iter().all(u8::is_ascii_whitespace) {
            return;
        }
        match flatten_slice(text, self.line_no, &mut self.columns, &mut self.batch) {
            Ok(()) => {}
            Err(e) => {
                let err = self.error(
                    Position::Line(self.line_no),
                    InputErrorKind::MalformedJson(json_error_text(&e)),
                );
                self.out.push(Err(err));
            }
        }
    }

    fn produce(&mut self) {
        while !self.batch.is_full() && self.out.len() < MAX_QUEUED {
            if !self.read_line() {
                if !self.out.done {
                    if let Some(b) = self.batch.take() {
                        self.out.push(Ok(b));
                    }
                    self.out.done = true;
                }
                return;
            }
            self.take_line();
        }
        if let Some(b) = self.batch.take() {
            self.out.push(Ok(b));
        }
    }
}

impl Source for NdjsonSource {
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
