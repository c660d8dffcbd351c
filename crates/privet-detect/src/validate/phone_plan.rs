//! libphonenumber's verdict on a number, compiled once per process.
//!
//! The `phonenumber` crate answers `parse` + `is_valid` by running its
//! metadata patterns through one process-wide LRU cache of compiled regexes
//! behind a `Mutex` (hashing each pattern's source on every call), and a
//! number outside North America walks more patterns than the cache holds. The
//! scan spent a quarter of its time there, and its threads queued on the lock.
//!
//! This module reads the same metadata (`phonenumber::metadata::DATABASE`)
//! once, compiles every pattern into a fully built DFA (no search cache, no
//! lock: a search borrows the DFA immutably) and replays the crate's
//! decisions step by step: the RFC 3966 and natural-language front ends, the
//! international and national prefixes, the region chosen by leading digits,
//! the possible lengths and the number-type patterns. Metadata patterns are
//! matched the way the crate matches them: anchored at the start of the
//! national number, not at its end.
//!
//! The replay covers the text the detector's candidates are made of (ASCII
//! digits, blanks, `+ - . ( ) /`). Anything else (letters, extensions,
//! full-width or non-Latin digits, only seen in table cells) is handed to the
//! crate itself, whose answer is then exact by definition. The test suite
//! compares both on a million numbers across every region.

use std::cell::RefCell;
use std::sync::OnceLock;

use phonenumber::country::Id;
use phonenumber::metadata::{DATABASE, Descriptor, Metadata};
use regex_automata::dfa::{Automaton, StartKind, dense};
use regex_automata::meta;
use regex_automata::util::captures::Captures;
use regex_automata::util::syntax;
use regex_automata::{Anchored, Input};
use rustc_hash::FxHashMap;

use super::phone::Plan;

/// What libphonenumber says about `text` read with the default `region`
/// (`None`: the text must carry its country code): `None` when it does not
/// parse, else whether it is valid or only parses.
pub(crate) fn verdict(region: Option<Id>, text: &str) -> Option<Plan> {
    if !text
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b' ' | b'+' | b'-' | b'.' | b'(' | b')' | b'/'))
    {
        return oracle(region, text);
    }
    let plans = plans();
    let (code, national) = plans.parse(region, text.as_bytes())?;
    Some(if plans.is_valid(code, &national) {
        Plan::Valid
    } else {
        Plan::Possible
    })
}

/// Whether libphonenumber's metadata has a numbering plan for `region`.
pub(crate) fn covers(region: Id) -> bool {
    plans().region_of(region).is_some()
}

/// Whether `text`, read as a national number of `region`, has a length the
/// region's plan allows for some number type (libphonenumber's "possible
/// number" test on the general descriptor).
pub(crate) fn possible_length(region: Id, text: &str) -> bool {
    let Some((_, national)) = plans().parse(Some(region), text.as_bytes()) else {
        return false;
    };
    let Ok(len) = u16::try_from(national.len()) else {
        return false;
    };
    DATABASE
        .by_id(region.as_ref())
        .is_some_and(|m| m.descriptors().general().possible_length().contains(&len))
}

/// The `phonenumber` crate's own verdict (slow: a locked regex cache).
pub(crate) fn oracle(region: Option<Id>, text: &str) -> Option<Plan> {
    let number = phonenumber::parse(region, text).ok()?;
    Some(if phonenumber::is_valid(&number) {
        Plan::Valid
    } else {
        Plan::Possible
    })
}

/// The compiled metadata, built on first use.
fn plans() -> &'static Plans {
    static PLANS: OnceLock<Plans> = OnceLock::new();
    PLANS.get_or_init(Plans::build)
}

/// A metadata pattern compiled to a DFA that searches anchored at the start.
struct Pattern(dense::DFA<Vec<u32>>);

impl Pattern {
    /// Compiles a metadata pattern with the crate's flags (`x`: blanks and
    /// comments ignored). ASCII classes suffice: the replay only ever
    /// searches ASCII digits, and `\d` then means the same.
    fn new(source: &str) -> Option<Pattern> {
        let dfa = dense::Builder::new()
            .syntax(
                syntax::Config::new()
                    .ignore_whitespace(true)
                    .unicode(false)
                    .utf8(false),
            )
            .configure(dense::Config::new().start_kind(StartKind::Anchored))
            .build(source)
            .ok()?;
        Some(Pattern(dfa))
    }

    /// The end of the leftmost-first match that starts at 0, if any: what
    /// `find` gives when its match starts at 0, the only case the crate uses.
    fn prefix_end(&self, hay: &str) -> Option<usize> {
        let input = Input::new(hay).anchored(Anchored::Yes);
        self.0
            .try_search_fwd(&input)
            .ok()
            .flatten()
            .map(|m| m.offset())
    }

    /// Whether some match starts at 0.
    fn matches_prefix(&self, hay: &str) -> bool {
        let input = Input::new(hay).anchored(Anchored::Yes).earliest(true);
        matches!(self.0.try_search_fwd(&input), Ok(Some(_)))
    }
}

/// A number-type descriptor: its pattern and the lengths it allows.
struct Desc {
    pattern: Pattern,
    lengths: Vec<u16>,
    local: Vec<u16>,
}

impl Desc {
    fn new(d: &Descriptor) -> Option<Desc> {
        Some(Desc {
            pattern: Pattern::new(d.national_number().as_str())?,
            lengths: d.possible_length().to_vec(),
            local: d.possible_local_length().to_vec(),
        })
    }

    /// `Descriptor::is_match`: an allowed length and a pattern match at 0.
    fn is_match(&self, value: &str) -> bool {
        let len = u16::try_from(value.len()).unwrap_or(u16::MAX);
        (self.lengths.is_empty() || self.lengths.contains(&len))
            && self.pattern.matches_prefix(value)
    }
}

/// The national prefix for parsing keeps its capture groups (the transform
/// rule refers to them), so it is a full regex with captures, searched with
/// a cache of the calling thread (slot `slot` of [`SCRATCH`]).
struct PrefixForParsing {
    regex: meta::Regex,
    slot: usize,
}

/// A thread's search cache and capture slots for one national prefix
/// pattern.
type Scratch = (meta::Cache, Captures);

thread_local! {
    /// Per-thread search state of the national-prefix patterns, created on
    /// first use: each thread owns its own, so no search waits on another.
    static SCRATCH: RefCell<Vec<Option<Scratch>>> = const { RefCell::new(Vec::new()) };
}

/// One region's (or non-geographic entity's) metadata, compiled.
struct Region {
    code: u16,
    general: Desc,
    /// Every other type `number_type` tries; a match in any makes a number
    /// valid, whatever its type.
    types: Vec<Desc>,
    international_prefix: Option<Pattern>,
    national_prefix: Option<String>,
    prefix_for_parsing: Option<PrefixForParsing>,
    transform: Option<String>,
    leading_digits: Option<Pattern>,
}

/// `validator::length` for `Type::Unknown`, reduced to what callers ask.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Length {
    Possible,
    TooShort,
    Other,
}

impl Region {
    fn new(m: &Metadata, slot: usize) -> Option<Region> {
        let d = m.descriptors();
        let types = [
            d.premium_rate(),
            d.toll_free(),
            d.shared_cost(),
            d.voip(),
            d.personal_number(),
            d.pager(),
            d.uan(),
            d.voicemail(),
            d.fixed_line(),
            d.mobile(),
        ]
        .into_iter()
        .flatten()
        .map(Desc::new)
        .collect::<Option<Vec<_>>>()?;
        let prefix_for_parsing = match m.national_prefix_for_parsing() {
            Some(re) => Some(PrefixForParsing {
                regex: meta::Regex::builder()
                    .syntax(syntax::Config::new().ignore_whitespace(true))
                    .build(re.as_str())
                    .ok()?,
                slot,
            }),
            None => None,
        };
        Some(Region {
            code: m.country_code(),
            general: Desc::new(d.general())?,
            types,
            international_prefix: match m.international_prefix() {
                Some(re) => Some(Pattern::new(re.as_str())?),
                None => None,
            },
            national_prefix: m.national_prefix().map(str::to_owned),
            prefix_for_parsing,
            transform: m.national_prefix_transform_rule().map(str::to_owned),
            leading_digits: match m.leading_digits() {
                Some(re) => Some(Pattern::new(re.as_str())?),
                None => None,
            },
        })
    }

    /// `validator::length(meta, number, Type::Unknown)`: the general
    /// descriptor's lengths, local-only lengths first.
    fn length(&self, len: usize) -> Length {
        let len = u16::try_from(len).unwrap_or(u16::MAX);
        let possible = &self.general.lengths;
        let (Some(&first), Some(&last)) = (possible.first(), possible.last()) else {
            return Length::Other;
        };
        if self.general.local.contains(&len) || len == first {
            Length::Possible
        } else if len < first {
            Length::TooShort
        } else if len > last {
            Length::Other
        } else if possible.contains(&len) {
            Length::Possible
        } else {
            Length::Other
        }
    }

    /// `number_type(meta, value) != Type::Unknown`.
    fn has_type(&self, value: &str) -> bool {
        self.general.is_match(value) && self.types.iter().any(|d| d.is_match(value))
    }

    /// `helper::national_number`: the national prefix (and carrier code)
    /// stripped or transformed away.
    fn national_number(&self, national: String) -> String {
        let Some(parsing) = &self.prefix_for_parsing else {
            return match &self.national_prefix {
                Some(prefix) if national.starts_with(prefix.as_str()) => {
                    national[prefix.len()..].to_owned()
                }
                _ => national,
            };
        };
        SCRATCH.with(|scratch| {
            let mut scratch = scratch.borrow_mut();
            if scratch.len() <= parsing.slot {
                scratch.resize_with(parsing.slot + 1, || None);
            }
            let (cache, caps) = scratch[parsing.slot].get_or_insert_with(|| {
                (
                    parsing.regex.create_cache(),
                    parsing.regex.create_captures(),
                )
            });
            self.strip_prefix(parsing, cache, caps, national)
        })
    }

    /// The body of `national_number` once the pattern's search state is at
    /// hand.
    fn strip_prefix(
        &self,
        parsing: &PrefixForParsing,
        cache: &mut meta::Cache,
        caps: &mut Captures,
        national: String,
    ) -> String {
        parsing.regex.search_captures_with(
            cache,
            &Input::new(national.as_str()).anchored(Anchored::Yes),
            caps,
        );
        let Some(whole) = caps.get_match() else {
            return national;
        };
        let last = caps.get_group(caps.group_len().saturating_sub(1));
        match (&self.transform, last) {
            (Some(rule), Some(_)) => {
                let viable = self.general.is_match(&national);
                let mut out = String::new();
                caps.interpolate_string_into(&national, rule, &mut out);
                out.push_str(&national[whole.end()..]);
                if viable && !self.general.is_match(&out) {
                    national
                } else {
                    out
                }
            }
            // The crate checks the general pattern on the number from the
            // match start here, which is the number itself: no condition.
            _ => national[whole.end()..].to_owned(),
        }
    }
}

/// Where `source_for` looks up a calling code's metadata.
enum Source {
    /// One region (or non-geographic entity), or none when its id is unknown.
    Single(Option<usize>),
    /// Several regions sharing the code, the main one first.
    Shared(Vec<usize>),
}

/// Every region's compiled metadata and the crate's lookup tables.
struct Plans {
    /// Each region's metadata, compiled on first use: a scan meets a few
    /// dozen of the 250 regions, and compiling all of them up front cost a
    /// quarter of a second of every run.
    regions: Vec<(&'static Metadata, OnceLock<Option<Region>>)>,
    by_id: FxHashMap<String, usize>,
    /// Calling codes the database knows (`by_code` is `Some`).
    codes: FxHashMap<u16, Source>,
}

/// Where the country code was found (`country::Source`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Found {
    Default,
    Plus,
    Idd,
}

impl Plans {
    fn build() -> Plans {
        let db = &*DATABASE;
        // `iter` walks the by-id table, which keeps one of the several
        // non-geographic entities (id "001"); the by-code table has them all,
        // and calling codes fit in a u16.
        let mut metas: Vec<&'static Metadata> = Vec::new();
        let mut seen: FxHashMap<usize, usize> = FxHashMap::default();
        let by_code: Vec<(u16, Vec<&Metadata>)> = (0..=u16::MAX)
            .filter_map(|code| Some((code, db.by_code(&code)?)))
            .collect();
        for m in db
            .iter()
            .chain(by_code.iter().flat_map(|(_, ms)| ms.iter().copied()))
        {
            seen.entry(std::ptr::from_ref(m) as usize)
                .or_insert_with(|| {
                    metas.push(m);
                    metas.len() - 1
                });
        }
        let mut regions = Vec::new();
        let mut index: FxHashMap<usize, usize> = FxHashMap::default();
        for m in metas {
            index.insert(std::ptr::from_ref(m) as usize, regions.len());
            regions.push((m, OnceLock::new()));
        }
        let of = |m: &Metadata| index.get(&(std::ptr::from_ref(m) as usize)).copied();
        let mut by_id = FxHashMap::default();
        for m in db.iter() {
            if let Some(i) = db.by_id(m.id()).and_then(of) {
                by_id.insert(m.id().to_owned(), i);
            }
        }
        let mut codes = FxHashMap::default();
        for (code, ms) in &by_code {
            let ids = db.region(code).unwrap_or_default();
            let source = if let [only] = ids.as_slice() {
                Source::Single(if *only == "001" {
                    ms.first().copied().and_then(of)
                } else {
                    only.parse::<Id>()
                        .ok()
                        .and_then(|id| db.by_id(id.as_ref()))
                        .and_then(of)
                })
            } else {
                Source::Shared(
                    ids.iter()
                        .filter_map(|id| db.by_id(*id).and_then(of))
                        .collect(),
                )
            };
            codes.insert(*code, source);
        }
        Plans {
            regions,
            by_id,
            codes,
        }
    }

    /// Region `i`, compiled on first use. A region whose patterns do not
    /// compile (none today) reads as unknown, which the comparison test
    /// would report.
    fn region(&self, i: usize) -> Option<&Region> {
        let (meta, compiled) = self.regions.get(i)?;
        compiled.get_or_init(|| Region::new(meta, i)).as_ref()
    }

    fn region_of(&self, id: Id) -> Option<&Region> {
        let id: &str = id.as_ref();
        self.region(*self.by_id.get(id)?)
    }

    /// `validator::source_for`: the metadata a calling code and national
    /// number belong to.
    fn source_for(&self, code: u16, national: &str) -> Option<&Region> {
        match self.codes.get(&code)? {
            Source::Single(r) => self.region((*r)?),
            Source::Shared(list) => list
                .iter()
                .filter_map(|&i| self.region(i))
                .find(|r| match &r.leading_digits {
                    Some(p) => p.matches_prefix(national),
                    None => r.has_type(national),
                }),
        }
    }

    /// `is_valid_with` on a parsed number.
    fn is_valid(&self, code: u16, national: &str) -> bool {
        self.source_for(code, national)
            .is_some_and(|r| r.has_type(national))
    }

    /// `parser::parse_with` for text of the replayed alphabet: the calling
    /// code and the national significant number as `NationalNumber` prints
    /// it, or `None` where the crate returns an error.
    fn parse(&self, region: Option<Id>, s: &[u8]) -> Option<(u16, String)> {
        let (raw, raw_prefix) = match rfc3966(s) {
            Some(found) => found,
            None => (natural(s)?, None),
        };
        if !viable(raw) {
            return None;
        }
        let default = region.and_then(|id| self.region_of(id));
        let idd = default.and_then(|r| r.international_prefix.as_ref());

        // helper::international_prefix
        let (found, mut national, mut prefix) = if let Some(p) = raw_prefix {
            (Found::Plus, digits(raw), Some(digits(p)))
        } else {
            let plus = raw.iter().take_while(|&&b| b == b'+').count();
            let mut found = if plus > 0 {
                Found::Plus
            } else {
                Found::Default
            };
            let mut national = digits(&raw[plus..]);
            if let Some(end) = idd.and_then(|p| p.prefix_end(&national))
                && !national[end..].starts_with('0')
            {
                national.drain(..end);
                found = if found == Found::Plus {
                    Found::Plus
                } else {
                    Found::Idd
                };
            }
            (found, national, None)
        };

        // helper::country_code
        match found {
            Found::Plus | Found::Idd => {
                if national.len() <= 2 {
                    return None;
                }
                if let Some(p) = &prefix {
                    let code: u16 = p.parse().ok()?;
                    self.codes.get(&code)?;
                } else {
                    if national.starts_with('0') {
                        return None;
                    }
                    let len = (1..=3).find(|&len| {
                        national[..len]
                            .parse::<u16>()
                            .is_ok_and(|code| self.codes.contains_key(&code))
                    })?;
                    let code: u16 = national[..len].parse().ok()?;
                    national.drain(..len);
                    prefix = Some(code.to_string());
                }
            }
            Found::Default => {
                // No default region: the crate reports an invalid country
                // code (and panics on a region it has no metadata for).
                let meta = default?;
                let code = meta.code.to_string();
                if national.starts_with(code.as_str())
                    && (!meta.general.is_match(&national)
                        || meta.length(national.len()) != Length::Possible)
                {
                    national.drain(..code.len());
                }
                prefix = Some(code);
            }
        }
        let code: u16 = prefix.as_deref().unwrap_or("0").parse().ok()?;

        // parse_with: the metadata that decides the national prefix.
        let meta = match default {
            Some(r) => Some(r),
            None => self.source_for(code, national.trim_start_matches('0')),
        };
        if let Some(meta) = meta {
            let mut potential = meta.national_number(national.clone());
            if let Some(p) = &meta.national_prefix
                && potential.starts_with(p.as_str())
            {
                potential.drain(..p.len());
            }
            if meta.length(potential.len()) != Length::TooShort {
                national = potential;
            }
        }
        if !(2..=17).contains(&national.len()) {
            return None;
        }
        // NationalNumber: leading zeros counted, the rest a u64 under 2^56.
        let zeros = national.bytes().take_while(|&b| b == b'0').count();
        let value: u64 = national[zeros..].parse().ok()?;
        if value >= 1 << 56 {
            return None;
        }
        Some((code, format!("{}{value}", "0".repeat(zeros))))
    }
}

/// The RFC 3966 front end on text without `tel:` or parameters: no blank,
/// an optional `+` and code up to the first separator, then digits and
/// separators to the end. `(national, prefix)`.
fn rfc3966(s: &[u8]) -> Option<(&[u8], Option<&[u8]>)> {
    let separator = |b: u8| matches!(b, b'-' | b'.' | b'(' | b')');
    if s.contains(&b' ') {
        return None;
    }
    let (rest, prefix) = match s.strip_prefix(b"+") {
        Some(after) => {
            let n = after
                .iter()
                .position(|&b| separator(b))
                .unwrap_or(after.len());
            if n == 0 {
                (s, None)
            } else {
                (&after[n..], Some(&after[..n]))
            }
        }
        None => (s, None),
    };
    let number = |b: &u8| b.is_ascii_digit() || separator(*b);
    (!rest.is_empty() && rest.iter().all(number)).then_some((rest, prefix))
}

/// The natural-language front end: from the first digit or `+` to the last
/// digit (no extension can be written in the replayed alphabet).
fn natural(s: &[u8]) -> Option<&[u8]> {
    let start = s.iter().position(|&b| b.is_ascii_digit() || b == b'+')?;
    let rest = &s[start..];
    let end = rest.iter().rposition(u8::is_ascii_digit)? + 1;
    Some(&rest[..end])
}

/// `is_viable`: two digits, or pluses then at least three digits among
/// punctuation.
fn viable(n: &[u8]) -> bool {
    if n.len() < 2 {
        return false;
    }
    if n.len() == 2 && n.iter().all(u8::is_ascii_digit) {
        return true;
    }
    let plus = n.iter().take_while(|&&b| b == b'+').count();
    let body = &n[plus..];
    !body.contains(&b'+') && body.iter().filter(|b| b.is_ascii_digit()).count() >= 3
}

/// The digits of `s` (normalisation drops the rest of the alphabet).
fn digits(s: &[u8]) -> String {
    s.iter()
        .filter(|b| b.is_ascii_digit())
        .map(|&b| char::from(b))
        .collect()
}

/// Builds the tables now, so the first number scanned does not pay for it.
pub(crate) fn warm() {
    plans();
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every region id the metadata knows, for tests and benchmarks.
    fn all_regions() -> Vec<Id> {
        DATABASE
            .iter()
            .filter_map(|m| m.id().parse().ok())
            .collect()
    }

    /// Every example number of the metadata as `(region, national number)`.
    fn examples() -> Vec<(Option<Id>, u16, String)> {
        let mut out = Vec::new();
        let metas = (0..=999u16)
            .filter_map(|code| DATABASE.by_code(&code))
            .flatten();
        for m in metas {
            let id: Option<Id> = m.id().parse().ok();
            let d = m.descriptors();
            for desc in [
                Some(d.general()),
                d.fixed_line(),
                d.mobile(),
                d.toll_free(),
                d.premium_rate(),
                d.shared_cost(),
                d.personal_number(),
                d.voip(),
                d.pager(),
                d.uan(),
                d.voicemail(),
            ]
            .into_iter()
            .flatten()
            {
                if let Some(ex) = desc.example() {
                    out.push((id, m.country_code(), ex.to_owned()));
                }
            }
        }
        out
    }

    /// A small deterministic generator (xorshift64*), so a failure names a
    /// seed that reproduces it.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }

        fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
            &items[self.below(items.len())]
        }
    }

    /// A random string of the replayed alphabet, digits most often.
    fn random_text(rng: &mut Rng) -> String {
        const OTHER: &[u8] = b" +-.()/";
        let len = rng.below(22);
        (0..len)
            .map(|_| {
                if rng.below(4) == 0 {
                    char::from(*rng.pick(OTHER))
                } else {
                    char::from(b'0' + rng.below(10) as u8)
                }
            })
            .collect()
    }

    /// An example number of the metadata, perhaps changed, written the way
    /// people write numbers: with its code, an IDD, a trunk prefix or bare,
    /// grouped with separators.
    fn generated(rng: &mut Rng, examples: &[(Option<Id>, u16, String)]) -> (Option<Id>, String) {
        let (region, code, national) = rng.pick(examples);
        let mut digits: Vec<u8> = national.bytes().collect();
        match rng.below(6) {
            0 if !digits.is_empty() => {
                let i = rng.below(digits.len());
                digits[i] = b'0' + rng.below(10) as u8;
            }
            1 if !digits.is_empty() => {
                digits.remove(rng.below(digits.len()));
            }
            2 => digits.insert(rng.below(digits.len() + 1), b'0' + rng.below(10) as u8),
            _ => {}
        }
        let mut body = String::new();
        for (i, d) in digits.iter().enumerate() {
            if i > 0 && rng.below(4) == 0 {
                body.push(char::from(*rng.pick(b" -./")));
            }
            body.push(char::from(*d));
        }
        let text = match rng.below(8) {
            0 => format!("+{code} {body}"),
            1 => format!("+{code}{body}"),
            2 => format!("+{code}-{body}"),
            3 => format!("00{code} {body}"),
            4 => format!("0{body}"),
            5 => format!("({}) {body}", &national[..national.len().min(3)]),
            6 => format!("011 {code} {body}"),
            _ => body,
        };
        let default = match rng.below(3) {
            0 => None,
            1 => *region,
            _ => Some(Id::US),
        };
        (default, text)
    }

    /// Compares the compiled verdict with the crate's on `cases` inputs, half
    /// random strings and half generated numbers, with a random default
    /// region (or none). Returns the number of comparisons.
    pub(crate) fn compare(cases: usize, seed: u64) -> usize {
        // The oracle recompiles patterns endlessly with its default cache.
        if let Ok(mut cache) = DATABASE.cache().lock() {
            cache.set_capacity(8192);
        }
        let regions = all_regions();
        let examples = examples();
        let mut rng = Rng(seed | 1);
        let mut failures = Vec::new();
        let mut valid = 0;
        for i in 0..cases {
            let (region, text) = if i % 2 == 0 {
                let region = if rng.below(4) == 0 {
                    None
                } else {
                    Some(*rng.pick(&regions))
                };
                (region, random_text(&mut rng))
            } else {
                generated(&mut rng, &examples)
            };
            let want = oracle(region, &text);
            let got = verdict(region, &text);
            valid += usize::from(want == Some(Plan::Valid));
            if got != want && failures.len() < 20 {
                failures.push(format!("{region:?} {text:?}: got {got:?}, want {want:?}"));
            }
        }
        assert!(failures.is_empty(), "seed {seed}:\n{}", failures.join("\n"));
        // The generated half must exercise valid numbers, not only errors.
        assert!(valid * 10 > cases, "only {valid} valid of {cases}");
        cases
    }

    #[test]
    fn same_verdict_as_the_crate() {
        compare(50_000, 0x5eed);
    }

    /// The full million; run by `benches/scan/phone-oracle.sh` in release.
    #[test]
    #[ignore = "a million comparisons: run in release by the bench script"]
    fn same_verdict_as_the_crate_on_a_million() {
        let n = compare(1_000_000, 0x00dd_5eed);
        println!("phone verdict comparisons: {n}");
    }

    #[test]
    fn every_region_compiles() {
        let plans = plans();
        assert!(plans.regions.len() > DATABASE.iter().count());
        for i in 0..plans.regions.len() {
            assert!(plans.region(i).is_some(), "{i}");
        }
        for id in all_regions() {
            assert!(plans.region_of(id).is_some(), "{id:?}");
        }
    }

    #[test]
    fn known_numbers() {
        for (region, text, want) in [
            (None, "+1 415 555 0134", Some(Plan::Valid)),
            (None, "+1 650 253 0000", Some(Plan::Valid)),
            (Some(Id::US), "415-555-0134", Some(Plan::Valid)),
            (Some(Id::GB), "020 7946 0958", Some(Plan::Valid)),
            (None, "+44 20 7946 0958", Some(Plan::Valid)),
            (Some(Id::DE), "030 901820", Some(Plan::Valid)),
            (None, "12:00", None),
            (Some(Id::US), "", None),
        ] {
            assert_eq!(verdict(region, text), oracle(region, text), "{text}");
            assert_eq!(verdict(region, text), want, "{text}");
        }
    }
}
