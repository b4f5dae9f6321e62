//! Frames on `/pc`, between a PC agent and the desk.
//!
//! The agent speaks first with [`AgentFrame::Hello`]; the desk answers [`DeskFrame::Welcome`]
//! and then pushes session changes as they happen. The agent acknowledges every
//! [`DeskFrame::SessionWarning`] with [`AgentFrame::Ack`]: a warning counts as delivered only
//! once that acknowledgement reaches the desk.

use crate::{parse_frame, EndReason, ErrorBody, FrameError};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A frame the agent sends to the desk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AgentFrame {
    /// The first frame of every connection: which PC this is and its token.
    Hello {
        /// The PC's name as the desk knows it, e.g. `PC-07`.
        pc: String,
        /// The PC's secret token. Missing or wrong closes the socket with 4401.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        token: Option<String>,
        /// `true` for a short-lived connection (e.g. the agent's end-session command) that must
        /// not replace the PC's running agent connection and receives no pushes.
        #[serde(default, skip_serializing_if = "is_false")]
        one_shot: bool,
    },
    /// Acknowledges a `session_warning`.
    Ack {
        /// The booking the warning was about.
        booking_id: i64,
        /// The `minutes_left` of the warning being acknowledged.
        minutes_left: u32,
    },
    /// Ends this PC's live booking early, on behalf of its patron.
    EndSession {
        /// The booking to end; must be the live booking of this PC.
        booking_id: i64,
    },
}

fn is_false(value: &bool) -> bool {
    !*value
}

impl AgentFrame {
    /// Reads one text frame sent by an agent.
    ///
    /// # Errors
    ///
    /// A [`FrameError`] (answered with `error` 400) when the text is not JSON, has no known
    /// `type`, or a field is missing or of the wrong type.
    pub fn parse(text: &str) -> Result<Self, FrameError> {
        parse_frame(text)
    }
}

/// The session a PC has right now, as sent in `welcome`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PcSession {
    /// The live booking.
    pub booking_id: i64,
    /// The patron's username.
    pub user: String,
    /// When the booking started (the desk always sends it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub starts_at: Option<DateTime<Utc>>,
    /// When the desk will end the session: the authoritative end time.
    pub ends_at: DateTime<Utc>,
}

/// A frame the desk sends to an agent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum DeskFrame {
    /// The answer to a good `hello`.
    Welcome {
        /// The PC's name.
        pc: String,
        /// The desk's clock, so the agent can show a countdown that matches the desk.
        server_time: DateTime<Utc>,
        /// The PC's live session, or `null`.
        session: Option<PcSession>,
    },
    /// A booking of this PC became live.
    SessionStarted {
        /// The booking.
        booking_id: i64,
        /// The patron's username.
        user: String,
        /// When the desk will end it.
        ends_at: DateTime<Utc>,
    },
    /// The session ends soon. Acknowledge with `ack`; show each warning at most once.
    SessionWarning {
        /// The booking.
        booking_id: i64,
        /// Text for the popup, e.g. "Session ends in 5 min".
        message: String,
        /// Remaining time rounded up to whole minutes, computed when sent.
        minutes_left: u32,
        /// Always `true`: the agent shows a popup.
        show_popup: bool,
        /// When the desk will end the session.
        ends_at: DateTime<Utc>,
    },
    /// Staff extended the live session.
    SessionExtended {
        /// The booking.
        booking_id: i64,
        /// The new end time.
        ends_at: DateTime<Utc>,
    },
    /// The session ended; the PC is free.
    SessionEnded {
        /// The booking.
        booking_id: i64,
        /// Why it ended.
        reason: EndReason,
    },
    /// A frame from the agent could not be served; the connection stays open.
    Error(ErrorBody),
}

impl DeskFrame {
    /// Builds a `session_warning` with the standard popup text.
    pub fn warning(booking_id: i64, minutes_left: u32, ends_at: DateTime<Utc>) -> Self {
        Self::SessionWarning {
            booking_id,
            message: warning_message(minutes_left),
            minutes_left,
            show_popup: true,
            ends_at,
        }
    }

    /// Reads one text frame sent by the desk (used by agents).
    ///
    /// # Errors
    ///
    /// A [`FrameError`] when the text is not a known desk frame.
    pub fn parse(text: &str) -> Result<Self, FrameError> {
        parse_frame(text)
    }

    /// The frame as JSON text.
    pub fn to_text(&self) -> String {
        // Serialising these plain structs to JSON cannot fail: no maps with non-string keys,
        // no custom serialisers that return errors.
        serde_json::to_string(self).expect("desk frames always serialise")
    }
}

/// The popup text for a warning: "Session ends in 5 min".
pub fn warning_message(minutes_left: u32) -> String {
    format!("Session ends in {minutes_left} min")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 4, h, m, 0).unwrap()
    }

    #[test]
    fn hello_reads_with_and_without_optional_fields() {
        let frame = AgentFrame::parse(r#"{"type":"hello","pc":"PC-07","token":"t"}"#).unwrap();
        let want = AgentFrame::Hello {
            pc: "PC-07".into(),
            token: Some("t".into()),
            one_shot: false,
        };
        assert_eq!(frame, want);

        let frame = AgentFrame::parse(r#"{"type":"hello","pc":"PC-07","one_shot":true}"#).unwrap();
        let want = AgentFrame::Hello {
            pc: "PC-07".into(),
            token: None,
            one_shot: true,
        };
        assert_eq!(
            frame, want,
            "a missing token reads as None so the desk can answer 4401"
        );
    }

    #[test]
    fn agent_frames_round_trip() {
        for frame in [
            AgentFrame::Hello {
                pc: "PC-1".into(),
                token: Some("x".into()),
                one_shot: true,
            },
            AgentFrame::Ack {
                booking_id: 12,
                minutes_left: 5,
            },
            AgentFrame::EndSession { booking_id: 12 },
        ] {
            let text = serde_json::to_string(&frame).unwrap();
            assert_eq!(
                AgentFrame::parse(&text).unwrap(),
                frame,
                "{text} must read back"
            );
        }
    }

    #[test]
    fn ack_with_wrong_types_is_refused() {
        let err =
            AgentFrame::parse(r#"{"type":"ack","booking_id":"12","minutes_left":5}"#).unwrap_err();
        assert!(err.message.contains("bad \"ack\" frame"), "{err}");
        let err =
            AgentFrame::parse(r#"{"type":"ack","booking_id":12,"minutes_left":-1}"#).unwrap_err();
        assert!(err.message.contains("ack"), "{err}");
        let err = AgentFrame::parse(r#"{"type":"end_session"}"#).unwrap_err();
        assert!(
            err.message.contains("booking_id"),
            "the missing field is named: {err}"
        );
    }

    #[test]
    fn unknown_agent_frame_type_is_refused() {
        let err = AgentFrame::parse(r#"{"type":"reboot"}"#).unwrap_err();
        assert!(
            err.message.contains("reboot"),
            "the bad type is named: {err}"
        );
    }

    #[test]
    fn warning_has_the_wire_fields_and_a_utc_z_instant() {
        let text = DeskFrame::warning(3, 5, at(10, 30)).to_text();
        assert_eq!(
            text,
            r#"{"type":"session_warning","booking_id":3,"message":"Session ends in 5 min","minutes_left":5,"show_popup":true,"ends_at":"2026-12-04T10:30:00Z"}"#
        );
    }

    #[test]
    fn desk_frames_round_trip() {
        let session = PcSession {
            booking_id: 1,
            user: "ana".into(),
            starts_at: Some(at(9, 0)),
            ends_at: at(10, 0),
        };
        for frame in [
            DeskFrame::Welcome {
                pc: "PC-1".into(),
                server_time: at(9, 5),
                session: Some(session),
            },
            DeskFrame::Welcome {
                pc: "PC-1".into(),
                server_time: at(9, 5),
                session: None,
            },
            DeskFrame::SessionStarted {
                booking_id: 1,
                user: "ana".into(),
                ends_at: at(10, 0),
            },
            DeskFrame::warning(1, 1, at(10, 0)),
            DeskFrame::SessionExtended {
                booking_id: 1,
                ends_at: at(11, 0),
            },
            DeskFrame::SessionEnded {
                booking_id: 1,
                reason: EndReason::Expired,
            },
            DeskFrame::Error(ErrorBody::new(403, "not your booking")),
        ] {
            let text = frame.to_text();
            assert_eq!(
                DeskFrame::parse(&text).unwrap(),
                frame,
                "{text} must read back"
            );
        }
    }

    #[test]
    fn error_frame_is_flat() {
        let text = DeskFrame::Error(ErrorBody::new(400, "bad")).to_text();
        assert_eq!(text, r#"{"type":"error","code":400,"message":"bad"}"#);
    }

    #[test]
    fn instants_with_an_offset_read_as_utc() {
        let text =
            r#"{"type":"session_extended","booking_id":1,"ends_at":"2026-12-04T12:00:00+02:00"}"#;
        let want = DeskFrame::SessionExtended {
            booking_id: 1,
            ends_at: at(10, 0),
        };
        assert_eq!(DeskFrame::parse(text).unwrap(), want);
    }

    #[test]
    fn welcome_without_session_says_null() {
        let frame = DeskFrame::Welcome {
            pc: "PC-1".into(),
            server_time: at(9, 5),
            session: None,
        };
        assert!(
            frame.to_text().contains(r#""session":null"#),
            "session must be sent as null"
        );
    }
}
