//! E-mail addresses (RFC 5321 shaped: local@domain with an alphabetic TLD).

/// Checks a candidate; returns how many leading bytes to drop (punctuation
/// that the local-part pattern swallowed, such as a leading dot).
pub(crate) fn check(span: &[u8]) -> Option<usize> {
    let at = memchr::memchr(b'@', span)?;
    let (local, domain) = (&span[..at], &span[at + 1..]);
    let skip = local
        .iter()
        .position(|b| b.is_ascii_alphanumeric())
        .unwrap_or(local.len());
    let local = &local[skip..];
    if local.is_empty() || local.len() > 64 || domain.len() > 253 {
        return None;
    }
    if local.last() == Some(&b'.') || memchr::memmem::find(local, b"..").is_some() {
        return None;
    }
    let mut labels = 0usize;
    let mut tld: &[u8] = &[];
    for label in domain.split(|&b| b == b'.') {
        if label.is_empty()
            || label.len() > 63
            || label.first() == Some(&b'-')
            || label.last() == Some(&b'-')
        {
            return None;
        }
        labels += 1;
        tld = label;
    }
    if labels < 2 || !(2..=24).contains(&tld.len()) || !tld.iter().all(u8::is_ascii_alphabetic) {
        return None;
    }
    Some(skip)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        let cases: &[(&str, Option<usize>)] = &[
            ("jane.doe@example.com", Some(0)),
            ("j+tag@mail.example.co.uk", Some(0)),
            ("o_brien-x@sub-domain.example.museum", Some(0)),
            (".jane@example.com", Some(1)),
            ("jane.@example.com", None),
            ("ja..ne@example.com", None),
            ("jane@example", None),
            ("jane@-example.com", None),
            ("jane@example-.com", None),
            ("jane@example.c", None),
            ("jane@example.c0m", None),
            ("@example.com", None),
            ("jane@exa..mple.com", None),
        ];
        for (s, want) in cases {
            assert_eq!(check(s.as_bytes()), *want, "{s}");
        }
    }
}
