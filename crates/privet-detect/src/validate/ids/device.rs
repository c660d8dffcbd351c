//! Device and vehicle identifiers: IMEI, VIN and MAC addresses.

use super::digits_with;
use privet_types::checks::luhn_valid;

/// IMEI: fifteen digits whose last is a Luhn check digit (3GPP TS 23.003),
/// compact or as `AA-BBBBBB-CCCCCC-D`.
pub(crate) fn imei(span: &[u8]) -> bool {
    let Some((d, 15)) = digits_with(span, b" -/") else {
        return false;
    };
    let ascii: Vec<u8> = d[..15].iter().map(|x| x + b'0').collect();
    d[..14] != [0; 14] && luhn_valid(&ascii)
}

/// VIN transliteration of letters (ISO 3779; I, O and Q never occur).
fn vin_value(b: u8) -> Option<u32> {
    Some(match b {
        b'0'..=b'9' => u32::from(b - b'0'),
        b'A' | b'J' => 1,
        b'B' | b'K' | b'S' => 2,
        b'C' | b'L' | b'T' => 3,
        b'D' | b'M' | b'U' => 4,
        b'E' | b'N' | b'V' => 5,
        b'F' | b'W' => 6,
        b'G' | b'P' | b'X' => 7,
        b'H' | b'Y' => 8,
        b'R' | b'Z' => 9,
        _ => return None,
    })
}

/// Vehicle identification number: seventeen characters without I, O, Q,
/// the ninth a check digit (0-9 or X) over the weighted transliteration
/// (49 CFR 565, mandatory in North America and used by most makers).
pub(crate) fn vin(span: &[u8]) -> bool {
    if span.len() != 17 || !span.iter().any(u8::is_ascii_digit) {
        return false;
    }
    const WEIGHTS: [u32; 17] = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];
    let mut sum = 0;
    for (&b, w) in span.iter().zip(WEIGHTS) {
        let Some(v) = vin_value(b) else {
            return false;
        };
        sum += v * w;
    }
    let check = match sum % 11 {
        10 => b'X',
        r => b'0' + r as u8,
    };
    span[8] == check
}

/// MAC-48 address: six hexadecimal pairs joined by one kind of separator
/// (`:` or `-`), or three groups of four joined by dots (`0011.2233.4455`);
/// the all-zero and broadcast addresses name no device.
pub(crate) fn mac(span: &[u8]) -> bool {
    let hex_run = |s: &[u8], n: usize| s.len() == n && s.iter().all(u8::is_ascii_hexdigit);
    let shaped = match span.len() {
        17 => {
            let sep = span[2];
            matches!(sep, b':' | b'-')
                && span
                    .chunks(3)
                    .all(|c| hex_run(&c[..2], 2) && c.get(2).is_none_or(|&s| s == sep))
        }
        14 => {
            span.split(|&b| b == b'.').all(|g| hex_run(g, 4))
                && span.iter().filter(|&&b| b == b'.').count() == 2
        }
        _ => false,
    };
    let hex: Vec<u8> = span
        .iter()
        .filter(|b| b.is_ascii_hexdigit())
        .map(u8::to_ascii_lowercase)
        .collect();
    shaped && hex.iter().any(|&b| b != b'0') && hex.iter().any(|&b| b != b'f')
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
    fn imeis() {
        // 3GPP's example IMEI and the same with a changed last digit.
        table(
            imei,
            &["490154203237518", "49-015420-323751-8"],
            &["490154203237519", "49015420323751", "000000000000000"],
        );
    }

    #[test]
    fn vins() {
        // 49 CFR 565's worked example.
        table(
            vin,
            &["1M8GDM9AXKP042788", "11111111111111111"],
            &[
                "1M8GDM9A1KP042788",
                "1M8GDM9AXKP04278",
                "IM8GDM9AXKP042788",
                "ABCDEFGHJKLMNPRST",
            ],
        );
    }

    #[test]
    fn macs() {
        table(
            mac,
            &["00:1A:2B:3C:4D:5E", "00-1a-2b-3c-4d-5e", "001a.2b3c.4d5e"],
            &[
                "00:1A:2B:3C:4D",
                "00:1A-2B:3C:4D:5E",
                "00:00:00:00:00:00",
                "FF:FF:FF:FF:FF:FF",
                "00:1G:2B:3C:4D:5E",
            ],
        );
    }
}
