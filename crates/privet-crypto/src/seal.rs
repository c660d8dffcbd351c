use ring::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use zeroize::Zeroizing;

use crate::{CryptoError, SecretKey, random};

/// Length of the AES-GCM authentication tag appended to every ciphertext.
pub const TAG_LEN: usize = 16;
/// Bytes `seal` adds to a plaintext: the random nonce in front and the tag behind.
pub const SEAL_OVERHEAD: usize = NONCE_LEN + TAG_LEN;

pub(crate) fn aead_key(key: &[u8]) -> Result<LessSafeKey, CryptoError> {
    UnboundKey::new(&AES_256_GCM, key)
        .map(LessSafeKey::new)
        .map_err(|_| CryptoError::Internal("AES-256-GCM refused a 32-byte key"))
}

/// Encrypts `plaintext` with AES-256-GCM under a fresh random 96-bit nonce, binding `aad`.
/// Output: `nonce (12) || ciphertext || tag (16)`. Random nonces are safe for up to 2^32
/// messages per key; per-subject keys stay far below that.
pub fn seal(key: &SecretKey, aad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, CryptoError> {
    seal_with_nonce(key, random::random_bytes::<NONCE_LEN>()?, aad, plaintext)
}

fn seal_with_nonce(
    key: &SecretKey,
    nonce: [u8; NONCE_LEN],
    aad: &[u8],
    plaintext: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    let mut out = Vec::with_capacity(SEAL_OVERHEAD + plaintext.len());
    out.extend_from_slice(&nonce);
    out.extend_from_slice(plaintext);
    let tag = aead_key(key.expose())?
        .seal_in_place_separate_tag(
            Nonce::assume_unique_for_key(nonce),
            Aad::from(aad),
            &mut out[NONCE_LEN..],
        )
        .map_err(|_| CryptoError::Internal("AES-256-GCM refused to seal"))?;
    out.extend_from_slice(tag.as_ref());
    Ok(out)
}

/// Decrypts the output of [`seal`]; fails with [`CryptoError::Integrity`] if the key, the AAD
/// or any byte differs.
pub fn open(key: &SecretKey, aad: &[u8], sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    let Some((nonce, body)) = sealed.split_first_chunk::<NONCE_LEN>() else {
        return Err(CryptoError::Integrity);
    };
    if body.len() < TAG_LEN {
        return Err(CryptoError::Integrity);
    }
    let mut buf = Zeroizing::new(body.to_vec());
    let len = aead_key(key.expose())?
        .open_in_place(
            Nonce::assume_unique_for_key(*nonce),
            Aad::from(aad),
            buf.as_mut_slice(),
        )
        .map_err(|_| CryptoError::Integrity)?
        .len();
    buf.truncate(len);
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unhex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    fn key(s: &str) -> SecretKey {
        SecretKey::from_bytes(unhex(s).try_into().unwrap())
    }

    /// McGrew & Viega, "The Galois/Counter Mode of Operation", test cases 13, 14 and 16.
    #[test]
    fn gcm_spec_known_answers() {
        let cases = [
            (
                "0000000000000000000000000000000000000000000000000000000000000000",
                "000000000000000000000000",
                "",
                "",
                "",
                "530f8afbc74536b9a963b4f1c4cb738b",
            ),
            (
                "0000000000000000000000000000000000000000000000000000000000000000",
                "000000000000000000000000",
                "00000000000000000000000000000000",
                "",
                "cea7403d4d606b6e074ec5d3baf39d18",
                "d0d1c8a799996bf0265b98b5d48ab919",
            ),
            (
                "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
                "cafebabefacedbaddecaf888",
                "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72\
                 1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
                "feedfacedeadbeeffeedfacedeadbeefabaddad2",
                "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa\
                 8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
                "76fc6ece0f4e1768cddf8853bb2d551b",
            ),
        ];
        for (k, iv, pt, aad, ct, tag) in cases {
            let k = key(k);
            let iv: [u8; NONCE_LEN] = unhex(iv).try_into().unwrap();
            let sealed = seal_with_nonce(&k, iv, &unhex(aad), &unhex(pt)).unwrap();
            let mut expected = iv.to_vec();
            expected.extend(unhex(ct));
            expected.extend(unhex(tag));
            assert_eq!(sealed, expected);
            assert_eq!(*open(&k, &unhex(aad), &sealed).unwrap(), unhex(pt));
        }
    }

    #[test]
    fn short_input_is_an_integrity_failure() {
        let k = SecretKey::from_bytes([1; 32]);
        for len in [0, 5, NONCE_LEN, SEAL_OVERHEAD - 1] {
            assert!(matches!(
                open(&k, b"", &vec![0; len]),
                Err(CryptoError::Integrity)
            ));
        }
    }

    #[test]
    fn overhead_is_as_documented() {
        let k = SecretKey::from_bytes([1; 32]);
        assert_eq!(seal(&k, b"a", b"hello").unwrap().len(), 5 + SEAL_OVERHEAD);
    }
}
