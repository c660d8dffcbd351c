//! The byte stream under every format reader, with gzip decoding and the
//! bookkeeping needed to explain a failure (which compressed byte was reached).

use std::io::{self, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};

use flate2::read::MultiGzDecoder;

use crate::error::{InputErrorKind, Position};

/// How many bytes are read up front to sniff a format or a delimiter.
pub(crate) const HEAD_LEN: usize = 64 * 1024;

// 0 (the default) means no failure.
const GZ_TRUNCATED: u8 = 1;
const GZ_CORRUPT: u8 = 2;
const GZ_IO: u8 = 3;

/// State shared between a gzip decoder and the format reader above it.
#[derive(Debug, Default)]
struct GzipState {
    /// Compressed bytes handed to the decoder so far.
    compressed_pos: AtomicU64,
    /// One of the `GZ_*` codes: why the decoder failed, if it did.
    failure: AtomicU8,
}

/// A decoded byte stream plus what is needed to turn its I/O errors into
/// [`InputErrorKind`]s.
pub(crate) struct Input {
    reader: Box<dyn Read + Send>,
    gzip: Option<Arc<GzipState>>,
}

impl Input {
    /// An uncompressed stream.
    pub(crate) fn plain(reader: Box<dyn Read + Send>) -> Self {
        Input { reader, gzip: None }
    }

    /// A gzip stream (possibly several members, as `cat a.gz b.gz` makes).
    pub(crate) fn gzip(reader: Box<dyn Read + Send>) -> Self {
        let state = Arc::new(GzipState::default());
        let counting = CountingReader {
            inner: reader,
            state: Arc::clone(&state),
        };
        let decoder = GzipReader {
            inner: MultiGzDecoder::new(counting),
            state: Arc::clone(&state),
        };
        Input {
            reader: Box::new(decoder),
            gzip: Some(state),
        }
    }

    /// Reads up to `n` bytes from the front of the stream without losing them:
    /// the returned head is put back in front of the rest. A read error is
    /// kept for the format reader to meet again at the same point.
    pub(crate) fn peek(&mut self, n: usize) -> Vec<u8> {
        let mut head = Vec::with_capacity(n.min(HEAD_LEN));
        let result = (&mut self.reader).take(n as u64).read_to_end(&mut head);
        let rest = std::mem::replace(&mut self.reader, Box::new(io::empty()));
        let replay: Box<dyn Read + Send> = match result {
            Ok(_) => rest,
            Err(e) => Box::new(FailingReader(Some(e))),
        };
        self.reader = Box::new(io::Cursor::new(head.clone()).chain(replay));
        head
    }

    /// Explains an I/O error met while reading this stream. `at` is where the
    /// format reader was (used unless the gzip layer knows better).
    pub(crate) fn classify(&self, err: io::Error, at: Position) -> (InputErrorKind, Position) {
        if let Some(state) = &self.gzip {
            let pos = Position::Byte(state.compressed_pos.load(Ordering::Relaxed));
            match state.failure.load(Ordering::Relaxed) {
                GZ_TRUNCATED => return (InputErrorKind::TruncatedGzip, pos),
                GZ_CORRUPT => return (InputErrorKind::CorruptGzip, pos),
                _ => {}
            }
        }
        (InputErrorKind::Read(err), at)
    }
}

impl Read for Input {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.reader.read(buf)
    }
}

/// Replays a read error once, then reports end of stream.
struct FailingReader(Option<io::Error>);

impl Read for FailingReader {
    fn read(&mut self, _buf: &mut [u8]) -> io::Result<usize> {
        match self.0.take() {
            Some(e) => Err(e),
            None => Ok(0),
        }
    }
}

/// Counts the compressed bytes consumed, and marks device errors so they are
/// not mistaken for corrupt gzip data.
struct CountingReader {
    inner: Box<dyn Read + Send>,
    state: Arc<GzipState>,
}

impl Read for CountingReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self.inner.read(buf) {
            Ok(n) => {
                self.state
                    .compressed_pos
                    .fetch_add(n as u64, Ordering::Relaxed);
                Ok(n)
            }
            Err(e) => {
                if e.kind() != io::ErrorKind::Interrupted {
                    self.state.failure.store(GZ_IO, Ordering::Relaxed);
                }
                Err(e)
            }
        }
    }
}

/// A gzip decoder that records why it failed.
struct GzipReader {
    inner: MultiGzDecoder<CountingReader>,
    state: Arc<GzipState>,
}

impl Read for GzipReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let result = self.inner.read(buf);
        if let Err(e) = &result
            && e.kind() != io::ErrorKind::Interrupted
            && self.state.failure.load(Ordering::Relaxed) != GZ_IO
        {
            let code = if e.kind() == io::ErrorKind::UnexpectedEof {
                GZ_TRUNCATED
            } else {
                GZ_CORRUPT
            };
            self.state.failure.store(code, Ordering::Relaxed);
        }
        result
    }
}

/// Decodes as much of a gzip head as is there, for sniffing the inner format.
/// The head is cut short, so the decoder's complaint about a missing end is
/// expected and ignored.
pub(crate) fn gunzip_head(head: &[u8], limit: usize) -> Vec<u8> {
    let mut out = Vec::new();
    let mut decoder = MultiGzDecoder::new(head).take(limit as u64);
    let mut buf = [0u8; 8192];
    loop {
        match decoder.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => out.extend_from_slice(&buf[..n]),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peek_puts_the_head_back() {
        let mut input = Input::plain(Box::new(io::Cursor::new(b"hello world".to_vec())));
        assert_eq!(input.peek(5), b"hello");
        let mut all = Vec::new();
        input.read_to_end(&mut all).expect("in-memory read");
        assert_eq!(all, b"hello world");
    }

    #[test]
    fn gunzip_head_of_plain_bytes_is_empty() {
        assert!(gunzip_head(b"not gzip", 100).is_empty());
    }
}
