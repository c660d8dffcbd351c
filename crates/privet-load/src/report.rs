//! One summary per scenario, as a table row or a JSON object.

use serde::Serialize;

use crate::runner::Outcome;

/// The figures printed for one scenario.
#[derive(Serialize, Debug, PartialEq)]
pub struct Summary {
    /// Scenario name.
    pub scenario: &'static str,
    /// Concurrent connections used.
    pub connections: usize,
    /// Measured seconds (end of warm-up to the last answer).
    pub seconds: f64,
    /// Measured requests.
    pub requests: u64,
    /// Measured requests that failed.
    pub errors: u64,
    /// Requests per second over the measured window.
    pub ops_per_sec: f64,
    /// Median latency, milliseconds.
    pub p50_ms: f64,
    /// 90th percentile latency, milliseconds.
    pub p90_ms: f64,
    /// 99th percentile latency, milliseconds.
    pub p99_ms: f64,
    /// Largest latency, milliseconds.
    pub max_ms: f64,
}

impl Summary {
    /// Condenses an outcome.
    pub fn new(scenario: &'static str, connections: usize, outcome: &Outcome) -> Self {
        let h = &outcome.latency_us;
        let seconds = outcome.elapsed.as_secs_f64();
        let ms = |us: u64| us as f64 / 1000.0;
        Self {
            scenario,
            connections,
            seconds,
            requests: h.len(),
            errors: outcome.errors,
            ops_per_sec: if seconds > 0.0 {
                h.len() as f64 / seconds
            } else {
                0.0
            },
            p50_ms: ms(h.percentile(50.0)),
            p90_ms: ms(h.percentile(90.0)),
            p99_ms: ms(h.percentile(99.0)),
            max_ms: ms(h.max()),
        }
    }

    /// More than 1% of the requests failed, or none was measured.
    pub fn failed(&self) -> bool {
        self.requests == 0 || self.errors * 100 > self.requests
    }

    /// The column names matching [`Summary::row`].
    pub fn header() -> String {
        format!(
            "{:<12} {:>11} {:>9} {:>9} {:>9} {:>9} {:>8}",
            "scenario", "ops/s", "p50 ms", "p90 ms", "p99 ms", "max ms", "errors"
        )
    }

    /// One aligned table row.
    pub fn row(&self) -> String {
        format!(
            "{:<12} {:>11.1} {:>9.3} {:>9.3} {:>9.3} {:>9.3} {:>8}",
            self.scenario,
            self.ops_per_sec,
            self.p50_ms,
            self.p90_ms,
            self.p99_ms,
            self.max_ms,
            self.errors
        )
    }

    /// One JSON object on one line.
    pub fn json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::histogram::Histogram;
    use std::time::Duration;

    fn outcome(latencies: &[u64], errors: u64) -> Outcome {
        let mut latency_us = Histogram::default();
        for &l in latencies {
            latency_us.record(l);
        }
        Outcome {
            latency_us,
            errors,
            elapsed: Duration::from_secs(2),
        }
    }

    #[test]
    fn summary_figures() {
        let s = Summary::new("store", 4, &outcome(&[1000, 2000, 3000, 4000], 0));
        assert_eq!(s.requests, 4);
        assert!((s.ops_per_sec - 2.0).abs() < 1e-9);
        assert!((s.max_ms - 4.0).abs() < 1e-9);
        assert!((s.p50_ms - 2.0).abs() < 0.02);
        assert!(!s.failed());
        assert!(s.row().starts_with("store"));
        assert_eq!(s.row().len(), Summary::header().len());
        let json: serde_json::Value = serde_json::from_str(&s.json()).unwrap();
        assert_eq!(json["scenario"], "store");
        assert_eq!(json["requests"], 4);
    }

    #[test]
    fn more_than_one_percent_errors_fails() {
        let latencies = vec![100; 200];
        assert!(!Summary::new("read", 1, &outcome(&latencies, 2)).failed());
        assert!(Summary::new("read", 1, &outcome(&latencies, 3)).failed());
        assert!(Summary::new("read", 1, &outcome(&[], 0)).failed());
    }
}
