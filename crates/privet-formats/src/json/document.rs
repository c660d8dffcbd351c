//! A JSON document read as a sequence of rows: a top-level array streams
//! element by element (row = element index + 1), a top-level object is one
//! row. Several top-level values one after another (`{..} {..}`) continue
//! the row count. Memory holds one element at a time, never the array.

use std::io::Read;
use std::sync::Arc;

use super::scan::ValueScanner;
use super::{flatten_slice, json_error_text};
use crate::batch::{Batch, Columns, FieldBatcher, MAX_QUEUED, Outbox, Source};
use crate::error::{InputError, InputErrorKind, Position};
use crate::input::Input;

/// Largest single row (array element or top-level object) held in memory.
pub(crate) const VALUE_CAP: usize = 128 << 20;
/// Bytes read per refill.
const READ_SIZE: usize = 256 * 1024;

/// Where the reader is in the document's structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Between top-level values.
    TopLevel,
    /// Just after `[`: an element or `]`.
    ArrayStart,
    /// After an element: `,` or `]`.
    AfterElement,
    /// After `,`: an element.
    BeforeElement,
}

/// Why reading stopped short of a complete value.
enum Stop {
    /// The input ended (cleanly, at a value boundary, for `skip_ws`).
    Eof,
    /// A fatal error was queued.
    Failed,
}

/// Streams rows out of a JSON document.
pub(crate) struct JsonSource {
    name: String,
    input: Input,
    buf: Vec<u8>,
    /// Bytes of `buf` already consumed.
    start: usize,
    /// Offset of `buf[0]` in the decoded stream.
    base: u64,
    eof: bool,
    state: State,
    row: u64,
    columns: Columns,
    batch: FieldBatcher,
    out: Outbox,
    bom_checked: bool,
}

impl JsonSource {
    /// A reader over `input`.
    pub(crate) fn new(name: String, input: Input) -> Self {
        JsonSource {
            name,
            input,
            buf: Vec::new(),
            start: 0,
            base: 0,
            eof: false,
            state: State::TopLevel,
            row: 0,
            columns: Columns::default(),
            batch: FieldBatcher::default(),
            out: Outbox::default(),
            bom_checked: false,
        }
    }

    fn error(&self, position: Position, kind: InputErrorKind) -> InputError {
        InputError::new(self.name.clone(), position, kind)
    }

    /// Queues a fatal error after what was collected.
    fn fail(&mut self, err: InputError) {
        if let Some(b) = self.batch.take() {
            self.out.push(Ok(b));
        }
        self.out.push(Err(err));
        self.out.done = true;
    }

    fn fail_syntax(&mut self, what: &str) {
        let at = Position::Byte(self.base + self.start as u64);
        let e = self.error(at, InputErrorKind::JsonStructure(what.to_string()));
        self.fail(e);
    }

    /// Reads more bytes. Returns false at end of input or after a fatal error.
    fn fill(&mut self) -> bool {
        if self.eof {
            return false;
        }
        if self.start > 0 && self.start >= self.buf.len() / 2 {
            self.buf.drain(..self.start);
            self.base += self.start as u64;
            self.start = 0;
        }
        match (&mut self.input)
            .take(READ_SIZE as u64)
            .read_to_end(&mut self.buf)
        {
            Ok(0) => {
                self.eof = true;
                false
            }
            Ok(_) => true,
            Err(e) => {
                self.eof = true;
                let at = Position::Row(self.row + 1);
                let (kind, pos) = self.input.classify(e, at);
                let err = self.error(pos, kind);
                self.fail(err);
                false
            }
        }
    }

    /// Skips whitespace (and a leading byte-order mark) and returns the next byte.
    fn skip_ws(&mut self) -> Result<u8, Stop> {
        loop {
            if !self.bom_checked {
                if self.buf.len() - self.start < 3 && !self.eof && self.fill() {
                    continue;
                }
                self.bom_checked = true;
                if self.buf[self.start..].starts_with(b"\xEF\xBB\xBF") {
                    self.start += 3;
                }
            }
            match self.buf[self.start..]
                .iter()
                .position(|b| !b.is_ascii_whitespace())
            {
                Some(i) => {
                    self.start += i;
                    return Ok(self.buf[self.start]);
                }
                None => {
                    self.start = self.buf.len();
                    if !self.fill() {
                        return Err(if self.out.done {
                            Stop::Failed
                        } else {
                            Stop::Eof
                        });
                    }
                }
            }
        }
    }

    /// Cuts the next value out of the stream and returns its byte range in `buf`.
    fn take_value(&mut self) -> Result<(usize, usize), Stop> {
        let mut scanner = ValueScanner::default();
        loop {
            if let Some(len) = scanner.feed(&self.buf[self.start..]) {
                let range = (self.start, self.start + len);
                self.start += len;
                return Ok(range);
            }
            let have = self.buf.len() - self.start;
            if have > VALUE_CAP {
                let at = Position::Row(self.row + 1);
                let e = self.error(
                    at,
                    InputErrorKind::TooLarge(format!(
                        "JSON value longer than {} MiB",
                        VALUE_CAP >> 20
                    )),
                );
                self.fail(e);
                return Err(Stop::Failed);
            }
            // `fill` may move the unconsumed bytes to the front; the scanner
            // counts from the value's start, so it is not affected.
            if !self.fill() {
                if self.out.done {
                    return Err(Stop::Failed);
                }
                if let Some(len) = scanner.finish(have) {
                    let range = (self.start, self.start + len);
                    self.start += len;
                    return Ok(range);
                }
                return Err(Stop::Eof);
            }
        }
    }

    /// Parses one row's bytes and adds its fields; a bad row is reported and skipped.
    fn take_row(&mut self, range: (usize, usize)) {
        self.row += 1;
        let json = &self.buf[range.0..range.1];
        match flatten_slice(json, self.row, &mut self.columns, &mut self.batch) {
            Ok(()) => {}
            Err(e) => {
                let err = self.error(
                    Position::Row(self.row),
                    InputErrorKind::MalformedJson(json_error_text(&e)),
                );
                self.out.push(Err(err));
            }
        }
    }

    /// One step of the structure. Returns false when reading stops.
    fn step(&mut self) -> bool {
        let next = match self.skip_ws() {
            Ok(b) => b,
            Err(Stop::Failed) => return false,
            Err(Stop::Eof) => {
                if self.state != State::TopLevel {
                    let e = self.error(
                        Position::Row(self.row + 1),
                        InputErrorKind::JsonStructure("unexpected end of input in array".into()),
                    );
                    self.fail(e);
                }
                return false;
            }
        };
        match (self.state, next) {
            (State::TopLevel, b'[') => {
                self.start += 1;
                self.state = State::ArrayStart;
            }
            (State::TopLevel, b',' | b']' | b'}') => {
                self.fail_syntax("unexpected character at top level");
                return false;
            }
            (State::ArrayStart, b']') | (State::AfterElement, b']') => {
                self.start += 1;
                self.state = State::TopLevel;
            }
            (State::AfterElement, b',') => {
                self.start += 1;
                self.state = State::BeforeElement;
            }
            (State::AfterElement, _) => {
                self.fail_syntax("expected `,` or `]` after array element");
                return false;
            }
            (State::TopLevel | State::ArrayStart | State::BeforeElement, _) => {
                let range = match self.take_value() {
                    Ok(r) => r,
                    Err(Stop::Failed) => return false,
                    Err(Stop::Eof) => {
                        let e = self.error(
                            Position::Row(self.row + 1),
                            InputErrorKind::JsonStructure("unexpected end of input".into()),
                        );
                        self.fail(e);
                        return false;
                    }
                };
                self.take_row(range);
                if self.state != State::TopLevel {
                    self.state = State::AfterElement;
                }
            }
        }
        true
    }

    fn produce(&mut self) {
        while !self.batch.is_full() && self.out.len() < MAX_QUEUED {
            if !self.step() {
                if !self.out.done {
                    if let Some(b) = self.batch.take() {
                        self.out.push(Ok(b));
                    }
                    self.out.done = true;
                }
                return;
            }
        }
        if let Some(b) = self.batch.take() {
            self.out.push(Ok(b));
        }
    }
}

impl Source for JsonSource {
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
