//! Encrypted backup streams: the STREAM construction (Hoang, Reyhanitabar, Rogaway, Vizár)
//! over AES-256-GCM.
//!
//! Layout: `PRIVETBK\x01 || salt (32) || u32be(len) || header_info || chunk*`. The file key is
//! HKDF-SHA256(key, salt, "privet backup v1"), so no two backups share a key. Each chunk is
//! 64 KiB of plaintext (the last one 0..=64 KiB) sealed with nonce `u64be(counter) || u32be(last)`
//! and the whole header as AAD: reordering, dropping, swapping chunks between files, editing
//! the header or cutting the stream all fail authentication or end without a final chunk.

mod reader;
mod writer;

pub use reader::BackupReader;
pub use writer::BackupWriter;

use ring::aead::{AES_256_GCM, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use ring::hkdf;

use crate::{CryptoError, SecretKey};

/// First bytes of every backup; the last byte is the format version.
pub const BACKUP_MAGIC: &[u8; 9] = b"PRIVETBK\x01";
/// Plaintext bytes per chunk.
pub const CHUNK_LEN: usize = 64 * 1024;
/// Upper bound on `header_info`, so a hostile header cannot make the reader allocate at will.
pub const MAX_HEADER_INFO: usize = 1024 * 1024;

const SALT_LEN: usize = 32;
const HKDF_INFO: &[u8] = b"privet backup v1";

fn file_key(key: &SecretKey, salt: &[u8; SALT_LEN]) -> Result<LessSafeKey, CryptoError> {
    let info = [HKDF_INFO];
    let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, salt).extract(key.expose());
    let okm = prk
        .expand(&info, &AES_256_GCM)
        .map_err(|_| CryptoError::Internal("HKDF refused a 32-byte output"))?;
    Ok(LessSafeKey::new(UnboundKey::from(okm)))
}

/// The header bytes, which are also the AAD of every chunk.
fn header(salt: &[u8; SALT_LEN], info: &[u8]) -> Result<Vec<u8>, CryptoError> {
    if info.len() > MAX_HEADER_INFO {
        return Err(CryptoError::InvalidInput(
            "backup header_info is larger than 1 MiB",
        ));
    }
    let len = u32::try_from(info.len())
        .map_err(|_| CryptoError::InvalidInput("backup header_info is larger than 1 MiB"))?;
    let mut out = Vec::with_capacity(BACKUP_MAGIC.len() + SALT_LEN + 4 + info.len());
    out.extend_from_slice(BACKUP_MAGIC);
    out.extend_from_slice(salt);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(info);
    Ok(out)
}

fn chunk_nonce(counter: u64, last: bool) -> Nonce {
    let mut nonce = [0u8; NONCE_LEN];
    nonce[..8].copy_from_slice(&counter.to_be_bytes());
    nonce[8..].copy_from_slice(&u32::from(last).to_be_bytes());
    Nonce::assume_unique_for_key(nonce)
}

fn next_counter(counter: u64) -> Result<u64, CryptoError> {
    counter.checked_add(1).ok_or(CryptoError::InvalidInput(
        "backup stream exceeds 2^64 chunks",
    ))
}
