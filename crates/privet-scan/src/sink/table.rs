//! The readable terminal report.
//!
//! One block per source: one row per type found (count, highest confidence,
//! two masked examples) and, for tables and structured files, one row per
//! column that holds or claims personal data. Blocks are printed at the end,
//! sorted by source name, so the report is the same whatever order parallel
//! readers finish in; a block is a few lines, so holding them costs little.
//! A summary line closes the report. Sources with nothing found are only
//! counted.

use std::collections::BTreeMap;
use std::io::{self, Write};

use privet_detect::Verdict;
use privet_types::{Finding, PiiType, text_table};

use super::Sink;
use crate::summary::{ColumnReport, Problem, ScanSummary};

#[derive(Default)]
struct TypeTotal {
    count: u64,
    max_confidence: f32,
    examples: Vec<String>,
}

/// Aggregates findings per source and prints a table per source.
pub struct TableSink<'w> {
    out: Box<dyn Write + 'w>,
    current: BTreeMap<String, BTreeMap<PiiType, TypeTotal>>,
    blocks: BTreeMap<String, String>,
}

impl<'w> TableSink<'w> {
    /// A sink writing to `out`.
    pub fn new(out: Box<dyn Write + 'w>) -> Self {
        TableSink {
            out,
            current: BTreeMap::new(),
            blocks: BTreeMap::new(),
        }
    }
}

fn verdict_text(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Column => "column",
        Verdict::Scattered => "some values",
        Verdict::NotPersonal => "not personal",
    }
}

fn column_rows(columns: &[ColumnReport]) -> Vec<Vec<String>> {
    let mut rows = vec![
        [
            "COLUMN", "TYPE", "MATCHED", "SHARE", "HEADER", "VERDICT", "EXAMPLES",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for c in columns {
        let s = &c.summary;
        if s.ty.is_none() && s.header_evidence.is_none() {
            continue;
        }
        rows.push(vec![
            c.column.clone(),
            s.ty.map_or("-", PiiType::name).to_owned(),
            format!("{}/{}", s.matched, s.non_empty),
            format!("{:.1}%", s.share * 100.0),
            s.header_evidence.map_or("-", PiiType::name).to_owned(),
            verdict_text(s.verdict).to_owned(),
            c.examples.join(", "),
        ]);
    }
    rows
}

/// Groups digits in threes for readable counts.
pub(crate) fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit + 1 < UNITS.len() {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

impl Sink for TableSink<'_> {
    fn finding(&mut self, finding: &Finding) -> io::Result<()> {
        let total = self
            .current
            .entry(finding.path.clone())
            .or_default()
            .entry(finding.ty)
            .or_default();
        total.count += 1;
        total.max_confidence = total.max_confidence.max(finding.confidence);
        // Raw values only when the scan was asked for them (`--show-values`).
        let shown = finding.value.as_ref().unwrap_or(&finding.masked);
        if total.examples.len() < 2 && !total.examples.contains(shown) {
            total.examples.push(shown.clone());
        }
        Ok(())
    }

    fn source_done(&mut self, source: &str, columns: &[ColumnReport]) -> io::Result<()> {
        let totals = self.current.remove(source).unwrap_or_default();
        let column_rows = column_rows(columns);
        if totals.is_empty() && column_rows.len() <= 1 {
            return Ok(());
        }
        let mut block = format!("{source}\n");
        if !totals.is_empty() {
            let mut rows = vec![
                ["TYPE", "COUNT", "CONFIDENCE", "EXAMPLES"]
                    .map(String::from)
                    .to_vec(),
            ];
            for (ty, t) in &totals {
                rows.push(vec![
                    ty.name().to_owned(),
                    thousands(t.count),
                    format!("{:.2}", t.max_confidence),
                    t.examples.join(", "),
                ]);
            }
            block.push_str(&text_table(&rows, &[1, 2], "  "));
        }
        if column_rows.len() > 1 {
            if !totals.is_empty() {
                block.push('\n');
            }
            block.push_str(&text_table(&column_rows, &[2, 3], "  "));
        }
        self.blocks.insert(source.to_owned(), block);
        Ok(())
    }

    fn problem(&mut self, _problem: &Problem) -> io::Result<()> {
        Ok(())
    }

    fn finish(&mut self, summary: &ScanSummary) -> io::Result<()> {
        for block in self.blocks.values() {
            writeln!(self.out, "{block}")?;
        }
        let by_type: Vec<String> = PiiType::ALL
            .iter()
            .filter(|t| summary.count(**t) > 0)
            .map(|t| format!("{} {}", t.name(), thousands(summary.count(*t))))
            .collect();
        let found = if by_type.is_empty() {
            "no personal data found".to_owned()
        } else {
            let n = summary.total_findings();
            format!(
                "{} finding{} ({})",
                thousands(n),
                if n == 1 { "" } else { "s" },
                by_type.join(", ")
            )
        };
        write!(
            self.out,
            "Scanned {} source{}, {}: {found}",
            thousands(summary.sources),
            if summary.sources == 1 { "" } else { "s" },
            human_bytes(summary.bytes),
        )?;
        if summary.failures > 0 {
            write!(
                self.out,
                "; {} input error{}",
                thousands(summary.failures),
                if summary.failures == 1 { "" } else { "s" }
            )?;
        }
        if summary.stopped_early {
            write!(self.out, "; stopped at the first error (--strict)")?;
        }
        writeln!(self.out)?;
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_thousands() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(human_bytes(512), "512 B");
        assert_eq!(human_bytes(1_500_000), "1.5 MB");
    }
}
