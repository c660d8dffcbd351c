//! Street addresses: North American, British and continental European forms.
//!
//! The labeled span is the street part (house number, street name, suffix and
//! an optional unit), as the `street_address` type defines it; the city, state
//! and postcode that may follow are left unlabeled, so a detector that takes
//! them in still covers the label.

use crate::rng::Gen;

const US_STREETS: &[&str] = &[
    "Maple",
    "Oak",
    "Cedar",
    "Washington",
    "Lincoln",
    "Sunset",
    "Lakeview",
    "Highland",
    "Mill",
    "Church",
    "River",
    "Chestnut",
    "Willow",
    "Magnolia",
    "Juniper",
    "Sycamore",
    "Hawthorne",
    "Franklin",
    "Jefferson",
    "Madison",
    "Pleasant",
    "Ridge",
    "Meadowbrook",
    "Spring",
    "Valley",
    "Forest",
    "Harbor",
    "Prospect",
    "Orchard",
    "Bluebonnet",
    "Peachtree",
    "Wildwood",
    "Cypress",
    "Aspen",
    "Granite",
    "Heritage",
    "Foxglove",
    "Stonebridge",
    "Martin Luther King Jr",
    "Fifth",
    "Third",
    "12th",
    "42nd",
    "Old Mill",
    "Twin Oaks",
    "Quail Run",
    "Cherry Blossom",
];

/// Street suffixes, full and abbreviated as the USPS lists them.
const SUFFIXES: &[(&str, &str)] = &[
    ("Street", "St"),
    ("Avenue", "Ave"),
    ("Road", "Rd"),
    ("Boulevard", "Blvd"),
    ("Drive", "Dr"),
    ("Lane", "Ln"),
    ("Court", "Ct"),
    ("Place", "Pl"),
    ("Terrace", "Ter"),
    ("Way", "Way"),
    ("Parkway", "Pkwy"),
    ("Circle", "Cir"),
    ("Highway", "Hwy"),
    ("Trail", "Trl"),
    ("Square", "Sq"),
    ("Crescent", "Cres"),
];

const DIRECTIONS: &[&str] = &["N", "S", "E", "W", "North", "South", "NE", "SW"];

const UNITS: &[&str] = &[
    "Apt", "Apt.", "Suite", "Ste", "Ste.", "Unit", "#", "Fl", "Room",
];

/// City, state and ZIP triples (real cities, plausible ZIPs).
const US_CITIES: &[(&str, &str, &str)] = &[
    ("Portland", "OR", "972"),
    ("Austin", "TX", "787"),
    ("Springfield", "IL", "627"),
    ("Columbus", "OH", "432"),
    ("Raleigh", "NC", "276"),
    ("Boise", "ID", "837"),
    ("Tucson", "AZ", "857"),
    ("Madison", "WI", "537"),
    ("Albany", "NY", "122"),
    ("Savannah", "GA", "314"),
    ("Burlington", "VT", "054"),
    ("Fresno", "CA", "937"),
];

const CA_CITIES: &[(&str, &str, &str)] = &[
    ("Toronto", "ON", "M5V 2T6"),
    ("Vancouver", "BC", "V6B 1A1"),
    ("Halifax", "NS", "B3H 4R2"),
];

const UK_STREETS: &[&str] = &[
    "Ashford",
    "Kings",
    "Station",
    "Victoria",
    "Albion",
    "Mill Hill",
    "Belgrave",
    "Holloway",
];
const UK_TOWNS: &[(&str, &str)] = &[
    ("London", "N7 9QP"),
    ("Leeds", "LS6 2AB"),
    ("Bristol", "BS8 1TH"),
    ("Manchester", "M14 5RT"),
];

const DE_STREETS: &[&str] = &[
    "Linden",
    "Goethe",
    "Schiller",
    "Bahnhof",
    "Garten",
    "Kirch",
    "Berg",
    "Mozart",
    "Eichendorff",
    "Rosen",
];
const DE_TOWNS: &[(&str, &str)] = &[
    ("10115", "Berlin"),
    ("80331", "München"),
    ("50667", "Köln"),
    ("20095", "Hamburg"),
];

const FR_STREETS: &[&str] = &[
    "des Lilas",
    "Victor Hugo",
    "de la Paix",
    "du Général Leclerc",
    "Jean Jaurès",
    "des Écoles",
    "de la République",
];
const FR_TOWNS: &[(&str, &str)] = &[
    ("75011", "Paris"),
    ("69003", "Lyon"),
    ("13006", "Marseille"),
    ("31000", "Toulouse"),
];

const ES_STREETS: &[&str] = &[
    "Calle Mayor",
    "Calle de Alcalá",
    "Avenida de la Constitución",
    "Calle del Sol",
    "Paseo de Gracia",
];
const IT_STREETS: &[&str] = &[
    "Via Garibaldi",
    "Via Roma",
    "Corso Vittorio Emanuele",
    "Viale dei Mille",
    "Via della Spiga",
];
const NL_STREETS: &[&str] = &[
    "Prinsengracht",
    "Keizersgracht",
    "Dorpsstraat",
    "Kerkstraat",
    "Stationsweg",
];

/// A written address: the labeled street part and the unlabeled rest.
pub(crate) struct Address {
    /// House number, street, suffix, optional unit.
    pub(crate) street: String,
    /// City/state/ZIP or postcode/town, possibly empty; written after ", ".
    pub(crate) locality: String,
    /// The city name alone (for CSV city columns).
    pub(crate) city: String,
    /// The postal code alone (for CSV zip columns).
    pub(crate) zip: String,
}

fn us_street(g: &mut Gen) -> String {
    let number = match g.below(4) {
        0 => g.range(1, 99).to_string(),
        1 => g.range(100, 999).to_string(),
        2 => g.range(1000, 9999).to_string(),
        _ => g.range(10000, 24999).to_string(),
    };
    let mut s = number;
    if g.chance(0.15) {
        s.push(' ');
        s.push_str(g.word(DIRECTIONS));
    }
    s.push(' ');
    s.push_str(g.word(US_STREETS));
    let (full, abbr) = g.pick(SUFFIXES);
    s.push(' ');
    match g.below(3) {
        0 => s.push_str(full),
        1 => s.push_str(abbr),
        _ => {
            s.push_str(abbr);
            if *abbr != "Way" {
                s.push('.');
            }
        }
    }
    if g.chance(0.3) {
        let unit = g.word(UNITS);
        let id = if g.chance(0.5) {
            g.range(1, 420).to_string()
        } else {
            format!(
                "{}{}",
                g.range(1, 12),
                char::from(b'A' + g.range(0, 5) as u8)
            )
        };
        let sep = if g.chance(0.6) { ", " } else { " " };
        s.push_str(sep);
        s.push_str(unit);
        if unit != "#" {
            s.push(' ');
        }
        s.push_str(&id);
    }
    s
}

fn us(g: &mut Gen) -> Address {
    let street = us_street(g);
    if g.chance(0.15) {
        let (city, prov, post) = g.pick(CA_CITIES);
        return Address {
            street,
            locality: format!("{city}, {prov} {post}"),
            city: city.to_string(),
            zip: post.to_string(),
        };
    }
    let (city, state, zip3) = g.pick(US_CITIES);
    let zip = format!("{zip3}{:02}", g.range(1, 99));
    Address {
        street,
        locality: format!("{city}, {state} {zip}"),
        city: city.to_string(),
        zip,
    }
}

fn uk(g: &mut Gen) -> Address {
    let (full, abbr) = g.pick(&[
        ("Road", "Rd"),
        ("Street", "St"),
        ("Lane", "Ln"),
        ("Close", "Cl"),
        ("Gardens", "Gdns"),
    ]);
    let suffix = if g.chance(0.7) { full } else { abbr };
    let flat = if g.chance(0.2) {
        format!("Flat {}, ", g.range(1, 30))
    } else {
        String::new()
    };
    let street = format!("{flat}{} {} {suffix}", g.range(1, 240), g.word(UK_STREETS));
    let (town, post) = g.pick(UK_TOWNS);
    Address {
        street,
        locality: format!("{town} {post}"),
        city: town.to_string(),
        zip: post.to_string(),
    }
}

fn de(g: &mut Gen) -> Address {
    let stem = g.word(DE_STREETS);
    let suffix = g.word(&["straße", "str.", "weg", "allee", "platz", "gasse"]);
    let letter = if g.chance(0.15) { "a" } else { "" };
    let street = format!("{stem}{suffix} {}{letter}", g.range(1, 180));
    let (zip, town) = g.pick(DE_TOWNS);
    Address {
        street,
        locality: format!("{zip} {town}"),
        city: town.to_string(),
        zip: zip.to_string(),
    }
}

fn fr(g: &mut Gen) -> Address {
    let kind = g.word(&["rue", "avenue", "boulevard", "place", "allée", "bd", "av."]);
    let bis = if g.chance(0.1) { " bis" } else { "" };
    let street = format!("{}{bis} {kind} {}", g.range(1, 150), g.word(FR_STREETS));
    let (zip, town) = g.pick(FR_TOWNS);
    Address {
        street,
        locality: format!("{zip} {town}"),
        city: town.to_string(),
        zip: zip.to_string(),
    }
}

fn southern(g: &mut Gen) -> Address {
    let (street, zip, town) = match g.below(3) {
        0 => (
            format!("{} {}", g.word(ES_STREETS), g.range(1, 200)),
            format!("280{:02}", g.range(1, 55)),
            "Madrid",
        ),
        1 => (
            format!("{} {}", g.word(IT_STREETS), g.range(1, 200)),
            format!("201{:02}", g.range(21, 62)),
            "Milano",
        ),
        _ => (
            format!("{} {}", g.word(NL_STREETS), g.range(1, 400)),
            format!("10{:02} AB", g.range(11, 99)),
            "Amsterdam",
        ),
    };
    Address {
        street,
        locality: format!("{zip} {town}"),
        city: town.to_string(),
        zip,
    }
}

/// A random address, mostly North American.
pub(crate) fn address(g: &mut Gen) -> Address {
    match g.weighted(&[55, 10, 12, 10, 13]) {
        0 => us(g),
        1 => uk(g),
        2 => de(g),
        3 => fr(g),
        _ => southern(g),
    }
}
