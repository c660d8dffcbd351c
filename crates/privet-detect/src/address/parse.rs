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
        let found = forward(v, hay, p)
            .or_else(|| po_box(v, hay, p))
            .or_else(|| backward(v, hay, p, last_end));
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
    let num_end = house_number(hay, p, 6)?;
    if hay.get(num_end..num_end + 2) == Some(b", ") {
        // "80, rue de Mahe": French puts a comma after the number.
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
    // US order: name words, then a suffix.
    let mut tok = first;
    let mut flags = first_flags;
    let mut suffix: Option<(Tok, u8)> = None;
    for names in 0..=MAX_NAME_WORDS {
        if !tok.capitalized() {
            break;
        }
        if names > 0 && flags & SUFFIX != 0 {
            suffix = Some((tok, flags));
            // "Oak Park Ave": a suffix word that is itself followed by one.
            if let Some(n) = next_token(hay, tok.end).filter(|n| n.capitalized()) {
                let nf = v.flags(&hay[n.start..n.end]);
                if nf & SUFFIX != 0 && names < MAX_NAME_WORDS {
                    suffix = Some((n, nf));
                }
            }
            break;
        }
        let Some(n) = next_token(hay, tok.end) else {
            break;
        };
        tok = n;
        flags = v.flags(&hay[n.start..n.end]);
    }
    if let Some((sfx, sflags)) = suffix {
        let base = if sflags & CORE != 0 { 0.7 } else { 0.45 };
        let (end, extra) = street_tail(v, hay, sfx.end);
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
        let (e, x) = postcode_city(hay, end);
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
    let start = if prev.shape == Shape::Title && v.is_eu_street_word(prev_word) {
        Some(prev.start)
    } else if v.is_eu_street_type(prev_word) {
        // "Berliner Straße 5": the capitalized word before the street type.
        (prev.start > ls + 1 && hay[prev.start - 1] == b' ')
            .then(|| word_before(hay, prev.start - 1, ls))
            .flatten()
            .filter(|w| w.shape == Shape::Title)
            .map(|w| w.start)
    } else {
        prefixed_start(v, hay, prev, ls)
    };
    let (end, extra) = postcode_city(hay, num_end);
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
        None => postcode_city(hay, end),
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

/// Walks back from the capitalized word `last` over name words and joiners to
/// a street type ("Calle", "Via", "Rue", "Avenida"); its start, if found.
fn prefixed_start(v: &Vocab, hay: &[u8], last: Tok, ls: usize) -> Option<usize> {
    if last.shape != Shape::Title {
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

/// What follows a house number written after its street: a postcode and a
/// city in either order (", 10115 Berlin", ", 00-950 Warszawa", " 110 00
/// Praha", ", London SW1A 1AA", ", Toronto, ON M5V 2T6", ", Sydney NSW
/// 2000"). Returns the new end and the confidence the tail adds.
fn postcode_city(hay: &[u8], end: usize) -> (usize, f32) {
    let mut j = end;
    if hay.get(j) == Some(&b'.') {
        j += 1;
    }
    if hay.get(j) == Some(&b',') {
        j += 1;
    }
    if hay.get(j) != Some(&b' ') {
        return (end, 0.0);
    }
    j += 1;
    // Postcode first: the continental order.
    if let Some((z, _)) = postcode(hay, j).filter(|&(_, alpha)| !alpha) {
        // "4223 HW, Someren", "09098, Tanca Marchese": a comma may part them.
        let c = if hay.get(z) == Some(&b',') { z + 1 } else { z };
        if hay.get(c) == Some(&b' ')
            && let Some(c) = city_end(hay, c + 1)
        {
            return (c, 0.2);
        }
        return (end, 0.0);
    }
    // City first, then an optional region code, then the postcode: the
    // British, Canadian, Australian and Nordic orders.
    let Some(c) = city_end(hay, j) else {
        return (end, 0.0);
    };
    let mut k = c;
    if hay.get(k) == Some(&b',') {
        k += 1;
    }
    if hay.get(k) != Some(&b' ') {
        return (end, 0.0);
    }
    k += 1;
    if let Some(w) = lex::read_word(hay, k).filter(|w| {
        w.shape == Shape::Upper && (2..=3).contains(&w.letters) && hay.get(w.end) == Some(&b' ')
    }) {
        // "ON", "NSW", "VIC": a province or state code before the postcode.
        if postcode(hay, w.end + 1).is_some() {
            k = w.end + 1;
        }
    } else if let Some(w) = lex::read_word(hay, k).filter(|w| {
        w.shape == Shape::Upper
            && (2..=3).contains(&w.letters)
            && hay.get(w.end..w.end + 2) == Some(b", ")
    }) {
        // "QLD, 2952": a comma after the code.
        if postcode(hay, w.end + 2).is_some() {
            k = w.end + 2;
        }
    }
    match postcode(hay, k) {
        Some((z, _)) => (z, 0.2),
        None => (end, 0.0),
    }
}

/// The end of one to three capitalized words (a city: "Berlin", "Den
/// Haag", "Zürich", "Praha 1" is read as "Praha") starting at `i`.
fn city_end(hay: &[u8], i: usize) -> Option<usize> {
    let w = lex::read_word(hay, i)?;
    if !matches!(w.shape, Shape::Title | Shape::Upper) || w.letters < 2 {
        return None;
    }
    let mut end = w.end;
    for _ in 0..2 {
        if hay.get(end) != Some(&b' ') {
            break;
        }
        match lex::read_word(hay, end + 1) {
            Some(n) if n.shape == Shape::Title && n.letters >= 2 => end = n.end,
            _ => break,
        }
    }
    Some(end)
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
