//! Credentials of well-known shapes.

use crate::rng::{ALNUM, Gen};

const B64URL: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Base64url without padding, as JWTs use it.
fn b64url(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 4 / 3 + 2);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, b)| acc | u32::from(*b) << (16 - 8 * i));
        let emit = chunk.len() + 1;
        for i in 0..emit {
            out.push(char::from(B64URL[((n >> (18 - 6 * i)) & 63) as usize]));
        }
    }
    out
}

/// An AWS access key id (`AKIA` + 16 base-32 characters).
pub(crate) fn aws_key(g: &mut Gen) -> String {
    format!("AKIA{}", g.chars(16, b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"))
}

/// An AWS secret access key (40 base64 characters).
pub(crate) fn aws_secret(g: &mut Gen) -> String {
    g.chars(40, B64)
}

/// A GitHub personal access token.
pub(crate) fn github_token(g: &mut Gen) -> String {
    format!("ghp_{}", g.chars(36, ALNUM))
}

/// A JWT with a real JSON header and payload and a random signature.
pub(crate) fn jwt(g: &mut Gen) -> String {
    let header = b64url(br#"{"alg":"HS256","typ":"JWT"}"#);
    let payload = format!(
        r#"{{"sub":"{}","iat":{},"role":"{}"}}"#,
        g.digits(8),
        g.range(1_700_000_000, 1_800_000_000),
        g.word(&["user", "admin", "agent"])
    );
    let sig = g.chars(43, B64URL);
    format!("{header}.{}.{sig}", b64url(payload.as_bytes()))
}

/// A password as people type them.
pub(crate) fn password(g: &mut Gen) -> String {
    let word = g.word(&[
        "Summer",
        "hunter",
        "Winter",
        "dragon",
        "Kestrel",
        "sunflower",
        "Passw0rd",
        "letmein",
        "Tr0ub4dor",
        "correcthorse",
    ]);
    format!(
        "{word}{}{}",
        g.range(1, 2026),
        g.word(&["!", "#", "", "$", "?", "&&"])
    )
}

/// The first line of a PEM private-key block.
pub(crate) fn pem_begin(g: &mut Gen) -> String {
    let kind = g.word(&[
        "RSA PRIVATE KEY",
        "PRIVATE KEY",
        "OPENSSH PRIVATE KEY",
        "EC PRIVATE KEY",
    ]);
    format!("-----BEGIN {kind}-----")
}

/// A Stripe-style live secret key.
pub(crate) fn stripe_key(g: &mut Gen) -> String {
    format!("sk_live_{}", g.chars(24, ALNUM))
}
