//! The console's own record of which sessions are live, kept up to date from desk events. The
//! tray's count and the notification rules read it; the engine stays the source of truth, and
//! the record is reloaded from it at start and whenever events were missed.

use std::collections::BTreeMap;

use labdesk_core::{DeskEvent, Session};

/// Live bookings by id, with the PC each runs on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LiveBoard {
    pcs_by_booking: BTreeMap<i64, String>,
}

impl LiveBoard {
    /// A board holding exactly `sessions`.
    pub fn from_sessions(sessions: &[Session]) -> Self {
        let pcs_by_booking = sessions
            .iter()
            .map(|session| (session.booking_id, session.pc.clone()))
            .collect();
        Self { pcs_by_booking }
    }

    /// How many sessions are live.
    pub fn len(&self) -> usize {
        self.pcs_by_booking.len()
    }

    /// True when no session is live.
    pub fn is_empty(&self) -> bool {
        self.pcs_by_booking.is_empty()
    }

    /// The live booking on `pc`, if there is one.
    pub fn booking_on(&self, pc: &str) -> Option<i64> {
        self.pcs_by_booking
            .iter()
            .find(|(_, name)| name.as_str() == pc)
            .map(|(booking_id, _)| *booking_id)
    }

    /// Applies one event; returns true when the number of live sessions changed.
    pub fn apply(&mut self, event: &DeskEvent) -> bool {
        let before = self.len();
        match event {
            DeskEvent::SessionStarted { session } | DeskEvent::SessionExtended { session } => {
                self.pcs_by_booking
                    .insert(session.booking_id, session.pc.clone());
            }
            DeskEvent::SessionEnded { booking_id, .. } => {
                self.pcs_by_booking.remove(booking_id);
            }
            DeskEvent::CleanedUp { report } => {
                for freed in &report.freed {
                    self.pcs_by_booking.remove(&freed.booking_id);
                }
            }
            _ => {}
        }
        self.len() != before
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use chrono::{DateTime, Duration, Utc};
    use labdesk_core::{CleanUpReport, EndReason, FreedPc};

    use super::*;

    /// A live session on `pc` for tests of the console's event rules.
    pub(crate) fn session(booking_id: i64, pc: &str) -> Session {
        let start: DateTime<Utc> = "2026-12-04T10:00:00Z".parse().unwrap();
        Session {
            booking_id,
            pc: pc.into(),
            user: "ada".into(),
            display_name: "Ada".into(),
            start_time: start,
            end_time: start + Duration::minutes(30),
            pc_online: true,
            warned_minutes: None,
        }
    }

    #[test]
    fn events_keep_the_board_in_step() {
        let mut board = LiveBoard::from_sessions(&[session(1, "1-001")]);
        assert!(board.apply(&DeskEvent::SessionStarted {
            session: session(2, "1-002")
        }));
        assert_eq!(board.len(), 2);
        assert_eq!(board.booking_on("1-002"), Some(2));

        let extended = DeskEvent::SessionExtended {
            session: session(2, "1-002"),
        };
        assert!(
            !board.apply(&extended),
            "an extension does not change the count"
        );

        let ended = DeskEvent::SessionEnded {
            booking_id: 1,
            pc: "1-001".into(),
            reason: EndReason::Expired,
        };
        assert!(board.apply(&ended));
        assert_eq!(
            board.booking_on("1-001"),
            None,
            "an ended session frees its PC"
        );

        let report = CleanUpReport {
            freed: vec![FreedPc {
                booking_id: 2,
                pc: "1-002".into(),
            }],
            message: "freed 1 PC".into(),
        };
        assert!(board.apply(&DeskEvent::CleanedUp { report }));
        assert!(board.is_empty(), "clean-up frees what it reports");
    }
}
