//! Throughput of the person-name and street-address finders over one file.
//!
//! `cargo run --release -p privet-detect --example names_throughput -- FILE`
//!
//! The finders are crate-private, so their modules are compiled into this
//! example directly.

#![allow(dead_code, missing_docs)]

#[path = "../src"]
mod src {
    pub mod address;
    pub mod names;
}
use src::{address, names};

use std::time::Instant;

/// One finder's `find`, boxed for the timing loop.
type FindFn<'a> = &'a dyn Fn(&[u8], &mut Vec<privet_types::Match>);

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: names_throughput FILE")?;
    let hay = std::fs::read(&path)?;
    let mb = hay.len() as f64 / 1e6;

    let t = Instant::now();
    let names = names::NameFinder::new();
    let addresses = address::AddressFinder::new();
    println!("build: {:.1} ms", t.elapsed().as_secs_f64() * 1e3);

    let mut out = Vec::new();
    let runs: [(&str, FindFn); 2] = [
        ("person_name", &|h, o| names.find(h, o)),
        ("street_address", &|h, o| addresses.find(h, o)),
    ];
    for (label, run) in runs {
        let mut best = f64::MAX;
        for _ in 0..3 {
            out.clear();
            let t = Instant::now();
            run(&hay, &mut out);
            best = best.min(t.elapsed().as_secs_f64());
        }
        println!(
            "{label}: {:.0} MB/s ({} matches in {mb:.1} MB)",
            mb / best,
            out.len()
        );
    }
    Ok(())
}
