//! Credentials with a provider's own prefix (`ghp_`, `npm_`, `AKIA`, `glpat-`...):
//! one table of formats, each with its body alphabet, its length and, where
//! the provider publishes one, its checksum (GitHub's and npm's CRC32 in the
//! last six base62 characters). Placeholders (`AKIAXXXXXXXXXXXXXXXX`,
//! `ghp_xxxx...`, `...EXAMPLE`) and bodies too regular to be generated are
//! refused.

/// Which characters a token body is made of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Body {
    /// `[A-Za-z0-9]`.
    Alnum,
    /// `[A-Za-z0-9_-]` (base64url).
    UrlSafe,
    /// `[A-Za-z0-9_-.]`.
    Dotted,
    /// `[0-9a-fA-F]`.
    Hex,
    /// `[A-Z2-7]` plus digits, as AWS key ids are written.
    Upper,
    /// `[A-Za-z0-9-]` (Slack tokens, dashed groups).
    Dashed,
}

impl Body {
    fn allows(self, b: u8) -> bool {
        match self {
            Body::Alnum => b.is_ascii_alphanumeric(),
            Body::UrlSafe => b.is_ascii_alphanumeric() || b == b'_' || b == b'-',
            Body::Dotted => b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'),
            Body::Hex => b.is_ascii_hexdigit(),
            Body::Upper => b.is_ascii_uppercase() || b.is_ascii_digit(),
            Body::Dashed => b.is_ascii_alphanumeric() || b == b'-',
        }
    }
}

/// A checksum a provider puts in its tokens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Check {
    None,
    /// The last six characters are the base62 CRC32 of the 30 before them
    /// (GitHub's classic tokens since 2021, npm's since 2021).
    Crc32Base62,
}

/// One provider's token format.
struct Format {
    prefix: &'static [u8],
    body: Body,
    min: usize,
    max: usize,
    check: Check,
    confidence: f32,
}

const fn f(prefix: &'static [u8], body: Body, min: usize, max: usize, confidence: f32) -> Format {
    Format {
        prefix,
        body,
        min,
        max,
        check: Check::None,
        confidence,
    }
}

const fn crc(prefix: &'static [u8]) -> Format {
    Format {
        prefix,
        body: Body::Alnum,
        min: 36,
        max: 36,
        check: Check::Crc32Base62,
        confidence: 0.99,
    }
}

/// The formats, longest prefix first where one prefix opens another. Body
/// lengths are the providers' published ones (or the range seen in their
/// documentation where they vary).
const FORMATS: &[Format] = &[
    f(b"AKIA", Body::Upper, 16, 16, 0.95),
    f(b"ASIA", Body::Upper, 16, 16, 0.9),
    crc(b"ghp_"),
    crc(b"gho_"),
    crc(b"ghu_"),
    crc(b"ghs_"),
    crc(b"ghr_"),
    f(b"github_pat_", Body::UrlSafe, 70, 100, 0.97),
    crc(b"npm_"),
    f(b"xoxb-", Body::Dashed, 20, 250, 0.95),
    f(b"xoxp-", Body::Dashed, 20, 250, 0.95),
    f(b"xoxa-", Body::Dashed, 20, 250, 0.93),
    f(b"xoxr-", Body::Dashed, 20, 250, 0.93),
    f(b"xoxs-", Body::Dashed, 20, 250, 0.93),
    f(b"xoxe.xoxp-", Body::Dashed, 20, 250, 0.93),
    f(b"xapp-", Body::Dashed, 20, 250, 0.95),
    f(b"sk_live_", Body::Alnum, 20, 250, 0.97),
    f(b"rk_live_", Body::Alnum, 20, 250, 0.97),
    f(b"whsec_", Body::Alnum, 24, 64, 0.9),
    f(b"AIza", Body::UrlSafe, 35, 35, 0.93),
    f(b"sk-ant-api03-", Body::UrlSafe, 80, 120, 0.98),
    f(b"sk-ant-", Body::UrlSafe, 32, 200, 0.95),
    f(b"sk-proj-", Body::UrlSafe, 40, 200, 0.97),
    f(b"sk-svcacct-", Body::UrlSafe, 40, 200, 0.97),
    f(b"sk-", Body::UrlSafe, 20, 200, 0.85),
    f(b"pypi-AgEIcHlwaS5vcmc", Body::UrlSafe, 50, 250, 0.98),
    f(b"glpat-", Body::UrlSafe, 20, 60, 0.95),
    f(b"gldt-", Body::UrlSafe, 20, 60, 0.93),
    f(b"glrt-", Body::UrlSafe, 20, 60, 0.93),
    f(b"glptt-", Body::UrlSafe, 20, 60, 0.93),
    f(b"shpat_", Body::Hex, 32, 32, 0.97),
    f(b"shpca_", Body::Hex, 32, 32, 0.97),
    f(b"shppa_", Body::Hex, 32, 32, 0.97),
    f(b"shpss_", Body::Hex, 32, 32, 0.97),
    f(b"SG.", Body::Dotted, 66, 66, 0.97),
    f(b"hvs.", Body::UrlSafe, 24, 200, 0.95),
    f(b"hvb.", Body::UrlSafe, 24, 250, 0.95),
    f(b"dop_v1_", Body::Hex, 64, 64, 0.97),
    f(b"doo_v1_", Body::Hex, 64, 64, 0.97),
    f(b"dor_v1_", Body::Hex, 64, 64, 0.97),
    f(b"lin_api_", Body::Alnum, 40, 40, 0.95),
    f(b"dp.pt.", Body::Alnum, 40, 44, 0.95),
    f(b"sq0atp-", Body::UrlSafe, 22, 22, 0.95),
    f(b"sq0csp-", Body::UrlSafe, 43, 43, 0.95),
    f(b"PMAK-", Body::Dashed, 59, 59, 0.95),
    f(b"ATATT3", Body::UrlSafe, 150, 250, 0.95),
    f(b"glc_", Body::UrlSafe, 32, 200, 0.93),
    f(b"glsa_", Body::UrlSafe, 32, 50, 0.93),
    f(b"sntrys_", Body::UrlSafe, 60, 300, 0.95),
    f(b"hf_", Body::Alnum, 34, 34, 0.93),
    f(b"dckr_pat_", Body::UrlSafe, 27, 27, 0.95),
    f(b"figd_", Body::UrlSafe, 40, 40, 0.93),
    f(b"sbp_", Body::Hex, 40, 40, 0.95),
    f(b"pscale_tkn_", Body::UrlSafe, 32, 64, 0.95),
    f(b"NRAK-", Body::Upper, 27, 27, 0.95),
    f(b"dt0c01.", Body::Dotted, 90, 90, 0.95),
    f(b"AGE-SECRET-KEY-1", Body::Upper, 58, 58, 0.98),
    f(b"key-", Body::Hex, 32, 32, 0.85),
    f(b"dapi", Body::Hex, 32, 32, 0.9),
    f(b"SK", Body::Hex, 32, 32, 0.85),
];

/// The confidence of a checksummed format whose checksum fails.
const UNCHECKED: f32 = 0.7;

/// A confirmed provider token: its length in the candidate and confidence.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Token {
    pub len: usize,
    pub confidence: f32,
}

/// Checks a candidate that opens with a provider prefix. The token is the
/// prefix and the longest run of its body alphabet; a longer run of word
/// characters after it means the candidate is something else.
pub(crate) fn check(span: &[u8]) -> Option<Token> {
    FORMATS.iter().find_map(|fmt| {
        let rest = span.strip_prefix(fmt.prefix)?;
        let body_len = rest.iter().take_while(|&&b| fmt.body.allows(b)).count();
        let body = &rest[..body_len];
        let next = rest.get(body_len).copied();
        let glued = next.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_');
        let fits = (fmt.min..=fmt.max).contains(&body_len) && !glued;
        // A failed checksum leaves a random-looking token reportable, lower:
        // a leaked test token or a mangled copy still deserves a look.
        let confidence = match fmt.check {
            Check::Crc32Base62 if crc32_base62_ok(body) => fmt.confidence,
            Check::Crc32Base62 | Check::None if generated(body) => {
                if fmt.check == Check::None {
                    fmt.confidence
                } else {
                    UNCHECKED
                }
            }
            _ => return None,
        };
        fits.then_some(Token {
            len: fmt.prefix.len() + body_len,
            confidence,
        })
    })
}

/// Whether a body looks generated rather than typed as a placeholder:
/// not one repeated character or `x`s, no `EXAMPLE`/`XXXX`/`0000` filler,
/// and enough distinct characters for its length.
pub(crate) fn generated(body: &[u8]) -> bool {
    let filler = [
        &b"example"[..],
        b"xxxx",
        b"0000",
        b"your",
        b"dummy",
        b"sample",
        b"test",
    ];
    let lower = body.to_ascii_lowercase();
    if filler
        .iter()
        .any(|f| memchr::memmem::find(&lower, f).is_some())
    {
        return false;
    }
    let mut seen = [false; 256];
    let distinct = body
        .iter()
        .filter(|&&b| !std::mem::replace(&mut seen[usize::from(b)], true))
        .count();
    distinct * 4 >= body.len().min(40)
}

/// GitHub's and npm's token checksum: the last six base62 characters encode
/// the CRC32 of the thirty before them.
fn crc32_base62_ok(body: &[u8]) -> bool {
    let Some((random, sum)) = body.split_at_checked(30) else {
        return false;
    };
    if sum.len() != 6 {
        return false;
    }
    let mut value = 0u64;
    for &c in sum {
        let digit = match c {
            b'0'..=b'9' => c - b'0',
            b'A'..=b'Z' => c - b'A' + 10,
            b'a'..=b'z' => c - b'a' + 36,
            _ => return false,
        };
        value = value * 62 + u64::from(digit);
    }
    value == u64::from(crc32(random))
}

/// CRC-32 (IEEE 802.3, reflected, as zlib computes it).
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A GitHub-style token over `random`, checksum computed here.
    fn with_checksum(prefix: &str, random: &str) -> String {
        const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        let mut n = u64::from(crc32(random.as_bytes()));
        let mut sum = [b'0'; 6];
        for slot in sum.iter_mut().rev() {
            *slot = ALPHABET[(n % 62) as usize];
            n /= 62;
        }
        format!("{prefix}{random}{}", String::from_utf8_lossy(&sum))
    }

    #[test]
    fn crc32_known_values() {
        // The check value of CRC-32/ISO-HDLC.
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
    }

    #[test]
    fn checksummed_tokens() {
        let good = with_checksum("ghp_", "fZjP99HdIlvm6LgY9PkM6EwVPn7xgb");
        assert_eq!(check(good.as_bytes()).map(|t| t.len), Some(40), "{good}");
        let npm = with_checksum("npm_", "VlbeSCUxZTNV8cxKbrZVYb0J1SX5J8");
        assert!(check(npm.as_bytes()).is_some(), "{npm}");
        // One changed character breaks the checksum: still reported, lower.
        let bad = good.replacen('f', "g", 1);
        assert_eq!(
            check(bad.as_bytes()).map(|t| t.confidence),
            Some(UNCHECKED),
            "{bad}"
        );
        assert_eq!(check(b"ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"), None);
    }

    #[test]
    fn formats_and_placeholders() {
        let found = [
            "AKIAZ7VQ3L5M2N4P6R8T",
            "glpat-Xk3pQ9vL2mN8rT5wY7zA",
            "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",
            "SG.aBcD3fGh1jKlMn0pQrStUv.wXyZ0123456789aBcDeFgHiJkLmNoPqRsTuVwXyZ012",
            "xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx",
            "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7cDe0fGh3i",
            "hf_AbCdEfGhIjKlMnOpQrStUvWxYz01234567",
        ];
        for s in found {
            let t = check(s.as_bytes());
            assert_eq!(t.map(|t| t.len), Some(s.len()), "{s}");
        }
        for s in [
            "AKIAXXXXXXXXXXXXXXXX",
            "AKIAIOSFODNN7EXAMPLE",
            "AKIA1234",
            "glpat-xxxxxxxxxxxxxxxxxxxx",
            "sk-aaaaaaaaaaaaaaaaaaaaaaaa",
            "key-value",
            "SK-not-a-key",
            "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ZZ",
        ] {
            assert_eq!(check(s.as_bytes()), None, "{s}");
        }
    }
}
