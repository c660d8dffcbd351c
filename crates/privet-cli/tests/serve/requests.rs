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
