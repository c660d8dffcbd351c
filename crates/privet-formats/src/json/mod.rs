//! JSON documents (streamed element by element) and NDJSON, flattened to
//! field paths.

mod document;
mod ndjson;
mod scan;

pub(crate) use document::JsonSource;
pub(crate) use ndjson::NdjsonSource;

use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};

use crate::batch::{Columns, FieldBatcher};

/// Path of a row that is itself a scalar (`[1, "a@b.c"]`, or an NDJSON line `"x"`).
pub(crate) const ROOT_PATH: &str = "$";

/// Parses one JSON value and adds every non-null, non-empty scalar to
/// `batch` under its field path: keys joined with `.`, array elements
/// grouped under `[]`. Parsing straight into field values (no `Value`
/// tree) keeps this about twice as fast. On a syntax error, values before
/// it have already been added: they are real data and still get scanned.
pub(crate) fn flatten_slice(
    json: &[u8],
    row: u64,
    columns: &mut Columns,
    batch: &mut FieldBatcher,
) -> Result<(), serde_json::Error> {
    let mut de = serde_json::Deserializer::from_slice(json);
    let mut path = String::new();
    Flatten {
        path: &mut path,
        row,
        columns,
        batch,
    }
    .deserialize(&mut de)?;
    de.end()
}

/// A serde visitor that writes scalars out under the path built so far.
struct Flatten<'a> {
    path: &'a mut String,
    row: u64,
    columns: &'a mut Columns,
    batch: &'a mut FieldBatcher,
}

impl Flatten<'_> {
    fn emit(self, text: String) {
        if text.is_empty() {
            return;
        }
        let column = if self.path.is_empty() {
            self.columns.intern(ROOT_PATH)
        } else {
            self.columns.intern(self.path)
        };
        self.batch.push(self.row, column, text);
    }

    fn child(&mut self) -> Flatten<'_> {
        Flatten {
            path: self.path,
            row: self.row,
            columns: self.columns,
            batch: self.batch,
        }
    }
}

impl<'de> DeserializeSeed<'de> for Flatten<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Flatten<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<(), E> {
        self.emit(v.to_string());
        Ok(())
    }

    fn visit_i64<E>(self, v: i64) -> Result<(), E> {
        self.emit(v.to_string());
        Ok(())
    }

    fn visit_u64<E>(self, v: u64) -> Result<(), E> {
        self.emit(v.to_string());
        Ok(())
    }

    fn visit_f64<E>(self, v: f64) -> Result<(), E> {
        // serde_json's own number text (`1e+300`, not 300 zeros).
        if let Some(n) = serde_json::Number::from_f64(v) {
            self.emit(n.to_string());
        }
        Ok(())
    }

    fn visit_str<E>(self, v: &str) -> Result<(), E> {
        self.emit(v.to_string());
        Ok(())
    }

    fn visit_string<E>(self, v: String) -> Result<(), E> {
        self.emit(v);
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_none<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
        let len = self.path.len();
        self.path.push_str("[]");
        while seq.next_element_seed(self.child())?.is_some() {}
        self.path.truncate(len);
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        let len = self.path.len();
        while map.next_key_seed(PathKey(self.path, len))?.is_some() {
            map.next_value_seed(self.child())?;
            self.path.truncate(len);
        }
        Ok(())
    }
}

/// Appends an object key to the path (after a `.` unless at the root).
struct PathKey<'a>(&'a mut String, usize);

impl<'de> DeserializeSeed<'de> for PathKey<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for PathKey<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_str<E>(self, v: &str) -> Result<(), E> {
        self.0.truncate(self.1);
        if self.1 > 0 {
            self.0.push('.');
        }
        self.0.push_str(v);
        Ok(())
    }
}

/// A serde_json error as text, without its position (the caller names the
/// row or line) and without anything from the data.
pub(crate) fn json_error_text(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    match e.classify() {
        Category::Syntax | Category::Eof => {
            let text = e.to_string();
            match text.rfind(" at line ") {
                Some(i) => text[..i].to_string(),
                None => text,
            }
        }
        Category::Data => "invalid value".to_string(),
        Category::Io => "read error".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::Batch;

    fn flat(json: &str) -> Vec<(String, String)> {
        let mut cols = Columns::default();
        let mut b = FieldBatcher::default();
        flatten_slice(json.as_bytes(), 1, &mut cols, &mut b).expect("test JSON");
        match b.take() {
            Some(Batch::Fields(f)) => f
                .into_iter()
                .map(|f| (f.column.to_string(), f.value))
                .collect(),
            _ => Vec::new(),
        }
    }

    #[test]
    fn paths_follow_the_convention() {
        let got = flat(
            r#"{"customer":{"billing":{"email":"a@b.c"},"vip":true,"n":1.5,"x":null,"e":""},
                "items":[{"email":"x@y.z"},{"email":"p@q.r","tags":["a",2]}],
                "m":[[1]]}"#,
        );
        let mut want: Vec<(String, String)> = [
            ("customer.billing.email", "a@b.c"),
            ("customer.vip", "true"),
            ("customer.n", "1.5"),
            ("items[].email", "x@y.z"),
            ("items[].email", "p@q.r"),
            ("items[].tags[]", "a"),
            ("items[].tags[]", "2"),
            ("m[][]", "1"),
        ]
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
        // Key order depends on serde_json's map features; the set is what counts.
        let mut got = got;
        got.sort();
        want.sort();
        assert_eq!(got, want);
    }

    #[test]
    fn numbers_keep_json_text_and_trailing_garbage_fails() {
        assert_eq!(flat("1e300"), vec![("$".to_string(), "1e+300".to_string())]);
        assert_eq!(flat("-7"), vec![("$".to_string(), "-7".to_string())]);
        let mut cols = Columns::default();
        let mut b = FieldBatcher::default();
        assert!(flatten_slice(b"{} x", 1, &mut cols, &mut b).is_err());
    }

    #[test]
    fn root_scalar_is_dollar() {
        assert_eq!(flat(r#""hi""#), vec![("$".to_string(), "hi".to_string())]);
        assert_eq!(flat("[7]"), vec![("[]".to_string(), "7".to_string())]);
    }

    #[test]
    fn error_text_has_no_position_or_data() {
        let e =
            serde_json::from_str::<serde_json::Value>(r#"{"secret": tru}"#).expect_err("bad JSON");
        let t = json_error_text(&e);
        assert!(!t.contains("line"), "{t}");
        assert!(!t.contains("secret"), "{t}");
    }
}
