//! Temporary: prints missed and spurious matches of one type against labels.
#![allow(missing_docs, clippy::unwrap_used)]
use privet_detect::{Detector, DetectorConfig};
use std::collections::HashSet;

fn num(line: &str, key: &str) -> usize {
    let i = line.find(&format!("\"{key}\":")).unwrap() + key.len() + 3;
    line[i..]
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect::<String>()
        .parse()
        .unwrap()
}
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (dir, ty, limit) = (&args[1], &args[2], args[3].parse::<usize>().unwrap());
    let text = std::fs::read_to_string(format!("{dir}/corpus.txt")).unwrap();
    let lines: Vec<&str> = text.split('\n').collect();
    let mut gold = HashSet::new();
    for l in std::fs::read_to_string(format!("{dir}/labels.jsonl"))
        .unwrap()
        .lines()
    {
        if l.contains(&format!("\"type\":\"{ty}\"")) {
            gold.insert((num(l, "line"), num(l, "start"), num(l, "end")));
        }
    }
    let d = Detector::new(DetectorConfig::default()).unwrap();
    let mut pred = HashSet::new();
    let mut out = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        out.clear();
        d.detect(l.as_bytes(), &mut out);
        for m in &out {
            if m.ty.name() == ty {
                pred.insert((i + 1, m.start, m.end));
            }
        }
    }
    let mut fns: Vec<_> = gold.difference(&pred).collect();
    fns.sort();
    let mut fps: Vec<_> = pred.difference(&gold).collect();
    fps.sort();
    println!("FN {} FP {}", fns.len(), fps.len());
    for (l, s, e) in fns.iter().take(limit) {
        let line = lines[l - 1];
        println!("FN [{}] in: {}", &line[*s..*e], line);
    }
    for (l, s, e) in fps.iter().take(limit) {
        let line = lines[l - 1];
        println!("FP [{}] in: {}", &line[*s..*e], line);
    }
}
