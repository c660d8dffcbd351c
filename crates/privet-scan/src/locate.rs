//! Turning byte offsets in a chunk of lines into line numbers and offsets
//! within the line.

use memchr::memchr_iter;

/// A span located on one line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct LineSpan {
    /// 1-based line number.
    pub line: u64,
    /// Byte offset of the line's first byte within the chunk.
    pub line_start: usize,
    /// Offset of the span within the line.
    pub start: usize,
    /// End of the span within the line (exclusive).
    pub end: usize,
}

/// Walks newlines forward as spans are asked for in increasing order, so
/// locating every match of a chunk costs one pass over it.
pub(crate) struct LineLocator<'a> {
    data: &'a [u8],
    line: u64,
    line_start: usize,
    scanned: usize,
}

impl<'a> LineLocator<'a> {
    /// A locator over `data`, whose first line is `first_line`.
    pub(crate) fn new(data: &'a [u8], first_line: u64) -> Self {
        LineLocator {
            data,
            line: first_line,
            line_start: 0,
            scanned: 0,
        }
    }

    /// Locates `start..end`; calls must come with non-decreasing `start`.
    pub(crate) fn locate(&mut self, start: usize, end: usize) -> LineSpan {
        debug_assert!(start >= self.scanned || start >= self.line_start);
        if start > self.scanned {
            for nl in memchr_iter(b'\n', &self.data[self.scanned..start]) {
                self.line += 1;
                self.line_start = self.scanned + nl + 1;
            }
            self.scanned = start;
        }
        LineSpan {
            line: self.line,
            line_start: self.line_start,
            start: start - self.line_start,
            end: end - self.line_start,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_spans_across_lines() {
        let data = b"ab\ncd ef\n\nxyz";
        let mut loc = LineLocator::new(data, 10);
        assert_eq!(
            loc.locate(0, 2),
            LineSpan {
                line: 10,
                line_start: 0,
                start: 0,
                end: 2
            }
        );
        assert_eq!(
            loc.locate(6, 8),
            LineSpan {
                line: 11,
                line_start: 3,
                start: 3,
                end: 5
            }
        );
        assert_eq!(
            loc.locate(6, 7),
            LineSpan {
                line: 11,
                line_start: 3,
                start: 3,
                end: 4
            }
        );
        assert_eq!(
            loc.locate(10, 13),
            LineSpan {
                line: 13,
                line_start: 10,
                start: 0,
                end: 3
            }
        );
    }
}
