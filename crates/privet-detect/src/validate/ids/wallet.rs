//! Cryptocurrency addresses: Base58Check (Bitcoin P2PKH/P2SH, Litecoin)
//! with its double SHA-256 checksum, and Bech32/Bech32m segwit addresses
//! (BIP 173, BIP 350) with their BCH checksum.

use sha2::{Digest, Sha256};

const BASE58: &[u8; 58] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
const BECH32: &[u8; 32] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";

/// A Base58Check or Bech32 address of a known network.
pub(crate) fn address(span: &[u8]) -> bool {
    base58check(span) || bech32(span)
}

/// Base58Check: 25 decoded bytes, a version byte of Bitcoin (0x00, 0x05,
/// testnet 0x6f, 0xc4) or Litecoin (0x30, 0x32), and the first four bytes of
/// SHA-256(SHA-256(payload)) last.
fn base58check(span: &[u8]) -> bool {
    if !(25..=35).contains(&span.len()) {
        return false;
    }
    let mut bytes = [0u8; 25];
    for &c in span {
        let Some(v) = BASE58.iter().position(|&a| a == c) else {
            return false;
        };
        // bytes = bytes * 58 + v, big-endian.
        let mut carry = v as u32;
        for b in bytes.iter_mut().rev() {
            let x = u32::from(*b) * 58 + carry;
            *b = x as u8;
            carry = x >> 8;
        }
        if carry != 0 {
            return false;
        }
    }
    let leading_ones = span.iter().take_while(|&&c| c == b'1').count();
    let leading_zeros = bytes.iter().take_while(|&&b| b == 0).count();
    if leading_ones != leading_zeros {
        return false;
    }
    let (payload, check) = bytes.split_at(21);
    let digest = Sha256::digest(Sha256::digest(payload));
    matches!(payload[0], 0x00 | 0x05 | 0x6f | 0xc4 | 0x30 | 0x32) && digest[..4] == *check
}

/// Bech32 (BIP 173) and Bech32m (BIP 350) segwit addresses of Bitcoin
/// (`bc1`, `tb1`) and Litecoin (`ltc1`), one case throughout.
fn bech32(span: &[u8]) -> bool {
    let lower = span.to_ascii_lowercase();
    if span != lower.as_slice() && span != span.to_ascii_uppercase().as_slice() {
        return false;
    }
    let Some(sep) = lower.iter().rposition(|&b| b == b'1') else {
        return false;
    };
    let (hrp, data) = (&lower[..sep], &lower[sep + 1..]);
    if !matches!(hrp, b"bc" | b"tb" | b"ltc") || !(8..=87).contains(&data.len()) {
        return false;
    }
    let mut values = Vec::with_capacity(hrp.len() * 2 + 1 + data.len());
    values.extend(hrp.iter().map(|&c| c >> 5));
    values.push(0);
    values.extend(hrp.iter().map(|&c| c & 31));
    for &c in data {
        let Some(v) = BECH32.iter().position(|&a| a == c) else {
            return false;
        };
        values.push(v as u8);
    }
    let pm = polymod(&values);
    pm == 1 || pm == 0x2bc8_30a3
}

fn polymod(values: &[u8]) -> u32 {
    const GEN: [u32; 5] = [
        0x3b6a_57b2,
        0x2650_8e6d,
        0x1ea1_19fa,
        0x3d42_33dd,
        0x2a14_62b3,
    ];
    let mut chk = 1u32;
    for &v in values {
        let top = chk >> 25;
        chk = ((chk & 0x01ff_ffff) << 5) ^ u32::from(v);
        for (i, g) in GEN.iter().enumerate() {
            if (top >> i) & 1 == 1 {
                chk ^= g;
            }
        }
    }
    chk
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base58check_addresses() {
        // The genesis block's address and a P2SH example from BIP 13's era.
        for ok in [
            "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
            "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy",
        ] {
            assert!(address(ok.as_bytes()), "{ok}");
        }
        for bad in [
            "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb",
            "1A1zP1eP5QGefi2DMPTfTL5SLmv7Divf0a",
            "1A1zP1eP5QGefi2DMPTf",
        ] {
            assert!(!address(bad.as_bytes()), "{bad}");
        }
    }

    #[test]
    fn bech32_addresses() {
        // BIP 173's and BIP 350's test vectors.
        for ok in [
            "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
            "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4",
            "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
        ] {
            assert!(address(ok.as_bytes()), "{ok}");
        }
        for bad in [
            "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5",
            "Bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
            "xx1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
        ] {
            assert!(!address(bad.as_bytes()), "{bad}");
        }
    }
}
