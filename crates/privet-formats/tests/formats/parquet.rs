//! Parquet files written with the arrow writer, then read back.

use std::sync::Arc;

use crate::common::{gzip, read_file};
use arrow_array::builder::{ListBuilder, StringBuilder, StructBuilder};
use arrow_array::{
    ArrayRef, BooleanArray, Date32Array, Float64Array, Int64Array, RecordBatch, StringArray,
    StructArray, TimestampMicrosecondArray,
};
use arrow_schema::{DataType, Field, Fields};
use parquet::arrow::ArrowWriter;
use parquet::file::properties::WriterProperties;
use privet_formats::{InputErrorKind, open_file};

fn sample_parquet(rows: usize, row_group: usize) -> Vec<u8> {
    let emails: Vec<Option<String>> = (0..rows)
        .map(|i| (i % 3 != 2).then(|| format!("user{i}@example.com")))
        .collect();
    let ids = Int64Array::from_iter_values(0..rows as i64);
    let score = Float64Array::from_iter_values((0..rows).map(|i| i as f64 + 0.5));
    let vip = BooleanArray::from_iter((0..rows).map(|i| Some(i % 2 == 0)));
    // 1990-05-17 is day 7441 after the epoch.
    let dob = Date32Array::from_iter_values((0..rows).map(|_| 7441));
    let seen =
        TimestampMicrosecondArray::from_iter_values((0..rows).map(|_| 1_700_000_000_000_000));
    let city = StringArray::from_iter_values((0..rows).map(|i| format!("City {i}")));
    let billing = StructArray::from(vec![(
        Arc::new(Field::new("city", DataType::Utf8, false)),
        Arc::new(city) as ArrayRef,
    )]);
    let item_fields = Fields::from(vec![Field::new("email", DataType::Utf8, true)]);
    let mut items = ListBuilder::new(StructBuilder::from_fields(item_fields, rows));
    for i in 0..rows {
        for j in 0..(i % 3) {
            let s = items.values();
            s.field_builder::<StringBuilder>(0)
                .expect("string field")
                .append_value(format!("item{j}.{i}@shop.test"));
            s.append(true);
        }
        items.append(true);
    }
    let batch = RecordBatch::try_from_iter(vec![
        ("id", Arc::new(ids) as ArrayRef),
        ("email", Arc::new(StringArray::from(emails)) as ArrayRef),
        ("score", Arc::new(score) as ArrayRef),
        ("vip", Arc::new(vip) as ArrayRef),
        ("dob", Arc::new(dob) as ArrayRef),
        ("seen", Arc::new(seen) as ArrayRef),
        ("billing", Arc::new(billing) as ArrayRef),
        ("items", Arc::new(items.finish()) as ArrayRef),
    ])
    .expect("batch");
    let props = WriterProperties::builder()
        .set_max_row_group_row_count(Some(row_group))
        .build();
    let mut out = Vec::new();
    let mut writer = ArrowWriter::try_new(&mut out, batch.schema(), Some(props)).expect("writer");
    writer.write(&batch).expect("write");
    writer.close().expect("close");
    out
}

#[test]
fn values_and_nested_paths() {
    let c = read_file("customers.parquet", &sample_parquet(3, 1024));
    assert!(c.errors.is_empty(), "{:?}", c.errors);
    assert_eq!(
        c.column("email"),
        vec!["user0@example.com", "user1@example.com"]
    );
    assert_eq!(c.column("id"), vec!["0", "1", "2"]);
    assert_eq!(c.column("score"), vec!["0.5", "1.5", "2.5"]);
    assert_eq!(c.column("vip"), vec!["true", "false", "true"]);
    assert_eq!(c.column("dob"), vec!["1990-05-17"; 3]);
    assert_eq!(c.column("seen")[0], "2023-11-14T22:13:20");
    assert_eq!(c.column("billing.city"), vec!["City 0", "City 1", "City 2"]);
    let items: Vec<(u64, String)> = c
        .fields
        .iter()
        .filter(|f| &*f.column == "items[].email")
        .map(|f| (f.row, f.value.clone()))
        .collect();
    assert_eq!(
        items,
        vec![
            (2, "item0.1@shop.test".to_string()),
            (3, "item0.2@shop.test".to_string()),
            (3, "item1.2@shop.test".to_string()),
        ]
    );
}

#[test]
fn many_row_groups_stream_in_batches_with_global_rows() {
    let data = sample_parquet(10_000, 3000);
    let dir = tempfile::tempdir().expect("temp dir");
    let path = crate::common::write(dir.path(), "big.parquet", &data);
    let mut src = open_file(&path, None).expect("opens");
    let mut ids = Vec::new();
    let mut batches = 0;
    while let Some(item) = src.next_batch() {
        let Ok(privet_formats::Batch::Fields(f)) = item else {
            panic!("fields expected")
        };
        batches += 1;
        ids.extend(
            f.iter()
                .filter(|v| &*v.column == "id")
                .map(|v| (v.row, v.value.clone())),
        );
    }
    assert!(batches >= 3);
    assert_eq!(ids.len(), 10_000);
    assert!(ids.iter().all(|(row, v)| *v == (row - 1).to_string()));
    let cols: Vec<String> = src.columns().iter().map(|c| c.to_string()).collect();
    assert_eq!(
        cols,
        vec![
            "id",
            "email",
            "score",
            "vip",
            "dob",
            "seen",
            "billing.city",
            "items[].email"
        ]
    );
}

#[test]
fn gzip_parquet_reads_like_plain() {
    let data = sample_parquet(5, 1024);
    let plain = read_file("p.parquet", &data);
    let gz = read_file("p.parquet.gz", &gzip(&data));
    assert_eq!(plain.triples(), gz.triples());
}

#[test]
fn damaged_parquet_is_a_fatal_parquet_error() {
    let mut data = sample_parquet(5, 1024);
    let len = data.len();
    data.truncate(len - 20);
    for (name, bytes) in [
        ("cut.parquet", data.as_slice()),
        ("junk.parquet", b"PAR1 nope".as_slice()),
    ] {
        let c = read_file(name, bytes);
        assert_eq!(c.errors.len(), 1, "{name}");
        assert!(
            matches!(c.errors[0].kind, InputErrorKind::Parquet(_)),
            "{name}"
        );
        assert!(c.errors[0].is_fatal());
    }
}

/// Found by the read_parquet fuzz target: a footer whose column chunk has a negative offset made
/// the parquet crate assert while decoding; it is refused when opened, naming where.
#[test]
fn footer_with_a_chunk_outside_the_file_is_refused_when_opened() {
    let data = include_bytes!("../data/chunk-outside-file.parquet");
    let c = read_file("fuzzed.parquet", data);
    assert_eq!(c.errors.len(), 1);
    match &c.errors[0].kind {
        InputErrorKind::Parquet(msg) => assert!(msg.contains("row group"), "{msg}"),
        other => panic!("{other:?}"),
    }
}
