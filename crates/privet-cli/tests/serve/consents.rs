//! The consent ledger over HTTP: PUT keeps its answer, POST appends the full form, GET answers the
//! state and history or a proof page, a `Sec-GPC: 1` header opts out of what is sold or shared,
//! and an erased subject's history stays answerable.

use serde_json::{Value, json};

use super::harness::Env;
use super::http::Client;
use super::{VISA, fields};

const SUBJECT: &str = "cust-consent-1";
const EMAIL: &str = "ada.consent@example.com";

on_each_backend!(the_consent_ledger_answers_with_proof);

fn the_consent_ledger_answers_with_proof(env: &Env) {
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
    let base = format!("/v1/subjects/{SUBJECT}/consents");

    // PUT keeps its answer; the source defaults to api.
    let put = api
        .put(&format!("{base}/marketing"), &json!({"granted": true}))
        .expect(200);
    assert_eq!(
        put,
        json!({"subject": SUBJECT, "purpose": "marketing", "granted": true})
    );
    // POST takes the full form and answers the whole ledger.
    let posted = api
        .post(
            &base,
            &json!({"purpose": "ad_partners", "granted": true, "source": "privacy_center", "notice_version": "2026-03"}),
        )
        .expect(201);
    assert_eq!(posted["subject"], SUBJECT);
    assert_eq!(posted["history"].as_array().map(Vec::len), Some(2));
    let ad = &posted["current"]["ad_partners"];
    assert_eq!(
        (&ad["granted"], &ad["source"], &ad["notice_version"]),
        (&json!(true), &json!("privacy_center"), &json!("2026-03"))
    );
    assert!(ad["at"].as_str().is_some_and(|t| t.ends_with('Z')), "{ad}");
    assert!(ad["recorded_by"].as_str().is_some_and(|k| !k.is_empty()));

    // A Global Privacy Control signal opts out of every sale_or_sharing purpose, here even while
    // the same request grants one of them: the signal is recorded after the body's entry.
    let with_gpc = api.send_with(
        "PUT",
        &format!("{base}/ad_partners"),
        &[("Sec-GPC", "1")],
        Some("application/json"),
        json!({"granted": true}).to_string().as_bytes(),
    );
    let answer = with_gpc.expect(200);
    assert_eq!(answer["granted"], false, "{answer}");
    assert_eq!(answer["gpc_opt_outs"], json!(["ad_partners"]));
    let state = api.get(&base).expect(200);
    let ad = &state["current"]["ad_partners"];
    assert_eq!(
        (&ad["granted"], &ad["source"]),
        (&json!(false), &json!("gpc"))
    );
    assert_eq!(state["current"]["marketing"]["granted"], true);
    let history: Vec<(String, bool, String)> = entries(&state);
    assert_eq!(
        history,
        [
            ("marketing".into(), true, "api".into()),
            ("ad_partners".into(), true, "privacy_center".into()),
            ("ad_partners".into(), true, "api".into()),
            ("ad_partners".into(), false, "gpc".into()),
        ]
    );
    let sold = api.get(&format!("/v1/subjects/{SUBJECT}?purpose=ad_partners"));
    assert_eq!(sold.problem(403)["reason"], "consent_required");

    // The proof document: HTML, every entry, no stored value.
    let proof = api.get(&format!("{base}?format=proof"));
    assert_eq!(proof.status, 200);
    assert!(
        proof
            .header("content-type")
            .is_some_and(|t| t.starts_with("text/html")),
        "{:?}",
        proof.header("content-type")
    );
    let page = proof.text();
    assert!(page.starts_with("<!doctype html>"));
    assert!(page.contains(SUBJECT) && page.contains("2026-03") && page.contains("gpc"));
    assert!(page.contains("Share contact data with advertising partners"));
    assert!(
        !page.contains(EMAIL) && !page.contains(VISA),
        "a value on the proof page"
    );
    assert!(!page.contains("<script"));

    bad_requests(&api, &base);

    // Erasure closes the ledger and keeps it: the history is still answered.
    api.delete(&format!("/v1/subjects/{SUBJECT}")).expect(200);
    let after = api.get(&base).expect(200);
    let last = after["history"].as_array().and_then(|h| h.last()).cloned();
    assert_eq!(
        last.as_ref()
            .map(|e| (&e["purpose"], &e["granted"], &e["source"])),
        Some((&json!("marketing"), &json!(false), &json!("erasure")))
    );
    assert_eq!(after["current"]["marketing"]["granted"], false);
}

fn bad_requests(api: &Client, base: &str) {
    for body in [
        json!({"granted": true, "source": "web-signup"}),
        json!({"granted": true, "source": "erasure"}),
        json!({"granted": true, "notice_version": ""}),
    ] {
        let p = api.put(&format!("{base}/marketing"), &body).problem(400);
        assert!(!p.to_string().contains("web-signup"), "{p}");
    }
    // A body of the wrong shape is 422, as on every route.
    for body in [
        json!({"granted": "yes"}),
        json!({"granted": true, "extra": 1}),
    ] {
        api.put(&format!("{base}/marketing"), &body).problem(422);
    }
    api.post(base, &json!({"purpose": "astrology", "granted": true}))
        .problem(400);
    api.post(base, &json!({"granted": true})).problem(422);
    api.get(&format!("{base}?format=xml")).problem(400);
    api.get("/v1/subjects/cust-never-stored/consents")
        .problem(404);
    api.post(
        "/v1/subjects/cust-never-stored/consents",
        &json!({"purpose": "marketing", "granted": true}),
    )
    .problem(404);
    // Nothing above reached the ledger.
    let state = api.get(base).expect(200);
    assert_eq!(state["history"].as_array().map(Vec::len), Some(4));
}

fn entries(state: &Value) -> Vec<(String, bool, String)> {
    state["history"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| {
            (
                e["purpose"].as_str().unwrap_or_default().to_owned(),
                e["granted"].as_bool().unwrap_or_default(),
                e["source"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}
