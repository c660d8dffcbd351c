//! JSON documents (streamed element by element) and NDJSON, flattened to
//! field paths.

mod document;
mod ndjson;
mod scan;

pub(crate) use document::JsonSource;
pub(crate) use ndjson::NdjsonSource;

use serde_json::Value;

use crate::batch::{Columns, FieldBatcher};

/// Path of a row that is itself a scalar (`[1, "a@b.c"]`, or an NDJSON line `"x"`).
pub(crate) const ROOT_PATH: &str = "$";

/// Adds every non-null scalar of `value` to `batch` under its field path:
/// keys joined with `.`, array elements grouped under `[]`.
pub(crate) fn flatten(value: &Value, row: u64, columns: &mut Columns, batch: &mut FieldBatcher) {
    let mut path = String::new();
    walk(value, &mut path, row, columns, batch);
}

fn walk(
    value: &Value,
    path: &mut String,
    row: u64,
    columns: &mut Columns,
    batch: &mut FieldBatcher,
) {
    let text = match value {
        Value::Null => return,
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => {
            if s.is_empty() {
                return;
            }
            s.clone()
        }
        Value::Array(items) => {
            let len = path.len();
            path.push_str("[]");
            for item in items {
                walk(item, path, row, columns, batch);
            }
            path.truncate(len);
            return;
        }
        Value::Object(map) => {
            let len = path.len();
            for (key, item) in map {
                if len > 0 {
                    path.push('.');
                }
                path.push_str(key);
                walk(item, path, row, columns, batch);
                path.truncate(len);
            }
            return;
        }
    };
    let column = if path.is_empty() {
        columns.intern(ROOT_PATH)
    } else {
        columns.intern(path)
    };
    batch.push(row, column, text);
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
        let v: Value = serde_json::from_str(json).expect("test JSON");
        let mut cols = Columns::default();
        let mut b = FieldBatcher::default();
        flatten(&v, 1, &mut cols, &mut b);
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
    fn root_scalar_is_dollar() {
        assert_eq!(flat(r#""hi""#), vec![("$".to_string(), "hi".to_string())]);
        assert_eq!(flat("[7]"), vec![("[]".to_string(), "7".to_string())]);
    }

    #[test]
    fn error_text_has_no_position_or_data() {
        let e = serde_json::from_str::<Value>(r#"{"secret": tru}"#).expect_err("bad JSON");
        let t = json_error_text(&e);
        assert!(!t.contains("line"), "{t}");
        assert!(!t.contains("secret"), "{t}");
    }
}
