//! Every input format, plain and gzip-compressed, and folder walking.

use std::sync::Arc;

use super::*;

#[test]
fn csv_findings_name_row_and_column_and_judge_columns() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Order ids: 16 digits; some pass Luhn by chance (one in ten does).
    let mut csv = String::from("order_id,customer_email,note\n");
    for i in 0..200u64 {
        let id = 4_000_000_000_000_000 + i * 7_919;
        csv.push_str(&format!("{id},user{i}@example.com,ok\n"));
    }
    let path = write(dir.path(), "orders.csv", csv);
    let (findings, stderr, code) = scan_jsonl(&[&path]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        findings
            .iter()
            .all(|f| f["type"] == "email" && f["column"] == "customer_email"),
        "order ids must not be reported as cards: {:?}",
        findings.iter().find(|f| f["type"] != "email")
    );
    assert_eq!(findings.len(), 200);
    let first = &findings[0];
    assert_eq!(first["row"], 1);
    assert_eq!(first["path"], path.as_str());
}

#[test]
fn tsv_and_gzip_are_detected_from_name_and_content() {
    let dir = tempfile::tempdir().expect("tempdir");
    let tsv = format!("name\temail\nAda\t{EMAIL}\n");
    write(dir.path(), "people.tsv", &tsv);
    write(dir.path(), "people.tsv.gz", gzip(tsv.as_bytes()));
    write(dir.path(), "app.log.gz", gzip(ticket_log().as_bytes()));
    let root = dir.path().display().to_string();
    let (findings, stderr, code) = scan_jsonl(&[&root]);
    assert_eq!(code, 0, "{stderr}");
    for file in ["people.tsv", "people.tsv.gz"] {
        assert!(
            findings.iter().any(|f| f["type"] == "email"
                && f["column"] == "email"
                && f["path"].as_str().is_some_and(|p| p.ends_with(file))),
            "{file}: {findings:?}"
        );
    }
    assert!(
        findings.iter().any(|f| f["type"] == "card_number"
            && f["line"] == 3
            && f["path"]
                .as_str()
                .is_some_and(|p| p.ends_with("app.log.gz"))),
        "{findings:?}"
    );
}

#[test]
fn json_and_ndjson_report_field_paths() {
    let dir = tempfile::tempdir().expect("tempdir");
    let doc = format!(
        r#"[{{"id": 1, "customer": {{"billing": {{"email": "{EMAIL}"}}}}}},
            {{"id": 2, "customer": {{"billing": {{"email": "grace@example.org"}}}}}}]"#
    );
    let json = write(dir.path(), "export.json", doc);
    let nd = write(
        dir.path(),
        "events.ndjson",
        format!(
            "{{\"user\":{{\"ip\":\"203.0.113.42\"}}}}\n{{\"user\":{{\"mail\":\"{EMAIL}\"}}}}\n"
        ),
    );
    let (findings, stderr, code) = scan_jsonl(&[&json, &nd]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        findings
            .iter()
            .any(|f| f["column"] == "customer.billing.email"
                && f["row"] == 2
                && f["type"] == "email")
    );
    assert!(
        findings
            .iter()
            .any(|f| f["column"] == "user.ip" && f["row"] == 1 && f["type"] == "ip_address")
    );
}

#[test]
fn parquet_columns_are_scanned() {
    use arrow_array::{ArrayRef, Int64Array, RecordBatch, StringArray};
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("customers.parquet");
    let ids: ArrayRef = Arc::new(Int64Array::from(vec![1, 2]));
    let emails: ArrayRef = Arc::new(StringArray::from(vec![EMAIL, "grace@example.org"]));
    let batch = RecordBatch::try_from_iter([("id", ids), ("email", emails)]).expect("record batch");
    let file = std::fs::File::create(&path).expect("create");
    let mut writer =
        parquet::arrow::ArrowWriter::try_new(file, batch.schema(), None).expect("writer");
    writer.write(&batch).expect("write");
    writer.close().expect("close");
    let (findings, stderr, code) = scan_jsonl(&[&path.display().to_string()]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(findings.len(), 2, "{findings:?}");
    assert!(findings.iter().all(|f| f["column"] == "email"));
}

#[test]
fn folders_are_walked_honouring_gitignore_unless_no_ignore() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), ".gitignore", "secret-dump.log\n");
    write(dir.path(), "secret-dump.log", format!("{EMAIL}\n"));
    std::fs::create_dir(dir.path().join("sub")).expect("mkdir");
    write(&dir.path().join("sub"), "a.txt", format!("{EMAIL}\n"));
    let root = dir.path().display().to_string();
    let (findings, _, _) = scan_jsonl(&[&root]);
    let paths: Vec<&str> = findings.iter().filter_map(|f| f["path"].as_str()).collect();
    assert!(paths.iter().any(|p| p.ends_with("a.txt")), "{paths:?}");
    assert!(
        !paths.iter().any(|p| p.ends_with("secret-dump.log")),
        "{paths:?}"
    );
    let (findings, _, _) = scan_jsonl(&["--no-ignore", &root]);
    assert!(findings.iter().any(|f| {
        f["path"]
            .as_str()
            .is_some_and(|p| p.ends_with("secret-dump.log"))
    }));
}

#[test]
fn a_forced_input_format_overrides_detection() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(dir.path(), "data.txt", format!("id,email\n1,{EMAIL}\n"));
    let (findings, _, code) = scan_jsonl(&["--input-format", "csv", &path]);
    assert_eq!(code, 0);
    assert_eq!(findings[0]["column"], "email", "{findings:?}");
}

#[test]
fn big_text_files_are_split_and_keep_exact_line_numbers() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Several megabytes so the reader cuts the file into many batches.
    let mut text = String::new();
    let filler = "the quick brown fox jumps over the lazy dog, nothing to see here\n";
    let mut expected = Vec::new();
    for line in 1..=60_000u64 {
        if line % 7_001 == 0 {
            text.push_str(&format!("contact {EMAIL} now\n"));
            expected.push(line);
        } else {
            text.push_str(filler);
        }
    }
    let path = write(dir.path(), "big.log", text);
    let (findings, _, code) = scan_jsonl(&["--threads", "3", &path]);
    assert_eq!(code, 0);
    let lines: Vec<u64> = findings
        .iter()
        .filter(|f| f["type"] == "email")
        .filter_map(|f| f["line"].as_u64())
        .collect();
    assert_eq!(lines, expected);
    assert!(findings.iter().all(|f| f["start"] == 8));
}
