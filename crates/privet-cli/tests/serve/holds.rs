//! Legal holds block erasure, directly or by request, until lifted; a completed restrict request
//! refuses reads until lifted; an opt-out request withdraws what is sold or shared. Every refusal
//! is audited.

use serde_json::{Value, json};

use super::harness::Env;
use super::http::Client;
use super::{VISA, fields};

on_each_backend!(holds_and_restrictions_refuse_what_they_must);

fn holds_and_restrictions_refuse_what_they_must(env: &Env) {
    let server = env.start();
    let api = server.client();
    for s in ["cust-held", "cust-restricted", "cust-opted"] {
        api.put(
            &format!("/v1/subjects/{s}"),
            &fields(&[
                ("email", "contact.email", "held@example.com"),
                ("card", "financial.card_number", VISA),
            ]),
        )
        .expect(200);
    }

    // A hold: the direct erasure and the erase request are both refused, the reason shown.
    let hold = api
        .post(
            "/v1/subjects/cust-held/holds",
            &json!({"reason": "litigation matter 2026-114"}),
        )
        .expect(201);
    assert_eq!(hold["active"], true);
    let refused = api.delete("/v1/subjects/cust-held").problem(409);
    assert_eq!(refused["reason"], "legal_hold");
    assert!(
        refused["detail"]
            .as_str()
            .is_some_and(|d| d.contains("matter 2026-114")),
        "{refused}"
    );
    let id = entered(&api, "cust-held", "erase");
    let blocked = api
        .post(&format!("/v1/requests/{id}/complete"), &json!({}))
        .problem(409);
    assert_eq!(blocked["reason"], "legal_hold");
    assert_eq!(
        api.get(&format!("/v1/requests/{id}")).expect(200)["status"],
        "verified"
    );
    api.get("/v1/subjects/cust-held?purpose=support")
        .expect(200);
    // Lifted, the request completes and erases.
    let hold_id = hold["id"].as_str().unwrap_or_default();
    assert_eq!(
        api.delete(&format!("/v1/subjects/cust-held/holds/{hold_id}"))
            .status,
        204
    );
    api.delete(&format!("/v1/subjects/cust-held/holds/{hold_id}"))
        .problem(404);
    let listed = api.get("/v1/subjects/cust-held/holds").expect(200);
    assert_eq!(listed["holds"][0]["active"], false);
    api.post(&format!("/v1/requests/{id}/complete"), &json!({}))
        .expect(200);
    api.get("/v1/subjects/cust-held?purpose=support")
        .problem(404);
    for bad in [
        json!({"reason": ""}),
        json!({"reason": "x", "until": "2001-01-01T00:00:00Z"}),
    ] {
        api.post("/v1/subjects/cust-opted/holds", &bad).problem(400);
    }

    // Restriction: reads and detokenizations refused with reason restricted until it is lifted.
    let token = api
        .post(
            "/v1/tokens",
            &json!({"kind": "card_number", "value": VISA, "subject": "cust-restricted"}),
        )
        .expect(200)["token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let detokenize = json!({"token": token, "purpose": "support"});
    api.post("/v1/tokens/detokenize", &detokenize).expect(200);
    let id = entered(&api, "cust-restricted", "restrict");
    api.post(&format!("/v1/requests/{id}/complete"), &json!({}))
        .expect(200);
    let read = api
        .get("/v1/subjects/cust-restricted?purpose=support")
        .problem(403);
    assert_eq!(read["reason"], "restricted");
    let refused = api.post("/v1/tokens/detokenize", &detokenize).problem(403);
    assert_eq!(refused["reason"], "restricted");
    assert_eq!(
        api.delete("/v1/subjects/cust-restricted/restriction")
            .status,
        204
    );
    api.delete("/v1/subjects/cust-restricted/restriction")
        .problem(404);
    api.get("/v1/subjects/cust-restricted?purpose=support")
        .expect(200);

    // Opt-out: every sale-or-sharing purpose withdrawn.
    api.put(
        "/v1/subjects/cust-opted/consents/ad_partners",
        &json!({"granted": true}),
    )
    .expect(200);
    let id = entered(&api, "cust-opted", "opt_out");
    api.post(&format!("/v1/requests/{id}/complete"), &json!({}))
        .expect(200);
    let consent = api.get("/v1/subjects/cust-opted/consents").expect(200);
    assert_eq!(consent["current"]["ad_partners"]["granted"], false);

    // The refusals are in the audit log, with their reasons.
    let log = api.get("/v1/audit?after=0&limit=1000").expect(200);
    let entries = log["entries"].as_array().cloned().unwrap_or_default();
    let has = |f: &dyn Fn(&Value) -> bool| entries.iter().any(f);
    assert!(has(&|e| e["action"] == "subject.read"
        && e["subject"] == "cust-restricted"
        && e["decision"] == "deny"
        && e["reason"]
            .as_str()
            .is_some_and(|r| r.contains("restricted"))));
    assert!(has(
        &|e| e["action"] == "hold.place" && e["subject"] == "cust-held"
    ));
    assert!(has(&|e| e["action"] == "restriction.set"));
    let held_erasures = entries
        .iter()
        .filter(|e| {
            e["action"] == "subject.erase"
                && e["decision"] == "deny"
                && e["reason"]
                    .as_str()
                    .is_some_and(|r| r.contains("legal_hold"))
        })
        .count();
    assert_eq!(
        held_erasures, 2,
        "the direct and the requested erasure, both refused"
    );
    assert!(
        !log.to_string().contains("2026-114"),
        "a hold's free-text reason reached the audit log"
    );
}

/// Enters a verified request of `kind` for `subject`; its id.
fn entered(api: &Client, subject: &str, kind: &str) -> String {
    let r = api
        .post(
            "/v1/requests",
            &json!({"subject": subject, "kind": kind, "regulation": "gdpr"}),
        )
        .expect(201);
    let id = r["id"].as_str().unwrap_or_default().to_owned();
    api.post(
        &format!("/v1/requests/{id}/verify"),
        &json!({"method": "email_link"}),
    )
    .expect(200);
    id
}
