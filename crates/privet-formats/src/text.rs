//! Plain text and logs: large blocks cut at line ends, in constant memory.

use std::io::Read;

use crate::batch::{Batch, Outbox, Source, TextChunk};
use crate::error::{InputError, InputErrorKind, Position};
use crate::input::Input;

/// Bytes read per block; a chunk is about this size.
pub(crate) const BLOCK: usize = 1 << 20;
/// Longest line kept whole; longer ones are split (and reported once).
pub(crate) const LINE_CAP: usize = 64 << 20;

/// Reads text in blocks and hands out chunks that end at a line end.
pub(crate) struct TextSource {
    name: String,
    input: Input,
    /// Bytes read but not handed out: the start of an unfinished line.
    carry: Vec<u8>,
    block: usize,
    cap: usize,
    /// The number of the line `carry` starts.
    next_line: u64,
    eof: bool,
    utf8_reported: bool,
    /// The line last reported as too long (reported once per line).
    long_line_reported: Option<u64>,
    out: Outbox,
}

impl TextSource {
    /// A text source with the default block size and line cap.
    pub(crate) fn new(name: String, input: Input) -> Self {
        Self::with_sizes(name, input, BLOCK, LINE_CAP)
    }

    /// A text source with chosen sizes (small ones exercise block boundaries in tests).
    pub(crate) fn with_sizes(name: String, input: Input, block: usize, cap: usize) -> Self {
        let block = block.max(1);
        TextSource {
            name,
            input,
            carry: Vec::new(),
            block,
            cap: cap.max(block),
            next_line: 1,
            eof: false,
            utf8_reported: false,
            long_line_reported: None,
            out: Outbox::default(),
        }
    }

    /// Reads one more block onto `carry`. Returns false at end of input or
    /// after a fatal read error (queued).
    fn fill(&mut self) -> bool {
        self.carry.reserve(self.block);
        match (&mut self.input)
            .take(self.block as u64)
            .read_to_end(&mut self.carry)
        {
            Ok(n) => {
                if n == 0 {
                    self.eof = true;
                }
                n > 0
            }
            Err(e) => {
                // Bytes read before the error are still scanned.
                let (kind, pos) = self.input.classify(e, Position::Line(self.next_line));
                self.eof = true;
                self.flush_carry();
                self.out
                    .push(Err(InputError::new(self.name.clone(), pos, kind)));
                self.out.done = true;
                false
            }
        }
    }

    /// Hands out all of `carry` as the last chunk.
    fn flush_carry(&mut self) {
        if !self.carry.is_empty() {
            let data = std::mem::take(&mut self.carry);
            self.emit(data);
        }
    }

    /// Queues a chunk (and a one-time invalid UTF-8 report before it).
    fn emit(&mut self, data: Vec<u8>) {
        let first_line = self.next_line;
        if !self.utf8_reported
            && let Err(e) = std::str::from_utf8(&data)
        {
            self.utf8_reported = true;
            let line = first_line + count_lines(&data[..e.valid_up_to()]);
            self.out.push(Err(InputError::new(
                self.name.clone(),
                Position::Line(line),
                InputErrorKind::InvalidUtf8,
            )));
        }
        self.next_line += count_lines(&data);
        self.out
            .push(Ok(Batch::Text(TextChunk { first_line, data })));
    }

    /// Reads until one chunk (or the end) is queued.
    fn produce(&mut self) {
        loop {
            let scanned = self.carry.len();
            let grew = !self.eof && self.fill();
            if !self.out.is_empty() {
                return;
            }
            if !grew {
                self.flush_carry();
                self.out.done = true;
                return;
            }
            // Only the newly read bytes can hold the last line end we have
            // not seen; but the last '\n' anywhere is where we cut.
            if let Some(i) = memchr::memrchr(b'\n', &self.carry[scanned..]) {
                let cut = scanned + i + 1;
                let rest = self.carry.split_off(cut);
                let data = std::mem::replace(&mut self.carry, rest);
                self.emit(data);
                return;
            }
            if self.carry.len() >= self.cap {
                let cut = char_boundary_before(&self.carry, self.cap);
                let rest = self.carry.split_off(cut);
                let data = std::mem::replace(&mut self.carry, rest);
                if self.long_line_reported != Some(self.next_line) {
                    self.long_line_reported = Some(self.next_line);
                    self.out.push(Err(InputError::new(
                        self.name.clone(),
                        Position::Line(self.next_line),
                        InputErrorKind::LineTooLong(self.cap),
                    )));
                }
                self.emit(data);
                return;
            }
        }
    }
}

impl Source for TextSource {
    fn name(&self) -> &str {
        &self.name
    }

    fn next_batch(&mut self) -> Option<Result<Batch, InputError>> {
        if self.out.is_empty() && !self.out.done {
            self.produce();
        }
        self.out.pop()
    }
}

fn count_lines(data: &[u8]) -> u64 {
    memchr::memchr_iter(b'\n', data).count() as u64
}

/// The largest cut `<= at` that does not split a UTF-8 sequence, looking
/// back at most three bytes (invalid text is cut where it is).
fn char_boundary_before(data: &[u8], at: usize) -> usize {
    let at = at.min(data.len());
    (at.saturating_sub(3)..=at)
        .rev()
        .find(|&i| i > 0 && i < data.len() && (data[i] & 0xC0) != 0x80)
        .unwrap_or(at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn chunks(data: &[u8], block: usize, cap: usize) -> (Vec<TextChunk>, Vec<InputError>) {
        let input = Input::plain(Box::new(std::io::Cursor::new(data.to_vec())));
        let mut src = TextSource::with_sizes("t.log".into(), input, block, cap);
        let mut out = Vec::new();
        let mut errs = Vec::new();
        while let Some(item) = src.next_batch() {
            match item {
                Ok(Batch::Text(c)) => out.push(c),
                Ok(Batch::Fields(_)) => panic!("text gives text"),
                Err(e) => errs.push(e),
            }
        }
        (out, errs)
    }

    #[test]
    fn empty_input_has_no_chunks() {
        assert!(chunks(b"", 4, 16).0.is_empty());
    }

    #[test]
    fn long_line_is_split_and_reported_once() {
        let mut data = vec![b'a'; 50];
        data.extend_from_slice(b"\nb\n");
        let (c, e) = chunks(&data, 4, 16);
        assert_eq!(e.len(), 1);
        assert!(matches!(e[0].kind, InputErrorKind::LineTooLong(16)));
        assert_eq!(e[0].position, Position::Line(1));
        assert!(!e[0].is_fatal());
        assert_eq!(c.concat_data(), data);
        assert_eq!(c.last().map(|c| c.first_line), Some(2));
    }

    #[test]
    fn split_keeps_utf8_sequences_whole() {
        let data = "ééééééééééé".as_bytes();
        let (c, e) = chunks(data, 3, 5);
        assert!(
            e.iter()
                .all(|e| matches!(e.kind, InputErrorKind::LineTooLong(_)))
        );
        for chunk in &c {
            assert!(std::str::from_utf8(&chunk.data).is_ok());
        }
    }

    #[test]
    fn invalid_utf8_reported_once_with_line_and_data_kept() {
        let data = b"ok\nbad \xff\nalso \xfe bad\n";
        let (c, e) = chunks(data, 1 << 10, 1 << 12);
        assert_eq!(e.len(), 1);
        assert!(matches!(e[0].kind, InputErrorKind::InvalidUtf8));
        assert_eq!(e[0].position, Position::Line(2));
        assert!(!e[0].is_fatal());
        assert_eq!(c.concat_data(), data.to_vec());
    }

    trait Concat {
        fn concat_data(&self) -> Vec<u8>;
    }
    impl Concat for Vec<TextChunk> {
        fn concat_data(&self) -> Vec<u8> {
            self.iter().flat_map(|c| c.data.iter().copied()).collect()
        }
    }

    proptest! {
        #[test]
        fn chunking_preserves_lines(
            lines in proptest::collection::vec("[a-z\u{e9}]{0,40}", 0..60),
            trailing_newline in any::<bool>(),
            block in 1usize..64,
        ) {
            let mut text = lines.join("\n");
            if trailing_newline && !text.is_empty() { text.push('\n'); }
            let data = text.as_bytes();
            // A cap above the longest line: no splits, every chunk but the last ends at '\n'.
            let (c, e) = chunks(data, block, 4096);
            prop_assert!(e.is_empty());
            prop_assert_eq!(c.concat_data(), data.to_vec());
            let mut line = 1u64;
            for (i, chunk) in c.iter().enumerate() {
                prop_assert_eq!(chunk.first_line, line);
                prop_assert!(!chunk.data.is_empty());
                if i + 1 < c.len() {
                    prop_assert_eq!(chunk.data.last(), Some(&b'\n'));
                }
                line += count_lines(&chunk.data);
            }
        }

        #[test]
        fn chunking_with_splits_loses_nothing(
            data in proptest::collection::vec(prop_oneof![Just(b'\n'), any::<u8>()], 0..400),
            block in 1usize..32,
            cap in 1usize..64,
        ) {
            let (c, e) = chunks(&data, block, cap);
            prop_assert_eq!(c.concat_data(), data.clone());
            prop_assert!(e.iter().all(|e| !e.is_fatal()));
            let mut line = 1u64;
            for chunk in &c {
                prop_assert_eq!(chunk.first_line, line);
                line += count_lines(&chunk.data);
            }
        }
    }
}
