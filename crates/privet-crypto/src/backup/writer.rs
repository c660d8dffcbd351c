use std::io::{self, Write};

use ring::aead::{Aad, LessSafeKey};
use zeroize::Zeroizing;

use super::{CHUNK_LEN, chunk_nonce, file_key, header, next_counter};
use crate::{CryptoError, SecretKey, random};

/// Encrypts a backup stream. Call [`BackupWriter::finish`]: a stream dropped without it has no
/// final chunk and will not restore.
pub struct BackupWriter<W> {
    out: W,
    key: LessSafeKey,
    aad: Vec<u8>,
    counter: u64,
    buf: Zeroizing<Vec<u8>>,
    failed: bool,
}

impl<W: Write> BackupWriter<W> {
    /// Writes the header to `out`. `header_info` (at most 1 MiB) is stored in clear but
    /// authenticated; put no personal data in it.
    pub fn new(mut out: W, key: &SecretKey, header_info: &[u8]) -> Result<Self, CryptoError> {
        let salt = random::random_bytes()?;
        let aad = header(&salt, header_info)?;
        out.write_all(&aad)?;
        Ok(Self {
            out,
            key: file_key(key, &salt)?,
            aad,
            counter: 0,
            buf: Zeroizing::new(Vec::with_capacity(CHUNK_LEN)),
            failed: false,
        })
    }

    /// Seals the final chunk, flushes and returns the underlying writer.
    pub fn finish(mut self) -> Result<W, CryptoError> {
        if self.failed {
            return Err(CryptoError::Io(failed_error()));
        }
        self.seal_chunk(true)?;
        self.out.flush()?;
        Ok(self.out)
    }

    fn seal_chunk(&mut self, last: bool) -> Result<(), CryptoError> {
        let tag = self
            .key
            .seal_in_place_separate_tag(
                chunk_nonce(self.counter, last),
                Aad::from(&self.aad),
                self.buf.as_mut_slice(),
            )
            .map_err(|_| CryptoError::Internal("AES-256-GCM refused to seal a chunk"))?;
        self.out.write_all(&self.buf)?;
        self.out.write_all(tag.as_ref())?;
        self.buf.clear();
        self.counter = next_counter(self.counter)?;
        Ok(())
    }
}

fn failed_error() -> io::Error {
    io::Error::other("backup writer failed earlier; the stream is unusable")
}

impl<W: Write> Write for BackupWriter<W> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        if self.failed {
            return Err(failed_error());
        }
        if data.is_empty() {
            return Ok(0);
        }
        // A full buffer is sealed only once more data arrives: until then it may be the last.
        if self.buf.len() == CHUNK_LEN
            && let Err(e) = self.seal_chunk(false)
        {
            self.failed = true;
            return Err(match e {
                CryptoError::Io(e) => e,
                other => io::Error::other(other),
            });
        }
        let n = data.len().min(CHUNK_LEN - self.buf.len());
        self.buf.extend_from_slice(&data[..n]);
        Ok(n)
    }

    /// Flushes the underlying writer. Buffered plaintext stays buffered: chunks have a fixed size.
    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}
