//! Text and logs: chunks of whole lines through the detectors on every core; only the spans
//! change.

use std::io::{BufRead, Write};
use std::sync::atomic::{AtomicUsize, Ordering};

use super::{Ctx, read_line};
use crate::cell::RedactError;
use crate::output::Sink;

/// Lines are gathered into chunks of about this size, so the detector runs on big slices.
const CHUNK: usize = 1 << 20;

pub(super) fn redact(
    mut reader: impl BufRead,
    out: &mut Sink,
    ctx: &Ctx<'_>,
) -> Result<(u64, u64), RedactError> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    // A few chunks per core in flight keeps every core busy while memory
    // stays at a few chunks of input and output whatever the file size.
    let window = threads * 2;
    let (mut lines, mut changed) = (0u64, 0u64);
    let mut line = Vec::new();
    let mut more = true;
    while more {
        let mut chunks: Vec<Chunk> = Vec::with_capacity(window);
        let mut read_failed = None;
        while more && chunks.len() < window {
            let first = lines + 1;
            let mut data = Vec::with_capacity(CHUNK + 4096);
            while data.len() < CHUNK {
                match read_line(&mut reader, &mut line, ctx, lines + 1) {
                    Ok(true) => {
                        lines += 1;
                        data.extend_from_slice(&line);
                    }
                    Ok(false) => {
                        more = false;
                        break;
                    }
                    Err(e) => {
                        // The lines of a chunk cut short by the failure are not redacted.
                        read_failed = Some(e);
                        more = false;
                        data.clear();
                        break;
                    }
                }
            }
            if !data.is_empty() {
                chunks.push(Chunk {
                    first,
                    last: lines,
                    data,
                });
            }
        }
        // Chunks are cut where they were cut one at a time, each is redacted on
        // its own, and they are written in order: the output does not depend on
        // the number of threads, and the first failure in input order is reported.
        for result in redact_chunks(&chunks, ctx, threads) {
            let (redacted, replaced) = result?;
            changed += replaced as u64;
            out.write_all(redacted.as_bytes())
                .map_err(|e| ctx.write_error(&e))?;
        }
        if let Some(e) = read_failed {
            return Err(e);
        }
    }
    Ok((lines, changed))
}

/// Whole lines `first..=last` of the input.
struct Chunk {
    first: u64,
    last: u64,
    data: Vec<u8>,
}

/// Redacts `chunks` on up to `threads` threads; the results are in chunk order.
fn redact_chunks(
    chunks: &[Chunk],
    ctx: &Ctx<'_>,
    threads: usize,
) -> Vec<Result<(String, usize), RedactError>> {
    let workers = threads.min(chunks.len());
    if workers <= 1 {
        return chunks.iter().map(|c| redact_chunk(c, ctx)).collect();
    }
    let next = AtomicUsize::new(0);
    let mut results: Vec<Option<Result<(String, usize), RedactError>>> =
        chunks.iter().map(|_| None).collect();
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(chunk) = chunks.get(i) else {
                            return done;
                        };
                        done.push((i, redact_chunk(chunk, ctx)));
                    }
                })
            })
            .collect();
        for handle in handles {
            match handle.join() {
                Ok(done) => {
                    for (i, result) in done {
                        results[i] = Some(result);
                    }
                }
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
    });
    results
        .into_iter()
        .map(|r| r.unwrap_or_else(|| Err(RedactError::Io("a chunk was not redacted".into()))))
        .collect()
}

/// One chunk redacted, and how many values it changed.
fn redact_chunk(chunk: &Chunk, ctx: &Ctx<'_>) -> Result<(String, usize), RedactError> {
    let text = std::str::from_utf8(&chunk.data).map_err(|e| {
        let bad = chunk.first + memchr_count(&chunk.data[..e.valid_up_to()]);
        ctx.at(
            &format!("line {bad}"),
            RedactError::Io("invalid UTF-8".into()),
        )
    })?;
    ctx.engine
        .text_counted(text)
        .map_err(|e| ctx.at(&format!("lines {}-{}", chunk.first, chunk.last), e))
}

fn memchr_count(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| b == b'\n').count() as u64
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::engine::{Engine, Mode, Secrets};
    use crate::policy::Policy;

    /// Chunks redacted on several threads come back in input order and equal
    /// to one thread's, failures included.
    #[test]
    fn chunks_on_many_threads_equal_one_thread() {
        let engine = Engine::new(
            Policy::parse("").expect("empty policy"),
            Secrets {
                key: None,
                vault: None,
            },
            Mode::Redact,
        )
        .expect("engine");
        let ctx = Ctx {
            path: Path::new("t.log"),
            engine: &engine,
        };
        let mut chunks: Vec<Chunk> = (0..9u64)
            .map(|i| Chunk {
                first: i * 2 + 1,
                last: i * 2 + 2,
                data: format!(
                    "ticket {i}: mail ana{i}@example.com, call +44 20 7946 09{i:02}\n\
                     card 4111 1111 1111 1111 from 10.0.{i}.7, Maria Garcia wrote\n"
                )
                .into_bytes(),
            })
            .collect();
        // Line 14 (the second of chunk 6) is not UTF-8.
        let second = chunks[6]
            .data
            .iter()
            .position(|&b| b == b'\n')
            .expect("two lines")
            + 1;
        chunks[6].data.insert(second, 0xFF);
        let one = redact_chunks(&chunks, &ctx, 1);
        for threads in [2, 3, 8] {
            let many = redact_chunks(&chunks, &ctx, threads);
            assert_eq!(many.len(), one.len());
            for (i, (a, b)) in one.iter().zip(&many).enumerate() {
                match (a, b) {
                    (Ok(a), Ok(b)) => assert_eq!(a, b, "chunk {i}, {threads} threads"),
                    (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string()),
                    _ => panic!("chunk {i} differs on {threads} threads"),
                }
            }
        }
        let (text, replaced) = one[0].as_ref().expect("chunk 0 redacts");
        assert!(
            replaced >= &3 && !text.contains("ana0@example.com"),
            "{text}"
        );
        let err = one[6].as_ref().expect_err("invalid UTF-8");
        assert!(err.to_string().contains("line 14"), "{err}");
    }
}
