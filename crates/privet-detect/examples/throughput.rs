//! Measures detector throughput on a text file, beside a bare regex pass.
//!
//! `cargo run --release -p privet-detect --example throughput -- FILE [ROUNDS] [regex-types]`
//!
//! Prints MB/s for: the bare multi-pattern regex (`find_iter` over the same
//! candidate patterns, no validation), the engine with only the regex-based
//! types, and the full detector (names and addresses included). The file is
//! fed in 1 MiB chunks cut at line ends, as the scan pipeline does.

use std::time::Instant;

use privet_detect::{Detector, DetectorConfig};
use privet_types::PiiType;

fn chunks(data: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut start = 0;
    while start < data.len() {
        let mut end = (start + (1 << 20)).min(data.len());
        while end < data.len() && data[end - 1] != b'\n' {
            end += 1;
        }
        out.push(&data[start..end]);
        start = end;
    }
    out
}

fn measure(label: &str, bytes: usize, rounds: usize, mut run: impl FnMut() -> usize) {
    let t = Instant::now();
    let mut found = run(); // warm-up: lazy DFA caches, phone metadata and memo
    let cold = bytes as f64 / t.elapsed().as_secs_f64() / 1e6;
    let t = Instant::now();
    for _ in 0..rounds {
        found = run();
    }
    let secs = t.elapsed().as_secs_f64();
    let mbs = (bytes * rounds) as f64 / secs / 1e6;
    println!("{label:<28} {mbs:>9.1} MB/s   {found:>9} matches   (first pass {cold:.1} MB/s)");
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args.next().ok_or("usage: throughput FILE [ROUNDS]")?;
    let rounds: usize = args.next().map_or(Ok(3), |r| r.parse())?;
    let data = std::fs::read(&path)?;
    let parts = chunks(&data);
    println!(
        "{} bytes, {} chunks, {rounds} rounds, one thread",
        data.len(),
        parts.len()
    );

    let bare = privet_detect::bare_regex()?;
    measure("bare regex find_iter", data.len(), rounds, || {
        parts.iter().map(|c| bare.find_iter(*c).count()).sum()
    });

    let regex_types: Vec<PiiType> = PiiType::ALL
        .into_iter()
        .filter(|t| !matches!(t, PiiType::PersonName | PiiType::StreetAddress))
        .collect();
    let engine = Detector::new(DetectorConfig {
        types: regex_types,
        ..DetectorConfig::default()
    })?;
    let full = Detector::new(DetectorConfig::default())?;
    let mut runs = vec![("detector, regex types", &engine)];
    if args.next().as_deref() != Some("regex-types") {
        runs.push(("detector, all types", &full));
    }
    let mut out = Vec::new();
    for (label, detector) in runs {
        measure(label, data.len(), rounds, || {
            let mut n = 0;
            for c in &parts {
                out.clear();
                detector.detect(c, &mut out);
                n += out.len();
            }
            n
        });
    }
    Ok(())
}
