//! `privet scan`.

use std::fs::File;
use std::io::{self, Write};

use anyhow::Context;
use privet_detect::{Detector, DetectorConfig};
use privet_scan::{ScanOptions, plan_sources, sink};

use crate::Status;
use crate::cli::ScanArgs;
use crate::progress::Bar;

/// Plans, runs and reports a scan; returns the exit status it earned.
pub(crate) fn run(args: ScanArgs) -> anyhow::Result<Status> {
    let options = ScanOptions {
        types: args.types.clone(),
        min_confidence: args.min_confidence,
        show_values: args.show_values,
        no_ignore: args.no_ignore,
        input_format: args.input_format,
        sample: if args.full {
            None
        } else {
            Some(args.sample.unwrap_or(privet_scan::DEFAULT_SAMPLE_ROWS))
        },
        tables: args.tables.clone(),
        strict: args.strict,
        threads: args.threads,
    };
    let detector = Detector::new(DetectorConfig {
        types: if options.types.is_empty() {
            privet_types::PiiType::ALL.to_vec()
        } else {
            options.types.clone()
        },
        min_confidence: options.min_confidence,
        region: args.region,
    })
    .context("cannot build the detectors")?;

    let specs = plan_sources(&args.inputs, options.no_ignore);

    let out: Box<dyn Write> = match &args.output {
        Some(path) => Box::new(
            File::create(path).with_context(|| format!("cannot create {}", path.display()))?,
        ),
        None => Box::new(io::stdout().lock()),
    };
    let mut sink = sink::for_format(args.format, out);
    let bar = Bar::new(!args.quiet);
    let mut shown = ProblemPrinter::default();
    let mut report_problem = |p: &privet_scan::Problem| shown.print(p);
    let summary = match privet_scan::run(
        &specs,
        &detector,
        &options,
        sink.as_mut(),
        &bar,
        &mut report_problem,
    ) {
        Ok(summary) => summary,
        // A reader that closed the pipe (`| head`) has what it wanted.
        Err(privet_scan::ScanError::Output(e)) if e.kind() == io::ErrorKind::BrokenPipe => {
            return Ok(Status::Ok);
        }
        Err(err) => return Err(err).context("scan failed"),
    };
    shown.print_hidden_counts();

    let tripped = args.fail_on.as_ref().is_some_and(|gate| {
        privet_types::PiiType::ALL
            .iter()
            .any(|t| summary.count(*t) > 0 && gate.trips(*t))
    });
    Ok(if tripped {
        Status::GateTripped
    } else if summary.failures > 0 {
        Status::Error
    } else {
        Status::Ok
    })
}

/// Problems printed per source before the rest are only counted: a file with
/// a million malformed rows should not bury the terminal.
const PROBLEMS_SHOWN_PER_SOURCE: u64 = 10;

/// Prints input problems to stderr, at most a few per source.
#[derive(Default)]
struct ProblemPrinter {
    per_source: std::collections::BTreeMap<String, u64>,
}

impl ProblemPrinter {
    fn print(&mut self, p: &privet_scan::Problem) {
        let seen = self.per_source.entry(p.source.clone()).or_default();
        *seen += 1;
        if *seen <= PROBLEMS_SHOWN_PER_SOURCE {
            let level = if p.counts_as_failure { "error" } else { "note" };
            eprintln!("privet: {level}: {}", p.message);
        }
    }

    fn print_hidden_counts(&self) {
        for (source, seen) in &self.per_source {
            if let Some(hidden) = seen.checked_sub(PROBLEMS_SHOWN_PER_SOURCE)
                && hidden > 0
            {
                eprintln!("privet: error: {source}: {hidden} more problems not shown");
            }
        }
    }
}
