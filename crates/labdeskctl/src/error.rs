//! The CLI's errors and the exit code each one maps to.
//!
//! Exit codes are part of the contract: 0 ok, 1 unexpected failure, 2 usage, 3 bad request
//! (400), 4 not allowed (401 / 403), 5 not found (404), 6 conflict (409), 7 desk unreachable.
//! A `/staff` client's [`ClientError`] becomes a [`CliError`] here and nowhere else.

use labdesk_link::client::ClientError;
use labdesk_proto::{code, ErrorBody};
use std::path::PathBuf;

/// The process exit codes of `labdeskctl`.
pub mod exit {
    /// Success.
    pub const OK: u8 = 0;
    /// A failure that fits no other code (a desk error 500, a broken answer, a local I/O error).
    pub const FAILURE: u8 = 1;
    /// The command line was wrong.
    pub const USAGE: u8 = 2;
    /// The desk refused the request as invalid (400).
    pub const BAD_REQUEST: u8 = 3;
    /// The desk did not allow it (401 / 403).
    pub const NOT_ALLOWED: u8 = 4;
    /// The desk did not find what was named (404).
    pub const NOT_FOUND: u8 = 5;
    /// The request conflicts with the desk's state (409).
    pub const CONFLICT: u8 = 6;
    /// No desk answered.
    pub const UNREACHABLE: u8 = 7;
}

/// Everything that can make a `labdeskctl` command fail.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// A bad argument the parser could not catch (a time, a file to read).
    #[error("{0}")]
    Usage(String),
    /// The desk answered with an error.
    #[error("{}", .0.message)]
    Desk(ErrorBody),
    /// The desk refused the credentials (closed with 4401).
    #[error("the desk refused these credentials; use an admin or staff token (see desk.json in the data dir) or pass --token")]
    NotAllowed,
    /// No desk answered at the address.
    #[error("cannot reach the desk at {url}: {cause}; start it with `labdeskctl --data-dir DIR serve` or check --desk")]
    Unreachable {
        /// The address tried.
        url: String,
        /// What failed.
        cause: String,
    },
    /// No desk is known: no `--desk` and no desk file in the data dir.
    #[error("no desk found: {path} does not exist; start one with `labdeskctl --data-dir DIR serve`, or pass --desk URL --token TOKEN")]
    NoDesk {
        /// The desk file that was looked for.
        path: PathBuf,
    },
    /// The desk answered something that does not fit the protocol.
    #[error("the desk gave an answer this tool cannot read: {0}; check that labdeskctl and the desk are the same version")]
    Protocol(String),
    /// A local failure (reading a file, the store, the listener).
    #[error("{0}")]
    Local(String),
}

impl CliError {
    /// The exit code for this error.
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::Usage(_) => exit::USAGE,
            Self::Desk(body) => exit_code_for(body.code),
            Self::NotAllowed => exit::NOT_ALLOWED,
            Self::Unreachable { .. } | Self::NoDesk { .. } => exit::UNREACHABLE,
            Self::Protocol(_) | Self::Local(_) => exit::FAILURE,
        }
    }
}

impl From<ClientError> for CliError {
    /// A bad `--desk` is a usage error, refused credentials are not allowed, a desk that
    /// cannot be reached or stops answering is unreachable, a desk error keeps its code, and a
    /// close or a frame this tool cannot read is a failure.
    fn from(err: ClientError) -> Self {
        match err {
            ClientError::BadUrl { url } => Self::Usage(format!(
                "the desk url {url:?} is not a ws:// url; pass --desk ws://HOST:7700"
            )),
            ClientError::Unreachable { url, reason } => Self::Unreachable { url, cause: reason },
            ClientError::Unauthenticated => Self::NotAllowed,
            ClientError::Desk(body) => Self::Desk(body),
            ClientError::Closed { code, reason } => {
                Self::Protocol(format!("the desk closed the connection ({code}: {reason})"))
            }
            ClientError::Protocol(what) => Self::Protocol(what),
        }
    }
}

/// The exit code for a desk error code (400 → 3, 401/403 → 4, 404 → 5, 409 → 6, else 1).
pub fn exit_code_for(desk_code: u16) -> u8 {
    match desk_code {
        code::BAD_REQUEST => exit::BAD_REQUEST,
        code::UNAUTHENTICATED | code::FORBIDDEN => exit::NOT_ALLOWED,
        code::NOT_FOUND => exit::NOT_FOUND,
        code::CONFLICT => exit::CONFLICT,
        _ => exit::FAILURE,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use labdesk_link::client::{staff_url, StaffClient};
    use labdesk_proto::staff::Credentials;

    #[test]
    fn desk_codes_map_to_exit_codes() {
        let cases = [(400, 3), (401, 4), (403, 4), (404, 5), (409, 6), (500, 1)];
        for (desk, want) in cases {
            let err = CliError::Desk(ErrorBody::new(desk, "x"));
            assert_eq!(err.exit_code(), want, "desk code {desk}");
        }
    }

    #[test]
    fn connection_failures_are_seven() {
        let err = CliError::Unreachable {
            url: "ws://127.0.0.1:9/staff".into(),
            cause: "connection refused".into(),
        };
        assert_eq!(err.exit_code(), exit::UNREACHABLE);
        assert!(
            err.to_string().contains("serve"),
            "says how to start a desk: {err}"
        );
        let none = CliError::NoDesk {
            path: "/tmp/x/desk.json".into(),
        };
        assert_eq!(none.exit_code(), exit::UNREACHABLE);
    }

    #[test]
    fn client_errors_follow_the_cli_table() {
        let desk = |code| CliError::from(ClientError::Desk(ErrorBody::new(code, "x"))).exit_code();
        assert_eq!(
            [
                desk(400),
                desk(401),
                desk(403),
                desk(404),
                desk(409),
                desk(500)
            ],
            [3, 4, 4, 5, 6, 1]
        );
        let unreachable = ClientError::Unreachable {
            url: "u".into(),
            reason: "r".into(),
        };
        assert_eq!(CliError::from(unreachable).exit_code(), 7);
        assert_eq!(CliError::from(ClientError::Unauthenticated).exit_code(), 4);
        let closed = ClientError::Closed {
            code: 1011,
            reason: "the desk failed".into(),
        };
        assert_eq!(CliError::from(closed).exit_code(), exit::FAILURE);
    }

    #[test]
    fn staff_url_adds_the_endpoint() {
        assert_eq!(
            staff_url("ws://127.0.0.1:7700/").unwrap(),
            "ws://127.0.0.1:7700/staff"
        );
        let err = CliError::from(staff_url("http://desk").unwrap_err());
        assert_eq!(err.exit_code(), exit::USAGE);
        assert!(err.to_string().contains("--desk"), "says which flag: {err}");
    }

    #[tokio::test]
    async fn a_closed_port_is_unreachable() {
        // Bind then drop a listener: the port is free and nothing answers on it.
        let port = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            listener.local_addr().unwrap().port()
        };
        let credentials = Credentials::Token { token: "t".into() };
        let err = StaffClient::connect(&format!("ws://127.0.0.1:{port}"), credentials)
            .await
            .err()
            .map(CliError::from)
            .expect("nothing listens there");
        assert_eq!(err.exit_code(), exit::UNREACHABLE, "{err}");
    }

    #[test]
    fn refused_credentials_are_four_and_usage_is_two() {
        assert_eq!(CliError::NotAllowed.exit_code(), exit::NOT_ALLOWED);
        assert_eq!(CliError::Usage("bad".into()).exit_code(), exit::USAGE);
    }
}
