//! The crash test: writers keep the server busy, the server is killed (SIGKILL) mid-write and
//! restarted on the same vault; every write it acknowledged is there with its exact values, a
//! write it never answered is there whole or not at all, and the audit chain still verifies.

use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use serde_json::{Value, json};

use super::harness::{Env, Server, outcome};
use super::http::{Client, Response, exchange};
use super::{card_number, field, fields, shown};

/// Writer threads per round.
const WRITERS: u32 = 4;

/// How long the writers run before the kill, one round each.
const KILL_AFTER_MS: [u64; 3] = [500, 1000, 1500];

/// Items per batch read: well under the default `max_batch` of 1000.
const CHUNK: usize = 400;

on_each_backend!(a_killed_server_loses_nothing_it_acknowledged);

/// A subject write: its id and the two values sent.
#[derive(Debug, Clone)]
struct Put {
    subject: String,
    email: String,
    name: String,
}

/// What one writer saw: writes answered 2xx, and the ones left without an answer.
#[derive(Debug, Default)]
struct Written {
    subjects: Vec<Put>,
    tokens: Vec<(String, String)>,
    unanswered: Vec<Put>,
}

/// One request that may fail at the connection (the server is being killed), unlike
/// `Client::send`, which panics.
fn try_send(
    addr: SocketAddr,
    key: &str,
    method: &str,
    path: &str,
    body: &Value,
) -> Option<Response> {
    let stream = TcpStream::connect(addr).ok()?;
    let timeout = Some(Duration::from_secs(10));
    stream.set_read_timeout(timeout).ok()?;
    stream.set_write_timeout(timeout).ok()?;
    let auth = format!("Bearer {key}");
    let headers = [
        ("Authorization", auth.as_str()),
        ("Content-Type", "application/json"),
    ];
    exchange(
        stream,
        &addr.to_string(),
        method,
        path,
        &headers,
        body.to_string().as_bytes(),
    )
    .ok()
}

/// Asserts that a write the server answered was answered as a success or a server error, never
/// as a client error (which would be a fault of this test).
#[track_caller]
fn acknowledged(response: &Response) -> bool {
    assert!(
        response.status < 400 || response.status >= 500,
        "status {}: {}",
        response.status,
        response.text()
    );
    (200..300).contains(&response.status)
}

/// Writes subjects and tokens in a loop until the server stops answering.
fn writer(addr: SocketAddr, key: &str, round: u32, thread: u32) -> Written {
    let mut written = Written::default();
    for n in 0u32.. {
        let put = Put {
            subject: format!("crash-{round}-{thread}-{n}"),
            email: format!("crash.{round}.{thread}.{n}@example.com"),
            name: format!("Crash {round} {thread} {n}"),
        };
        let body = fields(&[
            ("email", "contact.email", &put.email),
            ("name", "identity.name", &put.name),
        ]);
        match try_send(
            addr,
            key,
            "PUT",
            &format!("/v1/subjects/{}", put.subject),
            &body,
        ) {
            Some(r) if acknowledged(&r) => written.subjects.push(put),
            Some(_) => {}
            None => {
                written.unanswered.push(put);
                break;
            }
        }
        let card = card_number(((round * 10 + thread) * 1_000_000) + n);
        let body = json!({"kind": "card_number", "value": card});
        match try_send(addr, key, "POST", "/v1/tokens", &body) {
            Some(r) if acknowledged(&r) => {
                let token = r.json()["token"].as_str().expect("token").to_owned();
                written.tokens.push((token, card));
            }
            Some(_) => {}
            None => break,
        }
    }
    written
}

/// Runs the writers against `server`, kills it after `kill_after` and gathers what they saw.
fn write_until_killed(server: &mut Server, round: u32, kill_after: Duration) -> Written {
    let addr = server.addr;
    let key: Arc<str> = server.admin_key().into();
    let handles: Vec<_> = (0..WRITERS)
        .map(|thread| {
            let key = Arc::clone(&key);
            thread::spawn(move || writer(addr, &key, round, thread))
        })
        .collect();
    thread::sleep(kill_after);
    server.kill();
    let mut all = Written::default();
    for handle in handles {
        let w = handle.join().expect("writer thread");
        all.subjects.extend(w.subjects);
        all.tokens.extend(w.tokens);
        all.unanswered.extend(w.unanswered);
    }
    all
}

/// Reads `puts` back for support in batches; returns each item of the answers, in order.
fn read_back(api: &Client, puts: &[Put]) -> Vec<Value> {
    puts.chunks(CHUNK)
        .flat_map(|chunk| {
            let items: Vec<Value> = chunk
                .iter()
                .map(|p| json!({"subject": p.subject}))
                .collect();
            let answer = api
                .post(
                    "/v1/subjects/read",
                    &json!({"purpose": "support", "items": items}),
                )
                .expect(200);
            let items = answer["items"].as_array().expect("items").clone();
            assert_eq!(items.len(), chunk.len());
            items
        })
        .collect()
}

#[track_caller]
fn assert_whole(subject: &Value, put: &Put) {
    assert_eq!(subject["subject"], put.subject.as_str(), "{subject}");
    assert_eq!(
        subject["fields"].as_array().map(Vec::len),
        Some(2),
        "{subject}"
    );
    assert_eq!(shown(field(subject, "email")), ("value", put.email.clone()));
    assert_eq!(shown(field(subject, "name")), ("value", put.name.clone()));
}

/// Checks, on a restarted server, everything written so far.
fn check(env: &Env, server: &Server, billing_key: &str, all: &Written) {
    let api = server.client();
    for (subject, put) in read_back(&api, &all.subjects).iter().zip(&all.subjects) {
        assert!(
            subject.get("error").is_none(),
            "acknowledged {} lost on {}: {subject}",
            put.subject,
            env.backend
        );
        assert_whole(subject, put);
    }
    for (subject, put) in read_back(&api, &all.unanswered).iter().zip(&all.unanswered) {
        if subject.get("error").is_some() {
            assert_eq!(subject["error"]["status"], 404, "{subject}");
        } else {
            assert_whole(subject, put);
        }
    }

    let billing = api.with_key(billing_key);
    for chunk in all.tokens.chunks(CHUNK) {
        let items: Vec<Value> = chunk
            .iter()
            .map(|(token, _)| json!({"token": token, "purpose": "billing"}))
            .collect();
        let answer = billing
            .post("/v1/tokens/detokenize/batch", &json!({"items": items}))
            .expect(200);
        let items = answer["items"].as_array().expect("items");
        assert_eq!(items.len(), chunk.len());
        for (item, (token, card)) in items.iter().zip(chunk) {
            assert_eq!(
                item["value"].as_str(),
                Some(card.as_str()),
                "acknowledged token {token} on {}: {item}",
                env.backend
            );
        }
    }

    let (code, stdout, stderr) = outcome(&env.privet(&["audit", "verify"]));
    assert_eq!(code, 0, "audit verify on {}: {stdout}{stderr}", env.backend);
    let entries = stdout
        .split_whitespace()
        .find_map(|w| w.parse::<usize>().ok())
        .unwrap_or_else(|| panic!("no entry count in {stdout:?}"));
    let writes = all.subjects.len() + all.tokens.len();
    assert!(
        entries >= writes,
        "{entries} audit entries for {writes} acknowledged writes on {}",
        env.backend
    );
}

fn a_killed_server_loses_nothing_it_acknowledged(env: &Env) {
    let mut server = env.start();
    let billing_key = env.create_api_key("service");
    let mut all = Written::default();
    for (round, ms) in (0u32..).zip(KILL_AFTER_MS) {
        let w = write_until_killed(&mut server, round, Duration::from_millis(ms));
        assert!(
            !w.subjects.is_empty() && !w.tokens.is_empty(),
            "round {round} on {}: nothing acknowledged before the kill",
            env.backend
        );
        all.subjects.extend(w.subjects);
        all.tokens.extend(w.tokens);
        all.unanswered.extend(w.unanswered);
        server = env.start();
        check(env, &server, &billing_key, &all);
    }
}
