//! CSV and TSV reading through `open_file`.

use crate::common::read_file;
use privet_formats::{InputErrorKind, Position, open_file};

#[test]
fn header_names_columns_and_rows_count_data_rows() {
    let c = read_file("people.csv", b"name,email\nAda,ada@example.com\nBob,\n");
    assert!(c.errors.is_empty());
    assert_eq!(
        c.triples(),
        vec![
            (1, "name".into(), "Ada".into()),
            (1, "email".into(), "ada@example.com".into()),
            (2, "name".into(), "Bob".into()),
        ]
    );
}

#[test]
fn quoted_newlines_and_quotes_stay_in_one_field() {
    let data = b"id,address\n1,\"12 Main St\nApt 4\"\n2,\"say \"\"hi\"\"\"\n";
    let c = read_file("a.csv", data);
    assert!(c.errors.is_empty());
    assert_eq!(c.column("address"), vec!["12 Main St\nApt 4", "say \"hi\""]);
    assert_eq!(c.fields.last().map(|f| f.row), Some(2));
}

#[test]
fn bom_does_not_stick_to_the_first_header() {
    let c = read_file("bom.csv", b"\xEF\xBB\xBFemail,id\nx@y.z,1\n");
    assert_eq!(c.column("email"), vec!["x@y.z"]);
}

#[test]
fn tsv_and_sniffed_semicolons() {
    let c = read_file("t.tsv", b"a\tb\n1,5\t2\n");
    assert_eq!(c.column("a"), vec!["1,5"]);
    let c = read_file("s.csv", b"a;b\n1,5;2\n3;4\n");
    assert_eq!(c.column("a"), vec!["1,5", "3"]);
}

#[test]
fn wrong_field_count_is_reported_and_reading_goes_on() {
    let c = read_file("bad.csv", b"a,b\n1,2\n3\n4,5,6\n7,8\n");
    assert_eq!(c.errors.len(), 2);
    for (e, row) in c.errors.iter().zip([2, 3]) {
        assert!(!e.is_fatal());
        assert_eq!(e.position, Position::Row(row));
        assert!(matches!(e.kind, InputErrorKind::MalformedCsv(_)));
    }
    assert!(
        c.errors[0]
            .to_string()
            .ends_with("bad.csv: row 2: expected 2 fields, found 1")
    );
    assert_eq!(c.column("a"), vec!["1", "3", "4", "7"]);
    // The extra field of row 3 is still scanned.
    assert_eq!(c.column("column_3"), vec!["6"]);
}

#[test]
fn invalid_utf8_row_is_reported_once_and_kept_lossily() {
    let c = read_file("l1.csv", b"name\nJos\xe9\nRen\xe9\nok\n");
    assert_eq!(c.errors.len(), 1);
    assert_eq!(c.errors[0].position, Position::Row(1));
    assert!(matches!(c.errors[0].kind, InputErrorKind::InvalidUtf8));
    assert!(!c.errors[0].to_string().contains("Jos"));
    assert_eq!(c.column("name").len(), 3);
}

#[test]
fn error_messages_never_carry_cell_contents() {
    let c = read_file("p.csv", b"ssn\n123-45-6789,extra\n");
    assert_eq!(c.errors.len(), 1);
    assert!(!c.errors[0].to_string().contains("123-45"));
}

#[test]
fn unclosed_quote_does_not_panic_and_keeps_data() {
    let c = read_file("q.csv", b"a,b\n1,\"open\n2,3\n");
    assert!(c.errors.iter().all(|e| !e.is_fatal()));
    assert_eq!(c.column("b"), vec!["open\n2,3\n"]);
}

#[test]
fn columns_are_the_header_in_order() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = crate::common::write(dir.path(), "c.csv", b"zeta,alpha,\n1,2,3\n");
    let mut src = open_file(&path, None).expect("opens");
    assert!(src.next_batch().is_some());
    let cols: Vec<String> = src.columns().iter().map(|c| c.to_string()).collect();
    assert_eq!(cols, vec!["zeta", "alpha", "column_3"]);
}

#[test]
fn many_rows_come_in_bounded_batches() {
    let mut data = b"n\n".to_vec();
    for i in 0..10_000 {
        data.extend_from_slice(format!("{i}\n").as_bytes());
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let path = crate::common::write(dir.path(), "n.csv", &data);
    let mut src = open_file(&path, None).expect("opens");
    let mut batches = 0;
    let mut expected_row = 1;
    while let Some(item) = src.next_batch() {
        let Ok(privet_formats::Batch::Fields(f)) = item else {
            panic!("fields expected");
        };
        assert!(f.len() <= 4096);
        for v in f {
            assert_eq!(v.row, expected_row);
            assert_eq!(v.value, (expected_row - 1).to_string());
            expected_row += 1;
        }
        batches += 1;
    }
    assert_eq!(batches, 3);
    assert_eq!(expected_row, 10_001);
}

#[test]
fn empty_and_header_only_files_give_nothing() {
    assert!(read_file("e.csv", b"").fields.is_empty());
    let c = read_file("h.csv", b"a,b\n");
    assert!(c.fields.is_empty() && c.errors.is_empty());
}

#[test]
fn an_unclosed_quote_is_an_error_at_its_line_and_the_data_is_still_read() {
    let data = b"id,email,note\n1,ada@example.com,\"unclosed note\n2,bob@example.com,fine\n";
    let c = read_file("bad.csv", data);
    assert_eq!(c.errors.len(), 1, "{:?}", c.errors);
    let e = &c.errors[0];
    assert_eq!(e.position, Position::Line(2), "{e}");
    assert!(matches!(e.kind, InputErrorKind::MalformedCsv(_)), "{e}");
    assert!(!e.to_string().contains("ada@"), "{e}");
    assert_eq!(c.column("email"), vec!["ada@example.com"]);
    // A quote inside an unquoted field is no opening quote.
    let c = read_file("ok.csv", b"item,size\ntv,55\" screen\n");
    assert!(c.errors.is_empty(), "{:?}", c.errors);
}
