//! Master-key rotation while clients keep writing and reading: no request fails, and after the
//! old version is retired, data written before the rotation still reads and detokenizes.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use serde_json::json;

use super::harness::{Env, outcome};
use super::http::{Client, Response};
use super::{assert_card_masked, card_number, field, fields, shown};

const CLIENTS: usize = 3;

on_each_backend!(rotation_under_load_loses_no_request);

/// Records a failure unless the answer is a success.
fn check(failures: &Mutex<Vec<String>>, what: &str, r: &Response) -> bool {
    if (200..300).contains(&r.status) {
        return true;
    }
    if let Ok(mut f) = failures.lock() {
        f.push(format!("{what}: {} {}", r.status, r.text()));
    }
    false
}

/// One client's loop: write, read, tokenize, detokenize, until told to stop.
fn work(
    api: &Client,
    t: usize,
    stop: &AtomicBool,
    done: &AtomicUsize,
    failures: &Mutex<Vec<String>>,
) {
    let mut i = 0u32;
    while !stop.load(Ordering::SeqCst) {
        let id = format!("cust-rot-{t}-{i}");
        let email = format!("rot{t}.{i}@example.com");
        let card = card_number(10_000 * (t as u32 + 1) + i);
        let put = api.put(
            &format!("/v1/subjects/{id}"),
            &fields(&[
                ("email", "contact.email", &email),
                ("card", "financial.card_number", &card),
            ]),
        );
        if check(failures, "put", &put) {
            let read = api.get(&format!("/v1/subjects/{id}?purpose=support"));
            let shown_email = (read.status == 200).then(|| shown(field(&read.json(), "email")).1);
            if check(failures, "read", &read)
                && shown_email.as_deref() != Some(email.as_str())
                && let Ok(mut f) = failures.lock()
            {
                f.push(format!("read of {id} returned another e-mail"));
            }
        }
        let token = api.post(
            "/v1/tokens",
            &json!({"kind": "card_number", "value": card, "subject": id}),
        );
        if check(failures, "tokenize", &token) {
            let detok = api.post(
                "/v1/tokens/detokenize",
                &json!({"token": token.json()["token"], "purpose": "support"}),
            );
            check(failures, "detokenize", &detok);
        }
        done.fetch_add(1, Ordering::SeqCst);
        i += 1;
    }
}

fn rotation_under_load_loses_no_request(env: &Env) {
    let server = env.start();
    let api = server.client();
    let before: Vec<(String, String, String)> = (0..12u32)
        .map(|n| {
            let id = format!("cust-prerot-{n}");
            let card = card_number(900 + n);
            api.put(
                &format!("/v1/subjects/{id}"),
                &fields(&[
                    ("email", "contact.email", &format!("pre{n}@example.com")),
                    ("card", "financial.card_number", &card),
                ]),
            )
            .expect(200);
            let token = api
                .post(
                    "/v1/tokens",
                    &json!({"kind": "card_number", "value": card, "subject": id}),
                )
                .expect(200)["token"]
                .as_str()
                .expect("token")
                .to_owned();
            (id, card, token)
        })
        .collect();
    let unbound = api
        .post(
            "/v1/tokens",
            &json!({"kind": "card_number", "value": card_number(999)}),
        )
        .expect(200)["token"]
        .as_str()
        .expect("token")
        .to_owned();

    let stop = AtomicBool::new(false);
    let done = AtomicUsize::new(0);
    let failures = Mutex::new(Vec::new());
    let rotated = std::thread::scope(|s| {
        for t in 0..CLIENTS {
            let (api, stop, done, failures) = (&api, &stop, &done, &failures);
            s.spawn(move || work(api, t, stop, done, failures));
        }
        std::thread::sleep(Duration::from_millis(300));
        let rotated = env.privet(&["keys", "rotate", "--batch", "5"]);
        // Keep the load on a little past the end, while every node's keyring catches up.
        std::thread::sleep(Duration::from_millis(1200));
        stop.store(true, Ordering::SeqCst);
        rotated
    });
    let (code, _, stderr) = outcome(&rotated);
    assert_eq!(code, 0, "keys rotate on {}: {stderr}", env.backend);
    assert!(stderr.contains("version 2"), "{stderr}");
    let failures = failures.into_inner().unwrap_or_default();
    assert!(
        failures.is_empty(),
        "{} failed requests: {failures:#?}",
        failures.len()
    );
    let rounds = done.load(Ordering::SeqCst);
    assert!(
        rounds >= CLIENTS * 3,
        "only {rounds} rounds ran during the rotation"
    );

    // Without --yes, nothing is retired and the warning names what breaks.
    let (code, _, stderr) = outcome(&env.privet(&["keys", "retire", "1"]));
    assert_eq!(code, 2, "keys retire 1 on {}: {stderr}", env.backend);
    assert!(stderr.contains("key-store backups"), "{stderr}");
    api.get("/v1/subjects/cust-rot-0-0?purpose=support")
        .expect(200);
    let (code, _, stderr) = outcome(&env.privet(&["keys", "retire", "1", "--yes"]));
    assert_eq!(code, 0, "keys retire 1 on {}: {stderr}", env.backend);
    // The server re-reads the key file at most a second later; by then version 1 is gone.
    std::thread::sleep(Duration::from_millis(1100));
    for (id, card, token) in &before {
        let read = api
            .get(&format!("/v1/subjects/{id}?purpose=support"))
            .expect(200);
        let (kind, masked) = shown(field(&read, "card"));
        assert_eq!(kind, "masked");
        assert_card_masked(&masked, card);
        assert_eq!(shown(field(&read, "email")).0, "value");
        let detok = api
            .post(
                "/v1/tokens/detokenize",
                &json!({"token": token, "purpose": "support"}),
            )
            .expect(200);
        assert_card_masked(detok["masked"].as_str().expect("masked"), card);
    }
    api.post(
        "/v1/tokens/detokenize",
        &json!({"token": unbound, "purpose": "support"}),
    )
    .expect(200);
    api.get("/v1/subjects/cust-rot-0-0?purpose=support")
        .expect(200);
    let (code, stdout, _) = outcome(&env.privet(&["audit", "verify"]));
    assert_eq!(code, 0, "{stdout}");
}
