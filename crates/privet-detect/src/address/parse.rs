//! The address grammar, run at every digit that starts a word.

use privet_types::{Match, PiiType};

use super::vocab::{CORE, DIRECTIONAL, JOINER, PREFIX, STATE, SUFFIX, UNIT, Vocab};
use crate::names::lex::{self, Shape};

/// Confidence below which a candidate is dropped.
const MIN_CONFIDENCE: f32 = 0.5;
/// Street-name words allowed before the suffix ("Martin Luther King Jr").
const MAX_NAME_WORDS: usize = 4;

/// One token after the house number.
#[derive(Clone, Copy)]
struct Tok {
    start: usize,
    end: usize,
    shape: Shape,
    /// "5th", "42nd".
    ordinal: bool,
}

impl Tok {
    fn capitalized(&self) -> bool {
        self.ordinal || matches!(self.shape, Shape::Title | Shape::Upper)
    }
}

/// Appends the addresses in `hay` to `out`.
pub(super) fn find(v: &Vocab, hay: &[u8], out: &mut Vec<Match>) {
    let mut i = 0;
    let mut last_end = 0;
    while let Some(p) = lex::next_digit(hay, i) {
        let run_end = digits_end(hay, p);
        if p > 0 && glued_before(hay[p - 1]) {
            i = run_end;
            continue;
        }
        let found = unit_first(v, hay, p)
            .or_else(|| forward(v, hay, p))
            .or_else(|| po_box(v, hay, p))
            .or_else(|| military(hay, p))
            .or_else(|| backward(v, hay, p, last_end))
            .or_else(|| nameless(v, hay, p, last_end));
        match found {
            Some(m) if m.start >= last_end => {
                last_end = m.end;
                i = m.end;
                out.push(m);
            }
            _ => i = run_end,
        }
    }
}

/// `Some(confidence)` when all of `value` is one address (a trailing
/// country name is allowed).
pub(super) fn score_value(v: &Vocab, value: &[u8]) -> Option<f32> {
    let t = value.trim_ascii();
    if t.is_empty() || t.len() > 200 || t.contains(&b'\n') {
        return None;
    }
    let mut out = Vec::new();
    find(v, t, &mut out);
    let m = out.first()?;
    let rest = t[m.end..].trim_ascii_start();
    let rest = rest.strip_prefix(b",").unwrap_or(rest).trim_ascii();
    let country_like = rest.len() <= 24
        && rest
            .iter()
            .all(|&b| b.is_ascii_alphabetic() || b == b' ' || b == b'.' || b >= 0x80);
    (m.start == 0 && country_like).then(|| (m.confidence + 0.1).min(0.99))
}

fn digits_end(hay: &[u8], mut i: usize) -> usize {
    while i < hay.len() && hay[i].is_ascii_digit() {
        i += 1;
    }
    i
}

/// Bytes that glue a digit run to what comes before: then it is part of an
/// identifier, a time, a price, a version, a path, not a house number.
fn glued_before(b: u8) -> bool {
    lex::is_word_byte(b)
        || matches!(
            b,
            b'.' | b':' | b'/' | b'-' | b'$' | b'#' | b'+' | b'=' | b'@' | b'%' | b'\\' | b'&'
        )
        || b == 0xA3 // the last byte of "£"
        || b == 0xAC // the last byte of "€"
}

/// "221B", "12-14", "1600": the end of a house number starting at `p`.
fn house_number(hay: &[u8], p: usize, max_digits: usize) -> Option<usize> {
    let e = digits_end(hay, p);
    if e - p > max_digits {
        return None;
    }
    match hay.get(e) {
        Some(b) if b.is_ascii_alphabetic() => {
            let next = hay.get(e + 1).copied().unwrap_or(b' ');
            (!next.is_ascii_alphanumeric()).then_some(e + 1)
        }
        Some(b'-') if hay.get(e + 1).is_some_and(u8::is_ascii_digit) => {
            let e2 = digits_end(hay, e + 1);
            (e2 - e - 1 <= max_digits).then_some(e2)
        }
        _ => Some(e),
    }
}

/// Reads the token at `i`: a word or an ordinal such as "5th".
fn token(hay: &[u8], i: usize) -> Option<Tok> {
    let b = *hay.get(i)?;
    if b.is_ascii_digit() {
        let e = digits_end(hay, i);
        let sfx = hay.get(e..e + 2)?;
        let ok = matches!(
            sfx.to_ascii_lowercase().as_slice(),
            b"st" | b"nd" | b"rd" | b"th"
        ) && !hay.get(e + 2).is_some_and(|b| b.is_ascii_alphanumeric());
        return ok.then_some(Tok {
            start: i,
            end: e + 2,
            shape: Shape::Lower,
            ordinal: true,
        });
    }
    let w = lex::read_word(hay, i)?;
    Some(Tok {
        start: w.start,
        end: w.end,
        shape: w.shape,
        ordinal: false,
    })
}

/// The next token after one space (or one dot and a space) following `end`.
fn next_token(hay: &[u8], end: usize) -> Option<Tok> {
    let mut j = end;
    if hay.get(j) == Some(&b'.') {
        j += 1;
    }
    if hay.get(j) != Some(&b' ') {
        return None;
    }
    token(hay, j + 1)
}

fn address_match(hay: &[u8], start: usize, end: usize, base: f32) -> Option<Match> {
    let conf = base + context_bonus(hay, start);
    (conf >= MIN_CONFIDENCE && end > start).then(|| Match {
        ty: PiiType::StreetAddress,
        start,
        end,
        confidence: conf.min(0.99),
    })
}

/// Number first: "221B Baker Street", "1600 Pennsylvania Ave NW, Washington,
/// DC 20500", "12 rue de Rivoli".
fn forward(v: &Vocab, hay: &[u8], p: usize) -> Option<Match> {
    let mut num_end = house_number(hay, p, 6)?;
    // "296/726 Caleb Elbow": Australian flat and street number.
    if hay.get(num_end) == Some(&b'/')
        && hay.get(num_end + 1).is_some_and(u8::is_ascii_digit)
        && digits_end(hay, num_end + 1) - num_end <= 5
        && hay.get(digits_end(hay, num_end + 1)) == Some(&b' ')
    {
        num_end = digits_end(hay, num_end + 1);
    }
    // "80, rue de Mahe": French puts a comma after the number. After "Name,
    // " the number is the house number of the street before it ("Sítio
    // Maria, 14, Vila Real"), read backwards.
    let after_street = p >= 2 && &hay[p - 2..p] == b", ";
    if hay.get(num_end..num_end + 2) == Some(b", ") && !after_street {
        let first = token(hay, num_end + 2)?;
        if v.flags(&hay[first.start..first.end]) & PREFIX == 0 || first.shape == Shape::Upper {
            return None;
        }
        let end = prefixed_name_end(v, hay, first.end)?;
        let (end, extra) = street_tail(v, hay, end);
        return address_match(hay, p, end, 0.6 + extra);
    }
    if hay.get(num_end) != Some(&b' ') {
        return None;
    }
    let first = token(hay, num_end + 1)?;
    let first_flags = v.flags(&hay[first.start..first.end]);
    if let Some((sfx_end, base)) = named_street(v, hay, first) {
        let (end, extra) = street_tail(v, hay, sfx_end);
        return address_match(hay, p, end, base + extra);
    }
    // French, Spanish, Italian order after the number: "12 rue de Rivoli".
    if first_flags & PREFIX != 0 {
        let end = prefixed_name_end(v, hay, first.end)?;
        let (end, extra) = street_tail(v, hay, end);
        return address_match(hay, p, end, 0.6 + extra);
    }
    None
}

/// US order: capitalized name words from `first`, then a suffix ("Baker
/// Street", "Oak Park Ave", "Caleb Elbow"). The end of the suffix and the
/// confidence the street alone earns.
fn named_street(v: &Vocab, hay: &[u8], first: Tok) -> Option<(usize, f32)> {
    let mut tok = first;
    let mut flags = v.flags(&hay[first.start..first.end]);
    for names in 0..=MAX_NAME_WORDS {
        if !tok.capitalized() {
            return None;
        }
        if names > 0 && flags & SUFFIX != 0 {
            let mut sfx = (tok, flags);
            // "Oak Park Ave": a suffix word that is itself followed by one.
            if let Some(n) = next_token(hay, tok.end).filter(|n| n.capitalized()) {
                let nf = v.flags(&hay[n.start..n.end]);
                if nf & SUFFIX != 0 && names < MAX_NAME_WORDS {
                    sfx = (n, nf);
                }
            }
            let base = if sfx.1 & CORE != 0 { 0.7 } else { 0.45 };
            return Some((sfx.0.end, base));
        }
        tok = next_token(hay, tok.end)?;
        flags = v.flags(&hay[tok.start..tok.end]);
    }
    None
}

/// A unit written before its street, the British and Australian way: "Flat
/// 63, Amy Forest, North Jasonport, G8E 8FB", "Level 4 379 Jay Piazza,
/// North Dylan, WA, 5747", "Unit 97 3 Walker Gates". `p` is the unit's
/// number; the street follows with or without its own number. Without one,
/// only a locality tail with a postcode makes it an address.
fn unit_first(v: &Vocab, hay: &[u8], p: usize) -> Option<Match> {
    // Runs at every number: cheap byte tests first, and a short floor
    // instead of the line start (unit words are short; a newline is no word
    // byte, so the word never reaches across it).
    if p < 3 || hay[p - 1] != b' ' || !(hay[p - 2].is_ascii_alphabetic() || hay[p - 2] == b'.') {
        return None;
    }
    let unit_word = word_before(hay, p - 1, p.saturating_sub(16))?;
    if unit_word.shape != Shape::Title || v.flags(&hay[unit_word.start..unit_word.end]) & UNIT == 0
    {
        return None;
    }
    let id_end = unit_id(hay, p)?;
    let mut j = id_end;
    if hay.get(j) == Some(&b',') {
        j += 1;
    }
    if hay.get(j) != Some(&b' ') {
        return None;
    }
    j += 1;
    if hay.get(j).is_some_and(u8::is_ascii_digit) {
        let m = forward(v, hay, j)?;
        return Some(Match {
            start: unit_word.start,
            ..m
        });
    }
    let first = token(hay, j)?;
    let (sfx_end, base) = named_street(v, hay, first)?;
    let (end, extra) = street_tail(v, hay, sfx_end);
    if extra == 0.0 {
        return None;
    }
    address_match(hay, unit_word.start, end, base.min(0.45) + extra)
}

/// US military mail: "USNS Smith, FPO AP 21981", "PSC 1234, Box 5678, APO
/// AE 09204", "Unit 1234 Box 5678, DPO AA 12345". `p` is the ZIP code.
fn military(hay: &[u8], p: usize) -> Option<Match> {
    if p < 9 || digits_end(hay, p) != p + 5 || hay.get(p + 5).is_some_and(|&b| lex::is_word_byte(b))
    {
        return None;
    }
    let label = &hay[p - 7..p];
    let post = matches!(&label[..4], b"APO " | b"FPO " | b"DPO ");
    let area = matches!(&label[4..], b"AA " | b"AE " | b"AP ");
    if !(post && area) {
        return None;
    }
    let ls = lex::line_start(hay, p);
    // The unit or ship: capitalized words and numbers, over at most two
    // comma-parted parts, back from ", APO".
    let mut start = p - 7;
    for part in 0..2 {
        if start < ls + 3 || &hay[start - 2..start] != b", " {
            break;
        }
        let mut s = start - 2;
        let mut words = 0;
        while words < 4 && s > ls {
            let mut b = s;
            while b > ls && hay[b - 1].is_ascii_alphanumeric() {
                b -= 1;
            }
            let w = &hay[b..s];
            let ok =
                !w.is_empty() && (w[0].is_ascii_uppercase() || w.iter().all(u8::is_ascii_digit));
            if !ok {
                break;
            }
            s = b;
            words += 1;
            if s > ls && hay[s - 1] == b' ' && s - 1 > ls {
                s -= 1;
            } else {
                break;
            }
        }
        if words == 0 {
            break;
        }
        let seg_start = if hay[s] == b' ' { s + 1 } else { s };
        if !hay[seg_start].is_ascii_uppercase() {
            break;
        }
        start = seg_start;
        if part == 0 && !(hay[start..].starts_with(b"Box ") || hay[start..].starts_with(b"BOX ")) {
            break;
        }
    }
    (start < p - 7)
        .then(|| Match {
            ty: PiiType::StreetAddress,
            start,
            end: p + 5,
            confidence: 0.75 + context_bonus(hay, start),
        })
        .map(|m| Match {
            confidence: m.confidence.min(0.99),
            ..m
        })
}

/// A street written without a house number, then its postcode and town:
/// "rue de Guillot, 73533 Barthelemynec", "Favela Eduarda Vargas, Lorena,
/// 84379-722 Peixoto / PR". `p` is the postcode; the street must open with a
/// street type ("rue", "chemin", "Quadra").
fn nameless(v: &Vocab, hay: &[u8], p: usize, floor: usize) -> Option<Match> {
    if p < 4 || &hay[p - 2..p] != b", " {
        return None;
    }
    let (code_end, alpha) = postcode(hay, p)?;
    if alpha || hay.get(code_end) != Some(&b' ') || locality(v, hay, code_end + 1, true).is_none() {
        return None;
    }
    let ls = lex::line_start(hay, p).max(floor);
    if p < ls + 4 {
        return None;
    }
    // The part before the postcode, or the one before that (a district).
    let mut comma = p - 2;
    for _ in 0..2 {
        let last = word_before(hay, comma, ls)?;
        if let Some(start) = prefixed_start(v, hay, last, ls) {
            let (end, extra) = locality_tail(v, hay, comma);
            if extra == 0.0 {
                return None;
            }
            return address_match(hay, start, end, 0.5 + extra);
        }
        // Back over one district: capitalized words up to the comma before.
        let mut w = last;
        loop {
            if w.shape != Shape::Title && w.shape != Shape::Upper {
                return None;
            }
            if w.start >= ls + 2 && &hay[w.start - 2..w.start] == b", " {
                comma = w.start - 2;
                break;
            }
            if w.start <= ls + 1 || hay[w.start - 1] != b' ' {
                return None;
            }
            w = word_before(hay, w.start - 1, ls)?;
        }
    }
    None
}

/// After a street type such as "rue" or "Via": the end of the name words
/// ("de Rivoli", "Roma"), or `None` when no capitalized word follows.
fn prefixed_name_end(v: &Vocab, hay: &[u8], from: usize) -> Option<usize> {
    let mut end = None;
    let mut at = from;
    for _ in 0..5 {
        let Some(t) = next_token(hay, at).filter(|_| hay.get(at) == Some(&b' ')) else {
            break;
        };
        let f = v.flags(&hay[t.start..t.end]);
        if t.capitalized() && f & (UNIT | STATE) == 0 {
            end = Some(t.end);
        } else if !(t.shape == Shape::Lower && f & JOINER != 0) {
            break;
        }
        at = t.end;
    }
    end
}

/// What may follow the suffix: a directional, a unit, ", City, ST 12345".
/// Returns the new end and the confidence these parts add.
fn street_tail(v: &Vocab, hay: &[u8], mut end: usize) -> (usize, f32) {
    let mut extra = 0.0;
    // Post-directional: "Ave NW".
    if let Some(t) = next_token(hay, end) {
        let f = v.flags(&hay[t.start..t.end]);
        if f & DIRECTIONAL != 0 && t.shape == Shape::Upper
            || t.shape == Shape::Title && f & DIRECTIONAL != 0 && t.end - t.start > 2
        {
            end = t.end;
        }
    }
    if let Some(e) = unit(v, hay, end) {
        end = e;
        extra += 0.1;
    }
    if let Some(e) = city_state_zip(v, hay, end) {
        end = e;
        extra += 0.2;
    } else {
        // "12 rue de Rivoli, 75001 Paris", "10 Downing Street, London SW1A 2AA".
        let (e, x) = locality_tail(v, hay, end);
        end = e;
        extra += x;
    }
    (end, extra)
}

/// ", Apt 4B", " Suite 200", " #12", " Fl. 3": the end of a unit designator.
fn unit(v: &Vocab, hay: &[u8], end: usize) -> Option<usize> {
    let mut j = end;
    if hay.get(j) == Some(&b'.') {
        j += 1;
    }
    if hay.get(j) == Some(&b',') {
        j += 1;
    }
    if hay.get(j) != Some(&b' ') {
        return None;
    }
    j += 1;
    if hay.get(j) == Some(&b'#') {
        return unit_id(hay, j + 1);
    }
    let w = lex::read_word(hay, j)?;
    if v.flags(&hay[w.start..w.end]) & UNIT == 0 || w.shape == Shape::Mixed {
        return None;
    }
    let mut k = w.end;
    if hay.get(k) == Some(&b'.') {
        k += 1;
    }
    if hay.get(k) == Some(&b' ') {
        k += 1;
    }
    if hay.get(k) == Some(&b'#') {
        k += 1;
    }
    unit_id(hay, k)
}

/// "4B", "200", "C", "12-3": the identifier of a unit.
fn unit_id(hay: &[u8], k: usize) -> Option<usize> {
    let mut e = k;
    while e < hay.len() && (hay[e].is_ascii_alphanumeric() || hay[e] == b'-') && e - k < 8 {
        e += 1;
    }
    let id = &hay[k..e];
    let ok = !id.is_empty()
        && (id.iter().any(u8::is_ascii_digit) || id.len() == 1)
        && !hay.get(e).is_some_and(|&b| lex::is_word_byte(b));
    ok.then_some(e)
}

/// ", Springfield, IL 62704", ", Austin TX", ", New York, NY 10001-1234".
fn city_state_zip(v: &Vocab, hay: &[u8], end: usize) -> Option<usize> {
    let mut j = end;
    if hay.get(j) == Some(&b'.') {
        j += 1;
    }
    if hay.get(j..j + 2) != Some(b", ") {
        return None;
    }
    j += 2;
    // City: 1-3 capitalized words.
    let mut city_end = None;
    let mut at = j;
    for n in 0..3 {
        let t = if n == 0 {
            token(hay, at)
        } else {
            next_token(hay, at)
        }?;
        if t.shape != Shape::Title {
            break;
        }
        city_end = Some(t.end);
        at = t.end;
        if state_zip(v, hay, at).is_some() {
            break;
        }
    }
    state_zip(v, hay, city_end?)
}

/// "[,] ST[ 12345[-6789]]" after a city.
fn state_zip(v: &Vocab, hay: &[u8], end: usize) -> Option<usize> {
    let mut j = end;
    if hay.get(j) == Some(&b',') {
        j += 1;
    }
    if hay.get(j) != Some(&b' ') {
        return None;
    }
    let st = lex::read_word(hay, j + 1)?;
    let is_code = st.shape == Shape::Upper && st.end - st.start == 2;
    let is_name = st.shape == Shape::Title && st.end - st.start > 3;
    if !(is_code || is_name) || v.flags(&hay[st.start..st.end]) & STATE == 0 {
        return None;
    }
    let mut e = st.end;
    if hay.get(e) == Some(&b' ') {
        let z = digits_end(hay, e + 1);
        if z - e - 1 == 5 {
            e = z;
            if hay.get(e) == Some(&b'-') && digits_end(hay, e + 1) == e + 5 {
                e += 5;
            }
        }
    }
    if hay.get(e).is_some_and(|&b| lex::is_word_byte(b)) {
        return None;
    }
    // A bare state code with no ZIP must end the clause.
    if e == st.end
        && is_code
        && !matches!(
            hay.get(e),
            None | Some(b'.' | b',' | b'\n' | b'\r' | b';' | b')')
        )
    {
        return None;
    }
    Some(e)
}

/// Street first, number after: "Hauptstraße 5", "Berliner Straße 12a",
/// "Calle Mayor 3", "Via Roma 10", "Rue de Rivoli 12".
fn backward(v: &Vocab, hay: &[u8], p: usize, floor: usize) -> Option<Match> {
    if p < 3 || hay[p - 1] != b' ' {
        return None;
    }
    let mut num_end = house_number(hay, p, 4)?;
    // "Bema 13/01", "Ring 2/6": house and flat number.
    let slashed = hay.get(num_end) == Some(&b'/')
        && hay.get(num_end + 1).is_some_and(u8::is_ascii_digit)
        && digits_end(hay, num_end + 1) - num_end <= 4;
    if slashed {
        num_end = digits_end(hay, num_end + 1);
    }
    if hay
        .get(num_end)
        .is_some_and(|&b| lex::is_word_byte(b) || b == b':' || b == b'/')
    {
        return None;
    }
    let ls = lex::line_start(hay, p).max(floor);
    // "Via Roma, 10", "Trecho Sousa, 34": Italian and Portuguese put a comma
    // between the street and the number.
    let word_end = if p >= 2 && hay[p - 2] == b',' {
        p - 2
    } else {
        p - 1
    };
    let prev = word_before(hay, word_end, ls)?;
    let prev_word = &hay[prev.start..prev.end];
    // "Christa-Maria-Mosemann-Straße": a hyphenated name reads as mixed case.
    let titled = prev.shape == Shape::Title
        || prev.shape == Shape::Mixed
            && prev_word[0].is_ascii_uppercase()
            && prev_word.contains(&b'-');
    let start = if titled && v.is_eu_street_word(prev_word) {
        Some(prev.start)
    } else if prev.shape == Shape::Lower && v.is_eu_street_word(prev_word) {
        // "Haagan pappilanbulevardi 86": a genitive before a compound.
        names_before(hay, prev.start, ls, 2)
    } else if v.is_eu_street_type(prev_word) {
        // "Berliner Straße 5", "Werner Wirénin katu 41", "Arany jános
        // utca 202.": the capitalized words before the street type.
        names_before(hay, prev.start, ls, 3)
    } else {
        prefixed_start(v, hay, prev, ls)
    };
    // Without a street word only a capitalized word that names no unit may
    // open the street; decide that before reading the tail, as this runs at
    // most numbers.
    if start.is_none() && (prev.shape != Shape::Title || v.flags(prev_word) & UNIT != 0) {
        return None;
    }
    // "Calle Aura Cano 63 Apt. 94 , Valencia, 38721": a flat or floor
    // between the number and the town.
    let unit_end = unit(v, hay, num_end);
    let (end, extra) = locality_tail(v, hay, unit_end.unwrap_or(num_end));
    let (end, extra) = match unit_end {
        Some(u) if extra == 0.0 && start.is_some() => (u, 0.0),
        _ => (end, extra),
    };
    if slashed && start.is_none() && extra == 0.0 {
        return None;
    }
    let (start, base) = match start {
        Some(s) => (s, 0.62),
        // "Národní 12, 110 00 Praha", "Váci 5, 1052 Budapest": many streets
        // carry no street word, and then the postcode and city after the
        // house number are the evidence. A year in the postcode's place
        // ("May 5, 2024 Report") is a date.
        // A unit designator before the number ("Apt. 1A, Columbus, OH") names
        // a flat of an address written before it, not a street.
        None if extra > 0.0
            && prev.shape == Shape::Title
            && v.flags(prev_word) & UNIT == 0
            && !year_follows(hay, num_end) =>
        {
            (prev.start, 0.45)
        }
        None => return None,
    };
    address_match(hay, start, end, base + extra)
}

/// "PO Box 1234", "P.O. Box 56, Springfield, IL 62704", "Postfach 1234,
/// 10115 Berlin", "Apartado 123", "Caixa Postal 12": a post-office box
/// number, with the town after it when there is one.
fn po_box(v: &Vocab, hay: &[u8], p: usize) -> Option<Match> {
    const LABELS: &[&[u8]] = &[
        b"po box ",
        b"p.o. box ",
        b"p. o. box ",
        b"p o box ",
        b"pobox ",
        b"post office box ",
        b"postfach ",
        b"apartado ",
        b"apartado de correos ",
        b"caixa postal ",
        b"casella postale ",
        b"skrytka pocztowa ",
        b"postbus ",
        b"boite postale ",
        b"gpo box ",
        b"locked bag ",
    ];
    let ls = lex::line_start(hay, p);
    let window = &hay[ls.max(p.saturating_sub(24))..p];
    let mut buf = [0u8; 24];
    let lower = &mut buf[..window.len()];
    lower.copy_from_slice(window);
    lower.make_ascii_lowercase();
    let label = LABELS.iter().find(|l| {
        lower.ends_with(l) && {
            let at = p - l.len();
            at == ls || !lex::is_word_byte(hay[at - 1])
        }
    })?;
    let end = digits_end(hay, p);
    if !(1..=6).contains(&(end - p)) || hay.get(end).is_some_and(|&b| lex::is_word_byte(b)) {
        return None;
    }
    let (end, extra) = match city_state_zip(v, hay, end) {
        Some(e) => (e, 0.2),
        None => locality_tail(v, hay, end),
    };
    address_match(hay, p - label.len(), end, 0.7 + extra)
}

/// True when a 4-digit year (1900-2099) follows the house number that ends
/// at `end`, after an optional comma and a space.
fn year_follows(hay: &[u8], end: usize) -> bool {
    let mut j = end;
    if hay.get(j) == Some(&b',') {
        j += 1;
    }
    if hay.get(j) != Some(&b' ') {
        return false;
    }
    let z = digits_end(hay, j + 1);
    z == j + 5 && matches!(&hay[j + 1..j + 3], b"19" | b"20")
}

/// The start of up to `max` capitalized words that end just before `at`
/// (one space before it); one lowercase word of four letters or more may
/// stand right before `at` when a capitalized one precedes it ("Arany jános
/// utca"). `None` when no capitalized word is there.
fn names_before(hay: &[u8], at: usize, ls: usize, max: usize) -> Option<usize> {
    let mut start = None;
    let mut pos = at;
    for n in 0..max {
        if pos <= ls + 1 || hay[pos - 1] != b' ' {
            break;
        }
        let Some(w) = word_before(hay, pos - 1, ls) else {
            break;
        };
        match w.shape {
            Shape::Title => start = Some(w.start),
            Shape::Lower if n == 0 && w.end - w.start >= 4 => {}
            _ => break,
        }
        pos = w.start;
    }
    start
}

/// Walks back from the capitalized word `last` over name words and joiners to
/// a street type ("Calle", "Via", "Rue", "Avenida"); its start, if found.
fn prefixed_start(v: &Vocab, hay: &[u8], last: Tok, ls: usize) -> Option<usize> {
    // "ul. Jana Pawła II", "Calle Alfonso XIII": a regnal number ends the name.
    let roman = last.shape == Shape::Upper
        && last.end - last.start <= 4
        && hay[last.start..last.end]
            .iter()
            .all(|b| matches!(b, b'I' | b'V' | b'X'));
    if last.shape != Shape::Title && !roman {
        return None;
    }
    let mut w = last;
    for _ in 0..5 {
        if w.start <= ls + 1 || hay[w.start - 1] != b' ' {
            return None;
        }
        let prev = word_before(hay, w.start - 1, ls)?;
        let f = v.flags(&hay[prev.start..prev.end]);
        if f & PREFIX != 0 && prev.shape != Shape::Upper {
            return Some(prev.start);
        }
        let joiner = prev.shape == Shape::Lower && f & JOINER != 0;
        if !(prev.shape == Shape::Title || joiner) {
            return None;
        }
        w = prev;
    }
    None
}

/// The word that ends at `end` (exclusive), not reaching before `floor`.
fn word_before(hay: &[u8], end: usize, floor: usize) -> Option<Tok> {
    let mut s = end;
    // "Str." keeps its dot.
    if s > floor && hay[s - 1] == b'.' {
        s -= 1;
    }
    let word_end = s;
    while s > floor && (lex::is_word_byte(hay[s - 1]) || hay[s - 1] == b'-' || hay[s - 1] == b'\'')
    {
        s -= 1;
    }
    if s == word_end {
        return None;
    }
    let w = lex::read_word(hay, s)?;
    (w.end == word_end).then_some(Tok {
        start: s,
        end: if word_end < end { end } else { w.end },
        shape: w.shape,
        ordinal: false,
    })
}

/// What follows a street and its number (and unit): up to six parts parted
/// by commas, slashes or dashes (or a blank next to a postcode), of which one
/// must be a postcode: a district or town before it, a town after it, region
/// codes anywhere (", 10115 Berlin", ", London SW1A 1AA", ", Toronto, ON M5V
/// 2T6", ", Sydney NSW 2000", ", Melilla, 28422", ", 56029, Santa Croce
/// Sull'Arno (PI)", ", Bandeirantes, 86889-950 da Rocha do Norte / RS").
/// Returns the new end and the confidence the tail adds (none without a
/// postcode).
fn locality_tail(v: &Vocab, hay: &[u8], end: usize) -> (usize, f32) {
    let mut at = end;
    if hay.get(at) == Some(&b'.') {
        at += 1;
    }
    let mut best = None;
    let mut towns_before = 0;
    let mut postcode_at: Option<usize> = None;
    let mut towns_after = 0;
    for _ in 0..6 {
        let Some((j, blank)) = separator(hay, at) else {
            break;
        };
        if postcode_at.is_none()
            && let Some((z, alpha)) = postcode(hay, j)
        {
            // A lettered code cannot be told from a word without a town
            // before it; a bare number needs a town on one side.
            let town_next = hay.get(z).is_some_and(|&b| b == b' ' || b == b',')
                && separator(hay, z).is_some_and(|(k, _)| locality(v, hay, k, true).is_some());
            let digits = z - j;
            let long_number = !alpha && digits >= 8;
            let ok = if alpha {
                towns_before > 0
            } else if long_number {
                town_next
            } else {
                towns_before > 0 || town_next
            };
            if !ok || (blank && towns_before == 0 && !town_next) {
                break;
            }
            postcode_at = Some(z);
            best = Some(z);
            at = z;
            continue;
        }
        if let Some(r) = region(hay, j, blank) {
            at = r;
            if postcode_at.is_some() {
                best = Some(r);
            }
            continue;
        }
        if blank && postcode_at.is_none() {
            // A plain blank parts a town only from its postcode.
            break;
        }
        let Some(c) = locality(v, hay, j, postcode_at.is_some()) else {
            break;
        };
        if postcode_at.is_some() {
            towns_after += 1;
            if towns_after > 1 {
                break;
            }
            best = Some(c);
        } else {
            towns_before += 1;
            if towns_before > 2 {
                break;
            }
        }
        at = c;
    }
    match best {
        Some(e) => (e, 0.2),
        None => (end, 0.0),
    }
}

/// The start of the next part after `at`: `, ` (blanks allowed before the
/// comma), ` / `, ` - `, or one blank (then the flag is set).
fn separator(hay: &[u8], at: usize) -> Option<(usize, bool)> {
    let mut j = at;
    while hay.get(j) == Some(&b' ') && j - at < 2 {
        j += 1;
    }
    match hay.get(j) {
        Some(b',') if hay.get(j + 1) == Some(&b' ') => Some((j + 2, false)),
        Some(b'/' | b'-') if j > at && hay.get(j + 1) == Some(&b' ') => Some((j + 2, false)),
        Some(b) if j == at + 1 && (b.is_ascii_alphanumeric() || *b == b'(' || *b >= 0x80) => {
            Some((j, true))
        }
        _ => None,
    }
}

/// A region code: "NSW", "ON", "QLD", "(PI)", "RS"; its end. After a blank
/// only when a postcode follows it or it is bracketed.
fn region(hay: &[u8], i: usize, blank: bool) -> Option<usize> {
    if hay.get(i) == Some(&b'(') {
        let n = hay[i + 1..]
            .iter()
            .take(4)
            .take_while(|b| b.is_ascii_uppercase())
            .count();
        return ((2..=3).contains(&n) && hay.get(i + 1 + n) == Some(&b')')).then_some(i + 2 + n);
    }
    let w = lex::read_word(hay, i)?;
    if w.shape != Shape::Upper || !(2..=3).contains(&w.letters) || w.end - w.start != w.letters {
        return None;
    }
    if hay.get(w.end).is_some_and(|&b| lex::is_word_byte(b)) {
        return None;
    }
    if blank {
        let ok = hay.get(w.end) == Some(&b' ') && postcode(hay, w.end + 1).is_some();
        return ok.then_some(w.end);
    }
    Some(w.end)
}

/// Lowercase words inside a town's name: "Teplice nad Metují", "Santa Croce
/// sull'Arno", "Frankfurt am Main", "Stratford-upon-Avon" (hyphenated ones
/// are read as one word).
const TOWN_JOINERS: &[&[u8]] = &[
    b"de", b"da", b"do", b"das", b"dos", b"del", b"della", b"di", b"la", b"le", b"les", b"du",
    b"des", b"nad", b"pod", b"am", b"an", b"im", b"bei", b"sur", b"sous", b"en", b"upon", b"on",
    b"aan", b"op", b"van", b"der", b"den", b"y", b"e",
];

/// A town or district: one to five capitalized words with lowercase joiners
/// between them ("Teplice nad Metují", "Vila Real 2ª Seção"); after a
/// postcode it may open with a joiner ("da Rocha do Norte"). Its end.
fn locality(v: &Vocab, hay: &[u8], i: usize, after_postcode: bool) -> Option<usize> {
    let mut end = None;
    let mut at = i;
    for n in 0..6 {
        if n > 0 {
            if hay.get(at) != Some(&b' ') {
                break;
            }
            at += 1;
        }
        // "2ª Seção": an ordinal inside a district's name.
        if end.is_some() && hay.get(at).is_some_and(u8::is_ascii_digit) {
            let d = digits_end(hay, at);
            if d - at <= 2 && matches!(hay.get(d..d + 2), Some([0xC2, 0xAA | 0xBA])) {
                at = d + 2;
                continue;
            }
            break;
        }
        let Some(w) = lex::read_word(hay, at) else {
            break;
        };
        let word = &hay[w.start..w.end];
        let joiner = w.shape == Shape::Lower
            && TOWN_JOINERS.iter().any(|j| word.eq_ignore_ascii_case(j))
            && (end.is_some() || after_postcode);
        let capital = match w.shape {
            Shape::Title => w.letters >= 2 || end.is_some(),
            Shape::Upper => n == 0 && w.letters >= 2 && w.letters > 3,
            _ => false,
        };
        if capital && v.flags(word) & UNIT == 0 {
            end = Some(w.end);
        } else if !joiner {
            break;
        }
        at = w.end;
        // "St. Jonathan", "Mt. Eliza": an abbreviation's dot inside the name.
        if capital
            && w.letters <= 3
            && hay.get(at) == Some(&b'.')
            && hay.get(at + 1) == Some(&b' ')
            && hay.get(at + 2).is_some_and(u8::is_ascii_uppercase)
        {
            at += 1;
        }
    }
    end
}

/// A postcode at `i` in one of the shapes used across Europe and beyond:
/// 4 or 5 digits (DE, FR, IT, ES, AT, CH, HU, DK, NO, BE, AU, US), `NN-NNN`
/// (PL), `NNN NN` (CZ, SK, SE, GR), `NNNN-NNN` (PT), `NNNN AB` (NL), the
/// British outward and inward codes (`SW1A 1AA`, `M1 1AE`) and the Canadian
/// `K1A 0B1`. Returns its end and whether it holds letters (such codes
/// cannot be told from other words alone and need a city before them).
fn postcode(hay: &[u8], i: usize) -> Option<(usize, bool)> {
    let b = *hay.get(i)?;
    let free = |e: usize| !hay.get(e).is_some_and(|&c| lex::is_word_byte(c));
    // "H-7462", "D-10115", "CH-8001", "NL-1012": a country letter code
    // written before the digits.
    for k in 1..=2 {
        if hay
            .get(i..i + k)
            .is_some_and(|p| p.iter().all(u8::is_ascii_uppercase))
            && hay.get(i + k) == Some(&b'-')
            && hay.get(i + k + 1).is_some_and(u8::is_ascii_digit)
        {
            let e = digits_end(hay, i + k + 1);
            return ((4..=5).contains(&(e - i - k - 1)) && free(e)).then_some((e, false));
        }
    }
    if b.is_ascii_digit() {
        let e = digits_end(hay, i);
        let n = e - i;
        let d = |k: usize| hay.get(k).is_some_and(u8::is_ascii_digit);
        let up = |k: usize| hay.get(k).is_some_and(u8::is_ascii_uppercase);
        return match (n, hay.get(e)) {
            (2, Some(b'-')) if digits_end(hay, e + 1) == e + 4 && free(e + 4) => {
                Some((e + 4, false))
            }
            (3, Some(b' ')) if digits_end(hay, e + 1) == e + 3 && free(e + 3) => {
                Some((e + 3, false))
            }
            (4, Some(b'-')) if digits_end(hay, e + 1) == e + 4 && free(e + 4) => {
                Some((e + 4, false))
            }
            (4, Some(b' ')) if up(e + 1) && up(e + 2) && free(e + 3) && !d(e + 3) => {
                Some((e + 3, false))
            }
            // "9036CX": a Dutch code written without its blank.
            (4, Some(_)) if up(e) && up(e + 1) && free(e + 2) && !d(e + 2) => Some((e + 2, false)),
            // "86889-950": a Brazilian CEP; "100-0001": a Japanese code.
            (5, Some(b'-')) if digits_end(hay, e + 1) == e + 4 && free(e + 4) => {
                Some((e + 4, false))
            }
            (3, Some(b'-')) if digits_end(hay, e + 1) == e + 5 && free(e + 5) => {
                Some((e + 5, false))
            }
            // "60656925": a CEP without its dash (only with a town after it).
            (8, _) if free(e) => Some((e, false)),
            (4 | 5, _) if free(e) => Some((e, false)),
            _ => None,
        };
    }
    if !b.is_ascii_uppercase() {
        return None;
    }
    // Outward code: A9, A99, AA9, AA99, A9A, AA9A; then a space and 9AA.
    let mut e = i;
    while e < hay.len()
        && e - i < 4
        && hay[e].is_ascii_alphanumeric()
        && !hay[e].is_ascii_lowercase()
    {
        e += 1;
    }
    let out = &hay[i..e];
    // "X8J1K2": a Canadian code written without its space.
    if let [a, b1, c, d, e2, f] = hay.get(i..i + 6).unwrap_or_default()
        && a.is_ascii_uppercase()
        && b1.is_ascii_digit()
        && c.is_ascii_uppercase()
        && d.is_ascii_digit()
        && e2.is_ascii_uppercase()
        && f.is_ascii_digit()
        && free(i + 6)
    {
        return Some((i + 6, true));
    }
    let inward = hay.get(e + 1..e + 4)?;
    if hay.get(e) != Some(&b' ') || !free(e + 4) {
        return None;
    }
    let uk_out = (2..=4).contains(&out.len())
        && out[1..].iter().any(u8::is_ascii_digit)
        && out.iter().take_while(|c| c.is_ascii_uppercase()).count() <= 2;
    let uk_in = inward[0].is_ascii_digit() && inward[1..].iter().all(u8::is_ascii_uppercase);
    let ca = out.len() == 3
        && out[1].is_ascii_digit()
        && out[2].is_ascii_uppercase()
        && inward[0].is_ascii_digit()
        && inward[1].is_ascii_uppercase()
        && inward[2].is_ascii_digit();
    ((uk_out && uk_in) || ca).then_some((e + 4, true))
}

/// Cue words before an address on its line raise confidence.
fn context_bonus(hay: &[u8], start: usize) -> f32 {
    const CUES: &[&[u8]] = &[
        b"address",
        b"ship to",
        b"shipping",
        b"lives at",
        b"live at",
        b"living at",
        b"billing",
        b"mailing",
        b"deliver",
        b"located at",
        b"reside",
        b"moved to",
        b"send to",
        b"mail to",
        b"adresse",
        b"direcci",
        b"indirizzo",
        b"anschrift",
        b"endere",
        b"wohnt",
        b"street",
        b"home",
    ];
    let from = lex::line_start(hay, start).max(start.saturating_sub(48));
    let mut buf = [0u8; 48];
    let window = &hay[from..start];
    let n = window.len().min(48);
    buf[..n].copy_from_slice(&window[window.len() - n..]);
    buf[..n].make_ascii_lowercase();
    let w = &buf[..n];
    if CUES.iter().any(|c| w.windows(c.len()).any(|x| x == *c)) {
        0.15
    } else {
        0.0
    }
}
