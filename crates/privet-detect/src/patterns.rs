//! The candidate patterns: one multi-pattern regex finds every candidate in a
//! single pass; validators then confirm or drop them.
//!
//! Patterns are compiled without Unicode (ASCII `\b`, `\d`, `\w`), which keeps
//! the lazy DFA on its fast path; non-ASCII bytes simply never match a class.
//! Matching is leftmost-first, so where two patterns match at the same start
//! the one listed first wins: the more specific shapes come first (a card
//! before an SSN before a date before a phone number).

use privet_types::PiiType;
use regex_automata::meta::Regex;
use regex_automata::util::syntax;

use crate::DetectError;

/// Lazy DFA cache size per searching thread.
const HYBRID_CACHE_BYTES: usize = 32 << 20;

/// Compiles patterns as the engine does: ASCII classes and boundaries, bytes.
pub(crate) fn compile(sources: &[String]) -> Result<Regex, DetectError> {
    Regex::builder()
        .syntax(syntax::Config::new().unicode(false).utf8(false))
        // The patterns interleave (every word may start an e-mail, a key=value
        // pair, a month name...), so the lazy DFA needs more room than the
        // default 2 MiB to stop rebuilding its states over and over.
        .configure(Regex::config().hybrid_cache_capacity(HYBRID_CACHE_BYTES))
        .build_many(sources)
        .map_err(|e| DetectError::Pattern(e.to_string()))
}

/// Which validator a candidate goes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    PemBlock,
    AwsKey,
    GithubToken,
    SlackToken,
    StripeKey,
    GoogleKey,
    OpenAiKey,
    Jwt,
    SecretPair,
    PasswordPair,
    /// A password in a URL's userinfo: `postgres://user:PASSWORD@host`.
    UrlCredential,
    Url,
    Email,
    Iban,
    CardGrouped,
    CardCompact,
    /// A bare run of 9 or more digits: an SSN, a phone or a card by length.
    DigitRun,
    Ssn,
    Bare9,
    Date,
    Ipv4,
    Ipv6,
    PhoneIntl,
    PhoneNational,
    Bare10,
}

impl Kind {
    /// Whether any type this kind can report is enabled.
    pub(crate) fn enabled_by(self, has: impl Fn(PiiType) -> bool) -> bool {
        match self {
            Kind::DigitRun => {
                has(PiiType::CardNumber) || has(PiiType::UsSsn) || has(PiiType::Phone)
            }
            _ => has(self.ty()),
        }
    }

    /// The type a confirmed candidate of this kind reports.
    pub(crate) fn ty(self) -> PiiType {
        match self {
            Kind::PemBlock
            | Kind::AwsKey
            | Kind::GithubToken
            | Kind::SlackToken
            | Kind::StripeKey
            | Kind::GoogleKey
            | Kind::OpenAiKey
            | Kind::Jwt
            | Kind::SecretPair
            | Kind::PasswordPair
            | Kind::UrlCredential => PiiType::Secret,
            Kind::Url => PiiType::Url,
            Kind::Email => PiiType::Email,
            Kind::Iban => PiiType::Iban,
            Kind::CardGrouped | Kind::CardCompact | Kind::DigitRun => PiiType::CardNumber,
            Kind::Ssn | Kind::Bare9 => PiiType::UsSsn,
            Kind::Date => PiiType::DateOfBirth,
            Kind::Ipv4 | Kind::Ipv6 => PiiType::IpAddress,
            Kind::PhoneIntl | Kind::PhoneNational | Kind::Bare10 => PiiType::Phone,
        }
    }
}

const MONTHS: &str = "(?i:january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)";

/// URL characters allowed by RFC 3986 (unreserved, reserved and `%`).
const URL_CHARS: &str = r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]";

/// Every candidate pattern with its kind, in priority order.
pub(crate) fn all() -> Vec<(Kind, String)> {
    // Counted repetitions ({13,19}, {8,200}) multiply lazy-DFA states when
    // many patterns overlap, so lengths are left open here and checked by the
    // validators instead.
    let sep = r"[ .\-]";
    vec![
        (Kind::PemBlock, r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----".into()),
        (Kind::AwsKey, r"\b(?:AKIA|ASIA)[0-9A-Z]+\b".into()),
        (
            Kind::GithubToken,
            r"\b(?:gh[pousr]_[A-Za-z0-9]+|github_pat_[A-Za-z0-9_]+)\b".into(),
        ),
        (Kind::SlackToken, r"\bxox[baprs]-[A-Za-z0-9\-]+".into()),
        (Kind::StripeKey, r"\b[sr]k_live_[A-Za-z0-9]+\b".into()),
        (Kind::GoogleKey, r"\bAIza[0-9A-Za-z_\-]+".into()),
        (Kind::OpenAiKey, r"\bsk-[A-Za-z0-9_\-]+".into()),
        (
            Kind::Jwt,
            r"\beyJ[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+".into(),
        ),
        (
            Kind::PasswordPair,
            r#"\b(?:[A-Za-z0-9]+[_\-])*(?i:password|passwd|passphrase|pwd|pass)(?:[_\-][A-Za-z0-9]+)*["']?[ \t]*[:=][ \t]*["']?[^ \t\r\n"',;]+"#
                .into(),
        ),
        (
            Kind::SecretPair,
            r#"\b(?:[A-Za-z0-9]+[_\-])*(?i:api[_\-]?key|api[_\-]?token|api[_\-]?secret|access[_\-]?token|access[_\-]?key|auth[_\-]?token|secret[_\-]?key|client[_\-]?secret|private[_\-]?key|secret|token)(?:[_\-][A-Za-z0-9]+)*["']?[ \t]*[:=][ \t]*["']?[A-Za-z0-9_\-+/=.~]+"#
                .into(),
        ),
        (
            Kind::UrlCredential,
            r#"\b[A-Za-z][A-Za-z0-9+.\-]*://[^\s:/@"'<>]+:[^\s@/"'<>]+@"#.into(),
        ),
        (Kind::Url, format!(r"\b(?i:https?|ftp)://{URL_CHARS}+")),
        (
            Kind::Url,
            format!(r"\b(?i:www)\.[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+(?:[/?#]{URL_CHARS}*)?"),
        ),
        (
            Kind::Email,
            r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]+\b".into(),
        ),
        (
            Kind::Iban,
            r"\b[A-Z]{2}\d\d(?:[A-Z0-9]+|(?: [A-Z0-9]{4})+(?: [A-Z0-9]{1,3})?)\b".into(),
        ),
        (
            Kind::CardGrouped,
            r"\b(?:\d{4}[ \-]\d{4}[ \-]\d{4}[ \-]\d{1,4}(?:[ \-]\d{1,3})?|\d{4}[ \-]\d{6}[ \-]\d{4,5})\b"
                .into(),
        ),
        (Kind::Ssn, r"\b\d{3}[ \-]\d\d[ \-]\d{4}\b".into()),
        (
            Kind::Date,
            format!(
                r"\b(?:(?:19|20)\d\d[\-/.]\d\d?[\-/.]\d\d?|\d\d?[\-/.]\d\d?[\-/.](?:19|20)\d\d|{MONTHS}\.?[ \t]+\d\d?(?i:st|nd|rd|th)?,?[ \t]+(?:19|20)\d\d|\d\d?(?i:st|nd|rd|th)?[ \t]+(?:of[ \t]+)?{MONTHS}\.?,?[ \t]+(?:19|20)\d\d)\b"
            ),
        ),
        (Kind::Ipv4, r"\b\d+\.\d+\.\d+\.\d+\b".into()),
        (
            Kind::Ipv6,
            r"(?:\b[0-9A-Fa-f]+|:):[0-9A-Fa-f:.]*[0-9A-Fa-f]".into(),
        ),
        (
            Kind::PhoneIntl,
            format!(r"(?:\+|\b00)[1-9]\d*(?:{sep}?(?:\(\d+\)|\d+)){{1,6}}\b"),
        ),
        (
            Kind::PhoneNational,
            format!(
                r"(?:\b1{sep})?(?:\(\d+\){sep}?|\b\d+[ .\-/])\d+(?:{sep}\d+){{0,3}}\b"
            ),
        ),
        (Kind::DigitRun, r"\b\d{9,}\b".into()),
    ]
}
