//! The detection engine: one regex pass for candidates, validators, context
//! scoring, then overlap resolution.

use privet_types::{Clock, Match, PiiType};
use regex_automata::meta::Regex;
use regex_automata::{Anchored, Input, PatternID};

use crate::address::AddressFinder;
use crate::column::ColumnContext;
use crate::context::{Context, ContextScanner, WINDOW};
use crate::names::NameFinder;
use crate::patterns::{self, Kind};
use crate::validate::phone::{PhoneRegion, Plan};
use crate::validate::{
    card, date, email, iban, ids, ip, phone, phone_form, phone_region, provider, secret, ssn, url,
};
use crate::{DetectError, DetectorConfig};

/// DOB keywords must sit this close before the date ("born on", "DOB:").
const DOB_DISTANCE: usize = 32;
/// Version labels must sit right before a dotted quad ("version 1.2.3.4").
const VERSION_DISTANCE: usize = 3;

/// A set of enabled types as a bit mask over [`PiiType::index`].
#[derive(Clone, Copy, Debug)]
struct TypeSet(u64);

impl TypeSet {
    fn of(types: &[PiiType]) -> TypeSet {
        TypeSet(types.iter().fold(0, |acc, t| acc | 1u64 << t.index()))
    }
    fn has(self, ty: PiiType) -> bool {
        self.0 & (1u64 << ty.index()) != 0
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
    /// Where national phone numbers are read first.
    region: Option<PhoneRegion>,
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
    /// Compiles the candidate patterns of the enabled types; the plausible birth years end at
    /// this year by the system clock.
    pub fn new(config: DetectorConfig) -> Result<Detector, DetectError> {
        Detector::with_clock(config, &privet_types::SystemClock)
    }

    /// As [`Detector::new`], with "this year" read from `clock` (once, when built).
    pub fn with_clock(config: DetectorConfig, clock: &dyn Clock) -> Result<Detector, DetectError> {
        if !(0.0..=1.0).contains(&config.min_confidence) {
            return Err(DetectError::Confidence(config.min_confidence));
        }
        let enabled = TypeSet::of(&config.types);
        if enabled.has(PiiType::Phone) {
            crate::validate::phone_plan::warm();
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
            region: config.region,
            current_year: date::utc_year(clock.now()),
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
                } else if let Some(found) = self.fallback(regex, kind, hay, m.range(), hint, out) {
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
        span: std::ops::Range<usize>,
        hint: Option<FieldHint>,
        out: &mut Vec<Match>,
    ) -> Option<Match> {
        let (start, end) = (span.start, span.end);
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
            // "00" opens an international number but also a bare SSN or id;
            // and two card numbers side by side ("4111... 5555...") read as
            // one spaced phone number. Each long digit run inside the failed
            // candidate is judged on its own; all but the last are pushed here.
            Kind::PhoneIntl | Kind::PhoneNational => {
                let pid = self.digit_run?;
                let mut last = None;
                let mut at = start;
                while at < end {
                    let input = Input::new(hay)
                        .range(at..end)
                        .anchored(Anchored::Pattern(pid));
                    if let Some(m) = regex.search(&input) {
                        let judged = self.judge(Kind::DigitRun, hay, m.start(), m.end(), hint);
                        if let Some(found) = judged.filter(|f| f.confidence >= self.min_confidence)
                        {
                            out.extend(last.replace(found));
                        }
                        at = m.end();
                    }
                    // On to the next digit after a separator.
                    at += hay[at..end]
                        .iter()
                        .position(|b| !b.is_ascii_digit())
                        .unwrap_or(end - at);
                    at += hay[at..end]
                        .iter()
                        .position(u8::is_ascii_digit)
                        .unwrap_or(end - at);
                }
                last
            }
            Kind::Assignment => {
                let (_, s, _) = secret::assignment(hay, start, end)?;
                let m = regex.search(&Input::new(hay).range(start + s..end))?;
                let inner = self.kinds[m.pattern().as_usize()];
                if inner == Kind::Assignment || m.start() != start + s {
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
        if matches!(
            kind,
            Kind::DigitRun | Kind::Ssn | Kind::CardGrouped | Kind::PhoneNational | Kind::PhoneIntl
        ) && let Some(decided) = self.cued_number(hay, start, end, hint)
        {
            return decided;
        }
        match kind {
            Kind::DigitRun => {
                let by_length = match span.len() {
                    9 => Kind::Bare9,
                    10 | 11 => Kind::Bare10,
                    13..=19 => Kind::CardCompact,
                    _ => return None,
                };
                let judged = self
                    .enabled
                    .has(by_length.ty())
                    .then(|| self.judge(by_length, hay, start, end, hint))
                    .flatten();
                // "Telefono: 337057180": nine digits after a phone cue are a
                // national number (Italy, Spain, Poland...) before an SSN.
                // The cue must be the number's own: no other digits between
                // them ("Tel: 04 75 82 90 06 Nr. 889850163" is a reference).
                if by_length == Kind::Bare9
                    && judged.is_none_or(|m| m.confidence < self.min_confidence)
                    && self.enabled.has(PiiType::Phone)
                    && own_cue(hay, start, &self.context(hay, start, hint), PiiType::Phone)
                {
                    return self.judge(Kind::Bare10, hay, start, end, hint).or(judged);
                }
                judged
            }
            Kind::PemBlock if secret::pem_body_follows(&hay[end..]) => at(start, end, 0.99),
            Kind::PemBlock => None,
            Kind::ProviderToken => {
                let token = provider::check(span)?;
                at(start, start + token.len, token.confidence)
            }
            Kind::Jwt => {
                if secret::jwt(span) {
                    at(start, end, 0.95)
                } else {
                    None
                }
            }
            Kind::AuthHeader => {
                let lead = span
                    .iter()
                    .take_while(|b| matches!(b, b' ' | b'\t'))
                    .count();
                let (s, e) = secret::header_credential(&span[lead..])?;
                at(start + lead + s, start + lead + e, 0.9)
            }
            Kind::Webhook if secret::webhook(span) => at(start, end, 0.95),
            Kind::Webhook => None,
            Kind::Assignment => {
                let (key_end, s, e) = secret::assignment(hay, start, end)?;
                let value = &span[s..e];
                match secret::key_kind(hay, start, start + key_end)? {
                    secret::KeyKind::Password if secret::password_value(value) => {
                        at(start + s, start + e, 0.85)
                    }
                    secret::KeyKind::Token if secret::random_looking(value) => {
                        at(start + s, start + e, 0.85)
                    }
                    _ => None,
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
                let labelled = ctx.supports(ty, WINDOW);
                // A labelled Luhn-valid number is a card even when no known
                // issuer range holds it (Mir, Troy, new ranges), less surely.
                let conf = match found.issuer {
                    None if labelled => 0.75,
                    None => return None,
                    Some(_) if labelled => 0.98,
                    Some(_) if ctx.identifier_for(ty) => 0.3,
                    Some(_) if found.grouped => 0.9,
                    Some(_) => 0.8,
                };
                at(start, end, conf)
            }
            Kind::Ssn | Kind::Bare9 => {
                let Some(form) = ssn::check(span) else {
                    // Area 9xx is never an SSN; with an ITIN's middle digits,
                    // written dashed, it is an ITIN.
                    let dashed = span.contains(&b'-');
                    return (dashed
                        && self.enabled.has(PiiType::UsItin)
                        && ids::check(PiiType::UsItin, span))
                    .then_some(Match {
                        ty: PiiType::UsItin,
                        start,
                        end,
                        confidence: 0.85,
                    });
                };
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
                        ssn::SsnForm::Spaced | ssn::SsnForm::Dotted => 0.6,
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
                if column_says || labelled || self.context.follows(hay, end, ty, DOB_DISTANCE) {
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
                let base = if groups >= 3 || ip::deliberate_short_v6(span) {
                    0.85
                } else {
                    0.45
                };
                let conf = if ctx.supports(ty, WINDOW) {
                    base + 0.3
                } else {
                    base
                };
                at(start, end, conf)
            }
            Kind::Id(id) => {
                if !self.enabled.has(id) || !ids::check(id, span) {
                    return None;
                }
                let ctx = self.context(hay, start, hint);
                if ctx.supports(id, WINDOW) {
                    return at(start, end, 0.97);
                }
                if ids::needs_cue(id) {
                    return None;
                }
                let conf = ids::unlabelled_confidence(id, span);
                let conf = if ctx.identifier_for(id) {
                    conf - 0.4
                } else {
                    conf
                };
                at(start, end, conf)
            }
            Kind::Cued(id) => {
                let value = ids::cued_value(id, span)?;
                if !self.enabled.has(id) || !ids::check(id, &span[value..]) {
                    return None;
                }
                at(start + value, end, 0.9)
            }
            Kind::PhoneIntl | Kind::PhoneNational | Kind::Bare10 => {
                if kind == Kind::PhoneIntl && start > 0 && hay[start - 1].is_ascii_alphanumeric() {
                    return None;
                }
                // Fewer than 7 digits is never a number (nor is any prefix).
                let digits = span.iter().filter(|b| b.is_ascii_digit()).count();
                if digits < 7 {
                    return None;
                }
                let ctx = self.context(hay, start, hint);
                // In free text nothing raises a match later, so a candidate
                // that stays under the threshold even if the metadata
                // validated it is dropped without asking libphonenumber.
                if hint.is_none() && phone_ceiling(span, &ctx) < self.min_confidence {
                    return None;
                }
                let labelled = ctx.supports(ty, WINDOW);
                let (found, end) = match phone_with_form(span, start, self.region) {
                    Some(f) if f.0.plan == Plan::Valid || !labelled => f,
                    other => phone_region::after_cue(hay, start, span).or(other)?,
                };
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
                if labelled {
                    conf += 0.3;
                } else if ctx.identifier_for(ty) {
                    conf -= 0.4;
                } else if !found.international && digits <= 8 {
                    // Short national numbers share their shape with postcodes
                    // (`03177-532`) and local ids; unlabelled, they stay low.
                    conf -= 0.35;
                }
                at(start, end, conf.min(0.99))
            }
        }
    }

    /// A numeric candidate after the label of an identifier type ("NHS
    /// number: 943 476 5919", "SIN 046 454 286") is that type when it passes
    /// the type's validator, and nothing when it fails (a mistyped NHS
    /// number is no phone number). `None` when no identifier label stands
    /// nearer than a phone, SSN, card or account label.
    fn cued_number(
        &self,
        hay: &[u8],
        start: usize,
        end: usize,
        hint: Option<FieldHint>,
    ) -> Option<Option<Match>> {
        let ctx = self.context(hay, start, hint);
        let span = &hay[start..end];
        let nearest_id = ids::NUMERIC
            .into_iter()
            .filter(|&ty| self.enabled.has(ty) && ctx.supports(ty, WINDOW))
            .filter_map(|ty| Some((ctx.distance(ty)?, ty)))
            .min_by_key(|&(d, _)| d);
        let (id_distance, _) = nearest_id?;
        let passed = ids::NUMERIC
            .into_iter()
            .filter(|&ty| self.enabled.has(ty) && ctx.supports(ty, WINDOW))
            .filter_map(|ty| Some((ctx.distance(ty)?, ty)))
            .filter(|&(_, ty)| ids::check(ty, span))
            .min_by_key(|&(d, _)| d);
        if let Some((_, ty)) = passed {
            return Some(Some(Match {
                ty,
                start,
                end,
                confidence: 0.95,
            }));
        }
        // Failing its label's check, the value is nothing only when that
        // label is nearer than any label of the candidate's own types.
        let own = [
            PiiType::Phone,
            PiiType::UsSsn,
            PiiType::CardNumber,
            PiiType::Iban,
        ]
        .into_iter()
        .filter_map(|ty| ctx.distance(ty))
        .min();
        own.is_none_or(|d| d > id_distance).then_some(None)
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
                if let Some(p) = phone::check(v, self.region).filter(|p| p.len == v.len()) {
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
            Some(id) if ids::check(id, v) => push(out, id, 0.95),
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
            let better = !place_holds_name(&last, &m)
                && (m.confidence > last.confidence
                    || (m.confidence == last.confidence && m.len() > last.len()));
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

/// A keyword for `ty` stands before `start` within the window, nearer than
/// any identifier label, with no digit between it and the candidate.
fn own_cue(hay: &[u8], start: usize, ctx: &Context, ty: PiiType) -> bool {
    ctx.supports(ty, WINDOW)
        && ctx.distance(ty).is_some_and(|d| {
            !hay[start.saturating_sub(d)..start]
                .iter()
                .any(u8::is_ascii_digit)
        })
}

/// A street address that covers a person name whole keeps it: the name is
/// the street's or the town's ("Flat 4, Sandra Green, Leeds LS1 4AP", "Rua
/// Joana Machado, 22"), whatever the name finder's confidence.
fn place_holds_name(place: &Match, name: &Match) -> bool {
    place.ty == PiiType::StreetAddress
        && name.ty == PiiType::PersonName
        && place.start <= name.start
        && name.end <= place.end
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

/// Validates a phone candidate as libphonenumber reads it (an extension cut
/// off, a bracketed country code unbracketed) and returns the verdict with
/// the end of the reported span, which keeps the extension.
fn phone_with_form(
    span: &[u8],
    start: usize,
    region: Option<PhoneRegion>,
) -> Option<(phone::Phone, usize)> {
    let number = phone_form::without_extension(span);
    if let Some(plain) = phone_form::unbracketed_country_code(&span[..number]) {
        let found = phone::check(&plain, region)?;
        let len = if found.len == plain.len() {
            span.len()
        } else {
            found.len + 2
        };
        return Some((found, start + len));
    }
    let found = phone::check(&span[..number], region)?;
    let len = if found.len == number {
        span.len()
    } else {
        found.len
    };
    Some((found, start + len))
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
