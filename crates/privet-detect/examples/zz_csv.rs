//! Temporary: per-column predicted types on a TSV of cells.
#![allow(missing_docs, clippy::unwrap_used)]
use privet_detect::{ColumnContext, Detector, DetectorConfig};
use std::collections::BTreeMap;
fn main() {
    let path = std::env::args().nth(1).unwrap();
    let d = Detector::new(DetectorConfig::default()).unwrap();
    let mut counts: BTreeMap<(String, String), (u64, Vec<String>)> = BTreeMap::new();
    let mut out = Vec::new();
    for l in std::fs::read_to_string(path).unwrap().lines() {
        let mut p = l.splitn(3, '\t');
        let (_row, col, val) = (p.next().unwrap(), p.next().unwrap(), p.next().unwrap_or(""));
        out.clear();
        d.detect_field(&ColumnContext::from_header(col), val.as_bytes(), &mut out);
        for m in &out {
            let e = counts.entry((col.to_string(), m.ty.name().to_string())).or_default();
            e.0 += 1;
            if e.1.len() < 4 { e.1.push(val[m.start..m.end].to_string()); }
        }
    }
    for ((c, t), (n, ex)) in counts { println!("{c:12} {t:15} {n:6} {ex:?}"); }
}
