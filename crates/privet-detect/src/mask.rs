//! Masked renderings that are safe to print: each reveals at most a small,
//! conventional part of the value (an initial, a TLD, the last digits of a
//! card as PCI DSS allows), never the value itself.

use privet_types::PiiType;

const STARS: &str = "***";

/// Masks `value` as a detected `ty`.
///
/// ```
/// use privet_detect::mask::mask;
/// use privet_types::PiiType;
/// assert_eq!(mask(PiiType::Email, "jane.doe@example.com"), "j***@e***.com");
/// assert_eq!(mask(PiiType::CardNumber, "4242 4242 4242 4242"), "**** **** **** 4242");
/// assert_eq!(mask(PiiType::UsSsn, "123-45-6789"), "***-**-6789");
/// ```
pub fn mask(ty: PiiType, value: &str) -> String {
    let value = value.trim();
    match ty {
        PiiType::Email => email(value),
        PiiType::CardNumber => keep_last_digits(value, 4, true),
        PiiType::UsSsn => keep_last_digits(value, 4, false),
        PiiType::Phone => keep_last_digits(value, 2, false),
        PiiType::Iban => iban(value),
        PiiType::IpAddress => ip(value),
        PiiType::Url => url(value),
        PiiType::DateOfBirth => digits_hidden(value),
        PiiType::PersonName => initials(value),
        PiiType::StreetAddress => address(value),
        PiiType::Secret => "[secret ********]".to_owned(),
        // Nothing of a verification code; an expiry shows its separators only.
        PiiType::CardSecurityCode => STARS.to_owned(),
        PiiType::CardExpiry => digits_hidden(value),
        // Identifiers keep at most their last four characters (and never
        // more than half), as a card's last four are shown.
        PiiType::UkNino
        | PiiType::UkNhs
        | PiiType::CaSin
        | PiiType::FrNir
        | PiiType::EsDni
        | PiiType::ItFiscalCode
        | PiiType::DeTaxId
        | PiiType::NlBsn
        | PiiType::InAadhaar
        | PiiType::InPan
        | PiiType::BrCpf
        | PiiType::BrCnpj
        | PiiType::AuTfn
        | PiiType::AuMedicare
        | PiiType::SgNric
        | PiiType::UsItin
        | PiiType::AbaRouting
        | PiiType::Imei
        | PiiType::Vin
        | PiiType::MacAddress
        | PiiType::CryptoWallet
        | PiiType::Passport
        | PiiType::DriversLicense
        | PiiType::MedicalRecord => keep_last_chars(value, 4),
    }
}

fn first_char(s: &str) -> Option<char> {
    s.chars().find(|c| c.is_alphanumeric())
}

fn email(value: &str) -> String {
    let Some((local, domain)) = value.rsplit_once('@') else {
        return generic(value);
    };
    let tld = domain.rsplit_once('.').map_or("", |(_, t)| t);
    let mut out = String::new();
    out.extend(first_char(local));
    out.push_str(STARS);
    out.push('@');
    out.extend(first_char(domain));
    out.push_str(STARS);
    if !tld.is_empty() && tld.len() <= 24 && tld.chars().all(|c| c.is_ascii_alphabetic()) {
        out.push('.');
        out.push_str(tld);
    }
    out
}

/// Replaces every digit but the last `keep` (at most half of them) with
/// `*`, keeping separators; letters are masked too. Cards written as one run
/// are regrouped in fours, as they are usually shown.
fn keep_last_digits(value: &str, keep: usize, regroup: bool) -> String {
    let total = value.chars().filter(char::is_ascii_digit).count();
    let keep = keep.min(total / 2);
    let compact = value.chars().all(|c| c.is_ascii_digit());
    let mut out = String::with_capacity(value.len() + 4);
    let mut seen = 0usize;
    for c in value.chars() {
        if c.is_ascii_digit() {
            if regroup && compact && seen > 0 && seen.is_multiple_of(4) {
                out.push(' ');
            }
            seen += 1;
            out.push(if seen > total - keep { c } else { '*' });
        } else if c.is_alphanumeric() {
            out.push('*');
        } else {
            out.push(c);
        }
    }
    if out.is_empty() {
        out.push_str(STARS);
    }
    out
}

/// Replaces every letter and digit but the last `keep` (at most half of
/// them) with `*`, keeping separators.
fn keep_last_chars(value: &str, keep: usize) -> String {
    let total = value.chars().filter(|c| c.is_alphanumeric()).count();
    let keep = keep.min(total / 2);
    let mut seen = 0usize;
    let out: String = value
        .chars()
        .map(|c| {
            if c.is_alphanumeric() {
                seen += 1;
                if seen > total - keep { c } else { '*' }
            } else {
                c
            }
        })
        .collect();
    if out.is_empty() {
        STARS.to_owned()
    } else {
        out
    }
}

fn iban(value: &str) -> String {
    let chars: Vec<char> = value
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    if chars.len() < 12 {
        return generic(value);
    }
    let keep_from = chars.len() - 4;
    let masked: Vec<char> = chars
        .iter()
        .enumerate()
        .map(|(i, &c)| if i < 2 || i >= keep_from { c } else { '*' })
        .collect();
    let mut out = String::new();
    for (i, chunk) in masked.chunks(4).enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.extend(chunk);
    }
    out
}

fn ip(value: &str) -> String {
    if value.contains(':') {
        // IPv6: the first group names the network block, nothing more.
        let first = value.split(':').next().unwrap_or("");
        let shown = if first.len() <= 4 { first } else { "" };
        return format!("{shown}:****:****::***");
    }
    let mut parts = value.split('.');
    let first = parts.next().unwrap_or("");
    if first.len() <= 3 && first.chars().all(|c| c.is_ascii_digit()) {
        format!("{first}.***.***.***")
    } else {
        generic(value)
    }
}

fn url(value: &str) -> String {
    let (scheme, rest) = match value.split_once("://") {
        Some((s, r)) => (format!("{s}://"), r),
        None => (String::new(), value),
    };
    let host_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let host = &rest[..host_end];
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let tld = host
        .rsplit_once('.')
        .map(|(_, t)| t)
        .filter(|t| t.chars().all(|c| c.is_ascii_alphabetic()) && t.len() <= 24);
    let mut out = scheme;
    out.extend(first_char(host.strip_prefix("www.").unwrap_or(host)));
    out.push_str(STARS);
    if let Some(tld) = tld {
        out.push('.');
        out.push_str(tld);
    }
    if host_end < rest.len() {
        out.push_str("/***");
    }
    out
}

fn digits_hidden(value: &str) -> String {
    let out: String = value
        .chars()
        .map(|c| if c.is_alphanumeric() { '*' } else { c })
        .collect();
    if out.is_empty() {
        STARS.to_owned()
    } else {
        out
    }
}

/// "Jane Smith" -> "J*** S***": an initial per word, a fixed-width tail.
fn initials(value: &str) -> String {
    let words: Vec<String> = value
        .split_whitespace()
        .map(|w| {
            let mut s = String::new();
            s.extend(w.chars().find(|c| c.is_alphabetic()));
            s.push_str(STARS);
            s
        })
        .collect();
    if words.is_empty() {
        STARS.to_owned()
    } else {
        words.join(" ")
    }
}

/// "742 Evergreen Terrace" -> "*** E*** T***": numbers hidden, word initials.
fn address(value: &str) -> String {
    let words: Vec<String> = value
        .split_whitespace()
        .map(|w| match w.chars().next() {
            Some(c) if c.is_alphabetic() => format!("{c}{STARS}"),
            _ => STARS.to_owned(),
        })
        .collect();
    if words.is_empty() {
        STARS.to_owned()
    } else {
        words.join(" ")
    }
}

fn generic(value: &str) -> String {
    let mut out = String::new();
    out.extend(first_char(value));
    out.push_str(STARS);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn table() {
        let cases: &[(PiiType, &str, &str)] = &[
            (PiiType::Email, "jane.doe@example.com", "j***@e***.com"),
            (
                PiiType::CardNumber,
                "4242424242424242",
                "**** **** **** 4242",
            ),
            (
                PiiType::CardNumber,
                "4242-4242-4242-4242",
                "****-****-****-4242",
            ),
            (
                PiiType::CardNumber,
                "3782 822463 10005",
                "**** ****** *0005",
            ),
            (PiiType::UsSsn, "123-45-6789", "***-**-6789"),
            (PiiType::UsSsn, "123456789", "*****6789"),
            (
                PiiType::Iban,
                "DE89370400440532013000",
                "DE** **** **** **** **30 00",
            ),
            (
                PiiType::Iban,
                "DE89 3704 0044 0532 0130 00",
                "DE** **** **** **** **30 00",
            ),
            (PiiType::Phone, "+1 (415) 555-0134", "+* (***) ***-**34"),
            (PiiType::IpAddress, "192.168.1.20", "192.***.***.***"),
            (PiiType::IpAddress, "2001:db8::1", "2001:****:****::***"),
            (
                PiiType::Url,
                "https://www.example.com/a?b=c",
                "https://e***.com/***",
            ),
            (PiiType::DateOfBirth, "1987-03-04", "****-**-**"),
            (PiiType::DateOfBirth, "March 4, 1987", "***** *, ****"),
            (PiiType::PersonName, "Jane Smith", "J*** S***"),
            (
                PiiType::StreetAddress,
                "742 Evergreen Terrace",
                "*** E*** T***",
            ),
            (PiiType::Secret, "AKIAIOSFODNN7EXAMPLE", "[secret ********]"),
            (PiiType::CardSecurityCode, "123", "***"),
            (PiiType::CardExpiry, "11/27", "**/**"),
            (PiiType::UkNhs, "943 476 5919", "*** *** 5919"),
            (PiiType::InAadhaar, "2345 6789 0124", "**** **** 0124"),
            (PiiType::UkNino, "AB 12 34 56 C", "** ** *4 56 C"),
            (
                PiiType::MacAddress,
                "00:1A:2B:3C:4D:5E",
                "**:**:**:**:4D:5E",
            ),
            (PiiType::EsDni, "12345678Z", "*****678Z"),
        ];
        for (ty, input, want) in cases {
            assert_eq!(mask(*ty, input), *want, "{ty} {input}");
        }
    }

    fn max_digit_run(s: &str) -> usize {
        s.split(|c: char| !c.is_ascii_digit())
            .map(str::len)
            .max()
            .unwrap_or(0)
    }

    proptest! {
        #[test]
        fn never_unchanged(ty_i in 0usize..PiiType::ALL.len(), value in "[ -~]{3,40}") {
            let ty = PiiType::ALL[ty_i];
            prop_assume!(value.chars().filter(|c| c.is_ascii_alphanumeric()).count() >= 3);
            let masked = mask(ty, &value);
            prop_assert_ne!(masked.trim(), value.trim());
        }

        #[test]
        fn identifiers_show_at_most_their_last_four(ty_i in 11usize..PiiType::ALL.len(), value in "[A-Z0-9 .:-]{8,30}") {
            let ty = PiiType::ALL[ty_i];
            let masked = mask(ty, &value);
            let shown = masked.chars().filter(|c| c.is_alphanumeric()).count();
            prop_assert!(shown <= 4, "{ty} {masked}");
        }

        #[test]
        fn cards_show_at_most_four_digits_in_a_row(
            digits in "[0-9]{13,19}",
            sep in prop_oneof![Just(""), Just(" "), Just("-")],
        ) {
            let grouped: Vec<String> = digits
                .as_bytes()
                .chunks(4)
                .map(|c| String::from_utf8_lossy(c).into_owned())
                .collect();
            let value = grouped.join(sep);
            let masked = mask(PiiType::CardNumber, &value);
            prop_assert!(max_digit_run(&masked) <= 4, "{masked}");
            let shown = masked.chars().filter(char::is_ascii_digit).count();
            prop_assert!(shown <= 4);
        }
    }
}
