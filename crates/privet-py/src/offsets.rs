//! Byte offsets (what the detectors report) to character offsets (what Python slices by).

/// Converts byte offsets of one UTF-8 text to character offsets, walking forward so a sorted
/// run of spans costs one pass over the text.
pub(crate) struct CharCursor<'a> {
    text: &'a [u8],
    byte: usize,
    chars: usize,
}

impl<'a> CharCursor<'a> {
    /// A cursor at the start of `text`.
    pub(crate) fn new(text: &'a str) -> CharCursor<'a> {
        CharCursor {
            text: text.as_bytes(),
            byte: 0,
            chars: 0,
        }
    }

    /// The character offset of byte offset `byte`, which must be a char boundary. Calls with a
    /// smaller offset than the last one start over from the beginning (correct, only slower).
    pub(crate) fn chars_at(&mut self, byte: usize) -> usize {
        if byte < self.byte {
            self.byte = 0;
            self.chars = 0;
        }
        let end = byte.min(self.text.len());
        // Every byte that does not continue a sequence (10xxxxxx) starts a character.
        self.chars += self.text[self.byte..end]
            .iter()
            .filter(|&&b| (b as i8) >= -0x40)
            .count();
        self.byte = end;
        self.chars
    }
}
