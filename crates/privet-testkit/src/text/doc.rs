//! A writer that appends text and records exact label spans as it goes.

use privet_types::PiiType;

use crate::label::{Label, LabeledText, Negative, NegativeKind};

/// Appends lines to a [`LabeledText`], tracking the current line and the byte
/// offset where it starts, so every label is exact by construction.
pub(crate) struct Doc<'a> {
    out: &'a mut LabeledText,
    line: u64,
    line_start: usize,
}

impl<'a> Doc<'a> {
    /// Start writing at `line` (1-based) at the end of `out`.
    pub(crate) fn new(out: &'a mut LabeledText, line: u64) -> Self {
        let line_start = out.text.len();
        Self {
            out,
            line,
            line_start,
        }
    }

    /// Plain text that holds no personal data (never a newline).
    pub(crate) fn lit(&mut self, s: &str) {
        debug_assert!(!s.contains('\n'), "literal text must not hold a newline");
        self.out.text.push_str(s);
    }

    /// The offset within the current line where the next byte goes.
    fn col(&self) -> usize {
        self.out.text.len() - self.line_start
    }

    /// A value of type `ty`, labeled.
    pub(crate) fn pii(&mut self, ty: PiiType, value: &str) {
        debug_assert!(
            !value.contains('\n'),
            "a labeled value must not hold a newline"
        );
        let start = self.col();
        self.out.text.push_str(value);
        self.out.labels.push(Label {
            line: self.line,
            start,
            end: self.col(),
            ty,
        });
    }

    /// A look-alike that must not be reported, recorded as a negative.
    pub(crate) fn neg(&mut self, kind: NegativeKind, value: &str) {
        debug_assert!(!value.contains('\n'), "a negative must not hold a newline");
        let start = self.col();
        self.out.text.push_str(value);
        self.out.negatives.push(Negative {
            line: self.line,
            start,
            end: self.col(),
            kind,
        });
    }

    /// End the current line.
    pub(crate) fn nl(&mut self) {
        self.out.text.push('\n');
        self.line += 1;
        self.line_start = self.out.text.len();
    }

    /// End the record: close an open line and return the next line number.
    pub(crate) fn finish(mut self) -> u64 {
        if self.out.text.len() > self.line_start {
            self.nl();
        }
        self.line
    }
}
