//! Byte offsets and character offsets of UTF-8 text.
//!
//! Detectors report byte offsets into UTF-8; Python strings, and so the Presidio REST contract,
//! count characters (Unicode scalar values). Both the Python package and the Presidio endpoints
//! convert through these two functions.

/// Converts byte offsets of one text to character offsets, walking forward so that a run of
/// sorted offsets costs one pass over the text.
#[derive(Debug, Clone)]
pub struct CharCursor<'a> {
    text: &'a [u8],
    byte: usize,
    chars: usize,
}

impl<'a> CharCursor<'a> {
    /// A cursor at the start of `text`.
    pub fn new(text: &'a str) -> CharCursor<'a> {
        CharCursor {
            text: text.as_bytes(),
            byte: 0,
            chars: 0,
        }
    }

    /// The character offset of byte offset `byte` (a char boundary; past the end counts as the
    /// end). A smaller offset than the last one starts over from the beginning: still right,
    /// only slower.
    pub fn chars_at(&mut self, byte: usize) -> usize {
        if byte < self.byte {
            self.byte = 0;
            self.chars = 0;
        }
        let end = byte.min(self.text.len());
        // Every byte that does not continue a sequence (0b10xx_xxxx) starts a character.
        self.chars += self.text[self.byte..end]
            .iter()
            .filter(|&&b| (b as i8) >= -0x40)
            .count();
        self.byte = end;
        self.chars
    }
}

/// The byte offset of character offset `chars` in `text`; `None` when the text is shorter.
pub fn byte_offset(text: &str, chars: usize) -> Option<usize> {
    if chars == 0 {
        return Some(0);
    }
    match text.char_indices().nth(chars) {
        Some((byte, _)) => Some(byte),
        None => (text.chars().count() == chars).then_some(text.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn counts_characters_of_every_width() {
        let text = "aé日🙂b";
        let mut c = CharCursor::new(text);
        let bytes: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
        assert_eq!(bytes, [0, 1, 3, 6, 10]);
        assert_eq!(
            bytes.iter().map(|&b| c.chars_at(b)).collect::<Vec<_>>(),
            [0, 1, 2, 3, 4]
        );
        assert_eq!(c.chars_at(text.len()), 5);
        assert_eq!(c.chars_at(3), 2, "going back starts over");
        assert_eq!(byte_offset(text, 3), Some(6));
        assert_eq!(byte_offset(text, 5), Some(text.len()));
        assert_eq!(byte_offset(text, 6), None);
        assert_eq!(byte_offset("", 0), Some(0));
    }

    proptest! {
        #[test]
        fn byte_and_char_offsets_round_trip(text in "\\PC{0,40}", picks in proptest::collection::vec(0usize..64, 0..8)) {
            let n = text.chars().count();
            let mut offsets: Vec<usize> = picks.into_iter().map(|p| p % (n + 1)).collect();
            offsets.sort_unstable();
            let mut cursor = CharCursor::new(&text);
            for chars in offsets {
                let byte = byte_offset(&text, chars).expect("in range");
                prop_assert!(text.is_char_boundary(byte));
                prop_assert_eq!(text[..byte].chars().count(), chars);
                prop_assert_eq!(cursor.chars_at(byte), chars);
            }
            prop_assert_eq!(byte_offset(&text, n + 1), None);
        }
    }
}
