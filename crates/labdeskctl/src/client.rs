//! A small `/staff` client: connect, authenticate, send requests and read their results.

use crate::error::CliError;
use futures_util::{SinkExt, StreamExt};
use labdesk_proto::staff::{AuthFrame, Credentials, Request, RequestBody, StaffFrame};
use labdesk_proto::{close, Role, MAX_FRAME_BYTES, STAFF_PATH};
use serde_json::Value;
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// How long to wait for the desk's answer to one frame. Generous: an import hashes a token
/// per PC.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(60);

/// How long to wait for the TCP and WebSocket handshake.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// An authenticated connection to a desk's `/staff` endpoint.
pub struct StaffClient {
    socket: WebSocketStream<MaybeTlsStream<TcpStream>>,
    next_id: u64,
    user: String,
    role: Role,
}

/// Builds the `/staff` URL from a desk's base URL.
///
/// # Errors
///
/// [`CliError::Usage`] when `desk` is not a `ws://` URL.
pub fn staff_url(desk: &str) -> Result<String, CliError> {
    let base = desk.trim().trim_end_matches('/');
    let host = base.strip_prefix("ws://").unwrap_or("");
    if host.is_empty() || host.contains('/') || host.contains(char::is_whitespace) {
        return Err(CliError::Usage(format!(
            "the desk url {desk:?} is not a ws:// url; pass --desk ws://HOST:7700"
        )));
    }

    Ok(format!("{base}{STAFF_PATH}"))
}

impl StaffClient {
    /// Connects to the desk at `desk` (its base URL) and authenticates with `credentials`.
    ///
    /// # Errors
    ///
    /// [`CliError::Unreachable`] when no desk answers, [`CliError::NotAllowed`] when it refuses
    /// the credentials, [`CliError::Protocol`] when it answers something unexpected.
    pub async fn connect(desk: &str, credentials: Credentials) -> Result<Self, CliError> {
        let url = staff_url(desk)?;
        let unreachable = |cause: String| CliError::Unreachable {
            url: url.clone(),
            cause,
        };
        let config = WebSocketConfig::default()
            .max_message_size(Some(MAX_FRAME_BYTES * 64))
            .max_frame_size(Some(MAX_FRAME_BYTES * 64));
        let connecting = tokio_tungstenite::connect_async_with_config(&url, Some(config), true);
        let (socket, _) = tokio::time::timeout(CONNECT_TIMEOUT, connecting)
            .await
            .map_err(|_| unreachable("no answer within 10 s".to_owned()))?
            .map_err(|err| unreachable(err.to_string()))?;
        let mut client = Self {
            socket,
            next_id: 1,
            user: String::new(),
            role: Role::Patron,
        };

        client.send(&AuthFrame::Auth(credentials)).await?;
        match client.next_frame().await? {
            StaffFrame::AuthOk { user, role } => {
                tracing::debug!(role = role_name(role), "authenticated");
                client.user = user;
                client.role = role;
                Ok(client)
            }
            StaffFrame::Error(body) => Err(CliError::Desk(body)),
            other => Err(CliError::Protocol(format!(
                "expected auth_ok, got {other:?}"
            ))),
        }
    }

    /// The authenticated username.
    pub fn user(&self) -> &str {
        &self.user
    }

    /// The authenticated role.
    pub fn role(&self) -> Role {
        self.role
    }

    /// Sends one request and waits for its result, skipping events.
    ///
    /// # Errors
    ///
    /// [`CliError::Desk`] with the desk's error when the request failed; [`CliError::Protocol`]
    /// or [`CliError::Unreachable`] when the connection broke.
    pub async fn request(&mut self, body: RequestBody) -> Result<Value, CliError> {
        let id = self.next_id;
        self.next_id += 1;
        tracing::debug!(id, kind = body.kind(), "request");
        self.send(&Request { id, body }).await?;
        loop {
            match self.next_frame().await? {
                StaffFrame::Result(result) if result.id == id => {
                    return result.into_result().map_err(CliError::Desk)
                }
                StaffFrame::Error(body) => return Err(CliError::Desk(body)),
                other => tracing::debug!(frame = ?other, "not the answer yet"),
            }
        }
    }

    /// Says goodbye with a normal close frame.
    pub async fn close(mut self) {
        if let Err(err) = self.socket.close(None).await {
            tracing::debug!(cause = %err, "close frame not sent");
        }
    }

    async fn send(&mut self, frame: &impl serde::Serialize) -> Result<(), CliError> {
        // Request frames are plain data; serialising them cannot fail.
        let text = serde_json::to_string(frame).expect("staff requests always serialise");
        self.socket
            .send(Message::text(text))
            .await
            .map_err(|err| CliError::Protocol(format!("the connection failed: {err}")))
    }

    async fn next_frame(&mut self) -> Result<StaffFrame, CliError> {
        loop {
            let message = tokio::time::timeout(ANSWER_TIMEOUT, self.socket.next())
                .await
                .map_err(|_| CliError::Protocol("no answer within 60 s".to_owned()))?;
            let text = match message {
                None => return Err(CliError::Protocol("the desk closed the connection".into())),
                Some(Err(err)) => {
                    return Err(CliError::Protocol(format!("the connection failed: {err}")))
                }
                Some(Ok(Message::Text(text))) => text,
                Some(Ok(Message::Close(frame))) => {
                    let code = frame.as_ref().map(|f| u16::from(f.code));
                    return Err(match code {
                        Some(close::UNAUTHENTICATED) => CliError::NotAllowed,
                        _ => {
                            CliError::Protocol(format!("the desk closed the connection ({code:?})"))
                        }
                    });
                }
                Some(Ok(_)) => continue,
            };
            return StaffFrame::parse(text.as_str())
                .map_err(|err| CliError::Protocol(err.to_string()));
        }
    }
}

fn role_name(role: Role) -> &'static str {
    match role {
        Role::Patron => "patron",
        Role::Staff => "staff",
        Role::Admin => "admin",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staff_url_adds_the_endpoint() {
        assert_eq!(
            staff_url("ws://127.0.0.1:7700/").unwrap(),
            "ws://127.0.0.1:7700/staff"
        );
        let err = staff_url("http://desk").unwrap_err();
        assert_eq!(err.exit_code(), crate::error::exit::USAGE);
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
            .expect("nothing listens there");
        assert_eq!(err.exit_code(), crate::error::exit::UNREACHABLE, "{err}");
    }
}
