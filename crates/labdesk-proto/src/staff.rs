//! Frames on `/staff`, between a staff tool (the CLI, an integration) and the desk.
//!
//! The tool speaks first with [`AuthFrame`]; the desk answers [`StaffFrame::AuthOk`] or closes
//! with 4401. Then every [`Request`] carries an `id` and gets exactly one
//! [`StaffFrame::Result`] with the same id. After a `subscribe` request the desk also pushes
//! [`StaffFrame::Event`] frames with desk events.

use crate::{parse_frame, ErrorBody, FrameError, PcCondition, Role};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The first frame on `/staff`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AuthFrame {
    /// Authenticate with an API token or a username and password.
    Auth(Credentials),
}

impl AuthFrame {
    /// Reads the first frame of a staff connection.
    ///
    /// # Errors
    ///
    /// A [`FrameError`] when the text is not an `auth` frame with a token or a username and
    /// password (the desk closes with 4401).
    pub fn parse(text: &str) -> Result<Self, FrameError> {
        parse_frame(text)
    }
}

/// How a staff tool proves who it is. Only staff and admins may use `/staff`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Credentials {
    /// An API token created for a staff or admin user.
    Token {
        /// The secret token.
        token: String,
    },
    /// A staff or admin user's username and password.
    Password {
        /// The username.
        username: String,
        /// The password.
        password: String,
    },
}

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

/// The answer to one request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultFrame {
    /// The request's id.
    pub id: u64,
    /// Whether the request succeeded.
    pub success: bool,
    /// On success: the engine's answer (`null` when it has none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<Value>,
    /// On failure: what went wrong.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorBody>,
}

impl ResultFrame {
    /// A successful answer.
    pub fn ok(id: u64, result: Value) -> Self {
        Self {
            id,
            success: true,
            result: Some(result),
            error: None,
        }
    }

    /// A failed answer.
    pub fn err(id: u64, error: ErrorBody) -> Self {
        Self {
            id,
            success: false,
            result: None,
            error: Some(error),
        }
    }

    /// The answer as a `Result`.
    ///
    /// # Errors
    ///
    /// The error body of a failed answer (a 500 if a failed answer carried none).
    pub fn into_result(self) -> Result<Value, ErrorBody> {
        if self.success {
            Ok(self.result.unwrap_or(Value::Null))
        } else {
            Err(self
                .error
                .unwrap_or_else(|| ErrorBody::new(500, "the desk gave no reason")))
        }
    }
}

/// A frame the desk sends to a staff tool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum StaffFrame {
    /// Authentication succeeded.
    AuthOk {
        /// The username.
        user: String,
        /// `staff` or `admin`.
        role: Role,
    },
    /// The answer to a request.
    Result(ResultFrame),
    /// A desk event, after `subscribe` (the engine's `DeskEvent`, tagged by `type`).
    Event {
        /// The event.
        event: Value,
    },
    /// A frame without a readable `id` could not be served; the connection stays open.
    Error(ErrorBody),
}

impl StaffFrame {
    /// Reads one frame sent by the desk (used by staff tools).
    ///
    /// # Errors
    ///
    /// A [`FrameError`] when the text is not a known desk frame.
    pub fn parse(text: &str) -> Result<Self, FrameError> {
        parse_frame(text)
    }

    /// The frame as JSON text.
    pub fn to_text(&self) -> String {
        // `Value` and plain structs always serialise to JSON.
        serde_json::to_string(self).expect("staff frames always serialise")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use serde_json::json;

    #[test]
    fn auth_reads_token_or_password() {
        let frame = AuthFrame::parse(r#"{"type":"auth","token":"abc"}"#).unwrap();
        assert_eq!(
            frame,
            AuthFrame::Auth(Credentials::Token {
                token: "abc".into()
            })
        );
        let frame =
            AuthFrame::parse(r#"{"type":"auth","username":"sam","password":"pw"}"#).unwrap();
        let want = Credentials::Password {
            username: "sam".into(),
            password: "pw".into(),
        };
        assert_eq!(frame, AuthFrame::Auth(want));
    }

    #[test]
    fn auth_without_credentials_is_refused() {
        assert!(AuthFrame::parse(r#"{"type":"auth"}"#).is_err());
        assert!(AuthFrame::parse(r#"{"type":"auth","username":"sam"}"#).is_err());
        assert!(AuthFrame::parse(r#"{"type":"auth","token":5}"#).is_err());
        assert!(AuthFrame::parse(r#"{"type":"hello","token":"abc"}"#).is_err());
    }

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

    #[test]
    fn results_have_the_wire_shape() {
        let ok = StaffFrame::Result(ResultFrame::ok(3, json!({"a":1}))).to_text();
        assert_eq!(
            ok,
            r#"{"type":"result","id":3,"success":true,"result":{"a":1}}"#
        );
        let err = StaffFrame::Result(ResultFrame::err(4, ErrorBody::new(409, "overlap"))).to_text();
        assert_eq!(
            err,
            r#"{"type":"result","id":4,"success":false,"error":{"code":409,"message":"overlap"}}"#
        );
        let null = StaffFrame::Result(ResultFrame::ok(5, Value::Null)).to_text();
        assert!(
            null.contains(r#""result":null"#),
            "a null result is still sent: {null}"
        );
    }

    #[test]
    fn staff_frames_round_trip() {
        for frame in [
            StaffFrame::AuthOk {
                user: "sam".into(),
                role: Role::Staff,
            },
            StaffFrame::Result(ResultFrame::ok(1, json!([1, 2]))),
            StaffFrame::Result(ResultFrame::err(2, ErrorBody::new(404, "unknown pc"))),
            StaffFrame::Event {
                event: json!({"type":"pc_online","pc":"PC-1"}),
            },
            StaffFrame::Error(ErrorBody::bad_request("no id")),
        ] {
            let text = frame.to_text();
            assert_eq!(
                StaffFrame::parse(&text).unwrap(),
                frame,
                "{text} must read back"
            );
        }
    }

    #[test]
    fn into_result_splits_success_and_failure() {
        assert_eq!(ResultFrame::ok(1, json!(2)).into_result(), Ok(json!(2)));
        let err = ResultFrame::err(1, ErrorBody::new(403, "staff only")).into_result();
        assert_eq!(err.unwrap_err().code, 403);
    }
}
