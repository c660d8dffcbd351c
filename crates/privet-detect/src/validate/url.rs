//! URLs with an http(s)/ftp scheme or a `www.` host.

/// Checks a candidate; returns the length after trimming trailing punctuation
/// that belongs to the sentence rather than the URL.
pub(crate) fn check(span: &[u8]) -> Option<usize> {
    let mut end = span.len();
    loop {
        let &last = span[..end].last()?;
        let trim = match last {
            b'.' | b',' | b';' | b':' | b'!' | b'?' | b'\'' | b'"' | b'*' => true,
            // A closing bracket belongs to the URL only if it closes one inside it.
            b')' => count(&span[..end], b'(') < count(&span[..end], b')'),
            b']' => count(&span[..end], b'[') < count(&span[..end], b']'),
            _ => false,
        };
        if !trim {
            break;
        }
        end -= 1;
    }
    let body = &span[..end];
    let host_start = match memchr::memmem::find(body, b"://") {
        Some(i) => i + 3,
        None => 0,
    };
    let host_end = body[host_start..]
        .iter()
        .position(|&b| matches!(b, b'/' | b'?' | b'#'))
        .map_or(body.len(), |p| host_start + p);
    let host = &body[host_start..host_end];
    // Drop userinfo and port to look at the host itself.
    let host = match memchr::memrchr(b'@', host) {
        Some(i) => &host[i + 1..],
        None => host,
    };
    let host = match host.first() {
        Some(b'[') => host,
        _ => host.split(|&b| b == b':').next().unwrap_or(host),
    };
    let ok_host = host.first() == Some(&b'[')
        || (host.len() >= 3
            && host.iter().any(u8::is_ascii_alphanumeric)
            && (host.contains(&b'.') || host.eq_ignore_ascii_case(b"localhost")));
    ok_host.then_some(end)
}

fn count(hay: &[u8], b: u8) -> usize {
    memchr::memchr_iter(b, hay).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        let cases: &[(&str, Option<&str>)] = &[
            (
                "https://example.com/a?b=c#d",
                Some("https://example.com/a?b=c#d"),
            ),
            (
                "https://example.com/path.",
                Some("https://example.com/path"),
            ),
            ("http://example.com),", Some("http://example.com")),
            (
                "https://en.wikipedia.org/wiki/Foo_(bar)",
                Some("https://en.wikipedia.org/wiki/Foo_(bar)"),
            ),
            ("www.example.org/x!", Some("www.example.org/x")),
            (
                "ftp://files.example.net/a.txt'",
                Some("ftp://files.example.net/a.txt"),
            ),
            ("http://localhost:8080/x", Some("http://localhost:8080/x")),
            ("http://[::1]:80/", Some("http://[::1]:80/")),
            ("https://", None),
            ("https://x", None),
            ("http://...", None),
        ];
        for (s, want) in cases {
            let got = check(s.as_bytes()).map(|n| &s[..n]);
            assert_eq!(got, *want, "{s}");
        }
    }
}
