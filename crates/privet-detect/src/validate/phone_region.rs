//! National phone numbers read in the region their context points to.
//!
//! Without a country code a number means something only in some region. The
//! phone validator tries the default region and a few others; after a phone
//! cue ("Telefon:", "call me at", "puhelin") a number that fails there is
//! read again in the regions the line names — a `+CC` elsewhere on it, a
//! country name, the language of the cue — and then in every region of a
//! broad list: the cue says it is a phone number, so a number valid in some
//! region is taken as one.

use phonenumber::country::Id;

/// Words on a line that point to regions (lower case; matched ASCII
/// case-insensitively, UTF-8 bytes as they are).
const HINTS: &[(&str, &[Id])] = &[
    ("deutschland", &[Id::DE]),
    ("germany", &[Id::DE]),
    (
        "telefon",
        &[
            Id::DE,
            Id::PL,
            Id::CZ,
            Id::TR,
            Id::HU,
            Id::AT,
            Id::DK,
            Id::SE,
            Id::NO,
        ],
    ),
    ("handy", &[Id::DE, Id::AT, Id::CH]),
    ("\u{f6}sterreich", &[Id::AT]),
    ("schweiz", &[Id::CH]),
    ("suisse", &[Id::CH]),
    ("france", &[Id::FR]),
    ("t\u{e9}l\u{e9}phone", &[Id::FR, Id::BE, Id::CH]),
    ("appeler", &[Id::FR, Id::BE]),
    ("espa\u{f1}a", &[Id::ES]),
    ("spain", &[Id::ES]),
    ("tel\u{e9}fono", &[Id::ES, Id::MX, Id::AR, Id::CO]),
    ("ll\u{e1}me", &[Id::ES, Id::MX]),
    ("italia", &[Id::IT]),
    ("italy", &[Id::IT]),
    ("telefono", &[Id::IT]),
    ("chiamare", &[Id::IT]),
    ("nederland", &[Id::NL]),
    ("netherlands", &[Id::NL]),
    ("telefoon", &[Id::NL, Id::BE]),
    ("bellen", &[Id::NL, Id::BE]),
    ("portugal", &[Id::PT]),
    ("brasil", &[Id::BR]),
    ("brazil", &[Id::BR]),
    ("telefone", &[Id::BR, Id::PT]),
    ("ligar", &[Id::BR, Id::PT]),
    ("polska", &[Id::PL]),
    ("poland", &[Id::PL]),
    ("dzwoni", &[Id::PL]),
    ("t\u{fc}rkiye", &[Id::TR]),
    ("turkey", &[Id::TR]),
    ("magyarorsz\u{e1}g", &[Id::HU]),
    ("hungary", &[Id::HU]),
    ("suomi", &[Id::FI]),
    ("finland", &[Id::FI]),
    ("puhelin", &[Id::FI]),
    ("\u{10d}esko", &[Id::CZ]),
    ("czech", &[Id::CZ]),
    ("sverige", &[Id::SE]),
    ("danmark", &[Id::DK]),
    ("norge", &[Id::NO]),
    ("ireland", &[Id::IE]),
    ("canada", &[Id::CA]),
    ("australia", &[Id::AU]),
    ("india", &[Id::IN]),
    ("japan", &[Id::JP]),
    ("m\u{e9}xico", &[Id::MX]),
];

/// Every region tried after the hinted ones: the countries privet's users
/// most often hold customers in.
const BROAD: &[Id] = &[
    Id::US,
    Id::GB,
    Id::DE,
    Id::FR,
    Id::ES,
    Id::IT,
    Id::NL,
    Id::BE,
    Id::PT,
    Id::PL,
    Id::AT,
    Id::CH,
    Id::IE,
    Id::DK,
    Id::SE,
    Id::NO,
    Id::FI,
    Id::CZ,
    Id::SK,
    Id::HU,
    Id::RO,
    Id::GR,
    Id::TR,
    Id::BR,
    Id::MX,
    Id::AR,
    Id::CO,
    Id::CL,
    Id::CA,
    Id::AU,
    Id::NZ,
    Id::IN,
    Id::JP,
    Id::SG,
    Id::ZA,
    Id::IL,
    Id::AE,
    Id::UA,
    Id::RU,
    Id::BG,
    Id::HR,
    Id::SI,
    Id::LT,
    Id::LV,
    Id::EE,
    Id::LU,
];

/// What `number` (a national number, no country code) is in the regions
/// `line` points to or, failing that, in the regions of [`BROAD`]: `Valid`
/// when some region's number ranges hold it; `Possible` when only a hinted
/// region's lengths allow it (the cue and the region both say phone, and
/// numbering plans change faster than any metadata); else `None`.
pub(crate) fn plan_in_some_region(number: &[u8], line: &[u8]) -> Option<super::phone::Plan> {
    use super::phone::Plan;
    let digits = number.iter().filter(|b| b.is_ascii_digit()).count();
    if !(7..=13).contains(&digits) || number.first() == Some(&b'+') {
        return None;
    }
    let text = std::str::from_utf8(number).ok()?;
    let mut best = None;
    for region in hinted_regions(line) {
        match super::phone_plan::verdict(Some(region), text) {
            Some(Plan::Valid) => return Some(Plan::Valid),
            Some(Plan::Possible) if super::phone_plan::possible_length(region, text) => {
                best = Some(Plan::Possible)
            }
            _ => {}
        }
    }
    let valid = BROAD
        .iter()
        .any(|&region| super::phone_plan::verdict(Some(region), text) == Some(Plan::Valid));
    if valid { Some(Plan::Valid) } else { best }
}

/// A national number after a phone cue, valid (or, in a region the line
/// names, of a possible length) for some region: the verdict (national) and
/// the end of its span, extension kept.
pub(crate) fn after_cue(
    hay: &[u8],
    start: usize,
    span: &[u8],
) -> Option<(super::phone::Phone, usize)> {
    let number = super::phone_form::without_extension(span);
    let ls = memchr::memrchr(b'\n', &hay[..start]).map_or(0, |p| p + 1);
    let le = memchr::memchr(b'\n', &hay[start..]).map_or(hay.len(), |p| start + p);
    // A few hundred bytes around the number are enough to name its region.
    let line = &hay[ls.max(start.saturating_sub(200))..le.min(start + 200)];
    let plan = plan_in_some_region(&span[..number], line)?;
    let phone = super::phone::Phone {
        len: span.len(),
        plan,
        international: false,
        formatted: span.iter().any(|b| !b.is_ascii_digit()),
    };
    Some((phone, start + span.len()))
}

/// The regions `line` names: by a `+CC` calling code elsewhere on it, or by
/// a country or language word of [`HINTS`].
fn hinted_regions(line: &[u8]) -> Vec<Id> {
    let mut out = Vec::new();
    for (i, _) in line.iter().enumerate().filter(|&(_, &b)| b == b'+') {
        let code: Vec<u8> = line[i + 1..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .take(3)
            .copied()
            .collect();
        if let Some(region) = region_of_calling_code(&code) {
            out.push(region);
        }
    }
    let lower = line.to_ascii_lowercase();
    for (word, regions) in HINTS {
        if memchr::memmem::find(&lower, word.as_bytes()).is_some() {
            out.extend_from_slice(regions);
        }
    }
    out
}

/// The main region of the longest calling code that opens `digits`.
fn region_of_calling_code(digits: &[u8]) -> Option<Id> {
    (1..=digits.len()).rev().find_map(|n| {
        let code: u16 = std::str::from_utf8(&digits[..n]).ok()?.parse().ok()?;
        let regions = phonenumber::metadata::DATABASE.by_code(&code)?;
        let main = regions.first()?;
        main.id().parse().ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_valid_in_the_hinted_or_another_region() {
        for (number, line) in [
            (
                "513 992 435",
                "Prosz\u{119} dzwoni\u{107} pod numer 513 992 435.",
            ),
            ("0279886618", "Vous pouvez m'appeler au 0279886618."),
            ("06 12 34 56 78", "T\u{e9}l\u{e9}phone : 06 12 34 56 78"),
            ("030 901820", "Telefon: 030 901820 (Deutschland)"),
        ] {
            assert_eq!(
                plan_in_some_region(number.as_bytes(), line.as_bytes()),
                Some(super::super::phone::Plan::Valid),
                "{number}"
            );
        }
        for number in ["0000000000", "+49 30 901820", "12"] {
            assert_eq!(
                plan_in_some_region(number.as_bytes(), b"Telefon"),
                None,
                "{number}"
            );
        }
    }

    #[test]
    fn calling_codes_and_words_point_to_regions() {
        assert_eq!(
            hinted_regions(b"office +48 22 123 45 67, mobile"),
            vec![Id::PL]
        );
        assert!(hinted_regions(b"Puhelin: 040 123").contains(&Id::FI));
        assert!(hinted_regions(b"nothing here").is_empty());
    }
}
