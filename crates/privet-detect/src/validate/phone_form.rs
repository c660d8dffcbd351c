//! How phone numbers are written around the digits libphonenumber judges:
//! a glued or spaced extension (`555-0134x623`, `555-0134 ext. 12`) and a
//! country code in brackets (`(+41) 44 668 18 00`). The phone validator sees
//! the number alone; the reported span keeps the extension, which is part of
//! the line a person can be reached on.

/// The length of `span` without a trailing extension (and the blank before
/// it); `span.len()` when there is none.
pub(crate) fn without_extension(span: &[u8]) -> usize {
    let digits_at_end = span.iter().rev().take_while(|b| b.is_ascii_digit()).count();
    if digits_at_end == 0 || digits_at_end > 6 {
        return span.len();
    }
    let mut i = span.len() - digits_at_end;
    while i > 0 && matches!(span[i - 1], b' ' | b'.') {
        i -= 1;
    }
    let marker = [&b"extension"[..], b"ext", b"x", b"#"]
        .into_iter()
        .find(|m| i >= m.len() && span[i - m.len()..i].eq_ignore_ascii_case(m));
    let Some(marker) = marker else {
        return span.len();
    };
    let mut cut = i - marker.len();
    while cut > 0 && span[cut - 1] == b' ' {
        cut -= 1;
    }
    if cut > 0 && span[cut - 1].is_ascii_digit() {
        cut
    } else {
        span.len()
    }
}

/// `(+41) 44 668 18 00` as libphonenumber reads it (`+41 44 668 18 00`), or
/// `None` when the span does not open with a bracketed country code. The
/// result is one byte shorter per bracket removed, both before the first digit
/// run ends, so lengths past that point map back by adding 2.
pub(crate) fn unbracketed_country_code(span: &[u8]) -> Option<Vec<u8>> {
    let rest = span.strip_prefix(b"(+")?;
    let close = rest.iter().position(|&b| b == b')')?;
    if close == 0 || close > 3 || !rest[..close].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut out = Vec::with_capacity(span.len());
    out.push(b'+');
    out.extend_from_slice(&rest[..close]);
    out.extend_from_slice(&rest[close + 1..]);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions() {
        let cases: &[(&str, &str)] = &[
            ("(783)554-0482x81311", "(783)554-0482"),
            ("446-781-9149x937", "446-781-9149"),
            ("+1-585-647-1864x75244", "+1-585-647-1864"),
            ("415-555-0134 ext. 12", "415-555-0134"),
            ("415-555-0134 ext 12", "415-555-0134"),
            ("415-555-0134 #12", "415-555-0134"),
            ("415-555-0134", "415-555-0134"),
            ("x623", "x623"),
            ("415-555-0134x1234567", "415-555-0134x1234567"),
        ];
        for (span, number) in cases {
            assert_eq!(
                &span[..without_extension(span.as_bytes())],
                *number,
                "{span}"
            );
        }
    }

    #[test]
    fn bracketed_country_codes() {
        let got = unbracketed_country_code(b"(+41) 44 668 18 00");
        assert_eq!(got.as_deref(), Some(&b"+41 44 668 18 00"[..]));
        assert_eq!(unbracketed_country_code(b"(415) 555 0134"), None);
        assert_eq!(unbracketed_country_code(b"(+) 1"), None);
        assert_eq!(unbracketed_country_code(b"(+1234) 1"), None);
    }
}
