//! `/openapi.json` matches the server: real requests and their answers, good and bad, are checked
//! against the document (route and method declared, request body valid under its schema,
//! success bodies valid under the declared response schema, every error a Problem), and the
//! edges of the API answer as documented.

use serde_json::{Value, json};

use super::harness::Env;
use super::http::{Client, Response};
use super::{VISA, fields};

const SUBJECT: &str = "cust-openapi-1";

/// Checks `value` against `schema` (OpenAPI 3.1 subset: $ref, type, required, properties,
/// additionalProperties false, items, oneOf/anyOf/allOf); returns what does not fit.
fn check(doc: &Value, schema: &Value, value: &Value, at: &str, out: &mut Vec<String>) {
    if let Some(r) = schema["$ref"].as_str() {
        let name = r.trim_start_matches("#/components/schemas/");
        return check(doc, &doc["components"]["schemas"][name], value, at, out);
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(options) = schema[key].as_array() {
            let fits = options.iter().any(|o| {
                let mut e = Vec::new();
                check(doc, o, value, at, &mut e);
                e.is_empty()
            });
            if !fits {
                out.push(format!("{at}: fits none of the {key} options: {value}"));
            }
            return;
        }
    }
    if let Some(all) = schema["allOf"].as_array() {
        for s in all {
            check(doc, s, value, at, out);
        }
    }
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if !types.is_empty() {
        let kind = match value {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        };
        let ok = types.contains(&kind) || (kind == "integer" && types.contains(&"number"));
        if !ok {
            out.push(format!("{at}: {kind} where the document says {types:?}"));
            return;
        }
    }
    if let Value::Object(map) = value {
        for name in schema["required"].as_array().into_iter().flatten() {
            let name = name.as_str().unwrap_or_default();
            if !map.contains_key(name) {
                out.push(format!("{at}: required `{name}` missing"));
            }
        }
        let props = &schema["properties"];
        for (k, v) in map {
            match props.get(k) {
                Some(s) => check(doc, s, v, &format!("{at}.{k}"), out),
                None if schema["additionalProperties"] == json!(false) => {
                    out.push(format!("{at}: `{k}` is not in the document"));
                }
                None => {}
            }
        }
    }
    if let (Value::Array(items), Some(s)) = (value, schema.get("items")) {
        for (i, v) in items.iter().enumerate() {
            check(doc, s, v, &format!("{at}[{i}]"), out);
        }
    }
}

/// Records exchanges and checks each against the document.
struct Checked<'a> {
    doc: Value,
    api: &'a Client,
    failures: Vec<String>,
}

impl Checked<'_> {
    fn exchange(
        &mut self,
        method: &str,
        template: &str,
        path: &str,
        body: Option<&Value>,
    ) -> Response {
        let op = self.doc["paths"][template][method.to_ascii_lowercase()].clone();
        if !op.is_object() {
            self.failures
                .push(format!("{method} {template} is not in the document"));
        }
        if let Some(b) = body {
            let schema = &op["requestBody"]["content"]["application/json"]["schema"];
            if schema.is_null() {
                self.failures
                    .push(format!("{method} {template}: no request body documented"));
            } else {
                let mut e = Vec::new();
                check(&self.doc, schema, b, "request", &mut e);
                if !e.is_empty() {
                    self.failures
                        .extend(e.into_iter().map(|m| format!("{method} {template}: {m}")));
                }
            }
        }
        let response = match (method, body) {
            ("GET", _) => self.api.get(path),
            ("DELETE", _) => self.api.delete(path),
            ("PUT", Some(b)) => self.api.put(path, b),
            ("POST", Some(b)) => self.api.post(path, b),
            _ => panic!("unsupported exchange {method} {path}"),
        };
        let status = response.status;
        let documented = &op["responses"][status.to_string()];
        let mut e = Vec::new();
        if status < 300 {
            let schema = &documented["content"]["application/json"]["schema"];
            if documented.is_null() {
                e.push(format!("status {status} is not documented"));
            } else if !schema.is_null() {
                check(&self.doc, schema, &response.json(), "response", &mut e);
            }
        } else {
            let problem = json!({"$ref": "#/components/schemas/Problem"});
            check(&self.doc, &problem, &response.json(), "problem", &mut e);
        }
        self.failures.extend(
            e.into_iter()
                .map(|m| format!("{method} {template} -> {status}: {m}")),
        );
        response
    }
}

on_each_backend!(requests_and_answers_match_the_document);

fn requests_and_answers_match_the_document(env: &Env) {
    let server = env.start();
    let api = server.client();
    let doc = api.anonymous().get("/openapi.json").expect(200);
    // Query parameters are query parameters, and the ones the server requires are required.
    for (path, method, name) in [
        ("/v1/subjects", "get", "purpose"),
        ("/v1/subjects", "get", "email"),
        ("/v1/subjects/{id}", "get", "purpose"),
        ("/v1/audit", "get", "limit"),
        ("/v1/audit", "get", "after"),
    ] {
        let params = doc["paths"][path][method]["parameters"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let p = params
            .iter()
            .find(|p| p["name"] == name)
            .unwrap_or_else(|| panic!("{method} {path}: no parameter {name}"));
        assert_eq!(p["in"], "query", "{method} {path} {name}");
        if name == "purpose" {
            assert_eq!(p["required"], true, "{method} {path} {name}");
        }
    }
    for path in [
        "/healthz",
        "/readyz",
        "/metrics",
        "/openapi.json",
        "/v1/subjects/lookup",
    ] {
        assert!(
            doc["paths"][path]["get"].is_object() || doc["paths"][path]["post"].is_object(),
            "{path}"
        );
    }
    let required = doc["components"]["schemas"]["DetokenizeIn"]["required"].clone();
    assert!(
        required
            .as_array()
            .is_some_and(|r| r.contains(&json!("purpose"))),
        "{required}"
    );

    let mut c = Checked {
        doc,
        api: &api,
        failures: Vec::new(),
    };
    let put = fields(&[
        ("email", "contact.email", "ada.openapi@example.com"),
        ("card", "financial.card_number", VISA),
    ]);
    c.exchange(
        "PUT",
        "/v1/subjects/{id}",
        &format!("/v1/subjects/{SUBJECT}"),
        Some(&put),
    );
    c.exchange(
        "GET",
        "/v1/subjects/{id}",
        &format!("/v1/subjects/{SUBJECT}?purpose=support"),
        None,
    );
    c.exchange(
        "GET",
        "/v1/subjects/{id}",
        "/v1/subjects/cust-none?purpose=support",
        None,
    );
    c.exchange(
        "GET",
        "/v1/subjects/{id}",
        &format!("/v1/subjects/{SUBJECT}?purpose=marketing"),
        None,
    );
    c.exchange(
        "GET",
        "/v1/subjects",
        "/v1/subjects?email=ada.openapi%40example.com&purpose=support",
        None,
    );
    let found = c.exchange(
        "POST",
        "/v1/subjects/lookup",
        "/v1/subjects/lookup",
        Some(&json!({"email": "ADA.openapi@example.com", "purpose": "support"})),
    );
    assert_eq!(
        found.json()["subjects"],
        json!([SUBJECT]),
        "the body lookup finds what the query one does"
    );
    let token = c
        .exchange(
            "POST",
            "/v1/tokens",
            "/v1/tokens",
            Some(&json!({"kind": "card_number", "value": VISA, "subject": SUBJECT})),
        )
        .json()["token"]
        .as_str()
        .expect("token")
        .to_owned();
    c.exchange(
        "POST",
        "/v1/tokens/detokenize",
        "/v1/tokens/detokenize",
        Some(&json!({"token": token, "purpose": "support"})),
    );
    c.exchange(
        "POST",
        "/v1/tokens/detokenize/batch",
        "/v1/tokens/detokenize/batch",
        Some(&json!({"items": [{"token": token, "purpose": "support"}, {"token": "tok_nothere", "purpose": "support"}]})),
    );
    c.exchange(
        "POST",
        "/v1/subjects/read",
        "/v1/subjects/read",
        Some(&json!({"purpose": "support", "items": [{"subject": SUBJECT}, {"subject": "cust-none"}]})),
    );
    c.exchange(
        "POST",
        "/v1/subjects/batch",
        "/v1/subjects/batch",
        Some(&json!({"items": [{"subject": "cust-openapi-2", "fields": [{"name": "email", "category": "contact.email", "value": "b@example.com"}]}]})),
    );
    c.exchange(
        "PUT",
        "/v1/subjects/{id}/consents/{purpose}",
        &format!("/v1/subjects/{SUBJECT}/consents/marketing"),
        Some(&json!({"granted": true, "source": "privacy_center", "notice_version": "v1"})),
    );
    c.exchange(
        "POST",
        "/v1/subjects/{id}/consents",
        &format!("/v1/subjects/{SUBJECT}/consents"),
        Some(&json!({"purpose": "marketing", "granted": false, "source": "api"})),
    );
    c.exchange(
        "GET",
        "/v1/subjects/{id}/consents",
        &format!("/v1/subjects/{SUBJECT}/consents"),
        None,
    );
    c.exchange(
        "PUT",
        "/v1/subjects/{id}/consents/{purpose}",
        &format!("/v1/subjects/{SUBJECT}/consents/marketing"),
        Some(&json!({"granted": true, "source": "web"})),
    );
    let entered = c.exchange(
        "POST",
        "/v1/requests",
        "/v1/requests",
        Some(&json!({"subject": SUBJECT, "kind": "access", "regulation": "gdpr"})),
    );
    let request = entered.json()["id"]
        .as_str()
        .unwrap_or("req_none")
        .to_owned();
    c.exchange(
        "POST",
        "/v1/requests/{id}/{step}",
        &format!("/v1/requests/{request}/verify"),
        Some(&json!({"method": "email_link"})),
    );
    c.exchange(
        "POST",
        "/v1/requests/{id}/{step}",
        &format!("/v1/requests/{request}/verify"),
        Some(&json!({"method": "email_link"})),
    );
    c.exchange(
        "GET",
        "/v1/requests/{id}",
        &format!("/v1/requests/{request}"),
        None,
    );
    c.exchange(
        "GET",
        "/v1/requests",
        "/v1/requests?status=open&limit=5",
        None,
    );
    c.exchange("GET", "/v1/audit", "/v1/audit?after=0&limit=5", None);
    // The Presidio-compatible routes.
    let analyzed = c.exchange(
        "POST",
        "/analyze",
        "/analyze",
        Some(&json!({"text": "ada.openapi@example.com paid with 4111 1111 1111 1111", "language": "en",
                     "entities": ["EMAIL_ADDRESS", "CREDIT_CARD"], "score_threshold": 0.5})),
    );
    c.exchange(
        "POST",
        "/anonymize",
        "/anonymize",
        Some(&json!({"text": "ada.openapi@example.com paid with 4111 1111 1111 1111",
                     "anonymizers": {"DEFAULT": {"type": "redact"}, "CREDIT_CARD": {"type": "mask", "masking_char": "*", "chars_to_mask": 12, "from_end": false}},
                     "analyzer_results": analyzed.json()})),
    );
    c.exchange(
        "POST",
        "/anonymize",
        "/anonymize",
        Some(&json!({"text": "x", "analyzer_results": [{"entity_type": "X", "start": 0, "end": 5, "score": 1.0}]})),
    );
    c.exchange(
        "GET",
        "/supportedentities",
        "/supportedentities?language=en",
        None,
    );
    c.exchange("GET", "/anonymizers", "/anonymizers", None);
    // This server has no de-identification key: decrypt of a span is a problem, no spans an
    // answer.
    let decrypt = json!({"DEFAULT": {"type": "decrypt", "key": "WmZq4t7w!z%C&F)J"}});
    c.exchange(
        "POST",
        "/deanonymize",
        "/deanonymize",
        Some(&json!({"text": "ada", "deanonymizers": decrypt, "anonymizer_results": []})),
    );
    c.exchange(
        "POST",
        "/deanonymize",
        "/deanonymize",
        Some(&json!({"text": "ada", "deanonymizers": decrypt,
                     "anonymizer_results": [{"start": 0, "end": 3, "entity_type": "PERSON", "text": "xyz", "operator": "encrypt"}]})),
    );
    c.exchange("GET", "/deanonymizers", "/deanonymizers", None);
    c.exchange(
        "DELETE",
        "/v1/subjects/{id}",
        "/v1/subjects/cust-openapi-2",
        None,
    );
    assert!(c.failures.is_empty(), "{}", c.failures.join("\n"));

    edges(&api);
}

/// The edges: out-of-range paging, a batch without a purpose, a malformed path, two
/// credentials, a wrong type named by its path.
fn edges(api: &Client) {
    for q in ["limit=0", "limit=1001", "after=-1"] {
        let p = api.get(&format!("/v1/audit?{q}")).problem(400);
        assert!(
            p["detail"].as_str().is_some_and(|d| d.contains("must be")),
            "{p}"
        );
    }
    api.post(
        "/v1/subjects/read",
        &json!({"items": [{"subject": SUBJECT}]}),
    )
    .problem(400);
    api.post("/v1/tokens/detokenize", &json!({"token": "tok_x"}))
        .problem(400);
    api.post("/v1/subjects/lookup", &json!({"email": "a@example.com"}))
        .problem(400);
    api.post("/v1/subjects/lookup", &json!({"purpose": "support"}))
        .problem(400);
    let p = api.get("/v1/subjects/%FF%FE?purpose=support").problem(400);
    assert!(!p.to_string().contains("FF"), "{p}");
    let wrong = api.put(
        &format!("/v1/subjects/{SUBJECT}"),
        &json!({"fields": [{"name": "email", "category": "contact.email", "value": "x@example.com", "collected_at": 4111111111111111u64}]}),
    );
    let p = wrong.problem(422);
    let detail = p["detail"].as_str().unwrap_or_default();
    assert!(detail.contains("fields[0].collected_at"), "{detail}");
    assert!(!detail.contains("4111"), "{detail}");
}

#[test]
fn two_authorization_headers_are_refused() {
    let env = Env::sqlite();
    let server = env.start();
    let key = server.admin_key().to_owned();
    let stream = std::net::TcpStream::connect(server.addr).expect("connect");
    let auth = format!("Bearer {key}");
    let response = super::http::exchange(
        stream,
        &server.addr.to_string(),
        "GET",
        "/v1/audit",
        &[
            ("Authorization", auth.as_str()),
            ("Authorization", "Bearer pvt_other"),
        ],
        b"",
    )
    .expect("exchange");
    response.problem(400);
}

#[test]
fn the_checker_catches_what_does_not_fit() {
    let doc = json!({"components": {"schemas": {
        "Out": {"type": "object", "required": ["subject"], "additionalProperties": false,
                "properties": {"subject": {"type": "string"}, "n": {"type": ["integer", "null"]}}},
        "Either": {"oneOf": [{"$ref": "#/components/schemas/Out"}, {"type": "array", "items": {"type": "string"}}]}
    }}});
    let out = json!({"$ref": "#/components/schemas/Out"});
    let either = json!({"$ref": "#/components/schemas/Either"});
    let errors = |schema: &Value, value: Value| {
        let mut e = Vec::new();
        check(&doc, schema, &value, "v", &mut e);
        e
    };
    assert!(errors(&out, json!({"subject": "a", "n": null})).is_empty());
    assert!(errors(&out, json!({"subject": "a", "n": 3})).is_empty());
    assert_eq!(errors(&out, json!({"n": 3})).len(), 1);
    assert_eq!(errors(&out, json!({"subject": 1})).len(), 1);
    assert_eq!(errors(&out, json!({"subject": "a", "extra": 1})).len(), 1);
    assert!(errors(&either, json!(["a", "b"])).is_empty());
    assert_eq!(errors(&either, json!([1])).len(), 1);
}
