//! Bad input: a clear message naming the place, the rest scanned, status 2.

use super::*;

#[test]
fn a_missing_file_is_named_and_the_rest_is_still_scanned() {
    let dir = tempfile::tempdir().expect("tempdir");
    let good = write(dir.path(), "good.log", format!("{EMAIL}\n"));
    let missing = dir.path().join("missing.log").display().to_string();
    let (findings, stderr, code) = scan_jsonl(&[&missing, &good]);
    assert_eq!(code, 2);
    assert!(stderr.contains("missing.log"), "{stderr}");
    assert_eq!(types_of(&findings), ["email"]);
}

#[test]
fn a_malformed_csv_row_is_named_and_the_other_rows_scanned() {
    let dir = tempfile::tempdir().expect("tempdir");
    let csv = format!("id,email\n1,{EMAIL}\n2,x,unexpected\n3,grace@example.org\n");
    let path = write(dir.path(), "bad.csv", csv);
    let (findings, stderr, code) = scan_jsonl(&[&path]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("bad.csv"), "{stderr}");
    assert!(stderr.contains("row 2"), "{stderr}");
    assert!(
        !stderr.contains("unexpected"),
        "cell contents leaked: {stderr}"
    );
    let rows: Vec<u64> = findings.iter().filter_map(|f| f["row"].as_u64()).collect();
    assert_eq!(rows, [1, 3]);
}

#[test]
fn a_bad_ndjson_line_is_named_and_the_rest_scanned() {
    let dir = tempfile::tempdir().expect("tempdir");
    let nd = format!("{{\"e\":\"{EMAIL}\"}}\n{{\"e\": oops\n{{\"e\":\"grace@example.org\"}}\n");
    let path = write(dir.path(), "events.ndjson", nd);
    let (findings, stderr, code) = scan_jsonl(&[&path]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("events.ndjson") && stderr.contains("line 2"),
        "{stderr}"
    );
    assert_eq!(findings.len(), 2, "{findings:?}");
}

#[test]
fn a_truncated_gzip_stream_is_an_error_naming_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut data = gzip(ticket_log().repeat(50).as_bytes());
    data.truncate(data.len() / 2);
    let path = write(dir.path(), "cut.log.gz", data);
    let (_, stderr, code) = scan_jsonl(&[&path]);
    assert_eq!(code, 2);
    assert!(stderr.contains("cut.log.gz"), "{stderr}");
    assert!(stderr.to_lowercase().contains("truncated"), "{stderr}");
}

#[test]
fn binary_files_are_skipped_in_folders_but_an_error_when_named() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut blob = vec![0u8; 256];
    blob.extend_from_slice(EMAIL.as_bytes());
    let bin = write(dir.path(), "image.bin", &blob);
    write(dir.path(), "ok.log", format!("{EMAIL}\n"));
    let root = dir.path().display().to_string();
    let (findings, stderr, code) = scan_jsonl(&[&root]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("image.bin"), "{stderr}");
    assert_eq!(findings.len(), 1);
    let (_, stderr, code) = scan_jsonl(&[&bin]);
    assert_eq!(code, 2);
    assert!(stderr.contains("image.bin"), "{stderr}");
}

#[test]
fn invalid_utf8_is_reported_and_the_valid_parts_scanned() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut data = b"ok line\nbad \xff\xfe bytes\n".to_vec();
    data.extend_from_slice(format!("mail {EMAIL}\n").as_bytes());
    let path = write(dir.path(), "mixed.log", data);
    let (findings, stderr, code) = scan_jsonl(&[&path]);
    assert_eq!(code, 2);
    assert!(stderr.contains("mixed.log"), "{stderr}");
    assert!(stderr.contains("line 2"), "{stderr}");
    assert!(
        findings
            .iter()
            .any(|f| f["type"] == "email" && f["line"] == 3),
        "{findings:?}"
    );
}

#[test]
fn strict_stops_at_the_first_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bad = write(dir.path(), "a.csv", "id,email\n1,x,y\n");
    let good = write(dir.path(), "b.log", format!("{EMAIL}\n"));
    let out = privet()
        .args([
            "scan",
            "--strict",
            "--threads",
            "1",
            "--format",
            "jsonl",
            &bad,
            &good,
        ])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("a.csv"));
}

#[test]
fn an_unknown_input_format_is_a_usage_error() {
    privet()
        .args(["scan", "--input-format", "xlsx", "x"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("xlsx"));
}

#[test]
fn nothing_panics_on_a_folder_of_junk() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "a.json", "{\"unterminated\": [1, 2");
    write(dir.path(), "b.parquet", "PAR1 not really parquet PAR1");
    write(dir.path(), "c.csv", "\"open quote,1\n2,3\n");
    write(dir.path(), "d.gz", [0x1f, 0x8b, 0x08, 0x00]);
    write(dir.path(), "e.ndjson", "\n\n[]\n3\n\"x\"\n");
    let root = dir.path().display().to_string();
    let out = privet()
        .args(["scan", "--format", "jsonl", &root])
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    for name in ["a.json", "b.parquet", "d.gz"] {
        assert!(stderr.contains(name), "{name} not named: {stderr}");
    }
}

#[test]
fn a_flood_of_bad_rows_is_summarised_not_dumped() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut csv = String::from("id,email\n");
    for i in 0..500 {
        csv.push_str(&format!("{i},a,b,c\n"));
    }
    let path = write(dir.path(), "flood.csv", csv);
    let (_, stderr, code) = scan_jsonl(&[&path]);
    assert_eq!(code, 2);
    assert_eq!(
        stderr.lines().filter(|l| l.contains("row ")).count(),
        10,
        "{stderr}"
    );
    assert!(
        stderr.contains("flood.csv: 490 more problems not shown"),
        "{stderr}"
    );
}

#[test]
fn region_reads_national_phone_numbers_there_and_an_unknown_one_is_a_usage_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A Spanish mobile number without its country code: too short for a US number.
    let path = write(
        dir.path(),
        "pedido.txt",
        "Pedido 8812, la clienta llamo desde el 612 345 678 ayer\n",
    );
    let (findings, _, code) = scan_jsonl(&["--types", "phone", &path]);
    assert_eq!((code, findings.len()), (0, 0));
    let (findings, stderr, code) = scan_jsonl(&["--types", "phone", "--region", "ES", &path]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(types_of(&findings), ["phone"]);
    privet()
        .args(["scan", "--region", "Atlantis", &path])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("two-letter ISO 3166"));
}
