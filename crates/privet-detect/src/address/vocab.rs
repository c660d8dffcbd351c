//! Word sets for addresses: USPS Publication 28 suffixes (data file), and
//! short hand-written sets of directionals, unit designators, US states, and
//! European street words.

use std::collections::HashMap;

use rustc_hash::FxBuildHasher;

use crate::names::lex::{self, MAX_KEY};

/// A USPS Publication 28 street suffix or abbreviation.
pub(crate) const SUFFIX: u8 = 1;
/// One of the suffixes that almost only name streets (Street, Ave, Rd ...).
pub(crate) const CORE: u8 = 1 << 1;
/// N, SW, North ...
pub(crate) const DIRECTIONAL: u8 = 1 << 2;
/// Apt, Suite, Unit, Fl ...
pub(crate) const UNIT: u8 = 1 << 3;
/// A US state code or name.
pub(crate) const STATE: u8 = 1 << 4;
/// A street type written before the name: rue, calle, via, rua ...
pub(crate) const PREFIX: u8 = 1 << 5;
/// A lowercase joiner inside a street name: de, la, del, di ...
pub(crate) const JOINER: u8 = 1 << 6;

const SUFFIX_LIST: &str = include_str!("../../data/street_suffixes.txt");

const CORE_SUFFIXES: &[&str] = &[
    "street",
    "st",
    "str",
    "avenue",
    "ave",
    "av",
    "road",
    "rd",
    "boulevard",
    "blvd",
    "lane",
    "ln",
    "drive",
    "dr",
    "court",
    "ct",
    "place",
    "pl",
    "terrace",
    "ter",
    "way",
    "parkway",
    "pkwy",
    "highway",
    "hwy",
    "circle",
    "cir",
    "square",
    "sq",
    "trail",
    "trl",
    "alley",
    "aly",
    "crescent",
    "cres",
    "loop",
    "plaza",
    "plz",
    "pike",
    "row",
    "expressway",
    "expy",
    "freeway",
    "fwy",
    "turnpike",
    "tpke",
    "close",
    "grove",
    "gardens",
    "gdns",
    "hollow",
    "ridge",
    "run",
    "path",
    "walk",
    "commons",
    "crossing",
    "xing",
    "point",
    "pt",
];

const DIRECTIONALS: &[&str] = &[
    "n",
    "s",
    "e",
    "w",
    "ne",
    "nw",
    "se",
    "sw",
    "north",
    "south",
    "east",
    "west",
    "northeast",
    "northwest",
    "southeast",
    "southwest",
];

const UNITS: &[&str] = &[
    "apt",
    "apartment",
    "flat",
    "suite",
    "ste",
    "unit",
    "fl",
    "floor",
    "rm",
    "room",
    "bldg",
    "building",
    "dept",
    "lot",
    "spc",
    "space",
    "trlr",
    "ph",
    "penthouse",
    "no",
    "nr",
    // British and Australian: "Studio 4, ...", "Level 7 9 Michael Mall".
    "studio",
    "level",
    "lvl",
    "shop",
    // Spanish, Italian, Portuguese, French, German, Dutch, Swedish flats and
    // floors: "27 Piso 9", "875 Piano 9", "Appartamento 64", "Apto 12",
    // "Etage 3", "Whg. 5", "bus 2", "lgh 1102".
    "piso",
    "puerta",
    "pta",
    "planta",
    "escalera",
    "esc",
    "piano",
    "appartamento",
    "interno",
    "int",
    "scala",
    "apto",
    "apartamento",
    "andar",
    "sala",
    "bloco",
    "bloque",
    "app",
    "appt",
    "etage",
    "stock",
    "whg",
    "wohnung",
    "bus",
    "lgh",
];

const STATES: &[&str] = &[
    "al",
    "ak",
    "az",
    "ar",
    "ca",
    "co",
    "ct",
    "de",
    "dc",
    "fl",
    "ga",
    "hi",
    "id",
    "il",
    "in",
    "ia",
    "ks",
    "ky",
    "la",
    "me",
    "md",
    "ma",
    "mi",
    "mn",
    "ms",
    "mo",
    "mt",
    "ne",
    "nv",
    "nh",
    "nj",
    "nm",
    "ny",
    "nc",
    "nd",
    "oh",
    "ok",
    "or",
    "pa",
    "ri",
    "sc",
    "sd",
    "tn",
    "tx",
    "ut",
    "vt",
    "va",
    "wa",
    "wv",
    "wi",
    "wy",
    "pr",
    "gu",
    "vi",
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
    "ohio",
    "oklahoma",
    "oregon",
    "pennsylvania",
    "tennessee",
    "texas",
    "utah",
    "vermont",
    "virginia",
    "washington",
    "wisconsin",
    "wyoming",
];

const PREFIXES: &[&str] = &[
    "rue",
    "avenue",
    "av",
    "ave",
    "boulevard",
    "bd",
    "bld",
    "place",
    "chemin",
    "allee",
    "impasse",
    "quai",
    "cours",
    "route",
    "via",
    "viale",
    "piazza",
    "piazzale",
    "corso",
    "largo",
    "vicolo",
    "strada",
    "calle",
    "avenida",
    "avda",
    "plaza",
    "paseo",
    "carrer",
    "camino",
    "carretera",
    "ronda",
    "rua",
    "travessa",
    "praca",
    "estrada",
    "alameda",
    "ulica",
    "ul",
    "aleja",
    "al",
    "os",
    "osiedle",
    "pl",
    "plac",
    "ctra",
    "pza",
    "trav",
    // Spanish road types of the INE street directory: "Glorieta Eligia
    // Sastre 876", "Cañada de Ruth Llamas 2".
    "acceso",
    "callejon",
    "canada",
    "glorieta",
    "pasadizo",
    "pasaje",
    "rambla",
    "travesia",
    "urbanizacion",
    "vial",
    "poligono",
    "senda",
    "costanilla",
    "cuesta",
    // Italian DUG (denominazione urbanistica generica): "Contrada
    // Ferdinando, 928", "Borgo Nanni, 2", "Lungomare Trieste 5".
    "contrada",
    "borgo",
    "rotonda",
    "incrocio",
    "lungomare",
    "lungotevere",
    "salita",
    "traversa",
    "localita",
    "frazione",
    "vico",
    "galleria",
    "stradone",
    // Brazilian logradouro types of the Correios directory: "Travessa
    // Ferreira, 46", "Quadra de Fogaça", "Loteamento Viana, 71".
    "aeroporto",
    "area",
    "chacara",
    "colonia",
    "condominio",
    "conjunto",
    "distrito",
    "esplanada",
    "estacao",
    "favela",
    "fazenda",
    "feira",
    "jardim",
    "ladeira",
    "lago",
    "lagoa",
    "loteamento",
    "morro",
    "nucleo",
    "parque",
    "passarela",
    "patio",
    "quadra",
    "recanto",
    "residencial",
    "rodovia",
    "setor",
    "sitio",
    "trecho",
    "trevo",
    "vale",
    "vereda",
    "viaduto",
    "viela",
    "vila",
    // Czech and Slovak street names opened by a preposition: "Na Letné 5",
    // "Pod Kaštany 3", "Nad Štolou 12".
    "na",
    "pod",
    "nad",
    "za",
];

const JOINERS: &[&str] = &[
    "de", "du", "des", "la", "le", "les", "del", "della", "delle", "dei", "di", "da", "do", "dos",
    "das", "d", "l", "y", "e", "van", "von", "der", "den",
];

/// Road types of AS/NZS 4819 (rural and urban addressing), as Australia and
/// New Zealand write them after the street name ("Gonzalez Ronde", "Caleb
/// Elbow", "Joan Esplanade"), beyond those USPS Publication 28 lists. Never
/// enough alone: like the non-core USPS suffixes they need a postcode tail or
/// an address cue.
const ROAD_TYPES: &[&str] = &[
    "access",
    "alleyway",
    "amble",
    "approach",
    "arcade",
    "artery",
    "basin",
    "beach",
    "bend",
    "block",
    "brace",
    "brae",
    "break",
    "broadway",
    "brow",
    "bypass",
    "byway",
    "centreway",
    "chase",
    "circlet",
    "circuit",
    "circus",
    "colonnade",
    "common",
    "concourse",
    "copse",
    "corner",
    "corso",
    "courtyard",
    "cove",
    "crossroad",
    "crossway",
    "cruiseway",
    "cul-de-sac",
    "cutting",
    "dale",
    "dell",
    "deviation",
    "dip",
    "distributor",
    "driveway",
    "edge",
    "elbow",
    "end",
    "entrance",
    "esplanade",
    "estate",
    "extension",
    "fairway",
    "firetrail",
    "follow",
    "footway",
    "foreshore",
    "formation",
    "frontage",
    "gap",
    "gate",
    "gates",
    "glade",
    "glen",
    "grange",
    "green",
    "ground",
    "gully",
    "heights",
    "highroad",
    "interchange",
    "intersection",
    "junction",
    "key",
    "landing",
    "laneway",
    "lees",
    "line",
    "link",
    "little",
    "lookout",
    "lower",
    "mall",
    "meander",
    "mew",
    "motorway",
    "nook",
    "outlook",
    "parade",
    "parklands",
    "pathway",
    "plateau",
    "piazza",
    "pocket",
    "promenade",
    "quad",
    "quadrangle",
    "quadrant",
    "quay",
    "quays",
    "ramble",
    "ramp",
    "reach",
    "reserve",
    "rest",
    "retreat",
    "ride",
    "ridgeway",
    "ring",
    "rise",
    "riverway",
    "riviera",
    "roads",
    "roadside",
    "roadway",
    "ronde",
    "rosebowl",
    "rotary",
    "round",
    "rue",
    "siding",
    "slope",
    "sound",
    "stairs",
    "steps",
    "strand",
    "strip",
    "subway",
    "tarn",
    "thoroughfare",
    "tollway",
    "top",
    "tor",
    "towers",
    "track",
    "triangle",
    "trunkway",
    "turn",
    "underpass",
    "upper",
    "vista",
    "wade",
    "walkway",
    "wharf",
    "wynd",
    "yard",
];

/// Endings of one-word street names in German, Dutch, Nordic languages:
/// "Hauptstraße", "Kerkstraat", "Bahnhofweg", "Storgatan".
const EU_ENDINGS: &[&str] = &[
    "strasse",
    "str.",
    "straat",
    "weg",
    "gasse",
    "platz",
    "allee",
    "ring",
    "damm",
    "ufer",
    "steig",
    "pfad",
    "laan",
    "gracht",
    "plein",
    "kade",
    "singel",
    "dijk",
    "markt",
    "vej",
    "gade",
    "gatan",
    "vagen",
    "veien",
    "gata",
    "katu",
    "tie",
    "utca",
    "berg",
    "hof",
    // Dutch: "Quintensteeg", "Sofiepad", "Dewibaan", "Timdreef", "Noaboulevard".
    "steeg",
    "pad",
    "baan",
    "dreef",
    "boulevard",
    "plantsoen",
    "wal",
    "erf",
    // Finnish: "Koulukuja", "Puistopolku", "Haagan pappilanbulevardi".
    "kuja",
    "polku",
    "bulevardi",
    "raitti",
    "tori",
    "rinne",
];

/// The address word sets.
pub(crate) struct Vocab {
    map: HashMap<&'static [u8], u8, FxBuildHasher>,
}

impl Vocab {
    /// Builds the sets.
    pub(crate) fn new() -> Self {
        let mut map: HashMap<&'static [u8], u8, FxBuildHasher> = HashMap::default();
        for line in SUFFIX_LIST.lines().map(str::trim).filter(|l| !l.is_empty()) {
            *map.entry(line.as_bytes()).or_default() |= SUFFIX;
        }
        for (words, flag) in [
            (CORE_SUFFIXES, SUFFIX | CORE),
            (ROAD_TYPES, SUFFIX),
            (DIRECTIONALS, DIRECTIONAL),
            (UNITS, UNIT),
            (STATES, STATE),
            (PREFIXES, PREFIX),
            (JOINERS, JOINER),
        ] {
            for w in words {
                *map.entry(w.as_bytes()).or_default() |= flag;
            }
        }
        Vocab { map }
    }

    /// Flags of raw word bytes (folded first); 0 when unknown.
    pub(crate) fn flags(&self, word: &[u8]) -> u8 {
        let mut buf = [0u8; MAX_KEY];
        let Some(k) = lex::fold(word, &mut buf) else {
            return 0;
        };
        match self.map.get(k) {
            Some(&f) => f,
            // "ul.", "Ctra.", "Avda.": an abbreviation keeps its dot.
            None => k
                .strip_suffix(b".")
                .and_then(|k| self.map.get(k).copied())
                .unwrap_or(0),
        }
    }

    /// True when the word is a one-word European street name such as
    /// "Hauptstraße" or "Kerkstraat" (the ending alone does not count).
    pub(crate) fn is_eu_street_word(&self, word: &[u8]) -> bool {
        let mut buf = [0u8; MAX_KEY];
        let Some(k) = lex::fold(word, &mut buf) else {
            return false;
        };
        EU_ENDINGS
            .iter()
            .any(|e| k.len() > e.len() + 2 && k.ends_with(e.as_bytes()))
    }

    /// True for a standalone street word written after a name: "Straße",
    /// "Strasse", "Str." in "Berliner Straße 5".
    pub(crate) fn is_eu_street_type(&self, word: &[u8]) -> bool {
        let mut buf = [0u8; MAX_KEY];
        matches!(
            lex::fold(word, &mut buf),
            Some(
                b"strasse"
                    | b"str"
                    | b"weg"
                    | b"gasse"
                    | b"platz"
                    | b"allee"
                    | b"straat"
                    // Hungarian: "Kossuth Lajos utca 12", "Andrássy út 5", "Petőfi u. 3".
                    | b"utca"
                    | b"ut"
                    | b"u."
                    | b"ter"
                    | b"korut"
                    // Czech and Slovak: "Vinohradská třída 5", "Palackého náměstí 2".
                    | b"ulice"
                    | b"trida"
                    | b"namesti"
                    | b"namestie"
                    // Turkish: "Atatürk Caddesi 12", "Gül Sokak 3", "İnönü Cad. 5".
                    | b"caddesi"
                    | b"cad."
                    | b"cd."
                    | b"sokak"
                    | b"sokagi"
                    | b"sok."
                    | b"sk."
                    | b"bulvari"
                    | b"blv."
                    // Slovene, Croatian, Serbian: "Slovenska cesta 5".
                    | b"cesta"
                    | b"ulica"
                    // Finnish, written apart after a genitive: "Eino Leinon tie 3",
                    // "Werner Wirénin katu 41".
                    | b"katu"
                    | b"tie"
                    | b"kuja"
                    | b"polku"
                    | b"puistotie"
                    | b"bulevardi"
            )
        )
    }
}
