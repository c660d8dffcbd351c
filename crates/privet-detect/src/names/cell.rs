//! Whole structured values ("Ada Lovelace", "LOVELACE, Ada", "Nguyễn Văn An"):
//! is this cell a person's name, and how sure are we?

use super::lex::{self, Shape};
use super::lexicon::{
    COMMON, GIVEN, HONORIFIC, Lexicon, NAME_SUFFIX, ORG, PARTICLE, STOP, STREET, SURNAME,
};

/// The longest cell considered; longer values are prose, not a name.
const MAX_LEN: usize = 80;

/// One word of the cell with what the lexicon says about it.
struct CellWord {
    flags: u16,
    shape: Shape,
}

/// Confidence that the whole `value` is a person's name.
pub(super) fn score(lx: &Lexicon, value: &[u8]) -> Option<f32> {
    let v = value.trim_ascii();
    if v.is_empty() || v.len() > MAX_LEN {
        return None;
    }
    // "Lovelace, Ada" -> score as "Ada Lovelace"; more than one comma is a list.
    let commas = v.iter().filter(|&&b| b == b',').count();
    let (inverted, parts): (bool, [&[u8]; 2]) = match commas {
        0 => (false, [v, b""]),
        1 => {
            let at = v.iter().position(|&b| b == b',')?;
            (true, [&v[at + 1..], &v[..at]])
        }
        _ => return None,
    };
    let mut words: Vec<CellWord> = Vec::with_capacity(4);
    for part in parts {
        if !read_words(lx, part, &mut words)? {
            return None;
        }
    }
    let names: Vec<&CellWord> = words.iter().collect();
    if names.is_empty() || names.len() > 5 {
        return None;
    }
    if names
        .iter()
        .any(|w| w.flags & STOP != 0 || (w.flags & ORG != 0 && w.flags & (GIVEN | SURNAME) == 0))
    {
        return None;
    }
    if names.len() > 1 && names.last().is_some_and(|w| w.flags & STREET != 0) {
        return None;
    }
    // One letter case for the whole value; lowercase is weaker evidence.
    let case_factor = if names
        .iter()
        .all(|w| w.shape == Shape::Title || w.shape == Shape::Upper)
    {
        1.0
    } else if names.iter().all(|w| w.shape == Shape::Lower) {
        0.85
    } else {
        return None;
    };
    let plain = |w: &CellWord| w.flags & (COMMON | STOP) == 0;
    let given = |w: &CellWord| w.flags & GIVEN != 0;
    let surname = |w: &CellWord| w.flags & SURNAME != 0;
    let first = names[0];
    let last = names[names.len() - 1];
    let unknown_common = names
        .iter()
        .filter(|w| w.flags & (GIVEN | SURNAME) == 0 && w.flags & COMMON != 0)
        .count();
    if unknown_common > 0 {
        return None;
    }
    let score = if names.len() == 1 {
        match (given(first), surname(first), plain(first)) {
            (true, _, true) => 0.6,
            (false, true, true) => 0.5,
            (true, _, false) | (false, true, false) => 0.35,
            _ => return None,
        }
    } else {
        let known = names.iter().filter(|w| given(w) || surname(w)).count();
        let mut s = match (given(first), surname(last)) {
            (true, true) => 0.95,
            (true, false) if plain(first) => 0.8,
            (false, true) => 0.75,
            _ if !inverted && surname(first) && (given(last) || known >= 2) => 0.8,
            _ if known >= 1 => 0.6,
            _ => 0.45,
        };
        if !plain(first) && !plain(last) {
            s -= 0.2;
        }
        s
    };
    Some(score * case_factor)
}

/// Appends the name words of `part` to `out`; `Some(false)` when a token
/// cannot be part of a name (digits, symbols), `None` on a hard reject.
fn read_words(lx: &Lexicon, part: &[u8], out: &mut Vec<CellWord>) -> Option<bool> {
    let mut i = 0;
    while i < part.len() {
        let b = part[i];
        if b == b' ' || b == b'\t' || b == b'.' {
            i += 1;
            continue;
        }
        let w = lex::read_word(part, i)?;
        let mut end = w.end;
        if part.get(end) == Some(&b'.') {
            end += 1;
        }
        let flags = lx.word_flags(&part[w.start..w.end]);
        // After a word only a space, a dot or the end may follow.
        if !matches!(part.get(end), None | Some(b' ' | b'\t')) {
            return Some(false);
        }
        i = end;
        let is_particle = w.shape == Shape::Lower && flags & PARTICLE != 0;
        let is_initial = w.letters == 1;
        let is_affix = flags & (HONORIFIC | NAME_SUFFIX) != 0 && w.letters <= 4;
        if is_particle || is_initial || (is_affix && flags & (GIVEN | SURNAME) == 0) {
            continue;
        }
        if w.shape == Shape::Mixed {
            return Some(false);
        }
        out.push(CellWord {
            flags,
            shape: w.shape,
        });
    }
    Some(true)
}
