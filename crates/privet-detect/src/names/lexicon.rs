//! The word lexicon behind name detection: public name lists (see
//! `data/README.md`) plus small hand-written sets of honorifics, cue words and
//! blockers, merged into one map from folded word to flag bits.

use super::lex::{self, MAX_KEY};

/// Known given name.
pub(crate) const GIVEN: u16 = 1;
/// Known surname.
pub(crate) const SURNAME: u16 = 1 << 1;
/// A common English word (or month, place): a name that needs more evidence.
pub(crate) const COMMON: u16 = 1 << 2;
/// Mr, Mrs, Dr ...: the next capitalized words are a name.
pub(crate) const HONORIFIC: u16 = 1 << 3;
/// Hi, Dear, Thanks, Regards, Customer, Agent ...: a name may follow.
pub(crate) const CUE: u16 = 1 << 4;
/// Lowercase particle inside a name: van, de, da, von, al ...
pub(crate) const PARTICLE: u16 = 1 << 5;
/// Inc, LLC, GmbH, University ...: the capitalized run is an organisation.
pub(crate) const ORG: u16 = 1 << 6;
/// A USPS street suffix (Street, Ave, Blvd ...): the run is a street.
pub(crate) const STREET: u16 = 1 << 7;
/// Never part of a name: weekdays, log levels, pronouns, "The" ...
pub(crate) const STOP: u16 = 1 << 8;
/// Jr, Sr, II, III, PhD: may close a name.
pub(crate) const NAME_SUFFIX: u16 = 1 << 9;
/// Rue, Calle, Via ...: a street type written before the street name.
pub(crate) const STREET_PREFIX: u16 = 1 << 10;

/// Street, Avenue, Road ...: street words that are never read as a surname
/// ("Jackson Street"), unlike Hill, Mills, Green or Lane ("Tony Green").
pub(crate) const STREET_CORE: u16 = 1 << 11;

/// I, you, my, our, the ...: a pronoun or article that some list also holds
/// as a name ("My", "You") opens a name only after an outright cue; "My Thai
/// ID" and "thanks You can reach me" are sentences. Weekday abbreviations
/// ("Sun Qiang", "Thu Trang") are not in this set: as the first word of two
/// they are names more often than not.
pub(crate) const PRONOUN: u16 = 1 << 12;

/// The words of [`PRONOUN`].
const PRONOUNS: &[&str] = &[
    "i", "we", "you", "he", "she", "they", "it", "my", "your", "our", "their", "his", "her", "its",
    "this", "that", "these", "those", "the", "a",
];

/// The street words of [`STREET_CORE`].
const STREET_CORES: &[&str] = &[
    "street",
    "st",
    "avenue",
    "ave",
    "av",
    "road",
    "rd",
    "boulevard",
    "blvd",
    "drive",
    "dr",
    "highway",
    "hwy",
    "parkway",
    "pkwy",
    "terrace",
    "ter",
    "place",
    "pl",
    "court",
    "ct",
    "circle",
    "cir",
    "square",
    "sq",
    "ln",
    "trail",
    "trl",
    "plaza",
    "expressway",
    "freeway",
    // Places named like people: "Rose Garden", "Lincoln Center", "Tower Bridge".
    "garden",
    "gardens",
    "center",
    "centre",
    "bridge",
    "station",
    "mall",
    "tower",
];

const GIVEN_LIST: &str = include_str!("../../data/given_names.txt");
const SURNAME_LIST: &str = include_str!("../../data/surnames.txt");
const COMMON_LIST: &str = include_str!("../../data/common_words.txt");
const STREET_LIST: &str = include_str!("../../data/street_suffixes.txt");

const HONORIFICS: &[&str] = &[
    "mr",
    "mrs",
    "ms",
    "mx",
    "miss",
    "dr",
    "prof",
    "professor",
    "sir",
    "dame",
    "herr",
    "frau",
    "mme",
    "mlle",
    "mm",
    "sr",
    "sra",
    "srta",
    "sig",
    "sig.ra",
    "dott",
    "mevrouw",
    "meneer",
    "monsieur",
    "madame",
    "senor",
    "senora",
    "senorita",
    "rev",
    "fr",
    "capt",
    "sgt",
    "lt",
    "col",
    "gen",
    "judge",
    "officer",
    "det",
];

/// Words after which a capitalized word is very likely a name.
const CUES: &[&str] = &[
    "hi",
    "hello",
    "hey",
    "dear",
    "dearest",
    "hiya",
    "greetings",
    "attn",
    "attention",
    "thanks",
    "thank",
    "thx",
    "regards",
    "cheers",
    "sincerely",
    "best",
    "cordially",
    "respectfully",
    "signed",
    "customer",
    "client",
    "agent",
    "cc",
    "bcc",
    "patient",
    "contact",
    "requester",
    "assignee",
    "reporter",
    "owner",
    "tenant",
    "recipient",
    "sender",
    "caller",
    "applicant",
    "employee",
    "member",
    "user",
    "buyer",
    "seller",
    "guest",
    "passenger",
    "technician",
    "rep",
    "representative",
    "manager",
    "supervisor",
    "name",
    "fullname",
    "author",
    "hola",
    "bonjour",
    "hallo",
    "ciao",
    "ola",
    "salut",
    "liebe",
    "lieber",
    "querido",
    "querida",
    "cara",
    "caro",
    "gracias",
    "merci",
    "danke",
    "grazie",
    "obrigado",
    "obrigada",
    "saludos",
    "spoke",
    "per",
    "from",
    "by",
    "to",
    "with",
    "love",
    "xoxo",
    // The word "name" and the greetings and sign-offs of more languages
    // (French, Italian, Portuguese, Dutch, Finnish, Hungarian, Czech,
    // Polish, Turkish, German, Swedish, Danish): "Nom : Luc", "Név: Ferenc
    // Pataki", "Ad Soyad: Bican Ülker", "Z poważaniem, Kornelia".
    "nom",
    "nome",
    "naam",
    "nimi",
    "nev",
    "nevem",
    "jmeno",
    "imie",
    "nazwisko",
    "soyad",
    "soyadi",
    "adim",
    "isim",
    "navn",
    "namn",
    "nombre",
    "apellidos",
    "cognome",
    "vorname",
    "nachname",
    "prenom",
    "saluti",
    "cordialement",
    "gruesse",
    "grusse",
    "gruss",
    "groeten",
    "terveisin",
    "udvozlettel",
    "pozdravem",
    "pozdrawiam",
    "powazaniem",
    "saygilarimla",
    "hilsen",
    "halsningar",
    "atenciosamente",
    "atentamente",
    "merhaba",
    "szia",
    "ahoj",
    "hej",
    "moi",
    "czesc",
    "sayin",
];

const PARTICLES: &[&str] = &[
    "van", "von", "de", "da", "das", "dos", "do", "del", "della", "dello", "di", "du", "la", "le",
    "den", "der", "ten", "ter", "bin", "ibn", "binti", "bint", "al", "el", "y", "zu", "af", "av",
    "st", "st.", "mac", "ben", "abu", "ould", "lo",
];

const ORGS: &[&str] = &[
    "inc",
    "llc",
    "ltd",
    "gmbh",
    "corp",
    "corporation",
    "company",
    "co",
    "group",
    "holdings",
    "bank",
    "ag",
    "sa",
    "sas",
    "sarl",
    "srl",
    "spa",
    "bv",
    "nv",
    "plc",
    "llp",
    "lp",
    "pty",
    "kg",
    "ohg",
    "ab",
    "oy",
    "as",
    "asa",
    "university",
    "universidad",
    "universite",
    "universitat",
    "college",
    "school",
    "academy",
    "hospital",
    "clinic",
    "foundation",
    "institute",
    "association",
    "associates",
    "partners",
    "labs",
    "lab",
    "technologies",
    "technology",
    "systems",
    "solutions",
    "services",
    "software",
    "foods",
    "motors",
    "airlines",
    "airways",
    "studios",
    "media",
    "press",
    "store",
    "stores",
    "shop",
    "cafe",
    "restaurant",
    "hotel",
    "hotels",
    "church",
    "center",
    "centre",
    "team",
    "department",
    "dept",
    "enterprises",
    "industries",
    "international",
    "global",
    "consulting",
    "capital",
    "ventures",
    "insurance",
    "financial",
    "pharmaceuticals",
    "pharma",
    "health",
    "healthcare",
    "trust",
    "fund",
    "museum",
    "library",
    "park",
    "bridge",
    "river",
    "lake",
    "mountain",
    "island",
    "county",
    "city",
    "state",
    "republic",
    "kingdom",
    "airport",
    "station",
    "stadium",
    "arena",
    "mall",
    "plaza",
    "tower",
    "building",
    "hall",
    "award",
    "prize",
    "act",
    "law",
    "day",
    "festival",
    "street",
    "avenue",
    "road",
];

/// Words that never start or continue a person's name in running text.
const STOPS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "mon",
    "tue",
    "tues",
    "wed",
    "thu",
    "thur",
    "thurs",
    "fri",
    "sat",
    "sun",
    "the",
    "a",
    "i",
    "we",
    "you",
    "he",
    "she",
    "they",
    "it",
    "this",
    "that",
    "these",
    "those",
    "my",
    "your",
    "our",
    "their",
    "his",
    "her",
    "its",
    "if",
    "when",
    "where",
    "what",
    "who",
    "why",
    "how",
    "please",
    "ok",
    "okay",
    "yes",
    "no",
    "not",
    "and",
    "or",
    "but",
    "so",
    "re",
    "fw",
    "fwd",
    "error",
    "warn",
    "warning",
    "info",
    "debug",
    "trace",
    "fatal",
    "critical",
    "notice",
    "alert",
    "emerg",
    "null",
    "none",
    "true",
    "false",
    "nan",
    "undefined",
    "get",
    "post",
    "put",
    "delete",
    "patch",
    "head",
    "options",
    "http",
    "https",
    "api",
    "id",
    "uuid",
    "json",
    "xml",
    "sql",
    "utc",
    "gmt",
    "am",
    "pm",
    "god",
    "jesus",
    "christ",
    "allah",
    "lord",
    "christmas",
    "easter",
    "halloween",
    "thanksgiving",
    "ramadan",
    "hanukkah",
    "diwali",
    "eid",
    "new",
    "north",
    "south",
    "east",
    "west",
    "street",
    "avenue",
    "road",
    "lane",
    "drive",
    "boulevard",
    "total",
    "subtotal",
    "order",
    "invoice",
    "ticket",
    "account",
    "password",
    "username",
    "login",
    "logout",
    "email",
    "phone",
    "address",
    "status",
    "update",
    "updated",
    "created",
    "deleted",
    "pending",
    "failed",
    "success",
    "successful",
    "complete",
    "completed",
    "open",
    "closed",
    "resolved",
    "java",
    "python",
    "rust",
    "ruby",
    "perl",
    "swift",
    "kotlin",
    "scala",
    "go",
    "linux",
    "windows",
    "android",
    "ios",
    "macos",
    "chrome",
    "firefox",
    "safari",
    "edge",
    "google",
    "apple",
    "microsoft",
    "amazon",
    "facebook",
    "meta",
    "netflix",
    "tesla",
    "samsung",
    "oracle",
    "ibm",
    "intel",
    "nvidia",
    "adobe",
    "cisco",
    "salesforce",
    "slack",
    "zoom",
    "stripe",
    "paypal",
    "visa",
    "mastercard",
    "amex",
    "discover",
    "docker",
    "kubernetes",
    "redis",
    "postgres",
    "mysql",
    "nginx",
    "apache",
    "aws",
    "azure",
    "gcp",
    "github",
    "gitlab",
    "jira",
    "confluence",
    "excel",
    "word",
    "outlook",
    "teams",
    "iphone",
    "ipad",
    "galaxy",
    "pixel",
    "prime",
    "premium",
    "pro",
    "plus",
    "max",
    "mini",
    "ultra",
    "lite",
    "dear",
    "hi",
    "hello",
    "hey",
    "thanks",
    "regards",
    "best",
    "cheers",
    "sincerely",
    "im",
    "ive",
    "youre",
    "theyre",
    "dont",
    "cant",
    "wont",
];

/// Street types written before the street name ("Calle del Sol", "rue du
/// Général Leclerc"): the capitalized words after them are a street.
const STREET_PREFIXES: &[&str] = &[
    "rue",
    "calle",
    "via",
    "viale",
    "piazza",
    "corso",
    "avenida",
    "rua",
    "paseo",
    "carrer",
    "chemin",
    "allee",
    "quai",
    "boulevard",
    "avenue",
    "impasse",
    "travessa",
    "praca",
    // More street types written before the name, across Southern Europe
    // and Latin America.
    "viale",
    "vicolo",
    "strada",
    "largo",
    "borgo",
    "contrada",
    "localita",
    "piazzale",
    "camino",
    "carretera",
    "ronda",
    "glorieta",
    "callejon",
    "pasaje",
    "travesia",
    "avinguda",
    "estrada",
    "alameda",
    "ladeira",
    "rodovia",
    "loteamento",
    "vila",
    "ulica",
    "aleja",
    "plac",
    "namesti",
    // French and Spanish types written in lower case or abbreviated before
    // the name: "124 place Victor Hugo", "28 av. du Général Leclerc", "33 bd
    // Jean Jaurès", "Ctra. de Valencia".
    "place",
    "av",
    "bd",
    "bld",
    "cours",
    "route",
    "avda",
    "ctra",
    "pza",
    "osiedle",
    // Spanish and Brazilian street types (the Brazilian postal service's
    // kinds of logradouro) that no name list holds: "Vivo en Vial Araceli
    // Benitez 40", "Moro na Núcleo Esther Camargo, 97".
    "vial",
    "acceso",
    "urbanizacion",
    "rambla",
    "nucleo",
    "residencial",
    "sitio",
    "trevo",
    "viaduto",
    "viela",
    "chacara",
    "condominio",
    "conjunto",
    "quadra",
    "setor",
    "morro",
    "parque",
    "jardim",
];

/// Months and places that are also given names or surnames ("May", "June",
/// "Georgia", "Paris", "Austin"): treated like common words, so they need a
/// known surname or a cue to count as a name.
const AMBIGUOUS_PLACES_AND_TIMES: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "alabama",
    "alaska",
    "arizona",
    "arkansas",
    "california",
    "colorado",
    "connecticut",
    "delaware",
    "florida",
    "georgia",
    "hawaii",
    "idaho",
    "illinois",
    "indiana",
    "iowa",
    "kansas",
    "kentucky",
    "louisiana",
    "maine",
    "maryland",
    "massachusetts",
    "michigan",
    "minnesota",
    "mississippi",
    "missouri",
    "montana",
    "nebraska",
    "nevada",
    "hampshire",
    "jersey",
    "mexico",
    "york",
    "carolina",
    "dakota",
    "ohio",
    "oklahoma",
    "oregon",
    "pennsylvania",
    "rhode",
    "tennessee",
    "texas",
    "utah",
    "vermont",
    "virginia",
    "washington",
    "wisconsin",
    "wyoming",
    "america",
    "canada",
    "england",
    "britain",
    "scotland",
    "ireland",
    "wales",
    "france",
    "germany",
    "italy",
    "spain",
    "portugal",
    "brazil",
    "argentina",
    "chile",
    "peru",
    "colombia",
    "india",
    "china",
    "japan",
    "korea",
    "vietnam",
    "nigeria",
    "kenya",
    "egypt",
    "israel",
    "turkey",
    "russia",
    "ukraine",
    "poland",
    "sweden",
    "norway",
    "denmark",
    "finland",
    "netherlands",
    "belgium",
    "austria",
    "switzerland",
    "greece",
    "australia",
    "zealand",
    "london",
    "paris",
    "berlin",
    "madrid",
    "rome",
    "milan",
    "vienna",
    "dublin",
    "sydney",
    "melbourne",
    "toronto",
    "vancouver",
    "montreal",
    "chicago",
    "boston",
    "houston",
    "dallas",
    "austin",
    "denver",
    "phoenix",
    "seattle",
    "portland",
    "atlanta",
    "miami",
    "orlando",
    "tampa",
    "detroit",
    "cleveland",
    "nashville",
    "memphis",
    "charlotte",
    "raleigh",
    "richmond",
    "baltimore",
    "philadelphia",
    "pittsburgh",
    "brooklyn",
    "manhattan",
    "queens",
    "bronx",
    "jackson",
    "madison",
    "lincoln",
    "columbus",
    "francisco",
    "diego",
    "jose",
    "angeles",
    "vegas",
    "orleans",
    "louis",
    "antonio",
    "tokyo",
    "beijing",
    "shanghai",
    "delhi",
    "mumbai",
    "lagos",
    "cairo",
    "dubai",
    "singapore",
    "florence",
    "victoria",
    "sofia",
    "lima",
    "santiago",
    "bogota",
    "havana",
];

const NAME_SUFFIXES: &[&str] = &[
    "jr", "sr", "ii", "iii", "iv", "phd", "md", "esq", "dds", "rn", "cpa",
];

/// The merged word map, built once: an open-addressing table of packed
/// `fingerprint << 16 | flags` slots. About 100k words fit in 1 MiB, so a
/// lookup mostly hits the L2 cache, and it compares no key bytes (a test
/// checks that no two list words share a fingerprint).
pub(crate) struct Lexicon {
    slots: Vec<u64>,
    mask: usize,
}

/// Table size; must stay a power of two above ~1.4x the word count.
const SLOTS: usize = 1 << 18;

/// Hash of a folded key: a multiply-xorshift step per 8-byte chunk (with the
/// length mixed in so zero padding cannot make two keys equal), then the
/// murmur3 finalizer.
#[inline]
pub(crate) fn key_hash(key: &[u8]) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut h = key.len() as u64;
    for chunk in key.chunks(8) {
        let mut w = [0u8; 8];
        w[..chunk.len()].copy_from_slice(chunk);
        h = (h ^ u64::from_le_bytes(w)).wrapping_mul(K);
        h ^= h >> 29;
    }
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

impl Lexicon {
    /// Parses the embedded lists (a few milliseconds, once per process).
    pub(crate) fn new() -> Self {
        let mut lx = Lexicon {
            slots: vec![0; SLOTS],
            mask: SLOTS - 1,
        };
        for (text, flag) in [
            (GIVEN_LIST, GIVEN),
            (SURNAME_LIST, SURNAME),
            (COMMON_LIST, COMMON),
            (STREET_LIST, STREET),
        ] {
            for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
                lx.insert(line.as_bytes(), flag);
            }
        }
        for (words, flag) in [
            (HONORIFICS, HONORIFIC),
            (CUES, CUE),
            (PARTICLES, PARTICLE),
            (ORGS, ORG),
            (STOPS, STOP),
            (AMBIGUOUS_PLACES_AND_TIMES, COMMON),
            (NAME_SUFFIXES, NAME_SUFFIX),
            (STREET_PREFIXES, STREET_PREFIX),
            (STREET_CORES, STREET_CORE),
            (PRONOUNS, PRONOUN),
        ] {
            for w in words {
                lx.insert(w.as_bytes(), flag);
            }
        }
        lx
    }

    /// Where `hash` lives: its first probe slot and its fingerprint (the
    /// hash bits above the slot index, never zero so zero marks a free slot).
    #[inline]
    fn place(&self, hash: u64) -> (usize, u64) {
        ((hash as usize) & self.mask, (hash >> 16) | 1)
    }

    fn insert(&mut self, key: &[u8], flag: u16) {
        let (mut i, fp) = self.place(key_hash(key));
        loop {
            let slot = self.slots[i];
            if slot == 0 {
                self.slots[i] = fp << 16 | u64::from(flag);
                return;
            }
            if slot >> 16 == fp & 0xFFFF_FFFF_FFFF {
                self.slots[i] = slot | u64::from(flag);
                return;
            }
            i = (i + 1) & self.mask;
        }
    }

    /// Flags of an already folded key (0 when unknown).
    #[inline]
    pub(crate) fn get(&self, key: &[u8]) -> u16 {
        let (mut i, fp) = self.place(key_hash(key));
        let fp = fp & 0xFFFF_FFFF_FFFF;
        loop {
            let slot = self.slots[i];
            if slot == 0 {
                return 0;
            }
            if slot >> 16 == fp {
                return slot as u16;
            }
            i = (i + 1) & self.mask;
        }
    }

    /// Flags of raw word bytes: folded, and for hyphenated words ("García-López",
    /// "Jean-Pierre", "al-Rashid") also the parts, so a compound of known
    /// names is known.
    pub(crate) fn word_flags(&self, bytes: &[u8]) -> u16 {
        let mut buf = [0u8; MAX_KEY];
        let Some(key) = lex::fold(bytes, &mut buf) else {
            return 0;
        };
        let whole = self.get(key);
        if !key.contains(&b'-') {
            return whole;
        }
        let mut parts = key.split(|&b| b == b'-').filter(|p| !p.is_empty());
        let first = parts.next().map_or(0, |p| self.get(p));
        let rest = parts.fold(0, |acc, p| acc | self.get(p));
        let mut flags = whole;
        if first & PARTICLE != 0 {
            // "al-Rashid", "el-Amin": a particle-prefixed surname.
            flags |= rest & (SURNAME | GIVEN) | if rest != 0 { SURNAME } else { 0 };
        } else {
            flags |= first & GIVEN;
            flags |= (first | rest) & SURNAME;
        }
        if flags & (GIVEN | SURNAME) != 0 {
            // A hyphenated compound of names is not a common word.
            flags &= !(COMMON | STOP);
        }
        flags
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_load_and_merge() {
        let lx = Lexicon::new();
        assert!(lx.word_flags(b"Maria") & GIVEN != 0);
        assert!(lx.word_flags(b"GARCIA") & SURNAME != 0);
        assert!(lx.word_flags(b"Nguy\xe1\xbb\x85n") & SURNAME != 0);
        assert!(lx.word_flags(b"Will") & COMMON != 0);
        assert!(lx.word_flags(b"Monday") & STOP != 0);
        assert!(lx.word_flags(b"Inc") & ORG != 0);
        assert!(lx.word_flags(b"Blvd") & STREET != 0);
        assert_eq!(lx.word_flags(b"Zzxqv"), 0);
    }

    #[test]
    fn no_two_list_words_share_a_fingerprint() {
        let lx = Lexicon::new();
        let mut seen = std::collections::HashMap::new();
        let mut count = 0;
        for text in [GIVEN_LIST, SURNAME_LIST, COMMON_LIST, STREET_LIST] {
            for w in text.lines() {
                let (i, fp) = lx.place(key_hash(w.as_bytes()));
                if let Some(prev) = seen.insert((i, fp & 0xFFFF_FFFF_FFFF), w) {
                    assert_eq!(prev, w, "fingerprint collision");
                } else {
                    count += 1;
                }
            }
        }
        assert!(count * 10 < SLOTS * 8, "table too full: {count} words");
    }

    #[test]
    fn hyphenated_compounds() {
        let lx = Lexicon::new();
        let f = lx.word_flags("García-López".as_bytes());
        assert!(f & SURNAME != 0 && f & COMMON == 0);
        assert!(lx.word_flags(b"Jean-Pierre") & GIVEN != 0);
        assert!(lx.word_flags(b"al-Hassan") & SURNAME != 0);
    }
}
