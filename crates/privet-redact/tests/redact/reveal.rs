//! fpe then reveal gives the input back.

use privet_redact::engine::Mode;
use proptest::prelude::*;

use crate::{engine, run};

const POLICY: &str = "[columns.card]\nop = \"fpe\"\n[columns.account]\nop = \"fpe\"\n";

fn csv_field(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    #[test]
    fn fpe_csv_cells_round_trip(
        rows in proptest::collection::vec(("[0-9]{6,19}", "[A-Za-z0-9 .-]{0,3}[A-Za-z0-9]{6,20}[ -]{0,2}"), 1..6)
    ) {
        let dir = tempfile::tempdir().unwrap();
        let mut input = String::from("card,account,other\n");
        for (card, account) in &rows {
            input.push_str(&format!("{card},{},x\n", csv_field(account)));
        }
        let (redacted, _) = run(dir.path(), "in.csv", input.as_bytes(), &engine(POLICY, Mode::Redact));
        let text = String::from_utf8(redacted.clone()).unwrap();
        for (card, _) in &rows {
            let line_has_card = text.lines().skip(1).any(|l| l.starts_with(&format!("{card},")));
            prop_assert!(!line_has_card, "card left in clear");
        }
        let (back, _) = run(dir.path(), "red.csv", &redacted, &engine(POLICY, Mode::Reveal));
        let mut reader = csv::Reader::from_reader(&back[..]);
        let got: Vec<(String, String)> = reader
            .records()
            .map(|r| { let r = r.unwrap(); (r[0].to_owned(), r[1].to_owned()) })
            .collect();
        prop_assert_eq!(got, rows);
    }
}

/// Detected spans under `fpe` cycle-walk to values that validate again (a card stays a card
/// number passing Luhn and the issuer ranges), so `privet reveal` finds and decrypts them.
#[test]
fn fpe_spans_in_text_round_trip() {
    let policy = "[defaults]\ncard_number = \"fpe\"\nus_ssn = \"fpe\"\n";
    let cards = ["4111111111111111", "5555 5555 5555 4444", "378282246310005"];
    let mut input = String::new();
    for (i, c) in cards.iter().enumerate() {
        input.push_str(&format!(
            "ticket {i}: customer paid with card {c} yesterday\n"
        ));
    }
    input.push_str("employee SSN: 536-22-8726 on file\n");
    let dir = tempfile::tempdir().unwrap();
    let (redacted, _) = run(
        dir.path(),
        "in.txt",
        input.as_bytes(),
        &engine(policy, Mode::Redact),
    );
    let text = String::from_utf8(redacted.clone()).unwrap();
    for c in cards {
        assert!(!text.contains(c), "card left in clear");
    }
    assert!(!text.contains("536-22-8726"));
    assert_eq!(text.lines().count(), input.lines().count());
    let (back, _) = run(
        dir.path(),
        "red.txt",
        &redacted,
        &engine(policy, Mode::Reveal),
    );
    assert_eq!(String::from_utf8(back).unwrap(), input);
}
