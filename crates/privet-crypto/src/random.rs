use ring::rand::{SecureRandom, SystemRandom};

use crate::CryptoError;

/// Fills `buf` from the operating system's CSPRNG.
pub(crate) fn fill(buf: &mut [u8]) -> Result<(), CryptoError> {
    SystemRandom::new()
        .fill(buf)
        .map_err(|_| CryptoError::Random)
}

/// `N` bytes from the operating system's CSPRNG.
pub fn random_bytes<const N: usize>() -> Result<[u8; N], CryptoError> {
    let mut out = [0u8; N];
    fill(&mut out)?;
    Ok(out)
}

/// A uniform value in `0..n`, by rejection sampling so no value is favoured.
pub fn random_u64_below(n: u64) -> Result<u64, CryptoError> {
    if n == 0 {
        return Err(CryptoError::InvalidInput("random_u64_below needs n > 0"));
    }
    // 2^64 mod n: draws below this fall in the incomplete last block of n values.
    let threshold = n.wrapping_neg() % n;
    loop {
        let draw = u64::from_be_bytes(random_bytes::<8>()?);
        if draw >= threshold {
            return Ok(draw % n);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn below_one_is_always_zero() {
        for _ in 0..100 {
            assert_eq!(random_u64_below(1).unwrap(), 0);
        }
    }

    #[test]
    fn zero_bound_is_refused() {
        assert!(matches!(
            random_u64_below(0),
            Err(CryptoError::InvalidInput(_))
        ));
    }

    #[test]
    fn values_stay_in_range_and_cover_it() {
        let mut seen = [false; 7];
        for _ in 0..2000 {
            let v = random_u64_below(7).unwrap();
            seen[usize::try_from(v).unwrap()] = true;
        }
        assert!(seen.iter().all(|s| *s));
        let big = u64::MAX / 2 + 3;
        for _ in 0..100 {
            assert!(random_u64_below(big).unwrap() < big);
        }
    }

    #[test]
    fn random_bytes_differ() {
        assert_ne!(random_bytes::<32>().unwrap(), random_bytes::<32>().unwrap());
    }
}
