//! Where time comes from.
//!
//! Deadlines, retention and audit entries all take "now" from a [`Clock`] so
//! tests can hold time still or move it forward; [`SystemClock`] is the only
//! place that reads the wall clock.

use std::sync::{Arc, Mutex, PoisonError};

use jiff::{SignedDuration, Timestamp};

/// A source of the current time.
pub trait Clock: Send + Sync + 'static {
    /// The current instant.
    fn now(&self) -> Timestamp;
}

/// The wall clock of the machine.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    // The one place that reads the wall clock (clippy.toml bans it everywhere else).
    #[allow(clippy::disallowed_methods)]
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}

/// A clock that only moves when told to, for tests.
///
/// Clones share the same time, so a test can keep one handle and give another
/// to the code under test.
#[derive(Debug, Clone)]
pub struct ManualClock {
    now: Arc<Mutex<Timestamp>>,
}

impl ManualClock {
    /// A clock standing at `start`.
    pub fn new(start: Timestamp) -> Self {
        Self {
            now: Arc::new(Mutex::new(start)),
        }
    }

    /// Moves the clock (and every clone of it) to `to`, backwards if need be.
    pub fn set(&self, to: Timestamp) {
        *self.lock() = to;
    }

    /// Moves the clock by `by`, saturating at the ends of the representable range.
    pub fn advance(&self, by: SignedDuration) {
        let mut now = self.lock();
        let limit = if by.is_negative() {
            Timestamp::MIN
        } else {
            Timestamp::MAX
        };
        *now = now.checked_add(by).unwrap_or(limit);
    }

    // A panic in another test thread while holding the lock leaves a valid
    // timestamp behind, so poisoning carries no meaning here.
    fn lock(&self) -> std::sync::MutexGuard<'_, Timestamp> {
        self.now.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        *self.lock()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn manual_clock_moves_only_when_told() {
        let clock = ManualClock::new(at("2026-01-01T00:00:00Z"));
        assert_eq!(clock.now(), at("2026-01-01T00:00:00Z"));
        clock.advance(SignedDuration::from_hours(25));
        assert_eq!(clock.now(), at("2026-01-02T01:00:00Z"));
        clock.set(at("2025-06-01T12:00:00Z"));
        assert_eq!(clock.now(), at("2025-06-01T12:00:00Z"));
    }

    #[test]
    fn clones_share_time() {
        let clock = ManualClock::new(at("2026-01-01T00:00:00Z"));
        let handed_out: Arc<dyn Clock> = Arc::new(clock.clone());
        clock.advance(SignedDuration::from_secs(90));
        assert_eq!(handed_out.now(), at("2026-01-01T00:01:30Z"));
    }

    #[test]
    fn advance_saturates() {
        let clock = ManualClock::new(at("2026-01-01T00:00:00Z"));
        clock.advance(SignedDuration::MAX);
        assert_eq!(clock.now(), Timestamp::MAX);
        clock.advance(SignedDuration::MIN);
        assert_eq!(clock.now(), Timestamp::MIN);
    }

    #[test]
    fn system_clock_is_after_2020() {
        assert!(SystemClock.now() > at("2020-01-01T00:00:00Z"));
    }
}
