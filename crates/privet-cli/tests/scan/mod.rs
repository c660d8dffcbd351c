//! `privet scan` as a user runs it.

mod database;
mod errors;
mod formats;
mod output;

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

/// Values used across the tests; each is valid for its type.
pub(crate) const EMAIL: &str = "ada.lovelace@example.com";
pub(crate) const CARD: &str = "4111 1111 1111 1111";
pub(crate) const SSN: &str = "536-22-8145";
pub(crate) const IBAN: &str = "DE89 3704 0044 0532 0130 00";
pub(crate) const PHONE: &str = "+44 20 7946 0958";

pub(crate) fn privet() -> Command {
    let mut cmd = Command::cargo_bin("privet").expect("the privet binary is built");
    cmd.env_remove("PRIVET_LOG");
    cmd
}

/// Runs `privet scan --format jsonl ARGS` and parses every output line.
pub(crate) fn scan_jsonl(args: &[&str]) -> (Vec<Value>, String, i32) {
    let output = privet()
        .arg("scan")
        .arg("--format")
        .arg("jsonl")
        .args(args)
        .output()
        .expect("privet runs");
    let stdout = String::from_utf8(output.stdout).expect("utf-8 stdout");
    let findings = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad jsonl {l:?}: {e}")))
        .collect();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    (findings, stderr, output.status.code().unwrap_or(-1))
}

pub(crate) fn types_of(findings: &[Value]) -> Vec<String> {
    let mut types: Vec<String> = findings
        .iter()
        .map(|f| f["type"].as_str().unwrap_or_default().to_owned())
        .collect();
    types.sort();
    types.dedup();
    types
}

pub(crate) fn write(dir: &Path, name: &str, contents: impl AsRef<[u8]>) -> String {
    let path = dir.join(name);
    std::fs::write(&path, contents).expect("write fixture");
    path.display().to_string()
}

pub(crate) fn gzip(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(data).expect("gzip");
    enc.finish().expect("gzip")
}

/// A support-ticket log holding one value of each structured type.
pub(crate) fn ticket_log() -> String {
    format!(
        "2024-03-01T10:00:00Z INFO ticket 4411 opened\n\
         customer wrote: please update my email to {EMAIL} thanks\n\
         card on file {CARD} was declined\n\
         SSN: {SSN}, IBAN {IBAN}, call me on {PHONE}\n\
         nothing personal on this line, order 123456789 shipped\n"
    )
}
