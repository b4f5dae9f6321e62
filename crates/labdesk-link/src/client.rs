//! A small `/staff` client: connect, authenticate, send requests, read results and events.
//! `labdeskctl` and the tests use it; [`ClientError::exit_code`] gives the CLI's exit code.

use futures_util::{SinkExt, StreamExt};
use labdesk_proto::staff::{AuthFrame, Credentials, Request, RequestBody, StaffFrame};
use labdesk_proto::{close, ErrorBody, Role, STAFF_PATH};
use serde_json::Value;
use std::collections::VecDeque;
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// How long connecting, authenticating or one request may take by default.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// Why a staff request did not succeed.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The desk could not be reached, or stopped answering.
    #[error("cannot reach the desk at {url}: {reason}; check that it runs and the address")]
    Unreachable {
        /// The endpoint URL tried.
        url: String,
        /// What failed.
        reason: String,
    },
    /// The desk refused the credentials (closed with 4401).
    #[error("the desk refused the credentials; check the token, or the username and password of a staff user")]
    Unauthenticated,
    /// The desk closed the connection.
    #[error("the desk closed the connection ({code}: {reason})")]
    Closed {
        /// The close code.
        code: u16,
        /// The close reason.
        reason: String,
    },
    /// The desk answered the request with an error.
    #[error("{0}")]
    Desk(ErrorBody),
    /// The desk sent something this client does not understand.
    #[error(
        "the desk sent an unexpected frame ({0}); are the desk and this tool the same version?"
    )]
    Protocol(String),
}

impl ClientError {
    /// The `labdeskctl` exit code for this error: 3 bad request, 4 not allowed, 5 not found,
    /// 6 conflict, 7 desk unreachable, 1 anything else.
    pub fn exit_code(&self) -> i32 {
        match self {
            Self::Unreachable { .. } => 7,
            Self::Unauthenticated => 4,
            Self::Desk(body) => match body.code {
                400 => 3,
                401 | 403 => 4,
                404 => 5,
                409 => 6,
                _ => 1,
            },
            Self::Closed { .. } | Self::Protocol(_) => 1,
        }
    }
}

type Stream = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// An authenticated `/staff` connection.
#[derive(Debug)]
pub struct StaffClient {
    socket: Stream,
    url: String,
    user: String,
    role: Role,
    next_id: u64,
    events: VecDeque<Value>,
    timeout: Duration,
}

/// The `/staff` URL for a desk base URL such as `ws://127.0.0.1:7700`.
pub fn staff_url(desk: &str) -> String {
    let base = desk.trim_end_matches('/');
    if base.ends_with(STAFF_PATH) {
        base.to_owned()
    } else {
        format!("{base}{STAFF_PATH}")
    }
}

impl StaffClient {
    /// Connects to the desk at `desk` (its base URL, e.g. `ws://127.0.0.1:7700`) and
    /// authenticates.
    ///
    /// # Errors
    ///
    /// [`ClientError::Unreachable`] when the desk cannot be reached in time,
    /// [`ClientError::Unauthenticated`] when it refuses the credentials.
    pub async fn connect(desk: &str, credentials: Credentials) -> Result<Self, ClientError> {
        Self::connect_with_timeout(desk, credentials, DEFAULT_TIMEOUT).await
    }

    /// Like [`StaffClient::connect`], with `timeout` for connecting and for each request.
    ///
    /// # Errors
    ///
    /// As [`StaffClient::connect`].
    pub async fn connect_with_timeout(
        desk: &str,
        credentials: Credentials,
        timeout: Duration,
    ) -> Result<Self, ClientError> {
        let url = staff_url(desk);
        let unreachable = |reason: String| ClientError::Unreachable {
            url: url.clone(),
            reason,
        };
        let (socket, _) = tokio::time::timeout(timeout, tokio_tungstenite::connect_async(&url))
            .await
            .map_err(|_| unreachable("timed out".to_owned()))?
            .map_err(|err| unreachable(err.to_string()))?;
        let mut client = Self {
            socket,
            url: url.clone(),
            user: String::new(),
            role: Role::Staff,
            next_id: 0,
            events: VecDeque::new(),
            timeout,
        };

        let auth = serde_json::to_string(&AuthFrame::Auth(credentials))
            .map_err(|err| ClientError::Protocol(err.to_string()))?;
        client.write(auth).await?;
        match client.read().await? {
            StaffFrame::AuthOk { user, role } => {
                client.user = user;
                client.role = role;
                Ok(client)
            }
            other => Err(ClientError::Protocol(format!(
                "{other:?} instead of auth_ok"
            ))),
        }
    }

    /// The authenticated username.
    pub fn user(&self) -> &str {
        &self.user
    }

    /// The authenticated role (`staff` or `admin`).
    pub fn role(&self) -> Role {
        self.role
    }

    /// Sends one request and waits for its result. Events that arrive meanwhile are kept for
    /// [`StaffClient::next_event`].
    ///
    /// # Errors
    ///
    /// [`ClientError::Desk`] with the desk's error body when the request failed; the other
    /// variants when the connection did.
    pub async fn request(&mut self, body: RequestBody) -> Result<Value, ClientError> {
        self.next_id += 1;
        let id = self.next_id;
        let text = serde_json::to_string(&Request { id, body })
            .map_err(|err| ClientError::Protocol(err.to_string()))?;
        self.write(text).await?;

        loop {
            match self.read().await? {
                StaffFrame::Result(result) if result.id == id => {
                    return result.into_result().map_err(ClientError::Desk)
                }
                StaffFrame::Event { event } => self.events.push_back(event),
                StaffFrame::Error(body) => return Err(ClientError::Desk(body)),
                other => return Err(ClientError::Protocol(format!("{other:?}"))),
            }
        }
    }

    /// Sends a raw text frame and returns the desk's next frame; for tests of bad input.
    ///
    /// # Errors
    ///
    /// When the connection fails.
    pub async fn raw(&mut self, text: String) -> Result<StaffFrame, ClientError> {
        self.write(text).await?;
        self.read().await
    }

    /// Subscribes to desk events.
    ///
    /// # Errors
    ///
    /// As [`StaffClient::request`].
    pub async fn subscribe(&mut self) -> Result<(), ClientError> {
        self.request(RequestBody::Subscribe).await.map(|_| ())
    }

    /// The next desk event (after [`StaffClient::subscribe`]), waiting as long as it takes.
    ///
    /// # Errors
    ///
    /// When the connection fails or closes.
    pub async fn next_event(&mut self) -> Result<Value, ClientError> {
        if let Some(event) = self.events.pop_front() {
            return Ok(event);
        }
        match self.read_forever().await? {
            StaffFrame::Event { event } => Ok(event),
            StaffFrame::Error(body) => Err(ClientError::Desk(body)),
            other => Err(ClientError::Protocol(format!("{other:?}"))),
        }
    }

    /// Closes the connection politely.
    pub async fn close(mut self) {
        let frame = CloseFrame {
            code: close::NORMAL.into(),
            reason: "done".into(),
        };
        let _ = tokio::time::timeout(self.timeout, self.socket.close(Some(frame))).await;
    }

    async fn write(&mut self, text: String) -> Result<(), ClientError> {
        match tokio::time::timeout(self.timeout, self.socket.send(Message::text(text))).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(err)) => Err(self.unreachable(err.to_string())),
            Err(_) => Err(self.unreachable("timed out sending".to_owned())),
        }
    }

    async fn read(&mut self) -> Result<StaffFrame, ClientError> {
        match tokio::time::timeout(self.timeout, self.read_forever()).await {
            Ok(frame) => frame,
            Err(_) => Err(self.unreachable("no answer in time".to_owned())),
        }
    }

    async fn read_forever(&mut self) -> Result<StaffFrame, ClientError> {
        loop {
            let message = match self.socket.next().await {
                Some(Ok(message)) => message,
                Some(Err(err)) => return Err(self.unreachable(err.to_string())),
                None => return Err(self.unreachable("the connection ended".to_owned())),
            };
            match message {
                Message::Text(text) => {
                    return StaffFrame::parse(&text)
                        .map_err(|err| ClientError::Protocol(err.message))
                }
                Message::Close(Some(frame)) if u16::from(frame.code) == close::UNAUTHENTICATED => {
                    return Err(ClientError::Unauthenticated)
                }
                Message::Close(frame) => {
                    let (code, reason) = frame
                        .map(|f| (u16::from(f.code), f.reason.to_string()))
                        .unwrap_or((close::NORMAL, String::new()));
                    return Err(ClientError::Closed { code, reason });
                }
                _ => continue,
            }
        }
    }

    fn unreachable(&self, reason: String) -> ClientError {
        ClientError::Unreachable {
            url: self.url.clone(),
            reason,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staff_url_adds_the_path_once() {
        assert_eq!(
            staff_url("ws://127.0.0.1:7700"),
            "ws://127.0.0.1:7700/staff"
        );
        assert_eq!(
            staff_url("ws://127.0.0.1:7700/"),
            "ws://127.0.0.1:7700/staff"
        );
        assert_eq!(
            staff_url("ws://127.0.0.1:7700/staff"),
            "ws://127.0.0.1:7700/staff"
        );
    }

    #[test]
    fn exit_codes_follow_the_cli_table() {
        let desk = |code| ClientError::Desk(ErrorBody::new(code, "x")).exit_code();
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
        assert_eq!(unreachable.exit_code(), 7);
        assert_eq!(ClientError::Unauthenticated.exit_code(), 4);
    }
}
