//! The TOML documents privet reads (privet.toml, deid.toml): errors that point at the line and
//! column of the offending key or value, the first syntax error only, and the checks every
//! section reader needs. One copy for both parsers, so both report places the same way.

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// One problem in a TOML document, at the line and column of the offending key or value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}, column {column}: {message}")]
pub struct TomlError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
    /// What is wrong and, where it helps, what would be right.
    pub message: String,
}

impl TomlError {
    /// The error as `name:line:column: message`, the form editors jump to, for a document
    /// read from `name` (a path, or a stand-in such as `<policy>` for text given inline).
    pub fn located(&self, name: impl std::fmt::Display) -> String {
        format!("{name}:{}:{}: {}", self.line, self.column, self.message)
    }
}

/// Turns byte offsets into lines and columns.
#[derive(Debug)]
pub struct LineIndex<'s> {
    text: &'s str,
    line_starts: Vec<usize>,
}

impl<'s> LineIndex<'s> {
    /// An index of `text`'s line starts.
    pub fn new(text: &'s str) -> Self {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Self { text, line_starts }
    }

    /// An error at the start of `span`.
    pub fn error(&self, span: Range<usize>, message: String) -> TomlError {
        let (line, column) = self.position(span.start);
        TomlError {
            line,
            column,
            message,
        }
    }

    /// The 1-based line and character column of byte `offset`.
    pub fn position(&self, offset: usize) -> (usize, usize) {
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

/// Parses `text` as a TOML document. After the first syntax error the parser's recovery
/// guesses, and the errors that follow are mostly echoes of the first, so only it is reported.
pub fn parse(text: &str) -> Result<(Spanned<DeTable<'_>>, LineIndex<'_>), TomlError> {
    let index = LineIndex::new(text);
    let (root, syntax) = DeTable::parse_recoverable(text);
    match syntax
        .iter()
        .min_by_key(|e| e.span().map_or(0, |s| s.start))
    {
        Some(first) => {
            let span = first.span().unwrap_or(0..0);
            Err(index.error(span, format!("invalid TOML: {}", first.message())))
        }
        None => Ok((root, index)),
    }
}

/// `value` as a table, or the span and message saying that `place` must be one.
pub fn expect_table<'a, 'i>(
    value: &'a Spanned<DeValue<'i>>,
    place: &str,
) -> Result<&'a DeTable<'i>, (Range<usize>, String)> {
    match value.get_ref() {
        DeValue::Table(t) => Ok(t),
        other => Err((
            value.span(),
            format!("{place} must be a table, found {}", other.type_str()),
        )),
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
    fn only_the_first_syntax_error_is_reported() {
        let err = parse("a = 1\nb = = 2\nc = [\n").unwrap_err();
        assert_eq!(err.line, 2, "{err}");
        assert!(err.message.starts_with("invalid TOML"), "{err}");
        assert!(parse("a = 1").is_ok());
    }

    #[test]
    fn a_table_is_expected_with_what_was_found() {
        let (root, _) = parse("x = 3\n[t]\n").unwrap();
        let value = |k: &str| {
            root.get_ref()
                .iter()
                .find(|(key, _)| key.get_ref() == k)
                .map(|(_, v)| v.clone())
                .unwrap()
        };
        assert!(expect_table(&value("t"), "[t]").is_ok());
        let (_, message) = expect_table(&value("x"), "[x]").unwrap_err();
        assert_eq!(message, "[x] must be a table, found integer");
    }

    #[test]
    fn display_leads_with_the_place() {
        let e = TomlError {
            line: 3,
            column: 7,
            message: "unknown key `x`".into(),
        };
        assert_eq!(e.to_string(), "line 3, column 7: unknown key `x`");
        assert_eq!(e.located("deid.toml"), "deid.toml:3:7: unknown key `x`");
    }
}
