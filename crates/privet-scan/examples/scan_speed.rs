//! Scan throughput, for `benches/speed/run.sh`: scans the inputs with the
//! default detector on `--threads N` workers and prints bytes, seconds, MB/s,
//! the number of findings and a digest of them (locations, types, masked
//! values, in output order), so runs on different thread counts can be
//! checked to report the same findings.
//!
//! `cargo run --release -p privet-scan --example scan_speed -- THREADS PATH...`

use std::fmt::Write as _;
use std::hash::{Hash, Hasher};
use std::io;
use std::time::Instant;

use privet_detect::{Detector, DetectorConfig};
use privet_scan::{ColumnReport, NoProgress, Problem, ScanOptions, ScanSummary, Sink};
use privet_types::Finding;

/// Counts findings and folds them into a digest, in the order received;
/// with `SCAN_SPEED_DUMP` set, also prints each one (masked) to stderr so two
/// runs whose digests differ can be compared.
struct Digest {
    findings: u64,
    hasher: std::collections::hash_map::DefaultHasher,
    dump: bool,
    /// Reused for the `Debug` text that is hashed, so the digest costs no
    /// allocation on the collector thread (it hashes as the `String` did).
    text: String,
}

impl Sink for Digest {
    fn finding(&mut self, f: &Finding) -> io::Result<()> {
        self.findings += 1;
        if self.dump {
            eprintln!("{:?} {:?} {} {}", f.location, f.ty, f.confidence, f.masked);
        }
        f.path.hash(&mut self.hasher);
        for part in [&f.location as &dyn std::fmt::Debug, &f.ty] {
            self.text.clear();
            let _ = write!(self.text, "{part:?}");
            self.text.as_str().hash(&mut self.hasher);
        }
        f.masked.hash(&mut self.hasher);
        f.confidence.to_bits().hash(&mut self.hasher);
        Ok(())
    }
    fn source_done(&mut self, _source: &str, _columns: &[ColumnReport]) -> io::Result<()> {
        Ok(())
    }
    fn problem(&mut self, _problem: &Problem) -> io::Result<()> {
        Ok(())
    }
    fn finish(&mut self, _summary: &ScanSummary) -> io::Result<()> {
        Ok(())
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let threads: usize = args
        .next()
        .ok_or("usage: scan_speed THREADS PATH...")?
        .parse()?;
    let inputs: Vec<String> = args.collect();
    let started = Instant::now();
    let options = ScanOptions {
        threads,
        ..ScanOptions::default()
    };
    // As `privet scan` builds it: every type, the default threshold.
    let detector = Detector::new(DetectorConfig {
        types: privet_types::PiiType::ALL.to_vec(),
        min_confidence: options.min_confidence,
        region: None,
    })?;
    let specs = privet_scan::plan_sources(&inputs, false);
    let mut sink = Digest {
        findings: 0,
        hasher: std::collections::hash_map::DefaultHasher::new(),
        dump: std::env::var_os("SCAN_SPEED_DUMP").is_some(),
        text: String::new(),
    };
    let summary = privet_scan::run(
        &specs,
        &detector,
        &options,
        &mut sink,
        &NoProgress,
        &mut |_| {},
    )?;
    let secs = started.elapsed().as_secs_f64();
    let bytes = summary.bytes;
    println!(
        "threads={threads} bytes={bytes} secs={secs:.3} mb_s={:.2} findings={} digest={:016x}",
        bytes as f64 / 1e6 / secs,
        sink.findings,
        sink.hasher.finish()
    );
    Ok(())
}
