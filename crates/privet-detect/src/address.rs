//! Street addresses: house number + street name + USPS Publication 28 suffix
//! (optional directionals, unit, and ", City, ST 12345"), French/Spanish
//! number-first forms ("12 rue de Rivoli"), and European name-first forms
//! ("Hauptstraße 5", "Calle Mayor 3", "Via Roma 10", "Kerkstraat 5").
//!
//! One pass jumps between digits; a digit run that starts a word is tried as
//! a house number, first forwards (number first), then backwards (street
//! first). Everything else costs a few instructions per byte.

mod parse;
mod vocab;

use privet_types::Match;

use vocab::Vocab;

/// Finds street addresses in free text and scores structured values.
pub(crate) struct AddressFinder {
    vocab: Vocab,
}

impl AddressFinder {
    /// Builds the word sets (once per process).
    pub(crate) fn new() -> Self {
        AddressFinder {
            vocab: Vocab::new(),
        }
    }

    /// Appends the street addresses in `hay` to `out`, with byte offsets into
    /// `hay`. No match spans a line break.
    pub(crate) fn find(&self, hay: &[u8], out: &mut Vec<Match>) {
        // Every reading needs a word (a street, unit, PO box or military
        // mail word, or an ordinal's suffix), and words start with a letter:
        // a value without one (a phone, card, id, timestamp cell) is skipped
        // without trying each of its digit runs as a house number.
        if hay.iter().any(|&b| b.is_ascii_alphabetic() || b >= 0x80) {
            parse::find(&self.vocab, hay, out);
        }
    }

    /// `Some(confidence)` when the whole `value` is a street address.
    pub(crate) fn score_value(&self, value: &[u8]) -> Option<f32> {
        parse::score_value(&self.vocab, value)
    }
}

impl Default for AddressFinder {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests;
