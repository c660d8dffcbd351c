//! Format-preserving encryption of whole strings: digits stay digits, letters stay letters of
//! the same script (and case, where the script has one), and everything that is neither (spaces,
//! '-', '.', '@', '/', other punctuation, combining accents) stays where it is.
//!
//! The digits and letters of a value are read as one mixed-radix number (10 per digit, 26 per
//! ASCII letter, the size of its class for any other letter), so the domain is the whole
//! encryptable part, not each class alone. That number is written in the FF1 instance's radix
//! using just enough numerals to hold it, encrypted, and cycle-walked (re-encrypted until it falls
//! back inside the domain). For an all-digit value under radix 10 the domain is exactly 10^len,
//! no walk happens, and the result is plain FF1 of the digits.
//!
//! Letters beyond ASCII belong to the fixed classes of [`SCRIPTS`]: Latin with diacritics, Greek,
//! Cyrillic and Armenian (each in its case), Hebrew, Arabic with the Persian letters, CJK
//! ideographs, hiragana, katakana and Hangul syllables. The classes are code point ranges written
//! out here rather than read from the standard library's Unicode tables, because a ciphertext can
//! only be decrypted by the same classes: a toolchain update must never change them. A letter or
//! digit of any other script (Devanagari, Thai...) is refused by position, never kept in clear:
//! those scripts write vowels as marks that carry meaning, which a class of letters cannot hold.

use std::sync::LazyLock;

use crate::DeidError;
use privet_crypto::ff1::{Direction, Ff1, MIN_DOMAIN};

const DIGIT_RADIX: u32 = 10;
const LETTER_RADIX: u32 = 26;

/// A class of characters that encrypt into each other, and a character's place in it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Class {
    Digit,
    Upper,
    Lower,
    /// A class of [`SCRIPTS`], by index.
    Script(u8),
}

/// One class beyond ASCII: its code points as `(first, last, step)` ranges, in the order their
/// symbols are numbered.
///
/// Never edit, reorder or remove an entry or a range: text encrypted under a class decrypts
/// only under the same class. A new script is a new entry at the end.
type Script = &'static [(u32, u32, u32)];

/// The upper-case letters of Latin-1, Latin Extended-A and -B and Latin Extended Additional
/// (Unicode category Lu). Most of these blocks alternate upper and lower case, hence the steps.
#[rustfmt::skip] // a table: one range per line would spread it over forty lines
const LATIN_UPPER: Script = &[
    (0x00C0, 0x00D6, 1), (0x00D8, 0x00DE, 1), (0x0100, 0x0136, 2), (0x0139, 0x0147, 2),
    (0x014A, 0x0178, 2), (0x0179, 0x017D, 2), (0x0181, 0x0182, 1), (0x0184, 0x0186, 2),
    (0x0187, 0x0189, 2), (0x018A, 0x018B, 1), (0x018E, 0x0191, 1), (0x0193, 0x0194, 1),
    (0x0196, 0x0198, 1), (0x019C, 0x019D, 1), (0x019F, 0x01A0, 1), (0x01A2, 0x01A6, 2),
    (0x01A7, 0x01A9, 2), (0x01AC, 0x01AE, 2), (0x01AF, 0x01B1, 2), (0x01B2, 0x01B3, 1),
    (0x01B5, 0x01B7, 2), (0x01B8, 0x01B8, 1), (0x01BC, 0x01BC, 1), (0x01C4, 0x01C4, 1),
    (0x01C7, 0x01C7, 1), (0x01CA, 0x01CA, 1), (0x01CD, 0x01DB, 2), (0x01DE, 0x01EE, 2),
    (0x01F1, 0x01F1, 1), (0x01F4, 0x01F6, 2), (0x01F7, 0x01F8, 1), (0x01FA, 0x0232, 2),
    (0x023A, 0x023B, 1), (0x023D, 0x023E, 1), (0x0241, 0x0243, 2), (0x0244, 0x0246, 1),
    (0x0248, 0x024E, 2), (0x1E00, 0x1E94, 2), (0x1E9E, 0x1EFE, 2),
];

/// The lower-case letters of the same blocks (category Ll, ß and ĸ included). The few letters
/// of these blocks that have no case (ƻ, the click letters ǀ ǁ ǂ ǃ) or are title case (ǅ ǈ ǋ
/// ǲ) are in no class.
#[rustfmt::skip] // a table, as above
const LATIN_LOWER: Script = &[
    (0x00DF, 0x00F6, 1), (0x00F8, 0x00FF, 1), (0x0101, 0x0137, 2), (0x0138, 0x0148, 2),
    (0x0149, 0x0177, 2), (0x017A, 0x017E, 2), (0x017F, 0x0180, 1), (0x0183, 0x0185, 2),
    (0x0188, 0x0188, 1), (0x018C, 0x018D, 1), (0x0192, 0x0192, 1), (0x0195, 0x0195, 1),
    (0x0199, 0x019B, 1), (0x019E, 0x019E, 1), (0x01A1, 0x01A5, 2), (0x01A8, 0x01AA, 2),
    (0x01AB, 0x01AD, 2), (0x01B0, 0x01B0, 1), (0x01B4, 0x01B6, 2), (0x01B9, 0x01BA, 1),
    (0x01BD, 0x01BF, 1), (0x01C6, 0x01C6, 1), (0x01C9, 0x01C9, 1), (0x01CC, 0x01DC, 2),
    (0x01DD, 0x01EF, 2), (0x01F0, 0x01F0, 1), (0x01F3, 0x01F5, 2), (0x01F9, 0x0233, 2),
    (0x0234, 0x0239, 1), (0x023C, 0x023C, 1), (0x023F, 0x0240, 1), (0x0242, 0x0242, 1),
    (0x0247, 0x024F, 2), (0x1E01, 0x1E95, 2), (0x1E96, 0x1E9D, 1), (0x1E9F, 0x1EFF, 2),
];

/// The letter classes beyond ASCII. Every code point listed is a letter (tested against the
/// standard library's tables, which only the test reads).
const SCRIPTS: [Script; 14] = [
    LATIN_UPPER,
    LATIN_LOWER,
    // Greek upper case, accented included.
    &[
        (0x386, 0x386, 1),
        (0x388, 0x38A, 1),
        (0x38C, 0x38C, 1),
        (0x38E, 0x38F, 1),
        (0x391, 0x3A1, 1),
        (0x3A3, 0x3AB, 1),
    ],
    // Greek lower case, accented and final sigma included.
    &[(0x390, 0x390, 1), (0x3AC, 0x3CE, 1)],
    // Cyrillic upper case, with Ukrainian Ґ.
    &[(0x400, 0x42F, 1), (0x490, 0x490, 1)],
    // Cyrillic lower case, with Ukrainian ґ.
    &[(0x430, 0x45F, 1), (0x491, 0x491, 1)],
    // Armenian upper case.
    &[(0x531, 0x556, 1)],
    // Armenian lower case.
    &[(0x561, 0x586, 1)],
    // Hebrew letters, final forms included.
    &[(0x5D0, 0x5EA, 1)],
    // Arabic letters, with Persian پ چ ژ ک گ ی.
    &[
        (0x621, 0x63A, 1),
        (0x641, 0x64A, 1),
        (0x67E, 0x67E, 1),
        (0x686, 0x686, 1),
        (0x698, 0x698, 1),
        (0x6A9, 0x6A9, 1),
        (0x6AF, 0x6AF, 1),
        (0x6CC, 0x6CC, 1),
    ],
    // CJK unified ideographs, with the iteration mark 々 (佐々木).
    &[(0x3005, 0x3005, 1), (0x4E00, 0x9FFF, 1)],
    // Hiragana.
    &[(0x3041, 0x3096, 1)],
    // Katakana, with the prolonged sound mark ー.
    &[(0x30A1, 0x30FA, 1), (0x30FC, 0x30FC, 1)],
    // Hangul syllables.
    &[(0xAC00, 0xD7A3, 1)],
];

/// A run of consecutive code points of one class, numbered from `symbol` on.
#[derive(Clone, Copy, Debug)]
struct Run {
    start: u32,
    len: u32,
    class: u8,
    symbol: u32,
}

/// The classes beyond ASCII as runs: sorted by code point for reading a character, and per
/// class by symbol for writing one; and each class's size (its radix).
struct Tables {
    by_char: Vec<Run>,
    by_class: Vec<Vec<Run>>,
    radix: Vec<u32>,
}

static TABLES: LazyLock<Tables> = LazyLock::new(|| {
    let mut by_class = Vec::with_capacity(SCRIPTS.len());
    let mut radix = Vec::with_capacity(SCRIPTS.len());
    for (class, script) in SCRIPTS.iter().enumerate() {
        let class = u8::try_from(class).unwrap_or(u8::MAX);
        let mut runs: Vec<Run> = Vec::new();
        let mut next = 0u32;
        for &(first, last, step) in *script {
            for cp in (first..=last).step_by(step as usize) {
                match runs.last_mut() {
                    Some(run) if run.start + run.len == cp => run.len += 1,
                    _ => runs.push(Run {
                        start: cp,
                        len: 1,
                        class,
                        symbol: next,
                    }),
                }
                next += 1;
            }
        }
        radix.push(next);
        by_class.push(runs);
    }
    let mut by_char: Vec<Run> = by_class.iter().flatten().copied().collect();
    by_char.sort_by_key(|r| r.start);
    Tables {
        by_char,
        by_class,
        radix,
    }
});

impl Class {
    /// The class of `c` and its symbol in it, or `None` for a character kept as it is.
    fn of(c: char) -> Option<(Class, u32)> {
        match c {
            '0'..='9' => Some((Class::Digit, u32::from(c) - u32::from('0'))),
            'A'..='Z' => Some((Class::Upper, u32::from(c) - u32::from('A'))),
            'a'..='z' => Some((Class::Lower, u32::from(c) - u32::from('a'))),
            c if c.is_ascii() => None,
            c => {
                let cp = u32::from(c);
                let runs = &TABLES.by_char;
                let at = runs.partition_point(|r| r.start <= cp).checked_sub(1)?;
                let run = runs[at];
                (cp < run.start + run.len)
                    .then(|| (Class::Script(run.class), run.symbol + (cp - run.start)))
            }
        }
    }

    fn radix(self) -> u32 {
        match self {
            Class::Digit => DIGIT_RADIX,
            Class::Upper | Class::Lower => LETTER_RADIX,
            Class::Script(i) => TABLES.radix[usize::from(i)],
        }
    }

    /// The character numbered `symbol` (below [`Class::radix`]) in this class.
    fn char(self, symbol: u32) -> char {
        let ascii = |base: char| char::from_u32(u32::from(base) + symbol);
        let c = match self {
            Class::Digit => ascii('0'),
            Class::Upper => ascii('A'),
            Class::Lower => ascii('a'),
            Class::Script(i) => {
                let runs = &TABLES.by_class[usize::from(i)];
                let at = runs
                    .partition_point(|r| r.symbol <= symbol)
                    .saturating_sub(1);
                runs.get(at)
                    .and_then(|r| char::from_u32(r.start + (symbol - r.symbol)))
            }
        };
        // Symbols come from the mixed-radix split, always below the class's radix, and every
        // listed code point is a character; the fallback is unreachable.
        c.unwrap_or(char::REPLACEMENT_CHARACTER)
    }
}

/// Encrypts or decrypts the digits and letters of `value`, keeping its length in characters,
/// the class (and so the script and case) of every letter and digit and the position of every
/// other character.
///
/// Fails with [`DeidError::EncryptablePartTooSmall`] when the digits and letters span fewer
/// than 1,000,000 values, and with [`DeidError::UnsupportedCharacter`] on a letter or digit of a
/// script no class covers.
pub fn fpe_string(
    ff1: &Ff1,
    tweak: &[u8],
    value: &str,
    direction: Direction,
) -> Result<String, DeidError> {
    let mut classes = Vec::new();
    let mut symbols = Vec::new();
    for (position, c) in value.chars().enumerate() {
        match Class::of(c) {
            Some((class, symbol)) => {
                classes.push(class);
                symbols.push(symbol);
            }
            // Punctuation, spaces, marks and symbols stay; a letter or digit no class holds
            // would stay in clear, so it is refused instead.
            None if c.is_alphanumeric() => {
                return Err(DeidError::UnsupportedCharacter { position });
            }
            None => {}
        }
    }
    let radices: Vec<u32> = classes.iter().map(|c| c.radix()).collect();
    check_domain(&classes, &radices)?;

    let symbols = walk(ff1, tweak, direction, &radices, &symbols)?;

    let mut next = classes.iter().zip(symbols);
    let out = value
        .chars()
        .map(|c| match Class::of(c) {
            Some(_) => next.next().map_or(c, |(class, symbol)| class.char(symbol)),
            None => c,
        })
        .collect();
    Ok(out)
}

fn check_domain(classes: &[Class], radices: &[u32]) -> Result<(), DeidError> {
    let mut domain: u64 = 1;
    for &radix in radices {
        domain = domain.saturating_mul(u64::from(radix));
    }
    if domain >= MIN_DOMAIN {
        return Ok(());
    }
    let digits = classes.iter().filter(|&&c| c == Class::Digit).count();
    Err(DeidError::EncryptablePartTooSmall {
        digits,
        letters: classes.len() - digits,
    })
}

/// Applies FF1 to the mixed-radix number `symbols` and cycle-walks until the result is again
/// below the product of `radices`. Walking terminates because FF1 is a permutation: the cycle
/// through the starting value returns inside the domain at the latest at that value itself.
fn walk(
    ff1: &Ff1,
    tweak: &[u8],
    direction: Direction,
    radices: &[u32],
    symbols: &[u32],
) -> Result<Vec<u32>, DeidError> {
    let base = ff1.radix();
    let largest: Vec<u32> = radices.iter().map(|r| r - 1).collect();
    let width = from_mixed(base, radices, &largest).len().max(1);
    let mut numerals = to_numerals(&from_mixed(base, radices, symbols), width);
    loop {
        numerals = ff1.transform(direction, tweak, &numerals)?;
        if let Some(symbols) = to_mixed(base, radices, &numerals) {
            return Ok(symbols);
        }
    }
}

/// The mixed-radix number as little-endian limbs in `base`, without leading zero limbs.
fn from_mixed(base: u32, radices: &[u32], symbols: &[u32]) -> Vec<u32> {
    let mut limbs = Vec::new();
    for (&radix, &symbol) in radices.iter().zip(symbols) {
        mul_add(&mut limbs, base, radix, symbol);
    }
    limbs
}

/// Splits big-endian `numerals` back into the mixed radix, or `None` when the number is at
/// least the product of `radices` (outside the domain).
fn to_mixed(base: u32, radices: &[u32], numerals: &[u16]) -> Option<Vec<u32>> {
    let mut limbs: Vec<u32> = numerals.iter().rev().map(|&n| u32::from(n)).collect();
    let mut symbols = vec![0; radices.len()];
    for (slot, &radix) in symbols.iter_mut().zip(radices).rev() {
        *slot = div_rem(&mut limbs, base, radix);
    }
    limbs.iter().all(|&l| l == 0).then_some(symbols)
}

/// Big-endian numerals of exactly `width` digits (the limbs never exceed it by construction).
fn to_numerals(limbs: &[u32], width: usize) -> Vec<u16> {
    let mut numerals: Vec<u16> = limbs.iter().map(|&l| l as u16).collect();
    numerals.resize(width, 0);
    numerals.reverse();
    numerals
}

/// `limbs = limbs * mul + add`, in `base`.
fn mul_add(limbs: &mut Vec<u32>, base: u32, mul: u32, add: u32) {
    let base = u64::from(base);
    let mut carry = u64::from(add);
    for limb in limbs.iter_mut() {
        let t = u64::from(*limb) * u64::from(mul) + carry;
        *limb = (t % base) as u32;
        carry = t / base;
    }
    while carry > 0 {
        limbs.push((carry % base) as u32);
        carry /= base;
    }
}

/// `limbs /= div` in `base`, returning the remainder.
fn div_rem(limbs: &mut [u32], base: u32, div: u32) -> u32 {
    let (base, div) = (u64::from(base), u64::from(div));
    let mut rem = 0u64;
    for limb in limbs.iter_mut().rev() {
        let t = rem * base + u64::from(*limb);
        *limb = (t / div) as u32;
        rem = t % div;
    }
    rem as u32
}

#[cfg(test)]
mod tests {
    use privet_crypto::SecretKey;

    use super::*;

    fn ff1(radix: u32) -> Ff1 {
        Ff1::new(&SecretKey::from_bytes([3; 32]), radix).unwrap()
    }

    #[test]
    fn all_digits_under_radix_10_is_plain_ff1() {
        let ff1 = ff1(10);
        let out = fpe_string(&ff1, b"card", "4111 1111 1111 1111", Direction::Encrypt).unwrap();
        let digits: Vec<u16> = out
            .bytes()
            .filter(u8::is_ascii_digit)
            .map(|b| u16::from(b - b'0'))
            .collect();
        let direct = ff1
            .encrypt(b"card", &[4, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1])
            .unwrap();
        assert_eq!(digits, direct);
    }

    #[test]
    fn mixed_values_keep_classes_case_and_separators() {
        for radix in [2, 10, 26, 36, 62, 65536] {
            let ff1 = ff1(radix);
            let value = "Ana.Silva-42@Mail.example/x y";
            let enc = fpe_string(&ff1, b"t", value, Direction::Encrypt).unwrap();
            assert_ne!(enc, value);
            assert_eq!(enc.len(), value.len());
            for (a, b) in value.chars().zip(enc.chars()) {
                assert_eq!(a.is_ascii_digit(), b.is_ascii_digit());
                assert_eq!(a.is_ascii_uppercase(), b.is_ascii_uppercase());
                assert_eq!(a.is_ascii_lowercase(), b.is_ascii_lowercase());
                if !a.is_ascii_alphanumeric() {
                    assert_eq!(a, b);
                }
            }
            let dec = fpe_string(&ff1, b"t", &enc, Direction::Decrypt).unwrap();
            assert_eq!(dec, value, "radix {radix}");
        }
    }

    #[test]
    fn the_floor_counts_digits_and_letters_together() {
        let ff1 = ff1(10);
        assert_eq!(
            fpe_string(&ff1, b"", "12-34-5", Direction::Encrypt),
            Err(DeidError::EncryptablePartTooSmall {
                digits: 5,
                letters: 0
            })
        );
        assert_eq!(
            fpe_string(&ff1, b"", "ab-1", Direction::Encrypt),
            Err(DeidError::EncryptablePartTooSmall {
                digits: 1,
                letters: 2
            })
        );
        // 26^3 * 10^2 = 1,757,600 values: enough together though neither class is alone.
        assert!(fpe_string(&ff1, b"", "ab-c12", Direction::Encrypt).is_ok());
        assert!(fpe_string(&ff1, b"", "123456", Direction::Encrypt).is_ok());
    }

    /// Outputs of the ASCII-only classes, pinned before letters beyond ASCII were added: what
    /// `privet redact` wrote then must still decrypt.
    #[test]
    fn ascii_values_encrypt_as_they_always_did() {
        let ff1 = ff1(10);
        for (value, pinned) in [
            (
                "Ana.Silva-42@Mail.example/x y",
                "Acl.Ybsxf-11@Irmx.kuxgwbf/y m",
            ),
            ("4111 1111 1111 1111", "4631 8879 1076 2730"),
            ("Zoe Mueller", "Nsx Nzzetyr"),
        ] {
            let enc = fpe_string(&ff1, b"person_name", value, Direction::Encrypt).unwrap();
            assert_eq!(enc, pinned);
        }
    }

    /// Outputs beyond ASCII, pinned when the classes were written: a change to a class's
    /// members or their order (which the sizes alone would not show) fails here.
    #[test]
    fn values_beyond_ascii_encrypt_to_pinned_outputs() {
        let ff1 = ff1(10);
        for (value, pinned) in [
            ("Zoë Łukasiewicz", "Pxṋ Ĺiebtrltmqe"),
            ("Γιώργος Анна 佐々木 김민준", "Δηπϋσϋΐ Ацрл 雠俄蛎 쥶켮퇦"),
        ] {
            let enc = fpe_string(&ff1, b"person_name", value, Direction::Encrypt).unwrap();
            assert_eq!(enc, pinned);
        }
    }

    #[test]
    fn letters_of_other_scripts_keep_script_and_case_and_round_trip() {
        let ff1 = ff1(10);
        for value in [
            "Zoë Łukasiewicz",
            "Şerban Țăranu-Ionescu",
            "Nguyễn Thị Ánh",
            "Γιώργος Παπαδόπουλος",
            "Анна Ґалаґан",
            "Armen Հակոբյան",
            "דוד לוי",
            "محمد رضایی",
            "佐々木 太郎",
            "さとう ゆうき",
            "ルーシー",
            "김민준",
            "José María O’Neill\u{a0}3",
            // A decomposed accent stays where it is; the letters around it are encrypted.
            "Zoe\u{308} Muller",
        ] {
            let enc = fpe_string(&ff1, b"person_name", value, Direction::Encrypt).unwrap();
            assert_ne!(enc, value);
            assert_eq!(enc.chars().count(), value.chars().count(), "{value}");
            for (a, b) in value.chars().zip(enc.chars()) {
                match Class::of(a) {
                    Some((class, _)) => assert_eq!(Class::of(b).map(|(c, _)| c), Some(class)),
                    None => assert_eq!(a, b),
                }
                assert_eq!(a.is_uppercase(), b.is_uppercase(), "{value}: {a} -> {b}");
            }
            let dec = fpe_string(&ff1, b"person_name", &enc, Direction::Decrypt).unwrap();
            assert_eq!(dec, value);
        }
        // The domain counts letters of every script: two ideographs are 440 million values.
        assert!(fpe_string(&ff1, b"", "李明", Direction::Encrypt).is_ok());
        assert_eq!(
            fpe_string(&ff1, b"", "Łó", Direction::Encrypt),
            Err(DeidError::EncryptablePartTooSmall {
                digits: 0,
                letters: 2
            })
        );
    }

    #[test]
    fn letters_and_digits_of_scripts_without_a_class_are_refused_by_position() {
        for (value, position) in [
            ("José राम 123456", 5),
            ("สมชาย 123456", 0),
            ("Ana ٣٤٥٦٧٨٩", 4),
        ] {
            assert_eq!(
                fpe_string(&ff1(10), b"", value, Direction::Encrypt),
                Err(DeidError::UnsupportedCharacter { position }),
                "{value}"
            );
        }
    }

    /// The classes are data that ciphertexts depend on: their sizes are pinned, every member is
    /// a letter, no code point is in two classes, and the cased ones hold one case.
    #[test]
    fn script_classes_are_fixed_letters_of_one_case() {
        assert_eq!(
            TABLES.radix,
            [
                320, 325, 33, 36, 49, 49, 38, 38, 27, 42, 20993, 86, 91, 11172
            ]
        );
        let upper = [0, 2, 4, 6];
        let lower = [1, 3, 5, 7];
        let mut seen = std::collections::HashSet::new();
        for (i, radix) in TABLES.radix.iter().enumerate() {
            let class = Class::Script(i as u8);
            for symbol in 0..*radix {
                let c = class.char(symbol);
                assert!(c.is_alphabetic(), "{c:?}");
                assert!(seen.insert(c), "{c:?} in two classes");
                assert_eq!(Class::of(c), Some((class, symbol)));
                if upper.contains(&i) {
                    assert!(c.is_uppercase(), "{c:?}");
                }
                if lower.contains(&i) {
                    assert!(c.is_lowercase(), "{c:?}");
                }
            }
        }
        // Every cased letter of the Latin blocks has a class; the others are the few listed.
        for cp in (0xC0..=0x24F).chain(0x1E00..=0x1EFF) {
            let c = char::from_u32(cp).unwrap();
            let uncased = [
                0x1BB, 0x1C0, 0x1C1, 0x1C2, 0x1C3, 0x1C5, 0x1C8, 0x1CB, 0x1F2,
            ];
            if c.is_alphabetic() && !uncased.contains(&cp) {
                assert!(Class::of(c).is_some(), "{c}");
            }
        }
    }

    #[test]
    fn mixed_radix_conversion_round_trips() {
        let radices = [10, 26, 26, 10];
        let symbols = [7, 25, 0, 9];
        for base in [2, 7, 10, 36, 65536] {
            let limbs = from_mixed(base, &radices, &symbols);
            let numerals = to_numerals(&limbs, limbs.len() + 2);
            assert_eq!(to_mixed(base, &radices, &numerals).unwrap(), symbols);
        }
        // 10*26*26*10 = 67,600: one more than the largest value is outside the domain.
        let outside = to_numerals(&from_mixed(10, &[10, 10, 10, 10, 10], &[6, 7, 6, 0, 0]), 5);
        assert!(to_mixed(10, &radices, &outside).is_none());
    }
}
