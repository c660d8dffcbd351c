//! How identifiable the output still is: k-anonymity over the policy's quasi-identifiers,
//! rows below a target k, l-diversity of the sensitive column, re-identification risk; and
//! suppression of a CSV/TSV output until k holds.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::BufReader;
use std::path::Path;

use flate2::read::MultiGzDecoder;
use privet_deid::kanon::{self, RiskSummary};

use crate::cell::RedactError;
use crate::output::Pending;

/// The identifiability of a table of quasi-identifier rows.
#[derive(Debug, Clone, PartialEq)]
pub struct KReport {
    /// The quasi-identifier columns.
    pub quasi_identifiers: Vec<String>,
    /// The sensitive column, if any.
    pub sensitive: Option<String>,
    /// The target k, if any.
    pub target: Option<usize>,
    /// Rows in classes smaller than the target.
    pub rows_below: usize,
    /// Distinct l-diversity of the sensitive column.
    pub l: Option<usize>,
    /// k (smallest class), classes, and risks.
    pub risk: RiskSummary,
}

impl KReport {
    /// Computes the report over `rows`: quasi-identifiers first (`qi` of them), then the
    /// sensitive value when `sensitive` is named.
    pub fn compute(
        rows: &[Vec<String>],
        quasi_identifiers: &[String],
        sensitive: Option<&str>,
        target: Option<usize>,
    ) -> KReport {
        let qi = quasi_identifiers.len();
        let qi_rows: Vec<Vec<String>> =
            rows.iter().map(|r| r[..qi.min(r.len())].to_vec()).collect();
        let risk = kanon::risk(&qi_rows);
        let l = sensitive.and_then(|_| kanon::l_diversity(rows, qi).ok());
        KReport {
            quasi_identifiers: quasi_identifiers.to_vec(),
            sensitive: sensitive.map(str::to_owned),
            target,
            rows_below: target.map_or(0, |k| kanon::rows_below(&qi_rows, k)),
            l,
            risk,
        }
    }

    /// A readable table for stderr.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let mut line = |name: &str, value: String| {
            let _ = writeln!(out, "  {name:<28} {value}");
        };
        line("quasi-identifiers", self.quasi_identifiers.join(", "));
        line("rows", self.risk.rows.to_string());
        line("equivalence classes", self.risk.classes.to_string());
        line("k (smallest class)", self.risk.k.to_string());
        if let Some(k) = self.target {
            let verdict = if self.risk.k >= k { "met" } else { "NOT met" };
            line("target k", format!("{k} ({verdict})"));
            line("rows below target k", self.rows_below.to_string());
        }
        if let (Some(column), Some(l)) = (&self.sensitive, self.l) {
            line(&format!("l-diversity of {column}"), l.to_string());
        }
        line(
            "max re-identification risk",
            format!("{:.1}%", self.risk.max_risk * 100.0),
        );
        line(
            "average risk",
            format!("{:.1}%", self.risk.average_risk * 100.0),
        );
        line(
            "unique rows",
            format!("{:.1}%", self.risk.unique_share * 100.0),
        );
        format!("re-identification report\n{out}")
    }
}

/// Rewrites the CSV/TSV file at `path` (gzipped or not) so that every class of its
/// quasi-identifier columns has at least `k` rows, replacing their values in the rows of
/// smaller classes with `*`. Returns the rows changed and the quasi-identifier table after.
pub fn suppress_csv(
    path: &Path,
    quasi_identifiers: &[String],
    k: usize,
    tsv: bool,
) -> Result<(usize, Vec<Vec<String>>), RedactError> {
    let fail = |e: &dyn std::fmt::Display| RedactError::Io(format!("{}: {e}", path.display()));
    let (header, records, bom, gzip, delimiter) = read_csv(path, tsv).map_err(|e| fail(&e))?;
    let positions: Vec<usize> = quasi_identifiers
        .iter()
        .map(|q| {
            header.iter().position(|h| h == q).ok_or_else(|| {
                RedactError::Io(format!(
                    "{}: quasi-identifier column {q} is not in the output",
                    path.display()
                ))
            })
        })
        .collect::<Result<_, _>>()?;
    let rows: Vec<Vec<String>> = records
        .iter()
        .map(|r| {
            positions
                .iter()
                .map(|&p| r.get(p).unwrap_or("").to_owned())
                .collect()
        })
        .collect();
    let (suppressed, changed) = kanon::suppress_to_k(&rows, k);
    if changed > 0 {
        let pending = Pending::create(path)?;
        let mut sink = pending.writer(gzip)?;
        if bom {
            std::io::Write::write_all(&mut sink, b"\xEF\xBB\xBF").map_err(|e| fail(&e))?;
        }
        {
            let mut writer = csv::WriterBuilder::new()
                .delimiter(delimiter)
                .flexible(true)
                .from_writer(&mut sink);
            writer.write_record(&header).map_err(|e| fail(&e))?;
            for (record, qi) in records.iter().zip(&suppressed) {
                let mut fields: Vec<&str> = record.iter().collect();
                for (&p, v) in positions.iter().zip(qi) {
                    if let Some(slot) = fields.get_mut(p) {
                        *slot = v;
                    }
                }
                writer.write_record(&fields).map_err(|e| fail(&e))?;
            }
            writer.flush().map_err(|e| fail(&e))?;
        }
        pending.commit(sink)?;
    }
    Ok((changed, suppressed))
}

/// Header, records, whether a BOM led, whether gzipped, and the delimiter.
type Table = (csv::StringRecord, Vec<csv::StringRecord>, bool, bool, u8);

fn read_csv(path: &Path, tsv: bool) -> Result<Table, Box<dyn std::error::Error>> {
    let mut raw = std::fs::read(path)?;
    let gzip = raw.starts_with(&[0x1f, 0x8b]);
    if gzip {
        let mut plain = Vec::new();
        std::io::Read::read_to_end(
            &mut MultiGzDecoder::new(BufReader::new(&raw[..])),
            &mut plain,
        )?;
        raw = plain;
    }
    let bom = raw.starts_with(b"\xEF\xBB\xBF");
    let body = if bom { &raw[3..] } else { &raw[..] };
    let delimiter = if tsv { b'\t' } else { sniff_bytes(body) };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(body);
    let mut records = reader.records();
    let header = records.next().transpose()?.unwrap_or_default();
    let rows = records.collect::<Result<Vec<_>, _>>()?;
    Ok((header, rows, bom, gzip, delimiter))
}

fn sniff_bytes(body: &[u8]) -> u8 {
    let line = body.split(|&b| b == b'\n').next().unwrap_or(body);
    let mut counts: HashMap<u8, usize> = HashMap::new();
    let mut quoted = false;
    for &b in line {
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted && matches!(b, b',' | b';' | b'|') {
            *counts.entry(b).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .max_by_key(|&(b, n)| (n, b == b','))
        .map_or(b',', |(b, _)| b)
}
