//! CSV and TSV: the same delimiter, header (minus dropped columns), line ending, byte-order mark
//! and row count; fields quoted where they need it.

use std::collections::HashMap;
use std::io::{BufRead, Read, Write};

use csv::{QuoteStyle, StringRecord, Terminator};

use super::Ctx;
use crate::cell::{CellOut, CellRedactor, RedactError};
use crate::engine::Row;
use crate::output::Sink;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The header and one record, for operators that read another column of the row.
struct CsvRow<'a> {
    index: &'a HashMap<String, usize>,
    record: &'a StringRecord,
}

impl Row for CsvRow<'_> {
    fn get(&self, column: &str) -> Option<&str> {
        self.record.get(*self.index.get(column)?)
    }
}

/// The delimiter among `, ; |` that the first line holds most of (outside quotes), `,` if none.
fn sniff(head: &[u8]) -> u8 {
    let line = head.split(|&b| b == b'\n').next().unwrap_or(head);
    let mut quoted = false;
    let mut counts = [0usize; 3];
    for &b in line {
        match b {
            b'"' => quoted = !quoted,
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'|' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3).max_by_key(|&i| (counts[i], 3 - i)).unwrap_or(0);
    if counts[best] == 0 {
        b','
    } else {
        [b',', b';', b'|'][best]
    }
}

pub(super) fn redact(
    mut reader: impl BufRead,
    out: &mut Sink,
    ctx: &Ctx<'_>,
    tsv: bool,
) -> Result<(u64, u64), RedactError> {
    let head = reader
        .fill_buf()
        .map_err(|e| ctx.read_error("row 0", &e))?
        .to_vec();
    let bom = head.starts_with(BOM);
    if bom {
        reader.consume(BOM.len());
        out.write_all(BOM).map_err(|e| ctx.write_error(&e))?;
    }
    let delimiter = if tsv { b'\t' } else { sniff(&head) };
    let crlf = head
        .iter()
        .position(|&b| b == b'\n')
        .is_some_and(|i| i > 0 && head[i - 1] == b'\r');
    let mut input = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(privet_formats::QuoteTracker::new(reader, delimiter));
    let mut output = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .quote_style(QuoteStyle::Necessary)
        .terminator(if crlf {
            Terminator::CRLF
        } else {
            Terminator::Any(b'\n')
        })
        .from_writer(out);
    let counts = redact_records(&mut input, &mut output, ctx)?;
    if let Some(line) = input.get_ref().state().unclosed() {
        return Err(ctx.at(
            &format!("line {line}"),
            RedactError::Io(
                "a quoted field opens here and never closes (a truncated file, or a stray quote); nothing was written".into(),
            ),
        ));
    }
    Ok(counts)
}

fn redact_records(
    input: &mut csv::Reader<impl Read>,
    output: &mut csv::Writer<&mut Sink>,
    ctx: &Ctx<'_>,
) -> Result<(u64, u64), RedactError> {
    let engine = ctx.engine;
    let mut record = StringRecord::new();
    let read = |input: &mut csv::Reader<_>, record: &mut StringRecord, row: u64| {
        input
            .read_record(record)
            .map_err(|e| ctx.at(&format!("row {row}"), RedactError::Io(csv_reason(&e))))
    };
    if !read(input, &mut record, 0)? {
        return Ok((0, 0));
    }
    let header: Vec<String> = record.iter().map(str::to_owned).collect();
    let kept: Vec<bool> = header.iter().map(|h| !engine.drops(h)).collect();
    let index: HashMap<String, usize> = header
        .iter()
        .enumerate()
        .map(|(i, h)| (h.clone(), i))
        .collect();
    let write = |output: &mut csv::Writer<&mut Sink>, fields: &[&str]| {
        output.write_record(fields).map_err(|e| ctx.write_error(&e))
    };
    let names: Vec<&str> = header
        .iter()
        .zip(&kept)
        .filter(|(_, k)| **k)
        .map(|(h, _)| h.as_str())
        .collect();
    write(output, &names)?;
    let (mut rows, mut changed) = (0u64, 0u64);
    let mut extra_names: Vec<String> = Vec::new();
    let mut fields: Vec<String> = Vec::new();
    while read(input, &mut record, rows + 1)? {
        rows += 1;
        let row = CsvRow {
            index: &index,
            record: &record,
        };
        fields.clear();
        for (i, value) in record.iter().enumerate() {
            let column = match header.get(i) {
                Some(h) => h.as_str(),
                None => {
                    while extra_names.len() <= i - header.len() {
                        extra_names
                            .push(format!("column_{}", header.len() + extra_names.len() + 1));
                    }
                    extra_names[i - header.len()].as_str()
                }
            };
            if !kept.get(i).copied().unwrap_or(true) {
                continue;
            }
            let out = engine
                .cell_in_row(column, value, Some(&row))
                .map_err(|e| ctx.at(&format!("row {rows}"), e))?;
            fields.push(match out {
                CellOut::Keep => value.to_owned(),
                CellOut::Replace(s) => {
                    changed += 1;
                    s
                }
                CellOut::Null => {
                    changed += 1;
                    String::new()
                }
            });
        }
        let refs: Vec<&str> = fields.iter().map(String::as_str).collect();
        write(output, &refs)?;
    }
    output.flush().map_err(|e| ctx.write_error(&e))?;
    Ok((rows, changed))
}

/// A CSV error without any field content: its kind and position.
fn csv_reason(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Utf8 { pos, .. } => match pos {
            Some(p) => format!("invalid UTF-8 (line {})", p.line()),
            None => "invalid UTF-8".into(),
        },
        csv::ErrorKind::Io(io) => format!("read failed: {io}"),
        _ => "malformed CSV".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimiters_are_sniffed_from_the_first_line() {
        assert_eq!(sniff(b"a,b,c\n1;2"), b',');
        assert_eq!(sniff(b"a;b;c\n"), b';');
        assert_eq!(sniff(b"\"x,y\"|b|c\n"), b'|');
        assert_eq!(sniff(b"abc\n"), b',');
    }
}
