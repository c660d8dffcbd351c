//! Telephone numbers in national and international formats.
//!
//! Each plan below writes numbers the way people in that country do, from
//! ranges that libphonenumber's metadata accepts as valid (the tests check
//! every generated number with the `phonenumber` crate).

use crate::rng::Gen;

/// The countries the corpus writes phone numbers for, with their region code.
pub(crate) const PHONE_REGIONS: &[&str] = &["US", "CA", "GB", "DE", "FR", "IN", "AU", "BR", "JP"];

/// Real US area codes.
const US_AREAS: &[&str] = &[
    "201", "202", "206", "212", "213", "214", "303", "305", "312", "404", "415", "503", "512",
    "602", "617", "702", "713", "718", "805", "917", "919", "407", "615", "720",
];
/// Real Canadian area codes.
const CA_AREAS: &[&str] = &[
    "416", "514", "604", "613", "403", "780", "902", "306", "647", "438",
];

/// An exchange `NXX` that is not an `N11` service code.
fn exchange(g: &mut Gen) -> String {
    loop {
        let n = g.range(200, 999);
        if n % 100 != 11 {
            return n.to_string();
        }
    }
}

/// A North American number in one of the common written forms.
fn nanp(g: &mut Gen, areas: &[&'static str]) -> String {
    let area = g.word(areas);
    let ex = exchange(g);
    let line = g.digits(4);
    match g.below(7) {
        0 => format!("({area}) {ex}-{line}"),
        1 => format!("{area}-{ex}-{line}"),
        2 => format!("{area}.{ex}.{line}"),
        3 => format!("+1 {area} {ex} {line}"),
        4 => format!("+1-{area}-{ex}-{line}"),
        5 => format!("+1 ({area}) {ex}-{line}"),
        _ => format!("1-{area}-{ex}-{line}"),
    }
}

/// A United Kingdom landline (London, Manchester, Birmingham) or mobile number.
fn gb(g: &mut Gen) -> String {
    let intl = g.chance(0.5);
    match g.below(3) {
        0 => {
            let a = g.word(&["7", "3", "8"]);
            let rest = format!("{a}{}", g.digits(3));
            let tail = g.digits(4);
            if intl {
                format!("+44 20 {rest} {tail}")
            } else {
                format!("020 {rest} {tail}")
            }
        }
        1 => {
            // The first local digit each area code has in service.
            let (area, firsts) = *g.pick(&[
                ("161", "23456789"),
                ("121", "234567"),
                ("113", "2345"),
                ("117", "2349"),
            ]);
            let a = format!("{}{}", char::from(*g.pick(firsts.as_bytes())), g.digits(2));
            let b = g.digits(4);
            if intl {
                format!("+44 {area} {a} {b}")
            } else {
                format!("0{area} {a} {b}")
            }
        }
        _ => {
            let pre = g.word(&[
                "7400", "7411", "7712", "7800", "7812", "7900", "7534", "7960", "7387",
            ]);
            let rest = g.digits(6);
            if intl {
                format!("+44 {pre} {rest}")
            } else {
                format!("0{pre} {rest}")
            }
        }
    }
}

/// A German landline (Berlin, Hamburg, Munich, Cologne) or mobile number.
fn de(g: &mut Gen) -> String {
    let intl = g.chance(0.5);
    if g.chance(0.5) {
        let area = g.word(&["30", "40", "89", "221", "69"]);
        let sub = format!(
            "{}{}",
            g.range(2, 9),
            g.digits(if area.len() == 2 { 7 } else { 6 })
        );
        match (intl, g.chance(0.5)) {
            (true, _) => format!("+49 {area} {sub}"),
            (false, true) => format!("0{area} {sub}"),
            (false, false) => format!("0{area}/{sub}"),
        }
    } else {
        let pre = g.word(&[
            "151", "152", "160", "170", "171", "172", "176", "157", "162",
        ]);
        let digits = if matches!(pre, "151" | "152" | "157") {
            8
        } else {
            7
        };
        let sub = format!("{}{}", g.range(1, 9), g.digits(digits - 1));
        if intl {
            format!("+49 {pre} {sub}")
        } else {
            format!("0{pre} {sub}")
        }
    }
}

/// A French landline or mobile number, in pairs.
fn fr(g: &mut Gen) -> String {
    let first = g.word(&["1", "2", "3", "4", "5", "6", "7"]);
    // 0262, 0590, 0639, 0690... belong to the overseas departments, which have
    // region codes of their own; 07 mobiles start 073-078.
    let leads: &[u8] = match first {
        "7" => b"34578",
        "6" => b"124578",
        _ => b"1234578",
    };
    let lead = char::from(*g.pick(leads));
    let pairs = [
        format!("{lead}{}", g.digit()),
        g.digits(2),
        g.digits(2),
        g.digits(2),
    ];
    match g.below(3) {
        0 => format!("+33 {first} {}", pairs.join(" ")),
        1 => format!("0{first} {}", pairs.join(" ")),
        _ => format!("0{first}.{}", pairs.join(".")),
    }
}

/// An Indian mobile number.
fn india(g: &mut Gen) -> String {
    let pre = g.word(&["98", "99", "97", "96", "94", "93", "90", "88", "87", "70"]);
    let a = format!("{pre}{}", g.digits(3));
    let b = g.digits(5);
    match g.below(3) {
        0 => format!("+91 {a} {b}"),
        1 => format!("+91-{a}{b}"),
        _ => format!("0{a} {b}"),
    }
}

/// An Australian mobile or Sydney/Melbourne landline.
fn au(g: &mut Gen) -> String {
    let intl = g.chance(0.5);
    if g.chance(0.6) {
        let a = format!(
            "4{}",
            g.word(&[
                "00", "01", "02", "03", "04", "07", "08", "09", "10", "11", "12", "13", "14", "15",
                "16", "17", "18", "19", "20", "21", "22", "23", "24", "25", "27", "28", "29", "30",
                "31", "32", "33", "34", "35", "37", "38", "39", "40", "47", "48", "49", "50", "51",
                "52", "55", "57", "58", "59", "66", "67", "68", "69", "70", "77", "78"
            ])
        );
        let b = g.digits(3);
        let c = g.digits(3);
        if intl {
            format!("+61 {a} {b} {c}")
        } else {
            format!("0{a} {b} {c}")
        }
    } else {
        let area = g.word(&["2", "3"]);
        let a = format!("9{}", g.digits(3));
        let b = g.digits(4);
        if intl {
            format!("+61 {area} {a} {b}")
        } else {
            format!("(0{area}) {a} {b}")
        }
    }
}

/// A Brazilian mobile (nine digits, leading 9) or landline number.
fn br(g: &mut Gen) -> String {
    let area = g.word(&["11", "21", "31", "41", "51", "61", "71", "81", "85", "19"]);
    let (a, b) = if g.chance(0.6) {
        (format!("9{}{}", g.range(6, 9), g.digits(3)), g.digits(4))
    } else {
        (format!("{}{}", g.range(2, 3), g.digits(3)), g.digits(4))
    };
    if g.chance(0.5) {
        format!("+55 {area} {a}-{b}")
    } else {
        format!("({area}) {a}-{b}")
    }
}

/// A Japanese Tokyo/Osaka landline or mobile number.
fn jp(g: &mut Gen) -> String {
    let intl = g.chance(0.5);
    if g.chance(0.5) {
        let area = g.word(&["3", "6"]);
        let a = format!("{}{}", g.range(3, 6), g.digits(3));
        let b = g.digits(4);
        if intl {
            format!("+81 {area}-{a}-{b}")
        } else {
            format!("0{area}-{a}-{b}")
        }
    } else {
        let pre = g.word(&["90", "80", "70"]);
        let a = format!("{}{}", g.range(1, 9), g.digits(3));
        let b = g.digits(4);
        if intl {
            format!("+81 {pre}-{a}-{b}")
        } else {
            format!("0{pre}-{a}-{b}")
        }
    }
}

/// A valid phone number from a random region, with that region's code.
pub(crate) fn phone_with_region(g: &mut Gen) -> (&'static str, String) {
    let i = g.weighted(&[30, 10, 12, 10, 8, 8, 8, 7, 7]);
    let region = PHONE_REGIONS[i];
    let number = match region {
        "US" => nanp(g, US_AREAS),
        "CA" => nanp(g, CA_AREAS),
        "GB" => gb(g),
        "DE" => de(g),
        "FR" => fr(g),
        "IN" => india(g),
        "AU" => au(g),
        "BR" => br(g),
        _ => jp(g),
    };
    (region, number)
}

/// A valid phone number from a random region.
pub(crate) fn phone(g: &mut Gen) -> String {
    phone_with_region(g).1
}
