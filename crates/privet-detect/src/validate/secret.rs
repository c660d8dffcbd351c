//! Credentials: JWT structure, assignments in every common syntax
//! (`KEY=v`, `camelCase = "v"`, `x := "v"`, `'k' => 'v'`, `"k": "v"`,
//! `setProperty("k", "v")`, `<key>v</key>`), `Authorization` headers,
//! `curl -u user:pass`, webhook URLs, private-key blocks, and the entropy and
//! placeholder shapes that tell a real value from an example.

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
    // Without digits, only a long run of letters in mixed case as random as
    // a coin toss reads as generated; camelCase names have few capitals.
    let upper = value.iter().filter(|b| b.is_ascii_uppercase()).count();
    let coin_case = value.len() >= 20 && (3..=7).contains(&(upper * 10 / value.len()));
    (has_digit || coin_case) && has_alpha && entropy(value) >= 3.0
}

/// A password value that is not empty, masked, a placeholder or a variable.
pub(crate) fn password_value(value: &[u8]) -> bool {
    (4..=128).contains(&value.len()) && !placeholder(value)
}

fn placeholder(value: &[u8]) -> bool {
    const WORDS: [&[u8]; 19] = [
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
        b"changeme",
        b"secret",
        b"string",
        b"empty",
        b"todo",
        b"tbd",
        b"xxx",
    ];
    let first = value.first().copied().unwrap_or(b'*');
    let lower = value.to_ascii_lowercase();
    let find = |n: &[u8]| memchr::memmem::find(&lower, n).is_some();
    let percent_var = first == b'%' && (value.ends_with(b"%") || value.get(1) == Some(&b'('));
    matches!(first, b'$' | b'<' | b'{' | b'[')
        || percent_var
        // A reference, not a value: os.environ[...], getenv(...), process.env.X.
        || find(b"(") || find(b"environ") || find(b"process.env") || find(b"config.")
        || find(b"example") || find(b"your_") || find(b"your-") || find(b"<your") || find(b"_here") || find(b"xxxx")
        // An environment variable's name (CLIENT_SECRET, DB_PASSWORD).
        || (value.contains(&b'_')
            && value.iter().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b'_'))
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

/// What an assignment's key says its value is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum KeyKind {
    /// A password or passphrase: any non-placeholder value counts.
    Password,
    /// A key, token or secret: the value must look generated.
    Token,
}

/// Reads the key around a keyword hit that starts at `kw` in `hay` (the key
/// runs back over word characters, `.`, `-`) and says what it names, or
/// `None` when the keyword is part of some other word ("bypass",
/// "passport", "tokenizer", "secretName", "password_min_length").
pub(crate) fn key_kind(hay: &[u8], kw: usize, key_end: usize) -> Option<KeyKind> {
    let word = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.');
    let mut start = kw;
    while start > 0 && word(hay[start - 1]) {
        start -= 1;
    }
    let key = &hay[start..key_end];
    let mut kind = None;
    let mut last: &[u8] = b"";
    let mut prev: &[u8] = b"";
    for part in split_key(key) {
        let lower = part.to_ascii_lowercase();
        let k = match lower.as_slice() {
            b"password" | b"passwd" | b"passphrase" | b"pwd" | b"pass" | b"pw" | b"passwort"
            | b"contrasena" | b"senha" | b"haslo" | b"wachtwoord" | b"motdepasse" => {
                Some(KeyKind::Password)
            }
            b"secret" | b"token" | b"apikey" | b"credential" | b"credentials" | b"pat"
            | b"bearer" => Some(KeyKind::Token),
            b"key"
                if matches!(
                    prev,
                    b"api"
                        | b"access"
                        | b"secret"
                        | b"private"
                        | b"signing"
                        | b"encryption"
                        | b"master"
                        | b"license"
                        | b"app"
                ) =>
            {
                Some(KeyKind::Token)
            }
            _ => None,
        };
        if k.is_some() {
            kind = kind.or(k);
        }
        prev = match lower.as_slice() {
            b"api" => b"api",
            b"access" => b"access",
            b"secret" => b"secret",
            b"private" => b"private",
            b"signing" => b"signing",
            b"encryption" => b"encryption",
            b"master" => b"master",
            b"license" => b"license",
            b"app" => b"app",
            _ => b"",
        };
        last = part;
    }
    // Keys that name something about the secret, not the secret itself.
    let about = [
        &b"id"[..],
        b"name",
        b"type",
        b"length",
        b"len",
        b"count",
        b"file",
        b"path",
        b"url",
        b"uri",
        b"size",
        b"min",
        b"max",
        b"policy",
        b"hint",
        b"expiry",
        b"expires",
        b"ttl",
        b"header",
        b"endpoint",
        b"field",
        b"enabled",
        b"required",
        b"reset",
        b"label",
        b"ref",
        b"arn",
        b"version",
        b"hash",
        b"format",
        b"prefix",
        b"provider",
        b"store",
    ];
    let last = last.to_ascii_lowercase();
    if about.contains(&last.as_slice()) {
        return None;
    }
    kind
}

/// The words of a key: split at `_`, `-`, `.` and lower-to-upper case changes.
fn split_key(key: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut parts = Vec::new();
    let mut start = 0;
    for i in 0..key.len() {
        let b = key[i];
        if matches!(b, b'_' | b'-' | b'.') {
            if i > start {
                parts.push(&key[start..i]);
            }
            start = i + 1;
        } else if i > start && b.is_ascii_uppercase() && key[i - 1].is_ascii_lowercase() {
            parts.push(&key[start..i]);
            start = i;
        }
    }
    if start < key.len() {
        parts.push(&key[start..]);
    }
    parts.into_iter()
}

/// The operator and value of an assignment candidate that starts at its key
/// keyword: `(key_end, value_start, value_end)` within `span`. Commas and
/// `>` count as operators only in their own syntax (`"k", "v"` with both
/// quoted; `<key>v</key>`).
pub(crate) fn assignment(hay: &[u8], start: usize, end: usize) -> Option<(usize, usize, usize)> {
    let span = &hay[start..end];
    let key_len = span
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
        .count();
    let mut i = key_len;
    let key_quote = span.get(i).copied().filter(|b| matches!(b, b'"' | b'\''));
    while span
        .get(i)
        .is_some_and(|b| matches!(b, b'"' | b'\'' | b']'))
    {
        i += 1;
    }
    while span.get(i).is_some_and(|b| matches!(b, b' ' | b'\t')) {
        i += 1;
    }
    let op = *span.get(i)?;
    let op_len = match (op, span.get(i + 1)) {
        (b':', Some(b'=')) | (b'=', Some(b'>')) => 2,
        (b'=' | b':' | b',' | b'>', _) => 1,
        _ => return None,
    };
    i += op_len;
    while span.get(i).is_some_and(|b| matches!(b, b' ' | b'\t')) {
        i += 1;
    }
    let value_quote = span.get(i).copied().filter(|b| matches!(b, b'"' | b'\''));
    if value_quote.is_some() {
        i += 1;
    }
    match op {
        b',' if key_quote.is_none() || value_quote.is_none() => return None,
        b'>' if op_len == 1 && (start == 0 || hay[start - 1] != b'<') && !xml_open(hay, start) => {
            return None;
        }
        _ => {}
    }
    let value_start = i;
    let mut value_end = span[value_start..]
        .iter()
        .position(|b| matches!(b, b' ' | b'\t' | b'\r' | b'"' | b'\'' | b'<' | b'>' | b';'))
        .map_or(span.len(), |p| value_start + p);
    // A following query parameter (`&next=...`) ends the value.
    if let Some(p) = next_parameter(&span[value_start..value_end]) {
        value_end = value_start + p;
    }
    while value_end > value_start
        && matches!(
            span[value_end - 1],
            b'"' | b'\'' | b'.' | b',' | b';' | b')'
        )
    {
        value_end -= 1;
    }
    (value_end > value_start).then_some((key_len, value_start, value_end))
}

/// Whether the key at `start` opens an XML element (`<dbPassword>`), its `<`
/// possibly before a camelCase prefix.
fn xml_open(hay: &[u8], start: usize) -> bool {
    let mut i = start;
    while i > 0 && hay[i - 1].is_ascii_alphanumeric() {
        i -= 1;
    }
    i > 0 && hay[i - 1] == b'<'
}

/// The credential in an `Authorization` header value or after `-u`:
/// `Bearer <token>`, `Basic <base64>`, `user:password`.
pub(crate) fn header_credential(span: &[u8]) -> Option<(usize, usize)> {
    let sep = span.iter().position(|b| matches!(b, b' ' | b'\t'))?;
    let start = sep
        + span[sep..]
            .iter()
            .take_while(|b| matches!(b, b' ' | b'\t'))
            .count();
    let value = &span[start..];
    let scheme = span[..sep].to_ascii_lowercase();
    let ok = match scheme.as_slice() {
        b"-u" | b"--user" => {
            let colon = memchr::memchr(b':', value)?;
            let pw = value[colon + 1..].trim_ascii_end();
            let pw = pw
                .strip_suffix(b"'")
                .or_else(|| pw.strip_suffix(b"\""))
                .unwrap_or(pw);
            return password_value(pw).then_some((start + colon + 1, start + colon + 1 + pw.len()));
        }
        _ => jwt(value) || random_looking(value),
    };
    ok.then_some((start, span.len()))
}

/// A webhook URL whose path carries its secret (Slack, Discord, Teams).
pub(crate) fn webhook(span: &[u8]) -> bool {
    let last = span.rsplit(|&b| b == b'/').next().unwrap_or(b"");
    last.len() >= 20 && !placeholder(last) && entropy(last) >= 3.5
}

/// Whether the line after a `-----BEGIN ... PRIVATE KEY-----` marker holds a
/// key: base64 (or the PEM headers of an encrypted key), not a placeholder
/// such as "...your key here...". A marker with no line after it (a chunk
/// ends there) or with more text on its own line (a log naming a key it
/// rejected) cannot be judged by its body and counts as a key.
pub(crate) fn pem_body_follows(after: &[u8]) -> bool {
    let after = after.strip_prefix(b"\r").unwrap_or(after);
    let Some(rest) = after.strip_prefix(b"\n") else {
        return true;
    };
    let line_end = memchr::memchr(b'\n', rest).unwrap_or(rest.len());
    let line = rest[..line_end].trim_ascii();
    if line.is_empty() {
        return rest.len() == line_end;
    }
    line.starts_with(b"Proc-Type:")
        || line.starts_with(b"Comment:")
        || (line.len() >= 16
            && line
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=')))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values() {
        assert!(random_looking(b"9f8A7c6D5e4F3a2B1c0D"));
        assert!(!random_looking(b"my-app-production"));
        assert!(!random_looking(b"${API_KEY_FROM_ENV}"));
        assert!(!random_looking(b"aaaaaaaaaaaaaaaaaaaa1"));
        assert!(random_looking(b"nCCoNkhDtDprzbmjUgentMvMyV"));
        assert!(!random_looking(b"getAccessTokenFromStore"));
        assert!(password_value(b"%JH8xH^MRRK"));
        assert!(!password_value(b"%(db_password)s"));
        assert!(!password_value(b"%DB_PASSWORD%"));
        assert!(password_value(b"hunter22"));
        assert!(!password_value(b"********"));
        assert!(!password_value(b"${DB_PASSWORD}"));
        assert!(!password_value(b"<password>"));
        assert!(!password_value(b"abc"));
    }

    #[test]
    fn keys_name_what_they_hold() {
        let kind = |key: &str, kw: &str| {
            let at = key.find(kw).expect("keyword in key");
            key_kind(key.as_bytes(), at, key.len())
        };
        assert_eq!(kind("dbPassword", "Password"), Some(KeyKind::Password));
        assert_eq!(kind("DB_PASSWORD", "PASSWORD"), Some(KeyKind::Password));
        assert_eq!(kind("smtp.pass", "pass"), Some(KeyKind::Password));
        assert_eq!(kind("clientSecret", "Secret"), Some(KeyKind::Token));
        assert_eq!(kind("api_key", "api"), Some(KeyKind::Token));
        assert_eq!(kind("apiKey", "api"), Some(KeyKind::Token));
        assert_eq!(kind("AUTH_TOKEN", "TOKEN"), Some(KeyKind::Token));
        assert_eq!(kind("passport", "pass"), None);
        assert_eq!(kind("bypass", "pass"), None);
        assert_eq!(kind("tokenizer", "token"), None);
        assert_eq!(kind("secretName", "secret"), None);
        assert_eq!(kind("password_min_length", "password"), None);
        assert_eq!(kind("token_count", "token"), None);
        assert_eq!(kind("monkey", "key"), None);
    }

    #[test]
    fn assignments_in_every_syntax() {
        let cases: &[(&str, Option<&str>)] = &[
            ("DB_PASSWORD=hunter22x", Some("hunter22x")),
            ("dbPassword = \"s3cr3t!x\";", Some("s3cr3t!x")),
            ("apiKey := \"AbC123xyz\"", Some("AbC123xyz")),
            ("'api_key' => 'AbC123xyz',", Some("AbC123xyz")),
            ("db.password\", \"hunter22\");", Some("hunter22")),
            ("<dbPassword>hunter22</dbPassword>", Some("hunter22")),
            ("password: hunter22", Some("hunter22")),
            ("\"clientSecret\": \"AbC\",", Some("AbC")),
            ("API_KEY\"] = \"AbC\"", Some("AbC")),
            ("password, please", None),
            ("password=", None),
        ];
        for (text, want) in cases {
            let hay = text.as_bytes();
            let at = text.find(|c: char| c.is_ascii_alphanumeric()).unwrap_or(0);
            let got = assignment(hay, at, hay.len()).map(|(_, s, e)| &text[at + s..at + e]);
            assert_eq!(got, *want, "{text}");
        }
        // `>` is an operator only inside an XML element.
        let t = b"x <apiKey>AbC123</apiKey>";
        assert!(assignment(t, 3, t.len()).is_some());
        let t = b"if password > 3";
        assert!(assignment(t, 3, t.len()).is_none());
    }

    #[test]
    fn header_and_user_flag_credentials() {
        let cred = |s: &str| header_credential(s.as_bytes()).map(|(a, b)| s[a..b].to_owned());
        assert_eq!(
            cred("Bearer LEJzISqPPw5sBU02-PxuM6sY9").as_deref(),
            Some("LEJzISqPPw5sBU02-PxuM6sY9")
        );
        assert_eq!(cred("Bearer <token>"), None);
        assert_eq!(cred("-u deploy:Tiger2252!").as_deref(), Some("Tiger2252!"));
        assert_eq!(cred("-u $USER:$PASS"), None);
    }

    #[test]
    fn pem_bodies() {
        assert!(pem_body_follows(b"\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n"));
        assert!(pem_body_follows(b"\nProc-Type: 4,ENCRYPTED\n"));
        assert!(pem_body_follows(b""));
        assert!(pem_body_follows(b" id=527a761d\n"));
        assert!(!pem_body_follows(b"\n...your key here...\n"));
        assert!(!pem_body_follows(b"\n<paste the key>\n"));
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
