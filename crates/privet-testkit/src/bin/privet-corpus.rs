//! `privet-corpus`: generate the seeded labeled corpus and score predictions.
//!
//! ```text
//! privet-corpus generate --seed 42 --bytes 100MB --csv-rows 1000000 --out benches/out/corpus
//! privet-corpus eval --labels DIR/labels.jsonl --predicted pred.jsonl [--json]
//! privet-corpus eval --detector [--seed 42 --records 20000 --csv-rows 5000]
//! privet-corpus eval --detector --corpus DIR   # DIR/corpus.txt + DIR/labels.jsonl
//! ```

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand};
use privet_testkit::io::{JsonlWriter, read_records};
use privet_testkit::{CsvCorpus, LabeledText, Report, TextCorpus, evaluate, evaluate_cells};

#[derive(Parser)]
#[command(
    name = "privet-corpus",
    about = "Seeded labeled corpus generator and accuracy evaluation for privet"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Write DIR/corpus.txt, DIR/labels.jsonl, DIR/customers.csv, DIR/customers.labels.jsonl.
    Generate(Generate),
    /// Score predictions (privet scan --format jsonl shape) against labels, or run the detector.
    Eval(Eval),
}

#[derive(Args)]
struct Generate {
    /// Seed: the same seed always gives the same corpus.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Number of text records (tickets, chat lines, log lines).
    #[arg(long, conflicts_with = "bytes")]
    records: Option<usize>,
    /// Size the text corpus instead: stop after the record that reaches this
    /// many bytes (`100MB`, `512KB`, `2MiB`, `1GB` or a plain byte count).
    #[arg(long, value_parser = parse_size)]
    bytes: Option<u64>,
    /// Data rows in the customer CSV.
    #[arg(long, default_value_t = 10_000)]
    csv_rows: u64,
    /// Output directory (created if missing).
    #[arg(long)]
    out: PathBuf,
}

#[derive(Args)]
struct Eval {
    /// Gold labels (labels.jsonl or customers.labels.jsonl).
    #[arg(long, required_unless_present = "detector", requires = "predicted")]
    labels: Option<PathBuf>,
    /// Predictions in the `privet scan --format jsonl` shape.
    #[arg(long)]
    predicted: Option<PathBuf>,
    /// Run privet's detector on a freshly generated corpus instead.
    #[arg(long, conflicts_with_all = ["labels", "predicted"])]
    detector: bool,
    /// With --detector: score it on DIR/corpus.txt against DIR/labels.jsonl
    /// (any corpus in that shape, such as benches/detect-eval's) instead of a
    /// generated one.
    #[arg(long, value_name = "DIR", requires = "detector")]
    corpus: Option<PathBuf>,
    /// Seed of the generated corpus (with --detector).
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Text records of the generated corpus (with --detector).
    #[arg(long, default_value_t = 20_000)]
    records: usize,
    /// CSV rows of the generated table (with --detector).
    #[arg(long, default_value_t = 5_000)]
    csv_rows: usize,
    /// Print a JSON summary instead of the table.
    #[arg(long)]
    json: bool,
    /// Also print up to N missed and N spurious spans per type, with their
    /// line (the corpus is synthetic, so its values may be shown).
    #[arg(long, value_name = "N", default_value_t = 0)]
    examples: usize,
}

/// Parse `100MB`, `5mb`, `512KB`, `2MiB`, `1GB` or a plain byte count (MB = 10^6 bytes).
fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let split = t
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let num: f64 = num
        .parse()
        .map_err(|_| format!("not a size: {s:?} (try 100MB)"))?;
    let mult: f64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "kb" | "k" => 1e3,
        "mb" | "m" => 1e6,
        "gb" | "g" => 1e9,
        "kib" => 1024.0,
        "mib" => 1024.0 * 1024.0,
        "gib" => 1024.0 * 1024.0 * 1024.0,
        other => {
            return Err(format!(
                "unknown size unit {other:?} (use B, KB, MB, GB, KiB, MiB, GiB)"
            ));
        }
    };
    Ok((num * mult) as u64)
}

fn create(path: &Path) -> Result<BufWriter<File>> {
    let file = File::create(path).with_context(|| format!("creating {}", path.display()))?;
    Ok(BufWriter::with_capacity(1 << 20, file))
}

/// Stream the text corpus and its labels to disk in chunks of about 4 MB.
fn write_text(args: &Generate) -> Result<(u64, usize, usize)> {
    const CHUNK: usize = 4 << 20;
    let text_path = args.out.join("corpus.txt");
    let mut text_out = create(&text_path)?;
    let mut labels_out = JsonlWriter::create(&args.out.join("labels.jsonl"))?;
    let mut corpus = TextCorpus::new(args.seed);
    let mut buf = LabeledText::default();
    let (mut bytes, mut records, mut labels) = (0u64, 0usize, 0usize);
    let done = |bytes: u64, records: usize| match (args.records, args.bytes) {
        (Some(n), _) => records >= n,
        (None, Some(b)) => bytes >= b,
        (None, None) => records >= 10_000,
    };
    while !done(bytes + buf.text.len() as u64, records) {
        corpus.append_record(&mut buf);
        records += 1;
        if buf.text.len() >= CHUNK {
            bytes += buf.text.len() as u64;
            labels += buf.labels.len();
            text_out
                .write_all(buf.text.as_bytes())
                .with_context(|| format!("writing {}", text_path.display()))?;
            labels_out.write_all(&buf.labels)?;
            buf = LabeledText::default();
        }
    }
    bytes += buf.text.len() as u64;
    labels += buf.labels.len();
    text_out
        .write_all(buf.text.as_bytes())
        .with_context(|| format!("writing {}", text_path.display()))?;
    text_out
        .flush()
        .with_context(|| format!("writing {}", text_path.display()))?;
    labels_out.write_all(&buf.labels)?;
    labels_out.finish()?;
    Ok((bytes, records, labels))
}

/// Stream the customer table and its cell labels to disk.
fn write_csv(args: &Generate) -> Result<(u64, usize)> {
    let csv_path = args.out.join("customers.csv");
    let mut csv_out = create(&csv_path)?;
    let mut labels_out = JsonlWriter::create(&args.out.join("customers.labels.jsonl"))?;
    let mut corpus = CsvCorpus::new(args.seed);
    let mut csv = CsvCorpus::header();
    let mut labels = Vec::new();
    let (mut bytes, mut count) = (0u64, 0usize);
    for row in 0..args.csv_rows {
        corpus.append_row(&mut csv, &mut labels);
        if csv.len() >= 4 << 20 || row + 1 == args.csv_rows {
            bytes += csv.len() as u64;
            count += labels.len();
            csv_out
                .write_all(csv.as_bytes())
                .with_context(|| format!("writing {}", csv_path.display()))?;
            labels_out.write_all(&labels)?;
            csv.clear();
            labels.clear();
        }
    }
    if !csv.is_empty() {
        bytes += csv.len() as u64;
        csv_out
            .write_all(csv.as_bytes())
            .with_context(|| format!("writing {}", csv_path.display()))?;
    }
    csv_out
        .flush()
        .with_context(|| format!("writing {}", csv_path.display()))?;
    labels_out.finish()?;
    Ok((bytes, count))
}

fn generate(args: &Generate) -> Result<()> {
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;
    let (bytes, records, labels) = write_text(args)?;
    eprintln!(
        "corpus.txt: {bytes} bytes, {records} records, {labels} labels (seed {})",
        args.seed
    );
    let (csv_bytes, cell_labels) = write_csv(args)?;
    eprintln!(
        "customers.csv: {csv_bytes} bytes, {} rows, {cell_labels} cell labels",
        args.csv_rows
    );
    Ok(())
}

fn print_report(title: &str, report: &Report, json: bool) {
    if json {
        println!(
            "{}",
            serde_json::json!({ "input": title, "report": report.to_json() })
        );
    } else {
        println!("{title}\n{report}");
    }
}

/// The detector over a corpus on disk, scored against its labels.
#[cfg(feature = "detector")]
fn eval_detector_on(dir: &Path, args: &Eval) -> Result<()> {
    let corpus = dir.join("corpus.txt");
    let labels = dir.join("labels.jsonl");
    let text = std::fs::read_to_string(&corpus)
        .with_context(|| format!("reading {}", corpus.display()))?;
    let gold = read_records(&labels)?;
    let detector = privet_detect::Detector::new(privet_detect::DetectorConfig::default())?;
    let started = std::time::Instant::now();
    let predicted = privet_testkit::detect_eval::detect_text(&detector, &text);
    eprintln!(
        "detector alone, one thread: {:.1} MB/s",
        text.len() as f64 / 1e6 / started.elapsed().as_secs_f64().max(1e-9)
    );
    print_report(
        &format!("privet detector on {}", corpus.display()),
        &evaluate(&gold.text, &predicted),
        args.json,
    );
    if args.examples > 0 {
        print_examples(
            &text,
            &privet_testkit::errors(&gold.text, &predicted),
            args.examples,
        );
    }
    Ok(())
}

#[cfg(feature = "detector")]
fn eval_detector(args: &Eval) -> Result<()> {
    if let Some(dir) = &args.corpus {
        return eval_detector_on(dir, args);
    }
    let text = privet_testkit::generate_text(args.seed, args.records);
    let table = privet_testkit::generate_csv(args.seed, args.csv_rows);
    let score = privet_testkit::detect_eval::score_detector(&text, &table)?;
    let (text_report, cell_report) = (&score.text, &score.cells);
    // Timing is informative only (a debug build is far slower than release).
    eprintln!(
        "detector alone, one thread: text {:.1} MB/s, CSV {:.1} MB/s",
        text.text.len() as f64 / 1e6 / score.text_seconds.max(1e-9),
        table.csv.len() as f64 / 1e6 / score.cells_seconds.max(1e-9)
    );
    let text_title = format!(
        "privet detector on text (seed {}, {} records, {} bytes)",
        args.seed,
        args.records,
        text.text.len()
    );
    print_report(&text_title, text_report, args.json);
    if args.examples > 0 {
        let detector = privet_detect::Detector::new(privet_detect::DetectorConfig::default())?;
        let predicted = privet_testkit::detect_eval::detect_text(&detector, &text.text);
        print_examples(
            &text.text,
            &privet_testkit::errors(&text.labels, &predicted),
            args.examples,
        );
    }
    let cell_title = format!(
        "privet detector on CSV cells (seed {}, {} rows)",
        args.seed, args.csv_rows
    );
    print_report(&cell_title, cell_report, args.json);
    if args.examples > 0 {
        let detector = privet_detect::Detector::new(privet_detect::DetectorConfig::default())?;
        let predicted = privet_testkit::detect_eval::detect_csv(&detector, &table.csv)?;
        print_cell_errors(&table.labels, &predicted);
    }
    Ok(())
}

/// Print up to `n` missed and `n` spurious spans per type, marked in their line.
fn print_examples(text: &str, errors: &privet_testkit::Errors, n: usize) {
    let lines: Vec<&str> = text.split('\n').collect();
    for (what, list) in [("missed", &errors.missed), ("spurious", &errors.spurious)] {
        for ty in privet_types::PiiType::ALL {
            for l in list.iter().filter(|l| l.ty == ty).take(n) {
                let line = lines.get((l.line - 1) as usize).copied().unwrap_or("");
                let (Some(before), Some(span), Some(after)) = (
                    line.get(..l.start),
                    line.get(l.start..l.end),
                    line.get(l.end..),
                ) else {
                    continue;
                };
                println!("{what} {ty} line {}: {before}[[{span}]]{after}", l.line);
            }
        }
    }
}

/// Count missed and spurious cells per (column, type).
fn print_cell_errors(gold: &[privet_testkit::CellLabel], predicted: &[privet_testkit::CellLabel]) {
    use std::collections::{BTreeMap, HashSet};
    let gold_set: HashSet<_> = gold.iter().collect();
    let pred_set: HashSet<_> = predicted.iter().collect();
    let mut counts: BTreeMap<(&str, &str, privet_types::PiiType), usize> = BTreeMap::new();
    for p in &pred_set {
        if !gold_set.contains(p) {
            *counts
                .entry(("spurious", p.column.as_str(), p.ty))
                .or_default() += 1;
        }
    }
    for g in gold_set.difference(&pred_set) {
        *counts
            .entry(("missed", g.column.as_str(), g.ty))
            .or_default() += 1;
    }
    for ((what, column, ty), n) in counts {
        println!("{what} cells: column {column}, type {ty}: {n}");
    }
}

#[cfg(not(feature = "detector"))]
fn eval_detector(_: &Eval) -> Result<()> {
    bail!("this build has no detector; rebuild privet-testkit with the `detector` feature")
}

fn eval(args: &Eval) -> Result<()> {
    if args.detector {
        return eval_detector(args);
    }
    let (Some(labels), Some(predicted)) = (&args.labels, &args.predicted) else {
        bail!("give --labels and --predicted, or --detector");
    };
    let gold = read_records(labels)?;
    let pred = read_records(predicted)?;
    if pred.unknown_types > 0 {
        eprintln!(
            "note: {} predictions have a type outside the canonical names and are not scored",
            pred.unknown_types
        );
    }
    if !gold.text.is_empty() || gold.cells.is_empty() {
        if !pred.cells.is_empty() {
            eprintln!(
                "note: {} cell predictions ignored against text labels",
                pred.cells.len()
            );
        }
        print_report(
            &format!("{} vs {}", predicted.display(), labels.display()),
            &evaluate(&gold.text, &pred.text),
            args.json,
        );
        if args.examples > 0 {
            let corpus = labels.with_file_name("corpus.txt");
            let text = std::fs::read_to_string(&corpus)
                .with_context(|| format!("reading {} for --examples", corpus.display()))?;
            print_examples(
                &text,
                &privet_testkit::errors(&gold.text, &pred.text),
                args.examples,
            );
        }
    }
    if !gold.cells.is_empty() {
        print_report(
            &format!("{} vs {} (cells)", predicted.display(), labels.display()),
            &evaluate_cells(&gold.cells, &pred.cells),
            args.json,
        );
        if args.examples > 0 {
            print_cell_errors(&gold.cells, &pred.cells);
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Generate(args) => generate(args),
        Command::Eval(args) => eval(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("privet-corpus: {e:#}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse_size;

    #[test]
    fn sizes_parse() {
        assert_eq!(parse_size("100MB"), Ok(100_000_000));
        assert_eq!(parse_size("5mb"), Ok(5_000_000));
        assert_eq!(parse_size("2MiB"), Ok(2 * 1024 * 1024));
        assert_eq!(parse_size("1.5GB"), Ok(1_500_000_000));
        assert_eq!(parse_size("123"), Ok(123));
        assert!(parse_size("12 parsecs").is_err());
        assert!(parse_size("MB").is_err());
    }
}
