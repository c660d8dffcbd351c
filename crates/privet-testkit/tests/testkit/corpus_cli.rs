//! The `privet-corpus` command end to end: generate, then score.

use assert_cmd::Command;
use predicates::str::contains;

fn corpus() -> Command {
    Command::cargo_bin("privet-corpus").expect("binary is built")
}

#[test]
fn generate_writes_the_four_files_and_perfect_predictions_score_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("c");
    corpus()
        .args([
            "generate",
            "--seed",
            "3",
            "--records",
            "200",
            "--csv-rows",
            "50",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    for f in [
        "corpus.txt",
        "labels.jsonl",
        "customers.csv",
        "customers.labels.jsonl",
    ] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    // The labels themselves, read as predictions, score 1.0.
    let labels = out.join("labels.jsonl");
    corpus()
        .args(["eval", "--labels"])
        .arg(&labels)
        .arg("--predicted")
        .arg(&labels)
        .assert()
        .success()
        .stdout(contains("micro (10 types)"))
        .stdout(contains("1.0000"));
    let cells = out.join("customers.labels.jsonl");
    corpus()
        .args(["eval", "--json", "--labels"])
        .arg(&cells)
        .arg("--predicted")
        .arg(&cells)
        .assert()
        .success()
        .stdout(contains("\"micro_10\""));
}

#[test]
fn bytes_sizes_the_corpus_and_is_a_prefix_of_a_larger_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, size) in [("small", "20KB"), ("large", "60KB")] {
        corpus()
            .args([
                "generate",
                "--seed",
                "9",
                "--bytes",
                size,
                "--csv-rows",
                "1",
                "--out",
            ])
            .arg(dir.path().join(name))
            .assert()
            .success();
    }
    let small = std::fs::read_to_string(dir.path().join("small/corpus.txt")).expect("read");
    let large = std::fs::read_to_string(dir.path().join("large/corpus.txt")).expect("read");
    assert!(
        small.len() >= 20_000 && small.len() < 25_000,
        "{}",
        small.len()
    );
    assert!(large.starts_with(&small));
}

#[test]
fn bad_arguments_and_missing_files_fail_cleanly() {
    corpus()
        .args(["generate", "--bytes", "12 parsecs", "--out", "x"])
        .assert()
        .failure();
    corpus()
        .args([
            "eval",
            "--labels",
            "/nonexistent/labels.jsonl",
            "--predicted",
            "/nonexistent/p.jsonl",
        ])
        .assert()
        .failure()
        .stderr(contains("/nonexistent/labels.jsonl"));
    corpus().args(["eval"]).assert().failure();
}
