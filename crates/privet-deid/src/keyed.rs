//! Deterministic pseudo-random draws from HMAC-SHA256 under a key: the same key, domain and
//! input always give the same sequence, which is what makes pseudonyms, fakes and date shifts
//! stable across files and runs.

use privet_crypto::{DIGEST_LEN, SecretKey, mac};

pub(crate) struct KeyedStream<'a> {
    key: &'a SecretKey,
    domain: &'a [u8],
    input: &'a [u8],
    counter: u64,
    block: [u8; DIGEST_LEN],
    used: usize,
}

impl<'a> KeyedStream<'a> {
    pub(crate) fn new(key: &'a SecretKey, domain: &'a [u8], input: &'a [u8]) -> Self {
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

    pub(crate) fn next_u64(&mut self) -> u64 {
        if self.used + 8 > DIGEST_LEN {
            self.refill();
        }
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(&self.block[self.used..self.used + 8]);
        self.used += 8;
        u64::from_be_bytes(bytes)
    }

    /// A draw in `0..n` (`n > 0`); the modulo bias is below n / 2^64, negligible for the small
    /// ranges used here.
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// An element of a non-empty list.
    pub(crate) fn pick<'l, T>(&mut self, list: &'l [T]) -> &'l T {
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
}
