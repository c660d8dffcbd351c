//! Finds where one JSON value ends without parsing it, so a huge top-level
//! array can be cut into elements and each parsed on its own.

/// What kind of value is being scanned, from its first byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// An object or array: ends when brackets balance.
    Composite,
    /// A string: ends at the closing unescaped quote.
    String,
    /// A number, literal or garbage: ends before `,`, `]`, `}` or whitespace.
    Scalar,
}

/// A resumable scan over a value whose bytes arrive in pieces.
#[derive(Debug, Default)]
pub(crate) struct ValueScanner {
    kind: Option<Kind>,
    depth: u64,
    in_string: bool,
    escape: bool,
    /// How many bytes of the value have been looked at.
    pos: usize,
}

impl ValueScanner {
    /// Scans `value` (all bytes of the value so far, from its first byte)
    /// and returns the value's length once its end is in view.
    pub(crate) fn feed(&mut self, value: &[u8]) -> Option<usize> {
        if self.kind.is_none() {
            let &first = value.first()?;
            self.kind = Some(match first {
                b'{' | b'[' => Kind::Composite,
                b'"' => Kind::String,
                _ => Kind::Scalar,
            });
        }
        while self.pos < value.len() {
            let i = self.pos;
            let b = value[i];
            self.pos += 1;
            if self.in_string {
                if self.escape {
                    self.escape = false;
                } else if b == b'\\' {
                    self.escape = true;
                } else if b == b'"' {
                    self.in_string = false;
                    if self.kind == Some(Kind::String) {
                        return Some(i + 1);
                    }
                }
                continue;
            }
            match (self.kind, b) {
                (Some(Kind::Scalar), b',' | b']' | b'}' | b' ' | b'\t' | b'\r' | b'\n') => {
                    return Some(i);
                }
                (Some(Kind::Scalar), _) => {}
                (_, b'"') => self.in_string = true,
                (_, b'{' | b'[') => self.depth += 1,
                (_, b'}' | b']') => {
                    self.depth = self.depth.saturating_sub(1);
                    if self.depth == 0 {
                        return Some(i + 1);
                    }
                }
                _ => {}
            }
        }
        None
    }

    /// The length of the value when the input ends: a scalar ends there;
    /// an unfinished object, array or string has no end.
    pub(crate) fn finish(&self, len: usize) -> Option<usize> {
        match self.kind {
            Some(Kind::Scalar) => Some(len),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn end(s: &str) -> Option<usize> {
        ValueScanner::default().feed(s.as_bytes())
    }

    #[test]
    fn finds_ends() {
        assert_eq!(end(r#"{"a":"}\"]"} ,"#), Some(12));
        assert_eq!(end(r#"[1,[2]],"#), Some(7));
        assert_eq!(end(r#""x\"y" "#), Some(6));
        assert_eq!(end("123,"), Some(3));
        assert_eq!(end("true]"), Some(4));
        assert_eq!(end("{\"a\":1"), None);
        assert_eq!(end(""), None);
    }

    #[test]
    fn resumes_across_pieces() {
        let whole = br#"{"k": "a,b}", "n": [1, 2]}"#;
        let mut s = ValueScanner::default();
        for cut in 1..whole.len() {
            assert_eq!(s.feed(&whole[..cut]), None);
        }
        assert_eq!(s.feed(whole), Some(whole.len()));
    }
}
