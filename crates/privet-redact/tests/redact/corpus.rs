//! The default policy leaves no validated identifier in the labeled corpus.

use privet_detect::{ColumnContext, Detector, DetectorConfig};
use privet_redact::engine::Mode;

use crate::{engine, run};

#[test]
fn default_redaction_of_the_text_corpus_leaves_nothing_detectable() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = privet_testkit::generate_text(11, 400);
    assert!(corpus.labels.len() > 100);
    let (out, _) = run(
        dir.path(),
        "corpus.log",
        corpus.text.as_bytes(),
        &engine("", Mode::Redact),
    );
    let out = String::from_utf8(out).unwrap();
    assert_eq!(out.lines().count(), corpus.text.lines().count());
    let detector = Detector::new(DetectorConfig::default()).unwrap();
    let mut found = Vec::new();
    detector.detect(out.as_bytes(), &mut found);
    let shown: Vec<String> = found
        .iter()
        .take(5)
        .map(|m| format!("{} {:?}", m.ty, &out[m.start..m.end]))
        .collect();
    assert!(found.is_empty(), "{} left: {shown:?}", found.len());
}

#[test]
fn default_redaction_of_the_csv_corpus_leaves_nothing_detectable() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = privet_testkit::generate_csv(12, 300);
    let (out, stats) = run(
        dir.path(),
        "corpus.csv",
        corpus.csv.as_bytes(),
        &engine("", Mode::Redact),
    );
    assert_eq!(stats.rows, 300);
    let detector = Detector::new(DetectorConfig::default()).unwrap();
    let mut reader = csv::Reader::from_reader(&out[..]);
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let mut left = Vec::new();
    for record in reader.records() {
        let record = record.unwrap();
        for (column, value) in header.iter().zip(record.iter()) {
            let mut found = Vec::new();
            detector.detect_field(
                &ColumnContext::from_header(column),
                value.as_bytes(),
                &mut found,
            );
            left.extend(
                found
                    .iter()
                    .map(|m| format!("{column}: {} {value:?}", m.ty)),
            );
        }
    }
    assert!(
        left.is_empty(),
        "{} left: {:?}",
        left.len(),
        &left[..left.len().min(5)]
    );
}
