//! How a warning reaches a PC: the [`Delivery`] trait the PC link implements, the
//! [`Warning`] it carries, and what due means for a booking's warning leads.

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use thiserror::Error;

/// A warning due for a live booking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// The booking warned.
    pub booking_id: i64,
    /// The PC's name.
    pub pc: String,
    /// The lead this warning is for: the shortest of the leads due now.
    pub lead: Duration,
    /// Remaining time rounded up to whole minutes; never 0.
    pub minutes_left: i64,
    /// When the session ends.
    pub ends_at: DateTime<Utc>,
    /// The text the PC shows, e.g. "Session ends in 5 min".
    pub message: String,
}

impl Warning {
    /// The warning for a booking ending at `ends_at`, sent at `now` for `lead`.
    pub fn new(
        booking_id: i64,
        pc: String,
        lead: Duration,
        ends_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Self {
        let minutes_left = minutes_left(ends_at - now);
        Self {
            booking_id,
            pc,
            lead,
            minutes_left,
            ends_at,
            message: format!("Session ends in {minutes_left} min"),
        }
    }
}

/// Why a warning was not delivered.
#[derive(Debug, Error)]
pub enum DeliveryError {
    /// The PC's agent is not connected.
    #[error("PC {0} is offline; the warning is sent again when it connects")]
    Offline(String),
    /// The agent did not acknowledge in time.
    #[error("the PC did not acknowledge the warning in time; it will be sent again")]
    TimedOut,
    /// Anything else that stopped the delivery.
    #[error("the warning could not be delivered: {0}; it will be sent again")]
    Failed(String),
}

/// Sends a warning to a PC and waits for its acknowledgement.
#[async_trait]
pub trait Delivery: Send + Sync + 'static {
    /// Delivers `warning` to its PC.
    ///
    /// # Errors
    /// Any failure; return `Ok` only once the PC acknowledged the warning.
    async fn deliver_warning(&self, warning: &Warning) -> Result<(), DeliveryError>;
}

/// Remaining time in whole minutes, rounded up; at least 1 for any time left.
pub(crate) fn minutes_left(remaining: Duration) -> i64 {
    let millis = remaining.num_milliseconds().max(1);
    (millis + 59_999) / 60_000
}

/// The lead due for a booking with `remaining` time whose shortest delivered lead is
/// `warned` (seconds): the shortest lead at least as long as the remaining time, unless that
/// one (and so every longer one) was delivered. `leads` is sorted shortest first.
pub(crate) fn due_lead(
    leads: &[Duration],
    remaining: Duration,
    warned: Option<i64>,
) -> Option<Duration> {
    if remaining <= Duration::zero() {
        return None;
    }
    let lead = *leads.iter().find(|lead| **lead >= remaining)?;
    match warned {
        Some(secs) if lead.num_seconds() >= secs => None,
        _ => Some(lead),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leads() -> Vec<Duration> {
        vec![
            Duration::minutes(2),
            Duration::minutes(5),
            Duration::minutes(10),
        ]
    }

    #[test]
    fn minutes_left_rounds_up_and_is_never_zero() {
        assert_eq!(minutes_left(Duration::minutes(5)), 5);
        assert_eq!(minutes_left(Duration::seconds(299)), 5);
        assert_eq!(minutes_left(Duration::seconds(301)), 6);
        assert_eq!(minutes_left(Duration::milliseconds(1)), 1);
        assert_eq!(
            minutes_left(Duration::zero()),
            1,
            "never 0, even at the edge"
        );
    }

    #[test]
    fn only_the_shortest_due_lead_is_sent() {
        let due = due_lead(&leads(), Duration::seconds(90), None);
        assert_eq!(
            due,
            Some(Duration::minutes(2)),
            "all three are due; the shortest wins"
        );
        let due = due_lead(&leads(), Duration::minutes(7), None);
        assert_eq!(due, Some(Duration::minutes(10)));
        assert_eq!(
            due_lead(&leads(), Duration::minutes(11), None),
            None,
            "none due yet"
        );
    }

    #[test]
    fn delivered_leads_are_not_due_again() {
        assert_eq!(due_lead(&leads(), Duration::minutes(4), Some(300)), None);
        let due = due_lead(&leads(), Duration::seconds(100), Some(300));
        assert_eq!(
            due,
            Some(Duration::minutes(2)),
            "a shorter lead is still due"
        );
        assert_eq!(
            due_lead(&leads(), Duration::zero(), None),
            None,
            "nothing after the end"
        );
    }
}
