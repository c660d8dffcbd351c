use std::io::{Read as _, Write as _};

use privet_crypto::{BackupReader, BackupWriter, CHUNK_LEN, CryptoError, SecretKey};
use proptest::prelude::*;

const INFO: &[u8] = b"privet backup of store v3";

fn data(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state.to_le_bytes()[0]
        })
        .collect()
}

/// Encrypts `plain`, writing it in pieces of `piece` bytes to exercise the buffering.
fn encrypt(key: &SecretKey, plain: &[u8], piece: usize) -> Vec<u8> {
    let mut writer = BackupWriter::new(Vec::new(), key, INFO).expect("header written");
    for part in plain.chunks(piece.max(1)) {
        writer.write_all(part).expect("writes to a Vec succeed");
    }
    writer.finish().expect("final chunk written")
}

fn decrypt(key: &SecretKey, stream: &[u8]) -> Result<(Vec<u8>, Vec<u8>), CryptoError> {
    let (mut reader, info) = BackupReader::new(stream, key)?;
    let mut out = Vec::new();
    reader.read_to_end(&mut out).map_err(|e| {
        let inner = CryptoError::from_io(&e).expect("reader errors wrap a CryptoError");
        match inner {
            CryptoError::Truncated => CryptoError::Truncated,
            CryptoError::Integrity => CryptoError::Integrity,
            other => panic!("unexpected reader error {other}"),
        }
    })?;
    Ok((out, info))
}

fn sizes() -> impl Strategy<Value = usize> {
    prop_oneof![
        Just(0),
        Just(CHUNK_LEN),
        Just(2 * CHUNK_LEN),
        CHUNK_LEN - 2..CHUNK_LEN + 3,
        0..300usize,
        0..3 * CHUNK_LEN + 7,
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn round_trip(len in sizes(), seed: u64, piece in 1..100_000usize) {
        let key = SecretKey::from_bytes([9; 32]);
        let plain = data(len, seed);
        let stream = encrypt(&key, &plain, piece);
        let (out, info) = decrypt(&key, &stream).unwrap();
        prop_assert_eq!(info.as_slice(), INFO);
        prop_assert!(out == plain);
    }

    #[test]
    fn any_truncation_fails(len in sizes(), seed: u64, cut: prop::sample::Index) {
        let key = SecretKey::from_bytes([9; 32]);
        let stream = encrypt(&key, &data(len, seed), 4096);
        let cut = cut.index(stream.len());
        prop_assert!(decrypt(&key, &stream[..cut]).is_err());
    }

    #[test]
    fn wrong_key_fails(len in sizes(), seed: u64) {
        let stream = encrypt(&SecretKey::from_bytes([9; 32]), &data(len, seed), 4096);
        let result = BackupReader::new(stream.as_slice(), &SecretKey::from_bytes([8; 32]));
        prop_assert!(matches!(result, Err(CryptoError::Integrity)));
    }
}

const SEALED_CHUNK: usize = CHUNK_LEN + 16;

fn header_len() -> usize {
    9 + 32 + 4 + INFO.len()
}

#[test]
fn cut_at_chunk_boundary_is_truncated() {
    let key = SecretKey::from_bytes([9; 32]);
    let stream = encrypt(&key, &data(3 * CHUNK_LEN, 1), CHUNK_LEN);
    let boundary = header_len() + 2 * SEALED_CHUNK;
    assert!(matches!(
        decrypt(&key, &stream[..boundary]),
        Err(CryptoError::Truncated)
    ));
    assert!(matches!(
        decrypt(&key, &stream[..header_len()]),
        Err(CryptoError::Truncated)
    ));
    assert!(matches!(
        decrypt(&key, &stream[..20]),
        Err(CryptoError::Truncated)
    ));
}

#[test]
fn reordered_chunks_fail() {
    let key = SecretKey::from_bytes([9; 32]);
    let mut stream = encrypt(&key, &data(3 * CHUNK_LEN, 2), 1000);
    let first = header_len();
    let second = first + SEALED_CHUNK;
    let chunk: Vec<u8> = stream[first..second].to_vec();
    stream.copy_within(second..second + SEALED_CHUNK, first);
    stream[second..second + SEALED_CHUNK].copy_from_slice(&chunk);
    assert!(matches!(
        decrypt(&key, &stream),
        Err(CryptoError::Integrity)
    ));
}

#[test]
fn chunk_from_another_backup_fails() {
    let key = SecretKey::from_bytes([9; 32]);
    let plain = data(2 * CHUNK_LEN, 3);
    let mut a = encrypt(&key, &plain, 1000);
    let b = encrypt(&key, &plain, 1000);
    let start = header_len();
    a[start..start + SEALED_CHUNK].copy_from_slice(&b[start..start + SEALED_CHUNK]);
    assert!(matches!(decrypt(&key, &a), Err(CryptoError::Integrity)));
}

#[test]
fn edited_header_or_trailing_data_fails() {
    let key = SecretKey::from_bytes([9; 32]);
    let stream = encrypt(&key, &data(1000, 4), 100);
    let mut edited = stream.clone();
    edited[9 + 32 + 4] ^= 1;
    assert!(matches!(
        decrypt(&key, &edited),
        Err(CryptoError::Integrity)
    ));
    let mut extended = stream.clone();
    extended.push(0);
    assert!(matches!(
        decrypt(&key, &extended),
        Err(CryptoError::Integrity)
    ));
    let mut dropped_last = encrypt(&key, &data(CHUNK_LEN + 5, 4), 100);
    dropped_last.truncate(header_len() + SEALED_CHUNK);
    assert!(matches!(
        decrypt(&key, &dropped_last),
        Err(CryptoError::Truncated)
    ));
}

#[test]
fn not_a_backup_is_malformed() {
    let key = SecretKey::from_bytes([9; 32]);
    let result = BackupReader::new(&b"PK\x03\x04 not a backup at all, a zip file"[..], &key);
    assert!(matches!(result, Err(CryptoError::Malformed(_))));
    let mut stream = encrypt(&key, b"x", 1);
    stream[8] = 2;
    let result = BackupReader::new(stream.as_slice(), &key);
    assert!(matches!(result, Err(CryptoError::Malformed(_))));
}

#[test]
fn errors_repeat_after_failure() {
    let key = SecretKey::from_bytes([9; 32]);
    let mut stream = encrypt(&key, &data(2 * CHUNK_LEN + 10, 5), 1000);
    let last = stream.len() - 1;
    stream[last] ^= 1;
    let (mut reader, _) = BackupReader::new(stream.as_slice(), &key).unwrap();
    let mut sink = Vec::new();
    assert!(reader.read_to_end(&mut sink).is_err());
    let mut buf = [0u8; 16];
    let again = reader.read(&mut buf).unwrap_err();
    assert!(matches!(
        CryptoError::from_io(&again),
        Some(CryptoError::Integrity)
    ));
}

#[test]
fn dropped_writer_leaves_an_unrestorable_stream() {
    let key = SecretKey::from_bytes([9; 32]);
    let mut out = Vec::new();
    {
        let mut writer = BackupWriter::new(&mut out, &key, INFO).unwrap();
        writer.write_all(&data(CHUNK_LEN * 2, 6)).unwrap();
    }
    assert!(decrypt(&key, &out).is_err());
}
