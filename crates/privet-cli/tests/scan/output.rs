//! Output formats, masking and the `--fail-on` gate.

use super::*;

#[test]
fn jsonl_text_findings_have_the_contract_keys_and_exact_spans() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = ticket_log();
    let path = write(dir.path(), "tickets.log", &log);
    let (findings, stderr, code) = scan_jsonl(&[&path]);
    assert_eq!(code, 0, "stderr: {stderr}");
    let lines: Vec<&str> = log.lines().collect();
    for f in &findings {
        for key in ["path", "line", "start", "end", "type", "confidence"] {
            assert!(f.get(key).is_some(), "missing {key}: {f}");
        }
        assert_eq!(f["path"], path.as_str());
        let line = lines[f["line"].as_u64().expect("line") as usize - 1];
        let (start, end) = (
            f["start"].as_u64().expect("start") as usize,
            f["end"].as_u64().expect("end") as usize,
        );
        assert!(start < end && end <= line.len(), "span out of line: {f}");
        let confidence = f["confidence"].as_f64().expect("confidence");
        assert!((0.0..=1.0).contains(&confidence));
    }
    let found = |ty: &str, value: &str| {
        findings.iter().any(|f| {
            let line = lines[f["line"].as_u64().unwrap_or(1) as usize - 1];
            let span = &line[f["start"].as_u64().unwrap_or(0) as usize
                ..f["end"].as_u64().unwrap_or(0) as usize];
            f["type"] == ty && span == value
        })
    };
    assert!(found("email", EMAIL), "{findings:?}");
    assert!(found("card_number", CARD), "{findings:?}");
    assert!(found("us_ssn", SSN), "{findings:?}");
    assert!(found("iban", IBAN), "{findings:?}");
    assert!(found("phone", PHONE), "{findings:?}");
    // The order id on the last line is not an SSN; the timestamp is no phone.
    assert!(!findings.iter().any(|f| f["line"] == 5), "{findings:?}");
    assert!(!findings.iter().any(|f| f["line"] == 1), "{findings:?}");
}

#[test]
fn raw_values_appear_only_with_show_values() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(dir.path(), "t.log", ticket_log());
    for format in ["table", "json", "jsonl", "sarif"] {
        let out = privet()
            .args(["scan", "-vv", "--format", format, &path])
            .output()
            .expect("runs");
        let all = [out.stdout, out.stderr].concat();
        let text = String::from_utf8_lossy(&all);
        for raw in [EMAIL, CARD, SSN, IBAN, PHONE, "4111111111111111", "5362281"] {
            assert!(!text.contains(raw), "{format} output leaks {raw}: {text}");
        }
    }
    let (findings, _, _) = scan_jsonl(&["--show-values", &path]);
    assert!(findings.iter().any(|f| f["value"] == EMAIL), "{findings:?}");
}

#[test]
fn masked_examples_reveal_at_most_the_last_four_card_digits() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(dir.path(), "t.log", ticket_log());
    let (findings, _, _) = scan_jsonl(&[&path]);
    let card = findings
        .iter()
        .find(|f| f["type"] == "card_number")
        .expect("card found");
    let masked = card["masked"].as_str().expect("masked");
    let digits: String = masked.chars().filter(char::is_ascii_digit).collect();
    assert!(digits.len() <= 4, "{masked}");
}

#[test]
fn table_output_lists_types_counts_and_masked_examples() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(dir.path(), "t.log", ticket_log());
    let out = privet().args(["scan", &path]).output().expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).expect("utf-8");
    assert!(text.contains("TYPE"), "{text}");
    assert!(text.contains("card_number"), "{text}");
    assert!(text.contains("4111") || text.contains("1111"), "{text}");
    assert!(text.contains("Scanned 1 source"), "{text}");
}

#[test]
fn json_output_is_one_document_with_findings_columns_and_summary() {
    let dir = tempfile::tempdir().expect("tempdir");
    let csv = write(
        dir.path(),
        "customers.csv",
        format!("id,email\n1,{EMAIL}\n2,grace.hopper@example.org\n"),
    );
    let out = privet()
        .args(["scan", "--format", "json", &csv])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let doc: Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    assert_eq!(doc["findings"].as_array().map(Vec::len), Some(2), "{doc}");
    assert_eq!(doc["summary"]["by_type"]["email"], 2);
    let email_col = doc["columns"]
        .as_array()
        .and_then(|cols| cols.iter().find(|c| c["column"] == "email"))
        .expect("email column summary");
    assert_eq!(email_col["type"], "email", "{email_col}");
    assert_eq!(email_col["verdict"], "column", "{email_col}");
}

#[test]
fn sarif_output_is_a_2_1_0_log_with_regions() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(dir.path(), "t.log", ticket_log());
    let out = privet()
        .args(["scan", "--format", "sarif", &path])
        .output()
        .expect("runs");
    let doc: Value = serde_json::from_slice(&out.stdout).expect("SARIF is JSON");
    assert_eq!(doc["version"], "2.1.0");
    let run = &doc["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "privet");
    let results = run["results"].as_array().expect("results");
    assert!(!results.is_empty());
    let card = results
        .iter()
        .find(|r| r["ruleId"] == "card_number")
        .expect("card result");
    assert_eq!(card["level"], "error");
    let region = &card["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startLine"], 3);
    assert_eq!(region["startColumn"], 14);
    // Confidences are written with two decimals.
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        !text.contains("99999") && !text.contains("00000001"),
        "{text}"
    );
}

#[test]
fn sarif_results_of_csv_cells_carry_their_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(
        dir.path(),
        "c.csv",
        "id,email\n1,ada.sarif@example.com\n2,none\n3,grace.sarif@example.org\n",
    );
    let out = privet()
        .args(["scan", "--format", "sarif", &path])
        .output()
        .expect("runs");
    let doc: Value = serde_json::from_slice(&out.stdout).expect("SARIF is JSON");
    let lines: Vec<u64> = doc["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter(|r| r["ruleId"] == "email")
        .filter_map(|r| r["locations"][0]["physicalLocation"]["region"]["startLine"].as_u64())
        .collect();
    assert_eq!(lines, vec![2, 4], "{doc}");
}

#[test]
fn fail_on_exits_3_only_for_the_gated_types() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(dir.path(), "t.log", format!("mail {EMAIL}\n"));
    privet()
        .args(["scan", "--fail-on", "card_number,us_ssn", &path])
        .assert()
        .code(0);
    privet()
        .args(["scan", "--fail-on", "email", &path])
        .assert()
        .code(3);
    privet()
        .args(["scan", "--fail-on", "any", &path])
        .assert()
        .code(3);
    privet()
        .args(["scan", "--fail-on", "creditcard", &path])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("card_number"));
}

#[test]
fn types_restricts_what_is_reported() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(dir.path(), "t.log", ticket_log());
    let (findings, _, code) = scan_jsonl(&["--types", "email,iban", &path]);
    assert_eq!(code, 0);
    assert_eq!(types_of(&findings), ["email", "iban"]);
}

#[test]
fn show_values_prints_raw_values_in_the_table_and_only_then() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(dir.path(), "t.log", format!("mail {EMAIL}\n"));
    let masked = privet().args(["scan", &path]).output().expect("runs");
    let text = String::from_utf8_lossy(&masked.stdout);
    assert!(!text.contains(EMAIL), "{text}");
    let shown = privet()
        .args(["scan", "--show-values", &path])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&shown.stdout);
    assert!(text.contains(EMAIL), "{text}");
}
