//! Where a `/staff` client connects and how long and how much it waits for: the desk's URL
//! checked and turned into the endpoint URL, and the client's time-outs and answer size limit.

use super::ClientError;
use labdesk_proto::{MAX_FRAME_BYTES, STAFF_PATH};
use std::time::Duration;

/// How a [`super::StaffClient`] waits for the desk and how large an answer it accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientConfig {
    /// How long the TCP and WebSocket handshake may take.
    pub connect_timeout: Duration,
    /// How long to wait for the desk to take one frame or to answer it.
    pub answer_timeout: Duration,
    /// The largest message accepted from the desk. Answers such as the list of thousands of
    /// PCs are much larger than the 64 KiB a client may send.
    pub max_message_bytes: usize,
}

impl Default for ClientConfig {
    /// 10 s to connect; 60 s per answer, generous because an import hashes a token per PC;
    /// answers up to 4 MiB.
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(10),
            answer_timeout: Duration::from_secs(60),
            max_message_bytes: MAX_FRAME_BYTES * 64,
        }
    }
}

/// The `/staff` URL for a desk base URL such as `ws://127.0.0.1:7700` (a trailing `/` or
/// `/staff` is accepted).
///
/// # Errors
///
/// [`ClientError::BadUrl`] when `desk` is not a `ws://HOST[:PORT]` URL.
pub fn staff_url(desk: &str) -> Result<String, ClientError> {
    let trimmed = desk.trim().trim_end_matches('/');
    let base = trimmed.strip_suffix(STAFF_PATH).unwrap_or(trimmed);
    let host = base.strip_prefix("ws://").unwrap_or("");
    if host.is_empty() || host.contains('/') || host.contains(char::is_whitespace) {
        return Err(ClientError::BadUrl {
            url: desk.to_owned(),
        });
    }

    Ok(format!("{base}{STAFF_PATH}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staff_url_adds_the_path_once() {
        assert_eq!(
            staff_url("ws://127.0.0.1:7700").unwrap(),
            "ws://127.0.0.1:7700/staff"
        );
        assert_eq!(
            staff_url("ws://127.0.0.1:7700/").unwrap(),
            "ws://127.0.0.1:7700/staff"
        );
        assert_eq!(
            staff_url("ws://127.0.0.1:7700/staff").unwrap(),
            "ws://127.0.0.1:7700/staff"
        );
    }

    #[test]
    fn anything_but_a_ws_host_is_a_bad_url() {
        for bad in [
            "http://desk",
            "ws://",
            "ws:///staff",
            "desk:7700",
            "ws://a b",
            "ws://h/x",
        ] {
            let err = staff_url(bad).unwrap_err();
            assert!(
                matches!(&err, ClientError::BadUrl { url } if url == bad),
                "{bad} is refused and named: {err:?}"
            );
            assert!(err.to_string().contains("ws://"), "says the form: {err}");
        }
    }
}
