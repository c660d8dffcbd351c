//! International bank account numbers (ISO 13616): country length and mod-97.

/// IBAN lengths per country, from the SWIFT IBAN registry.
const LENGTHS: &[(&[u8; 2], usize)] = &[
    (b"AD", 24),
    (b"AE", 23),
    (b"AL", 28),
    (b"AT", 20),
    (b"AZ", 28),
    (b"BA", 20),
    (b"BE", 16),
    (b"BG", 22),
    (b"BH", 22),
    (b"BI", 27),
    (b"BR", 29),
    (b"BY", 28),
    (b"CH", 21),
    (b"CR", 22),
    (b"CY", 28),
    (b"CZ", 24),
    (b"DE", 22),
    (b"DJ", 27),
    (b"DK", 18),
    (b"DO", 28),
    (b"EE", 20),
    (b"EG", 29),
    (b"ES", 24),
    (b"FI", 18),
    (b"FK", 18),
    (b"FO", 18),
    (b"FR", 27),
    (b"GB", 22),
    (b"GE", 22),
    (b"GI", 23),
    (b"GL", 18),
    (b"GR", 27),
    (b"GT", 28),
    (b"HN", 28),
    (b"HR", 21),
    (b"HU", 28),
    (b"IE", 22),
    (b"IL", 23),
    (b"IQ", 23),
    (b"IS", 26),
    (b"IT", 27),
    (b"JO", 30),
    (b"KW", 30),
    (b"KZ", 20),
    (b"LB", 28),
    (b"LC", 32),
    (b"LI", 21),
    (b"LT", 20),
    (b"LU", 20),
    (b"LV", 21),
    (b"LY", 25),
    (b"MC", 27),
    (b"MD", 24),
    (b"ME", 22),
    (b"MK", 19),
    (b"MN", 20),
    (b"MR", 27),
    (b"MT", 31),
    (b"MU", 30),
    (b"NI", 28),
    (b"NL", 18),
    (b"NO", 15),
    (b"OM", 23),
    (b"PK", 24),
    (b"PL", 28),
    (b"PS", 29),
    (b"PT", 25),
    (b"QA", 29),
    (b"RO", 24),
    (b"RS", 22),
    (b"RU", 33),
    (b"SA", 24),
    (b"SC", 31),
    (b"SD", 18),
    (b"SE", 24),
    (b"SI", 19),
    (b"SK", 24),
    (b"SM", 27),
    (b"SO", 23),
    (b"ST", 25),
    (b"SV", 28),
    (b"TL", 23),
    (b"TN", 24),
    (b"TR", 26),
    (b"UA", 29),
    (b"VA", 22),
    (b"VG", 24),
    (b"XK", 20),
    (b"YE", 30),
];

/// The registered IBAN length for a country code.
pub(crate) fn country_length(cc: &[u8]) -> Option<usize> {
    LENGTHS
        .iter()
        .find(|(code, _)| code.as_slice() == cc)
        .map(|&(_, len)| len)
}

/// Checks a candidate (compact, or in groups of four separated by single
/// spaces or by single dashes, one kind throughout).
///
/// Returns the byte length of the valid IBAN prefix of `span`: a grouped
/// candidate may have swallowed a following upper-case word, so the span is cut
/// at the country's registered length.
pub(crate) fn check(span: &[u8]) -> Option<usize> {
    if span.len() < 4 {
        return None;
    }
    let want = country_length(&span[..2])?;
    let mut chars = [0u8; 34];
    let mut n = 0usize;
    let mut end = 0usize;
    let sep = span
        .iter()
        .find(|b| !b.is_ascii_alphanumeric())
        .copied()
        .filter(|&b| b == b' ' || b == b'-')
        .unwrap_or(b' ');
    for (i, &b) in span.iter().enumerate() {
        if b == sep {
            continue;
        }
        if !b.is_ascii_alphanumeric() || n == chars.len() {
            return None;
        }
        chars[n] = b;
        n += 1;
        if n == want {
            end = i + 1;
            break;
        }
    }
    if n != want {
        return None;
    }
    // The cut must fall at the end of the span or at a group boundary.
    if end < span.len() && span[end] != sep {
        return None;
    }
    if !chars[2..4].iter().all(u8::is_ascii_digit) || !mod97_is_one(&chars[..n]) {
        return None;
    }
    Some(end)
}

/// ISO 7064 MOD 97-10 over the rearranged IBAN: privet-types' one copy.
pub(crate) fn mod97_is_one(iban: &[u8]) -> bool {
    privet_types::checks::iban_mod97_valid(iban)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn table() {
        for s in [
            "DE89370400440532013000",
            "DE89 3704 0044 0532 0130 00",
            "GB29NWBK60161331926819",
            "GB29 NWBK 6016 1331 9268 19",
            "FR1420041010050500013M02606",
            "NL91ABNA0417164300",
            "NO9386011117947",
            "BE68539007547034",
            "CH9300762011623852957",
            "LC55HEMM000100010012001200023015",
        ] {
            assert_eq!(check(s.as_bytes()), Some(s.len()), "{s}");
        }
        for s in ["DE89-3704-0044-0532-0130-00", "GB29-NWBK-6016-1331-9268-19"] {
            assert_eq!(check(s.as_bytes()), Some(s.len()), "{s}");
        }
        assert_eq!(
            check(b"DE89-3704 0044-0532-0130-00"),
            None,
            "mixed separators"
        );
        // A following upper-case word is cut off at the registered length.
        let s = "GB29 NWBK 6016 1331 9268 19 THEN";
        assert_eq!(check(s.as_bytes()), Some(27));
        for s in [
            "DE89370400440532013001",       // checksum
            "DE8937040044053201300",        // too short
            "XX89370400440532013000",       // unknown country
            "GB29 NWBK 6016 1331 9268 1",   // short
            "DE89 3704 0044 0532 0130 00X", // cut inside a group
            "GB00NWBK60161331926819",
        ] {
            assert_eq!(check(s.as_bytes()), None, "{s}");
        }
    }

    fn with_check_digits(cc: &str, bban: &str) -> String {
        let check = privet_types::checks::iban_check_digits(cc.as_bytes(), bban.as_bytes());
        format!("{cc}{:02}{bban}", check.expect("alphanumeric"))
    }

    proptest! {
        #[test]
        fn mod97_accepts_computed_and_rejects_changed(
            bban in "[0-9]{18}",
            pos in 4usize..22,
            delta in 1u8..10,
        ) {
            let iban = with_check_digits("DE", &bban);
            prop_assert_eq!(check(iban.as_bytes()), Some(22));
            let mut bytes = iban.into_bytes();
            bytes[pos] = b'0' + (bytes[pos] - b'0' + delta) % 10;
            prop_assert_eq!(check(&bytes), None);
        }
    }
}
