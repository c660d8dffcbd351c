//! Whether a delimited file ends inside a quoted field. The `csv` crate reads an unclosed quote
//! as a last field running to the end of the input, without an error, so a file cut short (or a
//! stray `"`) would be read as one giant cell. This follows the same lenient RFC 4180 rules over
//! the raw bytes as they stream past, and says where the open field began.

use std::io::{self, Read};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    FieldStart,
    Unquoted,
    Quoted,
    /// A `"` inside a quoted field: the end of it, or the first half of an escaped `""`.
    QuoteInQuoted,
}

/// The quoting state of a delimited stream.
#[derive(Clone, Debug)]
pub struct QuoteState {
    delimiter: u8,
    state: State,
    line: u64,
    opened_on: u64,
}

impl QuoteState {
    /// The state at the start of a stream with this delimiter.
    pub fn new(delimiter: u8) -> QuoteState {
        QuoteState {
            delimiter,
            state: State::FieldStart,
            line: 1,
            opened_on: 0,
        }
    }

    /// Follows `bytes`.
    pub fn feed(&mut self, bytes: &[u8]) {
        for &b in bytes {
            let boundary = b == self.delimiter || b == b'\n' || b == b'\r';
            self.state = match (self.state, b) {
                (State::Quoted, b'"') => State::QuoteInQuoted,
                (State::Quoted, _) => State::Quoted,
                (State::QuoteInQuoted, b'"') => State::Quoted,
                (State::FieldStart, b'"') => {
                    self.opened_on = self.line;
                    State::Quoted
                }
                (_, _) if boundary => State::FieldStart,
                (_, _) => State::Unquoted,
            };
            if b == b'\n' {
                self.line += 1;
            }
        }
    }

    /// At the end of the stream: the line on which a quoted field opened and never closed.
    pub fn unclosed(&self) -> Option<u64> {
        (self.state == State::Quoted).then_some(self.opened_on)
    }
}

/// A reader that keeps a [`QuoteState`] of what passes through it.
pub struct QuoteTracker<R> {
    inner: R,
    state: QuoteState,
}

impl<R> QuoteTracker<R> {
    /// Wraps `inner`, a delimited stream with this delimiter.
    pub fn new(inner: R, delimiter: u8) -> Self {
        QuoteTracker {
            inner,
            state: QuoteState::new(delimiter),
        }
    }

    /// The quoting state so far.
    pub fn state(&self) -> &QuoteState {
        &self.state
    }
}

impl<R: Read> Read for QuoteTracker<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.state.feed(&buf[..n]);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unclosed(text: &str) -> Option<u64> {
        let mut s = QuoteState::new(b',');
        s.feed(text.as_bytes());
        s.unclosed()
    }

    #[test]
    fn table() {
        for (text, want) in [
            ("a,b\n1,2\n", None),
            ("a,b\n1,\"two, quoted\"\n", None),
            ("a,b\n1,\"say \"\"hi\"\"\"\n", None),
            ("a,b\n1,\"multi\nline\"\n", None),
            ("a,b\n1,5\" screen\n", None),
            ("a,b\n1,\"unclosed\n2,3\n", Some(2)),
            ("a,b\n1,\"x\"\"\n", Some(2)),
            ("\"a\nb", Some(1)),
            ("a,b\r\n1,\"ok\"\r\n", None),
        ] {
            assert_eq!(unclosed(text), want, "{text:?}");
        }
    }

    #[test]
    fn the_state_does_not_depend_on_how_the_bytes_are_split() {
        let text = b"a,b\n1,\"x\"\"y\"\n2,\"open\nstill";
        for cut in 0..text.len() {
            let mut s = QuoteState::new(b',');
            s.feed(&text[..cut]);
            s.feed(&text[cut..]);
            assert_eq!(s.unclosed(), Some(3), "cut at {cut}");
        }
    }
}
