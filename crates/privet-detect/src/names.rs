//! Person names: public census name lists plus capitalization and context.
//!
//! The lists (US Census 1990 and 2010, US SSA, IBGE, see `data/README.md`)
//! say which words are known given names or surnames; the text around a
//! capitalized run (titles, greetings, "my name is", sign-offs, blockers such
//! as "Inc" or "Street") decides whether it is a person.

mod cell;
pub(crate) mod lex;
mod lexicon;
mod text;

use privet_types::Match;

use lexicon::Lexicon;

/// Finds person names in free text and scores structured values.
pub(crate) struct NameFinder {
    lexicon: Lexicon,
}

impl NameFinder {
    /// Builds the lexicon from the embedded lists (once per process).
    pub(crate) fn new() -> Self {
        NameFinder {
            lexicon: Lexicon::new(),
        }
    }

    /// Appends the person names in `hay` (free text, any bytes, many lines) to
    /// `out`, with byte offsets into `hay`. No match spans a line break.
    pub(crate) fn find(&self, hay: &[u8], out: &mut Vec<Match>) {
        text::find(&self.lexicon, hay, out);
        text::find_lower(&self.lexicon, hay, out);
    }

    /// `Some(confidence)` when the whole `value` looks like a person's name.
    pub(crate) fn score_value(&self, value: &[u8]) -> Option<f32> {
        cell::score(&self.lexicon, value)
    }
}

impl Default for NameFinder {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests;
