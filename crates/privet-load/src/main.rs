//! `privet-load`: a closed-loop load generator for the privet vault's HTTP API.
//!
//! Each connection is a task that sends requests back to back; latencies of
//! the measured window go into a log-bucket histogram, and one summary per
//! scenario is printed as a table row or a JSON object. Exits 1 when more
//! than 1% of a scenario's requests failed.

mod cards;
mod client;
#[cfg(test)]
mod end_to_end;
mod histogram;
mod report;
mod runner;
mod scenario;

use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::{Parser, ValueEnum};

use crate::client::Target;
use crate::report::Summary;
use crate::runner::LoadShape;
use crate::scenario::{Scenario, SetupOptions, Workload};

/// Closed-loop load against a running `privet serve`.
#[derive(Parser)]
#[command(version, about)]
struct Args {
    /// Base URL of the server.
    #[arg(long, default_value = "http://127.0.0.1:8700")]
    url: String,
    /// API key, sent as `Authorization: Bearer KEY`.
    #[arg(long, env = "PRIVET_API_KEY", hide_env_values = true)]
    key: String,
    /// Which operation to measure; `all` runs each in turn.
    #[arg(long, value_enum, default_value_t = Which::All)]
    scenario: Which,
    /// Concurrent connections, each a closed loop.
    #[arg(long, default_value_t = 64)]
    connections: usize,
    /// Measured window per scenario (`10s`, `500ms`, `2m`).
    #[arg(long, default_value = "10s", value_parser = parse_duration)]
    duration: Duration,
    /// Unmeasured warm-up before the window (`0s` for none).
    #[arg(long, default_value = "2s", value_parser = parse_duration)]
    warmup: Duration,
    /// Subjects stored before the read scenario.
    #[arg(long, default_value_t = 10_000)]
    subjects: u64,
    /// Seed of card numbers and random picks.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Runtime worker threads (the server shares the machine's cores).
    #[arg(long, default_value_t = 1)]
    threads: usize,
    /// Print one JSON object per scenario instead of a table.
    #[arg(long)]
    json: bool,
    /// End the measured window early once this file exists (a benchmark's signal that the work
    /// measured beside the load is done).
    #[arg(long, value_name = "FILE")]
    until_exists: Option<std::path::PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
enum Which {
    Tokenize,
    Detokenize,
    Store,
    Read,
    All,
}

impl Which {
    fn scenarios(self) -> Vec<Scenario> {
        match self {
            Which::Tokenize => vec![Scenario::Tokenize],
            Which::Detokenize => vec![Scenario::Detokenize],
            Which::Store => vec![Scenario::Store],
            Which::Read => vec![Scenario::Read],
            Which::All => Scenario::ALL.to_vec(),
        }
    }
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("privet-load: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// Runs every chosen scenario; `Ok(false)` when one failed too often.
fn run(args: &Args) -> Result<bool> {
    if args.connections == 0 {
        bail!("--connections must be at least 1");
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(args.threads.max(1))
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async {
        let target = Target::new(&args.url, &args.key)?;
        let setup = SetupOptions {
            seed: args.seed,
            subjects: args.subjects,
            concurrency: args.connections,
        };
        let shape = LoadShape {
            connections: args.connections,
            warmup: args.warmup,
            duration: args.duration,
            seed: args.seed,
            until_exists: args.until_exists.clone(),
        };
        if !args.json {
            println!("{}", Summary::header());
        }
        let mut all_passed = true;
        for scenario in args.scenario.scenarios() {
            let workload = Workload::prepare(scenario, &target, &setup).await?;
            let outcome = runner::run(scenario.name(), &target, workload, &shape).await?;
            let summary = Summary::new(scenario.name(), args.connections, &outcome);
            if args.json {
                println!("{}", summary.json());
            } else {
                println!("{}", summary.row());
            }
            if summary.failed() {
                eprintln!(
                    "privet-load: {}: {} of {} requests failed",
                    summary.scenario, summary.errors, summary.requests
                );
                all_passed = false;
            }
        }
        Ok(all_passed)
    })
}

/// Parses `250ms`, `10s`, `2m` or a bare number of seconds.
fn parse_duration(text: &str) -> Result<Duration> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: f64 = number
        .parse()
        .with_context(|| format!("{text:?} is not a duration like 10s, 500ms or 2m"))?;
    let seconds = match unit {
        "ms" => number / 1000.0,
        "" | "s" => number,
        "m" => number * 60.0,
        _ => bail!("unknown unit {unit:?} in {text:?}: use ms, s or m"),
    };
    Duration::try_from_secs_f64(seconds).with_context(|| format!("{text:?} is out of range"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn durations_parse() {
        assert_eq!(parse_duration("10s").unwrap(), Duration::from_secs(10));
        assert_eq!(parse_duration("500ms").unwrap(), Duration::from_millis(500));
        assert_eq!(parse_duration("2m").unwrap(), Duration::from_secs(120));
        assert_eq!(parse_duration("3").unwrap(), Duration::from_secs(3));
        assert_eq!(parse_duration("1.5s").unwrap(), Duration::from_millis(1500));
        assert!(parse_duration("10h").is_err());
        assert!(parse_duration("s").is_err());
    }

    #[test]
    fn cli_parses() {
        let args = Args::try_parse_from([
            "privet-load",
            "--key",
            "k",
            "--scenario",
            "read",
            "--duration",
            "1s",
            "--json",
        ])
        .unwrap();
        assert_eq!(args.scenario.scenarios(), vec![Scenario::Read]);
        assert_eq!(args.connections, 64);
        assert!(args.json);
        Args::command().debug_assert();
    }
}
