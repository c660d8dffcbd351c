//! Deterministic pseudo-random draws from HMAC-SHA256 under a key: the same key, domain and
//! input always give the same sequence, which is what makes pseudonyms, fakes and date shifts
//! stable across files and runs.

use crate::{DIGEST_LEN, SecretKey, mac};

/// A keyed, deterministic stream of pseudo-random draws.
#[derive(Debug)]
pub struct KeyedStream<'a> {
    key: &'a SecretKey,
    domain: &'a [u8],
    input: &'a [u8],
    counter: u64,
    block: [u8; DIGEST_LEN],
    used: usize,
}

impl<'a> KeyedStream<'a> {
    /// The stream of `key` under `domain` for `input`.
    pub fn new(key: &'a SecretKey, domain: &'a [u8], input: &'a [u8]) -> Self {
        Self {
            key,
            domain,
            input,
            counter: 0,
            block: [0; DIGEST_LEN],
            used: DIGEST_LEN,
        }
    }

    /// Block `i` is `mac(key, domain, u64be(i) || input)`.
    fn refill(&mut self) {
        let mut data = Vec::with_capacity(8 + self.input.len());
        data.extend_from_slice(&self.counter.to_be_bytes());
        data.extend_from_slice(self.input);
        self.block = mac(self.key, self.domain, &data);
        self.counter += 1;
        self.used = 0;
    }

    /// The next eight bytes as a big-endian integer.
    pub fn next_u64(&mut self) -> u64 {
        if self.used + 8 > DIGEST_LEN {
            self.refill();
        }
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(&self.block[self.used..self.used + 8]);
        self.used += 8;
        u64::from_be_bytes(bytes)
    }

    /// A decimal digit (`0..=9`) without modulo bias: bytes of 250 and above are skipped.
    pub fn digit(&mut self) -> u8 {
        loop {
            if self.used == DIGEST_LEN {
                self.refill();
            }
            let b = self.block[self.used];
            self.used += 1;
            if b < 250 {
                return b % 10;
            }
        }
    }

    /// A draw in `0..n` (`n > 0`); the modulo bias is below n / 2^64, negligible for the small
    /// ranges used here.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// An element of a non-empty list.
    pub fn pick<'l, T>(&mut self, list: &'l [T]) -> &'l T {
        let index = self.below(list.len() as u64) as usize;
        &list[index]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stream_is_deterministic_and_input_bound() {
        let key = SecretKey::from_bytes([1; 32]);
        let draw = |input: &[u8]| {
            let mut s = KeyedStream::new(&key, b"d", input);
            (0..10).map(|_| s.next_u64()).collect::<Vec<_>>()
        };
        assert_eq!(draw(b"a"), draw(b"a"));
        assert_ne!(draw(b"a"), draw(b"b"));
        let all = draw(b"a");
        let distinct: std::collections::HashSet<_> = all.iter().collect();
        assert_eq!(distinct.len(), all.len());
    }

    #[test]
    fn digits_are_decimal_deterministic_and_spread() {
        let key = SecretKey::from_bytes([2; 32]);
        let draw = || {
            let mut s = KeyedStream::new(&key, b"token-digits", b"seed");
            (0..10_000).map(|_| s.digit()).collect::<Vec<_>>()
        };
        let digits = draw();
        assert_eq!(digits, draw());
        let mut counts = [0usize; 10];
        for d in &digits {
            counts[usize::from(*d)] += 1;
        }
        // 1,000 expected per digit; 800..1200 is over six standard deviations wide.
        assert!(
            counts.iter().all(|&n| (800..1200).contains(&n)),
            "{counts:?}"
        );
    }
}
