//! Engine tests: end-to-end detection over text and fields.

use super::*;
use crate::{ColumnStats, Verdict};
use proptest::prelude::*;
use std::sync::OnceLock;

fn detector() -> &'static Detector {
    static D: OnceLock<Detector> = OnceLock::new();
    D.get_or_init(|| Detector::new(DetectorConfig::default()).expect("default config builds"))
}

fn found(text: &str) -> Vec<(PiiType, String)> {
    let mut out = Vec::new();
    detector().detect(text.as_bytes(), &mut out);
    out.iter()
        .map(|m| (m.ty, text[m.start..m.end].to_owned()))
        .collect()
}

fn has(text: &str, ty: PiiType, value: &str) -> bool {
    found(text).iter().any(|(t, v)| *t == ty && v == value)
}

fn none_of(text: &str, ty: PiiType) -> bool {
    found(text).iter().all(|(t, _)| *t != ty)
}

#[test]
fn positives() {
    use PiiType::*;
    let cases: &[(&str, PiiType, &str)] = &[
        (
            "mail me at jane.doe@example.com.",
            Email,
            "jane.doe@example.com",
        ),
        ("Call +1 (415) 555-0134 today", Phone, "+1 (415) 555-0134"),
        ("phone: 415-555-0134", Phone, "415-555-0134"),
        ("tel (415) 555 0134", Phone, "(415) 555 0134"),
        ("London office +44 20 7946 0958", Phone, "+44 20 7946 0958"),
        ("Berlin +49 30 901820", Phone, "+49 30 901820"),
        ("Berlin 0049 30 901820", Phone, "0049 30 901820"),
        ("Paris: +33 1 42 68 53 00", Phone, "+33 1 42 68 53 00"),
        ("mobile 07700 900123", Phone, "07700 900123"),
        ("call me on 4155550134", Phone, "4155550134"),
        (
            "card 4111 1111 1111 1111 exp 12/29",
            CardNumber,
            "4111 1111 1111 1111",
        ),
        ("paid with 5555555555554444", CardNumber, "5555555555554444"),
        ("mc 2223-0031-2200-3222", CardNumber, "2223-0031-2200-3222"),
        ("amex 3782 822463 10005", CardNumber, "3782 822463 10005"),
        ("jcb 3530111333300000", CardNumber, "3530111333300000"),
        ("SSN: 123-45-6789", UsSsn, "123-45-6789"),
        ("my social security number is 123456789", UsSsn, "123456789"),
        (
            "IBAN DE89 3704 0044 0532 0130 00 please",
            Iban,
            "DE89 3704 0044 0532 0130 00",
        ),
        ("to GB29NWBK60161331926819.", Iban, "GB29NWBK60161331926819"),
        ("login from 203.0.113.42 failed", IpAddress, "203.0.113.42"),
        (
            "client 2001:db8::8a2e:370:7334 connected",
            IpAddress,
            "2001:db8::8a2e:370:7334",
        ),
        (
            "see https://example.com/a?b=c).",
            Url,
            "https://example.com/a?b=c",
        ),
        (
            "visit www.example.org/help, thanks",
            Url,
            "www.example.org/help",
        ),
        (
            "born on March 4, 1987 in Ohio",
            DateOfBirth,
            "March 4, 1987",
        ),
        ("DOB: 1987-03-04", DateOfBirth, "1987-03-04"),
        ("date of birth 04/03/1987", DateOfBirth, "04/03/1987"),
        ("(b. 4 March 1987)", DateOfBirth, "4 March 1987"),
        (
            "key AKIAZ7VQ3L5M2N4P6R8T used",
            Secret,
            "AKIAZ7VQ3L5M2N4P6R8T",
        ),
        ("password=hunter22 user=bob", Secret, "hunter22"),
        ("\"pwd\": \"c0rrect-horse\"", Secret, "c0rrect-horse"),
        (
            "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo\n",
            Secret,
            "-----BEGIN RSA PRIVATE KEY-----",
        ),
        (
            "token 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 ok",
            Secret,
            "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",
        ),
        (
            "api_key=9f8A7c6D5e4F3a2B1c0D",
            Secret,
            "9f8A7c6D5e4F3a2B1c0D",
        ),
        (
            "Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
            Secret,
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
        ),
    ];
    let more: &[(&str, PiiType, &str)] = &[
        (
            "aws_access_key_id=AKIAZ7VQ3L5M2N4P6R8T",
            Secret,
            "AKIAZ7VQ3L5M2N4P6R8T",
        ),
        (
            "aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCY7Q2mZ9Lk",
            Secret,
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCY7Q2mZ9Lk",
        ),
        ("db_password=p@ss&&w0rd&next=/", Secret, "p@ss&&w0rd"),
        ("tel 03.87.89.15.03", Phone, "03.87.89.15.03"),
        ("meu telefone (31) 96138-4522", Phone, "(31) 96138-4522"),
        ("Berlin 0221/2029568", Phone, "0221/2029568"),
        ("SSN: 002183142", UsSsn, "002183142"),
        ("Date of birth: 1990-06-13", DateOfBirth, "1990-06-13"),
    ];
    for (text, ty, value) in cases.iter().chain(more) {
        assert!(
            has(text, *ty, value),
            "{text:?}: want {ty} {value:?}, got {:?}",
            found(text)
        );
    }
}

#[test]
fn hard_negatives() {
    use PiiType::*;
    let cases: &[(&str, PiiType)] = &[
        ("card 4111 1111 1111 1112", CardNumber),
        ("ref 1234567812345678", CardNumber),
        ("order 4111111111111111 shipped", CardNumber),
        ("SSN 000-12-3456", UsSsn),
        ("SSN 666-12-3456", UsSsn),
        ("SSN 912-12-3456", UsSsn),
        ("order 123456789 shipped", UsSsn),
        ("id 123-45-6789-01", UsSsn),
        ("uuid 550e8400-e29b-41d4-a716-446655440000", Phone),
        ("uuid 550e8400-e29b-41d4-a716-446655440000", CardNumber),
        ("running version 1.2.3.4", IpAddress),
        ("firmware v10.0.0.1", IpAddress),
        ("build 10.0.0.1 ok", IpAddress),
        ("pkg 1.2.3.4.5", IpAddress),
        ("at 2024-01-15T10:00:00Z created", DateOfBirth),
        ("2024-01-15 10:00:00 INFO start", DateOfBirth),
        ("created 1987-03-04", DateOfBirth),
        ("born 1987-03-04T12:00:00", DateOfBirth),
        ("born in 1850-01-01", DateOfBirth),
        ("total $1299.00 paid", Phone),
        ("at 12:00:00 today", IpAddress),
        ("tracking 1Z999AA10123456784", Phone),
        ("tracking 1Z999AA10123456784", CardNumber),
        ("order #123456789", UsSsn),
        ("std::vec::Vec", IpAddress),
        ("password=******** ok", Secret),
        ("password=${DB_PASSWORD}", Secret),
        ("aws_access_key_id = AKIAXXXXXXXXXXXXXXXX", Secret),
        ("AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE", Secret),
        ("token: ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", Secret),
        (
            "-----BEGIN RSA PRIVATE KEY-----\n...your key here...\n",
            Secret,
        ),
        ("client_secret = os.environ['CLIENT_SECRET']", Secret),
        ("apiKey: \"<your-api-key>\"", Secret),
        ("Authorization: Bearer <token>", Secret),
        ("curl -u $USER:$PASS https://api.example.com", Secret),
        ("passport: X1234567", Secret),
        ("password_min_length = 12", Secret),
        ("secretName: my-app-tls", Secret),
        ("IBAN DE89 3704 0044 0532 0130 01", Iban),
        ("jane..doe@example.com", Email),
        ("at 192.168.001.001", IpAddress),
        ("the app (version 13.10.5.925) crashes", Phone),
        ("built 2025-07-30 00:24:54", Phone),
    ];
    for (text, ty) in cases {
        assert!(
            none_of(text, *ty),
            "{text:?}: unexpected {ty}: {:?}",
            found(text)
        );
    }
}

#[test]
fn bare_numbers_need_context() {
    assert!(none_of("value 123456789 here", PiiType::UsSsn));
    assert!(has("SSN 123456789", PiiType::UsSsn, "123456789"));
    // A birth keyword labels the nearest date only.
    let text = "Date of birth: 1990-06-13 / account created 19 August 2022";
    assert!(has(text, PiiType::DateOfBirth, "1990-06-13"));
    assert!(!has(text, PiiType::DateOfBirth, "19 August 2022"));
    // An unformatted 10-digit number without phone words stays below threshold.
    assert!(none_of("count 4155550134 rows", PiiType::Phone));
}

#[test]
fn spans_never_cross_lines_and_offsets_are_absolute() {
    let text = "first line\nSSN: 123-45-6789\nmail a@b.example.com\n";
    let mut out = Vec::new();
    detector().detect(text.as_bytes(), &mut out);
    let got: Vec<_> = out.iter().map(|m| (m.ty, &text[m.start..m.end])).collect();
    assert!(got.contains(&(PiiType::UsSsn, "123-45-6789")), "{got:?}");
    assert!(
        got.contains(&(PiiType::Email, "a@b.example.com")),
        "{got:?}"
    );
    // Context does not leak across lines.
    assert!(none_of("SSN\n123456789", PiiType::UsSsn));
}

#[test]
fn appends_after_existing_matches() {
    let mut out = vec![Match {
        ty: PiiType::Email,
        start: 0,
        end: 1,
        confidence: 1.0,
    }];
    detector().detect(b"SSN 123-45-6789", &mut out);
    assert_eq!(out.len(), 2);
    assert_eq!(out[0].start, 0);
}

#[test]
fn disabled_types_are_not_reported() {
    let d = Detector::new(DetectorConfig {
        types: vec![PiiType::Email],
        min_confidence: 0.5,
        region: None,
    })
    .expect("builds");
    let mut out = Vec::new();
    d.detect(b"a@example.com SSN 123-45-6789", &mut out);
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].ty, PiiType::Email);
    assert!(
        Detector::new(DetectorConfig {
            types: vec![],
            min_confidence: 2.0,
            region: None,
        })
        .is_err()
    );
}

fn field(header: &str, value: &str) -> Vec<(PiiType, String)> {
    let mut out = Vec::new();
    detector().detect_field(
        &ColumnContext::from_header(header),
        value.as_bytes(),
        &mut out,
    );
    out.iter()
        .map(|m| (m.ty, value[m.start..m.end].to_owned()))
        .collect()
}

#[test]
fn fields_use_their_header() {
    use PiiType::*;
    assert_eq!(field("ssn", "123456789"), vec![(UsSsn, "123456789".into())]);
    assert_eq!(field("ssn", "000000000"), vec![]);
    assert_eq!(field("order_id", "123456789"), vec![]);
    assert_eq!(field("order_id", "4111111111111111"), vec![]);
    assert_eq!(field("order_id", "123-45-6789"), vec![]);
    assert_eq!(
        field("dob", "1987-03-04"),
        vec![(DateOfBirth, "1987-03-04".into())]
    );
    assert_eq!(
        field("birth_date", "1987-03-04 00:00:00"),
        vec![(DateOfBirth, "1987-03-04".into())]
    );
    assert_eq!(field("created_at", "1987-03-04"), vec![]);
    assert_eq!(field("signup_date", "1987-03-04"), vec![]);
    assert_eq!(
        field("phone", "4155550134"),
        vec![(Phone, "4155550134".into())]
    );
    assert_eq!(
        field("first_name", "Zyxwv"),
        vec![(PersonName, "Zyxwv".into())]
    );
    assert_eq!(
        field("first_name", "  Anne-Marie "),
        vec![(PersonName, "Anne-Marie".into())]
    );
    assert_eq!(field("product_name", "Zyxwv"), vec![]);
    assert_eq!(
        field("ip", "10.0.0.1"),
        vec![(IpAddress, "10.0.0.1".into())]
    );
    assert_eq!(
        field("password", "s3cret!!"),
        vec![(Secret, "s3cret!!".into())]
    );
    assert_eq!(
        field("notes", "call 415-555-0134"),
        vec![(Phone, "415-555-0134".into())]
    );
    let email = field("customer.billing.email", "jane@example.com");
    assert_eq!(email, vec![(Email, "jane@example.com".into())]);
}

fn classify(header: &str, values: &[&str]) -> crate::ColumnSummary {
    let ctx = ColumnContext::from_header(header);
    let mut stats = ColumnStats::default();
    let mut out = Vec::new();
    for v in values {
        out.clear();
        detector().detect_field(&ctx, v.as_bytes(), &mut out);
        stats.observe(v.as_bytes(), &out);
    }
    stats.summarize(&ctx)
}

/// Random-looking 16-digit ids, a tenth of which pass Luhn with a Visa prefix.
fn order_ids() -> Vec<String> {
    (0..200u64)
        .map(|i| {
            let body = format!("4{:014}", i * 7_919_113 % 99_999_999_999_999);
            // Give every tenth id a valid check digit, the rest an invalid one.
            let check = privet_types::checks::luhn_check_digit(body.as_bytes()).unwrap_or(0);
            let last = if i % 10 == 0 { check } else { (check + 1) % 10 };
            format!("{body}{last}")
        })
        .collect()
}

#[test]
fn columns() {
    let emails: Vec<String> = (0..50).map(|i| format!("user{i}@example.com")).collect();
    let refs: Vec<&str> = emails.iter().map(String::as_str).collect();
    let s = classify("email", &refs);
    assert_eq!((s.ty, s.verdict), (Some(PiiType::Email), Verdict::Column));
    assert!(s.share > 0.99);
    let s = classify("contact", &refs);
    assert_eq!((s.ty, s.verdict), (Some(PiiType::Email), Verdict::Column));

    let ids = order_ids();
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    let s = classify("order_id", &refs);
    assert_ne!(s.verdict, Verdict::Column);
    assert!(s.ty.is_none() || s.verdict == Verdict::NotPersonal, "{s:?}");
    let s = classify("value", &refs);
    assert_eq!(s.ty, Some(PiiType::CardNumber));
    assert_eq!(s.verdict, Verdict::NotPersonal, "{s:?}");

    let s = classify("dob", &["1987-03-04", "1990-12-31", "", "2001-02-28"]);
    assert_eq!(
        (s.ty, s.verdict),
        (Some(PiiType::DateOfBirth), Verdict::Column)
    );
    assert_eq!((s.matched, s.non_empty), (3, 3));

    let s = classify("created_at", &["1987-03-04", "1990-12-31", "2001-02-28"]);
    assert_eq!((s.ty, s.verdict), (None, Verdict::NotPersonal));

    let s = classify(
        "notes",
        &[
            "call me at 415-555-0134",
            "thanks",
            "all good",
            "ok",
            "late",
        ],
    );
    assert_eq!(
        (s.ty, s.verdict),
        (Some(PiiType::Phone), Verdict::Scattered)
    );
}

#[test]
fn stats_merge_adds_up() {
    let ctx = ColumnContext::from_header("email");
    let mut a = ColumnStats::default();
    let mut b = ColumnStats::default();
    let m = Match {
        ty: PiiType::Email,
        start: 0,
        end: 5,
        confidence: 0.9,
    };
    a.observe(b"a@b.c", &[m]);
    b.observe(b"x", &[]);
    a.merge(&b);
    let s = a.summarize(&ctx);
    assert_eq!((s.matched, s.non_empty), (1, 2));
}

proptest! {
    #[test]
    fn detect_never_panics_and_keeps_invariants(data in proptest::collection::vec(any::<u8>(), 0..400)) {
        crate::fuzz_detect(&data);
    }

    #[test]
    fn detect_on_texty_input(s in "[ -~\n]{0,300}") {
        crate::fuzz_detect(s.as_bytes());
    }
}

#[test]
fn detector_is_shareable_across_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Detector>();
    let d = detector();
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                let mut out = Vec::new();
                d.detect(b"SSN 123-45-6789, call +1 (415) 555-0134", &mut out);
                assert_eq!(out.len(), 2);
            });
        }
    });
}

#[test]
fn phone_ceiling_bounds_every_verdict() {
    // The ceiling is what a validated number would score; bare national
    // digit runs only pass with a phone keyword before them.
    let plain = Context::EMPTY;
    let labelled = Context::EMPTY.with(PiiType::Phone);
    assert!(phone_ceiling(b"4155550134", &plain) < 0.5);
    assert!(phone_ceiling(b"4155550134", &labelled) >= 0.5);
    assert!(phone_ceiling(b"415-555-0134", &plain) >= 0.8);
    assert!(phone_ceiling(b"+14155550134", &plain) >= 0.9);
    assert!(phone_ceiling(b"0044 20 7946 0958", &plain) >= 0.9);
    assert!(has("phone 4155550134", PiiType::Phone, "4155550134"));
    assert!(none_of("ref 4155550134", PiiType::Phone));
    assert!(has("call 07700 900123 now", PiiType::Phone, "07700 900123"));
}

#[test]
fn credentials_in_urls_are_secrets_not_emails() {
    let env = "DATABASE_URL=postgres://app:s3cr3tP4ss@db.internal:5432/shop\n";
    assert!(has(env, PiiType::Secret, "s3cr3tP4ss"), "{:?}", found(env));
    assert!(none_of(env, PiiType::Email), "{:?}", found(env));
    let hook = "webhook https://bot:hunter2go@hooks.example.com/notify";
    assert!(has(hook, PiiType::Secret, "hunter2go"), "{:?}", found(hook));
    // A placeholder is no secret, and an ordinary address stays an address.
    let template = "DATABASE_URL=postgres://app:${DB_PASSWORD}@db.internal/shop";
    assert!(none_of(template, PiiType::Secret), "{:?}", found(template));
    assert!(has(
        "write to ada@example.com",
        PiiType::Email,
        "ada@example.com"
    ));
}

#[test]
fn evidence_is_weighed_by_distance_and_strength() {
    use PiiType::*;
    // The label next to the value beats an id-like word elsewhere on the line.
    let log = "msg=\"ssn check submitted\" user_id=487592 ssn=848-43-5299";
    assert!(has(log, UsSsn, "848-43-5299"), "{:?}", found(log));
    let t = "order 1: paid with 4111 1111 1111 1111";
    assert!(has(t, CardNumber, "4111 1111 1111 1111"), "{:?}", found(t));
    // "Not a TIN" denies the keyword.
    assert!(none_of("Not a TIN 123456789", UsSsn));
    assert!(none_of(
        "Not a TIN: 242995371 is my customer number.",
        UsSsn
    ));
}

#[test]
fn labelled_cards_of_unknown_issuers_are_reported_lower() {
    use PiiType::*;
    for (text, value) in [
        ("the card number is 2200379451886248", "2200379451886248"),
        ("card number is 9792372890257971", "9792372890257971"),
        ("card=3511-2837-2018-4678", "3511-2837-2018-4678"),
    ] {
        assert!(has(text, CardNumber, value), "{text}: {:?}", found(text));
    }
    // Unlabelled, the issuer table still decides.
    assert!(none_of("ref 2200379451886248", CardNumber));
    assert!(none_of("2200379451886248", CardNumber));
}

#[test]
fn several_cards_on_one_line() {
    use PiiType::*;
    let t = "cards 4111 1111 1111 1111 5555 5555 5555 4444 and 378282246310005";
    let cards: Vec<String> = found(t)
        .into_iter()
        .filter(|(ty, _)| *ty == CardNumber)
        .map(|(_, v)| v)
        .collect();
    assert_eq!(
        cards,
        [
            "4111 1111 1111 1111",
            "5555 5555 5555 4444",
            "378282246310005"
        ],
        "{t}"
    );
    let t = "4111111111111111 5555555555554444";
    assert!(has(t, CardNumber, "4111111111111111") && has(t, CardNumber, "5555555555554444"));
    let t = "visa 4111111111111111, mc 5555555555554444";
    assert!(has(t, CardNumber, "4111111111111111") && has(t, CardNumber, "5555555555554444"));
}

#[test]
fn smaller_forms() {
    use PiiType::*;
    let cases: &[(&str, PiiType, &str)] = &[
        (
            "iban NL32-OFUS-1248-4131-83 ok",
            Iban,
            "NL32-OFUS-1248-4131-83",
        ),
        ("my ssn is 453.56.6814", UsSsn, "453.56.6814"),
        ("Phone: 446-781-9149x937", Phone, "446-781-9149x937"),
        ("call (783)554-0482x81311 now", Phone, "(783)554-0482x81311"),
        ("tel 415-555-0134 ext. 12", Phone, "415-555-0134 ext. 12"),
        ("Tel. (+41) 44 668 18 00", Phone, "(+41) 44 668 18 00"),
        ("from ::1 port 22", IpAddress, "::1"),
        ("link-local fe80::1 up", IpAddress, "fe80::1"),
        ("Date of birth: 28-jun-1975", DateOfBirth, "28-jun-1975"),
        ("7/24/1967 is my birthday", DateOfBirth, "7/24/1967"),
        ("17 May 1938 is my birthday", DateOfBirth, "17 May 1938"),
    ];
    for (text, ty, value) in cases {
        assert!(has(text, *ty, value), "{text}: {:?}", found(text));
    }
    assert!(none_of("slice a[1::2] here", IpAddress));
}

#[test]
fn card_verification_codes_and_expiry_dates_after_their_label() {
    use PiiType::*;
    let t = "{\"card\": \"4111111111111111\", \"cvv\": \"123\", \"exp\": \"11/27\"}";
    assert!(has(t, CardSecurityCode, "123"), "{:?}", found(t));
    assert!(has(t, CardExpiry, "11/27"), "{:?}", found(t));
    let t = "card 4111 1111 1111 1111 exp 11/27 cvc 4321";
    assert!(
        has(t, CardExpiry, "11/27") && has(t, CardSecurityCode, "4321"),
        "{:?}",
        found(t)
    );
    assert!(none_of("we shipped 123 items on 11/27", CardSecurityCode));
    assert!(none_of("we shipped 123 items on 11/27", CardExpiry));
}

#[test]
fn identifiers_in_text() {
    use PiiType::*;
    let cases: &[(&str, PiiType, &str)] = &[
        ("NHS number: 943 476 5919", UkNhs, "943 476 5919"),
        ("SIN 046 454 286", CaSin, "046 454 286"),
        ("Steuer-ID: 86095742719", DeTaxId, "86095742719"),
        ("BSN 111222333", NlBsn, "111222333"),
        ("Aadhaar 2345 6789 0124", InAadhaar, "2345 6789 0124"),
        ("TFN: 123 456 782", AuTfn, "123 456 782"),
        ("CPF 529.982.247-25", BrCpf, "529.982.247-25"),
        ("NI number AB 12 34 56 C", UkNino, "AB 12 34 56 C"),
        (
            "codice fiscale RSSMRA85T10A562S",
            ItFiscalCode,
            "RSSMRA85T10A562S",
        ),
        ("ITIN 912-70-1234", UsItin, "912-70-1234"),
        ("routing 021000021", AbaRouting, "021000021"),
        ("IMEI 490154203237518", Imei, "490154203237518"),
        ("hwaddr 00:1A:2B:3C:4D:5E", MacAddress, "00:1A:2B:3C:4D:5E"),
        (
            "send to 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
            CryptoWallet,
            "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
        ),
        ("Passport number: X1234567", Passport, "X1234567"),
        ("MRN: 00123456", MedicalRecord, "00123456"),
    ];
    for (text, ty, value) in cases {
        assert!(has(text, *ty, value), "{text}: {:?}", found(text));
    }
    // Same shapes failing their checks.
    assert!(none_of("NHS number: 943 476 5918", UkNhs));
    assert!(none_of("NHS number: 943 476 5918", Phone));
    assert!(none_of("BSN 111222334", NlBsn));
    assert!(none_of("codice fiscale RSSMRA85T10A562T", ItFiscalCode));
    // Weak checks need their label.
    assert!(none_of("call 111222333 now", NlBsn));
}

#[test]
fn the_last_plausible_birth_year_comes_from_the_clock() {
    let clock = |t: &str| privet_types::ManualClock::new(t.parse().unwrap());
    let in_1990 = Detector::with_clock(DetectorConfig::default(), &clock("1990-07-01T00:00:00Z"))
        .expect("builds");
    let in_2026 = Detector::with_clock(DetectorConfig::default(), &clock("2026-07-01T00:00:00Z"))
        .expect("builds");
    let text = "DOB: 1995-03-04";
    let dobs = |d: &Detector| {
        let mut out = Vec::new();
        d.detect(text.as_bytes(), &mut out);
        out.iter().filter(|m| m.ty == PiiType::DateOfBirth).count()
    };
    assert_eq!(dobs(&in_1990), 0, "born after today is no birth date");
    assert_eq!(dobs(&in_2026), 1);
}

/// Issue 12, phones from context: national numbers after their own cue,
/// read in the region the line names (a possible length there suffices), a
/// slash between groups, a country code glued to the area code.
#[test]
fn phones_from_context() {
    use PiiType::*;
    let cases: &[(&str, &str)] = &[
        ("Telefono: 347854534", "347854534"),
        ("Mi può chiamare al 0612345678.", "0612345678"),
        ("Telefon: 06-1/363 1837", "06-1/363 1837"),
        ("Telefon: (06)31/352-7826", "(06)31/352-7826"),
        ("U kunt mij bellen op +3148-8142526.", "+3148-8142526"),
        ("Ring me on 020 7946 0958.", "020 7946 0958"),
    ];
    for (text, want) in cases {
        assert!(has(text, Phone, want), "{text:?}: {:?}", found(text));
    }
    // A reference number after a phone on the same line is no phone, and
    // nine digits without a phone cue stay what they were.
    for text in [
        "Téléphone : 04 75 82 90 06 Nr. 889850163",
        "Telefon: +420 702 039 757 No. 285502864",
        "order 347854534 shipped",
    ] {
        assert!(
            !found(text).iter().any(|(t, v)| *t == Phone && v.len() == 9),
            "{text:?}: {:?}",
            found(text)
        );
    }
}

/// An address that covers a name keeps the span: the name is its street's or
/// its town's.
#[test]
fn addresses_keep_the_names_they_cover() {
    use PiiType::*;
    for (text, addr) in [
        (
            "Address: Flat 4, Sandra Green, Leeds, LS1 4AP",
            "Flat 4, Sandra Green, Leeds, LS1 4AP",
        ),
        (
            "Vivo en Cañada de Ruth Llamas 2, Málaga, 29001.",
            "Cañada de Ruth Llamas 2, Málaga, 29001",
        ),
    ] {
        assert!(
            has(text, StreetAddress, addr),
            "{text:?}: {:?}",
            found(text)
        );
        assert!(none_of(text, PersonName), "{text:?}: {:?}", found(text));
    }
    // A name beside an address stays a name.
    assert!(has(
        "Maria Lopez, 12 Main Street, Springfield, IL 62704",
        PersonName,
        "Maria Lopez"
    ));
}

#[test]
fn a_configured_region_reads_national_numbers_first() {
    let with = |region: Option<&str>| {
        let d = Detector::new(DetectorConfig {
            types: vec![PiiType::Phone],
            region: region.map(|r| PhoneRegion::parse(r).expect("a region")),
            ..DetectorConfig::default()
        })
        .expect("builds");
        let mut out = Vec::new();
        // A Spanish mobile number: nine digits, no trunk prefix, no country code; as a US
        // number it is too short.
        d.detect(
            b"Pedido 8812, la clienta llamo desde el 612 345 678 ayer",
            &mut out,
        );
        out.iter().map(|m| m.ty).collect::<Vec<_>>()
    };
    assert_eq!(with(Some("es")), vec![PiiType::Phone]);
    assert_eq!(with(None), Vec::<PiiType>::new());
    assert_eq!(with(Some("US")), Vec::<PiiType>::new());
}

#[test]
fn region_codes_are_checked() {
    for good in ["US", "gb", " DE ", "es"] {
        assert!(PhoneRegion::parse(good).is_ok(), "{good}");
    }
    for bad in ["", "USA", "XX", "U", "001", "ZZ", "de-DE"] {
        let err = PhoneRegion::parse(bad).expect_err(bad).to_string();
        assert!(err.contains("two-letter ISO 3166"), "{bad}: {err}");
    }
}
