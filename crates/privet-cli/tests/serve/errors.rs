//! Refusals: authentication, purposes, roles, consent and malformed bodies, each answered with a
//! problem document that holds no personal data.

use std::time::{Duration, Instant};

use serde_json::json;

use super::harness::{Env, outcome};
use super::http::Client;
use super::{VISA, field, fields, shown};

const SUBJECT: &str = "cust-errors-1";
const CARD_ONLY: &str = "cust-errors-2";
const EMAIL: &str = "grace.errors@example.com";

on_each_backend!(refusals_are_problems_without_personal_data);

fn refusals_are_problems_without_personal_data(env: &Env) {
    let server = env.start();
    let api = server.client();
    api.put(
        &format!("/v1/subjects/{SUBJECT}"),
        &fields(&[
            ("email", "contact.email", EMAIL),
            ("card", "financial.card_number", VISA),
        ]),
    )
    .expect(200);
    api.put(
        &format!("/v1/subjects/{CARD_ONLY}"),
        &fields(&[("card", "financial.card_number", VISA)]),
    )
    .expect(200);

    authentication(env, &api);
    purposes(&api);
    roles(env, &api);
    consent(&api);
    bodies(&api);
    other_errors(&api);
}

fn authentication(env: &Env, api: &Client) {
    let read = format!("/v1/subjects/{SUBJECT}?purpose=support");
    api.anonymous().get(&read).problem(401);
    let unknown = format!("pvt_0123456789ab_{}", "A".repeat(43));
    api.with_key(&unknown).get(&read).problem(401);
    api.with_key("not-a-key").get(&read).problem(401);
    let wrong_secret = format!("{}{}", &api_key_prefix(env, api), "B".repeat(43));
    api.with_key(&wrong_secret).get(&read).problem(401);

    // A key made by the operator command works at once, and not after it is revoked.
    let out = env.privet(&[
        "keys",
        "create-api-key",
        "--role",
        "admin",
        "--label",
        "tests",
    ]);
    let (code, stdout, stderr) = outcome(&out);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout.lines().count(), 1, "exactly one line: {stdout:?}");
    assert!(stdout.ends_with('\n'));
    let key = stdout.trim();
    assert!(key.starts_with("pvt_") && key.len() == 60, "{key}");
    let client = api.with_key(key);
    client.get(&read).expect(200);
    let id = &key[4..16];
    let listed = env.privet_ok(&["keys", "list-api-keys"]);
    assert!(listed.contains(id), "{listed}");
    assert!(!listed.contains(key), "list-api-keys shows a key: {listed}");
    env.privet_ok(&["keys", "revoke-api-key", id]);
    // Servers cache a verified key for a second, so a revocation by the operator command (another
    // process) takes effect within about that long.
    let deadline = Instant::now() + Duration::from_secs(3);
    while client.get(&read).status == 200 {
        assert!(Instant::now() < deadline, "the revoked key still works");
        std::thread::sleep(Duration::from_millis(100));
    }
    client.get(&read).problem(401);
}

/// `pvt_<id>_` of a live key: a well-formed key with a wrong secret must fail too.
fn api_key_prefix(env: &Env, api: &Client) -> String {
    let key = env.create_api_key("admin");
    api.with_key(&key).get("/v1/audit?limit=1").expect(200);
    key[..17].to_owned()
}

fn purposes(api: &Client) {
    let p = api.get(&format!("/v1/subjects/{SUBJECT}")).problem(400);
    assert!(
        p["detail"].as_str().is_some_and(|d| d.contains("purpose")),
        "{p}"
    );
    api.get(&format!("/v1/subjects/{SUBJECT}?purpose="))
        .problem(400);
    api.get(&format!("/v1/subjects/{SUBJECT}?purpose=curiosity"))
        .problem(400);
    api.get("/v1/subjects?email=x%40example.com").problem(400);
    api.post(
        "/v1/subjects/read",
        &json!({"purpose": "", "items": [{"subject": SUBJECT}]}),
    )
    .problem(400);
    // The purpose is the batch's: an undeclared one refuses the batch, as it does a single read.
    api.post(
        "/v1/subjects/read",
        &json!({"purpose": "curiosity", "items": [{"subject": SUBJECT}]}),
    )
    .problem(400);
}

fn roles(env: &Env, api: &Client) {
    let agent = api.with_key(&env.create_api_key("support_agent"));
    let read = agent
        .get(&format!("/v1/subjects/{SUBJECT}?purpose=support"))
        .expect(200);
    let (kind, masked) = shown(field(&read, "email"));
    assert_eq!(kind, "masked", "{read}");
    assert_ne!(masked, EMAIL);
    let card = field(&read, "card");
    assert_eq!(shown(card).0, "withheld", "{read}");
    assert!(card["reason"].is_string(), "{read}");
    assert!(!read.to_string().contains("411111"), "{read}");

    let denied = agent
        .get(&format!("/v1/subjects/{CARD_ONLY}?purpose=support"))
        .problem(403);
    assert!(denied["reason"].is_string(), "{denied}");
    assert!(!denied.to_string().contains("411111"), "{denied}");

    let token = api
        .post("/v1/tokens", &json!({"kind": "card_number", "value": VISA}))
        .expect(200)["token"]
        .as_str()
        .expect("token")
        .to_owned();
    let denied = agent
        .post(
            "/v1/tokens/detokenize",
            &json!({"token": token, "purpose": "support"}),
        )
        .problem(403);
    assert!(denied["reason"].is_string(), "{denied}");

    let denied = agent.get("/v1/audit").problem(403);
    assert_eq!(denied["reason"], "operation_not_permitted");
    let denied = agent
        .put(
            &format!("/v1/subjects/{SUBJECT}"),
            &json!({"fields": [{"name": "email", "category": "contact.email", "value": "x@example.com"}]}),
        )
        .problem(403);
    assert_eq!(denied["reason"], "operation_not_permitted");
    agent
        .delete(&format!("/v1/subjects/{SUBJECT}"))
        .problem(403);
    agent
        .get(&format!("/v1/subjects/{SUBJECT}?purpose=billing"))
        .problem(403);
}

fn consent(api: &Client) {
    let read = format!("/v1/subjects/{SUBJECT}?purpose=marketing");
    let denied = api.get(&read).problem(403);
    assert_eq!(denied["reason"], "consent_required", "{denied}");

    let consent = format!("/v1/subjects/{SUBJECT}/consents/marketing");
    let granted = api
        .put(&consent, &json!({"granted": true, "source": "api"}))
        .expect(200);
    assert_eq!(
        granted,
        json!({"subject": SUBJECT, "purpose": "marketing", "granted": true})
    );
    let read_ok = api.get(&read).expect(200);
    assert_eq!(shown(field(&read_ok, "email")), ("value", EMAIL.to_owned()));
    assert_eq!(shown(field(&read_ok, "card")).0, "withheld");

    api.put(&consent, &json!({"granted": false, "source": "api"}))
        .expect(200);
    let denied = api.get(&read).problem(403);
    assert_eq!(denied["reason"], "consent_required", "{denied}");

    api.put(
        "/v1/subjects/cust-never-stored/consents/marketing",
        &json!({"granted": true, "source": "api"}),
    )
    .problem(404);
    api.put(
        &format!("/v1/subjects/{SUBJECT}/consents/curiosity"),
        &json!({"granted": true, "source": "api"}),
    )
    .problem(400);
}

fn bodies(api: &Client) {
    let path = format!("/v1/subjects/{SUBJECT}");
    let send = |method: &str, path: &str, body: &str| {
        api.send(method, path, Some("application/json"), body.as_bytes())
    };
    send("PUT", &path, "{\"fields\": [").problem(400);
    send("PUT", &path, "not json at all 4111111111111111").problem(400);

    // The card number sits where a string, or no field at all, belongs: refused without echo.
    let wrong = [
        (
            "PUT",
            path.as_str(),
            format!(
                r#"{{"fields":[{{"name":"card","category":"financial.card_number","value":{VISA}}}]}}"#
            ),
        ),
        (
            "PUT",
            path.as_str(),
            format!(
                r#"{{"fields":[{{"name":"card","category":"financial.card_number","value":["{VISA}"]}}]}}"#
            ),
        ),
        (
            "PUT",
            path.as_str(),
            format!(
                r#"{{"fields":[{{"name":"card","category":"financial.card_number","value":{{"n":"{VISA}"}}}}]}}"#
            ),
        ),
        (
            "PUT",
            path.as_str(),
            format!(r#"{{"fields":[],"{VISA}":1}}"#),
        ),
        ("PUT", path.as_str(), format!(r#"{{"fields":{VISA}}}"#)),
        (
            "POST",
            "/v1/tokens",
            format!(r#"{{"kind":"card_number","value":{VISA}}}"#),
        ),
        (
            "POST",
            "/v1/tokens",
            format!(r#"{{"kind":"card_number","value":"{VISA}","card":"{VISA}"}}"#),
        ),
        (
            "POST",
            "/v1/tokens/batch",
            format!(r#"{{"items":[{{"kind":"card_number","value":{VISA}}}]}}"#),
        ),
        (
            "POST",
            "/v1/tokens/detokenize",
            format!(r#"{{"token":{VISA},"purpose":"support"}}"#),
        ),
        (
            "POST",
            "/v1/subjects/read",
            format!(r#"{{"purpose":"support","items":[{VISA}]}}"#),
        ),
    ];
    for (method, path, body) in &wrong {
        let r = send(method, path, body);
        assert!(
            r.status == 400 || r.status == 422,
            "{method} {path} {body}: {}",
            r.status
        );
        r.problem(r.status);
        assert!(
            !r.text().contains("111111"),
            "{method} {path} {body} echoed card digits: {}",
            r.text()
        );
    }

    let no_type = api.send(
        "PUT",
        &path,
        None,
        fields(&[("email", "contact.email", EMAIL)])
            .to_string()
            .as_bytes(),
    );
    no_type.problem(415);

    for bad in [
        fields(&[]),
        fields(&[("Email", "contact.email", EMAIL)]),
        fields(&[
            ("email", "contact.email", EMAIL),
            ("email", "contact.email", EMAIL),
        ]),
        json!({"fields": [{"name": "email", "category": "contact.email", "value": EMAIL, "collected_at": "yesterday"}]}),
    ] {
        let r = api.put(&path, &bad);
        r.problem(400);
        assert!(!r.text().contains(EMAIL), "{}", r.text());
    }
    api.put(
        "/v1/subjects/has%20space",
        &fields(&[("email", "contact.email", EMAIL)]),
    )
    .problem(400);
    api.post(
        "/v1/tokens",
        &json!({"kind": "card_number", "value": "4111111111111112"}),
    )
    .problem(400);
}

fn other_errors(api: &Client) {
    api.get("/v1/audit?after=soon").problem(400);
    api.get("/v1/nowhere").problem(404);
    api.send("POST", "/healthz", None, b"").problem(405);
    api.send("PATCH", &format!("/v1/subjects/{SUBJECT}"), None, b"")
        .problem(405);
    api.post(
        "/v1/tokens/detokenize",
        &json!({"token": "4111110000001111", "purpose": "support"}),
    )
    .problem(404);
    api.delete("/v1/subjects/cust-never-stored").problem(404);
}

/// Guessing is bounded: look-ups that find nothing and failed authentication are answered 429
/// with Retry-After once a key or an address has spent its allowance, and a key that may read
/// nothing gets the same answer for a subject that exists and one that does not.
#[test]
fn guessing_is_refused_and_rate_limited() {
    let env = Env::sqlite();
    let server = env.start();
    let api = server.client();
    api.put(
        &format!("/v1/subjects/{SUBJECT}"),
        &fields(&[("email", "contact.email", EMAIL)]),
    )
    .expect(200);
    // `service` may read nothing for support: present and absent look the same.
    let service = api.with_key(&env.create_api_key("service"));
    let present = service
        .get(&format!("/v1/subjects/{SUBJECT}?purpose=support"))
        .problem(403);
    let absent = service
        .get("/v1/subjects/cust-never-was?purpose=support")
        .problem(403);
    assert_eq!(present["reason"], absent["reason"], "{present} {absent}");
    assert_eq!(present["detail"], absent["detail"]);

    // An admin key guessing subject ids runs out of misses.
    let mut limited = None;
    for n in 0..500 {
        let r = api.get(&format!("/v1/subjects/cust-guess-{n}?purpose=support"));
        if r.status == 429 {
            limited = Some((n, r));
            break;
        }
        r.problem(404);
    }
    let (n, r) = limited.expect("misses are rate-limited");
    assert!((100..=200).contains(&n), "limited after {n} misses");
    let retry: u64 = r
        .header("retry-after")
        .and_then(|v| v.parse().ok())
        .expect("Retry-After in seconds");
    assert!(retry >= 1, "{retry}");
    r.problem(429);
    // While spent, the key looks nothing up, even what exists; other routes still answer.
    assert_eq!(
        api.get(&format!("/v1/subjects/{SUBJECT}?purpose=support"))
            .status,
        429
    );
    api.put(
        "/v1/subjects/cust-after-limit",
        &fields(&[("email", "contact.email", "later@example.com")]),
    )
    .expect(200);

    // Failed authentication from one address runs out too, even with fresh wrong keys.
    let mut limited = None;
    for n in 0..200 {
        let wrong = api.with_key(&format!("pvt_{n:016x}_{}", "x".repeat(43)));
        let r = wrong.get("/v1/audit");
        if r.status == 429 {
            limited = Some(n);
            break;
        }
        r.problem(401);
    }
    let n = limited.expect("failed authentication is rate-limited");
    assert!((20..=80).contains(&n), "limited after {n} failures");
    // The right key from the same address is refused too while the address is spent: guessing
    // from one address cannot be mixed with good traffic to reset it.
    assert_eq!(
        api.put(
            "/v1/subjects/cust-after-auth-limit",
            &fields(&[("email", "contact.email", "later@example.com")]),
        )
        .status,
        429
    );
}

/// A long request target is answered 414 in problem+json, naming the limit and never echoing the
/// target (a look-up value in a query string is personal data).
#[test]
fn a_long_uri_is_a_problem_without_the_value() {
    let env = Env::sqlite();
    let server = env.start();
    let api = server.client();
    let value = format!("{}@example.com", "a".repeat(9000));
    let p = api
        .get(&format!(
            "/v1/subjects/lookup?email={value}&purpose=support"
        ))
        .problem(414);
    let text = p.to_string();
    assert!(text.contains("8192") && !text.contains("aaaa"), "{text}");
}
