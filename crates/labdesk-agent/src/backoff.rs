//! Reconnect delays: exponential backoff with full jitter, capped, reset after a good
//! connection.
//!
//! Every PC of a lab reconnects at once when the desk restarts; jitter spreads them out so the
//! desk is not hit by all of them in the same instant.

use rand::Rng;
use std::time::Duration;

/// The delay schedule between reconnect attempts.
///
/// The n-th attempt after a failure waits a random time in `[ceiling / 2, ceiling]`, where the
/// ceiling doubles from `base` up to `cap`. [`Backoff::reset`] starts over after a connection
/// that reached `welcome`.
#[derive(Debug, Clone)]
pub struct Backoff {
    base: Duration,
    cap: Duration,
    attempt: u32,
}

impl Backoff {
    /// A schedule starting at `base` and never waiting longer than `cap`.
    pub fn new(base: Duration, cap: Duration) -> Self {
        Self {
            base: base.min(cap),
            cap,
            attempt: 0,
        }
    }

    /// The ceiling for the current attempt, before jitter.
    pub fn ceiling(&self) -> Duration {
        // 2^16 times any sane base is far past any cap; stop doubling there so the
        // multiplication cannot overflow.
        let factor = 1u32 << self.attempt.min(16);
        self.base.saturating_mul(factor).min(self.cap)
    }

    /// The next delay to wait, with jitter, and moves to the next attempt.
    pub fn next_delay(&mut self) -> Duration {
        self.next_delay_with(&mut rand::thread_rng())
    }

    /// Like [`Backoff::next_delay`] with a caller's random source (for tests).
    pub fn next_delay_with(&mut self, rng: &mut impl Rng) -> Duration {
        let ceiling = self.ceiling();
        self.attempt = self.attempt.saturating_add(1);
        let half = ceiling / 2;
        let spread = ceiling - half;
        let jitter = rng.gen_range(0..=spread.as_millis() as u64);

        half + Duration::from_millis(jitter)
    }

    /// Starts the schedule over: the next delay is short again.
    pub fn reset(&mut self) {
        self.attempt = 0;
    }
}

impl Default for Backoff {
    /// Half a second at first, at most 30 seconds.
    fn default() -> Self {
        Self::new(Duration::from_millis(500), Duration::from_secs(30))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{rngs::StdRng, SeedableRng};

    #[test]
    fn delays_grow_then_stay_under_the_cap() {
        let mut backoff = Backoff::new(Duration::from_millis(500), Duration::from_secs(30));
        let mut rng = StdRng::seed_from_u64(7);
        let ceilings: Vec<_> = (0..10)
            .map(|_| {
                let ceiling = backoff.ceiling();
                let delay = backoff.next_delay_with(&mut rng);
                assert!(
                    delay >= ceiling / 2 && delay <= ceiling,
                    "a delay of {delay:?} must lie within half to all of {ceiling:?}"
                );
                ceiling
            })
            .collect();
        assert_eq!(ceilings[0], Duration::from_millis(500));
        assert_eq!(ceilings[1], Duration::from_secs(1));
        assert_eq!(ceilings[5], Duration::from_secs(16));
        assert!(
            ceilings[6..].iter().all(|c| *c == Duration::from_secs(30)),
            "the ceiling stops at the cap: {ceilings:?}"
        );
    }

    #[test]
    fn many_attempts_never_overflow() {
        let mut backoff = Backoff::default();
        for _ in 0..1000 {
            assert!(backoff.next_delay() <= Duration::from_secs(30));
        }
    }

    #[test]
    fn reset_starts_over() {
        let mut backoff = Backoff::default();
        for _ in 0..8 {
            backoff.next_delay();
        }
        backoff.reset();
        assert_eq!(
            backoff.ceiling(),
            Duration::from_millis(500),
            "after a good connection the next retry is quick again"
        );
    }

    #[test]
    fn jitter_spreads_delays() {
        let mut rng = StdRng::seed_from_u64(1);
        let delays: std::collections::HashSet<_> = (0..20)
            .map(|_| Backoff::default().next_delay_with(&mut rng))
            .collect();
        assert!(
            delays.len() > 5,
            "twenty agents restarting together must not all wait the same time"
        );
    }
}
