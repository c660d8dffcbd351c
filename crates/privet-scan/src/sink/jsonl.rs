//! One JSON object per finding per line.

use std::io::{self, Write};

use privet_types::Finding;

use super::Sink;
use crate::summary::{ColumnReport, Problem, ScanSummary};

/// Writes each finding as one line of JSON; problems go to stderr only.
pub struct JsonlSink<'w> {
    out: io::BufWriter<Box<dyn Write + 'w>>,
}

impl<'w> JsonlSink<'w> {
    /// A sink writing to `out`.
    pub fn new(out: Box<dyn Write + 'w>) -> Self {
        JsonlSink {
            out: io::BufWriter::with_capacity(64 * 1024, out),
        }
    }
}

impl Sink for JsonlSink<'_> {
    fn finding(&mut self, finding: &Finding) -> io::Result<()> {
        serde_json::to_writer(&mut self.out, finding)?;
        self.out.write_all(b"\n")
    }

    fn source_done(&mut self, _source: &str, _columns: &[ColumnReport]) -> io::Result<()> {
        Ok(())
    }

    fn problem(&mut self, _problem: &Problem) -> io::Result<()> {
        Ok(())
    }

    fn finish(&mut self, _summary: &ScanSummary) -> io::Result<()> {
        self.out.flush()
    }
}
