//! The detection engine: one regex pass for candidates, validators, context
//! scoring, then overlap resolution.

use privet_types::{Match, PiiType};
use regex_automata::meta::Regex;
use regex_automata::{Anchored, Input, PatternID};

use crate::address::AddressFinder;
use crate::column::ColumnContext;
use crate::context::{Context, ContextScanner, WINDOW};
use crate::names::NameFinder;
use crate::patterns::{self, Kind};
use crate::validate::phone::Plan;
use crate::validate::{card, date, email, iban, ip, phone, secret, ssn, url};
use crate::{DetectError, DetectorConfig};

/// DOB keywords must sit this close before the date ("born on", "DOB:").
const DOB_DISTANCE: usize = 32;
/// Version labels must sit right before a dotted quad ("version 1.2.3.4").
const VERSION_DISTANCE: usize = 3;

/// A set of enabled types as a bit mask over [`PiiType::index`].
#[derive(Clone, Copy, Debug)]
struct TypeSet(u32);

impl TypeSet {
    fn of(types: &[PiiType]) -> TypeSet {
        TypeSet(types.iter().fold(0, |acc, t| acc | 1 << t.index()))
    }
    fn has(self, ty: PiiType) -> bool {
        self.0 & (1 << ty.index()) != 0
    }
}

/// What a structured field's header says, for [`Detector::detect_field`].
#[derive(Clone, Copy, Debug)]
struct FieldHint {
    evidence: Option<PiiType>,
    negative: bool,
    attribute: bool,
}

/// Finds personal data in bytes. Built once, shared by all scanning threads.
pub struct Detector {
    regex: Option<Regex>,
    kinds: Vec<Kind>,
    /// Phone patterns, tried anchored where another numeric candidate failed.
    phone_patterns: Vec<PatternID>,
    /// The bare digit-run pattern, tried where an international candidate failed.
    digit_run: Option<PatternID>,
    context: ContextScanner,
    names: NameFinder,
    address: AddressFinder,
    enabled: TypeSet,
    min_confidence: f32,
    current_year: u32,
}

impl std::fmt::Debug for Detector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Detector")
            .field("patterns", &self.kinds.len())
            .field("min_confidence", &self.min_confidence)
            .finish_non_exhaustive()
    }
}

impl Detector {
    /// Compiles the candidate patterns of the enabled types.
    pub fn new(config: DetectorConfig) -> Result<Detector, DetectError> {
        if !(0.0..=1.0).contains(&config.min_confidence) {
            return Err(DetectError::Confidence(config.min_confidence));
        }
        let enabled = TypeSet::of(&config.types);
        if enabled.has(PiiType::Phone) {
            phone::widen_metadata_cache();
        }
        let (kinds, sources): (Vec<Kind>, Vec<String>) = patterns::all()
            .into_iter()
            .filter(|(kind, _)| kind.enabled_by(|t| enabled.has(t)))
            .unzip();
        let regex = if sources.is_empty() {
            None
        } else {
            let built = patterns::compile(&sources)?;
            Some(built)
        };
        let context = ContextScanner::new().map_err(|e| DetectError::Pattern(e.to_string()))?;
        let phone_patterns = kinds
            .iter()
            .enumerate()
            .filter(|(_, k)| matches!(k, Kind::PhoneNational))
            .filter_map(|(i, _)| PatternID::new(i).ok())
            .collect();
        let digit_run = kinds
            .iter()
            .position(|k| *k == Kind::DigitRun)
            .and_then(|i| PatternID::new(i).ok());
        Ok(Detector {
            regex,
            kinds,
            phone_patterns,
            digit_run,
            context,
            names: NameFinder::new(),
            address: AddressFinder::new(),
            enabled,
            min_confidence: config.min_confidence,
            current_year: date::current_year(),
        })
    }

    /// Free text (any bytes, possibly many lines, possibly invalid UTF-8).
    ///
    /// Appends matches sorted by start, non-overlapping, with confidence at
    /// least the configured minimum. No match spans a `'\n'`.
    pub fn detect(&self, hay: &[u8], out: &mut Vec<Match>) {
        let base = out.len();
        self.scan(hay, None, out);
        self.finish(hay, base, out);
    }

    /// One structured value (CSV cell, JSON scalar, database value) with the
    /// context of its column: the header raises confidence for its type,
    /// accepts bare values of that type, and suppresses numeric types under
    /// identifier headers such as `order_id`.
    pub fn detect_field(&self, column: &ColumnContext, value: &[u8], out: &mut Vec<Match>) {
        let base = out.len();
        let hint = FieldHint {
            evidence: column.evidence().filter(|&t| self.enabled.has(t)),
            negative: column.negative(),
            attribute: column.attribute(),
        };
        self.scan(value, Some(hint), out);
        self.whole_value(hint, value, out);
        let mut keep = base;
        for i in base..out.len() {
            let mut m = out[i];
            if hint.negative && suppressed_by_identifier_header(m.ty) {
                continue;
            }
            if Some(m.ty) == hint.evidence {
                m.confidence = (m.confidence + 0.2).clamp(0.9, 1.0);
            }
            out[keep] = m;
            keep += 1;
        }
        out.truncate(keep);
        self.finish(value, base, out);
    }

    /// Candidates from the regex pass plus the name and address finders.
    fn scan(&self, hay: &[u8], hint: Option<FieldHint>, out: &mut Vec<Match>) {
        if let Some(regex) = &self.regex {
            for m in regex.find_iter(hay) {
                let kind = self.kinds[m.pattern().as_usize()];
                let judged = self.judge(kind, hay, m.start(), m.end(), hint);
                if judged.is_some_and(|f| f.confidence >= self.min_confidence) {
                    out.extend(judged);
                } else if let Some(found) =
                    self.fallback(regex, kind, hay, m.start(), m.end(), hint)
                {
                    out.push(found);
                }
            }
        }
        if self.enabled.has(PiiType::PersonName) {
            self.names.find(hay, out);
        }
        if self.enabled.has(PiiType::StreetAddress) {
            self.address.find(hay, out);
        }
    }

    /// Leftmost-first matching gave a span to a pattern whose validator
    /// refused it, hiding what another pattern would have matched there: a
    /// dotted quad that is no IPv4 address may be a French phone number
    /// (`03.87.89.15.03`), and a `key=value` pair whose value is not random
    /// enough may hold a well-known key format (`api_key=sk_live_...`).
    fn fallback(
        &self,
        regex: &Regex,
        kind: Kind,
        hay: &[u8],
        start: usize,
        end: usize,
        hint: Option<FieldHint>,
    ) -> Option<Match> {
        match kind {
            // Versions (`13.10.5.925`) have one-digit parts; dotted phone
            // numbers are written in pairs or longer groups.
            Kind::Ipv4
                if hay[start..end]
                    .split(|&b| b == b'.')
                    .any(|part| part.len() < 2) =>
            {
                None
            }
            Kind::Ipv4 => self.phone_patterns.iter().find_map(|&pid| {
                let input = Input::new(hay)
                    .range(start..)
                    .anchored(Anchored::Pattern(pid));
                let m = regex.search(&input)?;
                self.judge(self.kinds[pid.as_usize()], hay, m.start(), m.end(), hint)
            }),
            // "00" opens an international number but also a bare SSN or id.
            Kind::PhoneIntl => {
                let pid = self.digit_run?;
                let input = Input::new(hay)
                    .range(start..)
                    .anchored(Anchored::Pattern(pid));
                let m = regex.search(&input)?;
                self.judge(Kind::DigitRun, hay, m.start(), m.end(), hint)
            }
            Kind::SecretPair | Kind::PasswordPair => {
                let (s, _) = secret::pair_value(&hay[start..end])?;
                let m = regex.search(&Input::new(hay).range(start + s..end))?;
                let inner = self.kinds[m.pattern().as_usize()];
                if matches!(inner, Kind::SecretPair | Kind::PasswordPair) {
                    return None;
                }
                self.judge(inner, hay, m.start(), m.end(), hint)
            }
            _ => None,
        }
    }

    /// Context before a candidate, plus the header's evidence in a field.
    fn context(&self, hay: &[u8], start: usize, hint: Option<FieldHint>) -> Context {
        let ctx = self.context.before(hay, start);
        match hint.and_then(|h| h.evidence) {
            Some(ty) => ctx.with(ty),
            None => ctx,
        }
    }

    /// Validates one candidate and scores it; `None` drops it.
    fn judge(
        &self,
        kind: Kind,
        hay: &[u8],
        start: usize,
        end: usize,
        hint: Option<FieldHint>,
    ) -> Option<Match> {
        let span = &hay[start..end];
        let ty = kind.ty();
        let at = |s: usize, e: usize, confidence: f32| {
            Some(Match {
                ty,
                start: s,
                end: e,
                confidence: confidence.clamp(0.0, 1.0),
            })
        };
        match kind {
            Kind::DigitRun => {
                let by_length = match span.len() {
                    9 => Kind::Bare9,
                    10 | 11 => Kind::Bare10,
                    13..=19 => Kind::CardCompact,
                    _ => return None,
                };
                if !self.enabled.has(by_length.ty()) {
                    return None;
                }
                self.judge(by_length, hay, start, end, hint)
            }
            Kind::PemBlock => at(start, end, 0.99),
            Kind::AwsKey if span.len() == 20 => at(start, end, 0.95),
            Kind::GithubToken if span.len() >= 40 => at(start, end, 0.97),
            Kind::StripeKey if span.len() >= 24 => at(start, end, 0.97),
            Kind::SlackToken if span.len() >= 15 => at(start, end, 0.93),
            Kind::GoogleKey if span.len() == 39 => at(start, end, 0.93),
            Kind::AwsKey
            | Kind::GithubToken
            | Kind::StripeKey
            | Kind::SlackToken
            | Kind::GoogleKey => None,
            Kind::OpenAiKey if span.len() < 23 || span.len() > 210 => None,
            Kind::OpenAiKey => {
                let body = &span[3..];
                if secret::random_looking(body) {
                    at(start, end, 0.85)
                } else {
                    None
                }
            }
            Kind::Jwt => {
                if secret::jwt(span) {
                    at(start, end, 0.95)
                } else {
                    None
                }
            }
            Kind::SecretPair => {
                let (s, e) = secret::pair_value(span)?;
                if secret::random_looking(&span[s..e]) {
                    at(start + s, start + e, 0.8)
                } else {
                    None
                }
            }
            Kind::PasswordPair => {
                let (s, e) = secret::pair_value(span)?;
                if secret::password_value(&span[s..e]) {
                    at(start + s, start + e, 0.85)
                } else {
                    None
                }
            }
            Kind::UrlCredential => {
                let (s, e) = secret::url_password(span)?;
                at(start + s, start + e, 0.93)
            }
            Kind::Url => {
                let len = url::check(span)?;
                at(start, start + len, 0.9)
            }
            // `scheme://user:pass@host` is a credential, not an address: its `pass@host` part
            // is no e-mail.
            Kind::Email if secret::after_url_userinfo(&hay[..start]) => None,
            Kind::Email => {
                let skip = email::check(span)?;
                at(start + skip, end, 0.95)
            }
            Kind::Iban => {
                let len = iban::check(span)?;
                let ctx = self.context(hay, start, hint);
                let conf = if ctx.supports(ty, WINDOW) { 0.99 } else { 0.95 };
                at(start, start + len, conf)
            }
            Kind::CardGrouped | Kind::CardCompact => {
                let found = card::check(span)?;
                if continues_run(hay, start, end) {
                    return None;
                }
                let ctx = self.context(hay, start, hint);
                let conf = if ctx.supports(ty, WINDOW) {
                    0.98
                } else if ctx.identifier_for(ty) {
                    0.3
                } else if found.grouped {
                    0.9
                } else {
                    0.8
                };
                at(start, end, conf)
            }
            Kind::Ssn | Kind::Bare9 => {
                let form = ssn::check(span)?;
                if continues_run(hay, start, end) {
                    return None;
                }
                let ctx = self.context(hay, start, hint);
                let conf = if ctx.supports(ty, WINDOW) {
                    if form == ssn::SsnForm::Bare {
                        0.85
                    } else {
                        0.98
                    }
                } else if ctx.identifier_for(ty) {
                    0.2
                } else {
                    match form {
                        ssn::SsnForm::Dashed => 0.85,
                        ssn::SsnForm::Spaced => 0.6,
                        ssn::SsnForm::Bare => 0.25,
                    }
                };
                at(start, end, conf)
            }
            Kind::Date => {
                let column_says = hint.is_some_and(|h| h.evidence == Some(PiiType::DateOfBirth));
                if !column_says && date::followed_by_time(&hay[end..]) {
                    return None;
                }
                let d = date::parse(span)?;
                if !(1900..=self.current_year).contains(&d.year) || continues_run(hay, start, end) {
                    return None;
                }
                let ctx = self.context(hay, start, hint);
                // The keyword labels this date only if no other number sits in
                // between ("Date of birth: 1990-06-13 / created 19 Aug 2022").
                let labelled = ctx.supports(ty, DOB_DISTANCE)
                    && ctx
                        .distance(ty)
                        .is_some_and(|d| !hay[start - d..start].iter().any(u8::is_ascii_digit));
                if column_says || labelled {
                    at(start, end, 0.9)
                } else {
                    None
                }
            }
            Kind::Ipv4 => {
                if !ip::check_v4(span) || continues_run(hay, start, end) {
                    return None;
                }
                let ctx = self.context(hay, start, hint);
                if ctx.version_within(VERSION_DISTANCE) {
                    return None;
                }
                let conf = if ctx.supports(ty, WINDOW) { 0.97 } else { 0.85 };
                at(start, end, conf)
            }
            Kind::Ipv6 => {
                let before_ok = start == 0 || {
                    let b = hay[start - 1];
                    !(b.is_ascii_alphanumeric() || b == b':' || b == b'.' || b == b'_')
                };
                let after_ok = hay
                    .get(end)
                    .is_none_or(|b| !(b.is_ascii_alphanumeric() || *b == b':' || *b == b'_'));
                if !(before_ok && after_ok) {
                    return None;
                }
                let groups = ip::check_v6(span)?;
                let ctx = self.context(hay, start, hint);
                let base = if groups >= 3 { 0.85 } else { 0.45 };
                let conf = if ctx.supports(ty, WINDOW) {
                    base + 0.3
                } else {
                    base
                };
                at(start, end, conf)
            }
            Kind::PhoneIntl | Kind::PhoneNational | Kind::Bare10 => {
                if kind == Kind::PhoneIntl && start > 0 && hay[start - 1].is_ascii_alphanumeric() {
                    return None;
                }
                // Fewer than 7 digits is never a number (nor is any prefix).
                if span.iter().filter(|b| b.is_ascii_digit()).count() < 7 {
                    return None;
                }
                let ctx = self.context(hay, start, hint);
                // In free text nothing raises a match later, so a candidate
                // that stays under the threshold even if the metadata
                // validated it is dropped without asking libphonenumber.
                if hint.is_none() && phone_ceiling(span, &ctx) < self.min_confidence {
                    return None;
                }
                let found = phone::check(span)?;
                let end = start + found.len;
                if continues_run(hay, start, end) {
                    return None;
                }
                let mut conf: f32 = match (found.plan, found.international, found.formatted) {
                    (Plan::Valid, true, _) => 0.9,
                    (Plan::Valid, false, true) => 0.8,
                    (Plan::Valid, false, false) => 0.4,
                    (Plan::Possible, true, _) => 0.45,
                    (Plan::Possible, false, _) => 0.3,
                };
                if ctx.supports(ty, WINDOW) {
                    conf += 0.3;
                } else if ctx.identifier_for(ty) {
                    conf -= 0.4;
                }
                at(start, end, conf.min(0.99))
            }
        }
    }

    /// In a structured field, a header with evidence makes the whole value
    /// count even without the formatting or words free text would need.
    fn whole_value(&self, hint: FieldHint, value: &[u8], out: &mut Vec<Match>) {
        let (s, e) = trimmed(value);
        if s >= e {
            return;
        }
        let v = &value[s..e];
        let push = |out: &mut Vec<Match>, ty: PiiType, confidence: f32| {
            out.push(Match {
                ty,
                start: s,
                end: e,
                confidence,
            });
        };
        if memchr::memchr(b'\n', v).is_some() {
            return;
        }
        match hint.evidence {
            Some(PiiType::UsSsn) if ssn::check(v).is_some() => {
                push(out, PiiType::UsSsn, 0.95);
            }
            Some(PiiType::Phone) => {
                if let Some(p) = phone::check(v).filter(|p| p.len == v.len()) {
                    let conf = if p.plan == Plan::Valid { 0.95 } else { 0.7 };
                    push(out, PiiType::Phone, conf);
                }
            }
            Some(PiiType::CardNumber) if card::check(v).is_some() => {
                push(out, PiiType::CardNumber, 0.97);
            }
            Some(PiiType::IpAddress) if ip::check_v4(v) || ip::check_v6(v).is_some() => {
                push(out, PiiType::IpAddress, 0.97);
            }
            Some(PiiType::DateOfBirth) => {
                let date_part = date_prefix(v);
                if date::parse(date_part)
                    .is_some_and(|d| (1900..=self.current_year).contains(&d.year))
                {
                    out.push(Match {
                        ty: PiiType::DateOfBirth,
                        start: s,
                        end: s + date_part.len(),
                        confidence: 0.95,
                    });
                }
            }
            Some(PiiType::PersonName) => {
                let scored = self.names.score_value(v);
                if let Some(c) = scored {
                    push(out, PiiType::PersonName, c.max(0.85));
                } else if looks_like_name(v) {
                    push(out, PiiType::PersonName, 0.85);
                }
            }
            Some(PiiType::StreetAddress) => {
                if let Some(c) = self.address.score_value(v) {
                    push(out, PiiType::StreetAddress, c.max(0.85));
                } else if v.iter().any(u8::is_ascii_digit) && v.iter().any(u8::is_ascii_alphabetic)
                {
                    push(out, PiiType::StreetAddress, 0.7);
                }
            }
            Some(PiiType::Secret) if secret::password_value(v) => {
                push(out, PiiType::Secret, 0.9);
            }
            Some(_) => {}
            None if !hint.negative && !hint.attribute => {
                if self.enabled.has(PiiType::PersonName)
                    && let Some(c) = self.names.score_value(v)
                {
                    push(out, PiiType::PersonName, c);
                } else if self.enabled.has(PiiType::StreetAddress)
                    && let Some(c) = self.address.score_value(v)
                {
                    push(out, PiiType::StreetAddress, c);
                }
            }
            None => {}
        }
    }

    /// Drops out-of-policy matches, sorts, and resolves overlaps.
    fn finish(&self, hay: &[u8], base: usize, out: &mut Vec<Match>) {
        let mut keep = base;
        for i in base..out.len() {
            let m = out[i];
            let sane = m.start < m.end
                && m.end <= hay.len()
                && m.confidence >= self.min_confidence
                && m.confidence.is_finite()
                && self.enabled.has(m.ty)
                && memchr::memchr(b'\n', &hay[m.start..m.end]).is_none();
            if sane {
                out[keep] = m;
                keep += 1;
            }
        }
        out.truncate(keep);
        resolve_overlaps(out, base);
    }
}

/// Types an identifier header (`order_id`, `sku`, `version`...) rules out:
/// the numeric ones that random identifiers satisfy by chance.
fn suppressed_by_identifier_header(ty: PiiType) -> bool {
    matches!(
        ty,
        PiiType::CardNumber
            | PiiType::UsSsn
            | PiiType::Phone
            | PiiType::IpAddress
            | PiiType::DateOfBirth
    )
}

/// Sorts `out[base..]` by start and keeps, among overlapping matches, the
/// more confident one (then the longer one).
pub(crate) fn resolve_overlaps(out: &mut Vec<Match>, base: usize) {
    out[base..].sort_unstable_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
    let mut keep = base;
    for i in base..out.len() {
        let m = out[i];
        if keep > base && out[keep - 1].end > m.start {
            let last = out[keep - 1];
            let better = m.confidence > last.confidence
                || (m.confidence == last.confidence && m.len() > last.len());
            if better {
                // The earlier kept match ends before `last` starts, so `m`
                // (which starts no earlier than `last`) cannot overlap it.
                out[keep - 1] = m;
            }
            continue;
        }
        out[keep] = m;
        keep += 1;
    }
    out.truncate(keep);
}

/// The highest confidence a phone candidate can score with its context: the
/// one it would get if libphonenumber validated it. Trimmed prefixes share
/// its start (so its international form) and are formatted at most as much.
fn phone_ceiling(span: &[u8], ctx: &Context) -> f32 {
    let international = span.first() == Some(&b'+') || span.starts_with(b"00");
    let formatted = span.iter().any(|b| !b.is_ascii_digit() && *b != b'+');
    let base: f32 = if international {
        0.9
    } else if formatted {
        0.8
    } else {
        0.4
    };
    let ty = PiiType::Phone;
    let conf = if ctx.supports(ty, WINDOW) {
        base + 0.3
    } else if ctx.identifier_for(ty) {
        base - 0.4
    } else {
        base
    };
    conf.min(0.99)
}

/// True when the candidate is part of a longer dotted or dashed digit run
/// (`1.2.3.4.5`, `123-45-6789-01`): such runs are identifiers or versions.
fn continues_run(hay: &[u8], start: usize, end: usize) -> bool {
    let digit_at = |i: usize| hay.get(i).is_some_and(u8::is_ascii_digit);
    let joiner = |b: u8| b == b'.' || b == b'-' || b == b'/';
    let after = hay.get(end).is_some_and(|&b| joiner(b)) && digit_at(end + 1);
    let before = start >= 2 && joiner(hay[start - 1]) && digit_at(start - 2);
    after || before
}

/// The value without surrounding whitespace or quotes.
fn trimmed(value: &[u8]) -> (usize, usize) {
    let junk = |b: &u8| b.is_ascii_whitespace() || *b == b'"' || *b == b'\'';
    let s = value.iter().position(|b| !junk(b)).unwrap_or(value.len());
    let e = value.iter().rposition(|b| !junk(b)).map_or(s, |p| p + 1);
    (s, e.max(s))
}

/// The date part of a date or date-time value (`1987-03-04T00:00:00Z`).
fn date_prefix(v: &[u8]) -> &[u8] {
    let cut = v
        .iter()
        .enumerate()
        .position(|(i, &b)| (b == b'T' || b == b' ') && date::followed_by_time(&v[i..]))
        .unwrap_or(v.len());
    &v[..cut]
}

/// A short run of words made of letters (any script), apostrophes, hyphens
/// and dots, as names in a name column are written.
fn looks_like_name(v: &[u8]) -> bool {
    let Ok(s) = std::str::from_utf8(v) else {
        return false;
    };
    let words = s.split_whitespace().count();
    (1..=6).contains(&words)
        && s.len() <= 100
        && s.chars().any(char::is_alphabetic)
        && s.chars()
            .all(|c| c.is_alphabetic() || c.is_whitespace() || matches!(c, '\'' | '-' | '.' | ','))
}

#[cfg(test)]
mod tests;
