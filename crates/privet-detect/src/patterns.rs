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
    /// A token with a provider's prefix (`ghp_`, `AKIA`, `glpat-`...).
    ProviderToken,
    Jwt,
    /// `Authorization: Bearer ...` / `Basic ...`, `curl -u user:pass`.
    AuthHeader,
    /// A Slack, Discord or Teams webhook URL.
    Webhook,
    /// `key = value` in any common syntax, the key naming a credential.
    Assignment,
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
    /// A shape of one identifier type, confirmed by its validator.
    Id(PiiType),
    /// A label of a type found only after it (passport, CVV...), then its value.
    Cued(PiiType),
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
            | Kind::ProviderToken
            | Kind::Jwt
            | Kind::AuthHeader
            | Kind::Webhook
            | Kind::Assignment
            | Kind::UrlCredential => PiiType::Secret,
            Kind::Url => PiiType::Url,
            Kind::Email => PiiType::Email,
            Kind::Iban => PiiType::Iban,
            Kind::CardGrouped | Kind::CardCompact | Kind::DigitRun => PiiType::CardNumber,
            Kind::Ssn | Kind::Bare9 => PiiType::UsSsn,
            Kind::Date => PiiType::DateOfBirth,
            Kind::Ipv4 | Kind::Ipv6 => PiiType::IpAddress,
            Kind::PhoneIntl | Kind::PhoneNational | Kind::Bare10 => PiiType::Phone,
            Kind::Id(ty) | Kind::Cued(ty) => ty,
        }
    }
}

const MONTHS: &str = "(?i:january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)";

/// A phone extension glued to or after the number: `x623`, ` ext. 12`.
const EXTENSION: &str = r"(?:[ ]?(?i:x|ext\.?|extension)[ ]?\d{1,6})";

/// After an identifier's label: an optional "no."/"number", a separator,
/// an optional "is", the value.
const ID_LABEL_TAIL: &str =
    r"(?i:[ _\-]?(?:no|nr|number|num|nummer|#))?\.?[ \t]*[:#=]?[ \t]*(?i:is[ \t]+)?";

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
        (
            Kind::ProviderToken,
            r"\b(?:AKIA|ASIA|gh[pousr]_|github_pat_|npm_|xox[bpars]-|xoxe\.xoxp-|xapp-|[rs]k_live_|whsec_|AIza|sk-|pypi-|gl(?:pat|dt|rt|ptt)-|shp(?:at|ca|pa|ss)_|SG\.|hv[sb]\.|do[opr]_v1_|lin_api_|dp\.pt\.|sq0(?:atp|csp)-|PMAK-|ATATT3|glc_|glsa_|sntrys_|hf_|dckr_pat_|figd_|sbp_|pscale_tkn_|NRAK-|dt0c01\.|AGE-SECRET-KEY-1|key-[0-9a-f]|dapi[0-9a-f]|SK[0-9a-f])[A-Za-z0-9_\-.]*".into(),
        ),
        (
            Kind::Jwt,
            r"\beyJ[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+".into(),
        ),
        (
            Kind::AuthHeader,
            r"\b(?i:bearer|basic)[ \t]+[A-Za-z0-9_\-.~+/=]+".into(),
        ),
        (
            Kind::AuthHeader,
            r#"(?:(?m:^)|[ \t])--?u(?:ser)?[ \t]+["']?[^ \t\r\n:"']+:[^ \t\r\n"']+"#.into(),
        ),
        (
            Kind::Webhook,
            r"\bhttps://(?:hooks\.slack\.com/(?:services|workflows|triggers)/|(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/|[A-Za-z0-9\-]+\.webhook\.office\.com/)[A-Za-z0-9_/\-@.]+".into(),
        ),
        (
            // The keyword of a credential's key (in any case, inside camelCase
            // or dotted keys), optional closing quotes, one of the assignment
            // operators of common languages, an optional quote, the value.
            Kind::Assignment,
            r#"(?i:password|passwd|passphrase|passwort|pwd|pass|secret|token|api[_\-.]?key|access[_\-.]?key|private[_\-.]?key|signing[_\-.]?key|credentials?)[A-Za-z0-9_.\-]*["'\]]*[ \t]*(?::=|=>|[=:,>])[ \t]*["']?[^ \t\r\n"'<>;]+"#
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
            r"\b[A-Z]{2}\d\d(?:[A-Z0-9]+|(?:[ \-][A-Z0-9]{4})+(?:[ \-][A-Z0-9]{1,3})?)\b".into(),
        ),
        (
            Kind::CardGrouped,
            r"\b(?:\d{4}[ \-]\d{4}[ \-]\d{4}[ \-]\d{1,4}(?:[ \-]\d{1,3})?|\d{4}[ \-]\d{6}[ \-]\d{4,5})\b"
                .into(),
        ),
        (Kind::Ssn, r"\b\d{3}[ \-.]\d\d[ \-.]\d{4}\b".into()),
        (
            Kind::Date,
            format!(
                r"\b(?:(?:19|20)\d\d[\-/.]\d\d?[\-/.]\d\d?|\d\d?[\-/.]\d\d?[\-/.](?:19|20)\d\d|{MONTHS}\.?[ \t]+\d\d?(?i:st|nd|rd|th)?,?[ \t]+(?:19|20)\d\d|\d\d?(?i:st|nd|rd|th)?[ \t]+(?:of[ \t]+)?{MONTHS}\.?,?[ \t]+(?:19|20)\d\d|\d\d?[\-/]{MONTHS}[\-/](?:19|20)\d\d)\b"
            ),
        ),
        (Kind::Id(PiiType::BrCpf), r"\b\d{3}\.\d{3}\.\d{3}-\d\d\b".into()),
        (Kind::Id(PiiType::BrCnpj), r"\b\d\d\.\d{3}\.\d{3}/\d{4}-\d\d\b".into()),
        (
            Kind::Id(PiiType::FrNir),
            r"\b[1-478] \d\d \d\d (?:\d\d|2[AB]) \d{3} \d{3} \d\d\b".into(),
        ),
        (Kind::Id(PiiType::Imei), r"\b\d\d-\d{6}-\d{6}-\d\b".into()),
        (
            Kind::Id(PiiType::MacAddress),
            r"\b[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5}\b|\b[0-9A-Fa-f]{2}(?:-[0-9A-Fa-f]{2}){5}\b|\b[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\b".into(),
        ),
        (Kind::Ipv4, r"\b\d+\.\d+\.\d+\.\d+\b".into()),
        (
            Kind::Ipv6,
            r"(?:\b[0-9A-Fa-f]+|:):[0-9A-Fa-f:.]*[0-9A-Fa-f]".into(),
        ),
        (
            Kind::PhoneIntl,
            format!(r"(?:\(\+|\+|\b00)[1-9]\d*\)?(?:{sep}?(?:\(\d+\)|\d+)){{1,6}}{EXTENSION}?\b"),
        ),
        // A slash may part any group of a national number, as in
        // Hungarian and German writing ("06-1/363 1837", "089/1234 567").
        (
            Kind::PhoneNational,
            format!(
                r"(?:\b1{sep})?(?:\(\d+\){sep}?|\b\d+[ .\-/])\d+(?:[ .\-/]\d+){{0,3}}{EXTENSION}?\b"
            ),
        ),
        (Kind::DigitRun, r"\b\d{9,}\b".into()),
        (
            Kind::Id(PiiType::UkNino),
            r"\b[A-Z]{2} ?\d\d ?\d\d ?\d\d ?[A-D]\b".into(),
        ),
        (
            Kind::Id(PiiType::EsDni),
            r"\b(?:\d{8}|[XYZ]-?\d{7})-?[A-Z]\b".into(),
        ),
        (
            Kind::Id(PiiType::ItFiscalCode),
            r"\b[A-Z]{6}[0-9LMNPQRSTUV]{2}[A-EHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]\b".into(),
        ),
        (
            Kind::Id(PiiType::InPan),
            r"\b[A-Z]{3}[PCHFATBLJG][A-Z]\d{4}[A-Z]\b".into(),
        ),
        (Kind::Id(PiiType::SgNric), r"\b[STFGM]\d{7}[A-Z]\b".into()),
        (
            Kind::Id(PiiType::CryptoWallet),
            r"\b[13LM][1-9A-HJ-NP-Za-km-z]{25,34}\b|\b(?:bc|tb|ltc|BC|TB|LTC)1[02-9ac-hj-np-zAC-HJ-NP-Z]{8,87}\b".into(),
        ),
        (Kind::Id(PiiType::Vin), r"\b[A-HJ-NPR-Z0-9]{17}\b".into()),
        (
            Kind::Cued(PiiType::Passport),
            format!(r"\b(?i:passport|reisepass|passeport|pasaporte|passaporto|paspoort|passaporte|paszport){ID_LABEL_TAIL}[A-Z0-9]{{6,9}}\b"),
        ),
        (
            Kind::Cued(PiiType::DriversLicense),
            format!(r"\b(?i:driver'?s?[ _\-]?licen[cs]e|driving[ _\-]licen[cs]e|licen[cs]e[ _\-]?(?:no|number|#)|DL|f\xc3\xbchrerschein|permis de conduire|carnet de conducir|patente di guida|rijbewijs|prawo jazdy)(?:\b|_){ID_LABEL_TAIL}[A-Z0-9][A-Z0-9\-]{{4,15}}\b"),
        ),
        (
            Kind::Cued(PiiType::MedicalRecord),
            format!(r"\b(?i:mrn|medical[ _\-]record|patient[ _\-](?:id|no|number|#))(?:\b|_){ID_LABEL_TAIL}[A-Z0-9][A-Z0-9\-]{{4,11}}\b"),
        ),
        (
            Kind::Cued(PiiType::CardSecurityCode),
            r#"\b(?i:cvv2?|cvc2?|cid|csc|security[ _\-]?code|card[ _\-]?verification(?:[ _\-]?(?:value|code))?|pr\xc3\xbcfnummer|cryptogramme)["']?[ \t]*[:=#]?[ \t]*(?:is[ \t]+)?["']?\d{3,4}\b"#.into(),
        ),
        (
            Kind::Cued(PiiType::CardExpiry),
            r#"\b(?i:exp(?:iry|iration|ires|\.)?(?:[ _\-]?date)?|valid[ \t]+(?:thru|through|until)|g\xc3\xbcltig[ \t]+bis|vence)["']?[ \t]*[:=]?[ \t]*(?:on[ \t]+)?["']?(?:0[1-9]|1[0-2])[ \t]?[/\-][ \t]?(?:20)?\d\d\b"#.into(),
        ),
    ]
}
