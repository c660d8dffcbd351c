//! Credentials: JWT structure, key=value pairs and the entropy of their values.

/// Where the value of a `key = value` / `"key": "value"` pair starts within a
/// pair candidate: after the first `=` or `:` and any spaces or quotes.
pub(crate) fn pair_value(span: &[u8]) -> Option<(usize, usize)> {
    let sep = span.iter().position(|&b| b == b'=' || b == b':')?;
    let start = sep
        + 1
        + span[sep + 1..]
            .iter()
            .take_while(|&&b| matches!(b, b' ' | b'\t' | b'"' | b'\''))
            .count();
    // A following query parameter (`&next=...`) ends the value.
    let mut end = next_parameter(&span[start..]).map_or(span.len(), |p| start + p);
    while end > start && matches!(span[end - 1], b'"' | b'\'' | b'.' | b',' | b';' | b')') {
        end -= 1;
    }
    (end > start).then_some((start, end))
}

/// Where `&name=` starts inside a value, if anywhere.
fn next_parameter(value: &[u8]) -> Option<usize> {
    memchr::memchr_iter(b'&', value).find(|&amp| {
        let name = value[amp + 1..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
            .count();
        name > 0 && value.get(amp + 1 + name) == Some(&b'=')
    })
}

/// A value that looks like a real generated key or token rather than a word,
/// a placeholder or a reference to one.
pub(crate) fn random_looking(value: &[u8]) -> bool {
    if !(16..=256).contains(&value.len()) || placeholder(value) {
        return false;
    }
    let has_digit = value.iter().any(u8::is_ascii_digit);
    let has_alpha = value.iter().any(u8::is_ascii_alphabetic);
    has_digit && has_alpha && entropy(value) >= 3.0
}

/// A password value that is not empty, masked, a placeholder or a variable.
pub(crate) fn password_value(value: &[u8]) -> bool {
    (4..=128).contains(&value.len()) && !placeholder(value)
}

fn placeholder(value: &[u8]) -> bool {
    const WORDS: [&[u8]; 12] = [
        b"null",
        b"none",
        b"nil",
        b"true",
        b"false",
        b"redacted",
        b"hidden",
        b"undefined",
        b"required",
        b"example",
        b"placeholder",
        b"password",
    ];
    let first = value.first().copied().unwrap_or(b'*');
    matches!(first, b'$' | b'<' | b'{' | b'%' | b'[')
        || value.iter().all(|&b| b == value[0])
        || WORDS.iter().any(|w| value.eq_ignore_ascii_case(w))
        || value
            .iter()
            .all(|&b| matches!(b, b'*' | b'x' | b'X' | b'.' | b'#' | b'-'))
}

/// Shannon entropy in bits per byte.
pub(crate) fn entropy(value: &[u8]) -> f32 {
    let mut counts = [0u32; 256];
    for &b in value {
        counts[usize::from(b)] += 1;
    }
    let n = value.len() as f32;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f32 / n;
            -p * p.log2()
        })
        .sum()
}

/// Three base64url segments whose first decodes to a JSON object naming `alg`.
pub(crate) fn jwt(span: &[u8]) -> bool {
    let mut parts = span.split(|&b| b == b'.');
    let (Some(header), Some(payload), Some(_sig), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let mut buf = [0u8; 256];
    let Some(decoded) = base64url_decode(header, &mut buf) else {
        return false;
    };
    let decoded = trim_ascii(decoded);
    decoded.first() == Some(&b'{')
        && memchr::memmem::find(decoded, b"\"alg\"").is_some()
        && payload.len() >= 4
}

fn trim_ascii(s: &[u8]) -> &[u8] {
    s.trim_ascii()
}

/// Decodes unpadded base64url into `out`; `None` if invalid or too long.
fn base64url_decode<'a>(input: &[u8], out: &'a mut [u8]) -> Option<&'a [u8]> {
    let mut acc = 0u32;
    let mut bits = 0u32;
    let mut n = 0usize;
    for &c in input {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            b'=' => break,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            *out.get_mut(n)? = (acc >> bits) as u8;
            n += 1;
            acc &= (1 << bits) - 1;
        }
    }
    Some(&out[..n])
}

/// The password of `scheme://user:PASSWORD@` as a span of `span` (which ends at the `@`), unless
/// it is a placeholder (`****`, `${VAR}`, `<password>`, `password`).
pub(crate) fn url_password(span: &[u8]) -> Option<(usize, usize)> {
    let at = span.len().checked_sub(1).filter(|&i| span[i] == b'@')?;
    let userinfo_start = memchr::memmem::find(span, b"://")? + 3;
    let colon = userinfo_start + memchr::memchr(b':', &span[userinfo_start..at])?;
    let password = &span[colon + 1..at];
    let placeholder = password.is_empty()
        || password
            .iter()
            .all(|&b| b == b'*' || b == b'x' || b == b'X')
        || matches!(password.first(), Some(b'$' | b'{' | b'<' | b'%'))
        || password.eq_ignore_ascii_case(b"password")
        || password.eq_ignore_ascii_case(b"pass");
    (!placeholder).then_some((colon + 1, at))
}

/// Whether text ending here is `scheme://user:` (the start of a URL's password), so what
/// follows is userinfo, not an e-mail address.
pub(crate) fn after_url_userinfo(before: &[u8]) -> bool {
    let Some(rest) = before.strip_suffix(b":") else {
        return false;
    };
    // The user part: back to the "://" with no separator in between.
    let token_start = rest
        .iter()
        .rposition(|&b| b.is_ascii_whitespace() || matches!(b, b'"' | b'\'' | b'<' | b'>' | b'='))
        .map_or(0, |i| i + 1);
    memchr::memmem::find(&rest[token_start..], b"://").is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs() {
        let cases: &[(&str, Option<&str>)] = &[
            ("password=hunter22", Some("hunter22")),
            ("password: \"s3cr3t!\"", Some("s3cr3t!")),
            ("\"pwd\": \"abc def\"", Some("abc def")),
            ("api_key = 'AbC123xyz'", Some("AbC123xyz")),
            ("password=", None),
            ("password=p&ss&&", Some("p&ss&&")),
            ("password=abcd&next=/home", Some("abcd")),
        ];
        for (s, want) in cases {
            let got = pair_value(s.as_bytes()).map(|(a, b)| &s[a..b]);
            assert_eq!(got, *want, "{s}");
        }
    }

    #[test]
    fn values() {
        assert!(random_looking(b"9f8A7c6D5e4F3a2B1c0D"));
        assert!(!random_looking(b"my-app-production"));
        assert!(!random_looking(b"${API_KEY_FROM_ENV}"));
        assert!(!random_looking(b"aaaaaaaaaaaaaaaaaaaa1"));
        assert!(password_value(b"hunter22"));
        assert!(!password_value(b"********"));
        assert!(!password_value(b"${DB_PASSWORD}"));
        assert!(!password_value(b"<password>"));
        assert!(!password_value(b"abc"));
    }

    #[test]
    fn jwts() {
        let good = b"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
        assert!(jwt(good));
        assert!(!jwt(b"eyJub3RhbGciOjF9.eyJzdWIiOiIxIn0.abc"));
        assert!(!jwt(b"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0"));
        assert!(!jwt(b"abc.def.ghi"));
    }

    #[test]
    fn passwords_in_urls_are_found_and_placeholders_are_not() {
        let pw = |s: &str| url_password(s.as_bytes()).map(|(a, b)| s[a..b].to_owned());
        assert_eq!(
            pw("postgres://app:s3cr3tP4ss@").as_deref(),
            Some("s3cr3tP4ss")
        );
        assert_eq!(pw("https://bot:hunter2@").as_deref(), Some("hunter2"));
        assert_eq!(pw("postgres://app:****@"), None);
        assert_eq!(pw("postgres://app:${DB_PASSWORD}@"), None);
        assert_eq!(pw("mysql://root:password@"), None);
        assert!(after_url_userinfo(b"DATABASE_URL=postgres://app:"));
        assert!(!after_url_userinfo(b"write to ada:"));
        assert!(!after_url_userinfo(b"see https://x.example/ then mail:"));
    }
}
