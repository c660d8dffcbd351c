//! JSON documents and NDJSON through `open_file`.

use crate::common::read_file;
use privet_formats::{Batch, InputErrorKind, Position, open_file};

#[test]
fn array_rows_are_element_indexes_with_nested_paths() {
    let data = br#"[
        {"customer": {"billing": {"email": "a@b.c"}}, "items": [{"email": "x@y.z"}, {"email": "p@q.r"}]},
        {"customer": {"name": "Ada", "age": 36, "vip": false, "note": null}}
    ]"#;
    let c = read_file("orders.json", data);
    assert!(c.errors.is_empty(), "{:?}", c.errors);
    let mut t = c.triples();
    t.sort();
    assert_eq!(
        t,
        vec![
            (1, "customer.billing.email".into(), "a@b.c".into()),
            (1, "items[].email".into(), "p@q.r".into()),
            (1, "items[].email".into(), "x@y.z".into()),
            (2, "customer.age".into(), "36".into()),
            (2, "customer.name".into(), "Ada".into()),
            (2, "customer.vip".into(), "false".into()),
        ]
    );
}

#[test]
fn single_object_is_row_one() {
    let c = read_file(
        "one.json",
        b"\xEF\xBB\xBF{\"email\": \"a@b.c\", \"tags\": [\"x\", 1]}",
    );
    let mut t = c.triples();
    t.sort();
    assert_eq!(
        t,
        vec![
            (1, "email".into(), "a@b.c".into()),
            (1, "tags[]".into(), "1".into()),
            (1, "tags[]".into(), "x".into()),
        ]
    );
}

#[test]
fn bad_element_is_reported_and_the_array_goes_on() {
    let c = read_file("bad.json", br#"[{"a": 1}, {"a": tru}, {"a": 3}, 7]"#);
    assert_eq!(c.errors.len(), 1);
    assert_eq!(c.errors[0].position, Position::Row(2));
    assert!(!c.errors[0].is_fatal());
    assert!(matches!(c.errors[0].kind, InputErrorKind::MalformedJson(_)));
    assert_eq!(c.column("a"), vec!["1", "3"]);
    assert_eq!(c.column("$"), vec!["7"]);
}

#[test]
fn truncated_array_is_fatal_after_the_good_rows() {
    let c = read_file("cut.json", br#"[{"a": 1}, {"a": 2"#);
    assert_eq!(c.column("a"), vec!["1"]);
    assert_eq!(c.errors.len(), 1);
    assert!(c.errors[0].is_fatal());
    assert_eq!(c.errors[0].position, Position::Row(2));
}

#[test]
fn garbage_between_elements_is_fatal_with_a_byte_offset() {
    let c = read_file("g.json", br#"[{"a": 1} {"a": 2}]"#);
    assert_eq!(c.column("a"), vec!["1"]);
    assert_eq!(c.errors.len(), 1);
    assert!(c.errors[0].is_fatal());
    assert_eq!(c.errors[0].position, Position::Byte(10));
}

#[test]
fn large_array_streams_in_batches_with_exact_rows() {
    let mut data = b"[".to_vec();
    let n = 20_000u64;
    for i in 0..n {
        if i > 0 {
            data.push(b',');
        }
        data.extend_from_slice(format!("{{\"id\": {i}, \"s\": \"v\\\"{i}\"}}\n").as_bytes());
    }
    data.push(b']');
    let dir = tempfile::tempdir().expect("temp dir");
    let path = crate::common::write(dir.path(), "big.json", &data);
    let mut src = open_file(&path, None).expect("opens");
    let mut batches = 0;
    let mut seen = 0u64;
    while let Some(item) = src.next_batch() {
        let Ok(Batch::Fields(f)) = item else {
            panic!("fields expected")
        };
        batches += 1;
        for v in f.iter().filter(|v| &*v.column == "id") {
            assert_eq!(v.value, (v.row - 1).to_string());
            seen += 1;
        }
    }
    assert_eq!(seen, n);
    assert!(batches >= 5);
}

#[test]
fn ndjson_bad_line_names_the_line_and_reading_goes_on() {
    let data = b"{\"email\":\"a@b.c\"}\n\n{oops\n\"just a string\"\n{\"email\":\"d@e.f\"}";
    let c = read_file("events.ndjson", data);
    assert_eq!(c.errors.len(), 1);
    assert_eq!(c.errors[0].position, Position::Line(3));
    assert!(!c.errors[0].is_fatal());
    assert!(c.errors[0].to_string().contains("events.ndjson: line 3: "));
    assert!(!c.errors[0].to_string().contains("oops"));
    assert_eq!(
        c.triples(),
        vec![
            (1, "email".into(), "a@b.c".into()),
            (4, "$".into(), "just a string".into()),
            (5, "email".into(), "d@e.f".into()),
        ]
    );
}

#[test]
fn json_named_file_of_lines_reads_as_ndjson() {
    let c = read_file("x.json", b"{\"a\":1}\n{\"a\":2}\n");
    assert_eq!(
        c.triples(),
        vec![(1, "a".into(), "1".into()), (2, "a".into(), "2".into())]
    );
}

#[test]
fn columns_are_paths_in_first_seen_order() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = crate::common::write(
        dir.path(),
        "c.jsonl",
        b"{\"b\":1}\n{\"a\":{\"c\":2},\"b\":3}\n",
    );
    let mut src = open_file(&path, None).expect("opens");
    while src.next_batch().is_some() {}
    let cols: Vec<String> = src.columns().iter().map(|c| c.to_string()).collect();
    assert_eq!(cols, vec!["b", "a.c"]);
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let mut data = "[".repeat(100_000);
    data.push_str(&"]".repeat(100_000));
    let c = read_file("deep.json", data.as_bytes());
    assert!(c.fields.is_empty());
    assert_eq!(c.errors.len(), 1);
    let c = read_file("deep.ndjson", data.as_bytes());
    assert_eq!(c.errors.len(), 1);
}
