//! Text and logs: chunks of whole lines through the detectors; only the spans change.

use std::io::{BufRead, Write};

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
    let (mut lines, mut changed) = (0u64, 0u64);
    let mut chunk: Vec<u8> = Vec::with_capacity(CHUNK + 4096);
    let mut line = Vec::new();
    loop {
        let first = lines + 1;
        chunk.clear();
        let mut more = true;
        while chunk.len() < CHUNK {
            more = read_line(&mut reader, &mut line, ctx, lines + 1)?;
            if !more {
                break;
            }
            lines += 1;
            chunk.extend_from_slice(&line);
        }
        if chunk.is_empty() {
            break;
        }
        let text = std::str::from_utf8(&chunk).map_err(|e| {
            let bad = first + memchr_count(&chunk[..e.valid_up_to()]);
            ctx.at(
                &format!("line {bad}"),
                RedactError::Io("invalid UTF-8".into()),
            )
        })?;
        let (redacted, replaced) = ctx
            .engine
            .text_counted(text)
            .map_err(|e| ctx.at(&format!("lines {first}-{lines}"), e))?;
        changed += replaced as u64;
        out.write_all(redacted.as_bytes())
            .map_err(|e| ctx.write_error(&e))?;
        if !more {
            break;
        }
    }
    Ok((lines, changed))
}

fn memchr_count(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| b == b'\n').count() as u64
}
