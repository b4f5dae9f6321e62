//! The Labdesk wire format: serde types for every JSON text frame on the desk's two WebSocket
//! endpoints, the close codes, and the size limits.
//!
//! - [`pc`]: frames between a PC agent and the desk on `/pc`.
//! - [`staff`]: frames between a staff tool (the CLI, an integration) and the desk on `/staff`.
//!
//! Every instant on the wire is RFC 3339 in UTC with a `Z` suffix (chrono's serde format for
//! `DateTime<Utc>`); inputs accept RFC 3339 with any offset. Ids and codes are JSON integers.
//! `docs/protocol.md` describes the same format for readers who are not writing Rust.

pub mod pc;
pub mod staff;

use serde::{Deserialize, Serialize};
use std::fmt;

/// The largest text frame either side accepts, in bytes (64 KiB).
///
/// A bigger frame closes the connection with [`close::TOO_BIG`].
pub const MAX_FRAME_BYTES: usize = 64 * 1024;

/// The port a desk listens on when no address is configured.
pub const DEFAULT_PORT: u16 = 7700;

/// The path PC agents connect to.
pub const PC_PATH: &str = "/pc";

/// The path staff tools connect to.
pub const STAFF_PATH: &str = "/staff";

/// WebSocket close codes the desk uses.
pub mod close {
    /// Normal closure: the desk is shutting down or the client said goodbye.
    pub const NORMAL: u16 = 1000;
    /// The desk is going away (graceful shutdown).
    pub const GOING_AWAY: u16 = 1001;
    /// A binary frame or another protocol violation the desk will not serve.
    pub const POLICY: u16 = 1008;
    /// A frame over [`crate::MAX_FRAME_BYTES`].
    pub const TOO_BIG: u16 = 1009;
    /// The desk failed (for example its store); the client may retry later.
    pub const INTERNAL: u16 = 1011;
    /// Wrong or missing credentials, or no `hello` / `auth` in time. The client must not
    /// reconnect with the same credentials.
    pub const UNAUTHENTICATED: u16 = 4401;
    /// A newer connection for the same PC took over. The agent must stop, not reconnect.
    pub const REPLACED: u16 = 4409;
}

/// HTTP-like error codes carried in `error` frames and failed `result` frames.
pub mod code {
    /// Malformed, unknown or wrong-typed frame, or a request the rules refuse as invalid.
    pub const BAD_REQUEST: u16 = 400;
    /// Not authenticated.
    pub const UNAUTHENTICATED: u16 = 401;
    /// Authenticated but not allowed.
    pub const FORBIDDEN: u16 = 403;
    /// Unknown PC, user or booking.
    pub const NOT_FOUND: u16 = 404;
    /// The request conflicts with the current state (overlap, booking not live).
    pub const CONFLICT: u16 = 409;
    /// The desk failed; the request may be retried.
    pub const INTERNAL: u16 = 500;
}

/// An error answer: an HTTP-like `code` and a lower-case `message` for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// One of the codes in [`code`].
    pub code: u16,
    /// What went wrong and what to do next.
    pub message: String,
}

impl ErrorBody {
    /// Builds an error body from a code and a message.
    pub fn new(code: u16, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    /// A 400 answer for a frame that could not be read.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(code::BAD_REQUEST, message)
    }
}

impl fmt::Display for ErrorBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.message, self.code)
    }
}

impl std::error::Error for ErrorBody {}

/// A user's role. `patron` < `staff` < `admin`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Uses a PC; may end or cancel their own bookings.
    Patron,
    /// Runs sessions and clean-up.
    Staff,
    /// Also manages PCs, users and settings.
    Admin,
}

/// Why a booking ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EndReason {
    /// The booking reached its end time.
    Expired,
    /// Staff ended it early.
    EndedByStaff,
    /// The patron (or their PC's agent) ended it early.
    EndedByUser,
    /// It was cancelled before it started.
    Cancelled,
}

/// Whether a PC can be booked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PcCondition {
    /// In service.
    Active,
    /// Out of service; cannot be booked.
    Repair,
}

/// Why a text frame could not be read as a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameError {
    /// The request id, when the frame carried a readable one (staff requests only).
    pub id: Option<u64>,
    /// What was wrong, lower case, saying what to send instead.
    pub message: String,
}

impl FrameError {
    /// The error answer to send back (always 400).
    pub fn to_body(&self) -> ErrorBody {
        ErrorBody::bad_request(self.message.clone())
    }
}

impl fmt::Display for FrameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for FrameError {}

/// Reads a JSON text frame into `T`, turning serde's complaint into a [`FrameError`] whose
/// message names the `type` the frame claimed.
fn parse_frame<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, FrameError> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|err| FrameError {
        id: None,
        message: format!("frame is not valid JSON ({err}); send one JSON object per text frame"),
    })?;
    parse_value(value)
}

/// Like [`parse_frame`] for an already parsed value.
fn parse_value<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> Result<T, FrameError> {
    let Some(object) = value.as_object() else {
        return Err(FrameError {
            id: None,
            message: "frame must be a JSON object with a \"type\" field".to_owned(),
        });
    };
    let id = object.get("id").and_then(serde_json::Value::as_u64);
    let kind = match object.get("type") {
        Some(serde_json::Value::String(kind)) => kind.clone(),
        Some(_) => {
            return Err(FrameError {
                id,
                message: "field \"type\" must be a string".to_owned(),
            })
        }
        None => {
            return Err(FrameError {
                id,
                message: "frame has no \"type\" field".to_owned(),
            })
        }
    };

    serde_json::from_value(value).map_err(|err| FrameError {
        id,
        message: format!("bad \"{kind}\" frame: {err}; see docs/protocol.md for its fields"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_body_round_trips() {
        let body = ErrorBody::new(code::CONFLICT, "booking is not live");
        let text = serde_json::to_string(&body).unwrap();
        assert_eq!(text, r#"{"code":409,"message":"booking is not live"}"#);
        let back: ErrorBody = serde_json::from_str(&text).unwrap();
        assert_eq!(back, body, "an error body must survive a round trip");
    }

    #[test]
    fn roles_order_patron_below_staff_below_admin() {
        assert!(Role::Patron < Role::Staff && Role::Staff < Role::Admin);
        assert_eq!(serde_json::to_string(&Role::Admin).unwrap(), r#""admin""#);
    }

    #[test]
    fn end_reasons_are_snake_case() {
        let text = serde_json::to_string(&EndReason::EndedByStaff).unwrap();
        assert_eq!(text, r#""ended_by_staff""#);
        assert!(serde_json::from_str::<EndReason>(r#""timeout""#).is_err());
    }

    #[test]
    fn non_objects_and_untyped_frames_are_refused() {
        let err = parse_frame::<pc::AgentFrame>("[1,2]").unwrap_err();
        assert!(err.message.contains("JSON object"), "{err}");
        let err = parse_frame::<pc::AgentFrame>(r#"{"booking_id":1}"#).unwrap_err();
        assert!(err.message.contains("no \"type\""), "{err}");
        let err = parse_frame::<pc::AgentFrame>(r#"{"type":7}"#).unwrap_err();
        assert!(err.message.contains("must be a string"), "{err}");
        let err = parse_frame::<pc::AgentFrame>("not json").unwrap_err();
        assert!(err.message.contains("not valid JSON"), "{err}");
    }
}
