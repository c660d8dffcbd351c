//! Identifiers of the Americas: the Canadian SIN, Brazilian CPF and CNPJ,
//! the US ITIN and ABA routing numbers.

use super::digits_with;
use privet_types::checks::luhn_valid;

/// Canadian social insurance number: nine digits passing Luhn; 8 opens no
/// series.
pub(crate) fn sin(span: &[u8]) -> bool {
    let Some((d, 9)) = digits_with(span, b" -") else {
        return false;
    };
    let ascii: Vec<u8> = d[..9].iter().map(|x| x + b'0').collect();
    d[0] != 8 && luhn_valid(&ascii)
}

/// The two mod-11 check digits of CPF and CNPJ over `weights`.
fn mod11_digit(d: &[u8], weights: &[u32]) -> u8 {
    let sum: u32 = d.iter().zip(weights).map(|(&x, w)| u32::from(x) * w).sum();
    let r = sum % 11;
    if r < 2 { 0 } else { (11 - r) as u8 }
}

/// Brazilian CPF: eleven digits (`123.456.789-09`), two mod-11 check digits;
/// one digit repeated eleven times is never issued.
pub(crate) fn cpf(span: &[u8]) -> bool {
    let Some((d, 11)) = digits_with(span, b".- ") else {
        return false;
    };
    if d[..11].iter().all(|&x| x == d[0]) {
        return false;
    }
    let first = mod11_digit(&d[..9], &[10, 9, 8, 7, 6, 5, 4, 3, 2]);
    let second = mod11_digit(&d[..10], &[11, 10, 9, 8, 7, 6, 5, 4, 3, 2]);
    first == d[9] && second == d[10]
}

/// Brazilian CNPJ: fourteen digits (`12.345.678/0001-95`), two mod-11 check
/// digits over weights 5..2,9..2 and 6..2,9..2.
pub(crate) fn cnpj(span: &[u8]) -> bool {
    let Some((d, 14)) = digits_with(span, b"./- ") else {
        return false;
    };
    if d[..14].iter().all(|&x| x == d[0]) {
        return false;
    }
    let first = mod11_digit(&d[..12], &[5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]);
    let second = mod11_digit(&d[..13], &[6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]);
    first == d[12] && second == d[13]
}

/// US ITIN: nine digits starting with 9, the fourth and fifth in 50-65,
/// 70-88, 90-92 or 94-99 (IRS).
pub(crate) fn itin(span: &[u8]) -> bool {
    let Some((d, 9)) = digits_with(span, b"- ") else {
        return false;
    };
    let group = d[3] * 10 + d[4];
    d[0] == 9 && matches!(group, 50..=65 | 70..=88 | 90..=92 | 94..=99)
}

/// US bank routing number (ABA RTN): nine digits, weights 3-7-1 summing to a
/// multiple of 10, and a first pair in the Federal Reserve's ranges (00-12,
/// 21-32, 61-72, 80).
pub(crate) fn aba(span: &[u8]) -> bool {
    let Some((d, 9)) = digits_with(span, b"") else {
        return false;
    };
    let lead = d[0] * 10 + d[1];
    let sum: u32 = (0..9).map(|i| u32::from(d[i]) * [3, 7, 1][i % 3]).sum();
    matches!(lead, 0..=12 | 21..=32 | 61..=72 | 80) && sum.is_multiple_of(10) && d[..9] != [0; 9]
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
    fn sins() {
        // Service Canada's example SIN.
        table(
            sin,
            &["046 454 286", "046-454-286"],
            &["046 454 287", "846 454 286", "04645428"],
        );
    }

    #[test]
    fn cpfs_and_cnpjs() {
        table(
            cpf,
            &["529.982.247-25", "52998224725"],
            &["529.982.247-26", "111.111.111-11", "529.982.247-2"],
        );
        table(
            cnpj,
            &["11.222.333/0001-81", "11222333000181"],
            &["11.222.333/0001-82", "00.000.000/0000-00"],
        );
    }

    #[test]
    fn itins() {
        table(
            itin,
            &["912-70-1234", "900-94-0000", "999-88-1234"],
            &["912-93-1234", "812-70-1234", "912-40-1234"],
        );
    }

    #[test]
    fn routing_numbers() {
        table(
            aba,
            &["011000015", "021000021", "111000025"],
            &["011000016", "131000025", "000000000", "01100001"],
        );
    }
}
