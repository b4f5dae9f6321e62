//! The one error every console command returns: `{ "code": 409, "message": "…" }`. The code is
//! the engine's HTTP-like code (400, 401, 403, 404, 409, 500), which the UI branches on; the
//! message is written for the person at the desk and says what to do next.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::settings::SettingsError;

/// A failed console command, as the UI receives it.
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize, Deserialize)]
#[error("{message} ({code})")]
pub struct CommandError {
    /// HTTP-like code: 400 bad request, 401 not signed in or wrong password, 403 not allowed,
    /// 404 not found, 409 conflict, 500 the desk failed.
    pub code: u16,
    /// What went wrong and what to do next, in lower case.
    pub message: String,
}

impl CommandError {
    /// An error with the given code and message.
    pub fn new(code: u16, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    /// 400: the request itself is wrong.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(400, message)
    }

    /// 401: nobody is signed in to the console.
    pub fn not_signed_in() -> Self {
        Self::new(401, "nobody is signed in; sign in as staff or admin first")
    }

    /// 500: the desk itself failed; the message says where to look.
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(500, message)
    }
}

impl From<labdesk_core::Error> for CommandError {
    fn from(error: labdesk_core::Error) -> Self {
        let code = error.code();
        if code >= 500 {
            // The details of a store failure belong in the log; the message still says what
            // to check.
            tracing::error!(code, cause = %error, "a console command failed inside the engine");
        }
        Self::new(code, error.to_string())
    }
}

impl From<SettingsError> for CommandError {
    fn from(error: SettingsError) -> Self {
        Self::new(error.code(), error.to_string())
    }
}

/// Shorthand for the result of a console command.
pub type CommandResult<T> = Result<T, CommandError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_serialise_as_code_and_message() {
        let json = serde_json::to_value(CommandError::not_signed_in()).unwrap();
        assert_eq!(json["code"], 401, "the UI branches on the code");
        assert!(
            json["message"].as_str().unwrap().contains("sign in"),
            "the message must say what to do: {json}"
        );
        assert_eq!(
            json.as_object().unwrap().len(),
            2,
            "nothing but code and message: {json}"
        );
    }

    #[test]
    fn engine_errors_keep_their_code_and_words() {
        let engine = labdesk_core::Error::Conflict("the session already ended".into());
        let error = CommandError::from(engine);
        assert_eq!(error, CommandError::new(409, "the session already ended"));
    }

    #[test]
    fn settings_errors_keep_their_code() {
        let error = CommandError::from(SettingsError::Invalid("bad listen address".into()));
        assert_eq!(error.code, 400);
    }
}
