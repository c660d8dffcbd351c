//! JSON documents and NDJSON. Values are parsed into a tree that keeps key order, walked with
//! their field paths (`customer.email`, `items[].email`; a top-level array's elements are rows,
//! so their fields have no prefix), and written back in the same shape.

use std::fmt;
use std::io::{BufRead, Read, Write};

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::Number;

use super::{Ctx, read_line};
use crate::cell::{CellOut, RedactError};
use crate::engine::Row;
use crate::output::Sink;

/// Largest JSON document read whole; bigger data belongs in NDJSON.
const DOCUMENT_CAP: u64 = 512 << 20;
/// The path of a row that is itself a scalar, as `privet scan` names it.
const ROOT_PATH: &str = "$";

/// A JSON value that keeps its object keys in document order.
#[derive(Debug, Clone, PartialEq)]
enum J {
    Null,
    Bool(bool),
    Num(Number),
    Str(String),
    Arr(Vec<J>),
    Obj(Vec<(String, J)>),
}

impl<'de> Deserialize<'de> for J {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<J, D::Error> {
        d.deserialize_any(JVisitor)
    }
}

struct JVisitor;

impl<'de> Visitor<'de> for JVisitor {
    type Value = J;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E>(self) -> Result<J, E> {
        Ok(J::Null)
    }
    fn visit_bool<E>(self, v: bool) -> Result<J, E> {
        Ok(J::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<J, E> {
        Ok(J::Num(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<J, E> {
        Ok(J::Num(v.into()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<J, E> {
        Number::from_f64(v)
            .map(J::Num)
            .ok_or_else(|| E::custom("number out of range"))
    }
    fn visit_str<E>(self, v: &str) -> Result<J, E> {
        Ok(J::Str(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<J, E> {
        Ok(J::Str(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<J, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(J::Arr(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<J, A::Error> {
        let mut entries = Vec::new();
        while let Some((k, v)) = map.next_entry::<String, J>()? {
            entries.push((k, v));
        }
        Ok(J::Obj(entries))
    }
}

impl Serialize for J {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            J::Null => s.serialize_unit(),
            J::Bool(b) => s.serialize_bool(*b),
            J::Num(n) => n.serialize(s),
            J::Str(v) => s.serialize_str(v),
            J::Arr(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            J::Obj(entries) => {
                let mut map = s.serialize_map(Some(entries.len()))?;
                for (k, v) in entries {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

impl Row for J {
    fn get(&self, column: &str) -> Option<&str> {
        let mut at = self;
        for key in column.split('.') {
            let J::Obj(entries) = at else { return None };
            at = &entries.iter().find(|(k, _)| k == key)?.1;
        }
        match at {
            J::Str(s) => Some(s),
            _ => None,
        }
    }
}

/// Walks one row, redacting every string and number in place.
struct Walk<'a> {
    ctx: &'a Ctx<'a>,
    row: &'a J,
    changed: u64,
}

impl Walk<'_> {
    fn value(&mut self, value: &mut J, path: &mut String) -> Result<(), RedactError> {
        match value {
            J::Obj(entries) => {
                let len = path.len();
                let mut error = None;
                entries.retain_mut(|(key, child)| {
                    if error.is_some() {
                        return true;
                    }
                    if len > 0 {
                        path.push('.');
                    }
                    path.push_str(key);
                    let keep = !crate::cell::CellRedactor::drops(self.ctx.engine, path);
                    if keep && let Err(e) = self.value(child, path) {
                        error = Some(e);
                    }
                    path.truncate(len);
                    keep
                });
                error.map_or(Ok(()), Err)
            }
            J::Arr(items) => {
                let len = path.len();
                path.push_str("[]");
                for item in items {
                    self.value(item, path)?;
                }
                path.truncate(len);
                Ok(())
            }
            J::Str(s) => {
                let out = self.cell(path, s)?;
                if let Some(new) = out {
                    *value = new.map_or(J::Null, J::Str);
                }
                Ok(())
            }
            J::Num(n) => {
                let text = n.to_string();
                if let Some(new) = self.cell(path, &text)? {
                    *value = match new {
                        None => J::Null,
                        Some(s) => match serde_json::from_str::<Number>(&s) {
                            Ok(n) => J::Num(n),
                            Err(_) => J::Str(s),
                        },
                    };
                }
                Ok(())
            }
            J::Null | J::Bool(_) => Ok(()),
        }
    }

    /// `None` when unchanged, `Some(None)` for null.
    fn cell(&mut self, path: &str, value: &str) -> Result<Option<Option<String>>, RedactError> {
        let column = if path.is_empty() { ROOT_PATH } else { path };
        let out = self.ctx.engine.cell_in_row(column, value, Some(self.row))?;
        Ok(match out {
            CellOut::Keep => None,
            CellOut::Replace(s) => {
                self.changed += 1;
                Some(Some(s))
            }
            CellOut::Null => {
                self.changed += 1;
                Some(None)
            }
        })
    }
}

/// Redacts one row value; returns the cells changed.
fn redact_row(value: &mut J, ctx: &Ctx<'_>) -> Result<u64, RedactError> {
    // Operators that read other columns see the input row, not one half redacted.
    let original = value.clone();
    let mut walk = Walk {
        ctx,
        row: &original,
        changed: 0,
    };
    walk.value(value, &mut String::new())?;
    Ok(walk.changed)
}

fn syntax(ctx: &Ctx<'_>, position: &str, e: &serde_json::Error) -> RedactError {
    // serde_json's syntax messages name the position and what was expected, not the data.
    ctx.at(position, RedactError::Io(format!("invalid JSON: {e}")))
}

pub(super) fn redact_document(
    reader: impl BufRead,
    out: &mut Sink,
    ctx: &Ctx<'_>,
) -> Result<(u64, u64), RedactError> {
    let mut text = Vec::new();
    reader
        .take(DOCUMENT_CAP + 1)
        .read_to_end(&mut text)
        .map_err(|e| ctx.read_error("document", &e))?;
    if text.len() as u64 > DOCUMENT_CAP {
        return Err(ctx.at(
            "document",
            RedactError::Io(format!(
                "JSON document larger than {} MiB; convert it to NDJSON (one value per line)",
                DOCUMENT_CAP >> 20
            )),
        ));
    }
    let bom = text.starts_with(b"\xEF\xBB\xBF");
    let body = if bom { &text[3..] } else { &text[..] };
    let mut doc: J = serde_json::from_slice(body).map_err(|e| syntax(ctx, "document", &e))?;
    let (mut rows, mut changed) = (0u64, 0u64);
    match &mut doc {
        J::Arr(items) => {
            for item in items.iter_mut() {
                rows += 1;
                changed += redact_row(item, ctx).map_err(|e| ctx.at(&format!("row {rows}"), e))?;
            }
        }
        other => {
            rows = 1;
            changed = redact_row(other, ctx).map_err(|e| ctx.at("row 1", e))?;
        }
    }
    let trimmed = body.trim_ascii_end();
    let pretty = trimmed.contains(&b'\n');
    let mut write = || -> Result<(), Box<dyn std::error::Error>> {
        if bom {
            out.write_all(b"\xEF\xBB\xBF")?;
        }
        if pretty {
            serde_json::to_writer_pretty(&mut *out, &doc)?;
        } else {
            serde_json::to_writer(&mut *out, &doc)?;
        }
        out.write_all(&body[trimmed.len()..])?;
        Ok(())
    };
    write().map_err(|e| ctx.write_error(&e))?;
    Ok((rows, changed))
}

pub(super) fn redact_lines(
    mut reader: impl BufRead,
    out: &mut Sink,
    ctx: &Ctx<'_>,
) -> Result<(u64, u64), RedactError> {
    let (mut lines, mut changed) = (0u64, 0u64);
    let mut buf = Vec::new();
    let mut encoded = Vec::new();
    while read_line(&mut reader, &mut buf, ctx, lines + 1)? {
        lines += 1;
        let content = buf.trim_ascii_end();
        let ending = &buf[content.len()..];
        let content = if lines == 1 {
            content.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(content)
        } else {
            content
        };
        if content.trim_ascii().is_empty() {
            out.write_all(&buf).map_err(|e| ctx.write_error(&e))?;
            continue;
        }
        let position = format!("line {lines}");
        let mut value: J =
            serde_json::from_slice(content).map_err(|e| syntax(ctx, &position, &e))?;
        changed += redact_row(&mut value, ctx).map_err(|e| ctx.at(&position, e))?;
        encoded.clear();
        if lines == 1 && buf.starts_with(b"\xEF\xBB\xBF") {
            encoded.extend_from_slice(b"\xEF\xBB\xBF");
        }
        serde_json::to_writer(&mut encoded, &value).map_err(|e| ctx.write_error(&e))?;
        encoded.extend_from_slice(ending);
        out.write_all(&encoded).map_err(|e| ctx.write_error(&e))?;
    }
    Ok((lines, changed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_order_and_duplicates_survive() {
        let text = r#"{"z":1,"a":[true,null,"x",1.5],"m":{"b":2,"a":3},"z":-4}"#;
        let v: J = serde_json::from_str(text).unwrap();
        assert_eq!(serde_json::to_string(&v).unwrap(), text);
        assert_eq!(Row::get(&v, "a"), None);
        let v: J = serde_json::from_str(r#"{"p":{"id":"s1"}}"#).unwrap();
        assert_eq!(Row::get(&v, "p.id"), Some("s1"));
    }
}
