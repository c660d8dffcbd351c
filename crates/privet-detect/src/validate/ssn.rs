//! United States social security numbers (SSA assignment rules).

/// How a valid SSN candidate was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SsnForm {
    /// `123-45-6789`.
    Dashed,
    /// `123 45 6789`.
    Spaced,
    /// `123.45.6789`.
    Dotted,
    /// `123456789`: indistinguishable from any 9-digit id without context.
    Bare,
}

/// Numbers published in advertising or by the SSA as never valid.
const KNOWN_INVALID: [&[u8; 9]; 2] = [b"078051120", b"219099999"];

/// Checks `AAA-GG-SSSS`, `AAA GG SSSS`, `AAA.GG.SSSS` or 9 bare digits against the SSA rules.
pub(crate) fn check(span: &[u8]) -> Option<SsnForm> {
    let mut digits = [0u8; 9];
    let form = match span.len() {
        9 => {
            digits.copy_from_slice(span);
            SsnForm::Bare
        }
        11 => {
            let sep = span[3];
            if span[6] != sep || !matches!(sep, b'-' | b' ' | b'.') {
                return None;
            }
            digits[..3].copy_from_slice(&span[..3]);
            digits[3..5].copy_from_slice(&span[4..6]);
            digits[5..].copy_from_slice(&span[7..]);
            match sep {
                b'-' => SsnForm::Dashed,
                b' ' => SsnForm::Spaced,
                _ => SsnForm::Dotted,
            }
        }
        _ => return None,
    };
    if !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let num = |r: std::ops::Range<usize>| {
        digits[r]
            .iter()
            .fold(0u32, |acc, &d| acc * 10 + u32::from(d - b'0'))
    };
    let (area, group, serial) = (num(0..3), num(3..5), num(5..9));
    if area == 0 || area == 666 || area >= 900 || group == 0 || serial == 0 {
        return None;
    }
    if KNOWN_INVALID.iter().any(|k| **k == digits) {
        return None;
    }
    Some(form)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        let cases: &[(&str, Option<SsnForm>)] = &[
            ("123-45-6789", Some(SsnForm::Dashed)),
            ("123 45 6789", Some(SsnForm::Spaced)),
            ("123456789", Some(SsnForm::Bare)),
            ("899-99-9999", Some(SsnForm::Dashed)),
            ("000-12-3456", None),
            ("666-12-3456", None),
            ("900-12-3456", None),
            ("999-12-3456", None),
            ("123-00-4567", None),
            ("123-45-0000", None),
            ("078-05-1120", None),
            ("219-09-9999", None),
            ("123-45 6789", None),
            ("123.45.6789", Some(SsnForm::Dotted)),
            ("123.45-6789", None),
            ("12-345-6789", None),
            ("12345678", None),
            ("1234567890", None),
            ("abc-de-fghi", None),
        ];
        for (s, want) in cases {
            assert_eq!(check(s.as_bytes()), *want, "{s}");
        }
    }
}
