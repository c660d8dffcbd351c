//! Errors that point at a place in privet.toml.

use std::ops::Range;

/// One problem in privet.toml, at the line and column of the offending key or value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}, column {column}: {message}")]
pub struct PolicyError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
    /// What is wrong and, where it helps, what would be right.
    pub message: String,
}

/// Turns byte offsets into lines and columns.
pub(crate) struct LineIndex<'s> {
    text: &'s str,
    line_starts: Vec<usize>,
}

impl<'s> LineIndex<'s> {
    pub(crate) fn new(text: &'s str) -> Self {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Self { text, line_starts }
    }

    /// An error at the start of `span`.
    pub(crate) fn error(&self, span: Range<usize>, message: String) -> PolicyError {
        let (line, column) = self.position(span.start);
        PolicyError {
            line,
            column,
            message,
        }
    }

    /// The 1-based line and character column of byte `offset`.
    pub(crate) fn position(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset);
        let start = self.line_starts[line - 1];
        let column = match self.text.get(start..offset) {
            Some(before) => before.chars().count(),
            None => offset - start,
        } + 1;
        (line, column)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_become_lines_and_columns() {
        let index = LineIndex::new("ab\nçd = 1\n\nx");
        let at = |o: usize| {
            let e = index.error(o..o, String::new());
            (e.line, e.column)
        };
        assert_eq!(at(0), (1, 1));
        assert_eq!(at(2), (1, 3));
        assert_eq!(at(3), (2, 1));
        assert_eq!(at(6), (2, 3));
        assert_eq!(at(11), (3, 1));
        assert_eq!(at(12), (4, 1));
        assert_eq!(at(99), (4, 2));
    }

    #[test]
    fn display_leads_with_the_place() {
        let e = PolicyError {
            line: 3,
            column: 7,
            message: "unknown key `x`".into(),
        };
        assert_eq!(e.to_string(), "line 3, column 7: unknown key `x`");
    }
}
