//! Measures reader throughput and peak memory on generated input.
//!
//! `cargo run --release -p privet-formats --example read_throughput [MB]`
//! streams MB megabytes (default 512) of each format from a generator (the
//! input is never in memory as a whole) through `open_reader` and prints
//! MB/s and the process's peak resident memory.

use std::io::{self, Read};
use std::time::Instant;

use privet_formats::{Batch, Compression, InputFormat, open_reader};

/// Produces `remaining` bytes of records made by `make` (whole records only).
struct Generator {
    remaining: u64,
    pending: Vec<u8>,
    pos: usize,
    n: u64,
    make: fn(u64) -> String,
    prefix: Option<&'static str>,
    suffix: Option<&'static str>,
}

impl Generator {
    /// Makes 8 MiB of records once; reading then cycles over them, so the
    /// generator costs next to nothing beside the reader being measured.
    fn prepare(&mut self) {
        let mut block = Vec::new();
        while block.len() < 8 << 20 {
            block.extend_from_slice((self.make)(self.n).as_bytes());
            self.n += 1;
        }
        self.pending = block;
    }
}

impl Read for Generator {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Some(p) = self.prefix.take() {
            let n = p.len().min(buf.len());
            buf[..n].copy_from_slice(&p.as_bytes()[..n]);
            return Ok(n);
        }
        if self.remaining == 0 {
            return match self.suffix.take() {
                Some(s) => {
                    let n = s.len().min(buf.len());
                    buf[..n].copy_from_slice(&s.as_bytes()[..n]);
                    Ok(n)
                }
                None => Ok(0),
            };
        }
        if self.pos == self.pending.len() {
            self.pos = 0;
        }
        let n = buf
            .len()
            .min(self.pending.len() - self.pos)
            .min(usize::try_from(self.remaining).unwrap_or(usize::MAX));
        buf[..n].copy_from_slice(&self.pending[self.pos..self.pos + n]);
        self.pos += n;
        self.remaining -= n as u64;
        Ok(n)
    }
}

fn peak_rss_mib() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l.trim_start_matches("VmHWM:").trim().to_string())
        })
        .unwrap_or_else(|| "?".into())
}

fn run(label: &str, format: InputFormat, gen_: Generator) {
    let bytes = gen_.remaining;
    let start = Instant::now();
    let mut source = open_reader(label.into(), Box::new(gen_), format, Compression::None);
    let (mut values, mut errors) = (0u64, 0u64);
    while let Some(item) = source.next_batch() {
        match item {
            Ok(Batch::Text(c)) => values += c.data.len() as u64,
            Ok(Batch::Fields(f)) => values += f.len() as u64,
            Err(_) => errors += 1,
        }
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{label:8} {:8.0} MB in {secs:6.2} s = {:7.1} MB/s  (items {values}, errors {errors}, peak RSS so far {})",
        bytes as f64 / 1e6,
        bytes as f64 / 1e6 / secs,
        peak_rss_mib()
    );
}

fn generator(mb: u64, make: fn(u64) -> String) -> Generator {
    let mut g = Generator {
        remaining: 0,
        pending: Vec::new(),
        pos: 0,
        n: 0,
        make,
        prefix: None,
        suffix: None,
    };
    g.prepare();
    let block = g.pending.len() as u64;
    g.remaining = (mb << 20).div_ceil(block) * block;
    g
}

fn main() {
    let mb: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(512);
    run(
        "text",
        InputFormat::Text,
        generator(mb, |n| {
            format!(
                "2024-05-01T10:00:{:02}Z INFO user{n}@example.com logged in from 10.0.{}.{} order {n}\n",
                n % 60,
                n % 256,
                n % 200
            )
        }),
    );
    let mut csv = generator(mb, |n| {
        format!(
            "{n},user{n}@example.com,\"{n} Main St, Apt {}\",555-01{:02},1990-05-17\n",
            n % 9,
            n % 100
        )
    });
    csv.prefix = Some("id,email,address,phone,dob\n");
    run("csv", InputFormat::Csv, csv);
    run(
        "ndjson",
        InputFormat::Ndjson,
        generator(mb, |n| {
            format!(
                "{{\"id\":{n},\"customer\":{{\"email\":\"user{n}@example.com\",\"phone\":\"555-01{:02}\"}},\"items\":[{{\"sku\":\"A{n}\"}}]}}\n",
                n % 100
            )
        }),
    );
    let mut json = generator(mb, |n| {
        format!(
            "{{\"id\":{n},\"customer\":{{\"email\":\"user{n}@example.com\",\"phone\":\"555-01{:02}\"}},\"items\":[{{\"sku\":\"A{n}\"}}]}},\n",
            n % 100
        )
    });
    json.prefix = Some("[");
    json.suffix = Some("{}]");
    run("json", InputFormat::Json, json);
}
