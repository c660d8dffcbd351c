//! European identifiers: UK National Insurance and NHS numbers, the French
//! NIR, the Spanish DNI and NIE, the Italian codice fiscale, the German
//! Steuer-ID and the Dutch BSN.

use super::{alnum_with_seps, digits_with};

/// UK National Insurance number (HMRC NIM39110): two prefix letters, six
/// digits, a suffix A-D. Neither prefix letter is D, F, I, Q, U or V, the
/// second is not O, and BG, GB, KN, NK, NT, TN and ZZ are never issued.
/// No check character exists, so the structure is all there is.
pub(crate) fn nino(span: &[u8]) -> bool {
    let Some((c, n)) = alnum_with_seps(span) else {
        return false;
    };
    if n != 9 {
        return false;
    }
    let (a, b) = (c[0], c[1]);
    let bad_first = matches!(a, b'D' | b'F' | b'I' | b'Q' | b'U' | b'V');
    let bad_second = matches!(b, b'D' | b'F' | b'I' | b'O' | b'Q' | b'U' | b'V');
    let banned = matches!(
        &[a, b],
        b"BG" | b"GB" | b"KN" | b"NK" | b"NT" | b"TN" | b"ZZ"
    );
    a.is_ascii_uppercase()
        && b.is_ascii_uppercase()
        && !bad_first
        && !bad_second
        && !banned
        && c[2..8].iter().all(u8::is_ascii_digit)
        && matches!(c[8], b'A'..=b'D')
}

/// NHS number: ten digits, the last a mod-11 check over weights 10..2; a
/// remainder giving 10 is never issued.
pub(crate) fn nhs(span: &[u8]) -> bool {
    let Some((d, 10)) = digits_with(span, b" -") else {
        return false;
    };
    let sum: u32 = (0..9).map(|i| u32::from(d[i]) * (10 - i as u32)).sum();
    let check = (11 - sum % 11) % 11;
    check != 10 && check == u32::from(d[9])
}

/// French NIR (numéro de sécurité sociale): 13 digits and a two-digit key,
/// 97 minus the number mod 97; Corsican departments 2A and 2B count as 19
/// and 18. Sex digit 1, 2 (or 3, 4, 7, 8 for provisional numbers), month
/// 01-12 or the 20-42 / 50-99 of unknown months.
pub(crate) fn nir(span: &[u8]) -> bool {
    let Some((c, 15)) = alnum_with_seps(span) else {
        return false;
    };
    let corsica = match &c[5..7] {
        b"2A" => Some(b"19"),
        b"2B" => Some(b"18"),
        _ => None,
    };
    let digit_at = |i: usize| c[i].is_ascii_digit();
    if !(0..15).filter(|&i| !(5..7).contains(&i)).all(digit_at)
        || (corsica.is_none() && !(digit_at(5) && digit_at(6)))
    {
        return false;
    }
    let num = |r: std::ops::Range<usize>| {
        c[r].iter()
            .fold(0u64, |acc, &b| acc * 10 + u64::from(b.wrapping_sub(b'0')))
    };
    let month = num(3..5);
    let month_ok = (1..=12).contains(&month) || (20..=42).contains(&month) || month >= 50;
    if !matches!(c[0], b'1' | b'2' | b'3' | b'4' | b'7' | b'8') || !month_ok {
        return false;
    }
    let mut body = [0u8; 13];
    body.copy_from_slice(&c[..13]);
    if let Some(dep) = corsica {
        body[5..7].copy_from_slice(dep);
    }
    let key = num(13..15);
    privet_types::checks::mod97(body).is_some_and(|r| u64::from(97 - r) == key)
}

const DNI_LETTERS: &[u8; 23] = b"TRWAGMYFPDXBNJZSQVHLCKE";

/// Spanish DNI (eight digits and a check letter, the number mod 23) or NIE
/// (X, Y or Z standing for 0, 1, 2, seven digits, the same letter).
pub(crate) fn dni_or_nie(span: &[u8]) -> bool {
    let Some((c, 9)) = alnum_with_seps(span) else {
        return false;
    };
    let lead = match c[0] {
        b'X' => 0,
        b'Y' => 1,
        b'Z' => 2,
        b'0'..=b'9' => u32::from(c[0] - b'0'),
        _ => return false,
    };
    if !c[1..8].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let n = c[1..8]
        .iter()
        .fold(lead, |acc, &b| acc * 10 + u32::from(b - b'0'));
    DNI_LETTERS[(n % 23) as usize] == c[8]
}

/// Italian codice fiscale: six letters, two digits, a month letter, two
/// digits (day, +40 for women), a letter and three digits (the town), a
/// check letter; digits may be replaced by LMNPQRSTUV where codes collide.
pub(crate) fn codice_fiscale(span: &[u8]) -> bool {
    if span.len() != 16 {
        return false;
    }
    let c: Vec<u8> = span.iter().map(u8::to_ascii_uppercase).collect();
    let digitish = |b: u8| b.is_ascii_digit() || b"LMNPQRSTUV".contains(&b);
    let shape = c[..6].iter().all(u8::is_ascii_uppercase)
        && digitish(c[6])
        && digitish(c[7])
        && b"ABCDEHLMPRST".contains(&c[8])
        && digitish(c[9])
        && digitish(c[10])
        && c[11].is_ascii_uppercase()
        && c[12..15].iter().all(|&b| digitish(b))
        && c[15].is_ascii_uppercase();
    if !shape {
        return false;
    }
    const ODD: [u8; 26] = [
        1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24,
        23,
    ];
    let value = |b: u8| {
        if b.is_ascii_digit() {
            b - b'0'
        } else {
            b - b'A'
        }
    };
    let sum: u32 = c[..15]
        .iter()
        .enumerate()
        .map(|(i, &b)| {
            let v = value(b);
            // 1-based odd positions use the odd table (digits as letters A-J).
            if i % 2 == 0 {
                u32::from(ODD[usize::from(v)])
            } else {
                u32::from(v)
            }
        })
        .sum();
    c[15] == b'A' + (sum % 26) as u8
}

/// German Steuer-ID: eleven digits, no leading zero; among the first ten
/// one digit appears two or three times and every other at most once; the
/// last is the ISO 7064 MOD 11,10 check digit.
pub(crate) fn steuer_id(span: &[u8]) -> bool {
    let Some((d, 11)) = digits_with(span, b" /") else {
        return false;
    };
    if d[0] == 0 {
        return false;
    }
    let mut counts = [0u8; 10];
    for &x in &d[..10] {
        counts[usize::from(x)] += 1;
    }
    let repeated = counts.iter().filter(|&&c| c >= 2).count();
    if repeated != 1 || counts.iter().any(|&c| c > 3) {
        return false;
    }
    let mut product = 10u32;
    for &x in &d[..10] {
        let mut sum = (u32::from(x) + product) % 10;
        if sum == 0 {
            sum = 10;
        }
        product = (sum * 2) % 11;
    }
    let check = (11 - product) % 10;
    check == u32::from(d[10])
}

/// Dutch BSN: nine digits passing the 11-test (weights 9..2 and -1).
pub(crate) fn bsn(span: &[u8]) -> bool {
    let Some((d, 9)) = digits_with(span, b" .-") else {
        return false;
    };
    let sum: i32 = (0..8)
        .map(|i| i32::from(d[i]) * (9 - i as i32))
        .sum::<i32>()
        - i32::from(d[8]);
    sum != 0 && sum % 11 == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(f: fn(&[u8]) -> bool, good: &[&str], bad: &[&str]) {
        for s in good {
            assert!(f(s.as_bytes()), "should pass: {s}");
        }
        for s in bad {
            assert!(!f(s.as_bytes()), "should fail: {s}");
        }
    }

    #[test]
    fn national_insurance_numbers() {
        table(
            nino,
            &["AB 12 34 56 C", "AB123456C", "JG103759A", "ce 12 34 56 d"],
            &[
                "QQ 12 34 56 C",
                "BG 12 34 56 C",
                "DA123456A",
                "AO123456A",
                "AB123456E",
                "AB12345C",
            ],
        );
    }

    #[test]
    fn nhs_numbers() {
        // NHS Data Dictionary's example, and the same with a wrong check digit.
        table(
            nhs,
            &["943 476 5919", "9434765919", "943-476-5919"],
            &["943 476 5918", "9434765910", "94347659"],
        );
    }

    #[test]
    fn nir() {
        table(
            super::nir,
            &[
                "2 55 08 14 168 025 38",
                "184127645108946",
                "1 84 12 76 451 089 46",
            ],
            &[
                "2 55 08 14 168 025 39",
                "1 84 13 76 451 089 46",
                "5 55 08 14 168 025 38",
                "25508141680253",
            ],
        );
        // Corsica: 2A counts as 19.
        let key = 97 - privet_types::checks::mod97(*b"1850519123456").expect("digits");
        let corsican = format!("1850{}2A123456{key:02}", 5);
        assert!(super::nir(corsican.as_bytes()), "{corsican}");
    }

    #[test]
    fn dni_and_nie() {
        table(
            dni_or_nie,
            &["12345678Z", "X1234567L", "00000000T"],
            &["12345678A", "X1234567Z", "W1234567L", "1234567Z"],
        );
    }

    #[test]
    fn codice_fiscale_check_character() {
        table(
            codice_fiscale,
            &["RSSMRA85T10A562S", "rssmra85t10a562s"],
            &[
                "RSSMRA85T10A562T",
                "RSSMRA85X10A562S",
                "RSSMRA85T10A56S",
                "1SSMRA85T10A562S",
            ],
        );
    }

    #[test]
    fn steuer_ids() {
        table(
            steuer_id,
            &["86095742719", "86 095 742 719"],
            &["86095742718", "06095742719", "12345678903", "1234567890"],
        );
    }

    #[test]
    fn bsns() {
        table(
            bsn,
            &["111222333", "123456782"],
            &["111222334", "000000000", "12345678"],
        );
    }
}
