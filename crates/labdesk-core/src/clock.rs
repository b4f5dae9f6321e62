//! Where the engine reads the time: the wall clock in production, a hand-moved clock in tests.
//!
//! Deadlines are wall-clock instants, so every rule and the scheduler read `now` from a
//! [`Clock`] the caller passes in; nothing in the engine calls `Utc::now()` by itself.

use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, Duration, Utc};
use tokio::sync::Notify;

/// A source of the current wall-clock instant.
pub trait Clock: Send + Sync + 'static {
    /// The current instant in UTC.
    fn now(&self) -> DateTime<Utc>;

    /// A notifier fired whenever the clock is moved by hand, so that a sleeping scheduler
    /// looks again at once. Clocks that only run forward by themselves return `None`.
    fn moved(&self) -> Option<Arc<Notify>> {
        None
    }
}

/// The machine's wall clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that stands still until a test sets or advances it. Cheap to clone; clones share
/// the same instant.
#[derive(Debug, Clone)]
pub struct ManualClock {
    now: Arc<Mutex<DateTime<Utc>>>,
    moved: Arc<Notify>,
}

impl ManualClock {
    /// A clock that reads `start` until moved.
    pub fn new(start: DateTime<Utc>) -> Self {
        Self {
            now: Arc::new(Mutex::new(start)),
            moved: Arc::new(Notify::new()),
        }
    }

    /// Sets the clock to `at` (forward or back) and wakes whoever waits on [`Clock::moved`].
    pub fn set(&self, at: DateTime<Utc>) {
        *self.now.lock().unwrap_or_else(PoisonError::into_inner) = at;
        self.moved.notify_one();
    }

    /// Moves the clock by `by` (negative steps it back) and wakes the scheduler.
    pub fn advance(&self, by: Duration) {
        {
            let mut now = self.now.lock().unwrap_or_else(PoisonError::into_inner);
            *now += by;
        }
        self.moved.notify_one();
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.now.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn moved(&self) -> Option<Arc<Notify>> {
        Some(self.moved.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_moves_only_when_told() {
        let start = DateTime::parse_from_rfc3339("2026-12-04T10:00:00Z")
            .unwrap()
            .to_utc();
        let clock = ManualClock::new(start);
        assert_eq!(clock.now(), start, "a manual clock must not run by itself");

        let shared = clock.clone();
        shared.advance(Duration::minutes(5));
        assert_eq!(
            clock.now(),
            start + Duration::minutes(5),
            "clones share one instant"
        );

        clock.set(start);
        assert_eq!(shared.now(), start, "set may step the clock back");
    }
}
