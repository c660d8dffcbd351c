//! Table tests for street-address detection.

use super::AddressFinder;

fn found(f: &AddressFinder, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    f.find(text.as_bytes(), &mut out);
    out.iter()
        .map(|m| text[m.start..m.end].to_string())
        .collect()
}

#[test]
fn finder_is_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<AddressFinder>();
}

#[test]
fn positives_in_text() {
    let f = AddressFinder::new();
    let cases: &[(&str, &[&str])] = &[
        ("Ship to 221B Baker Street please", &["221B Baker Street"]),
        (
            "lives at 742 Evergreen Terrace, Springfield, IL 62704.",
            &["742 Evergreen Terrace, Springfield, IL 62704"],
        ),
        (
            "1600 Pennsylvania Ave NW, Washington, DC 20500",
            &["1600 Pennsylvania Ave NW, Washington, DC 20500"],
        ),
        ("Billing: 12-14 Main St, Apt 4B", &["12-14 Main St, Apt 4B"]),
        (
            "Office at 350 5th Ave Suite 3300, New York, NY 10118-0001",
            &["350 5th Ave Suite 3300, New York, NY 10118-0001"],
        ),
        (
            "send it to 77 Massachusetts Avenue #12",
            &["77 Massachusetts Avenue #12"],
        ),
        (
            "deliver to 9 N Oak Park Ave, Chicago IL 60601",
            &["9 N Oak Park Ave, Chicago IL 60601"],
        ),
        (
            "Address: 100 Martin Luther King Jr Blvd",
            &["100 Martin Luther King Jr Blvd"],
        ),
        (
            "Adresse: Hauptstraße 5, 10115 Berlin",
            &["Hauptstraße 5, 10115 Berlin"],
        ),
        ("wohnt in der Berliner Straße 12a", &["Berliner Straße 12a"]),
        ("Kerkstraat 5, Amsterdam", &["Kerkstraat 5"]),
        ("Dirección: Calle Mayor 3, Madrid", &["Calle Mayor 3"]),
        ("Indirizzo Via Roma 10", &["Via Roma 10"]),
        ("Rue de Rivoli 12", &["Rue de Rivoli 12"]),
        ("12 rue de Rivoli, Paris", &["12 rue de Rivoli"]),
        ("Avenida Paulista 1000", &["Avenida Paulista 1000"]),
        ("moved to 4 Privet Drive", &["4 Privet Drive"]),
    ];
    for (text, want) in cases {
        assert_eq!(&found(&f, text), want, "in {text:?}");
    }
}

#[test]
fn negatives_in_text() {
    let f = AddressFinder::new();
    for text in [
        "5 Street vendors sold out",
        "Main Street alone",
        "meeting at 10:30 AM",
        "It costs $25 Main course",
        "Order contains 3 items",
        "3 Items in cart",
        "ERROR 500 Internal Server Error",
        "version 2.4 Release Notes",
        "took 35 ms",
        "2024-05-01 12:00:00 INFO Started",
        "Monday May 2024",
        "via email 3 times",
        "We have 2 Dogs",
        "Apple Inc 1 Infinite",
        "ticket #4521 Main issue",
        // A unit designator and its number are no street, even with a city
        // and postcode after them.
        "Apt. 1A, Columbus, OH 43203",
        "Suite 200, London SW1A 1AA",
        "Flat 3, 10115 Berlin",
    ] {
        assert_eq!(found(&f, text), Vec::<String>::new(), "in {text:?}");
    }
}

#[test]
fn spans_stay_on_their_line() {
    let f = AddressFinder::new();
    assert_eq!(found(&f, "12\nMain Street"), Vec::<String>::new());
    assert_eq!(found(&f, "12 Main\nStreet"), Vec::<String>::new());
    assert_eq!(
        found(&f, "12 Main Street,\nSpringfield, IL 62704"),
        vec!["12 Main Street"]
    );
}

#[test]
fn cell_scores() {
    let f = AddressFinder::new();
    for v in [
        "221B Baker Street",
        "742 Evergreen Terrace, Springfield, IL 62704",
        "1600 Pennsylvania Ave NW, Washington, DC 20500, USA",
        "Hauptstraße 5, 10115 Berlin",
        "Via Roma 10",
        " 12 Main St Apt 4 ",
    ] {
        let s = f.score_value(v.as_bytes());
        assert!(s.is_some_and(|s| s >= 0.6), "{v:?} scored {s:?}");
    }
    for v in [
        "",
        "Main Street",
        "3 items",
        "Ada Lovelace",
        "12:30",
        "Call me at 12 Main St tomorrow please",
    ] {
        assert_eq!(f.score_value(v.as_bytes()), None, "{v:?}");
    }
}

mod props {
    use proptest::prelude::*;

    use super::AddressFinder;

    /// One finder for all cases: building it per case would dominate the run.
    fn shared() -> &'static AddressFinder {
        static F: std::sync::OnceLock<AddressFinder> = std::sync::OnceLock::new();
        F.get_or_init(AddressFinder::new)
    }

    proptest! {
        #[test]
        fn find_never_panics_and_spans_are_sound(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let f = shared();
            let mut out = Vec::new();
            f.find(&bytes, &mut out);
            let mut prev_end = 0;
            for m in &out {
                prop_assert!(m.start < m.end && m.end <= bytes.len());
                prop_assert!(m.start >= prev_end);
                prop_assert!(!bytes[m.start..m.end].contains(&b'\n'));
                prop_assert!((0.0..=1.0).contains(&m.confidence));
                prev_end = m.end;
            }
            let _ = f.score_value(&bytes);
        }

        #[test]
        fn find_on_address_like_text(s in "([0-9]{1,5}[A-Z]?|[A-Z][a-z]{0,7}|St|Ave|Apt|#|, |\n| |-|\\.|[A-Z]{2}|Straße|Via|rue|de){0,30}") {
            let f = shared();
            let mut out = Vec::new();
            f.find(s.as_bytes(), &mut out);
            let mut prev_end = 0;
            for m in &out {
                prop_assert!(m.start >= prev_end && m.end <= s.len());
                prop_assert!(!s.as_bytes()[m.start..m.end].contains(&b'\n'));
                prev_end = m.end;
            }
            let _ = f.score_value(s.as_bytes());
        }
    }
}

/// Issue 12: street-then-number forms with the postcode shapes and street
/// words of many countries, and the number-first forms with a postcode tail.
#[test]
fn international_forms() {
    let f = AddressFinder::new();
    let cases: &[(&str, &[&str])] = &[
        (
            "Adres: ul. Marszałkowska 80, 00-517 Warszawa",
            &["ul. Marszałkowska 80, 00-517 Warszawa"],
        ),
        (
            "bydlím Národní 12, 110 00 Praha",
            &["Národní 12, 110 00 Praha"],
        ),
        (
            "Cím: Kossuth Lajos utca 12, 1173 Budapest",
            &["Kossuth Lajos utca 12, 1173 Budapest"],
        ),
        (
            "Adres: Atatürk Caddesi 45, 06420 Ankara",
            &["Atatürk Caddesi 45, 06420 Ankara"],
        ),
        (
            "Mannerheimintie 5, 00100 Helsinki",
            &["Mannerheimintie 5, 00100 Helsinki"],
        ),
        (
            "Damrak 1, 1012 LG Amsterdam",
            &["Damrak 1, 1012 LG Amsterdam"],
        ),
        (
            "Rua Augusta 100, 1100-053 Lisboa",
            &["Rua Augusta 100, 1100-053 Lisboa"],
        ),
        ("Ctra. de Valencia 12", &["Ctra. de Valencia 12"]),
        (
            "12 rue de Rivoli, 75001 Paris",
            &["12 rue de Rivoli, 75001 Paris"],
        ),
        (
            "10 Downing Street, London SW1A 2AA",
            &["10 Downing Street, London SW1A 2AA"],
        ),
        (
            "24 Sussex Drive, Ottawa, ON K1M 1M4",
            &["24 Sussex Drive, Ottawa, ON K1M 1M4"],
        ),
        (
            "1 Macquarie Street, Sydney NSW 2000",
            &["1 Macquarie Street, Sydney NSW 2000"],
        ),
        (
            "Cím: Rácfürdői utca 154., H-7462 Cegléd",
            &["Rácfürdői utca 154., H-7462 Cegléd"],
        ),
        (
            "Noortjesteeg 47, 4223 HW, Someren",
            &["Noortjesteeg 47, 4223 HW, Someren"],
        ),
        (
            "plac Bema 13/01, 01-854 Dzierżoniów",
            &["plac Bema 13/01, 01-854 Dzierżoniów"],
        ),
        (
            "80, rue de Mahe, 97488 Étienne",
            &["80, rue de Mahe, 97488 Étienne"],
        ),
        ("Via Roma, 10, 00184 Roma", &["Via Roma, 10, 00184 Roma"]),
        (
            "7 Jordan Terrace, Powersland, TAS, 2659",
            &["7 Jordan Terrace, Powersland, TAS, 2659"],
        ),
        (
            "272 Katelyn Run, North Andrewville, NU X8J1K2",
            &["272 Katelyn Run, North Andrewville, NU X8J1K2"],
        ),
        ("Send it to PO Box 1234", &["PO Box 1234"]),
        (
            "P.O. Box 56, Springfield, IL 62704",
            &["P.O. Box 56, Springfield, IL 62704"],
        ),
        (
            "Postfach 1234, 10115 Berlin",
            &["Postfach 1234, 10115 Berlin"],
        ),
        // Same shapes that are not addresses.
        ("the box 12 was empty", &[]),
        ("May 5, 2024 Report", &[]),
        ("Chapter 3, 1999 Edition", &[]),
        ("Plan C Budget 3", &[]),
        ("page 12/30 of the report", &[]),
        ("Thanks Maria, 25 of them arrived", &[]),
    ];
    for (text, want) in cases {
        assert_eq!(&found(&f, text), want, "in {text:?}");
    }
}

/// The locality tail after a street: towns before or after the postcode,
/// region codes, flats and floors, the postcode shapes of more countries.
#[test]
fn locality_tails() {
    let f = AddressFinder::new();
    let cases: &[(&str, &[&str])] = &[
        // Spanish: number, floor, then town and postcode.
        (
            "Vivo en Calle del Prado 14 Piso 3 , Sevilla, 41001.",
            &["Calle del Prado 14 Piso 3 , Sevilla, 41001"],
        ),
        (
            "Glorieta de Bilbao 1 Puerta 2, Madrid, 28004",
            &["Glorieta de Bilbao 1 Puerta 2, Madrid, 28004"],
        ),
        // Italian: comma before the number, floor, postcode then town and province.
        (
            "Abito in Contrada Fontana, 12 Piano 2, 90121, Palermo (PA).",
            &["Contrada Fontana, 12 Piano 2, 90121, Palermo (PA)"],
        ),
        (
            "Borgo Pinti, 5, 50121, San Casciano in Val di Pesa (FI)",
            &["Borgo Pinti, 5, 50121, San Casciano"],
        ),
        // Brazilian: district, CEP with or without its dash, town / state.
        (
            "Rua das Flores, 120, Centro, 01001-000 São Paulo / SP",
            &["Rua das Flores, 120, Centro, 01001-000 São Paulo / SP"],
        ),
        (
            "Travessa Lima, 7, Boa Vista, 30130100 Belo Horizonte / MG",
            &["Travessa Lima, 7, Boa Vista, 30130100 Belo Horizonte / MG"],
        ),
        // Dutch code without its blank, comma before the town.
        (
            "Ik woon op Molensteeg 4, 2311PK, Leiden.",
            &["Molensteeg 4, 2311PK, Leiden"],
        ),
        (
            "Dorpsdreef 12, 3331 AB Zwijndrecht",
            &["Dorpsdreef 12, 3331 AB Zwijndrecht"],
        ),
        // Finnish street types written apart, and compounds after a genitive.
        (
            "Osoite: Aleksis Kiven katu 5, 00500 Helsinki",
            &["Aleksis Kiven katu 5, 00500 Helsinki"],
        ),
        (
            "Osoite: Oulun puistotie 8, 90100 Oulu",
            &["Oulun puistotie 8, 90100 Oulu"],
        ),
        // Czech: a street opened by a preposition, a town with a joiner.
        (
            "Adresa: Na Příkopě 3, 110 00 Praha nad Vltavou",
            &["Na Příkopě 3, 110 00 Praha nad Vltavou"],
        ),
        // German hyphenated street names.
        (
            "Konrad-Adenauer-Straße 7, 53113 Bonn",
            &["Konrad-Adenauer-Straße 7, 53113 Bonn"],
        ),
        // Australian: road types of AS/NZS 4819, flat/number, state then postcode.
        (
            "Address: 12 Wattle Ronde, Ballarat, VIC, 3350",
            &["12 Wattle Ronde, Ballarat, VIC, 3350"],
        ),
        (
            "Address: 5/27 Banksia Esplanade, Cairns, QLD, 4870",
            &["5/27 Banksia Esplanade, Cairns, QLD, 4870"],
        ),
        // Canadian province then postcode after a blank.
        (
            "12 Maple Crescent, Moose Jaw, SK S6H 1A1",
            &["12 Maple Crescent, Moose Jaw, SK S6H 1A1"],
        ),
        // A regnal number in the street, an abbreviated saint in the town.
        (
            "Mieszkam przy ul. Jana Pawła II 12/4, 31-004 Kraków.",
            &["ul. Jana Pawła II 12/4, 31-004 Kraków"],
        ),
        (
            "Address: 3 Kurrajong Ring, St. Marys, NSW, 2760",
            &["3 Kurrajong Ring, St. Marys, NSW, 2760"],
        ),
        // A district after the house number: read backwards from the number.
        (
            "Rua Bela, 14, Vila Real, 01001-000 São Paulo / SP",
            &["Rua Bela, 14, Vila Real, 01001-000 São Paulo / SP"],
        ),
        // No street word, a floor after the number: the postcode tail decides.
        (
            "Národní 12 Piso 3, 110 00 Praha",
            &["Národní 12 Piso 3, 110 00 Praha"],
        ),
        // A town without a postcode adds nothing.
        ("Calle Mayor 3, Madrid", &["Calle Mayor 3"]),
        // Not addresses.
        ("Invoice 12, 2024 totals", &[]),
        ("Room 4, Building 12, 2nd floor", &[]),
    ];
    for (text, want) in cases {
        assert_eq!(&found(&f, text), want, "in {text:?}");
    }
}

/// Forms that open with something other than a street and its number: a
/// flat first (UK, Australia), no house number (France, Brazil), US
/// military mail.
#[test]
fn other_openings() {
    let f = AddressFinder::new();
    let cases: &[(&str, &[&str])] = &[
        (
            "Address: Flat 4, Rowan Mews, Kendal, LA9 4QT",
            &["Flat 4, Rowan Mews, Kendal, LA9 4QT"],
        ),
        (
            "I live at Studio 12B, Orchard Crest, Bath, BA1 1AA.",
            &["Studio 12B, Orchard Crest, Bath, BA1 1AA"],
        ),
        (
            "Address: Level 3 120 Collins Street, Melbourne, VIC, 3000",
            &["Level 3 120 Collins Street, Melbourne, VIC, 3000"],
        ),
        (
            "Ship to Unit 7 15 Jacaranda Elbow, Toowoomba, QLD, 4350",
            &["Unit 7 15 Jacaranda Elbow, Toowoomba, QLD, 4350"],
        ),
        (
            "Adresse : rue des Lilas, 33000 Bordeaux",
            &["rue des Lilas, 33000 Bordeaux"],
        ),
        (
            "Endereço: Quadra do Sol, Asa Sul, 70390-000 Brasília / DF",
            &["Quadra do Sol, Asa Sul, 70390-000 Brasília / DF"],
        ),
        (
            "Address: USNS Mercy, FPO AP 96672",
            &["USNS Mercy, FPO AP 96672"],
        ),
        (
            "mail to PSC 3021, Box 44, APO AE 09021 please",
            &["PSC 3021, Box 44, APO AE 09021"],
        ),
        // A flat with no street after it, a street type with no postcode.
        ("Flat 4, Kendal", &[]),
        ("Suite 12, Level 3 meeting", &[]),
        ("the rue Royale was closed", &[]),
        ("FPO AP 96672", &[]),
    ];
    for (text, want) in cases {
        assert_eq!(&found(&f, text), want, "in {text:?}");
    }
}

mod letterless {
    use proptest::prelude::*;

    use super::super::{parse, vocab::Vocab};

    proptest! {
        /// The finder skips values without a letter; the parser, run anyway,
        /// agrees that nothing in them is an address (digits, separators
        /// and the shapes of phone, card, id and date cells).
        #[test]
        fn the_parser_finds_no_address_without_a_letter(
            hay in "[0-9 ,./#+()\\-:\n]{0,60}",
        ) {
            let mut out = Vec::new();
            parse::find(&Vocab::new(), hay.as_bytes(), &mut out);
            prop_assert!(out.is_empty(), "{hay:?} gave {out:?}");
        }
    }
}
