//! What the agent does with each desk frame: which to acknowledge, which to show, and which
//! warnings it already showed.
//!
//! Kept apart from the socket so the rules can be tested without one. The memory of shown
//! warnings lives as long as the agent process, across reconnects.

use crate::notify::Note;
use chrono::{DateTime, Utc};
use labdesk_proto::pc::{AgentFrame, DeskFrame};
use std::collections::HashSet;

/// One warning as the patron saw it. A warning is the same when its booking, its end time and
/// its minutes are: an extension moves `ends_at`, so the re-armed warnings show again.
type WarningKey = (i64, DateTime<Utc>, u32);

/// The agent's reaction to one frame.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Reaction {
    /// A frame to send back (the `ack` of a warning).
    pub reply: Option<AgentFrame>,
    /// A popup to show.
    pub note: Option<Note>,
    /// Whether this frame shows that the connection was accepted (`welcome`).
    pub welcomed: bool,
}

/// The agent's memory across connections.
#[derive(Debug, Default)]
pub struct AgentState {
    shown: HashSet<WarningKey>,
}

impl AgentState {
    /// Decides what to do with `frame` and remembers shown warnings.
    ///
    /// Every warning is acknowledged, even one already shown, so that the desk stops sending it;
    /// only a warning not yet shown gets a popup.
    pub fn react(&mut self, frame: &DeskFrame) -> Reaction {
        match frame {
            DeskFrame::Welcome { session, .. } => {
                if session.is_none() {
                    // No live session: nothing shown so far can come back.
                    self.shown.clear();
                }
                Reaction {
                    welcomed: true,
                    ..Reaction::default()
                }
            }
            DeskFrame::SessionWarning {
                booking_id,
                message,
                minutes_left,
                ends_at,
                ..
            } => {
                let first = self.shown.insert((*booking_id, *ends_at, *minutes_left));
                Reaction {
                    reply: Some(AgentFrame::Ack {
                        booking_id: *booking_id,
                        minutes_left: *minutes_left,
                    }),
                    note: first.then(|| Note::warning(message)),
                    welcomed: false,
                }
            }
            DeskFrame::SessionEnded { booking_id, reason } => {
                self.shown.retain(|(id, _, _)| id != booking_id);
                Reaction {
                    note: Some(Note::ended(*reason)),
                    ..Reaction::default()
                }
            }
            DeskFrame::SessionStarted { .. }
            | DeskFrame::SessionExtended { .. }
            | DeskFrame::Error(_) => Reaction::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use labdesk_proto::EndReason;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 4, h, m, 0).unwrap()
    }

    #[test]
    fn warning_is_acked_and_shown_once() {
        let mut state = AgentState::default();
        let warning = DeskFrame::warning(7, 5, at(10, 0));
        let first = state.react(&warning);
        let ack = AgentFrame::Ack {
            booking_id: 7,
            minutes_left: 5,
        };
        assert_eq!(first.reply, Some(ack.clone()), "every warning is acked");
        assert_eq!(first.note, Some(Note::warning("Session ends in 5 min")));

        let again = state.react(&warning);
        assert_eq!(again.reply, Some(ack), "a repeat is still acked");
        assert_eq!(again.note, None, "a repeat is not shown twice");
    }

    #[test]
    fn shorter_lead_of_the_same_booking_is_shown() {
        let mut state = AgentState::default();
        state.react(&DeskFrame::warning(7, 5, at(10, 0)));
        let one = state.react(&DeskFrame::warning(7, 1, at(10, 0)));
        assert!(one.note.is_some(), "the 1-minute warning is a new warning");
    }

    #[test]
    fn extension_re_arms_warnings() {
        let mut state = AgentState::default();
        state.react(&DeskFrame::warning(7, 5, at(10, 0)));
        let after = state.react(&DeskFrame::warning(7, 5, at(10, 15)));
        assert!(after.note.is_some(), "a new end time means a new warning");
    }

    #[test]
    fn shown_warnings_survive_a_welcome_with_the_session() {
        let mut state = AgentState::default();
        let warning = DeskFrame::warning(7, 5, at(10, 0));
        state.react(&warning);
        let welcome = DeskFrame::Welcome {
            pc: "PC-1".into(),
            server_time: at(9, 56),
            session: Some(labdesk_proto::pc::PcSession {
                booking_id: 7,
                user: "ana".into(),
                starts_at: None,
                ends_at: at(10, 0),
            }),
        };
        assert!(state.react(&welcome).welcomed);
        assert_eq!(
            state.react(&warning).note,
            None,
            "no repeat after reconnect"
        );
    }

    #[test]
    fn session_end_is_shown_and_forgets_the_booking() {
        let mut state = AgentState::default();
        state.react(&DeskFrame::warning(7, 5, at(10, 0)));
        let ended = state.react(&DeskFrame::SessionEnded {
            booking_id: 7,
            reason: EndReason::Expired,
        });
        assert_eq!(ended.note, Some(Note::ended(EndReason::Expired)));
        assert_eq!(ended.reply, None);
        assert!(
            state.shown.is_empty(),
            "nothing is kept for an ended booking"
        );
    }

    #[test]
    fn other_frames_need_nothing() {
        let mut state = AgentState::default();
        let frame = DeskFrame::SessionExtended {
            booking_id: 7,
            ends_at: at(11, 0),
        };
        assert_eq!(state.react(&frame), Reaction::default());
    }
}
