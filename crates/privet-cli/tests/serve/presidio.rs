//! The Presidio-compatible endpoints as a Presidio client sees them: `/analyze` answers what
//! `privet scan` finds on the same text, in Presidio's names and character offsets; `/anonymize`
//! answers Presidio's documented example as Presidio does; what `encrypt` wrote `/deanonymize`
//! gives back exactly, under the same request key and server key only; bad bodies are problem
//! documents that repeat no value; an API key is needed unless `[presidio] allow_anonymous` lets
//! a loopback caller in, and never for a caller elsewhere.
//!
//! These routes do not touch the store, so SQLite alone is used.

use std::net::{IpAddr, SocketAddr, UdpSocket};

use serde_json::{Value, json};

use super::harness::{Env, Server};
use super::http::Client;

/// One line with a non-ASCII name before the values, so character and byte offsets differ.
const TEXT: &str = "Zoë Müller <zoe.mueller@example.com> rang +1 212-555-0100 and paid with \
                    4111 1111 1111 1111 from 203.0.113.7, see https://example.org/t/1 and IBAN \
                    DE89 3704 0044 0532 0130 00";

/// Values of [`TEXT`] that must never appear in an error or a log line.
const VALUES: [&str; 4] = [
    "zoe.mueller@example.com",
    "4111 1111 1111 1111",
    "212-555-0100",
    "DE89 3704",
];

/// A policy file: the default one, plus `extra`.
fn policy(env: &Env, extra: &str) -> String {
    let text = format!("{}\n{extra}", privet_types::policy::DEFAULT_POLICY_TOML);
    let path = env.path().join("presidio.toml");
    std::fs::write(&path, text).expect("write policy");
    path.to_str().expect("utf-8").to_owned()
}

/// `privet scan --format jsonl FLAGS` on `text` (one line), as `(Presidio name, start, end,
/// score)` with character offsets.
fn scan(env: &Env, text: &str, flags: &[&str]) -> Vec<(String, usize, usize, f64)> {
    let path = env.path().join("text.txt");
    std::fs::write(&path, text).expect("write text");
    let out = env
        .command()
        .args(["scan", "--format", "jsonl"])
        .args(flags)
        .arg(&path)
        .output()
        .expect("privet scan runs");
    let chars = |byte: u64| text[..byte as usize].chars().count();
    String::from_utf8(out.stdout)
        .expect("utf-8")
        .lines()
        .map(|line| {
            let f: Value = serde_json::from_str(line).expect("jsonl");
            let ty = f["type"].as_str().expect("type");
            let name = privet_server::api::presidio::entities::privet_type(ty)
                .map(privet_server::api::presidio::entities::presidio_name)
                .expect("a privet type");
            (
                name.to_owned(),
                chars(f["start"].as_u64().expect("start")),
                chars(f["end"].as_u64().expect("end")),
                f["confidence"].as_f64().expect("confidence"),
            )
        })
        .collect()
}

/// An `/analyze` answer as `(entity_type, start, end, score)`, checking Presidio's keys.
fn results(answer: &Value) -> Vec<(String, usize, usize, f64)> {
    answer
        .as_array()
        .expect("an array")
        .iter()
        .map(|r| {
            let mut keys: Vec<&str> = r
                .as_object()
                .expect("object")
                .keys()
                .map(String::as_str)
                .collect();
            keys.sort_unstable();
            assert_eq!(
                keys,
                [
                    "analysis_explanation",
                    "end",
                    "entity_type",
                    "recognition_metadata",
                    "score",
                    "start"
                ],
                "{r}"
            );
            assert_eq!(r["recognition_metadata"]["recognizer_name"], "privet");
            (
                r["entity_type"].as_str().expect("entity_type").to_owned(),
                r["start"].as_u64().expect("start") as usize,
                r["end"].as_u64().expect("end") as usize,
                r["score"].as_f64().expect("score"),
            )
        })
        .collect()
}

#[track_caller]
fn assert_no_values(what: &str, text: &str) {
    for v in VALUES {
        assert!(!text.contains(v), "{what} repeats a value: {text}");
    }
}

#[test]
fn analyze_answers_what_privet_scan_finds_in_presidio_terms() {
    let env = Env::sqlite();
    let server = env.start();
    let api = server.client();

    let all = results(
        &api.post("/analyze", &json!({"text": TEXT, "language": "en"}))
            .expect(200),
    );
    assert_eq!(all, scan(&env, TEXT, &[]));
    let names: Vec<&str> = all.iter().map(|r| r.0.as_str()).collect();
    for name in [
        "EMAIL_ADDRESS",
        "PHONE_NUMBER",
        "CREDIT_CARD",
        "IP_ADDRESS",
        "URL",
        "IBAN_CODE",
    ] {
        assert!(names.contains(&name), "{name} missing from {names:?}");
    }
    // Offsets are characters: Python's TEXT[start:end] is the value.
    let email = all.iter().find(|r| r.0 == "EMAIL_ADDRESS").expect("email");
    let value: String = TEXT.chars().skip(email.1).take(email.2 - email.1).collect();
    assert_eq!(value, "zoe.mueller@example.com");

    // `entities` and `score_threshold` are privet scan's --types and --min-confidence.
    let some = results(
        &api.post(
            "/analyze",
            &json!({"text": TEXT, "language": "en", "entities": ["EMAIL_ADDRESS", "CREDIT_CARD", "NRP"],
                    "score_threshold": 0.8, "return_decision_process": false, "correlation_id": "c-1"}),
        )
        .expect(200),
    );
    assert_eq!(
        some,
        scan(
            &env,
            TEXT,
            &["--types", "email,card_number", "--min-confidence", "0.8"]
        )
    );
    assert_eq!(some.len(), 2, "{some:?}");

    // A value on the allow list is not reported.
    let allowed = results(
        &api.post(
            "/analyze",
            &json!({"text": TEXT, "language": "en", "allow_list": ["zoe.mueller@example.com"]}),
        )
        .expect(200),
    );
    assert_eq!(allowed.len(), all.len() - 1);
    assert!(allowed.iter().all(|r| r.0 != "EMAIL_ADDRESS"));

    let supported = api.get("/supportedentities?language=en").expect(200);
    let supported: Vec<&str> = supported
        .as_array()
        .expect("array")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for name in [
        "CREDIT_CARD",
        "DATE_TIME",
        "LOCATION",
        "PERSON",
        "US_SSN",
        "UK_NHS",
    ] {
        assert!(supported.contains(&name), "{name}");
    }
    assert_eq!(
        api.get("/anonymizers").expect(200),
        json!(["encrypt", "hash", "keep", "mask", "redact", "replace"])
    );
    assert_eq!(api.get("/deanonymizers").expect(200), json!(["decrypt"]));
    assert_no_values("the server log", &server.stderr());
}

#[test]
fn anonymize_answers_presidios_documented_example() {
    let env = Env::sqlite();
    let server = env.start();
    let api = server.client();
    // Request and answer of Presidio's anonymizer REST documentation (2.2; its answers now
    // carry each span's score too).
    let answer = api
        .post(
            "/anonymize",
            &json!({
                "text": "hello world, my name is Jane Doe. My number is: 034453334",
                "anonymizers": {
                    "DEFAULT": {"type": "replace", "new_value": "ANONYMIZED"},
                    "PHONE_NUMBER": {"type": "mask", "masking_char": "*", "chars_to_mask": 4, "from_end": true}
                },
                "analyzer_results": [
                    {"start": 24, "end": 32, "score": 0.8, "entity_type": "NAME"},
                    {"start": 24, "end": 28, "score": 0.8, "entity_type": "FIRST_NAME"},
                    {"start": 29, "end": 32, "score": 0.6, "entity_type": "LAST_NAME"},
                    {"start": 48, "end": 57, "score": 0.95, "entity_type": "PHONE_NUMBER"}
                ]
            }),
        )
        .expect(200);
    assert_eq!(
        answer,
        json!({
            "text": "hello world, my name is ANONYMIZED. My number is: 03445****",
            "items": [
                {"operator": "mask", "entity_type": "PHONE_NUMBER", "start": 50, "end": 59, "text": "03445****", "score": 0.95},
                {"operator": "replace", "entity_type": "NAME", "start": 24, "end": 34, "text": "ANONYMIZED", "score": 0.8}
            ]
        })
    );

    // What /analyze answers goes to /anonymize as it is, as Presidio's clients chain them.
    let found = api
        .post("/analyze", &json!({"text": TEXT, "language": "en"}))
        .expect(200);
    let out = api
        .post(
            "/anonymize",
            &json!({"text": TEXT, "analyzer_results": found,
                    "anonymizers": {"CREDIT_CARD": {"type": "mask", "masking_char": "*", "chars_to_mask": 15, "from_end": false},
                                    "EMAIL_ADDRESS": {"type": "redact"}}}),
        )
        .expect(200);
    let text = out["text"].as_str().expect("text");
    assert!(text.contains("<> rang <PHONE_NUMBER>"), "{text}");
    assert!(text.contains("**** **** **** 1111"), "{text}");
    assert!(
        text.contains("<IP_ADDRESS>") && text.contains("<IBAN_CODE>"),
        "{text}"
    );
    assert_no_values(
        "the anonymized text",
        &text.replace("**** **** **** 1111", ""),
    );
    for item in out["items"].as_array().expect("items") {
        let (start, end) = (
            item["start"].as_u64().unwrap() as usize,
            item["end"].as_u64().unwrap() as usize,
        );
        let placed: String = text.chars().skip(start).take(end - start).collect();
        assert_eq!(placed, item["text"].as_str().unwrap(), "{item}");
    }

    // hash needs the de-identification key, which this server was not given.
    let p = api
        .post(
            "/anonymize",
            &json!({"text": TEXT, "analyzer_results": found, "anonymizers": {"DEFAULT": {"type": "hash"}}}),
        )
        .problem(422);
    assert!(
        p["detail"].as_str().unwrap().contains("PRIVET_DEID_KEY"),
        "{p}"
    );
    assert_no_values("the server log", &server.stderr());
}

#[test]
fn hash_is_the_pseudonym_privet_redact_writes_under_the_same_key() {
    let env = Env::sqlite();
    let key = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8";
    let server = env.start_with_env(&[], &[("PRIVET_DEID_KEY", key)]);
    let api = server.client();
    let text = "mail zoe.mueller@example.com";
    let out = api
        .post(
            "/anonymize",
            &json!({"text": text, "anonymizers": {"DEFAULT": {"type": "hash", "hash_type": "sha256"}},
                    "analyzer_results": [{"entity_type": "EMAIL_ADDRESS", "start": 5, "end": 28, "score": 1.0}]}),
        )
        .expect(200);
    // privet redact with a hash rule of the same length, under the same key.
    let deid = env.path().join("deid.toml");
    std::fs::write(&deid, "[defaults]\nemail = { op = \"hash\", len = 52 }\n").expect("write");
    let input = env.path().join("in.txt");
    std::fs::write(&input, format!("{text}\n")).expect("write");
    let redacted = env.path().join("out.txt");
    let status = env
        .command()
        .args(["redact", "--policy"])
        .arg(&deid)
        .arg(&input)
        .arg("-o")
        .arg(&redacted)
        .env("PRIVET_DEID_KEY", key)
        .output()
        .expect("privet redact runs");
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let expected = std::fs::read_to_string(&redacted).expect("redacted");
    assert_eq!(format!("{}\n", out["text"].as_str().unwrap()), expected);
}

/// A text with a value of each kind `/analyze` finds, two of them names with spaces and letters
/// beyond ASCII, for the `encrypt` and `decrypt` round trip.
const MANY: &str = "Zoë Łukasiewicz <zoe.lukasiewicz@example.com> wrote to Ana María Silva: call \
                    +1 212-555-0100 or +44 20 7946 0958, card 4111 1111 1111 1111 (5555 5555 5555 \
                    4444 too), IBAN DE89 3704 0044 0532 0130 00, SSN 123-45-6789, host \
                    203.0.113.7, https://example.org/t/1, born 1990-04-12; my name is Γιώργος \
                    Παπαδόπουλος.";

/// The server key of the round-trip tests (base64 of 32 bytes).
const DEID_KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8";

/// Presidio's documented request key.
const REQUEST_KEY: &str = "WmZq4t7w!z%C&F)J";

#[test]
fn encrypt_then_deanonymize_gives_the_text_back_under_both_keys_only() {
    let env = Env::sqlite();
    let server = env.start_with_env(&[], &[("PRIVET_DEID_KEY", DEID_KEY)]);
    let api = server.client();
    let found = api
        .post("/analyze", &json!({"text": MANY, "language": "en"}))
        .expect(200);
    let names: Vec<&str> = found
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|r| r["entity_type"].as_str())
        .collect();
    for name in [
        "PERSON",
        "EMAIL_ADDRESS",
        "PHONE_NUMBER",
        "CREDIT_CARD",
        "IBAN_CODE",
        "US_SSN",
        "IP_ADDRESS",
        "URL",
        "DATE_TIME",
    ] {
        assert!(names.contains(&name), "{name} missing from {names:?}");
    }
    let persons: Vec<String> = found
        .as_array()
        .expect("array")
        .iter()
        .filter(|r| r["entity_type"] == "PERSON")
        .map(|r| {
            let (start, end) = (r["start"].as_u64().unwrap(), r["end"].as_u64().unwrap());
            MANY.chars()
                .skip(start as usize)
                .take((end - start) as usize)
                .collect()
        })
        .collect();
    assert!(
        persons.iter().any(|p| p == "Zoë Łukasiewicz"),
        "{persons:?}"
    );

    // Encrypt everything /analyze found, under Presidio's documented key.
    let encrypted = api
        .post(
            "/anonymize",
            &json!({"text": MANY, "analyzer_results": found,
                    "anonymizers": {"DEFAULT": {"type": "encrypt", "key": REQUEST_KEY}}}),
        )
        .expect(200);
    let text = encrypted["text"].as_str().expect("text");
    let items = encrypted["items"].as_array().expect("items");
    assert_eq!(items.len(), found.as_array().unwrap().len());
    for value in [
        "Zoë",
        "Łukasiewicz",
        "zoe.lukasiewicz@example.com",
        "Ana María Silva",
        "212-555-0100",
        "4111 1111 1111 1111",
        "DE89 3704",
        "123-45-6789",
        "203.0.113.7",
        "Γιώργος",
    ] {
        assert!(!text.contains(value), "{value} left in {text}");
    }
    for item in items {
        assert_eq!(item["operator"], "encrypt", "{item}");
    }
    // Format-preserving: the text keeps its length in characters.
    assert_eq!(text.chars().count(), MANY.chars().count());

    // /deanonymize with the items as /anonymize answered them, Presidio's chained call.
    let decrypt = |key: &str, deanonymizers: Value| {
        let mut body =
            json!({"text": text, "anonymizer_results": items, "deanonymizers": deanonymizers});
        if deanonymizers.is_null() {
            body["deanonymizers"] = json!({"DEFAULT": {"type": "decrypt", "key": key}});
        }
        api.post("/deanonymize", &body)
    };
    let back = decrypt(REQUEST_KEY, Value::Null).expect(200);
    assert_eq!(back["text"], MANY);
    let back_items = back["items"].as_array().expect("items");
    assert_eq!(back_items.len(), items.len());
    for item in back_items {
        assert_eq!(item["operator"], "decrypt");
        let (start, end) = (
            item["start"].as_u64().unwrap() as usize,
            item["end"].as_u64().unwrap() as usize,
        );
        let placed: String = MANY.chars().skip(start).take(end - start).collect();
        assert_eq!(placed, item["text"].as_str().unwrap(), "{item}");
    }
    // Per entity, as Presidio's documentation writes it, gives the same.
    let mut per_entity = serde_json::Map::new();
    for name in &names {
        per_entity.insert(
            (*name).to_owned(),
            json!({"type": "decrypt", "key": REQUEST_KEY}),
        );
    }
    assert_eq!(
        decrypt(REQUEST_KEY, Value::Object(per_entity)).expect(200)["text"],
        MANY
    );

    // Another request key decrypts to something else, without an error: FF1 has no integrity
    // check, so a wrong key cannot be told from a right one.
    let wrong = decrypt("WmZq4t7w!z%C&F)K", Value::Null).expect(200);
    assert_ne!(wrong["text"], MANY);
    assert!(
        !wrong["text"]
            .as_str()
            .unwrap()
            .contains("4111 1111 1111 1111")
    );

    // The same request key on a server with another de-identification key does not decrypt.
    let env2 = Env::sqlite();
    let other = env2.start_with_env(
        &[],
        &[(
            "PRIVET_DEID_KEY",
            "Hx4dHBsaGRgXFhUUExIREA8ODQwLCgkIBwYFBAMCAQA",
        )],
    );
    let elsewhere = other
        .client()
        .post(
            "/deanonymize",
            &json!({"text": text, "anonymizer_results": items,
                    "deanonymizers": {"DEFAULT": {"type": "decrypt", "key": REQUEST_KEY}}}),
        )
        .expect(200);
    assert_ne!(elsewhere["text"], MANY);

    // A span too short for FF1 is named by its index, with why, and nothing of its value.
    let short = api
        .post(
            "/anonymize",
            &json!({"text": "pin 4711, card 4111 1111 1111 1111",
                    "analyzer_results": [{"entity_type": "CREDIT_CARD", "start": 15, "end": 34, "score": 1.0},
                                         {"entity_type": "PIN", "start": 4, "end": 8, "score": 0.4}],
                    "anonymizers": {"DEFAULT": {"type": "encrypt", "key": REQUEST_KEY}}}),
        );
    let p = short.problem(422);
    let detail = p["detail"].as_str().unwrap_or_default();
    assert!(
        detail.starts_with("analyzer_results[1]: encrypt for `PIN`: value too short"),
        "{detail}"
    );
    assert!(!short.text().contains("4711"), "{}", short.text());

    for log in [server.stderr(), other.stderr()] {
        assert_no_values("the server log", &log);
        assert!(!log.contains(REQUEST_KEY) && !log.contains("Zoë"), "{log}");
    }
}

#[test]
fn encrypt_and_decrypt_need_the_deid_key_as_hash_does() {
    let env = Env::sqlite();
    let server = env.start();
    let api = server.client();
    let span = json!([{"entity_type": "CREDIT_CARD", "start": 72, "end": 91, "score": 1.0}]);
    for (path, body) in [
        (
            "/anonymize",
            json!({"text": TEXT, "analyzer_results": span,
                   "anonymizers": {"DEFAULT": {"type": "encrypt", "key": REQUEST_KEY}}}),
        ),
        (
            "/deanonymize",
            json!({"text": TEXT, "anonymizer_results": span,
                   "deanonymizers": {"DEFAULT": {"type": "decrypt", "key": REQUEST_KEY}}}),
        ),
    ] {
        let r = api.post(path, &body);
        let p = r.problem(422);
        let detail = p["detail"].as_str().unwrap_or_default();
        assert!(
            detail.contains("needs the de-identification key")
                && detail.contains("PRIVET_DEID_KEY"),
            "{path}: {detail}"
        );
        assert_no_values("a problem", &r.text());
        assert!(!r.text().contains(REQUEST_KEY), "{}", r.text());
    }
    // Without spans that need it, nothing is refused (as for hash).
    api.post(
        "/anonymize",
        &json!({"text": TEXT, "analyzer_results": [],
                "anonymizers": {"DEFAULT": {"type": "encrypt", "key": REQUEST_KEY}}}),
    )
    .expect(200);
}

/// Route, body, content type, expected status, and what the problem's detail says.
type Case = (
    &'static str,
    Vec<u8>,
    Option<&'static str>,
    u16,
    &'static str,
);

#[test]
fn bad_bodies_are_problems_that_repeat_no_value() {
    let env = Env::sqlite();
    let server = env.start();
    let api = server.client();
    // A key that is not in the schema and not shaped like a schema name could be data: the
    // problem says the body has the wrong shape without naming the key (privet-server's
    // safe_serde_message), so no "unknown field" there.
    let cases: Vec<Case> = vec![
        ("/analyze", b"{\"text\": \"4111 1111 1111 1111".to_vec(), Some("application/json"), 400, "not valid JSON"),
        ("/analyze", json!({"text": TEXT, "language": "en"}).to_string().into_bytes(), Some("text/plain"), 415, "Content-Type"),
        ("/analyze", json!({"text": TEXT}).to_string().into_bytes(), Some("application/json"), 422, "missing field `language`"),
        ("/analyze", json!({"text": ["4111 1111 1111 1111"], "language": "en"}).to_string().into_bytes(), Some("application/json"), 422, "text"),
        ("/analyze", json!({"text": TEXT, "language": "en", "entities": ["zoe.mueller@example.com"]}).to_string().into_bytes(), Some("application/json"), 422, "entities[0]"),
        ("/analyze", json!({"text": TEXT, "language": "en", "score_threshold": 2}).to_string().into_bytes(), Some("application/json"), 422, "score_threshold"),
        ("/analyze", json!({"text": TEXT, "language": "en", "zoe.mueller@example.com": 1}).to_string().into_bytes(), Some("application/json"), 422, "does not have the expected shape"),
        ("/anonymize", json!({"text": TEXT}).to_string().into_bytes(), Some("application/json"), 422, "missing field `analyzer_results`"),
        ("/anonymize", json!({"text": TEXT, "analyzer_results": [{"entity_type": "CREDIT_CARD", "start": 70, "end": 900, "score": 1}]}).to_string().into_bytes(), Some("application/json"), 422, "analyzer_results[0]: `end` (900) is past the end of the text"),
        ("/anonymize", json!({"text": TEXT, "analyzer_results": [{"entity_type": "CREDIT_CARD", "start": -4, "end": 9}]}).to_string().into_bytes(), Some("application/json"), 422, "must not be negative"),
        ("/anonymize", json!({"text": TEXT, "analyzer_results": [], "anonymizers": {"DEFAULT": {"type": "decrypt", "key": "WmZq4t7w!z%C&F)J"}}}).to_string().into_bytes(), Some("application/json"), 422, "`decrypt` is a deanonymizer"),
        ("/anonymize", json!({"text": TEXT, "analyzer_results": [], "anonymizers": {"DEFAULT": {"type": "encrypt", "key": ""}}}).to_string().into_bytes(), Some("application/json"), 422, "anonymizers.`DEFAULT`: `key` must not be empty"),
        ("/anonymize", json!({"text": TEXT, "analyzer_results": [], "anonymizers": {"PERSON": {"type": "encrypt", "key": ["WmZq4t7w!z%C&F)J"]}}}).to_string().into_bytes(), Some("application/json"), 422, "anonymizers.`PERSON`: `key` must be a string"),
        ("/deanonymize", b"{\"text\": \"4111 1111 1111 1111".to_vec(), Some("application/json"), 400, "not valid JSON"),
        ("/deanonymize", json!({"text": TEXT, "anonymizer_results": []}).to_string().into_bytes(), Some("text/plain"), 415, "Content-Type"),
        ("/deanonymize", json!({"text": TEXT, "deanonymizers": {"DEFAULT": {"type": "decrypt", "key": "WmZq4t7w!z%C&F)J"}}}).to_string().into_bytes(), Some("application/json"), 422, "missing field `anonymizer_results`"),
        ("/deanonymize", json!({"text": TEXT, "anonymizer_results": [{"entity_type": "CREDIT_CARD", "start": 70, "end": 900}], "deanonymizers": {"DEFAULT": {"type": "decrypt", "key": "WmZq4t7w!z%C&F)J"}}}).to_string().into_bytes(), Some("application/json"), 422, "anonymizer_results[0]: `end` (900) is past the end of the text"),
        ("/deanonymize", json!({"text": TEXT, "anonymizer_results": [], "deanonymizers": {"DEFAULT": {"type": "decrypt", "key": ""}}}).to_string().into_bytes(), Some("application/json"), 422, "deanonymizers.`DEFAULT`: `key` must not be empty"),
        ("/deanonymize", json!({"text": TEXT, "anonymizer_results": [], "deanonymizers": {"DEFAULT": {"type": "decrypt"}}}).to_string().into_bytes(), Some("application/json"), 422, "`key` is required"),
        ("/deanonymize", json!({"text": TEXT, "anonymizer_results": [], "deanonymizers": {"DEFAULT": {"type": "replace", "new_value": "4111 1111 1111 1111"}}}).to_string().into_bytes(), Some("application/json"), 422, "`type` must be decrypt"),
        ("/deanonymize", json!({"text": TEXT, "anonymizer_results": [{"entity_type": "CREDIT_CARD", "start": 72, "end": 91}], "deanonymizers": {"PERSON": {"type": "decrypt", "key": "WmZq4t7w!z%C&F)J"}}}).to_string().into_bytes(), Some("application/json"), 422, "anonymizer_results[0]: `deanonymizers` has nothing for `CREDIT_CARD` and no DEFAULT"),
        ("/deanonymize", json!({"text": TEXT, "anonymizer_results": [{"entity_type": "CREDIT_CARD", "start": 72, "end": 91, "text": "4111 1111 1111 1111", "operator": "encrypt", "zoe.mueller@example.com": 1}], "deanonymizers": {"DEFAULT": {"type": "decrypt", "key": "WmZq4t7w!z%C&F)J"}}}).to_string().into_bytes(), Some("application/json"), 422, "does not have the expected shape"),
        ("/anonymize", json!({"text": TEXT, "analyzer_results": [], "anonymizers": {"DEFAULT": {"type": "mask", "masking_char": "4111 1111 1111 1111", "chars_to_mask": 4}}}).to_string().into_bytes(), Some("application/json"), 422, "one character"),
    ];
    for (path, body, content_type, status, needle) in cases {
        let r = api.send("POST", path, content_type, &body);
        let p = r.problem(status);
        let detail = p["detail"].as_str().unwrap_or_default();
        assert!(
            detail.contains(needle),
            "{path} {status}: {detail} lacks {needle}"
        );
        assert_no_values("a problem", &r.text());
        assert!(!r.text().contains("WmZq4t7w"), "{}", r.text());
    }
    assert_no_values("the server log", &server.stderr());
}

/// This machine's address on a non-loopback interface, if it has one (the route to a
/// documentation address is looked up; nothing is sent).
fn outside_address() -> Option<IpAddr> {
    let socket = UdpSocket::bind("0.0.0.0:0").ok()?;
    socket.connect("192.0.2.1:9").ok()?;
    let ip = socket.local_addr().ok()?.ip();
    (!ip.is_loopback() && !ip.is_unspecified()).then_some(ip)
}

/// Asserts who gets in: `anonymous` for a caller without a key, and a wrong key never.
#[track_caller]
fn assert_access(server: &Server, client: &Client, anonymous: bool) {
    let body = json!({"text": "mail ana@example.com", "language": "en"});
    let anon = client.anonymous();
    if anonymous {
        assert_eq!(
            anon.post("/analyze", &body).expect(200)[0]["entity_type"],
            "EMAIL_ADDRESS"
        );
        anon.get("/supportedentities").expect(200);
        anon.post("/anonymize", &json!({"text": "x", "analyzer_results": []}))
            .expect(200);
    } else {
        for r in [
            anon.post("/analyze", &body),
            anon.post("/anonymize", &json!({"text": "x", "analyzer_results": []})),
            anon.post(
                "/deanonymize",
                &json!({"text": "x", "anonymizer_results": []}),
            ),
            anon.get("/supportedentities"),
            anon.get("/anonymizers"),
            anon.get("/deanonymizers"),
        ] {
            r.problem(401);
        }
    }
    client
        .with_key("pvt_not_a_key")
        .post("/analyze", &body)
        .problem(401);
    client
        .with_key(server.admin_key())
        .post("/analyze", &body)
        .expect(200);
    // Presidio's health check needs no key.
    assert_eq!(anon.get("/health").status, 200);
}

#[test]
fn a_key_is_needed_unless_loopback_callers_are_allowed() {
    let env = Env::sqlite();
    let server = env.start();
    assert_access(&server, &server.client(), false);
    drop(server);

    // A new vault listening on every interface, with anonymous loopback callers allowed.
    let env = Env::sqlite();
    let allow = policy(&env, "[presidio]\nallow_anonymous = true\n");
    let vault_args = env.vault_args();
    let server = env.start_configured(|cmd| {
        cmd.args(vault_args)
            .args(["--policy", &allow, "--listen", "0.0.0.0:0"]);
    });
    let port = server.addr.port();
    let loopback = Client::new(SocketAddr::from(([127, 0, 0, 1], port)), None);
    assert_access(&server, &loopback, true);
    // The /v1 API still needs a key from loopback.
    loopback.get("/v1/audit").problem(401);
    match outside_address() {
        Some(ip) => assert_access(
            &server,
            &Client::new(SocketAddr::new(ip, port), None),
            false,
        ),
        None if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("no non-loopback address to call from, and CI=true must check one")
        }
        None => eprintln!("skipped the non-loopback caller: this machine has no such address"),
    }
}
