//! Payment card numbers: grouping, Luhn checksum and issuer ranges.

/// What the card validator learned about a candidate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Card {
    /// The digits were written in groups (spaces or dashes), as people type cards.
    pub grouped: bool,
    /// The network whose published range and lengths fit the number; `None`
    /// for a Luhn-valid number of a range the table lacks (Mir, Troy, newly
    /// assigned or unassigned ranges), which only a label makes a card.
    pub issuer: Option<Issuer>,
}

/// Card networks whose number ranges are public (ISO/IEC 7812 IIN ranges).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Issuer {
    Visa,
    Mastercard,
    Amex,
    Discover,
    Jcb,
    Diners,
    UnionPay,
    Maestro,
}

/// Checks a candidate span (digits with optional single spaces or dashes):
/// 13 to 19 digits, grouped as cards are written, passing Luhn. The issuer
/// is looked up but not required; [`Card::issuer`] says whether one fits.
pub(crate) fn check(span: &[u8]) -> Option<Card> {
    let mut digits = [0u8; 19];
    let mut n = 0usize;
    let mut groups = [0u8; 8];
    let mut g = 0usize;
    let mut sep: Option<u8> = None;
    let mut run = 0u8;
    for &b in span {
        if b.is_ascii_digit() {
            if n == digits.len() {
                return None;
            }
            digits[n] = b;
            n += 1;
            run += 1;
        } else if b == b' ' || b == b'-' {
            // One separator kind throughout: "4111-1111 1111-1111" is not how a card is written.
            if *sep.get_or_insert(b) != b || run == 0 || g + 1 >= groups.len() {
                return None;
            }
            groups[g] = run;
            g += 1;
            run = 0;
        } else {
            return None;
        }
    }
    if run == 0 || !(13..=19).contains(&n) {
        return None;
    }
    groups[g] = run;
    g += 1;
    let grouped = g > 1;
    if grouped && !groups_fit(&groups[..g]) {
        return None;
    }
    let digits = &digits[..n];
    if !luhn(digits) {
        return None;
    }
    Some(Card {
        grouped,
        issuer: issuer(digits),
    })
}

/// Groups of four with a shorter tail (Visa, Mastercard...), or 4-6-5 / 4-6-4 (Amex, Diners).
fn groups_fit(groups: &[u8]) -> bool {
    let (last, head) = match groups.split_last() {
        Some(parts) => parts,
        None => return false,
    };
    if head.iter().all(|&x| x == 4) && (1..=4).contains(last) {
        return true;
    }
    matches!(groups, [4, 6, 5] | [4, 6, 4])
}

/// The Luhn (mod 10) checksum over ASCII digits: privet-types' one copy.
pub(crate) fn luhn(digits: &[u8]) -> bool {
    privet_types::checks::luhn_valid(digits)
}

/// The network whose range holds the number and whose lengths fit it.
pub(crate) fn issuer(digits: &[u8]) -> Option<Issuer> {
    let len = digits.len();
    let prefix = |k: usize| -> u32 {
        digits
            .iter()
            .take(k)
            .fold(0u32, |acc, &d| acc * 10 + u32::from(d - b'0'))
    };
    if len < 6 {
        return None;
    }
    let p1 = prefix(1);
    let p2 = prefix(2);
    let p3 = prefix(3);
    let p4 = prefix(4);
    let p6 = prefix(6);
    let candidates = [
        (p1 == 4, Issuer::Visa, matches!(len, 13 | 16 | 19)),
        (
            (51..=55).contains(&p2) || (2221..=2720).contains(&p4),
            Issuer::Mastercard,
            len == 16,
        ),
        (p2 == 34 || p2 == 37, Issuer::Amex, len == 15),
        (
            p4 == 6011 || (644..=649).contains(&p3) || p2 == 65 || (622126..=622925).contains(&p6),
            Issuer::Discover,
            (16..=19).contains(&len),
        ),
        (
            (3528..=3589).contains(&p4),
            Issuer::Jcb,
            (16..=19).contains(&len),
        ),
        (
            (300..=305).contains(&p3) || p2 == 36 || p2 == 38 || p2 == 39,
            Issuer::Diners,
            (14..=19).contains(&len),
        ),
        (p2 == 62, Issuer::UnionPay, (16..=19).contains(&len)),
        (
            p2 == 50 || (56..=69).contains(&p2),
            Issuer::Maestro,
            (12..=19).contains(&len),
        ),
    ];
    candidates
        .into_iter()
        .find(|(range, _, length)| *range && *length)
        .map(|(_, issuer, _)| issuer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn table() {
        let cases: &[(&str, Option<Issuer>)] = &[
            ("4111111111111111", Some(Issuer::Visa)),
            ("4111 1111 1111 1111", Some(Issuer::Visa)),
            ("4111-1111-1111-1111", Some(Issuer::Visa)),
            ("5555555555554444", Some(Issuer::Mastercard)),
            ("2223003122003222", Some(Issuer::Mastercard)),
            ("2720990000000007", Some(Issuer::Mastercard)),
            ("378282246310005", Some(Issuer::Amex)),
            ("3782 822463 10005", Some(Issuer::Amex)),
            ("6011111111111117", Some(Issuer::Discover)),
            ("6445644564456445", Some(Issuer::Discover)),
            ("3530111333300000", Some(Issuer::Jcb)),
            ("3566002020360505", Some(Issuer::Jcb)),
            ("30569309025904", Some(Issuer::Diners)),
            ("6200000000000005", Some(Issuer::UnionPay)),
            ("6759649826438453", Some(Issuer::Maestro)),
        ];
        for (s, want) in cases {
            let digits: Vec<u8> = s.bytes().filter(u8::is_ascii_digit).collect();
            assert_eq!(issuer(&digits), *want, "{s}");
            assert_eq!(check(s.as_bytes()).and_then(|c| c.issuer), *want, "{s}");
        }
    }

    #[test]
    fn luhn_valid_numbers_outside_the_table_have_no_issuer() {
        for s in [
            "2200 3794 5188 6248", // Mir
            "9792372890257971",    // Troy
            "3516926234367065",    // 35xx below JCB's range
            "1234567812345670",
        ] {
            let card = check(s.as_bytes());
            assert!(card.is_some(), "{s}");
            assert_eq!(card.and_then(|c| c.issuer), None, "{s}");
        }
    }

    #[test]
    fn hard_negatives() {
        for s in [
            "4111111111111112",        // Luhn fails
            "4111 1111 1111 1112",     // Luhn fails
            "9400100000000000000",     // tracking-number shaped
            "4111-1111 1111-1111",     // mixed separators
            "41 11 11 11 11 11 11 11", // not card grouping
            "378282246310005 ",        // trailing space: not a clean candidate
            "2221003122003222",        // Mastercard range but Luhn fails
            "3782822463100050",        // Amex prefix with 16 digits
            "411111111111",            // too short
        ] {
            assert!(check(s.as_bytes()).is_none(), "{s}");
        }
    }

    proptest! {
        #[test]
        fn one_changed_digit_breaks_luhn(
            body in proptest::collection::vec(0u8..10, 12..18),
            pos in 0usize..19,
            delta in 1u8..10,
        ) {
            // Complete a random body with its Luhn check digit.
            let mut digits: Vec<u8> = body.iter().map(|d| b'0' + d).collect();
            let check = privet_types::checks::luhn_check_digit(&digits).expect("digits");
            digits.push(b'0' + check);
            prop_assert!(luhn(&digits));
            let i = pos % digits.len();
            let old = digits[i] - b'0';
            digits[i] = b'0' + (old + delta) % 10;
            prop_assert!(!luhn(&digits));
        }
    }
}
