//! Telephone numbers, validated with libphonenumber's metadata (compiled
//! once by [`super::phone_plan`]).

use std::cell::RefCell;

use phonenumber::country::Id;

use super::phone_plan::verdict;

/// The region whose numbering plan reads phone numbers written without a country code first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PhoneRegion(Id);

impl PhoneRegion {
    /// Reads an ISO 3166 alpha-2 code (any case) of a region libphonenumber's metadata covers.
    pub fn parse(code: &str) -> Result<PhoneRegion, crate::DetectError> {
        let upper = code.trim().to_ascii_uppercase();
        upper
            .parse::<Id>()
            .ok()
            .filter(|id| upper.len() == 2 && super::phone_plan::covers(*id))
            .map(PhoneRegion)
            .ok_or_else(|| crate::DetectError::Region(code.chars().take(16).collect()))
    }
}

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

/// Checks a candidate span; if the whole span is not a number, retries with
/// its last one or two groups dropped (a following unrelated number may have
/// been swallowed by the candidate pattern).
pub(crate) fn check(span: &[u8], region: Option<PhoneRegion>) -> Option<Phone> {
    LAST.with_borrow_mut(|last| {
        if let Some((bytes, r, verdict)) = last.as_ref()
            && *r == region
            && bytes.as_slice() == span
        {
            return *verdict;
        }
        let verdict = check_uncached(span, region);
        let (bytes, r, v) = last.get_or_insert_with(|| (Vec::new(), None, None));
        bytes.clear();
        bytes.extend_from_slice(span);
        *r = region;
        *v = verdict;
        verdict
    })
}

/// A candidate's bytes, the region and [`check`]'s verdict on them.
type Checked = (Vec<u8>, Option<PhoneRegion>, Option<Phone>);

thread_local! {
    /// The last candidate checked on this thread. In a phone column the
    /// regex pass and the header's whole-value test ask about the same
    /// bytes one after the other; the metadata walk is the dear part.
    static LAST: RefCell<Option<Checked>> = const { RefCell::new(None) };
}

/// [`check`] without the memo.
fn check_uncached(span: &[u8], region: Option<PhoneRegion>) -> Option<Phone> {
    let found = check_groups(span, region);
    if found.is_some_and(|p| p.plan == Plan::Valid) {
        return found;
    }
    glued_country_code(span).or(found)
}

/// `+3148-8142526`: a country code glued to the area code hides where it
/// ends from the grouping the parser reads; the number read without its
/// separators, when that is valid, over the whole span.
fn glued_country_code(span: &[u8]) -> Option<Phone> {
    let rest = span.strip_prefix(b"+")?;
    let first_group = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    if first_group < 4
        || !rest
            .iter()
            .all(|b| b.is_ascii_digit() || matches!(b, b' ' | b'-' | b'.'))
    {
        return None;
    }
    let mut compact = Vec::with_capacity(span.len());
    compact.push(b'+');
    compact.extend(rest.iter().filter(|b| b.is_ascii_digit()));
    let p =
        check_exact(&compact, None).filter(|p| p.plan == Plan::Valid && p.len == compact.len())?;
    Some(Phone {
        len: span.len(),
        formatted: true,
        ..p
    })
}

/// [`check`] over the span as grouped, dropping trailing groups.
fn check_groups(span: &[u8], region: Option<PhoneRegion>) -> Option<Phone> {
    let mut end = span.len();
    let mut best: Option<Phone> = None;
    for _ in 0..3 {
        if let Some(p) = check_exact(&span[..end], region) {
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

fn check_exact(span: &[u8], region: Option<PhoneRegion>) -> Option<Phone> {
    let s = std::str::from_utf8(span).ok()?;
    let digits = span.iter().filter(|b| b.is_ascii_digit()).count();
    if !(7..=15).contains(&digits) {
        return None;
    }
    let formatted = span.iter().any(|b| !b.is_ascii_digit() && *b != b'+');
    let international = span.first() == Some(&b'+') || span.starts_with(b"00");
    let plan = plan_for(s, span, international, region)?;
    Some(Phone {
        len: span.len(),
        plan,
        international,
        formatted,
    })
}

/// What libphonenumber's metadata says about a candidate: read with its
/// country code when it has one, else in the configured region, then as a US
/// number and, failing that and written with a trunk `0` or a bracketed area
/// code, in other regions.
fn plan_for(
    s: &str,
    span: &[u8],
    international: bool,
    region: Option<PhoneRegion>,
) -> Option<Plan> {
    if international {
        let normalized;
        let text = if let Some(rest) = s.strip_prefix("00") {
            normalized = format!("+{rest}");
            normalized.as_str()
        } else {
            s
        };
        return verdict(None, text);
    }
    let own = region
        .filter(|r| r.0 != Id::US)
        .and_then(|r| verdict(Some(r.0), s));
    if own == Some(Plan::Valid) {
        return own;
    }
    let us = verdict(Some(Id::US), s).max(own);
    if us == Some(Plan::Valid) || !matches!(span.first(), Some(b'0' | b'(')) {
        return us;
    }
    // The best verdict over the other regions; `Valid` is the best there is,
    // so the first region that validates ends the search.
    let mut best = None;
    for &region in &OTHER_REGIONS {
        let plan = verdict(Some(region), s);
        if plan == Some(Plan::Valid) {
            return plan;
        }
        best = best.max(plan);
    }
    best.or(us)
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
            // A country code glued to the area code.
            "+3148-8142526",
        ] {
            let p = check(s.as_bytes(), None);
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
            let p = check(s.as_bytes(), None);
            assert!(p.is_none_or(|p| p.plan != Plan::Valid), "{s}: {p:?}");
        }
    }

    #[test]
    fn swallowed_trailing_group_is_dropped() {
        let s = "415-555-0134 12";
        let p = check(s.as_bytes(), None).expect("valid prefix");
        assert_eq!(p.len, "415-555-0134".len());
    }
}
