//! Customers' requests over HTTP and in the terminal queue: entered with a deadline, moved through
//! their states, a wrong step answered 409 naming the state, the queue paged by due date.

use serde_json::{Value, json};

use super::harness::Env;
use super::http::Client;

on_each_backend!(requests_are_entered_worked_and_queued);

fn requests_are_entered_worked_and_queued(env: &Env) {
    let server = env.start();
    let api = server.client();

    // A subject privet holds nothing for is still a request to answer.
    let letter = api
        .post(
            "/v1/requests",
            &json!({"subject": "cust-never-seen", "kind": "access", "regulation": "gdpr",
                    "received_at": "2026-01-31T09:00:00Z"}),
        )
        .expect(201);
    let id = letter["id"].as_str().expect("an id").to_owned();
    assert_eq!(letter["status"], "received");
    assert_eq!(letter["due_on"], "2026-02-28");
    assert_eq!(letter["due_at"], "2026-02-28T23:59:59Z");
    assert_eq!(letter["overdue"], true);
    assert_eq!(letter["confirm_receipt_by"], Value::Null);
    assert_eq!(letter["extension_announce_by"], "2026-02-28");
    assert!(
        letter["days_left"].as_i64().is_some_and(|d| d < 0),
        "{letter}"
    );

    let fresh = api
        .post(
            "/v1/requests",
            &json!({"subject": "cust-2", "kind": "erase", "regulation": "ccpa"}),
        )
        .expect(201);
    assert_eq!(fresh["days_left"], 45, "{fresh}");
    assert_eq!(fresh["overdue"], false);
    assert!(fresh["confirm_receipt_by"].is_string(), "{fresh}");

    steps(&api, &id);
    bad_input(&api);
    queue(env, &api, &id);
}

fn steps(api: &Client, id: &str) {
    let complete = format!("/v1/requests/{id}/complete");
    let refused = api.post(&complete, &json!({})).problem(409);
    assert!(
        refused["detail"]
            .as_str()
            .is_some_and(|d| d.contains("is received")),
        "{refused}"
    );
    api.post(&format!("/v1/requests/{id}/verify"), &json!({}))
        .problem(400);
    let verified = api
        .post(
            &format!("/v1/requests/{id}/verify"),
            &json!({"method": "id_document"}),
        )
        .expect(200);
    assert_eq!(
        (&verified["status"], &verified["verify_method"]),
        (&json!("verified"), &json!("id_document"))
    );
    api.post(&format!("/v1/requests/{id}/start"), &json!({}))
        .expect(200);
    let done = api.post(&complete, &json!({})).expect(200);
    assert_eq!(done["status"], "completed");
    assert!(done["closed_at"].is_string());
    assert_eq!(done["overdue"], false);
    let again = api.post(&complete, &json!({})).problem(409);
    assert!(
        again["detail"]
            .as_str()
            .is_some_and(|d| d.contains("completed")),
        "{again}"
    );
    api.post(&format!("/v1/requests/{id}/archive"), &json!({}))
        .problem(404);
    assert_eq!(api.get(&format!("/v1/requests/{id}")).expect(200), done);
}

fn bad_input(api: &Client) {
    for body in [
        json!({"subject": "cust-2", "kind": "delete", "regulation": "gdpr"}),
        json!({"subject": "cust-2", "kind": "access", "regulation": "hipaa"}),
        json!({"subject": "cust-2", "kind": "access", "regulation": "gdpr", "received_at": "yesterday"}),
        json!({"subject": "cust-2", "kind": "access", "regulation": "gdpr", "received_at": "2999-01-01T00:00:00Z"}),
        json!({"subject": "", "kind": "access", "regulation": "gdpr"}),
    ] {
        api.post("/v1/requests", &body).problem(400);
    }
    api.post("/v1/requests", &json!({"subject": "cust-2"}))
        .problem(422);
    api.get("/v1/requests/req_nothere").problem(404);
    api.get("/v1/requests?status=pending").problem(400);
    api.get("/v1/requests?after=garbage").problem(400);
    api.get("/v1/requests?limit=0").problem(400);
}

fn queue(env: &Env, api: &Client, completed: &str) {
    let open = api.get("/v1/requests?status=open").expect(200);
    let ids: Vec<&str> = open["requests"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["id"].as_str())
        .collect();
    assert_eq!(ids.len(), 1, "{open}");
    assert!(!ids.contains(&completed));
    let all = api.get("/v1/requests?limit=1").expect(200);
    let next = all["next"].as_str().expect("a cursor").to_owned();
    let second = api
        .get(&format!("/v1/requests?limit=1&after={next}"))
        .expect(200);
    assert_eq!(second["requests"].as_array().map(Vec::len), Some(1));
    assert_ne!(second["requests"][0]["id"], all["requests"][0]["id"]);

    // The terminal queue: open requests only unless --all, overdue first.
    let printed = env.privet_ok(&["requests", "--format", "json"]);
    let doc: Value = serde_json::from_str(&printed).expect("JSON");
    assert_eq!(doc["requests"].as_array().map(Vec::len), Some(1), "{doc}");
    assert_eq!(doc["requests"][0]["kind"], "erase");
    let table = env.privet_ok(&["requests", "--all"]);
    assert!(
        table.contains("DAYS LEFT") && table.contains(completed),
        "{table}"
    );
    assert!(table.contains("2 listed"), "{table}");
}

on_each_backend!(an_export_holds_its_subject_and_no_other);

fn an_export_holds_its_subject_and_no_other(env: &Env) {
    use super::{VISA, fields};
    let server = env.start();
    let api = server.client();
    let mine = [
        ("email", "contact.email", "ada.export@example.com"),
        ("card", "financial.card_number", VISA),
        ("name", "identity.name", "Ada <b>Export</b>"),
    ];
    api.put("/v1/subjects/cust-export-1", &fields(&mine))
        .expect(200);
    api.put(
        "/v1/subjects/cust-export-2",
        &fields(&[("email", "contact.email", "other.person@example.com")]),
    )
    .expect(200);
    api.put(
        "/v1/subjects/cust-export-1/consents/marketing",
        &json!({"granted": true, "notice_version": "v7"}),
    )
    .expect(200);
    api.get("/v1/subjects/cust-export-1?purpose=support")
        .expect(200);

    let r = api
        .post(
            "/v1/requests",
            &json!({"subject": "cust-export-1", "kind": "access", "regulation": "gdpr"}),
        )
        .expect(201);
    let export = format!(
        "/v1/requests/{}/export",
        r["id"].as_str().unwrap_or_default()
    );
    // Not to an unverified customer.
    api.get(&export).problem(409);
    api.post(
        &format!(
            "/v1/requests/{}/verify",
            r["id"].as_str().unwrap_or_default()
        ),
        &json!({"method": "email_link"}),
    )
    .expect(200);

    let doc = api.get(&export).expect(200);
    assert_eq!(doc["held"], true);
    let got: Vec<(String, String)> = doc["fields"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| {
            (
                f["name"].as_str().unwrap_or_default().to_owned(),
                f["value"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let mut want: Vec<(String, String)> = mine
        .iter()
        .map(|(n, _, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect();
    want.sort();
    let mut sorted = got.clone();
    sorted.sort();
    assert_eq!(sorted, want, "every stored field, in clear");
    assert!(
        !doc.to_string().contains("other.person"),
        "another subject's data in the export"
    );
    assert_eq!(doc["consent"][0]["notice_version"], "v7");
    assert!(
        doc["purposes"].as_array().is_some_and(|p| p
            .iter()
            .any(|p| p["purpose"] == "support" && p["legal_basis"] == "contract")),
        "{}",
        doc["purposes"]
    );
    let actions: Vec<&str> = doc["audit"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|a| a["action"].as_str())
        .collect();
    assert!(
        actions.contains(&"subject.write") && actions.contains(&"subject.read"),
        "{actions:?}"
    );

    // The page a customer reads: every value escaped, nothing of the other subject.
    let page = api.get(&format!("{export}?format=html"));
    assert_eq!(page.status, 200);
    let text = page.text();
    assert!(text.starts_with("<!doctype html>"));
    assert!(text.contains("ada.export@example.com") && text.contains(VISA));
    assert!(text.contains("Ada &lt;b&gt;Export&lt;/b&gt;") && !text.contains("<b>Export"));
    assert!(!text.contains("other.person"));
    api.get(&format!("{export}?format=pdf")).problem(400);

    // The export itself is in the audit log, under the built-in purpose.
    let log = api.get("/v1/audit?after=0&limit=1000").expect(200);
    assert!(
        log["entries"]
            .as_array()
            .is_some_and(|e| e.iter().any(|e| e["purpose"] == "answer_request")),
        "{log}"
    );

    // A subject privet holds nothing for gets an answer that says so; an erase request has none.
    let nobody = api
        .post(
            "/v1/requests",
            &json!({"subject": "cust-nobody", "kind": "portability", "regulation": "ccpa"}),
        )
        .expect(201);
    let id = nobody["id"].as_str().unwrap_or_default();
    api.post(
        &format!("/v1/requests/{id}/verify"),
        &json!({"method": "account_login"}),
    )
    .expect(200);
    let empty = api.get(&format!("/v1/requests/{id}/export")).expect(200);
    assert_eq!(
        (&empty["held"], &empty["fields"]),
        (&json!(false), &json!([]))
    );
    let page = api
        .get(&format!("/v1/requests/{id}/export?format=html"))
        .text();
    assert!(page.contains("hold no personal data about you"), "{page}");
    let erase = api
        .post(
            "/v1/requests",
            &json!({"subject": "cust-export-1", "kind": "erase", "regulation": "gdpr"}),
        )
        .expect(201);
    let id = erase["id"].as_str().unwrap_or_default();
    api.post(
        &format!("/v1/requests/{id}/verify"),
        &json!({"method": "email_link"}),
    )
    .expect(200);
    api.get(&format!("/v1/requests/{id}/export")).problem(409);
}
