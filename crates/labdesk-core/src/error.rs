//! The engine's error: what went wrong, in words for the person at the desk, and an HTTP-like
//! code that the wire, the CLI's exit codes and the console all branch on.

use thiserror::Error;

/// Everything an engine call can refuse or fail with.
#[derive(Debug, Error)]
pub enum Error {
    /// The request itself is wrong (bad times, bad names, bad CSV): 400.
    #[error("{0}")]
    BadRequest(String),
    /// The credentials are missing or wrong: 401.
    #[error("{0}")]
    Unauthorized(String),
    /// The actor may not do this: 403.
    #[error("{0}")]
    Forbidden(String),
    /// The PC, user or booking does not exist: 404.
    #[error("{0}")]
    NotFound(String),
    /// The request clashes with the current state (overlap, not live, duplicate name): 409.
    #[error("{0}")]
    Conflict(String),
    /// The store failed; the change was not made.
    #[error("the store failed: {0}; check the data folder's disk and permissions, then retry")]
    Store(#[from] sqlx::Error),
    /// The store's schema could not be brought up to date.
    #[error(
        "the store's schema could not be updated: {0}; is the data folder from a newer Labdesk?"
    )]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A fault inside the engine that no request can fix.
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    /// The HTTP-like code of this error: 400, 401, 403, 404, 409 or 500.
    pub fn code(&self) -> u16 {
        match self {
            Error::BadRequest(_) => 400,
            Error::Unauthorized(_) => 401,
            Error::Forbidden(_) => 403,
            Error::NotFound(_) => 404,
            Error::Conflict(_) => 409,
            Error::Store(_) | Error::Migrate(_) | Error::Internal(_) => 500,
        }
    }

    pub(crate) fn bad(message: impl Into<String>) -> Self {
        Error::BadRequest(message.into())
    }

    pub(crate) fn forbidden(message: impl Into<String>) -> Self {
        Error::Forbidden(message.into())
    }

    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        Error::NotFound(message.into())
    }

    pub(crate) fn conflict(message: impl Into<String>) -> Self {
        Error::Conflict(message.into())
    }
}

/// Shorthand for results of engine calls.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_follow_http() {
        assert_eq!(Error::bad("x").code(), 400);
        assert_eq!(Error::Unauthorized("x".into()).code(), 401);
        assert_eq!(Error::forbidden("x").code(), 403);
        assert_eq!(Error::not_found("x").code(), 404);
        assert_eq!(Error::conflict("x").code(), 409);
        assert_eq!(Error::Internal("x".into()).code(), 500);
    }
}
