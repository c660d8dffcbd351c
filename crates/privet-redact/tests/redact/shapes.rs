//! Formats keep their shape: only values change.

use std::io::{Read, Write};

use privet_redact::engine::Mode;
use privet_redact::files::redact_file;

use crate::{engine, run};

#[test]
fn text_spans_replaced_rest_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let e = engine("", Mode::Redact);
    let input = "  ünïcode líne, mail ada.lovelace@example.com!\r\nno pii here\n\ncard:4111 1111 1111 1111;SSN 536-22-8145 end";
    let (out, stats) = run(dir.path(), "a.log", input.as_bytes(), &e);
    let out = String::from_utf8(out).unwrap();
    assert_eq!(
        out,
        "  ünïcode líne, mail [EMAIL]!\r\nno pii here\n\ncard:[CARD_NUMBER];SSN [US_SSN] end"
    );
    assert_eq!(stats.rows, 4);
}

#[test]
fn csv_keeps_header_rows_delimiter_and_bom() {
    let dir = tempfile::tempdir().unwrap();
    let e = engine("[columns.notes]\nop = \"drop\"\n", Mode::Redact);
    let input = "\u{feff}id;email;notes;city\r\n1;ada.lovelace@example.com;x;\"Paris; FR\"\r\n2;;y;Rome\r\n";
    let (out, stats) = run(dir.path(), "a.csv", input.as_bytes(), &e);
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "\u{feff}id;email;city\r\n1;[EMAIL];\"Paris; FR\"\r\n2;;Rome\r\n"
    );
    assert_eq!((stats.rows, stats.changed), (2, 1));
}

#[test]
fn json_document_keeps_its_shape_and_order() {
    let dir = tempfile::tempdir().unwrap();
    let e = engine(
        "[columns.\"customer.ssn\"]\nop = \"redact\"\nlabel = \"\"\n",
        Mode::Redact,
    );
    let input = r#"[{"z":1,"customer":{"email":"ada.lovelace@example.com","ssn":"536-22-8145"},"items":[{"note":"ok"}],"flag":true}]"#;
    let (out, stats) = run(dir.path(), "a.json", input.as_bytes(), &e);
    assert_eq!(
        String::from_utf8(out).unwrap(),
        r#"[{"z":1,"customer":{"email":"[EMAIL]","ssn":null},"items":[{"note":"ok"}],"flag":true}]"#
    );
    assert_eq!(stats.rows, 1);
}

#[test]
fn ndjson_gzip_keeps_line_count_and_blank_lines() {
    let dir = tempfile::tempdir().unwrap();
    let e = engine("", Mode::Redact);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(b"{\"e\":\"ada.lovelace@example.com\",\"n\":1}\n\n{\"e\":\"none\"}\n")
        .unwrap();
    let (out, stats) = run(dir.path(), "a.ndjson.gz", &gz.finish().unwrap(), &e);
    let mut plain = String::new();
    flate2::read::MultiGzDecoder::new(&out[..])
        .read_to_string(&mut plain)
        .unwrap();
    assert_eq!(plain, "{\"e\":\"[EMAIL]\",\"n\":1}\n\n{\"e\":\"none\"}\n");
    assert!(stats.gzip);
    assert_eq!(stats.rows, 3);
}

#[test]
fn bad_input_leaves_no_output_and_names_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let e = engine("", Mode::Redact);
    let input = dir.path().join("bad.ndjson");
    std::fs::write(
        &input,
        "{\"a\":\"ada.lovelace@example.com\"}\n{\"a\": nope}\n",
    )
    .unwrap();
    let output = dir.path().join("out.ndjson");
    let err = redact_file(&input, &output, &e).unwrap_err().to_string();
    assert!(err.contains("line 2"), "{err}");
    assert!(!err.contains("ada.lovelace"), "{err}");
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(left.len(), 1, "only the input remains");
}

#[test]
fn hashed_ids_join_across_files() {
    let dir = tempfile::tempdir().unwrap();
    let policy = "[columns.customer_id]\nop = \"hash\"\n";
    let e = engine(policy, Mode::Redact);
    let (a, _) = run(
        dir.path(),
        "orders.csv",
        b"customer_id,total\nC-1001,5\nC-1002,7\n",
        &e,
    );
    let (b, _) = run(
        dir.path(),
        "people.csv",
        b"customer_id,city\nC-1002,Oslo\nC-1001,Lima\n",
        &e,
    );
    let ids = |bytes: &[u8]| -> Vec<String> {
        String::from_utf8(bytes.to_vec())
            .unwrap()
            .lines()
            .skip(1)
            .map(|l| l.split(',').next().unwrap().to_owned())
            .collect()
    };
    let (a, b) = (ids(&a), ids(&b));
    assert_eq!(a[0], b[1]);
    assert_eq!(a[1], b[0]);
    assert_ne!(a[0], a[1]);
    assert!(a.iter().all(|id| id.len() == 16 && !id.contains("C-")));
}

#[test]
fn parquet_card_numbers_in_int64_are_not_left_in_clear() {
    use std::sync::Arc;

    use arrow_array::cast::AsArray;
    use arrow_array::types::Int64Type;
    use arrow_array::{Array, Int64Array, RecordBatch};
    use arrow_schema::{DataType, Field, Schema};
    use parquet::arrow::ArrowWriter;
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    use privet_detect::validates;
    use privet_types::PiiType;

    let is_card = |n: i64| validates(PiiType::CardNumber, &n.to_string());
    // Luhn-valid Visa numbers like 4111111111111111: a 15-digit body and its check digit.
    let cards: Vec<i64> = (0..200)
        .map(|i| {
            let body = 411_111_111_111_111 + i * 7919;
            let check = privet_types::checks::luhn_check_digit(body.to_string().as_bytes());
            body * 10 + i64::from(check.unwrap())
        })
        .collect();
    assert_eq!(cards[0], 4_111_111_111_111_111);
    let ages: Vec<i64> = (0..200).map(|i| 18 + i % 60).collect();
    let schema = Arc::new(Schema::new(vec![
        Field::new("card", DataType::Int64, false),
        Field::new("age", DataType::Int64, false),
    ]));
    let batch = RecordBatch::try_new(
        schema.clone(),
        vec![
            Arc::new(Int64Array::from(cards.clone())),
            Arc::new(Int64Array::from(ages.clone())),
        ],
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (input, output) = (
        dir.path().join("cards.parquet"),
        dir.path().join("out.parquet"),
    );
    let mut w = ArrowWriter::try_new(std::fs::File::create(&input).unwrap(), schema, None).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();

    let stats =
        privet_redact::parquet::redact_parquet(&input, &output, &engine("", Mode::Redact)).unwrap();
    assert_eq!(stats.rows, 200);
    assert_eq!(stats.cells_changed, 200);

    let reader = ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(&output).unwrap())
        .unwrap()
        .build()
        .unwrap();
    let mut rows = 0;
    for batch in reader {
        let batch = batch.unwrap();
        rows += batch.num_rows();
        assert_eq!(batch.schema().field(0).data_type(), &DataType::Utf8);
        let out_cards = batch.column(0).as_string::<i32>();
        assert_eq!(out_cards.null_count(), 0);
        for card in out_cards.iter().flatten() {
            assert!(!validates(PiiType::CardNumber, card), "card left in clear");
        }
        let out_ages = batch.column(1).as_primitive::<Int64Type>();
        assert!(out_ages.values().iter().all(|&a| !is_card(a)));
        assert!(
            out_ages
                .values()
                .iter()
                .zip(&ages[rows - batch.num_rows()..])
                .all(|(a, b)| a == b)
        );
    }
    assert_eq!(rows, 200);
}

/// Every shape the scan's Parquet reader visits (struct, list, large list, fixed-size list, map
/// keys and values, dictionary, view and binary strings, nesting of these) holds e-mail
/// addresses; after the default redaction, reading the output the way `privet scan` does finds
/// none, and the columns and row count stay.
#[test]
fn parquet_every_nested_shape_is_redacted_where_scan_reads() {
    use std::sync::Arc;

    use arrow_array::builder::{
        FixedSizeListBuilder, LargeListBuilder, ListBuilder, MapBuilder, StringBuilder,
        StringDictionaryBuilder,
    };
    use arrow_array::types::Int32Type;
    use arrow_array::{ArrayRef, BinaryArray, RecordBatch, StringViewArray, StructArray};
    use arrow_schema::{DataType, Field};
    use parquet::arrow::ArrowWriter;
    use privet_detect::{ColumnContext, Detector, DetectorConfig};
    use privet_formats::{Batch, InputFormat, open_file};
    use privet_types::PiiType;

    const ROWS: usize = 50;
    let email = |i: usize, what: &str| format!("{what}.{i}@example.com");

    let mut list = ListBuilder::new(StringBuilder::new());
    let mut large = LargeListBuilder::new(StringBuilder::new());
    let mut fixed = FixedSizeListBuilder::new(StringBuilder::new(), 2);
    let mut map = MapBuilder::new(None, StringBuilder::new(), StringBuilder::new());
    let mut nested = ListBuilder::new(MapBuilder::new(
        None,
        StringBuilder::new(),
        StringBuilder::new(),
    ));
    let mut dict = StringDictionaryBuilder::<Int32Type>::new();
    for i in 0..ROWS {
        list.values().append_value(email(i, "list"));
        list.append(true);
        large.values().append_value(email(i, "large"));
        large.append(true);
        fixed.values().append_value(email(i, "fixed"));
        fixed.values().append_value("plain");
        fixed.append(true);
        map.keys().append_value(email(i, "key"));
        map.values().append_value(email(i, "value"));
        map.append(true).unwrap();
        let inner = nested.values();
        inner.keys().append_value("contact");
        inner.values().append_value(email(i, "nested"));
        inner.append(true).unwrap();
        nested.append(true);
        dict.append_value(email(i % 5, "dict"));
    }
    let strukt = StructArray::from(vec![(
        Arc::new(Field::new("email", DataType::Utf8, false)),
        Arc::new(arrow_array::StringArray::from_iter_values(
            (0..ROWS).map(|i| email(i, "struct")),
        )) as ArrayRef,
    )]);
    let columns: Vec<(&str, ArrayRef)> = vec![
        ("list", Arc::new(list.finish())),
        ("large", Arc::new(large.finish())),
        ("fixed", Arc::new(fixed.finish())),
        ("attrs", Arc::new(map.finish())),
        ("nested", Arc::new(nested.finish())),
        ("dict", Arc::new(dict.finish())),
        ("customer", Arc::new(strukt)),
        (
            "view",
            Arc::new(StringViewArray::from_iter_values(
                (0..ROWS).map(|i| email(i, "view")),
            )),
        ),
        (
            "raw",
            Arc::new(BinaryArray::from_iter_values(
                (0..ROWS).map(|i| email(i, "raw").into_bytes()),
            )),
        ),
    ];
    let batch = RecordBatch::try_from_iter(columns).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (input, output) = (
        dir.path().join("in.parquet"),
        dir.path().join("out.parquet"),
    );
    let mut w =
        ArrowWriter::try_new(std::fs::File::create(&input).unwrap(), batch.schema(), None).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();

    let emails_read_by_scan = |path: &std::path::Path| {
        let detector = Detector::new(DetectorConfig::default()).unwrap();
        let mut source = open_file(path, Some(InputFormat::Parquet)).unwrap();
        let (mut values, mut emails) = (0, Vec::new());
        while let Some(batch) = source.next_batch() {
            let Batch::Fields(fields) = batch.unwrap() else {
                panic!("parquet reads as fields");
            };
            for f in fields {
                values += 1;
                let mut found = Vec::new();
                let ctx = ColumnContext::from_header(&f.column);
                detector.detect_field(&ctx, f.value.as_bytes(), &mut found);
                if found.iter().any(|m| m.ty == PiiType::Email) {
                    emails.push(format!("{} = {}", f.column, f.value));
                }
            }
        }
        (values, emails)
    };
    let (values_in, emails_in) = emails_read_by_scan(&input);
    // Every column holds e-mails the reader reaches: the test covers what it claims.
    assert!(
        emails_in.len() >= 10 * ROWS,
        "{} in {values_in}",
        emails_in.len()
    );
    for column in [
        "list[]",
        "large[]",
        "fixed[]",
        "attrs[].key",
        "attrs[].value",
        "nested[][].value",
        "dict",
        "customer.email",
        "view",
        "raw",
    ] {
        assert!(
            emails_in
                .iter()
                .any(|e| e.starts_with(&format!("{column} = "))),
            "no e-mail read under {column}"
        );
    }

    let stats =
        privet_redact::parquet::redact_parquet(&input, &output, &engine("", Mode::Redact)).unwrap();
    assert_eq!(stats.rows, ROWS as u64);
    let (_, left) = emails_read_by_scan(&output);
    assert!(left.is_empty(), "left in clear: {left:?}");
    let meta = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(
        std::fs::File::open(&output).unwrap(),
    )
    .unwrap();
    let names: Vec<_> = meta
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect();
    assert_eq!(
        names,
        [
            "list", "large", "fixed", "attrs", "nested", "dict", "customer", "view", "raw"
        ]
    );
}
