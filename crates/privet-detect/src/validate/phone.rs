//! Telephone numbers, validated with libphonenumber's metadata (the `phonenumber` crate).

use phonenumber::country::Id;

/// How strongly the number-plan metadata supports a candidate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Plan {
    /// Parses and has a plausible length, but matches no number range.
    Possible,
    /// Matches a number range of its country.
    Valid,
}

/// What the phone validator learned about a candidate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Phone {
    /// Bytes of the candidate that form the number (trailing groups may be dropped).
    pub len: usize,
    /// Metadata support.
    pub plan: Plan,
    /// Written with a country code (`+` or `00`).
    pub international: bool,
    /// Written with separators or brackets rather than as one digit run.
    pub formatted: bool,
}

/// Regions tried for national numbers written with a trunk prefix `0` or a
/// bracketed area code, after the default region (US) fails.
const OTHER_REGIONS: [Id; 13] = [
    Id::GB,
    Id::DE,
    Id::FR,
    Id::NL,
    Id::AU,
    Id::IN,
    Id::IE,
    Id::CH,
    Id::BR,
    Id::JP,
    Id::IT,
    Id::ES,
    Id::MX,
];

/// Makes libphonenumber's shared regex cache large enough for the working set.
///
/// The `phonenumber` crate compiles its metadata patterns lazily into one LRU
/// cache of 100 regexes; validating a NANP number alone walks the patterns of
/// 25 regions, so at that size every call recompiles hundreds of regexes.
pub(crate) fn widen_metadata_cache() {
    const CAPACITY: usize = 8192;
    let cache = phonenumber::metadata::DATABASE.cache();
    if let Ok(mut cache) = cache.lock()
        && cache.capacity() < CAPACITY
    {
        cache.set_capacity(CAPACITY);
    }
}

/// Checks a candidate span; if the whole span is not a number, retries with
/// its last one or two groups dropped (a following unrelated number may have
/// been swallowed by the candidate pattern).
pub(crate) fn check(span: &[u8]) -> Option<Phone> {
    let mut end = span.len();
    let mut best: Option<Phone> = None;
    for _ in 0..3 {
        if let Some(p) = check_exact(&span[..end]) {
            if p.plan == Plan::Valid {
                return Some(p);
            }
            best = best.or(Some(p));
        }
        // Drop the last group and its separator.
        let Some(cut) = span[..end].iter().rposition(|b| !b.is_ascii_digit()) else {
            break;
        };
        end = span[..cut]
            .iter()
            .rposition(|b| b.is_ascii_digit() || *b == b')')
            .map_or(0, |p| p + 1);
        if end == 0 {
            break;
        }
    }
    best
}

fn check_exact(span: &[u8]) -> Option<Phone> {
    let s = std::str::from_utf8(span).ok()?;
    let digits = span.iter().filter(|b| b.is_ascii_digit()).count();
    if !(7..=15).contains(&digits) {
        return None;
    }
    let formatted = span.iter().any(|b| !b.is_ascii_digit() && *b != b'+');
    let international = span.first() == Some(&b'+') || span.starts_with(b"00");
    let plan = plan_for(s, span, international)?;
    Some(Phone {
        len: span.len(),
        plan,
        international,
        formatted,
    })
}

/// What libphonenumber says about a candidate, memoized per thread where the
/// memo is exact: NANP numbers by their deciding digits, anything else by
/// its exact bytes.
fn plan_for(s: &str, span: &[u8], international: bool) -> Option<Plan> {
    match nanp_key(span, international) {
        Some(key) => memoized(&NANP_MEMO, &key, || uncached(s, span, international)),
        None if span.len() <= EXACT_KEY_MAX => {
            memoized(&EXACT_MEMO, span, || uncached(s, span, international))
        }
        None => uncached(s, span, international),
    }
}

/// What libphonenumber says about a candidate (slow: regex-based metadata).
fn uncached(s: &str, span: &[u8], international: bool) -> Option<Plan> {
    if international {
        let normalized;
        let text = if let Some(rest) = s.strip_prefix("00") {
            normalized = format!("+{rest}");
            normalized.as_str()
        } else {
            s
        };
        return Some(plan_of(phonenumber::parse(None, text).ok()?));
    }
    let us = phonenumber::parse(Some(Id::US), s).ok().map(plan_of);
    if us == Some(Plan::Valid) || !matches!(span.first(), Some(b'0' | b'(')) {
        return us;
    }
    // The best verdict over the other regions; `Valid` is the best there is,
    // so the first region that validates ends the search.
    let mut best = None;
    for &region in &OTHER_REGIONS {
        let plan = phonenumber::parse(Some(region), s).ok().map(plan_of);
        if plan == Some(Plan::Valid) {
            return plan;
        }
        best = best.max(plan);
    }
    best.or(us)
}

/// Digits after which every NANP metadata pattern (all 25 regions, every
/// number type) ends in free digits: the shortest such tail is 3 (`\d{3}`
/// in Barbados and Jamaica), so a 10-digit NANP number's verdict is decided
/// by its first 7 digits. Checked against libphonenumber's
/// `PhoneNumberMetadata.xml` shipped with the `phonenumber` crate.
const NANP_FREE_TAIL: usize = 3;
/// Verdicts kept per memo before it is cleared.
const MEMO_LIMIT: usize = 1 << 16;
/// Longest candidate memoized by its exact bytes.
const EXACT_KEY_MAX: usize = 32;

type Memo<K> = std::cell::RefCell<rustc_hash::FxHashMap<K, Option<Plan>>>;

thread_local! {
    static NANP_MEMO: Memo<u64> = Memo::default();
    static EXACT_MEMO: Memo<Vec<u8>> = Memo::default();
}

/// The memo key of a NANP-shaped number: its deciding leading digits, its
/// length and its form. `None` for anything else, whose verdict may depend
/// on every digit (other plans) or on national-prefix handling (a 10-digit
/// national number starting with 0 or 1), and for bracketed area codes,
/// which fall back to other regions' metadata.
fn nanp_key(span: &[u8], international: bool) -> Option<u64> {
    if span.first() == Some(&b'(') {
        return None;
    }
    let skip = if span.starts_with(b"00") { 2 } else { 0 };
    let mut digits = [0u8; 16];
    let mut n = 0;
    for &b in span.iter().filter(|b| b.is_ascii_digit()).skip(skip) {
        *digits.get_mut(n)? = b - b'0';
        n += 1;
    }
    let d = &digits[..n];
    let shaped = match (international, n) {
        (false, 10) => d[0] >= 2,
        (_, 11) => d[0] == 1 && d[1] >= 2,
        _ => false,
    };
    if !shaped {
        return None;
    }
    let prefix = d[..n - NANP_FREE_TAIL]
        .iter()
        .fold(0u64, |acc, &x| acc * 10 + u64::from(x));
    Some((prefix * 16 + n as u64) * 2 + u64::from(international))
}

/// Looks `key` up in a per-thread memo, computing and storing on a miss.
fn memoized<K, Q>(
    memo: &'static std::thread::LocalKey<Memo<K>>,
    key: &Q,
    compute: impl FnOnce() -> Option<Plan>,
) -> Option<Plan>
where
    K: std::borrow::Borrow<Q> + std::hash::Hash + Eq,
    Q: ToOwned<Owned = K> + std::hash::Hash + Eq + ?Sized,
{
    if let Some(hit) = memo.with(|m| m.borrow().get(key).copied()) {
        return hit;
    }
    let plan = compute();
    memo.with(|m| {
        let mut m = m.borrow_mut();
        if m.len() >= MEMO_LIMIT {
            m.clear();
        }
        m.insert(key.to_owned(), plan);
    });
    plan
}

fn plan_of(number: phonenumber::PhoneNumber) -> Plan {
    if phonenumber::is_valid(&number) {
        Plan::Valid
    } else {
        Plan::Possible
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_table() {
        for s in [
            "+1 (415) 555-0134",
            "415-555-0134",
            "(415) 555 0134",
            "+44 20 7946 0958",
            "+49 30 901820",
            "0049 30 901820",
            "+33 1 42 68 53 00",
            "07700 900123",
            "4155550134",
            "+14155550134",
            "1-800-555-0199",
            "020 7946 0958",
        ] {
            let p = check(s.as_bytes());
            assert!(
                p.is_some_and(|p| p.plan == Plan::Valid && p.len == s.len()),
                "{s}: {p:?}"
            );
        }
    }

    #[test]
    fn rejects() {
        for s in [
            "12:00:00",
            "1.2.3.4",
            "1299.00",
            "123456",
            "2024-01-15",
            "+1 23",
        ] {
            let p = check(s.as_bytes());
            assert!(p.is_none_or(|p| p.plan != Plan::Valid), "{s}: {p:?}");
        }
    }

    #[test]
    fn swallowed_trailing_group_is_dropped() {
        let s = "415-555-0134 12";
        let p = check(s.as_bytes()).expect("valid prefix");
        assert_eq!(p.len, "415-555-0134".len());
    }

    #[test]
    fn nanp_memo_only_where_exact() {
        let key = |s: &str, intl: bool| nanp_key(s.as_bytes(), intl);
        // Only the free last three digits may differ within one key.
        assert_eq!(key("415-555-0134", false), key("415 555-0999", false));
        assert_ne!(key("415-555-0134", false), key("415-556-0134", false));
        assert_ne!(key("415-555-0134", false), key("+1 415-555-0134", true));
        assert_eq!(key("+1 415 555 0134", true), key("001 415 555 0999", true));
        // Not NANP-shaped: other plans, trunk zeros, odd lengths.
        for s in [
            "020 7946 0958",
            "0415555013",
            "1415555013",
            "555-0134",
            "12 3456 7890",
        ] {
            assert_eq!(key(s, false), None, "{s}");
        }
        for s in ["+44 20 7946 0958", "+49 30 901820", "+1 0415 555 013"] {
            assert_eq!(key(s, true), None, "{s}");
        }
    }

    #[test]
    fn memoized_verdicts_match_direct_ones() {
        // Pairs sharing a memo key: after the first fills the memo, the
        // second's verdict still equals the uncached metadata answer.
        for (first, second) in [
            ("415-555-0134", "415-555-0999"),
            ("305-205-0134", "305-205-0999"),
            ("246-555-0134", "246-555-0000"),
            ("+1 876 555 0134", "+1 876 555 0999"),
        ] {
            let intl = second.starts_with('+');
            let direct = if intl {
                phonenumber::parse(None, second).ok().map(plan_of)
            } else {
                phonenumber::parse(Some(Id::US), second).ok().map(plan_of)
            };
            plan_for(first, first.as_bytes(), intl);
            assert_eq!(
                plan_for(second, second.as_bytes(), intl),
                direct,
                "{second}"
            );
        }
    }
}
