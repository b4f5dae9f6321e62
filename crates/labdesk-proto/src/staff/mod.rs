//! Frames on `/staff`, between a staff tool (the CLI, an integration) and the desk.
//!
//! The tool speaks first with [`AuthFrame`]; the desk answers [`StaffFrame::AuthOk`] or closes
//! with 4401. Then every [`Request`] carries an `id` and gets exactly one
//! [`StaffFrame::Result`] with the same id. After a `subscribe` request the desk also pushes
//! [`StaffFrame::Event`] frames with desk events.

mod request;

pub use request::{Request, RequestBody};

use crate::{parse_frame, ErrorBody, FrameError, Role};
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
