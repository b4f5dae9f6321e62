//! A small `/staff` client: connect, authenticate, send requests, read results and events.
//! `labdeskctl` and the tests use it; each tool turns [`ClientError`] into its own exit codes
//! or messages.

mod config;

pub use config::{staff_url, ClientConfig};

use futures_util::{SinkExt, StreamExt};
use labdesk_proto::staff::{AuthFrame, Credentials, Request, RequestBody, StaffFrame};
use labdesk_proto::{close, ErrorBody, Role};
use serde_json::Value;
use std::collections::VecDeque;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, WebSocketConfig};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// Why a staff request did not succeed.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The desk's address is not a `ws://` URL.
    #[error("the desk url {url:?} is not a ws:// url; give it as ws://HOST:7700")]
    BadUrl {
        /// The address given.
        url: String,
    },
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
    config: ClientConfig,
}

impl StaffClient {
    /// Connects to the desk at `desk` (its base URL, e.g. `ws://127.0.0.1:7700`) and
    /// authenticates, with the default [`ClientConfig`].
    ///
    /// # Errors
    ///
    /// [`ClientError::BadUrl`] when `desk` is not a `ws://` URL,
    /// [`ClientError::Unreachable`] when the desk cannot be reached in time,
    /// [`ClientError::Unauthenticated`] when it refuses the credentials,
    /// [`ClientError::Desk`] when it answers the auth frame with an error.
    pub async fn connect(desk: &str, credentials: Credentials) -> Result<Self, ClientError> {
        Self::connect_with(desk, credentials, ClientConfig::default()).await
    }

    /// Like [`StaffClient::connect`], with `config`'s time-outs and answer size limit.
    ///
    /// # Errors
    ///
    /// As [`StaffClient::connect`].
    pub async fn connect_with(
        desk: &str,
        credentials: Credentials,
        config: ClientConfig,
    ) -> Result<Self, ClientError> {
        let url = staff_url(desk)?;
        let unreachable = |reason: String| ClientError::Unreachable {
            url: url.clone(),
            reason,
        };
        let limits = WebSocketConfig::default()
            .max_message_size(Some(config.max_message_bytes))
            .max_frame_size(Some(config.max_message_bytes));
        let connecting = tokio_tungstenite::connect_async_with_config(&url, Some(limits), true);
        let (socket, _) = tokio::time::timeout(config.connect_timeout, connecting)
            .await
            .map_err(|_| unreachable(format!("no answer within {:?}", config.connect_timeout)))?
            .map_err(|err| unreachable(err.to_string()))?;
        let mut client = Self {
            socket,
            url: url.clone(),
            user: String::new(),
            role: Role::Staff,
            next_id: 0,
            events: VecDeque::new(),
            config,
        };

        let auth = serde_json::to_string(&AuthFrame::Auth(credentials))
            .map_err(|err| ClientError::Protocol(err.to_string()))?;
        client.write(auth).await?;
        match client.read().await? {
            StaffFrame::AuthOk { user, role } => {
                tracing::debug!(?role, "authenticated");
                client.user = user;
                client.role = role;
                Ok(client)
            }
            StaffFrame::Error(body) => Err(ClientError::Desk(body)),
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
        tracing::debug!(id, kind = body.kind(), "request");
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
        let closing = self.socket.close(Some(frame));
        if let Ok(Err(err)) = tokio::time::timeout(self.config.answer_timeout, closing).await {
            tracing::debug!(cause = %err, "close frame not sent");
        }
    }

    async fn write(&mut self, text: String) -> Result<(), ClientError> {
        let sending = self.socket.send(Message::text(text));
        match tokio::time::timeout(self.config.answer_timeout, sending).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(err)) => Err(self.unreachable(err.to_string())),
            Err(_) => Err(self.unreachable("timed out sending".to_owned())),
        }
    }

    async fn read(&mut self) -> Result<StaffFrame, ClientError> {
        match tokio::time::timeout(self.config.answer_timeout, self.read_forever()).await {
            Ok(frame) => frame,
            Err(_) => {
                Err(self.unreachable(format!("no answer within {:?}", self.config.answer_timeout)))
            }
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
