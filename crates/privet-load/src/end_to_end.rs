//! Every scenario against a tiny keep-alive HTTP/1.1 stub of the vault API.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::client::Target;
use crate::report::Summary;
use crate::runner::{self, LoadShape};
use crate::scenario::{Scenario, SetupOptions, Workload};

const KEY: &str = "test-key";

/// Serves until the test ends; returns the base URL.
async fn stub() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        loop {
            let (socket, _) = listener.accept().await.unwrap();
            tokio::spawn(serve_connection(socket));
        }
    });
    url
}

async fn serve_connection(mut socket: TcpStream) {
    let mut buffer = Vec::new();
    loop {
        let Some(head_end) = read_until_head_end(&mut socket, &mut buffer).await else {
            return;
        };
        let head = String::from_utf8_lossy(&buffer[..head_end]).to_string();
        let length = header(&head, "content-length").map_or(0, |v| v.parse().unwrap());
        while buffer.len() < head_end + 4 + length {
            let mut chunk = [0u8; 4096];
            let n = socket.read(&mut chunk).await.unwrap();
            assert!(n > 0, "body cut short");
            buffer.extend_from_slice(&chunk[..n]);
        }
        let body = buffer[head_end + 4..head_end + 4 + length].to_vec();
        let (status, answer) = answer(&head, &body);
        let response = format!(
            "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{answer}",
            answer.len()
        );
        if socket.write_all(response.as_bytes()).await.is_err() {
            return;
        }
        buffer.drain(..head_end + 4 + length);
    }
}

async fn read_until_head_end(socket: &mut TcpStream, buffer: &mut Vec<u8>) -> Option<usize> {
    loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            return Some(end);
        }
        let mut chunk = [0u8; 4096];
        match socket.read(&mut chunk).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
        }
    }
}

fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.eq_ignore_ascii_case(name).then(|| value.trim())
    })
}

/// The vault contract, minus the vault: fixed answers, key checked.
fn answer(head: &str, body: &[u8]) -> (&'static str, String) {
    if header(head, "authorization") != Some(format!("Bearer {KEY}").as_str()) {
        return ("401 Unauthorized", r#"{"title":"unauthorized"}"#.to_owned());
    }
    let request_line = head.lines().next().unwrap_or_default();
    let json: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
    let ok = "200 OK";
    match request_line.split(' ').take(2).collect::<Vec<_>>()[..] {
        ["POST", "/v1/tokens"] if json["kind"] == "card_number" => {
            (ok, r#"{"token":"tok_1"}"#.to_owned())
        }
        ["POST", "/v1/tokens/detokenize"] if json["token"] == "tok_1" => {
            (ok, r#"{"value":"4111111111111111"}"#.to_owned())
        }
        ["PUT", path] if path.starts_with("/v1/subjects/") && json["fields"].is_array() => {
            (ok, "{}".to_owned())
        }
        ["GET", path]
            if path.starts_with("/v1/subjects/read-") && path.ends_with("?purpose=support") =>
        {
            (ok, r#"{"subject":"x","fields":[]}"#.to_owned())
        }
        _ => ("404 Not Found", r#"{"title":"not found"}"#.to_owned()),
    }
}

async fn measure(url: &str, key: &str, scenario: Scenario) -> anyhow::Result<Summary> {
    let target = Target::new(url, key)?;
    let setup = SetupOptions {
        seed: 1,
        subjects: 20,
        concurrency: 3,
    };
    let shape = LoadShape {
        connections: 3,
        warmup: Duration::from_millis(20),
        duration: Duration::from_millis(150),
        seed: 1,
        until_exists: None,
    };
    let workload = Workload::prepare(scenario, &target, &setup).await?;
    let outcome = runner::run(scenario.name(), &target, workload, &shape).await?;
    Ok(Summary::new(scenario.name(), shape.connections, &outcome))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_scenario_runs_clean_against_the_stub() {
    let url = stub().await;
    for scenario in Scenario::ALL {
        let summary = measure(&url, KEY, scenario).await.unwrap();
        assert!(summary.requests > 0, "{scenario:?} sent nothing");
        assert_eq!(summary.errors, 0, "{scenario:?}");
        assert!(!summary.failed());
        assert!(summary.p50_ms <= summary.max_ms);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_requests_are_counted_as_errors() {
    let url = stub().await;
    let summary = measure(&url, "wrong-key", Scenario::Store).await.unwrap();
    assert!(summary.requests > 0);
    assert_eq!(summary.errors, summary.requests);
    assert!(summary.failed());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_setup_is_an_error() {
    let url = stub().await;
    let err = measure(&url, "wrong-key", Scenario::Detokenize)
        .await
        .err()
        .unwrap();
    assert!(format!("{err:#}").contains("401"), "{err:#}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_window_ends_when_the_signal_file_appears() {
    let url = stub().await;
    let target = Target::new(&url, KEY).unwrap();
    let setup = SetupOptions {
        seed: 1,
        subjects: 5,
        concurrency: 2,
    };
    let signal = std::env::temp_dir().join(format!("privet-load-signal-{}", std::process::id()));
    std::fs::write(&signal, b"done").unwrap();
    let shape = LoadShape {
        connections: 2,
        warmup: Duration::from_millis(10),
        duration: Duration::from_secs(3600),
        seed: 1,
        until_exists: Some(signal.clone()),
    };
    let workload = Workload::prepare(Scenario::Read, &target, &setup)
        .await
        .unwrap();
    let outcome = runner::run("read", &target, workload, &shape)
        .await
        .unwrap();
    std::fs::remove_file(&signal).unwrap();
    // The file was there from the start: the hour-long window ended at once.
    assert!(outcome.elapsed < shape.duration);
}
