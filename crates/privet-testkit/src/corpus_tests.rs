//! Properties of the generated corpora: determinism, exact and valid labels,
//! look-alikes that stay unlabeled and invalid.

use std::net::IpAddr;

use privet_types::PiiType;

use crate::checks::{iban_valid, luhn_valid, ssn_valid};
use crate::label::{LabeledText, NegativeKind};
use crate::rng::Gen;
use crate::values::phone::{PHONE_REGIONS, phone_with_region};
use crate::{CSV_COLUMNS, generate_csv, generate_text};

fn line_of(text: &LabeledText, line: u64) -> &str {
    text.text
        .split('\n')
        .nth((line - 1) as usize)
        .expect("line exists")
}

fn phone_valid_somewhere(s: &str) -> bool {
    PHONE_REGIONS.iter().any(|r| {
        let id = r.parse().expect("region id");
        phonenumber::parse(Some(id), s).is_ok_and(|n| phonenumber::is_valid(&n))
    })
}

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// The issuer ranges the card generator promises.
fn card_family_ok(d: &str) -> bool {
    let p2: u32 = d[..2].parse().unwrap_or(0);
    let p4: u32 = d[..4].parse().unwrap_or(0);
    match d.len() {
        16 => {
            d.starts_with('4')
                || (51..=55).contains(&p2)
                || (2221..=2720).contains(&p4)
                || p4 == 6011
                || p2 == 65
                || (3528..=3589).contains(&p4)
        }
        15 => p2 == 34 || p2 == 37,
        14 => p2 == 36,
        _ => false,
    }
}

fn check_value(ty: PiiType, s: &str) {
    assert_eq!(s.trim(), s, "{ty} label has surrounding whitespace: {s:?}");
    assert!(!s.is_empty());
    match ty {
        PiiType::CardNumber => {
            assert!(luhn_valid(s), "card fails Luhn: {s}");
            assert!(
                card_family_ok(&digits(s)),
                "card outside issuer ranges: {s}"
            );
        }
        PiiType::Iban => assert!(iban_valid(s), "bad IBAN: {s}"),
        PiiType::UsSsn => assert!(ssn_valid(s), "bad SSN: {s}"),
        PiiType::Phone => assert!(phone_valid_somewhere(s), "invalid phone: {s}"),
        PiiType::IpAddress => assert!(s.parse::<IpAddr>().is_ok(), "bad IP: {s}"),
        PiiType::Email => {
            let (local, domain) = s.split_once('@').expect("email has @");
            assert!(!local.is_empty() && domain.contains('.'), "bad email: {s}");
        }
        PiiType::Url => assert!(
            s.starts_with("https://") || s.starts_with("http://") || s.starts_with("www."),
            "bad URL: {s}"
        ),
        PiiType::DateOfBirth => {
            let year = s
                .split(|c: char| !c.is_ascii_digit())
                .find(|p| p.len() == 4)
                .expect("a year");
            let year: u32 = year.parse().expect("number");
            assert!(
                (1938..=2006).contains(&year),
                "birth year out of range: {s}"
            );
        }
        PiiType::PersonName => assert!(
            s.chars().next().is_some_and(char::is_uppercase),
            "name not capitalized: {s}"
        ),
        PiiType::StreetAddress => assert!(
            s.chars().any(|c| c.is_ascii_digit()),
            "address without a number: {s}"
        ),
        PiiType::Secret => assert!(s.len() >= 6, "short secret: {s}"),
        // The testkit's generator labels none of the identifier types.
        other => panic!("the generator labelled a {other}: {s}"),
    }
}

#[test]
fn same_seed_same_corpus_and_other_seed_differs() {
    assert_eq!(generate_text(11, 300), generate_text(11, 300));
    assert_ne!(generate_text(11, 300).text, generate_text(12, 300).text);
    assert_eq!(generate_csv(11, 200), generate_csv(11, 200));
    assert_ne!(generate_csv(11, 200).csv, generate_csv(12, 200).csv);
}

#[test]
fn a_shorter_corpus_is_a_prefix_of_a_longer_one() {
    let short = generate_text(5, 200);
    let long = generate_text(5, 500);
    assert!(long.text.starts_with(&short.text));
    assert_eq!(short.labels[..], long.labels[..short.labels.len()]);
    let short = generate_csv(5, 100);
    let long = generate_csv(5, 300);
    assert!(long.csv.starts_with(&short.csv));
    assert_eq!(short.labels[..], long.labels[..short.labels.len()]);
}

#[test]
fn every_label_is_exact_valid_and_inside_one_line() {
    let corpus = generate_text(2024, 3000);
    assert!(corpus.text.ends_with('\n'));
    for l in &corpus.labels {
        let line = line_of(&corpus, l.line);
        assert!(
            l.start < l.end && l.end <= line.len(),
            "label out of its line: {l:?}"
        );
        let value = &line[l.start..l.end];
        assert!(!value.contains('\n'));
        check_value(l.ty, value);
    }
}

#[test]
fn every_type_and_card_family_is_present() {
    let corpus = generate_text(3, 3000);
    // The eleven types the testkit generates; the identifier types are
    // measured on benches/detect-eval's corpus instead.
    for ty in PiiType::ALL.into_iter().take(11) {
        let n = corpus.labels.iter().filter(|l| l.ty == ty).count();
        assert!(n >= 30, "only {n} labels of {ty}");
    }
    let cards: Vec<String> = corpus
        .labels
        .iter()
        .filter(|l| l.ty == PiiType::CardNumber)
        .map(|l| digits(&line_of(&corpus, l.line)[l.start..l.end]))
        .collect();
    for (name, pred) in [
        (
            "2-series Mastercard",
            &(|d: &str| d.starts_with('2')) as &dyn Fn(&str) -> bool,
        ),
        ("JCB", &|d: &str| d.starts_with("35")),
        ("Amex", &|d: &str| d.len() == 15),
        ("Diners", &|d: &str| d.len() == 14),
        ("Discover", &|d: &str| {
            d.starts_with("6011") || d.starts_with("65")
        }),
    ] {
        assert!(cards.iter().any(|c| pred(c)), "no {name} card");
    }
}

#[test]
fn labels_do_not_overlap_and_negatives_are_never_inside_labels() {
    let corpus = generate_text(99, 3000);
    let mut spans: Vec<(u64, usize, usize)> = corpus
        .labels
        .iter()
        .map(|l| (l.line, l.start, l.end))
        .collect();
    spans.sort();
    for w in spans.windows(2) {
        assert!(
            w[0].0 != w[1].0 || w[0].2 <= w[1].1,
            "overlapping labels {w:?}"
        );
    }
    for n in &corpus.negatives {
        for l in corpus.labels.iter().filter(|l| l.line == n.line) {
            assert!(
                n.end <= l.start || l.end <= n.start,
                "negative {n:?} overlaps label {l:?}"
            );
        }
    }
}

#[test]
fn negatives_fail_their_checks() {
    let corpus = generate_text(8, 4000);
    let mut seen = std::collections::HashSet::new();
    for n in &corpus.negatives {
        seen.insert(n.kind);
        let s = &line_of(&corpus, n.line)[n.start..n.end];
        match n.kind {
            NegativeKind::LuhnFail => assert!(!luhn_valid(s) && digits(s).len() == 16, "{s}"),
            NegativeKind::InvalidSsn => assert!(!ssn_valid(s), "{s}"),
            NegativeKind::BadIban => assert!(!iban_valid(s), "{s}"),
            NegativeKind::OrderId => {
                assert!(s.len() == 9 && s.bytes().all(|b| b.is_ascii_digit()), "{s}")
            }
            NegativeKind::Version => assert!(s.split('.').count() == 4, "{s}"),
            NegativeKind::Tracking => assert!(s.starts_with("1Z") && s.len() == 18, "{s}"),
            _ => assert!(!s.is_empty()),
        }
    }
    assert_eq!(seen.len(), 12, "every kind of look-alike appears: {seen:?}");
}

#[test]
fn generated_phones_are_valid_in_their_region() {
    let mut g = Gen::new(1, 9);
    for _ in 0..5000 {
        let (region, number) = phone_with_region(&mut g);
        let id = region.parse().expect("region id");
        let parsed = phonenumber::parse(Some(id), &number)
            .unwrap_or_else(|e| panic!("{region} {number}: {e}"));
        assert!(
            phonenumber::is_valid(&parsed),
            "{region} {number} is not valid"
        );
    }
}

#[test]
fn csv_rows_have_every_column_and_labeled_cells_validate() {
    let table = generate_csv(77, 1500);
    let mut reader = csv::Reader::from_reader(table.csv.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .expect("header")
        .iter()
        .map(str::to_string)
        .collect();
    assert_eq!(headers, CSV_COLUMNS);
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row parses")).collect();
    assert_eq!(rows.len(), 1500);
    for l in &table.labels {
        let row = &rows[(l.row - 1) as usize];
        let col = CSV_COLUMNS
            .iter()
            .position(|c| *c == l.column)
            .expect("known column");
        let value = &row[col];
        assert!(!value.is_empty(), "label on an empty cell {l:?}");
        if l.column != "notes" {
            check_value(l.ty, value);
        }
    }
    let labeled = |col: &str| table.labels.iter().filter(|l| l.column == col).count();
    assert_eq!(labeled("email"), 1500);
    assert_eq!(
        labeled("order_id")
            + labeled("signup_ts")
            + labeled("city")
            + labeled("zip")
            + labeled("id"),
        0
    );
    assert!(labeled("notes") > 200);
}
