//! Desk events: every state change, published on a broadcast channel for the console and the
//! PC link. Tagged by `type` in JSON.

use serde::{Deserialize, Serialize};

use crate::model::{Booking, CleanUpReport, EndReason, Pc, Session};

/// Something that changed at the desk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum DeskEvent {
    /// A booking became live (started now, or an upcoming one reached its start).
    SessionStarted {
        /// The live session.
        session: Session,
    },
    /// A booking ahead was made.
    BookingCreated {
        /// The new booking.
        booking: Booking,
    },
    /// A PC acknowledged a warning.
    SessionWarned {
        /// The booking warned.
        booking_id: i64,
        /// The PC's name.
        pc: String,
        /// Minutes left when it was sent, rounded up.
        minutes_left: i64,
    },
    /// A live session got more time.
    SessionExtended {
        /// The session with its new end.
        session: Session,
    },
    /// A booking ended (expired, ended early or cancelled).
    SessionEnded {
        /// The booking that ended.
        booking_id: i64,
        /// The PC's name.
        pc: String,
        /// Why it ended.
        reason: EndReason,
    },
    /// A PC was added, renamed or changed condition or status.
    PcChanged {
        /// The PC as it is now.
        pc: Pc,
    },
    /// A PC's agent connected.
    PcOnline {
        /// The PC's name.
        pc: String,
    },
    /// A PC's agent went away.
    PcOffline {
        /// The PC's name.
        pc: String,
    },
    /// Staff ran clean-up.
    CleanedUp {
        /// What it freed.
        report: CleanUpReport,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_tagged_by_type() {
        let event = DeskEvent::SessionEnded {
            booking_id: 7,
            pc: "1-001".into(),
            reason: EndReason::Expired,
        };
        let json = serde_json::to_value(&event).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"type": "session_ended", "booking_id": 7, "pc": "1-001",
                "reason": "expired"})
        );
        let back: DeskEvent = serde_json::from_value(json).unwrap();
        assert_eq!(back, event, "events must read back what they write");
    }
}
