//! Entry points for the fuzz targets (`fuzz/fuzz_targets/key_file.rs`, `backup_stream.rs`):
//! the parsers of outside input this crate owns, checked for panics and for the properties that
//! must hold on any input.

use std::io::Read;

use crate::provider::format::{parse_file, render_file};
use crate::{BackupReader, BackupWriter, EnvKeyProvider, KeyProvider, SecretKey};

/// The key-file and `PRIVET_MASTER_KEY` parsers over arbitrary text: no panic; an accepted file
/// renders and parses back to the same versions; no error repeats a run of the input that could
/// be key material.
pub fn fuzz_key_text(text: &str) {
    match parse_file(text) {
        Ok(ring) => {
            let again = parse_file(&render_file(&ring)).expect("a rendered key file parses");
            assert_eq!(ring.versions(), again.versions());
            for v in ring.versions() {
                assert_eq!(
                    ring.key(v).map(|k| k.expose().to_vec()),
                    again.key(v).map(|k| k.expose().to_vec())
                );
            }
        }
        Err(_) => assert_quotes_no_key(text, |t| parse_file(t).err()),
    }
    assert_quotes_no_key(text, |t| {
        EnvKeyProvider::new(t).load().err().map(|e| e.to_string())
    });
}

/// No error for `input` repeats a long piece of it: a piece that shows up in the message is
/// replaced in the input, and if the message then changes, the message was echoing it (a piece
/// that stays is the message's own wording, such as the variable's name).
fn assert_quotes_no_key(input: &str, error: impl Fn(&str) -> Option<String>) {
    let Some(message) = error(input) else {
        return;
    };
    for token in input.split(|c: char| c.is_whitespace() || c == ',' || c == ':') {
        if token.len() < 16 || !message.contains(token) {
            continue;
        }
        let filler = if token.starts_with('Q') { "R" } else { "Q" };
        let swapped = input.replace(token, &filler.repeat(token.len()));
        let still = error(&swapped).is_some_and(|m| m.contains(token));
        assert!(still, "an error message repeats a piece of the key text");
    }
}

/// The backup stream reader over arbitrary bytes: no panic and no data from a stream that does
/// not authenticate. With a first byte of 0, the rest is written as a backup and must read back
/// exactly.
pub fn fuzz_backup_stream(data: &[u8]) {
    let key = SecretKey::from_bytes([7; 32]);
    match data.split_first() {
        Some((0, body)) => {
            let mut stream = Vec::new();
            let mut w = BackupWriter::new(&mut stream, &key, b"fuzz").expect("writer");
            std::io::Write::write_all(&mut w, body).expect("write");
            w.finish().expect("finish");
            let (mut r, info) = BackupReader::new(stream.as_slice(), &key).expect("reader");
            assert_eq!(info, b"fuzz");
            let mut back = Vec::new();
            r.read_to_end(&mut back).expect("read back");
            assert_eq!(back, body);
        }
        _ => {
            if let Ok((mut r, _)) = BackupReader::new(data, &key) {
                let mut out = Vec::new();
                // Bytes not written under the key never authenticate: no plaintext comes out.
                if r.read_to_end(&mut out).is_ok() {
                    assert!(out.is_empty(), "a forged stream yielded data");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_points_hold_on_simple_inputs() {
        fuzz_key_text("");
        fuzz_key_text("v1 retired\n");
        fuzz_key_text("v1 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n");
        fuzz_key_text("1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA,2:nope");
        // Found by the fuzzer: an input holding the message's own wording is no echo.
        fuzz_key_text(
            "#key source: PRIVET_MASTER_KEY: version 1: key is not valid base6AAAAAAAAAiAAAA",
        );
        fuzz_backup_stream(b"");
        fuzz_backup_stream(b"\0hello backup");
        fuzz_backup_stream(b"PRIVETBK garbage");
    }
}
