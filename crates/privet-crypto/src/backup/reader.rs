use std::io::{self, Read};

use ring::aead::{Aad, LessSafeKey};
use zeroize::Zeroizing;

use super::{
    BACKUP_MAGIC, CHUNK_LEN, MAX_HEADER_INFO, SALT_LEN, chunk_nonce, file_key, header, next_counter,
};
use crate::seal::TAG_LEN;
use crate::{CryptoError, SecretKey};

const SEALED_CHUNK_LEN: usize = CHUNK_LEN + TAG_LEN;

enum State {
    Reading,
    Done,
    Failed(CryptoError),
}

/// Decrypts a stream written by [`super::BackupWriter`]. Errors are `io::Error`s wrapping a
/// [`CryptoError`] (see [`CryptoError::from_io`]). Chunks are released as they authenticate, so
/// a restore must treat any error, even after data was read, as a failed restore.
pub struct BackupReader<R> {
    input: R,
    key: LessSafeKey,
    aad: Vec<u8>,
    counter: u64,
    raw: Vec<u8>,
    plain: Zeroizing<Vec<u8>>,
    pos: usize,
    state: State,
}

impl<R: Read> BackupReader<R> {
    /// Reads the header and authenticates the first chunk, so the returned `header_info`
    /// is genuine and a wrong key fails here rather than on the first read.
    pub fn new(mut input: R, key: &SecretKey) -> Result<(Self, Vec<u8>), CryptoError> {
        let mut magic = [0u8; BACKUP_MAGIC.len()];
        read_header_part(&mut input, &mut magic)?;
        if magic[..8] != BACKUP_MAGIC[..8] {
            return Err(CryptoError::Malformed("not a privet backup"));
        }
        if magic != *BACKUP_MAGIC {
            return Err(CryptoError::Malformed(
                "unsupported privet backup format version",
            ));
        }
        let mut salt = [0u8; SALT_LEN];
        read_header_part(&mut input, &mut salt)?;
        let mut len = [0u8; 4];
        read_header_part(&mut input, &mut len)?;
        let len = usize::try_from(u32::from_be_bytes(len))
            .ok()
            .filter(|len| *len <= MAX_HEADER_INFO)
            .ok_or(CryptoError::Malformed(
                "backup header_info is larger than 1 MiB",
            ))?;
        let mut info = vec![0u8; len];
        read_header_part(&mut input, &mut info)?;
        let mut reader = Self {
            input,
            key: file_key(key, &salt)?,
            aad: header(&salt, &info)?,
            counter: 0,
            raw: Vec::with_capacity(SEALED_CHUNK_LEN + 1),
            plain: Zeroizing::new(Vec::with_capacity(SEALED_CHUNK_LEN)),
            pos: 0,
            state: State::Reading,
        };
        reader.next_chunk()?;
        Ok((reader, info))
    }

    /// Decrypts the next chunk into `plain`. A chunk is the last one when the input ends
    /// right after it, which is why one byte beyond a full chunk is read ahead.
    fn next_chunk(&mut self) -> Result<(), CryptoError> {
        let want = SEALED_CHUNK_LEN + 1 - self.raw.len();
        (&mut self.input)
            .take(want as u64)
            .read_to_end(&mut self.raw)?;
        let last = self.raw.len() <= SEALED_CHUNK_LEN;
        if last && self.raw.len() < TAG_LEN {
            return Err(CryptoError::Truncated);
        }
        let sealed_len = self.raw.len().min(SEALED_CHUNK_LEN);
        self.plain.clear();
        self.plain.extend_from_slice(&self.raw[..sealed_len]);
        let opened = self.key.open_in_place(
            chunk_nonce(self.counter, last),
            Aad::from(&self.aad),
            self.plain.as_mut_slice(),
        );
        let Ok(plain) = opened else {
            self.plain.clear();
            return Err(self.classify_failure(sealed_len, last));
        };
        let plain_len = plain.len();
        self.plain.truncate(plain_len);
        self.raw.drain(..sealed_len);
        self.pos = 0;
        self.counter = next_counter(self.counter)?;
        if last {
            self.state = State::Done;
        }
        Ok(())
    }

    /// A chunk taken as the last one failed. If it opens as a middle chunk, the stream was cut
    /// at a chunk boundary: report truncation rather than tampering. Its plaintext is dropped.
    fn classify_failure(&self, sealed_len: usize, last: bool) -> CryptoError {
        if !last {
            return CryptoError::Integrity;
        }
        let mut probe = Zeroizing::new(self.raw[..sealed_len].to_vec());
        let middle = self.key.open_in_place(
            chunk_nonce(self.counter, false),
            Aad::from(&self.aad),
            probe.as_mut_slice(),
        );
        match middle {
            Ok(_) => CryptoError::Truncated,
            Err(_) => CryptoError::Integrity,
        }
    }
}

impl<R: Read> Read for BackupReader<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        loop {
            if self.pos < self.plain.len() {
                let n = out.len().min(self.plain.len() - self.pos);
                out[..n].copy_from_slice(&self.plain[self.pos..self.pos + n]);
                self.pos += n;
                return Ok(n);
            }
            match &self.state {
                State::Done => return Ok(0),
                State::Failed(e) => return Err(to_io(replay(e))),
                State::Reading if out.is_empty() => return Ok(0),
                State::Reading => {}
            }
            match self.next_chunk() {
                Ok(()) => {}
                // Plain I/O errors leave the buffers consistent, so the caller may retry.
                Err(CryptoError::Io(e)) => return Err(e),
                Err(e) => {
                    self.state = State::Failed(replay(&e));
                    return Err(to_io(e));
                }
            }
        }
    }
}

fn read_header_part(input: &mut impl Read, buf: &mut [u8]) -> Result<(), CryptoError> {
    input.read_exact(buf).map_err(|e| match e.kind() {
        io::ErrorKind::UnexpectedEof => CryptoError::Truncated,
        _ => CryptoError::Io(e),
    })
}

/// A copy of a stream failure, returned again on every later read.
fn replay(e: &CryptoError) -> CryptoError {
    match e {
        CryptoError::Truncated => CryptoError::Truncated,
        CryptoError::Malformed(why) => CryptoError::Malformed(why),
        CryptoError::InvalidInput(why) => CryptoError::InvalidInput(why),
        CryptoError::Internal(why) => CryptoError::Internal(why),
        _ => CryptoError::Integrity,
    }
}

fn to_io(e: CryptoError) -> io::Error {
    let kind = match e {
        CryptoError::Truncated => io::ErrorKind::UnexpectedEof,
        _ => io::ErrorKind::InvalidData,
    };
    io::Error::new(kind, e)
}
