//! Latency histogram with fixed logarithmic buckets.
//!
//! Values below 256 get a bucket each; above that, every power-of-two range is
//! cut into 128 equal buckets, so a bucket is never wider than 1/128 of its
//! lowest value and any reported value is within 0.8% of the true one. The
//! layout is fixed, so histograms merge by adding counts.

/// Values below this are counted exactly.
const EXACT: u64 = 256;
/// Buckets per power of two above `EXACT` (7 bits of precision).
const SUB_BITS: u32 = 7;
const SUB_COUNT: usize = 1 << SUB_BITS;
/// log2(EXACT): the first octave that is split into sub-buckets.
const FIRST_OCTAVE: u32 = 8;
const BUCKETS: usize = EXACT as usize + (64 - FIRST_OCTAVE as usize) * SUB_COUNT;

/// Counts of recorded values (microseconds in this tool) in log-spaced buckets.
#[derive(Clone)]
pub struct Histogram {
    counts: Vec<u64>,
    total: u64,
    min: u64,
    max: u64,
}

impl Default for Histogram {
    fn default() -> Self {
        Self {
            counts: vec![0; BUCKETS],
            total: 0,
            min: u64::MAX,
            max: 0,
        }
    }
}

impl Histogram {
    /// Adds one observation.
    pub fn record(&mut self, value: u64) {
        self.counts[bucket_of(value)] += 1;
        self.total += 1;
        self.min = self.min.min(value);
        self.max = self.max.max(value);
    }

    /// Adds every observation of `other` to this histogram.
    pub fn merge(&mut self, other: &Histogram) {
        for (mine, theirs) in self.counts.iter_mut().zip(&other.counts) {
            *mine += theirs;
        }
        self.total += other.total;
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
    }

    /// Number of observations.
    pub fn len(&self) -> u64 {
        self.total
    }

    /// Largest observation, exact (0 when empty).
    pub fn max(&self) -> u64 {
        self.max
    }

    /// The value at percentile `p` (0..=100): the observation of rank
    /// `ceil(p/100 * n)` in sorted order, reported as the highest value of its
    /// bucket (never above the recorded maximum). 0 when empty.
    pub fn percentile(&self, p: f64) -> u64 {
        if self.total == 0 {
            return 0;
        }
        let wanted = rank(p, self.total);
        let mut seen = 0;
        for (index, count) in self.counts.iter().enumerate() {
            seen += count;
            if seen >= wanted {
                return highest_in(index).min(self.max);
            }
        }
        self.max
    }
}

/// 1-based rank of percentile `p` among `total` sorted observations.
fn rank(p: f64, total: u64) -> u64 {
    let r = ((p.clamp(0.0, 100.0) / 100.0) * total as f64).ceil() as u64;
    r.clamp(1, total)
}

fn bucket_of(value: u64) -> usize {
    if value < EXACT {
        return value as usize;
    }
    let octave = 63 - value.leading_zeros();
    let sub = (value >> (octave - SUB_BITS)) as usize - SUB_COUNT;
    EXACT as usize + (octave - FIRST_OCTAVE) as usize * SUB_COUNT + sub
}

/// The largest value that falls into bucket `index`.
fn highest_in(index: usize) -> u64 {
    if index < EXACT as usize {
        return index as u64;
    }
    let above = index - EXACT as usize;
    let octave = FIRST_OCTAVE + (above / SUB_COUNT) as u32;
    let sub = (above % SUB_COUNT + SUB_COUNT) as u64;
    let shift = octave - SUB_BITS;
    let lowest = sub << shift;
    lowest + ((1u64 << shift) - 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const PERCENTILES: [f64; 9] = [0.0, 1.0, 25.0, 50.0, 90.0, 99.0, 99.9, 99.99, 100.0];

    fn exact_percentile(sorted: &[u64], p: f64) -> u64 {
        let n = sorted.len() as u64;
        let r = ((p / 100.0) * n as f64).ceil().max(1.0) as u64;
        sorted[(r.min(n) - 1) as usize]
    }

    /// Latency-like values: spread over many orders of magnitude.
    fn value() -> impl Strategy<Value = u64> {
        (0u32..40, any::<u64>()).prop_map(|(bits, raw)| raw >> (64 - bits.max(1)))
    }

    proptest! {
        #[test]
        fn percentiles_within_one_percent_of_sorted(values in prop::collection::vec(value(), 1..2000)) {
            let mut h = Histogram::default();
            for &v in &values {
                h.record(v);
            }
            let mut sorted = values.clone();
            sorted.sort_unstable();
            for p in PERCENTILES {
                let exact = exact_percentile(&sorted, p);
                let got = h.percentile(p);
                prop_assert!(got >= exact, "p{p}: {got} < {exact}");
                prop_assert!((got - exact) * 100 <= exact, "p{p}: {got} vs {exact}");
            }
            prop_assert_eq!(h.max(), *sorted.last().unwrap());
            prop_assert_eq!(h.len(), values.len() as u64);
        }

        #[test]
        fn merged_halves_equal_the_whole(values in prop::collection::vec(value(), 1..500), cut in 0usize..500) {
            let cut = cut.min(values.len());
            let (mut whole, mut left, mut right) =
                (Histogram::default(), Histogram::default(), Histogram::default());
            for (i, &v) in values.iter().enumerate() {
                whole.record(v);
                if i < cut { left.record(v) } else { right.record(v) }
            }
            left.merge(&right);
            prop_assert_eq!(left.len(), whole.len());
            prop_assert_eq!(left.max(), whole.max());
            for p in PERCENTILES {
                prop_assert_eq!(left.percentile(p), whole.percentile(p));
            }
        }

        #[test]
        fn every_value_lies_in_its_bucket(v in any::<u64>()) {
            let b = bucket_of(v);
            prop_assert!(v <= highest_in(b));
            prop_assert!(b == 0 || highest_in(b - 1) < v);
        }
    }

    #[test]
    fn bucket_layout_covers_u64() {
        assert_eq!(bucket_of(u64::MAX), BUCKETS - 1);
        assert_eq!(highest_in(BUCKETS - 1), u64::MAX);
        assert_eq!(bucket_of(255), 255);
        assert_eq!(bucket_of(256), 256);
        assert_eq!(highest_in(256), 257);
    }

    #[test]
    fn empty_histogram_reports_zero() {
        let h = Histogram::default();
        assert_eq!(h.percentile(50.0), 0);
        assert_eq!(h.max(), 0);
        assert_eq!(h.len(), 0);
    }
}
