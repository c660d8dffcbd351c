//! Identifiers of Asia and the Pacific: the Indian Aadhaar and PAN, the
//! Australian tax file and Medicare numbers, the Singapore NRIC/FIN.

use super::{alnum_with_seps, digits_with};

/// Verhoeff's dihedral-group tables.
const D: [[u8; 10]; 10] = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
    [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
    [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
    [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
    [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
    [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
    [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
    [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
    [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
];
const P: [[u8; 10]; 8] = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
    [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
    [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
    [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
    [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
    [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
    [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
];

/// The Verhoeff check over digit values (the check digit included).
fn verhoeff_valid(d: &[u8]) -> bool {
    let c = d.iter().rev().enumerate().fold(0u8, |c, (i, &x)| {
        D[usize::from(c)][usize::from(P[i % 8][usize::from(x)])]
    });
    c == 0
}

/// Aadhaar: twelve digits, the first 2-9, the last a Verhoeff check digit
/// (UIDAI).
pub(crate) fn aadhaar(span: &[u8]) -> bool {
    let Some((d, 12)) = digits_with(span, b" -") else {
        return false;
    };
    d[0] >= 2 && verhoeff_valid(&d[..12])
}

/// Indian PAN: five letters, four digits, a letter; the fourth letter names
/// the holder's kind (P person, C company, H family, F firm, A association,
/// T trust, B body, L local authority, J juridical, G government).
pub(crate) fn pan(span: &[u8]) -> bool {
    span.len() == 10
        && span[..5].iter().all(u8::is_ascii_uppercase)
        && b"PCHFATBLJG".contains(&span[3])
        && span[5..9].iter().all(u8::is_ascii_digit)
        && span[9].is_ascii_uppercase()
}

/// Australian tax file number: nine digits (eight for old ones) whose
/// weighted sum is a multiple of 11 (ATO).
pub(crate) fn tfn(span: &[u8]) -> bool {
    let Some((d, n)) = digits_with(span, b" -") else {
        return false;
    };
    let weights: &[u32] = match n {
        9 => &[1, 4, 3, 7, 5, 8, 6, 9, 10],
        8 => &[10, 7, 8, 4, 6, 3, 5, 1],
        _ => return false,
    };
    let sum: u32 = d[..n]
        .iter()
        .zip(weights)
        .map(|(&x, w)| u32::from(x) * w)
        .sum();
    sum != 0 && sum.is_multiple_of(11)
}

/// Australian Medicare card number: ten digits (an eleventh, the position on
/// the card, may follow), the first 2-6, the ninth a check digit over
/// weights 1,3,7,9,1,3,7,9; the tenth is the issue number.
pub(crate) fn medicare(span: &[u8]) -> bool {
    let Some((d, n)) = digits_with(span, b" -/") else {
        return false;
    };
    if !(10..=11).contains(&n) || !(2..=6).contains(&d[0]) {
        return false;
    }
    let sum: u32 = d[..8]
        .iter()
        .zip([1, 3, 7, 9, 1, 3, 7, 9])
        .map(|(&x, w)| u32::from(x) * w)
        .sum();
    u32::from(d[8]) == sum % 10
}

/// Singapore NRIC/FIN: S, T, F, G or M, seven digits, a check letter over
/// weights 2,7,6,5,4,3,2 (offset 4 for T and G, 3 for M).
pub(crate) fn nric(span: &[u8]) -> bool {
    let Some((c, 9)) = alnum_with_seps(span) else {
        return false;
    };
    if !c[1..8].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let (offset, table): (u32, &[u8; 11]) = match c[0] {
        b'S' => (0, b"JZIHGFEDCBA"),
        b'T' => (4, b"JZIHGFEDCBA"),
        b'F' => (0, b"XWUTRQPNMLK"),
        b'G' => (4, b"XWUTRQPNMLK"),
        b'M' => (3, b"KLJNPQRTUWX"),
        _ => return false,
    };
    let sum: u32 = c[1..8]
        .iter()
        .zip([2, 7, 6, 5, 4, 3, 2])
        .map(|(&x, w)| u32::from(x - b'0') * w)
        .sum::<u32>()
        + offset;
    table[(sum % 11) as usize] == c[8]
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
    fn verhoeff_known_values() {
        // Verhoeff's own example: 236 has check digit 3.
        assert!(verhoeff_valid(&[2, 3, 6, 3]));
        assert!(!verhoeff_valid(&[2, 3, 6, 4]));
        // A transposition is caught.
        assert!(!verhoeff_valid(&[3, 2, 6, 3]));
    }

    #[test]
    fn aadhaars() {
        table(
            aadhaar,
            &["2345 6789 0124", "234567890124"],
            &["2345 6789 0125", "1345 6789 0124", "2345 6789 012"],
        );
    }

    #[test]
    fn pans() {
        table(
            pan,
            &["ABCPE1234F", "AAACB1234C"],
            &["ABCDE1234F", "ABCPE12345", "abcpe1234f", "ABCP1234F"],
        );
    }

    #[test]
    fn tfns() {
        table(
            tfn,
            &["123 456 782", "123456782"],
            &["123 456 783", "000 000 000", "12345678"],
        );
    }

    #[test]
    fn medicare_numbers() {
        table(
            medicare,
            &["2123 45670 1", "21234567011"],
            &["2123 45671 1", "7123 45670 1", "212345670"],
        );
    }

    #[test]
    fn nrics() {
        table(
            nric,
            &["S1234567D", "T1234567J", "F1234567N", "G1234567X"],
            &["S1234567A", "X1234567D", "S123456D"],
        );
    }
}
