//! One JSON document: findings, column summaries, problems and totals.

use std::io::{self, Write};

use privet_types::{Finding, PiiType};
use serde_json::{Map, Value, json};

use super::Sink;
use crate::summary::{ColumnReport, Problem, ScanSummary};

/// Problems kept in the document; past this only a count is given, so a file
/// of a million malformed rows cannot blow up the report.
const MAX_PROBLEMS: usize = 1_000;

/// Streams the findings array, then writes the rest at the end.
pub struct JsonSink<'w> {
    out: io::BufWriter<Box<dyn Write + 'w>>,
    wrote_any: bool,
    started: bool,
    columns: Vec<ColumnReport>,
    problems: Vec<Problem>,
    problems_dropped: u64,
}

impl<'w> JsonSink<'w> {
    /// A sink writing to `out`.
    pub fn new(out: Box<dyn Write + 'w>) -> Self {
        JsonSink {
            out: io::BufWriter::with_capacity(64 * 1024, out),
            wrote_any: false,
            started: false,
            columns: Vec::new(),
            problems: Vec::new(),
            problems_dropped: 0,
        }
    }

    fn start(&mut self) -> io::Result<()> {
        if !self.started {
            self.started = true;
            self.out.write_all(b"{\"findings\":[")?;
        }
        Ok(())
    }
}

/// Totals as a JSON object, types by canonical name.
pub(crate) fn summary_value(summary: &ScanSummary) -> Value {
    let by_type: Map<String, Value> = PiiType::ALL
        .iter()
        .filter(|t| summary.count(**t) > 0)
        .map(|t| (t.name().to_owned(), json!(summary.count(*t))))
        .collect();
    json!({
        "sources": summary.sources,
        "bytes": summary.bytes,
        "findings": summary.total_findings(),
        "by_type": by_type,
        "failures": summary.failures,
        "notices": summary.notices,
        "stopped_early": summary.stopped_early,
    })
}

impl Sink for JsonSink<'_> {
    fn finding(&mut self, finding: &Finding) -> io::Result<()> {
        self.start()?;
        if self.wrote_any {
            self.out.write_all(b",")?;
        }
        self.wrote_any = true;
        self.out.write_all(b"\n")?;
        serde_json::to_writer(&mut self.out, finding)?;
        Ok(())
    }

    fn source_done(&mut self, _source: &str, columns: &[ColumnReport]) -> io::Result<()> {
        self.columns.extend_from_slice(columns);
        Ok(())
    }

    fn problem(&mut self, problem: &Problem) -> io::Result<()> {
        if self.problems.len() < MAX_PROBLEMS {
            self.problems.push(problem.clone());
        } else {
            self.problems_dropped += 1;
        }
        Ok(())
    }

    fn finish(&mut self, summary: &ScanSummary) -> io::Result<()> {
        self.start()?;
        self.out.write_all(b"\n],\"columns\":")?;
        serde_json::to_writer(&mut self.out, &self.columns)?;
        self.out.write_all(b",\"problems\":")?;
        serde_json::to_writer(&mut self.out, &self.problems)?;
        if self.problems_dropped > 0 {
            write!(
                self.out,
                ",\"problems_not_listed\":{}",
                self.problems_dropped
            )?;
        }
        self.out.write_all(b",\"summary\":")?;
        serde_json::to_writer(&mut self.out, &summary_value(summary))?;
        self.out.write_all(b"}\n")?;
        self.out.flush()
    }
}
