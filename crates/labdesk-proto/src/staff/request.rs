//! Staff requests: `{"id": N, "type": "...", ...fields}`, one variant per engine rule.

use crate::{parse_frame, FrameError, PcCondition, Role};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A request: `{"id": N, "type": "...", ...fields}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    /// Chosen by the client; echoed in the result.
    pub id: u64,
    /// What to do.
    #[serde(flatten)]
    pub body: RequestBody,
}

impl Request {
    /// Reads one request frame.
    ///
    /// # Errors
    ///
    /// A [`FrameError`] when the frame is not a known request with the right fields; its `id`
    /// is set when the frame had a readable one, so the answer can be a failed `result`.
    pub fn parse(text: &str) -> Result<Self, FrameError> {
        parse_frame(text)
    }
}

fn default_audit_limit() -> u32 {
    50
}

/// Every request a staff tool can make; each calls one engine rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RequestBody {
    /// Adds a PC (admin). Result: `{pc: Pc, token}`; the token is shown only here.
    AddPc {
        /// Unique name, e.g. `PC-07`.
        name: String,
        /// Zone, e.g. `lab-a`.
        #[serde(default)]
        zone: Option<String>,
        /// Operating system, e.g. `windows`.
        #[serde(default)]
        os: Option<String>,
    },
    /// Imports PCs from CSV text (admin). Result: `{imported: [{pc, token}]}`.
    ImportPcs {
        /// The CSV file's text.
        csv: String,
    },
    /// Lists every PC. Result: `Pc[]`.
    ListPcs,
    /// Renames a PC (admin). Result: `Pc`.
    RenamePc {
        /// The PC's current name.
        pc: String,
        /// The new name.
        name: String,
    },
    /// Puts a PC in service or in repair (admin). Result: `Pc`.
    SetPcCondition {
        /// The PC's name.
        pc: String,
        /// `active` or `repair`.
        condition: PcCondition,
    },
    /// Adds a user (admin; staff may add patrons). Result: `User`.
    AddUser {
        /// Unique username.
        username: String,
        /// Name shown in the console; defaults to the username.
        #[serde(default)]
        display_name: Option<String>,
        /// Defaults to `patron`.
        #[serde(default)]
        role: Option<Role>,
        /// Required for staff and admins.
        #[serde(default)]
        password: Option<String>,
    },
    /// Lists users. Result: `User[]`.
    ListUsers,
    /// Starts a session now on a free PC. Result: `Session`.
    StartSession {
        /// The PC's name.
        pc: String,
        /// The patron's username.
        user: String,
        /// How long, in seconds (more than zero).
        duration_secs: u64,
    },
    /// Books a PC ahead. Result: `Booking`.
    BookSession {
        /// The PC's name.
        pc: String,
        /// The patron's username.
        user: String,
        /// Start instant, RFC 3339 with any offset.
        start: DateTime<Utc>,
        /// End instant, after `start` and in the future.
        end: DateTime<Utc>,
    },
    /// Extends a live session. Result: `Session`.
    ExtendSession {
        /// The live booking.
        booking_id: i64,
        /// Extra time in seconds (more than zero).
        by_secs: u64,
    },
    /// Ends a live session early. Result: `Booking`.
    EndSession {
        /// The live booking.
        booking_id: i64,
    },
    /// Cancels an upcoming booking. Result: `Booking`.
    CancelBooking {
        /// The upcoming booking.
        booking_id: i64,
    },
    /// Frees every live-but-overdue booking. Result: `CleanUpReport`.
    CleanUp,
    /// Lists live sessions. Result: `Session[]`.
    LiveSessions,
    /// The latest audit entries, newest first. Result: `AuditEntry[]`.
    Audit {
        /// How many entries (default 50).
        #[serde(default = "default_audit_limit")]
        limit: u32,
    },
    /// Streams desk events as `event` frames on this connection. Result: `{subscribed: true}`.
    Subscribe,
}

impl RequestBody {
    /// The request's `type` as on the wire, for logs.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::AddPc { .. } => "add_pc",
            Self::ImportPcs { .. } => "import_pcs",
            Self::ListPcs => "list_pcs",
            Self::RenamePc { .. } => "rename_pc",
            Self::SetPcCondition { .. } => "set_pc_condition",
            Self::AddUser { .. } => "add_user",
            Self::ListUsers => "list_users",
            Self::StartSession { .. } => "start_session",
            Self::BookSession { .. } => "book_session",
            Self::ExtendSession { .. } => "extend_session",
            Self::EndSession { .. } => "end_session",
            Self::CancelBooking { .. } => "cancel_booking",
            Self::CleanUp => "clean_up",
            Self::LiveSessions => "live_sessions",
            Self::Audit { .. } => "audit",
            Self::Subscribe => "subscribe",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn requests_round_trip() {
        let start = Utc.with_ymd_and_hms(2026, 12, 4, 9, 0, 0).unwrap();
        let bodies = [
            RequestBody::AddPc {
                name: "PC-1".into(),
                zone: Some("a".into()),
                os: None,
            },
            RequestBody::ImportPcs {
                csv: "name\nPC-2\n".into(),
            },
            RequestBody::ListPcs,
            RequestBody::RenamePc {
                pc: "PC-1".into(),
                name: "PC-9".into(),
            },
            RequestBody::SetPcCondition {
                pc: "PC-1".into(),
                condition: PcCondition::Repair,
            },
            RequestBody::AddUser {
                username: "sam".into(),
                display_name: None,
                role: Some(Role::Staff),
                password: Some("pw".into()),
            },
            RequestBody::ListUsers,
            RequestBody::StartSession {
                pc: "PC-1".into(),
                user: "ana".into(),
                duration_secs: 60,
            },
            RequestBody::BookSession {
                pc: "PC-1".into(),
                user: "ana".into(),
                start,
                end: start + chrono::Duration::hours(1),
            },
            RequestBody::ExtendSession {
                booking_id: 4,
                by_secs: 900,
            },
            RequestBody::EndSession { booking_id: 4 },
            RequestBody::CancelBooking { booking_id: 4 },
            RequestBody::CleanUp,
            RequestBody::LiveSessions,
            RequestBody::Audit { limit: 10 },
            RequestBody::Subscribe,
        ];
        for (id, body) in bodies.into_iter().enumerate() {
            let request = Request {
                id: id as u64,
                body,
            };
            let text = serde_json::to_string(&request).unwrap();
            let kind = request.body.kind();
            assert!(
                text.contains(&format!(r#""type":"{kind}""#)),
                "{text} names its kind"
            );
            assert_eq!(
                Request::parse(&text).unwrap(),
                request,
                "{text} must read back"
            );
        }
    }

    #[test]
    fn request_shape_matches_the_wire() {
        let text =
            r#"{"id":7,"type":"start_session","pc":"PC-1","user":"ana","duration_secs":2700}"#;
        let request = Request::parse(text).unwrap();
        assert_eq!(request.id, 7);
        let want = RequestBody::StartSession {
            pc: "PC-1".into(),
            user: "ana".into(),
            duration_secs: 2700,
        };
        assert_eq!(request.body, want);
        let audit = Request::parse(r#"{"id":1,"type":"audit"}"#).unwrap();
        assert_eq!(
            audit.body,
            RequestBody::Audit { limit: 50 },
            "audit limit defaults to 50"
        );
    }

    #[test]
    fn bad_requests_keep_their_id() {
        let err = Request::parse(r#"{"id":9,"type":"start_session","pc":"PC-1"}"#).unwrap_err();
        assert_eq!(
            err.id,
            Some(9),
            "the id is kept so the answer can be a failed result"
        );
        assert!(err.message.contains("start_session"), "{err}");

        let err = Request::parse(r#"{"id":3,"type":"end_session","booking_id":"x"}"#).unwrap_err();
        assert_eq!(err.id, Some(3));
        let err = Request::parse(r#"{"id":4,"type":"make_coffee"}"#).unwrap_err();
        assert!(err.message.contains("make_coffee"), "{err}");
        let err = Request::parse(r#"{"type":"list_pcs"}"#).unwrap_err();
        assert_eq!(err.id, None);
        assert!(err.message.contains("id"), "the missing id is named: {err}");
        let err = Request::parse(r#"{"id":1,"type":"extend_session","booking_id":1,"by_secs":-5}"#)
            .unwrap_err();
        assert!(err.message.contains("extend_session"), "{err}");
    }
}
