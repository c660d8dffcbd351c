//! The API contract of issue 3, request by request: records, tokens, batches, lookup, erasure,
//! the audit log and the operations endpoints.

use serde_json::{Value, json};

use super::harness::Env;
use super::http::Client;
use super::{VISA, assert_card_masked, encode, field, fields, luhn, shown};

const SUBJECT: &str = "cust-contract-7f3a";
const EMAIL: &str = "ada.contract@example.com";
const NAME: &str = "Ada Contract";

/// Every route template of the router, the only values a metrics `route` label may take.
const ROUTES: [&str; 29] = [
    "/v1/subjects",
    "/v1/subjects/batch",
    "/v1/subjects/lookup",
    "/v1/subjects/read",
    "/v1/subjects/{id}",
    "/v1/subjects/{id}/consents",
    "/v1/subjects/{id}/holds",
    "/v1/subjects/{id}/holds/{hold}",
    "/v1/subjects/{id}/restriction",
    "/v1/subjects/{id}/consents/{purpose}",
    "/v1/requests",
    "/v1/requests/{id}",
    "/v1/requests/{id}/export",
    "/v1/requests/{id}/{step}",
    "/v1/subjects/{id}/events",
    "/v1/purges",
    "/v1/vendors",
    "/v1/deliveries",
    "/v1/deliveries/{id}/retry",
    "/v1/tokens",
    "/v1/tokens/batch",
    "/v1/tokens/detokenize",
    "/v1/tokens/detokenize/batch",
    "/v1/audit",
    "/healthz",
    "/readyz",
    "/metrics",
    "/openapi.json",
    "unmatched",
];

on_each_backend!(the_api_contract_holds);

fn the_api_contract_holds(env: &Env) {
    let server = env.start();
    let api = server.client();
    store_and_read(&api);
    let token = tokens(&api);
    batches(&api, &token);
    lookup(&api);
    erase(&api);
    audit_pages(&api);
    operations(&api);
}

fn store_and_read(api: &Client) {
    let body = fields(&[
        ("email", "contact.email", EMAIL),
        ("card", "financial.card_number", VISA),
        ("name", "identity.name", NAME),
    ]);
    let put = api
        .put(&format!("/v1/subjects/{SUBJECT}"), &body)
        .expect(200);
    assert_eq!(put, json!({"subject": SUBJECT, "stored": 3}));

    let read = api
        .get(&format!("/v1/subjects/{SUBJECT}?purpose=support"))
        .expect(200);
    assert_eq!(read["subject"], SUBJECT);
    assert_eq!(read["fields"].as_array().map(Vec::len), Some(3), "{read}");
    assert_eq!(shown(field(&read, "email")), ("value", EMAIL.to_owned()));
    assert_eq!(shown(field(&read, "name")), ("value", NAME.to_owned()));
    assert_eq!(field(&read, "card")["category"], "financial.card_number");
    let (kind, masked) = shown(field(&read, "card"));
    assert_eq!(kind, "masked", "{read}");
    assert_card_masked(&masked, VISA);
}

/// Tokenizes the card; returns the token.
fn tokens(api: &Client) -> String {
    let answer = api
        .post("/v1/tokens", &json!({"kind": "card_number", "value": VISA}))
        .expect(200);
    let token = answer["token"].as_str().expect("a token").to_owned();
    assert_eq!(token.len(), 16, "{token}");
    assert!(token.bytes().all(|b| b.is_ascii_digit()), "{token}");
    assert!(
        token.starts_with("411111") && token.ends_with("1111"),
        "{token}"
    );
    assert_ne!(token, VISA);
    assert!(!luhn(&token), "the token {token} passes Luhn");

    let bound = api
        .post(
            "/v1/tokens",
            &json!({"kind": "card_number", "value": VISA, "subject": SUBJECT}),
        )
        .expect(200);
    assert_ne!(bound["token"], token, "random tokens differ");

    let value = api
        .post(
            "/v1/tokens/detokenize",
            &json!({"token": token, "purpose": "support"}),
        )
        .expect(200);
    // The default policy masks card numbers for admins under support.
    assert!(value.get("value").is_none(), "{value}");
    assert_card_masked(value["masked"].as_str().expect("masked"), VISA);
    token
}

fn batches(api: &Client, token: &str) {
    let tokenized = api
        .post(
            "/v1/tokens/batch",
            &json!({"items": [
                {"kind": "card_number", "value": VISA},
                {"kind": "card_number", "value": "4111111111111112"},
            ]}),
        )
        .expect(200);
    let items = tokenized["items"].as_array().expect("items");
    assert_eq!(items.len(), 2, "{tokenized}");
    assert!(items[0]["token"].is_string(), "{tokenized}");
    assert_eq!(items[1]["error"]["status"], 400, "{tokenized}");
    assert!(!tokenized.to_string().contains("4111111111111112"));

    let detokenized = api
        .post(
            "/v1/tokens/detokenize/batch",
            &json!({"items": [
                {"token": token, "purpose": "support"},
                {"token": "4111110000001111", "purpose": "support"},
                {"token": token},
            ]}),
        )
        .expect(200);
    let items = detokenized["items"].as_array().expect("items");
    assert_eq!(items.len(), 3, "{detokenized}");
    assert_card_masked(items[0]["masked"].as_str().expect("masked"), VISA);
    assert_eq!(items[1]["error"]["status"], 404, "{detokenized}");
    assert_eq!(items[2]["error"]["status"], 400, "{detokenized}");

    let stored = api
        .post(
            "/v1/subjects/batch",
            &json!({"items": [
                {"subject": "cust-batch-1", "fields": [{"name": "email", "category": "contact.email", "value": "b1@example.com"}]},
                {"subject": "cust-batch-2", "fields": [{"name": "email", "category": "contact.nonsense", "value": "b2@example.com"}]},
                {"subject": "cust batch 3", "fields": [{"name": "email", "category": "contact.email", "value": "b3@example.com"}]},
            ]}),
        )
        .expect(200);
    let items = stored["items"].as_array().expect("items");
    assert_eq!(items[0], json!({"subject": "cust-batch-1", "stored": 1}));
    assert_eq!(items[1]["error"]["status"], 400, "{stored}");
    assert_eq!(items[2]["error"]["status"], 400, "{stored}");
    assert!(!stored.to_string().contains("b2@example.com"));

    let read = api
        .post(
            "/v1/subjects/read",
            &json!({"purpose": "support", "items": [
                {"subject": SUBJECT}, {"subject": "cust-never-stored"}, {"subject": "cust-batch-1"},
            ]}),
        )
        .expect(200);
    let items = read["items"].as_array().expect("items");
    assert_eq!(items.len(), 3, "{read}");
    assert_eq!(items[0]["subject"], SUBJECT);
    assert_eq!(
        shown(field(&items[0], "email")),
        ("value", EMAIL.to_owned())
    );
    assert_eq!(items[1]["error"]["status"], 404, "{read}");
    assert_eq!(
        shown(field(&items[2], "email")),
        ("value", "b1@example.com".to_owned())
    );
}

fn lookup(api: &Client) {
    let found = api
        .get(&format!(
            "/v1/subjects?email={}&purpose=support",
            encode(&EMAIL.to_uppercase())
        ))
        .expect(200);
    assert_eq!(found, json!({"subjects": [SUBJECT]}));
    let none = api
        .get(&format!(
            "/v1/subjects?email={}&purpose=support",
            encode("nobody@example.com")
        ))
        .expect(200);
    assert_eq!(none, json!({"subjects": []}));
}

fn erase(api: &Client) {
    let receipt = api.delete(&format!("/v1/subjects/{SUBJECT}")).expect(200);
    assert_eq!(receipt["subject"], SUBJECT);
    assert_eq!(receipt["key_destroyed"], true);
    assert!(
        receipt["audit_seq"].as_i64().is_some_and(|s| s > 0),
        "{receipt}"
    );
    let at = receipt["erased_at"].as_str().expect("erased_at");
    assert!(at.parse::<jiff::Timestamp>().is_ok(), "{at}");

    api.get(&format!("/v1/subjects/{SUBJECT}?purpose=support"))
        .problem(404);
    api.delete(&format!("/v1/subjects/{SUBJECT}")).problem(404);
    let found = api
        .get(&format!(
            "/v1/subjects?email={}&purpose=support",
            encode(EMAIL)
        ))
        .expect(200);
    assert_eq!(found, json!({"subjects": []}));
}

fn audit_pages(api: &Client) {
    let mut seqs = Vec::new();
    let mut actions = Vec::new();
    let mut path = "/v1/audit?limit=4".to_owned();
    let mut pages = 0;
    loop {
        let page = api.get(&path).expect(200);
        let text = page.to_string();
        for value in [EMAIL, NAME, VISA, "b1@example.com"] {
            assert!(!text.contains(value), "the audit log holds a value: {text}");
        }
        for entry in page["entries"].as_array().expect("entries") {
            seqs.push(entry["seq"].as_i64().expect("seq"));
            actions.push(entry["action"].as_str().expect("action").to_owned());
        }
        pages += 1;
        match &page["next"] {
            Value::Null => break,
            next => path = format!("/v1/audit?limit=4&after={}", next.as_i64().expect("cursor")),
        }
    }
    assert!(pages > 2, "{pages} pages of {} entries", seqs.len());
    let expected: Vec<i64> = (1..=seqs.len() as i64).collect();
    assert_eq!(seqs, expected, "entries in order, none skipped");
    for action in [
        "subject.write",
        "subject.read",
        "token.create",
        "token.detokenize",
        "subject.lookup",
        "subject.erase",
    ] {
        assert!(
            actions.iter().any(|a| a == action),
            "no {action} in {actions:?}"
        );
    }
}

fn operations(api: &Client) {
    let anonymous = api.anonymous();
    for path in ["/healthz", "/readyz"] {
        assert_eq!(anonymous.get(path).status, 200, "{path}");
    }

    // A concrete path, an unknown route and an invented method must not become labels.
    api.get("/v1/subjects/cust-batch-1?purpose=support")
        .expect(200);
    anonymous.get("/v1/cust-batch-1").problem(404);
    let odd = anonymous.send("X4111111111111111", "/healthz", None, b"");
    assert!(odd.status >= 400, "{}", odd.status);

    let metrics = anonymous.get("/metrics");
    assert_eq!(metrics.status, 200);
    let text = metrics.text();
    assert!(
        text.contains(
            "privet_http_requests_total{route=\"/v1/subjects/{id}\",method=\"PUT\",status=\"200\"}"
        ),
        "{text}"
    );
    assert!(text.contains("privet_http_request_duration_seconds_bucket"));
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let route = line
            .split("route=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_else(|| panic!("a series without a route label: {line}"));
        assert!(ROUTES.contains(&route), "route label {route:?} in {line}");
    }
    for leak in ["cust-", "4111111111111111", "example.com"] {
        assert!(!text.contains(leak), "{leak} in the metrics:\n{text}");
    }

    let doc = anonymous.get("/openapi.json").expect(200);
    let path = &doc["paths"]["/v1/subjects/{id}"];
    for method in ["get", "put", "delete"] {
        assert!(
            path[method].is_object(),
            "no {method} for /v1/subjects/{{id}}"
        );
    }
    assert!(doc["paths"]["/v1/tokens"]["post"].is_object());
    assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with('3')));
}
