use privet_crypto::SecretKey;
use privet_deid::fake::{FakeKind, fake};
use proptest::prelude::*;

use crate::key;

fn luhn_valid(digits: &str) -> bool {
    privet_types::checks::luhn_valid(digits.as_bytes())
}

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

#[test]
fn fakes_are_deterministic_per_key_and_input() {
    let other = SecretKey::from_bytes([0x99; 32]);
    for (kind, value) in [
        (FakeKind::Email, "ana.lima@corp.example"),
        (FakeKind::PersonName, "Ana Lima"),
        (FakeKind::Phone, "+44 7911 123456"),
        (FakeKind::CardNumber, "4111 1111 1111 1111"),
        (FakeKind::UsSsn, "123-45-6789"),
    ] {
        let a = fake(&key(), kind, value).unwrap();
        assert_eq!(a, fake(&key(), kind, value).unwrap(), "{kind:?}");
        assert_ne!(a, value, "{kind:?}");
        // A different key gives, with overwhelming odds, a different fake.
        assert_ne!(a, fake(&other, kind, value).unwrap(), "{kind:?}");
    }
}

#[test]
fn emails_and_names_ignore_case_and_spacing() {
    let a = fake(&key(), FakeKind::Email, "Ana.Lima@Corp.Example").unwrap();
    assert_eq!(
        a,
        fake(&key(), FakeKind::Email, " ana.lima@corp.example ").unwrap()
    );
    let (local, domain) = a.split_once('@').unwrap();
    assert!(local.contains('.'));
    assert!(["example.com", "example.org", "example.net"].contains(&domain));
    let n = fake(&key(), FakeKind::PersonName, "Ana  Lima").unwrap();
    assert_eq!(n, fake(&key(), FakeKind::PersonName, "ana lima").unwrap());
    assert_eq!(n.split(' ').count(), 2);
    let single = fake(&key(), FakeKind::PersonName, "Ana").unwrap();
    assert_eq!(single.split(' ').count(), 1);
    let loud = fake(&key(), FakeKind::PersonName, "ANA LIMA").unwrap();
    assert_eq!(loud, loud.to_uppercase());
}

#[test]
fn phones_keep_layout_plus_and_country_code() {
    let value = "+44 (0)7911-123 456";
    let f = fake(&key(), FakeKind::Phone, value).unwrap();
    assert_eq!(f.len(), value.len());
    assert!(f.starts_with("+44 (0)"));
    for (a, b) in value.chars().zip(f.chars()) {
        assert_eq!(a.is_ascii_digit(), b.is_ascii_digit());
        if !a.is_ascii_digit() {
            assert_eq!(a, b);
        }
    }
    let us = fake(&key(), FakeKind::Phone, "+1 415-555-0100").unwrap();
    assert!(us.starts_with("+1 "));
    let national = fake(&key(), FakeKind::Phone, "(415) 555-0100").unwrap();
    assert_eq!(national.len(), "(415) 555-0100".len());
    assert!(!national.starts_with("(0") && !national.starts_with("(1"));
    // The same number written differently gets the same digits.
    assert_eq!(
        digits(&fake(&key(), FakeKind::Phone, "+14155550100").unwrap()),
        digits(&us)
    );
}

#[test]
fn card_fakes_never_collide_with_a_test_range_input() {
    // An input already in the test range still gets a different number.
    for i in 0..50 {
        let body = format!("400000{i:09}");
        let check = privet_types::checks::luhn_check_digit(body.as_bytes()).unwrap();
        let payload = format!("{body}{check}");
        let f = fake(&key(), FakeKind::CardNumber, &payload).unwrap();
        assert_ne!(f, payload);
        assert!(luhn_valid(&f));
    }
}

proptest! {
    #[test]
    fn cards_are_luhn_valid_test_numbers_of_the_same_layout(
        number in "[0-9]{13,19}",
        sep in prop::sample::select(vec!["", " ", "-"]),
    ) {
        let value: String = number
            .chars()
            .enumerate()
            .flat_map(|(i, c)| {
                let s = if i > 0 && i % 4 == 0 { sep } else { "" };
                s.chars().chain(std::iter::once(c))
            })
            .collect();
        let f = fake(&key(), FakeKind::CardNumber, &value).unwrap();
        prop_assert_eq!(f.len(), value.len());
        let d = digits(&f);
        prop_assert_eq!(d.len(), number.len());
        prop_assert!(d.starts_with("400000"));
        prop_assert!(luhn_valid(&d));
        prop_assert_ne!(d, number);
    }

    #[test]
    fn ssns_are_in_the_never_issued_area(number in "[0-9]{9}", dashed in any::<bool>()) {
        let value = if dashed {
            format!("{}-{}-{}", &number[..3], &number[3..5], &number[5..])
        } else {
            number.clone()
        };
        let f = fake(&key(), FakeKind::UsSsn, &value).unwrap();
        prop_assert_eq!(f.len(), value.len());
        let d = digits(&f);
        prop_assert!(d.starts_with('9'));
        prop_assert_ne!(&d[3..5], "00");
        prop_assert_ne!(&d[5..], "0000");
        prop_assert_ne!(f, value);
    }

    #[test]
    fn phones_replace_digits_only(value in "\\+?[1-9][0-9]{1,3}[ -]?[0-9]{3}[ -]?[0-9]{4}") {
        let f = fake(&key(), FakeKind::Phone, &value).unwrap();
        prop_assert_eq!(f.len(), value.len());
        prop_assert_ne!(&f, &value);
        for (a, b) in value.chars().zip(f.chars()) {
            prop_assert_eq!(a.is_ascii_digit(), b.is_ascii_digit());
            if !a.is_ascii_digit() {
                prop_assert_eq!(a, b);
            }
        }
    }
}
