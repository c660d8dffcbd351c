//! Context scoring: keywords in a short window before a candidate.
//!
//! Words such as "ssn", "born" or "order" a few bytes before a number decide
//! what it is more reliably than its digits. The window is the same line only,
//! at most [`WINDOW`] bytes, searched case-insensitively with one Aho-Corasick
//! automaton; hits must sit on word boundaries so that "tin" does not fire
//! inside "setting" nor "ip" inside "ship".
//!
//! Evidence is weighed by where it stands, not only by whether it is on the
//! line. A label names the value right after it: an identifier word whose own
//! value stands between it and the candidate (`user_id=42 ssn=...`, "order 1,
//! paid with 4111 ...") labels that value, not the candidate, and is ignored.
//! A type keyword right after a negation ("not a TIN") says what the value is
//! not, so it counts as an identifier label instead of support.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use privet_types::PiiType;

/// How far before a candidate the engine looks for context words.
pub(crate) const WINDOW: usize = 48;

/// What a keyword says about the value after it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cue {
    /// Supports this type.
    Positive(PiiType),
    /// An identifier label (order, invoice, tracking...): numbers after it are ids.
    Identifier,
    /// A bare number label ("#", "no."): an identifier unless a type keyword
    /// also appears ("phone no.", "SSN #").
    Number,
    /// A software version label: dotted numbers after it are versions.
    Version,
    /// "not a", "no": the keyword right after it is denied.
    Negation,
}

const NONE: u8 = u8::MAX;

/// Context found before one candidate: for each cue, the distance in bytes
/// from the end of its nearest keyword to the candidate ([`NONE`] if absent).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Context {
    positive: [u8; PiiType::ALL.len()],
    identifier: u8,
    number: u8,
    version: u8,
}

impl Context {
    /// No context at all.
    pub(crate) const EMPTY: Context = Context {
        positive: [NONE; PiiType::ALL.len()],
        identifier: NONE,
        number: NONE,
        version: NONE,
    };

    /// A keyword for `ty` sits within `max` bytes and nearer than any identifier label.
    pub(crate) fn supports(&self, ty: PiiType, max: usize) -> bool {
        let d = self.positive[ty.index()];
        d != NONE && usize::from(d) <= max && d <= self.identifier
    }

    /// Bytes between the nearest keyword for `ty` and the candidate.
    pub(crate) fn distance(&self, ty: PiiType) -> Option<usize> {
        let d = self.positive[ty.index()];
        (d != NONE).then_some(usize::from(d))
    }

    /// An identifier label sits nearer than any keyword for `ty`.
    pub(crate) fn identifier_for(&self, ty: PiiType) -> bool {
        let positive = self.positive[ty.index()];
        (self.identifier != NONE && self.identifier < positive)
            || (self.number != NONE && positive == NONE)
    }

    /// A version label right before the candidate (at most `max` bytes away).
    pub(crate) fn version_within(&self, max: usize) -> bool {
        self.version != NONE && usize::from(self.version) <= max
    }

    /// Marks `ty` as supported at distance zero (a column header says so).
    pub(crate) fn with(mut self, ty: PiiType) -> Context {
        self.positive[ty.index()] = 0;
        self
    }
}

/// The keyword automaton, built once per detector.
pub(crate) struct ContextScanner {
    ac: AhoCorasick,
    cues: Vec<Cue>,
}

/// Keywords and what they cue. Lower case; matched ASCII case-insensitively.
const KEYWORDS: &[(&str, Cue)] = {
    use Cue::{Identifier as I, Positive as P, Version as V};
    use PiiType::*;
    &[
        ("email", P(Email)),
        ("e-mail", P(Email)),
        ("mail", P(Email)),
        ("phone", P(Phone)),
        ("telephone", P(Phone)),
        ("tel", P(Phone)),
        ("call", P(Phone)),
        ("mobile", P(Phone)),
        ("mob", P(Phone)),
        ("cell", P(Phone)),
        ("cellphone", P(Phone)),
        ("fax", P(Phone)),
        ("whatsapp", P(Phone)),
        ("sms", P(Phone)),
        ("text me", P(Phone)),
        ("reach me", P(Phone)),
        ("ring me", P(Phone)),
        ("contact", P(Phone)),
        ("ph", P(Phone)),
        ("card", P(CardNumber)),
        ("credit", P(CardNumber)),
        ("debit", P(CardNumber)),
        ("visa", P(CardNumber)),
        ("mastercard", P(CardNumber)),
        ("amex", P(CardNumber)),
        ("cc", P(CardNumber)),
        ("pan", P(CardNumber)),
        ("payment", P(CardNumber)),
        ("ssn", P(UsSsn)),
        ("social security", P(UsSsn)),
        ("social", P(UsSsn)),
        ("ss#", P(UsSsn)),
        ("tin", P(UsSsn)),
        ("taxpayer", P(UsSsn)),
        ("iban", P(Iban)),
        ("bank", P(Iban)),
        ("sepa", P(Iban)),
        ("ip", P(IpAddress)),
        ("ipv4", P(IpAddress)),
        ("ipv6", P(IpAddress)),
        ("client", P(IpAddress)),
        ("remote_addr", P(IpAddress)),
        ("remote", P(IpAddress)),
        ("from", P(IpAddress)),
        ("src", P(IpAddress)),
        ("host", P(IpAddress)),
        ("addr", P(IpAddress)),
        ("peer", P(IpAddress)),
        ("born", P(DateOfBirth)),
        ("dob", P(DateOfBirth)),
        ("d.o.b", P(DateOfBirth)),
        ("date of birth", P(DateOfBirth)),
        ("birth", P(DateOfBirth)),
        ("birthday", P(DateOfBirth)),
        ("birthdate", P(DateOfBirth)),
        ("b.", P(DateOfBirth)),
        ("geboren", P(DateOfBirth)),
        ("geb.", P(DateOfBirth)),
        ("n\u{e9}", P(DateOfBirth)),
        ("n\u{e9}e", P(DateOfBirth)),
        ("nacido", P(DateOfBirth)),
        ("nacida", P(DateOfBirth)),
        ("nacimiento", P(DateOfBirth)),
        ("naissance", P(DateOfBirth)),
        // The same cues in German, French, Spanish, Italian, Dutch,
        // Portuguese and Polish (and a few more met in European tickets).
        // Prefixes stand for their inflections only where the next byte is
        // not an ASCII lower-case letter ("urodzi" in "urodziłem").
        ("telefon", P(Phone)),
        ("telefonnummer", P(Phone)),
        ("rufnummer", P(Phone)),
        ("handy", P(Phone)),
        ("handynummer", P(Phone)),
        ("mobil", P(Phone)),
        ("mobilnummer", P(Phone)),
        ("erreichen", P(Phone)),
        ("t\u{e9}l\u{e9}phone", P(Phone)),
        ("t\u{e9}l", P(Phone)),
        ("portable", P(Phone)),
        ("appeler", P(Phone)),
        ("joindre", P(Phone)),
        ("tel\u{e9}fono", P(Phone)),
        ("telefono", P(Phone)),
        ("m\u{f3}vil", P(Phone)),
        ("movil", P(Phone)),
        ("celular", P(Phone)),
        ("ll\u{e1}meme", P(Phone)),
        ("llame", P(Phone)),
        ("llamar", P(Phone)),
        ("cellulare", P(Phone)),
        ("chiamare", P(Phone)),
        ("telefoon", P(Phone)),
        ("telefoonnummer", P(Phone)),
        ("mobiel", P(Phone)),
        ("bellen", P(Phone)),
        ("telefone", P(Phone)),
        ("telem\u{f3}vel", P(Phone)),
        ("ligar", P(Phone)),
        ("telefonu", P(Phone)),
        ("kom\u{f3}rka", P(Phone)),
        ("komorka", P(Phone)),
        ("dzwoni\u{107}", P(Phone)),
        ("puhelin", P(Phone)),
        ("karte", P(CardNumber)),
        ("kreditkarte", P(CardNumber)),
        ("kartennummer", P(CardNumber)),
        ("kreditkartennummer", P(CardNumber)),
        ("carte", P(CardNumber)),
        ("tarjeta", P(CardNumber)),
        ("carta", P(CardNumber)),
        ("kaart", P(CardNumber)),
        ("kaartnummer", P(CardNumber)),
        ("creditcard", P(CardNumber)),
        ("cart\u{e3}o", P(CardNumber)),
        ("cartao", P(CardNumber)),
        ("karta", P(CardNumber)),
        ("karty", P(CardNumber)),
        ("kart", P(CardNumber)),
        ("kortin", P(CardNumber)),
        ("k\u{e1}rtya", P(CardNumber)),
        ("k\u{e1}rtyasz\u{e1}m", P(CardNumber)),
        ("konto", P(Iban)),
        ("kontonummer", P(Iban)),
        ("bankverbindung", P(Iban)),
        ("\u{fc}berweisen", P(Iban)),
        ("compte", P(Iban)),
        ("rib", P(Iban)),
        ("virement", P(Iban)),
        ("cuenta", P(Iban)),
        ("transferencia", P(Iban)),
        ("conto", P(Iban)),
        ("bonifico", P(Iban)),
        ("rekening", P(Iban)),
        ("rekeningnummer", P(Iban)),
        ("conta", P(Iban)),
        ("rachunek", P(Iban)),
        ("konta", P(Iban)),
        ("przelew", P(Iban)),
        ("tilinumero", P(Iban)),
        ("hesap", P(Iban)),
        ("courriel", P(Email)),
        ("correo", P(Email)),
        ("e-posta", P(Email)),
        ("s\u{e4}hk\u{f6}posti", P(Email)),
        ("geburtsdatum", P(DateOfBirth)),
        ("geburtstag", P(DateOfBirth)),
        ("n\u{e9}e le", P(DateOfBirth)),
        ("anniversaire", P(DateOfBirth)),
        ("nac\u{ed}", P(DateOfBirth)),
        ("cumplea\u{f1}os", P(DateOfBirth)),
        ("nascita", P(DateOfBirth)),
        ("nato", P(DateOfBirth)),
        ("nata", P(DateOfBirth)),
        ("compleanno", P(DateOfBirth)),
        ("geboortedatum", P(DateOfBirth)),
        ("verjaardag", P(DateOfBirth)),
        ("nascimento", P(DateOfBirth)),
        ("nasci", P(DateOfBirth)),
        ("nascido", P(DateOfBirth)),
        ("nascida", P(DateOfBirth)),
        ("anivers\u{e1}rio", P(DateOfBirth)),
        ("urodzenia", P(DateOfBirth)),
        ("urodzony", P(DateOfBirth)),
        ("urodzona", P(DateOfBirth)),
        ("urodzi", P(DateOfBirth)),
        ("urodziny", P(DateOfBirth)),
        ("do\u{11f}um", P(DateOfBirth)),
        ("sz\u{fc}let\u{e9}si", P(DateOfBirth)),
        ("narozen\u{ed}", P(DateOfBirth)),
        ("syntym\u{e4}aika", P(DateOfBirth)),
        // Labels of the identifier types found only (or more surely) after them.
        ("nhs", P(UkNhs)),
        ("nhs number", P(UkNhs)),
        ("nhs no", P(UkNhs)),
        ("sin", P(CaSin)),
        ("social insurance", P(CaSin)),
        ("nir", P(FrNir)),
        ("s\u{e9}curit\u{e9} sociale", P(FrNir)),
        ("securite sociale", P(FrNir)),
        ("insee", P(FrNir)),
        ("steuer-id", P(DeTaxId)),
        ("steuerid", P(DeTaxId)),
        ("steuer-identifikationsnummer", P(DeTaxId)),
        ("steueridentifikationsnummer", P(DeTaxId)),
        ("idnr", P(DeTaxId)),
        ("bsn", P(NlBsn)),
        ("burgerservicenummer", P(NlBsn)),
        ("sofinummer", P(NlBsn)),
        ("aadhaar", P(InAadhaar)),
        ("aadhar", P(InAadhaar)),
        ("cpf", P(BrCpf)),
        ("cnpj", P(BrCnpj)),
        ("tfn", P(AuTfn)),
        ("tax file number", P(AuTfn)),
        ("medicare", P(AuMedicare)),
        ("medicare card", P(AuMedicare)),
        ("medicare number", P(AuMedicare)),
        ("itin", P(UsItin)),
        ("individual taxpayer", P(UsItin)),
        ("routing", P(AbaRouting)),
        ("aba", P(AbaRouting)),
        ("rtn", P(AbaRouting)),
        ("transit number", P(AbaRouting)),
        ("imei", P(Imei)),
        ("nino", P(UkNino)),
        ("national insurance", P(UkNino)),
        ("ni number", P(UkNino)),
        ("dni", P(EsDni)),
        ("nie", P(EsDni)),
        ("codice fiscale", P(ItFiscalCode)),
        ("pan card", P(InPan)),
        ("pan number", P(InPan)),
        ("pan no", P(InPan)),
        ("permanent account number", P(InPan)),
        ("nric", P(SgNric)),
        ("fin", P(SgNric)),
        ("vin", P(Vin)),
        ("vehicle identification", P(Vin)),
        ("mac", P(MacAddress)),
        ("hwaddr", P(MacAddress)),
        ("wallet", P(CryptoWallet)),
        ("btc", P(CryptoWallet)),
        ("bitcoin", P(CryptoWallet)),
        ("order", I),
        ("invoice", I),
        ("tracking", I),
        ("track", I),
        ("ref", I),
        ("reference", I),
        ("sku", I),
        ("ticket", I),
        ("id", I),
        ("#", Cue::Number),
        ("no.", Cue::Number),
        ("confirmation", I),
        ("transaction", I),
        ("txn", I),
        ("receipt", I),
        ("shipment", I),
        ("parcel", I),
        ("booking", I),
        ("serial", I),
        ("isbn", I),
        ("batch", I),
        ("version", V),
        ("ver", V),
        ("ver.", V),
        ("v", V),
        ("v.", V),
        ("build", V),
        ("release", V),
        ("firmware", V),
        ("fw", V),
        ("rev", V),
        ("not a", Cue::Negation),
        ("not an", Cue::Negation),
        ("not my", Cue::Negation),
        ("isn't a", Cue::Negation),
        ("is not a", Cue::Negation),
        ("kein", Cue::Negation),
        ("keine", Cue::Negation),
        ("pas un", Cue::Negation),
        ("pas une", Cue::Negation),
        ("no es", Cue::Negation),
        ("non è", Cue::Negation),
        ("geen", Cue::Negation),
        ("nie jest", Cue::Negation),
    ]
};

impl ContextScanner {
    /// Builds the automaton over [`KEYWORDS`].
    pub(crate) fn new() -> Result<ContextScanner, aho_corasick::BuildError> {
        let ac = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            // Leftmost-longest: "date of birth" and "telephone" win over the
            // shorter keywords inside them; a DFA since windows are tiny and many.
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(AhoCorasickKind::DFA))
            .build(KEYWORDS.iter().map(|(k, _)| k))?;
        Ok(ContextScanner {
            ac,
            cues: KEYWORDS.iter().map(|&(_, c)| c).collect(),
        })
    }

    /// Scans the window before `start` in `hay` (same line, at most [`WINDOW`] bytes).
    pub(crate) fn before(&self, hay: &[u8], start: usize) -> Context {
        let lo = start.saturating_sub(WINDOW);
        let lo = memchr::memrchr(b'\n', &hay[lo..start]).map_or(lo, |p| lo + p + 1);
        let window = &hay[lo..start];
        let mut ctx = Context::EMPTY;
        if window.is_empty() {
            return ctx;
        }
        // End of the last negation ("not a"), so the keyword right after it is denied.
        let mut negated_until: Option<usize> = None;
        for hit in self.ac.find_iter(window) {
            let (s, e) = (hit.start(), hit.end());
            let first = window[s];
            let last = window[e - 1];
            // Word boundaries: not inside a longer word ("tin" in "setting").
            if first.is_ascii_alphanumeric() && s > 0 && window[s - 1].is_ascii_alphanumeric() {
                continue;
            }
            if last.is_ascii_alphanumeric()
                && window
                    .get(e)
                    .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            {
                continue;
            }
            let dist = u8::try_from(window.len() - e).unwrap_or(NONE - 1);
            let mut cue = self.cues[hit.pattern().as_usize()];
            if matches!(cue, Cue::Positive(_))
                && negated_until.is_some_and(|n| denies(window, n, s))
            {
                cue = Cue::Identifier;
            }
            // An identifier label whose own value (a digit) stands between it
            // and the candidate labels that value, not the candidate.
            let labels_other = || window[e..].iter().any(u8::is_ascii_digit);
            let slot = match cue {
                Cue::Positive(ty) => &mut ctx.positive[ty.index()],
                Cue::Identifier | Cue::Number | Cue::Version if labels_other() => continue,
                Cue::Identifier => &mut ctx.identifier,
                Cue::Number => &mut ctx.number,
                Cue::Version => &mut ctx.version,
                Cue::Negation => {
                    negated_until = Some(e);
                    continue;
                }
            };
            *slot = (*slot).min(dist);
        }
        ctx
    }
}

/// Whether a negation ending at `neg_end` denies the keyword starting at
/// `start`: nothing but blanks and at most one short word ("un", "mi") between.
fn denies(window: &[u8], neg_end: usize, start: usize) -> bool {
    let Some(between) = window.get(neg_end..start) else {
        return false;
    };
    let word = between.trim_ascii();
    word.len() <= 4 && word.iter().all(u8::is_ascii_alphabetic)
}

impl ContextScanner {
    /// Whether a keyword for `ty` follows the candidate ending at `end` within
    /// `max` bytes in the same clause and says what it is ("1/23/1986 is my
    /// birthday", "22.11.1972 (Geburtsdatum)"): no number or sentence
    /// punctuation in between, and the keyword labels nothing after it
    /// ("... 2025. Date of birth: 1990-01-02" is the next value's label).
    pub(crate) fn follows(&self, hay: &[u8], end: usize, ty: PiiType, max: usize) -> bool {
        let line_end = memchr::memchr(b'\n', &hay[end..]).map_or(hay.len(), |p| end + p);
        let rest = &hay[end..line_end];
        let window = &rest[..rest.len().min(max)];
        self.ac.find_iter(window).any(|hit| {
            let (s, e) = (hit.start(), hit.end());
            let bounded = (s == 0 || !window[s - 1].is_ascii_alphanumeric())
                && !window
                    .get(e)
                    .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
            let clause = !window[..s]
                .iter()
                .any(|b| b.is_ascii_digit() || matches!(b, b'.' | b';' | b'!' | b'?' | b':'));
            let after = &rest[e..rest.len().min(e + 16)];
            let labels_next = after
                .iter()
                .any(|b| b.is_ascii_digit() || matches!(b, b':' | b'='));
            bounded
                && clause
                && !labels_next
                && self.cues[hit.pattern().as_usize()] == Cue::Positive(ty)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(text: &str) -> Context {
        let s = ContextScanner::new().expect("keywords build");
        s.before(text.as_bytes(), text.len())
    }

    #[test]
    fn keywords_on_word_boundaries_only() {
        assert!(ctx("my SSN is ").supports(PiiType::UsSsn, WINDOW));
        assert!(ctx("SSN: ").supports(PiiType::UsSsn, WINDOW));
        assert!(!ctx("settings ").supports(PiiType::UsSsn, WINDOW));
        assert!(!ctx("we ship ").supports(PiiType::IpAddress, WINDOW));
        assert!(ctx("Date of Birth: ").supports(PiiType::DateOfBirth, WINDOW));
        assert!(ctx("mobileNumber=").supports(PiiType::Phone, WINDOW));
    }

    #[test]
    fn nearest_label_wins() {
        let c = ctx("SSN on file, order ");
        assert!(c.identifier_for(PiiType::UsSsn));
        assert!(!c.supports(PiiType::UsSsn, WINDOW));
        let c = ctx("order 7, SSN ");
        assert!(c.supports(PiiType::UsSsn, WINDOW));
        let c = ctx("Phone no. ");
        assert!(c.supports(PiiType::Phone, WINDOW));
        assert!(!c.identifier_for(PiiType::Phone));
        assert!(ctx("Order no. ").identifier_for(PiiType::CardNumber));
        assert!(ctx("# ").identifier_for(PiiType::UsSsn));
    }

    #[test]
    fn an_identifier_label_with_its_own_value_does_not_label_the_next() {
        // The log line: the id labels 537800, the ssn keyword the SSN.
        let c = ctx("msg=\"ssn check submitted\" user_id=537800 submitted=");
        assert!(c.supports(PiiType::UsSsn, WINDOW));
        assert!(!c.identifier_for(PiiType::UsSsn));
        let c = ctx("order 1: paid with ");
        assert!(!c.identifier_for(PiiType::CardNumber));
        // Right before the candidate, an identifier label still wins.
        assert!(ctx("card on file, order ").identifier_for(PiiType::CardNumber));
        assert!(ctx("build 7 of version ").version_within(2));
        assert!(!ctx("version 2 and ").version_within(8));
    }

    #[test]
    fn a_negated_keyword_is_no_support() {
        let c = ctx("Not a TIN ");
        assert!(!c.supports(PiiType::UsSsn, WINDOW));
        assert!(c.identifier_for(PiiType::UsSsn));
        // A negation elsewhere on the line denies nothing.
        assert!(ctx("I am not a robot, my SSN is ").supports(PiiType::UsSsn, WINDOW));
        assert!(!ctx("das ist keine IBAN: ").supports(PiiType::Iban, WINDOW));
        assert!(!ctx("no es mi IBAN ").supports(PiiType::Iban, WINDOW));
    }

    #[test]
    fn cues_in_eight_languages() {
        use PiiType::*;
        let cases: &[(&str, PiiType)] = &[
            // German
            ("Telefon: ", Phone),
            ("Kreditkartennummer: ", CardNumber),
            ("Kontonummer (IBAN): ", Iban),
            ("Geburtsdatum: ", DateOfBirth),
            // French
            ("Vous pouvez m'appeler au ", Phone),
            ("Num\u{e9}ro de carte : ", CardNumber),
            ("Virement sur le compte ", Iban),
            ("Date de naissance : ", DateOfBirth),
            ("Courriel : ", Email),
            // Spanish
            ("Tel\u{e9}fono: ", Phone),
            ("N\u{fa}mero de tarjeta: ", CardNumber),
            ("Mi cuenta es ", Iban),
            ("Nac\u{ed} el ", DateOfBirth),
            // Italian
            ("Mi pu\u{f2} chiamare al ", Phone),
            ("Numero della carta: ", CardNumber),
            ("Bonifico sul conto ", Iban),
            ("Data di nascita: ", DateOfBirth),
            // Dutch
            ("U kunt mij bellen op ", Phone),
            ("Kaartnummer: ", CardNumber),
            ("Mijn rekeningnummer is ", Iban),
            ("Geboortedatum: ", DateOfBirth),
            // Portuguese
            ("Pode me ligar no ", Phone),
            ("N\u{fa}mero do cart\u{e3}o: ", CardNumber),
            ("Data de nascimento: ", DateOfBirth),
            // Polish
            ("Prosz\u{119} dzwoni\u{107} pod numer ", Phone),
            ("Numer karty: ", CardNumber),
            ("Numer konta: ", Iban),
            ("Urodzi\u{142}em si\u{119} ", DateOfBirth),
            ("Data urodzenia: ", DateOfBirth),
        ];
        for (text, ty) in cases {
            assert!(ctx(text).supports(*ty, WINDOW), "{text} {ty}");
        }
    }

    #[test]
    fn keywords_after_the_value() {
        let s = ContextScanner::new().expect("keywords build");
        let t = b"1/23/1986 is my birthday";
        assert!(s.follows(t, 9, PiiType::DateOfBirth, 24));
        let t = b"1/23/1986 and 2/2/2020 is my birthday";
        assert!(!s.follows(t, 9, PiiType::DateOfBirth, 40));
        let t = b"1/23/1986\nmy birthday";
        assert!(!s.follows(t, 9, PiiType::DateOfBirth, 24));
        let t = b"7/21/2025... D.O.B.: Mar 27, 1946";
        assert!(!s.follows(t, 9, PiiType::DateOfBirth, 32));
        let t = b"Dec 7, 2025 I was born on 03.02.1946";
        assert!(!s.follows(t, 11, PiiType::DateOfBirth, 32));
        let t = b"3/6/1977 (date of birth)";
        assert!(s.follows(t, 8, PiiType::DateOfBirth, 32));
    }

    #[test]
    fn window_stops_at_newline() {
        assert!(!ctx("SSN\n").supports(PiiType::UsSsn, WINDOW));
        assert!(ctx("running version ").version_within(2));
    }
}
