//! Denial of service: a subject cannot grow past `[limits]`, a batch read stops at its byte
//! budget, and connections that dribble their headers are closed.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use privet_types::policy::DEFAULT_POLICY_TOML;
use serde_json::{Value, json};

use super::harness::Env;

/// The default policy with its `[limits]` table replaced by `limits`.
fn policy_with(env: &Env, limits: &str) -> String {
    let text = DEFAULT_POLICY_TOML.replace(
        "[limits]\nmax_batch = 1000\n",
        &format!("[limits]\n{limits}"),
    );
    assert_ne!(
        text, DEFAULT_POLICY_TOML,
        "the default policy's [limits] table moved"
    );
    let path = env.path().join("limits.toml");
    std::fs::write(&path, text).expect("write policy");
    path.to_str().expect("utf-8").to_owned()
}

fn many_fields(prefix: &str, n: usize, value: &str) -> Value {
    json!({"fields": (0..n)
        .map(|i| json!({"name": format!("{prefix}_{i}"), "category": "contact.email", "value": value}))
        .collect::<Vec<_>>()})
}

on_each_backend!(subjects_and_reads_are_bounded);

fn subjects_and_reads_are_bounded(env: &Env) {
    let policy = policy_with(
        env,
        "max_fields_per_subject = 5\nmax_subject_bytes = 4096\nmax_read_bytes = 3000\n",
    );
    let server = env.start_with(&["--policy", &policy]);
    let api = server.client();
    // Too many fields in one request, then across two.
    let p = api
        .put(
            "/v1/subjects/cust-big",
            &many_fields("f", 6, "a@example.com"),
        )
        .problem(413);
    assert!(
        p["detail"]
            .as_str()
            .is_some_and(|d| d.contains("max_fields_per_subject")),
        "{p}"
    );
    api.put(
        "/v1/subjects/cust-big",
        &many_fields("f", 3, "a@example.com"),
    )
    .expect(200);
    api.put(
        "/v1/subjects/cust-big",
        &many_fields("g", 3, "a@example.com"),
    )
    .problem(413);
    // Replacing fields that exist does not count twice.
    api.put(
        "/v1/subjects/cust-big",
        &many_fields("f", 3, "b@example.com"),
    )
    .expect(200);
    // Too many bytes.
    let big = "x".repeat(1500);
    api.put("/v1/subjects/cust-bytes", &many_fields("h", 2, &big))
        .expect(200);
    let p = api
        .put("/v1/subjects/cust-bytes", &many_fields("i", 2, &big))
        .problem(413);
    assert!(
        p["detail"]
            .as_str()
            .is_some_and(|d| d.contains("max_subject_bytes")),
        "{p}"
    );
    assert!(!p.to_string().contains("xxxx"), "{p}");
    // A batch read returns what fits in its byte budget; the rest is refused item by item.
    for n in 0..12 {
        api.put(
            &format!("/v1/subjects/cust-read-{n}"),
            &many_fields("n", 1, &format!("{}@example.com", "r".repeat(400))),
        )
        .expect(200);
    }
    let items: Vec<Value> = (0..12)
        .map(|n| json!({"subject": format!("cust-read-{n}")}))
        .collect();
    let batch = api
        .post(
            "/v1/subjects/read",
            &json!({"purpose": "support", "items": items}),
        )
        .expect(200);
    let answers = batch["items"].as_array().expect("items");
    let read = answers.iter().filter(|a| a["subject"].is_string()).count();
    let refused = answers
        .iter()
        .filter(|a| a["error"]["status"] == 413)
        .count();
    assert!(read >= 1 && refused >= 1 && read + refused == 12, "{batch}");
    assert!(
        read <= 9,
        "read {read} subjects of ~410 bytes within a 3000-byte budget"
    );
}

/// A client that sends its headers a byte at a time, or connects and says nothing, is cut off
/// after `header_timeout_secs`, while the server goes on answering others.
#[test]
fn slow_and_idle_connections_are_closed() {
    let env = Env::sqlite();
    let policy = policy_with(
        &env,
        "max_batch = 1000\nheader_timeout_secs = 1\nrequest_timeout_secs = 1\n",
    );
    let server = env.start_with(&["--policy", &policy]);
    let mut conns: Vec<TcpStream> = (0..50)
        .map(|i| {
            let mut c = TcpStream::connect(server.addr).expect("connect");
            c.set_read_timeout(Some(Duration::from_secs(12)))
                .expect("timeout");
            if i % 2 == 0 {
                // Half send the start of a request and never finish it.
                c.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
                    .expect("write");
            }
            c
        })
        .collect();
    let started = Instant::now();
    for c in &mut conns {
        let mut buf = [0u8; 512];
        // Closed by the server: EOF (0), or a reset, or a 408 answer and then EOF.
        loop {
            match c.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(_) => continue,
            }
        }
    }
    let waited = started.elapsed();
    assert!(
        waited < Duration::from_secs(20),
        "connections stayed open {waited:?}"
    );
    // The server still answers.
    assert_eq!(server.client().anonymous().get("/healthz").status, 200);
}
