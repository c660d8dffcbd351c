//! Erasure reaches the vendors: a notice per vendor that received the subject's categories,
//! signed, retried until acknowledged across a restart of privet serve, then never sent again;
//! every attempt audited without its body.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::harness::Env;
use super::http::Client;
use super::{VISA, fields};

const SECRET: &str = "vendor-signing-secret-1";

/// One request the receiver got: path, delivery id, signature header, body.
type Seen = (String, String, String, String);

/// A webhook receiver on loopback: `/mailer` answers 500 to its first two requests, then 200;
/// every other path 200 at once.
fn receiver() -> (u16, Arc<Mutex<Vec<Seen>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
    let log = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            let mut line = String::new();
            if reader.read_line(&mut line).is_err() {
                continue;
            }
            let path = line
                .split_whitespace()
                .nth(1)
                .unwrap_or_default()
                .to_owned();
            let (mut len, mut delivery, mut signature) = (0usize, String::new(), String::new());
            loop {
                let mut h = String::new();
                if reader.read_line(&mut h).is_err() || h.trim().is_empty() {
                    break;
                }
                let (name, value) = h.split_once(':').unwrap_or_default();
                match name.trim().to_ascii_lowercase().as_str() {
                    "content-length" => len = value.trim().parse().unwrap_or(0),
                    "privet-delivery" => delivery = value.trim().to_owned(),
                    "privet-signature" => signature = value.trim().to_owned(),
                    _ => {}
                }
            }
            let mut body = vec![0; len];
            let _ = reader.read_exact(&mut body);
            let mut log = log.lock().expect("log");
            log.push((
                path.clone(),
                delivery,
                signature,
                String::from_utf8_lossy(&body).into(),
            ));
            let mailer_tries = log.iter().filter(|s| s.0 == "/mailer").count();
            let status = if path == "/mailer" && mailer_tries <= 2 {
                "500 Internal Server Error"
            } else {
                "200 OK"
            };
            drop(log);
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
            );
        }
    });
    (port, seen)
}

fn wait_for(what: &str, timeout: Duration, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + timeout;
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

on_each_backend!(erasure_reaches_every_vendor_once_across_a_restart);

fn erasure_reaches_every_vendor_once_across_a_restart(env: &Env) {
    let (port, seen) = receiver();
    let policy = env.policy_with(&format!(
        "\n[vendors.mailer]\ncontact = \"dpo@mailer.example\"\ncountry = \"IE\"\ncategories = [\"contact.*\"]\n\
         erasure_webhook = \"http://127.0.0.1:{port}/mailer\"\nsecret_env = \"HOOK_SECRET\"\n\
         [vendors.payments]\ncontact = \"privacy@pay.example\"\ncountry = \"NL\"\ncategories = [\"financial.*\"]\n\
         erasure_webhook = \"http://127.0.0.1:{port}/payments\"\nsecret_env = \"HOOK_SECRET\"\n\
         dpa_signed = \"2024-01-01\"\ndpa_expires = \"2025-01-01\"\n\
         [vendors.clinic]\ncontact = \"x@clinic.example\"\ncountry = \"DE\"\ncategories = [\"health.*\"]\n\
         erasure_webhook = \"http://127.0.0.1:{port}/clinic\"\nsecret_env = \"HOOK_SECRET\"\n"
    ));
    let args = ["--policy", policy.to_str().expect("utf-8")];
    let vars = [("HOOK_SECRET", SECRET)];

    let mut first = env.start_with_env(&args, &vars);
    let api = first.client();
    api.put(
        "/v1/subjects/cust-vendors",
        &fields(&[
            ("email", "contact.email", "v@example.com"),
            ("card", "financial.card_number", VISA),
        ]),
    )
    .expect(200);
    let vendors = api.get("/v1/vendors").expect(200);
    let payments = vendors["vendors"]
        .as_array()
        .and_then(|v| v.iter().find(|v| v["name"] == "payments"))
        .cloned();
    assert!(
        payments.is_some_and(|p| p["issues"].to_string().contains("DPA expired 2025-01-01")),
        "{vendors}"
    );
    let listed = env
        .command()
        .arg("vendors")
        .arg(&policy)
        .output()
        .expect("privet vendors");
    let table = String::from_utf8_lossy(&listed.stdout);
    assert!(
        table.contains("DPA expired 2025-01-01") && table.contains("3 vendors"),
        "{table}"
    );
    // Erased by request: done at once, completed once every vendor has acknowledged.
    let r = api
        .post(
            "/v1/requests",
            &json!({"subject": "cust-vendors", "kind": "erase", "regulation": "gdpr"}),
        )
        .expect(201);
    let request = r["id"].as_str().unwrap_or_default().to_owned();
    api.post(
        &format!("/v1/requests/{request}/verify"),
        &json!({"method": "email_link"}),
    )
    .expect(200);
    let done = api
        .post(&format!("/v1/requests/{request}/complete"), &json!({}))
        .expect(200);
    assert_eq!(done["status"], "in_progress", "{done}");
    assert!(
        done["reason"]
            .as_str()
            .is_some_and(|r| r.contains("mailer") && r.contains("payments")),
        "{done}"
    );
    api.get("/v1/subjects/cust-vendors?purpose=support")
        .problem(404);
    let tries = |path: &str| {
        seen.lock()
            .expect("log")
            .iter()
            .filter(|s| s.0 == path)
            .count()
    };
    wait_for("the first attempts", Duration::from_secs(30), || {
        tries("/mailer") >= 1 && tries("/payments") >= 1
    });
    let pending = api.get("/v1/deliveries?status=pending").expect(200);
    assert_eq!(
        pending["deliveries"].as_array().map(Vec::len),
        Some(1),
        "{pending}"
    );
    assert_eq!(pending["deliveries"][0]["last_error"], "HTTP 500");
    first.stop();

    // After a restart the outbox carries on where it stopped.
    let second = env.start_with_env(&args, &vars);
    let api: Client = second.client();
    wait_for(
        "the mailer's acknowledgement",
        Duration::from_secs(60),
        || {
            api.get("/v1/deliveries?status=delivered").json()["deliveries"]
                .as_array()
                .map(Vec::len)
                == Some(2)
        },
    );
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(
        (tries("/mailer"), tries("/payments"), tries("/clinic")),
        (3, 1, 0)
    );
    let closed = api.get(&format!("/v1/requests/{request}")).expect(200);
    assert_eq!(
        (&closed["status"], &closed["reason"]),
        (&json!("completed"), &Value::Null),
        "{closed}"
    );

    // Signed, one id per vendor, nothing but ids and a time in the body.
    for (path, delivery, signature, body) in seen.lock().expect("log").iter() {
        let (t, v1) = signature.split_once(",v1=").expect("t=...,v1=...");
        let t: i64 = t.trim_start_matches("t=").parse().expect("a time");
        assert_eq!(
            v1,
            privet_crypto::webhook_signature(SECRET.as_bytes(), t, body.as_bytes()),
            "{path}"
        );
        let doc: Value = serde_json::from_str(body).expect("JSON");
        assert_eq!(doc["delivery"], json!(delivery));
        assert_eq!(doc["subject"], "cust-vendors");
        assert_eq!(doc["request"], json!(request));
        assert!(!body.contains("v@example.com") && !body.contains(VISA));
    }

    // Every attempt is in the audit log, with its outcome and without a body.
    let log = api.get("/v1/audit?after=0&limit=1000").expect(200);
    let attempts: Vec<&Value> = log["entries"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["action"] == "vendor.erasure")
        .collect();
    assert_eq!(attempts.len(), 4, "{log}");
    assert!(
        attempts
            .iter()
            .all(|e| e["actor"] == "privet" && e["subject"] == "cust-vendors")
    );
    assert!(!log.to_string().contains("v@example.com"));

    // Nothing failed, so nothing to retry.
    let any = api.get("/v1/deliveries").expect(200);
    let id = any["deliveries"][0]["id"].as_str().unwrap_or_default();
    api.post(&format!("/v1/deliveries/{id}/retry"), &json!({}))
        .problem(409);
    api.post("/v1/deliveries/dlv_nothing/retry", &json!({}))
        .problem(404);
}
