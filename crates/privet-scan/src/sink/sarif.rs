//! SARIF 2.1.0, the format code-scanning tools import.
//!
//! One run, one rule per data type, one result per finding. Text findings
//! carry a region (1-based line; columns are 1-based byte columns, which equal
//! character columns on ASCII lines). Cell findings have no line in the
//! source file to point at, so they carry the row and column as a logical
//! location and as properties.

use std::io::{self, Write};

use privet_types::{Finding, Location, PiiType};
use serde_json::{Value, json};

use super::Sink;
use crate::summary::{ColumnReport, Problem, ScanSummary};

/// Writes a SARIF log, streaming the results array.
pub struct SarifSink<'w> {
    out: io::BufWriter<Box<dyn Write + 'w>>,
    started: bool,
    wrote_any: bool,
    notifications: Vec<Value>,
}

impl<'w> SarifSink<'w> {
    /// A sink writing to `out`.
    pub fn new(out: Box<dyn Write + 'w>) -> Self {
        SarifSink {
            out: io::BufWriter::with_capacity(64 * 1024, out),
            started: false,
            wrote_any: false,
            notifications: Vec::new(),
        }
    }

    fn start(&mut self) -> io::Result<()> {
        if self.started {
            return Ok(());
        }
        self.started = true;
        let rules: Vec<Value> = PiiType::ALL
            .iter()
            .map(|t| {
                json!({
                    "id": t.name(),
                    "name": t.label(),
                    "shortDescription": { "text": rule_description(*t) },
                    "defaultConfiguration": { "level": level(*t) },
                })
            })
            .collect();
        let driver = json!({
            "name": "privet",
            "version": env!("CARGO_PKG_VERSION"),
            "rules": rules,
        });
        write!(
            self.out,
            "{{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\",\"version\":\"2.1.0\",\"runs\":[{{\"tool\":{{\"driver\":{driver}}},\"columnKind\":\"unicodeCodePoints\",\"results\":["
        )
    }
}

fn rule_description(ty: PiiType) -> &'static str {
    ty.description()
}

fn level(ty: PiiType) -> &'static str {
    match ty {
        PiiType::CardNumber | PiiType::UsSsn | PiiType::Iban | PiiType::Secret => "error",
        _ => "warning",
    }
}

/// Percent-encodes what a URI reference may not hold, keeping `/` and the
/// characters of database source names readable.
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.replace('\\', "/").bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/:#@+=,".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The file line of a cell's row where the format has lines: a delimited file's data row N is
/// on line N + 1, under its header (a cell holding a line break would shift it; exports rarely
/// have them); an NDJSON record N is line N. JSON documents, Parquet and tables have none.
fn file_line(path: &str, row: u64) -> Option<u64> {
    let lower = path.to_ascii_lowercase();
    let lower = lower.strip_suffix(".gz").unwrap_or(&lower);
    if [".csv", ".tsv"].iter().any(|ext| lower.ends_with(ext)) {
        Some(row + 1)
    } else if [".ndjson", ".jsonl"].iter().any(|ext| lower.ends_with(ext)) {
        Some(row)
    } else {
        None
    }
}

fn result(finding: &Finding) -> Value {
    let mut location = json!({
        "physicalLocation": { "artifactLocation": { "uri": uri(&finding.path) } }
    });
    let mut properties =
        json!({ "confidence": privet_types::rounded_confidence(finding.confidence) });
    match &finding.location {
        Location::Text { line, start, end } => {
            location["physicalLocation"]["region"] = json!({
                "startLine": line,
                "startColumn": start + 1,
                "endColumn": end + 1,
            });
        }
        Location::Cell { row, column, .. } => {
            if let Some(line) = file_line(&finding.path, *row) {
                location["physicalLocation"]["region"] = json!({ "startLine": line });
            }
            location["logicalLocations"] = json!([{
                "name": column,
                "fullyQualifiedName": format!("row {row}, {column}"),
                "kind": "member",
            }]);
            properties["row"] = json!(row);
            properties["column"] = json!(column);
        }
    }
    json!({
        "ruleId": finding.ty.name(),
        "ruleIndex": finding.ty.index(),
        "level": level(finding.ty),
        "message": { "text": format!("{} found: {}", rule_description(finding.ty), finding.masked) },
        "locations": [location],
        "properties": properties,
    })
}

impl Sink for SarifSink<'_> {
    fn finding(&mut self, finding: &Finding) -> io::Result<()> {
        self.start()?;
        if self.wrote_any {
            self.out.write_all(b",")?;
        }
        self.wrote_any = true;
        self.out.write_all(b"\n")?;
        serde_json::to_writer(&mut self.out, &result(finding))?;
        Ok(())
    }

    fn source_done(&mut self, _source: &str, _columns: &[ColumnReport]) -> io::Result<()> {
        Ok(())
    }

    fn problem(&mut self, problem: &Problem) -> io::Result<()> {
        // Bounded for the same reason as the JSON sink's problem list.
        if self.notifications.len() < 1_000 {
            self.notifications.push(json!({
                "level": if problem.counts_as_failure { "error" } else { "note" },
                "message": { "text": problem.message },
            }));
        }
        Ok(())
    }

    fn finish(&mut self, summary: &ScanSummary) -> io::Result<()> {
        self.start()?;
        let invocation = json!({
            "executionSuccessful": summary.failures == 0,
            "toolExecutionNotifications": self.notifications,
        });
        write!(self.out, "\n],\"invocations\":[{invocation}]}}]}}\n")?;
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_escape_spaces_and_keep_separators() {
        assert_eq!(uri("logs/app 1.log"), "logs/app%201.log");
        assert_eq!(
            uri("sqlite://shop.db#customers"),
            "sqlite://shop.db#customers"
        );
        assert_eq!(uri(r"C:\data\x.csv"), "C:/data/x.csv");
    }
}
