//! `privet-bare-regex FILE...`: the ceiling for a regex-only pass.
//!
//! One regex-automata meta alternation of the structured candidate patterns
//! (e-mail, card, SSN, phone, IBAN, IPv4, IPv6, URL) with ASCII word
//! boundaries, `find_iter` over the whole buffer, no validation. Prints one
//! JSON line per file: bytes, seconds of the fastest of `--repeat` passes (the
//! read is not timed), MB/s (MB = 10^6 bytes) and the number of matches.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result};
use clap::Parser;
use regex_automata::meta::Regex;
use regex_automata::util::syntax;

/// The candidate patterns. Unicode is off in the syntax config, so `\b` and
/// `\d` are the ASCII forms (1.2-3x faster than Unicode word boundaries).
const PATTERNS: &[&str] = &[
    // e-mail
    r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b",
    // card: 13-19 digits with optional single spaces or dashes
    r"\b\d(?:[ -]?\d){12,18}\b",
    // SSN
    r"\b\d{3}-\d{2}-\d{4}\b",
    // phone: optional +CC, optional (area), a group of 2-5 digits, then one
    // of 3-4 (so ISO dates are not candidates), or French-style pairs
    r"(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,4}\)[ .-]?)?\b(?:\d{2,5}[ ./-]\d{3,4}(?:[ .-]\d{2,4}){0,2}|\d{2}(?:[ .]\d{2}){4})\b",
    // IBAN, compact or grouped by four
    r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b",
    // IPv4
    r"\b(?:\d{1,3}\.){3}\d{1,3}\b",
    // IPv6: eight groups, or groups around one "::" (clock times are not candidates)
    r"\b(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}\b|\b[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){0,6}::(?:[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){0,6}\b)?",
    // URL
    r"\b(?:https?://|www\.)[^\s<>\x22']+",
];

#[derive(Parser)]
#[command(
    name = "privet-bare-regex",
    about = "One multi-pattern regex pass over files: the speed ceiling for regex-only scanning"
)]
struct Cli {
    /// Files to scan.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Passes over each file; the fastest is reported (short runs are noisy).
    #[arg(long, default_value_t = 3)]
    repeat: u32,
}

fn build() -> Result<Regex> {
    Regex::builder()
        .syntax(syntax::Config::new().unicode(false).utf8(false))
        .build_many(PATTERNS)
        .context("compiling the candidate patterns")
}

fn run(cli: &Cli) -> Result<()> {
    let regex = build()?;
    for path in &cli.files {
        let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        let mut seconds = f64::INFINITY;
        let mut per_pattern = vec![0u64; PATTERNS.len()];
        for _ in 0..cli.repeat.max(1) {
            per_pattern.fill(0);
            let started = Instant::now();
            for m in regex.find_iter(&bytes) {
                per_pattern[m.pattern().as_usize()] += 1;
            }
            seconds = seconds.min(started.elapsed().as_secs_f64());
        }
        let matches: u64 = per_pattern.iter().sum();
        let mbps = bytes.len() as f64 / 1e6 / seconds.max(1e-9);
        println!(
            "{}",
            serde_json::json!({
                "tool": "bare-regex",
                "path": path.display().to_string(),
                "bytes": bytes.len(),
                "seconds": seconds,
                "mb_per_s": mbps,
                "matches": matches,
                "per_pattern": per_pattern,
            })
        );
    }
    Ok(())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("privet-bare-regex: {e:#}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::build;

    #[test]
    fn patterns_compile_and_find_each_kind() {
        let regex = build().expect("compiles");
        let hay = b"mail a.b@example.com card 4111 1111 1111 1111 ssn 123-45-6789 \
            tel +1 415 555 0134 iban DE89 3704 0044 0532 0130 00 ip 10.0.0.1 \
            v6 2001:db8::1 url https://example.com/x";
        let mut seen = vec![false; super::PATTERNS.len()];
        for m in regex.find_iter(&hay[..]) {
            seen[m.pattern().as_usize()] = true;
        }
        assert!(seen.iter().all(|s| *s), "{seen:?}");
        // Clock times and ISO dates are not phone or IPv6 candidates.
        assert_eq!(
            regex.find_iter(&b"at 10:44:38 on 2023-03-23"[..]).count(),
            0
        );
    }
}
