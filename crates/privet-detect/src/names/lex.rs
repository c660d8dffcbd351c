//! Byte-level lexing shared by the name and address finders: a byte class
//! table for the fast skip, word tokens with their letter case, and ASCII
//! folding of Latin letters so "García" and "GARCIA" find the same list entry.

/// ASCII `A-Z`.
pub(crate) const UPPER: u8 = 1;
/// ASCII `a-z`.
pub(crate) const LOWER: u8 = 2;
/// ASCII `0-9`.
pub(crate) const DIGIT: u8 = 4;
/// Any byte of a multi-byte UTF-8 sequence (or a stray high byte).
pub(crate) const HIGH: u8 = 8;

/// Class bits for every byte value, so the hot loops cost one load per byte.
pub(crate) static CLASS: [u8; 256] = build_class();

const fn build_class() -> [u8; 256] {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        t[i] = if b.is_ascii_uppercase() {
            UPPER
        } else if b.is_ascii_lowercase() {
            LOWER
        } else if b.is_ascii_digit() {
            DIGIT
        } else if b >= 0x80 {
            HIGH
        } else {
            0
        };
        i += 1;
    }
    t
}

/// True for bytes that continue a word (letters, digits, `_`, UTF-8).
#[inline]
pub(crate) fn is_word_byte(b: u8) -> bool {
    CLASS[b as usize] != 0 || b == b'_'
}

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

/// Bytes of `x` that lie strictly between `m` and `n` (both <= 128) get their
/// high bit set; bytes >= 0x80 are ignored (the classic SWAR "hasbetween").
#[inline]
fn has_between(x: u64, m: u64, n: u64) -> u64 {
    (LO * (127 + n)).wrapping_sub(x & (LO * 127))
        & !x
        & ((x & (LO * 127)).wrapping_add(LO * (127 - m)))
        & HI
}

/// Index of the next byte at or after `from` that is an ASCII capital or a
/// UTF-8 byte (a possible non-ASCII capital). Eight bytes per step: plain
/// lowercase prose and punctuation cost well under a nanosecond per byte.
#[inline]
pub(crate) fn next_upper_or_high(hay: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while i + 8 <= hay.len() {
        let mut w = [0u8; 8];
        w.copy_from_slice(&hay[i..i + 8]);
        let x = u64::from_le_bytes(w);
        let hit = has_between(x, b'A' as u64 - 1, b'Z' as u64 + 1) | (x & HI);
        if hit != 0 {
            return Some(i + (hit.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    (i..hay.len()).find(|&j| CLASS[hay[j] as usize] & (UPPER | HIGH) != 0)
}

/// Index of the next ASCII digit at or after `from`, eight bytes per step.
#[inline]
pub(crate) fn next_digit(hay: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while i + 8 <= hay.len() {
        let mut w = [0u8; 8];
        w.copy_from_slice(&hay[i..i + 8]);
        let x = u64::from_le_bytes(w);
        let hit = has_between(x, b'0' as u64 - 1, b'9' as u64 + 1);
        if hit != 0 {
            return Some(i + (hit.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    (i..hay.len()).find(|&j| hay[j].is_ascii_digit())
}

/// Decodes one UTF-8 scalar at `i`, returning it and its length; `None` for
/// malformed input (the caller then treats the byte as a non-letter).
#[inline]
pub(crate) fn decode(hay: &[u8], i: usize) -> Option<(char, usize)> {
    let b0 = *hay.get(i)?;
    if b0 < 0x80 {
        return Some((b0 as char, 1));
    }
    let len = match b0 {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return None,
    };
    let bytes = hay.get(i..i + len)?;
    let s = std::str::from_utf8(bytes).ok()?;
    s.chars().next().map(|c| (c, len))
}

/// The letter case of a word.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Shape {
    /// "Ada", "McDonald", "O'Brien", "García-López".
    Title,
    /// "LOVELACE" (two letters or more).
    Upper,
    /// "lovelace".
    Lower,
    /// Anything else: "iPhone", "JavaScript", "NoSQL".
    Mixed,
}

/// A word token: letters with inner apostrophes or hyphens.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Word {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
    /// Letter case.
    pub shape: Shape,
    /// Number of letters.
    pub letters: usize,
}

/// A letter at `i`: its length in bytes and whether it is upper case.
#[inline]
fn letter_at(hay: &[u8], i: usize) -> Option<(usize, bool)> {
    let b = *hay.get(i)?;
    match CLASS[b as usize] {
        UPPER => Some((1, true)),
        LOWER => Some((1, false)),
        HIGH => {
            let (c, len) = decode(hay, i)?;
            if c.is_alphabetic() {
                Some((len, c.is_uppercase()))
            } else {
                None
            }
        }
        _ => None,
    }
}

/// Length of an in-word joiner at `i` (`'`, `’`, `-`), if one is there.
#[inline]
fn joiner_at(hay: &[u8], i: usize) -> Option<usize> {
    match hay.get(i)? {
        b'\'' | b'-' => Some(1),
        0xE2 if hay.get(i + 1..i + 3) == Some(&[0x80, 0x99]) => Some(3),
        _ => None,
    }
}

/// Reads the word starting at `start` (which must be a letter), or `None`.
pub(crate) fn read_word(hay: &[u8], start: usize) -> Option<Word> {
    let (len0, up0) = letter_at(hay, start)?;
    let mut i = start + len0;
    let mut letters = 1;
    let mut uppers = usize::from(up0);
    let mut lowers = usize::from(!up0);
    // Capitals inside a title-case word are fine after a joiner ("O'Brien",
    // "García-López") or after a short prefix ("McDonald", "DeAndre").
    let mut bad_inner_caps = 0;
    let mut seg_letters = 1;
    loop {
        if let Some((len, up)) = letter_at(hay, i) {
            if up {
                uppers += 1;
                if seg_letters > 3 || (seg_letters > 0 && lowers == 0) {
                    bad_inner_caps += 1;
                }
            } else {
                lowers += 1;
            }
            letters += 1;
            seg_letters += 1;
            i += len;
        } else if let Some(j) = joiner_at(hay, i) {
            if letter_at(hay, i + j).is_none() {
                break;
            }
            i += j;
            seg_letters = 0;
        } else {
            break;
        }
        if letters > 64 {
            break;
        }
    }
    let shape = if lowers == 0 && letters >= 2 {
        Shape::Upper
    } else if uppers == 0 {
        Shape::Lower
    } else if up0 && bad_inner_caps == 0 && uppers <= 3 {
        Shape::Title
    } else {
        Shape::Mixed
    };
    Some(Word {
        start,
        end: i,
        shape,
        letters,
    })
}

/// The longest folded key; longer words are never names or street words.
pub(crate) const MAX_KEY: usize = 40;

/// Folds `bytes` to lowercase ASCII into `buf`: Latin diacritics dropped
/// ("Nguyễn" -> "nguyen", "Straße" -> "strasse"), apostrophes dropped
/// ("O'Brien" -> "obrien"), hyphens and dots kept. `None` when the word holds
/// characters with no ASCII form or is longer than [`MAX_KEY`].
pub(crate) fn fold<'b>(bytes: &[u8], buf: &'b mut [u8; MAX_KEY]) -> Option<&'b [u8]> {
    let mut n = 0;
    let mut push = |b: u8, n: &mut usize| -> Option<()> {
        *buf.get_mut(*n)? = b;
        *n += 1;
        Some(())
    };
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            match b {
                b'A'..=b'Z' => push(b | 0x20, &mut n)?,
                b'a'..=b'z' | b'-' | b'.' => push(b, &mut n)?,
                b'\'' => {}
                _ => return None,
            }
            i += 1;
            continue;
        }
        let (c, len) = decode(bytes, i)?;
        i += len;
        match fold_char(c)? {
            Folded::One(x) => push(x, &mut n)?,
            Folded::Two(x, y) => {
                push(x, &mut n)?;
                push(y, &mut n)?;
            }
            Folded::Drop => {}
        }
    }
    Some(&buf[..n])
}

enum Folded {
    One(u8),
    Two(u8, u8),
    Drop,
}

/// Base letters for U+00C0..=U+024F, '.' where there is none.
const LATIN: &[u8; 400] = b"aaaaaa.ceeeeiiiidnooooo.ouuuuy..aaaaaa.ceeeeiiiidnooooo.ouuuuy.yaaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiii..jjkkkllllllllllnnnnnn...oooooo..rrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzsbb.....................i..l.....oo.............uu............................aaiioouuuuuuuuuu.aaaa....ggkkoooo..j...gg..nnaa....aaaaeeeeiiiioooorrrruuuusstt..hh......aaeeooooooooyy............................";
/// Base letters for U+1E00..=U+1EFF (Latin Extended Additional, Vietnamese).
const LATIN_ADD: &[u8; 256] = b"aabbbbbbccddddddddddeeeeeeeeeeffgghhhhhhhhhhiiiikkkkkkllllllllmmmmmmnnnnnnnnoooooooopppprrrrrrrrssssssssssttttttttuuuuuuuuuuvvvvwwwwwwwwwwxxxxyyzzzzzzhtwy.s....aaaaaaaaaaaaaaaaaaaaaaaaeeeeeeeeeeeeeeeeiiiioooooooooooooooooooooooouuuuuuuuuuuuuuyyyyyyyy......";

fn fold_char(c: char) -> Option<Folded> {
    let cp = c as u32;
    let one = |b: u8| {
        if b == b'.' {
            None
        } else {
            Some(Folded::One(b))
        }
    };
    match c {
        'ß' => Some(Folded::Two(b's', b's')),
        'Æ' | 'æ' => Some(Folded::Two(b'a', b'e')),
        'Œ' | 'œ' => Some(Folded::Two(b'o', b'e')),
        'Þ' | 'þ' => Some(Folded::Two(b't', b'h')),
        '\u{2019}' | '\u{02BC}' => Some(Folded::Drop),
        _ if (0xC0..=0x24F).contains(&cp) => one(LATIN[(cp - 0xC0) as usize]),
        _ if (0x1E00..=0x1EFF).contains(&cp) => one(LATIN_ADD[(cp - 0x1E00) as usize]),
        _ => None,
    }
}

/// First index after `i` that is not a space or tab.
#[inline]
pub(crate) fn skip_blanks(hay: &[u8], mut i: usize) -> usize {
    while i < hay.len() && (hay[i] == b' ' || hay[i] == b'\t') {
        i += 1;
    }
    i
}

/// Start of the line holding `i`.
#[inline]
pub(crate) fn line_start(hay: &[u8], i: usize) -> usize {
    memchr::memrchr(b'\n', &hay[..i]).map_or(0, |p| p + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(s: &str) -> Shape {
        read_word(s.as_bytes(), 0).expect("a word").shape
    }

    fn folded(s: &str) -> Option<String> {
        let mut buf = [0; MAX_KEY];
        fold(s.as_bytes(), &mut buf).map(|b| String::from_utf8_lossy(b).into_owned())
    }

    #[test]
    fn shapes() {
        assert_eq!(shape("Ada"), Shape::Title);
        assert_eq!(shape("McDonald"), Shape::Title);
        assert_eq!(shape("O'Brien"), Shape::Title);
        assert_eq!(shape("O’Brien"), Shape::Title);
        assert_eq!(shape("García-López"), Shape::Title);
        assert_eq!(shape("Ắc"), Shape::Title);
        assert_eq!(shape("LOVELACE"), Shape::Upper);
        assert_eq!(shape("lovelace"), Shape::Lower);
        assert_eq!(shape("JavaScript"), Shape::Mixed);
        assert_eq!(shape("iPhone"), Shape::Mixed);
    }

    #[test]
    fn words_end_at_punctuation_and_keep_inner_joiners() {
        let w = read_word(b"O'Brien, hi", 0).expect("word");
        assert_eq!(w.end, 7);
        let w = read_word(b"Smith- x", 0).expect("word");
        assert_eq!(w.end, 5);
        assert!(read_word(b"'x", 0).is_none());
    }

    #[test]
    fn folding() {
        assert_eq!(folded("Nguyễn").as_deref(), Some("nguyen"));
        assert_eq!(folded("Straße").as_deref(), Some("strasse"));
        assert_eq!(folded("O'Brien").as_deref(), Some("obrien"));
        assert_eq!(folded("García-López").as_deref(), Some("garcia-lopez"));
        assert_eq!(folded("Łukasz").as_deref(), Some("lukasz"));
        assert_eq!(folded("Иван"), None);
    }

    #[test]
    fn skipping_finds_the_first_hit() {
        let s = b"all lowercase words here then X and more";
        assert_eq!(next_upper_or_high(s, 0), Some(30));
        assert_eq!(next_upper_or_high(b"abc\xc3\xa9", 0), Some(3));
        assert_eq!(next_upper_or_high(b"abcdefghijklmnop", 0), None);
        assert_eq!(next_digit(b"abcdefghijk 42", 0), Some(12));
        assert_eq!(next_digit(b"abc", 0), None);
    }
}
