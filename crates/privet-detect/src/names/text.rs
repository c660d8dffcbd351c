//! Person names in running text: one pass that jumps between capital letters,
//! reads the capitalized run there, and weighs list membership, letter case,
//! cue words before it and blockers after it.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use memchr::memmem;
use privet_types::{Match, PiiType};

use super::lex::{self, Shape, Word};
use super::lexicon::{
    COMMON, CUE, GIVEN, HONORIFIC, Lexicon, NAME_SUFFIX, ORG, PARTICLE, PRONOUN, STOP, STREET,
    STREET_CORE, STREET_PREFIX, SURNAME,
};

/// Confidence below which a candidate is dropped rather than reported.
const MIN_CONFIDENCE: f32 = 0.5;
/// The most name words a run may hold ("María José García López").
const MAX_NAME_WORDS: usize = 4;

/// What a token inside a capitalized run is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Name,
    Initial,
    Particle,
    Suffix,
}

#[derive(Clone, Copy)]
struct Tok {
    end: usize,
    flags: u16,
    kind: Kind,
}

/// A run of name-like tokens on one line, plus what stopped it.
struct Run {
    start: usize,
    toks: [Tok; 8],
    len: usize,
    /// Flags of the capitalized word right after the run (0 if none).
    blocker: u16,
}

/// How much the words before a candidate say it is a person.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Ctx {
    /// "rue du", "Calle": the words are a street name.
    Street,
    /// "in", "near", "at": a place is more likely.
    Place,
    None,
    /// "from", "by", "with".
    Weak,
    /// "my name is", "I am", "customer", "cc:", a sign-off on the line above.
    Strong,
}

/// Appends the person names found in `hay` to `out`.
pub(super) fn find(lx: &Lexicon, hay: &[u8], out: &mut Vec<Match>) {
    let mut i = 0;
    while let Some(p) = lex::next_upper_or_high(hay, i) {
        if p > 0 && lex::is_word_byte(hay[p - 1]) {
            i = skip_word(hay, p);
            continue;
        }
        let Some(w) = lex::read_word(hay, p) else {
            i = skip_word(hay, p + 1);
            continue;
        };
        match candidate(lx, hay, w) {
            Some(m) => {
                i = m.end;
                out.push(m);
            }
            None => i = w.end,
        }
    }
}

/// Phrases after which a word is a name even when written in lower case
/// ("my name is maria garcia", "call me kenji"): chat text often drops
/// capitals, and these say outright that a name follows.
pub(super) const LOWER_CUES: &[&[u8]] = &[
    b"name is ",
    b"call me ",
    b"i'm ",
    b"I'm ",
    b"i am ",
    b"I am ",
    b"this is ",
    b"named ",
    b"hi ",
    b"hello ",
    b"hey ",
    b"dear ",
    b"thanks ",
    b"thank you ",
];

/// One searcher per entry of [`LOWER_CUES`], built once: building a
/// substring searcher costs more than running it over a short cell.
static LOWER_CUE_FINDERS: LazyLock<Vec<memmem::Finder<'static>>> =
    LazyLock::new(|| LOWER_CUES.iter().map(memmem::Finder::new).collect());

/// Whether any of [`LOWER_CUES`] occurs, in one pass.
pub(super) static ANY_LOWER_CUE: LazyLock<AhoCorasick> =
    LazyLock::new(|| AhoCorasick::new(LOWER_CUES).expect("a few short literal cues always build"));

/// Appends lower-case names that follow an explicit cue in `hay` to `out`:
/// a known given name that is no common word, and a known surname after it.
pub(super) fn find_lower(lx: &Lexicon, hay: &[u8], out: &mut Vec<Match>) {
    // Most text and nearly every table cell holds no cue: one pass of one
    // automaton says so, where the searchers below make one pass per cue.
    if !ANY_LOWER_CUE.is_match(hay) {
        return;
    }
    for (n, (cue, finder)) in LOWER_CUES.iter().zip(LOWER_CUE_FINDERS.iter()).enumerate() {
        // The first two say outright that a name follows, so a given name
        // that is also a word counts there ("my name is grace").
        let outright = n < 2 || *cue == b"named ";
        if hay.len() < cue.len() {
            continue;
        }
        for at in finder.find_iter(hay) {
            if at > 0 && lex::is_word_byte(hay[at - 1]) {
                continue;
            }
            out.extend(lower_name(lx, hay, at + cue.len(), outright));
        }
    }
}

/// "maria", "maria garcia" at `i`: lower-case words the lists know as a
/// given name and (optionally) a surname.
fn lower_name(lx: &Lexicon, hay: &[u8], i: usize, outright: bool) -> Option<Match> {
    let plain = |f: u16| f & (COMMON | STOP | ORG | CUE | HONORIFIC | STREET) == 0;
    let w = lex::read_word(hay, i).filter(|w| w.shape == Shape::Lower && w.letters >= 2)?;
    let f = lx.word_flags(&hay[w.start..w.end]);
    let ok = if outright {
        f & GIVEN != 0 && f & (STOP | ORG | CUE | HONORIFIC) == 0
    } else {
        f & GIVEN != 0 && plain(f)
    };
    if !ok {
        return None;
    }
    let mut end = w.end;
    let mut conf = if plain(f) { 0.7 } else { 0.6 };
    if hay.get(end) == Some(&b' ')
        && let Some(n) = lex::read_word(hay, end + 1).filter(|n| n.shape == Shape::Lower)
    {
        let nf = lx.word_flags(&hay[n.start..n.end]);
        if nf & (SURNAME | GIVEN) != 0 && plain(nf) {
            end = n.end;
            conf = 0.8;
        }
    }
    if hay.get(end).is_some_and(|&b| lex::is_word_byte(b)) {
        return None;
    }
    name_match(w.start, end, conf)
}

/// True when, after optional punctuation and blanks, a capital (or a UTF-8
/// letter) follows `end`: without one, a word can only be a lone name.
#[inline]
fn capital_follows(hay: &[u8], end: usize) -> bool {
    let mut j = end;
    if matches!(hay.get(j), Some(b',' | b':' | b'!' | b'.' | b'-')) {
        j += 1;
    }
    let k = lex::skip_blanks(hay, j);
    k > j
        && hay
            .get(k)
            .is_some_and(|&b| lex::CLASS[b as usize] & (lex::UPPER | lex::HIGH) != 0)
}

/// Cheap test whether a cue can precede a lone word at `start`: it opens its
/// line (a sign-off may be above) or follows a word (not ". " or digits).
#[inline]
fn may_have_cue(hay: &[u8], start: usize) -> bool {
    let mut i = start;
    while i > 0 && matches!(hay[i - 1], b' ' | b'\t' | b':' | b',') {
        i -= 1;
    }
    i == 0
        || hay[i - 1] == b'\n'
        || lex::CLASS[hay[i - 1] as usize] & (lex::LOWER | lex::UPPER | lex::HIGH) != 0
        // "[10:32] Ana:", "10:32 Ana:": a chat line's time stamp.
        || hay[i - 1] == b']'
        || hay[i - 1].is_ascii_digit()
}

fn skip_word(hay: &[u8], mut i: usize) -> usize {
    while i < hay.len() && lex::is_word_byte(hay[i]) {
        i += 1;
    }
    i
}

fn name_match(start: usize, end: usize, confidence: f32) -> Option<Match> {
    (confidence >= MIN_CONFIDENCE && end > start).then_some(Match {
        ty: PiiType::PersonName,
        start,
        end,
        confidence: confidence.min(0.99),
    })
}

/// Judges the capitalized word `w` as the start of a name, a cue or a title.
fn candidate(lx: &Lexicon, hay: &[u8], w: Word) -> Option<Match> {
    match w.shape {
        Shape::Upper if hay.get(w.end) == Some(&b',') => {
            let flags = lx.word_flags(&hay[w.start..w.end]);
            let strong = context_before(lx, hay, w.start) == Ctx::Strong;
            return surname_comma_given(lx, hay, w, flags, strong);
        }
        Shape::Title if capital_follows(hay, w.end) || may_have_cue(hay, w.start) => {}
        _ => return None,
    }
    let flags = lx.word_flags(&hay[w.start..w.end]);
    if flags & STREET_PREFIX != 0 {
        return None;
    }
    if flags & HONORIFIC != 0 && !after_house_number(hay, w.start) {
        return after_honorific(lx, hay, w);
    }
    // "Nimi: Jorma Nykänen": a cue word that some list also holds as a name
    // is a field label when a colon follows it, not a chat speaker.
    if flags & CUE != 0 && (flags & GIVEN == 0 || hay.get(w.end) == Some(&b':')) {
        return after_cue(lx, hay, w);
    }
    if flags & (STOP | ORG | STREET) != 0 && flags & (GIVEN | SURNAME) == 0 {
        return None;
    }
    if flags & (GIVEN | SURNAME) == 0 && flags & COMMON != 0 {
        return None;
    }
    let run = read_run(lx, hay, w, flags);
    if run.blocker & (ORG | STREET) != 0 || after_house_number(hay, w.start) {
        return None;
    }
    let mut ctx = context_before(lx, hay, w.start);
    if run.names() == 1
        && let Some(m) = surname_comma_given(lx, hay, w, flags, ctx == Ctx::Strong)
    {
        return Some(m);
    }
    if ctx == Ctx::None
        && flags & STOP == 0
        && (flags & COMMON == 0 || flags & GIVEN != 0)
        && speaker_label(hay, w.start, &run)
    {
        // "Maria: the app crashed": a chat transcript's speaker label.
        ctx = Ctx::Strong;
    }
    judge_run(&run, hay, ctx)
}

/// True when `run` opens its line (after an optional "[10:32]" or "10:32"
/// time stamp) and a colon and a blank follow it: a chat speaker label.
/// A word the lists know as a name will do; an unknown one ("Adasal:")
/// needs the time stamp, since "Kubernetes: ..." opens lines too.
fn speaker_label(hay: &[u8], start: usize, run: &Run) -> bool {
    let end = run.toks[run.len - 1].end;
    if hay.get(end) != Some(&b':') || !hay.get(end + 1).is_none_or(|&b| b == b' ' || b == b'\t') {
        return false;
    }
    let ls = lex::line_start(hay, start);
    let before = &hay[ls..start];
    let stamp_only = before.iter().all(|&b| {
        b.is_ascii_digit()
            || matches!(
                b,
                b' ' | b'\t' | b'[' | b']' | b':' | b'-' | b'<' | b'>' | b'(' | b')'
            )
    });
    if !stamp_only {
        return false;
    }
    let known = run.toks[..run.len]
        .iter()
        .any(|t| t.kind == Kind::Name && t.flags & (GIVEN | SURNAME) != 0);
    let stamped = before.contains(&b':') && before.iter().any(u8::is_ascii_digit);
    known || stamped
}

impl Run {
    fn names(&self) -> usize {
        self.toks[..self.len]
            .iter()
            .filter(|t| t.kind == Kind::Name)
            .count()
    }
}

/// Reads up to [`MAX_NAME_WORDS`] name words (with initials, particles and
/// Jr/Sr suffixes) separated by single spaces, starting with `first`.
fn read_run(lx: &Lexicon, hay: &[u8], first: Word, first_flags: u16) -> Run {
    let first_kind = if first.letters == 1 {
        Kind::Initial
    } else {
        Kind::Name
    };
    let mut run = Run {
        start: first.start,
        toks: [Tok {
            end: first.end,
            flags: first_flags,
            kind: first_kind,
        }; 8],
        len: 1,
        blocker: 0,
    };
    let mut names = usize::from(first_kind == Kind::Name);
    let mut j = first.end;
    while run.len < run.toks.len() {
        let last = run.toks[run.len - 1];
        if last.kind == Kind::Initial && hay.get(j) == Some(&b'.') {
            j += 1;
        }
        if hay.get(j) != Some(&b' ') {
            break;
        }
        let Some(w) = lex::read_word(hay, j + 1) else {
            break;
        };
        let flags = lx.word_flags(&hay[w.start..w.end]);
        let kind = match w.shape {
            Shape::Title if w.letters == 1 => Kind::Initial,
            Shape::Title | Shape::Upper if flags & NAME_SUFFIX != 0 => Kind::Suffix,
            Shape::Title
                if flags & (STOP | ORG | STREET) != 0 && flags & (GIVEN | SURNAME) == 0 =>
            {
                run.blocker = flags;
                break;
            }
            Shape::Title
                if names >= 1
                    && (flags & (ORG | STREET_CORE) != 0
                        || flags & STREET != 0 && flags & SURNAME == 0) =>
            {
                // "Jackson Street", "Ford Motor": a known name, but the run
                // goes on as an organisation or a street. A suffix that is
                // also a surname ("Tony Green", "Adam Mills") goes on as a
                // name: a house number before it makes it a street instead.
                run.blocker = flags;
                break;
            }
            Shape::Title => Kind::Name,
            Shape::Lower if flags & PARTICLE != 0 => Kind::Particle,
            _ => break,
        };
        if kind == Kind::Name {
            if names == MAX_NAME_WORDS {
                run.blocker = flags;
                break;
            }
            names += 1;
        }
        run.toks[run.len] = Tok {
            end: w.end,
            flags,
            kind,
        };
        run.len += 1;
        j = w.end;
        if kind == Kind::Suffix {
            break;
        }
    }
    // A particle or initial cannot end a name.
    while run.len > 1 && matches!(run.toks[run.len - 1].kind, Kind::Particle) {
        run.len -= 1;
    }
    run
}

/// Scores the longest acceptable prefix of `run`.
fn judge_run(run: &Run, hay: &[u8], ctx: Ctx) -> Option<Match> {
    if ctx == Ctx::Street {
        return None;
    }
    let toks = &run.toks[..run.len];
    let names: Vec<(usize, Tok)> = toks
        .iter()
        .copied()
        .enumerate()
        .filter(|(_, t)| t.kind == Kind::Name)
        .collect();
    if names.is_empty() {
        return None;
    }
    if toks[0].kind == Kind::Initial {
        // "J. Smith": an initial then a known surname.
        let (_, last) = *names.last()?;
        let ok = last.flags & SURNAME != 0 && last.flags & COMMON == 0;
        let conf = if ok { 0.55 } else { 0.0 } + ctx_bonus(ctx);
        return name_match(run.start, last.end, conf);
    }
    if names.len() == 1 {
        return single_word(run.start, toks[0], hay, ctx);
    }
    for k in (2..=names.len()).rev() {
        let first = names[0].1;
        let (last_idx, last) = names[k - 1];
        let middles = &names[1..k - 1];
        if middles
            .iter()
            .any(|(_, t)| t.flags & (GIVEN | SURNAME) == 0 && t.flags & (COMMON | STOP) != 0)
        {
            continue;
        }
        let conf = pair_score(first.flags, last.flags, ctx);
        if conf >= MIN_CONFIDENCE {
            let end = suffix_after(toks, last_idx).unwrap_or(last.end);
            return name_match(run.start, end, conf);
        }
    }
    if ctx == Ctx::Strong {
        return single_word(run.start, toks[0], hay, ctx);
    }
    None
}

/// End of a Jr/Sr/III token right after name `idx`, if there is one.
fn suffix_after(toks: &[Tok], idx: usize) -> Option<usize> {
    toks.get(idx + 1)
        .filter(|t| t.kind == Kind::Suffix)
        .map(|t| t.end)
}

fn ctx_bonus(ctx: Ctx) -> f32 {
    match ctx {
        Ctx::Street => -1.0,
        Ctx::Place => -0.2,
        Ctx::None => 0.0,
        Ctx::Weak => 0.05,
        Ctx::Strong => 0.15,
    }
}

/// Confidence for "First Last" from what the lists say about both words.
fn pair_score(first: u16, last: u16, ctx: Ctx) -> f32 {
    if first & PRONOUN != 0 && ctx != Ctx::Strong {
        // "My Thai ID", "Our Lane": a pronoun that some list also holds as a
        // name opens one only when a cue says a name follows.
        return 0.0;
    }
    let given = first & GIVEN != 0;
    let first_plain = first & (COMMON | STOP) == 0;
    let surname = last & SURNAME != 0;
    let last_plain = last & (COMMON | STOP) == 0;
    let strong = ctx == Ctx::Strong;
    let base = match (given, first_plain, surname, last_plain) {
        // "Maria Garcia", "John Brown".
        (true, true, true, _) => 0.9,
        // "Maria Quispe": known given name, plausible unknown surname.
        (true, true, false, true) => 0.7,
        // "Grant Thompson": ambiguous given name, clear surname.
        (true, false, true, true) => 0.72,
        // "Mark Young", "Will Power": both words are names and words; the
        // capitalized pair still leans to a name, weakly.
        (true, false, true, false) => 0.52,
        // "Oluwaseun Adeyemi": unknown given name, clear surname.
        (false, true, true, true) => 0.62,
        // "Wang Wei", "Nguyen An": surname first, given name last.
        (false, true, false, _) if first & SURNAME != 0 && last & GIVEN != 0 && last_plain => 0.62,
        // "Sofia Çelik" after a cue: an ambiguous given name, a plain surname.
        (true, false, false, true) if strong => 0.55,
        // Two unknown capitalized words, after "my name is" or "Dear".
        (false, true, false, true) if strong => 0.5,
        _ => return 0.0,
    };
    base + ctx_bonus(ctx)
}

/// A lone capitalized word is a name only with a cue before it.
fn single_word(start: usize, tok: Tok, hay: &[u8], ctx: Ctx) -> Option<Match> {
    if ctx != Ctx::Strong || tok.kind != Kind::Name {
        return None;
    }
    let f = tok.flags;
    if f & (STOP | ORG | STREET) != 0 && f & GIVEN == 0 {
        return None;
    }
    let closed = matches!(
        hay.get(tok.end),
        None | Some(b',' | b'!' | b'.' | b'\n' | b'\r' | b':' | b';' | b')' | b'?')
    ) || hay.get(tok.end..tok.end + 2) == Some(b" -");
    if f & STOP != 0 && !closed {
        // "thanks You can reach me", "thanks My card": a pronoun or weekday
        // that a list also holds as a name is one alone only when nothing
        // but punctuation follows it ("Thanks, My!").
        return None;
    }
    let conf = if f & GIVEN != 0 && f & COMMON == 0 {
        0.7
    } else if f & (GIVEN | SURNAME) != 0 && closed || f & GIVEN != 0 {
        // A given name that is also a word ("Maria", "Grace") right after
        // a cue is the name more often than not.
        0.6
    } else if f & COMMON == 0 && closed {
        0.55
    } else {
        return None;
    };
    name_match(start, tok.end, conf)
}

/// "Mr. Smith", "Dr Ana María López": the name after a title, title excluded.
fn after_honorific(lx: &Lexicon, hay: &[u8], w: Word) -> Option<Match> {
    let mut j = w.end;
    if hay.get(j) == Some(&b'.') {
        j += 1;
    }
    if hay.get(j) != Some(&b' ') {
        return None;
    }
    let next = lex::read_word(hay, j + 1)?;
    if next.shape != Shape::Title && next.shape != Shape::Upper {
        return None;
    }
    let flags = lx.word_flags(&hay[next.start..next.end]);
    if flags & (STOP | ORG | STREET | HONORIFIC) != 0 && flags & (GIVEN | SURNAME) == 0 {
        return None;
    }
    let run = read_run(lx, hay, next, flags);
    if run.blocker & ORG != 0 {
        return None;
    }
    let toks = &run.toks[..run.len];
    let last_name = toks.iter().rposition(|t| t.kind == Kind::Name)?;
    let end = suffix_after(toks, last_name).unwrap_or(toks[last_name].end);
    let known = toks[..=last_name]
        .iter()
        .any(|t| t.flags & (GIVEN | SURNAME) != 0);
    let plain = toks[..=last_name].iter().all(|t| t.flags & COMMON == 0);
    let conf = match (known, plain) {
        (true, _) => 0.9,
        (false, true) => 0.8,
        (false, false) => 0.55,
    };
    name_match(run.start, end, conf)
}

/// "Hi Maria,", "Thanks, Ada Lovelace", "Customer: José García".
fn after_cue(lx: &Lexicon, hay: &[u8], w: Word) -> Option<Match> {
    let mut j = w.end;
    if matches!(hay.get(j), Some(b',' | b':' | b'!' | b'-')) {
        j += 1;
    }
    let k = lex::skip_blanks(hay, j);
    if k == j && k == w.end {
        return None;
    }
    let next = lex::read_word(hay, k)?;
    if next.shape != Shape::Title {
        return None;
    }
    let flags = lx.word_flags(&hay[next.start..next.end]);
    if flags & HONORIFIC != 0 {
        return after_honorific(lx, hay, next);
    }
    if flags & (STOP | ORG | STREET | CUE) != 0 && flags & GIVEN == 0 {
        return None;
    }
    let run = read_run(lx, hay, next, flags);
    if run.blocker & (ORG | STREET) != 0 {
        return None;
    }
    if run.names() == 1
        && let Some(m) = surname_comma_given(lx, hay, next, flags, true)
    {
        return Some(m);
    }
    judge_run(&run, hay, Ctx::Strong)
}

/// "LOVELACE, Ada" or "Lovelace, Ada": a known surname, a comma, a known
/// given name.
fn surname_comma_given(
    lx: &Lexicon,
    hay: &[u8],
    w: Word,
    flags: u16,
    strong: bool,
) -> Option<Match> {
    // After a cue ("Customer: Girard, Gaspard") unknown but plain words do.
    let plain = |f: u16| f & (COMMON | STOP | ORG | STREET | CUE) == 0;
    let surname_ok = if strong {
        flags & SURNAME != 0 || plain(flags)
    } else {
        flags & SURNAME != 0 && (flags & COMMON == 0 || w.shape == Shape::Upper)
    };
    if !surname_ok {
        return None;
    }
    if hay.get(w.end..w.end + 2) != Some(b", ") {
        return None;
    }
    let g = lex::read_word(hay, w.end + 2)?;
    if g.shape != Shape::Title && g.shape != w.shape {
        return None;
    }
    let gf = lx.word_flags(&hay[g.start..g.end]);
    let given_ok = if strong {
        gf & GIVEN != 0 || plain(gf)
    } else {
        gf & GIVEN != 0 && gf & (COMMON | STOP) == 0
    };
    if !given_ok {
        return None;
    }
    // "Smith, John Brown and ..." is a list of people, not one inverted name.
    let run = read_run(lx, hay, g, gf);
    let toks = &run.toks[..run.len];
    let more: Vec<&Tok> = toks
        .iter()
        .skip(1)
        .filter(|t| t.kind == Kind::Name)
        .collect();
    // "Customer: Duong, Thu Trang |": after a cue, a two-word given name that
    // closes its field (Vietnamese, Korean and Chinese given names often are
    // two words) belongs to the surname before the comma.
    let two_word_given = strong
        && more.len() == 1
        && toks.last().is_some_and(|t| t.kind == Kind::Name)
        && more[0].flags & GIVEN != 0
        && more[0].flags & (COMMON | STOP | ORG | STREET | CUE) == 0
        && field_closes(hay, more[0].end);
    if !more.is_empty() && !two_word_given {
        return None;
    }
    let end = if two_word_given {
        more[0].end
    } else {
        toks.iter()
            .take_while(|t| t.kind != Kind::Name || t.end == g.end)
            .map(|t| t.end)
            .last()
            .unwrap_or(g.end)
    };
    let ctx = context_before(lx, hay, w.start);
    name_match(w.start, end, 0.75 + ctx_bonus(ctx))
}

/// True when a field ends at `end`: the line ends, or a column separator,
/// closing quote or bracket follows (after optional blanks).
fn field_closes(hay: &[u8], end: usize) -> bool {
    let blanks = hay[end..].iter().take_while(|&&b| b == b' ').count();
    matches!(
        hay.get(end + blanks),
        None | Some(b'\n' | b'\r' | b'|' | b';' | b'\t' | b'"' | b')' | b']' | b'>')
    )
}

/// True when a house number and street-name words come right before `start`
/// on its line ("12 Oak Dr"), so the capitalized word is part of an address.
fn after_house_number(hay: &[u8], start: usize) -> bool {
    let ls = lex::line_start(hay, start);
    let mut i = start;
    for _ in 0..5 {
        // Step back over one space and one word.
        if i == ls || hay[i - 1] != b' ' {
            return false;
        }
        let end = i - 1;
        let mut s = end;
        while s > ls && lex::is_word_byte(hay[s - 1]) {
            s -= 1;
        }
        if s == end {
            return false;
        }
        let word = &hay[s..end];
        if word[0].is_ascii_digit() {
            return word.iter().take_while(|b| b.is_ascii_digit()).count() <= 6;
        }
        if !word[0].is_ascii_uppercase() {
            return false;
        }
        i = s;
    }
    false
}

/// Reads the cue words before a candidate on its line, or a sign-off ending
/// the line above when the candidate opens its line.
fn context_before(lx: &Lexicon, hay: &[u8], start: usize) -> Ctx {
    let ls = lex::line_start(hay, start);
    let before = hay[ls..start].trim_ascii();
    if before == b"--" || before == "\u{2014}".as_bytes() || before == "\u{2013}".as_bytes() {
        // "-- Ada Lovelace": an e-mail signature.
        return Ctx::Strong;
    }
    if before.is_empty() {
        return if ls > 0 && signoff_line(lx, &hay[lex::line_start(hay, ls - 1)..ls - 1]) {
            Ctx::Strong
        } else {
            Ctx::None
        };
    }
    let mut words: [&[u8]; 3] = [b""; 3];
    let mut n = 0;
    let mut i = start;
    // "Oak Dr, Austin": a title followed by a comma is a street suffix.
    let mut comma_after_first = false;
    let floor = ls.max(start.saturating_sub(48));
    while n < 3 && i > floor {
        // Skip separators back to the end of the previous word.
        while i > floor && !lex::is_word_byte(hay[i - 1]) && hay[i - 1] != b'\'' {
            if !matches!(
                hay[i - 1],
                b' ' | b'\t' | b':' | b',' | b'-' | b'(' | b'"' | b'='
            ) {
                break;
            }
            comma_after_first |= n == 0 && hay[i - 1] == b',';
            i -= 1;
        }
        let end = i;
        while i > floor && (lex::is_word_byte(hay[i - 1]) || hay[i - 1] == b'\'') {
            i -= 1;
        }
        if i == end {
            break;
        }
        words[n] = &hay[i..end];
        n += 1;
    }
    if abbreviated_street_before(lx, hay, start, floor) {
        return Ctx::Street;
    }
    let mut keys = [[0u8; lex::MAX_KEY]; 3];
    let mut k: [&[u8]; 3] = [b""; 3];
    for (idx, (w, buf)) in words.iter().zip(keys.iter_mut()).take(n).enumerate() {
        k[idx] = lex::fold(w, buf).unwrap_or(b"");
    }
    match (k[0], k[1], k[2]) {
        (b"is", b"name", _) | (b"am", b"i", _) | (b"im", _, _) | (b"is", b"this", _) => Ctx::Strong,
        (b"names", _, _) | (b"called", _, _) | (b"named", _, _) => Ctx::Strong,
        // "call me Ana", "said Maria to ...", "asked Kenji": verbs of speech
        // and address put a person right after them.
        (b"me", b"call", _) | (b"me", b"calls", _) | (b"you", b"thank", _) => Ctx::Strong,
        // "Got it Dóra, one moment": an acknowledgement addresses the
        // person right after it, as a greeting does.
        (b"it", b"got", _) => Ctx::Strong,
        (b"said" | b"says" | b"asked" | b"asks" | b"replied" | b"wrote" | b"told", _, _) => {
            Ctx::Strong
        }
        // "nazywam się Ewa", "je m'appelle Luc", "me llamo Ana", "mi chiamo
        // Gianni", "ich heiße Jonas", "meu nome é João", "mijn naam is Daan".
        (b"sie", b"nazywam", _)
        | (b"mappelle" | b"appelle", _, _)
        | (b"llamo", _, _)
        | (b"chiamo", _, _) => Ctx::Strong,
        (b"heisse" | b"heisst", _, _) | (b"e", b"nome", _) | (b"is", b"naam", _) => Ctx::Strong,
        (b"es", b"nombre", _) | (b"est", b"nom", _) | (b"ist", b"name", _) => Ctx::Strong,
        // "Nimeni on Saara", "Jmenuji se Luboš", "Benim adım Özay".
        (b"on", b"nimeni", _) | (b"se", b"jmenuji", _) | (b"adim", _, _) => Ctx::Strong,
        // "Vivo en", "Moro na", "Abito in", "moro em": a place follows.
        (b"en" | b"na" | b"em", _, _) if words[0].first().is_some_and(u8::is_ascii_lowercase) => {
            Ctx::Place
        }
        (b"in" | b"near" | b"at", _, _) => Ctx::Place,
        // Lowercase "via" is "by way of", not Italian "Via".
        (b"via", _, _) if words[0].first().is_some_and(u8::is_ascii_lowercase) => Ctx::Weak,
        (w, _, _) if lx.get(w) & STREET_PREFIX != 0 => Ctx::Street,
        (w, s, _) if lx.get(w) & PARTICLE != 0 && lx.get(s) & STREET_PREFIX != 0 => Ctx::Street,
        (b"from" | b"by" | b"to" | b"with" | b"per" | b"spoke" | b"love", _, _) => Ctx::Weak,
        (w, _, _) if !w.is_empty() && lx.get(w) & CUE != 0 => Ctx::Strong,
        (w, _, _) if !w.is_empty() && !comma_after_first && lx.get(w) & HONORIFIC != 0 => {
            Ctx::Strong
        }
        _ => Ctx::None,
    }
}

/// True when an abbreviated street type and its dot stand before `start`,
/// with at most one particle between: "av. Victor Hugo", "av. du Général
/// Leclerc", "Ctra. de Valencia". The word scan of [`context_before`] stops
/// at the dot, which also ends sentences.
fn abbreviated_street_before(lx: &Lexicon, hay: &[u8], start: usize, floor: usize) -> bool {
    let word_before = |end: usize| {
        let mut s = end;
        while s > floor && lex::is_word_byte(hay[s - 1]) {
            s -= 1;
        }
        (s < end).then_some(s)
    };
    let mut i = start;
    for hop in 0..2 {
        if i <= floor + 1 || hay[i - 1] != b' ' {
            return false;
        }
        i -= 1;
        if hay[i - 1] == b'.' {
            let Some(s) = word_before(i - 1) else {
                return false;
            };
            let mut buf = [0u8; lex::MAX_KEY];
            return lex::fold(&hay[s..i - 1], &mut buf)
                .is_some_and(|k| lx.get(k) & STREET_PREFIX != 0);
        }
        // One particle may stand between: "av. du Général".
        let Some(s) = word_before(i) else {
            return false;
        };
        let mut buf = [0u8; lex::MAX_KEY];
        let particle = hay[s].is_ascii_lowercase()
            && lex::fold(&hay[s..i], &mut buf).is_some_and(|k| lx.get(k) & PARTICLE != 0);
        if hop == 1 || !particle {
            return false;
        }
        i = s;
    }
    false
}

/// "Thanks,", "Best regards,", "Cheers" on a line of their own.
fn signoff_line(lx: &Lexicon, line: &[u8]) -> bool {
    let line = line.trim_ascii();
    let line = line.strip_suffix(b",").unwrap_or(line).trim_ascii_end();
    if line.is_empty() || line.len() > 40 {
        return false;
    }
    let last = line.rsplit(|&b| b == b' ').next().unwrap_or(line);
    let mut buf = [0u8; lex::MAX_KEY];
    let Some(key) = lex::fold(last, &mut buf) else {
        return false;
    };
    matches!(
        key,
        b"thanks"
            | b"regards"
            | b"cheers"
            | b"sincerely"
            | b"best"
            | b"yours"
            | b"wishes"
            | b"respectfully"
            | b"cordially"
            | b"love"
            | b"gracias"
            | b"merci"
            | b"danke"
            | b"saludos"
            | b"grazie"
            | b"obrigado"
            | b"obrigada"
            | b"signed"
    ) && lx.get(key) & CUE != 0
        || key == b"yours"
        || key == b"wishes"
}
