//! The agent's connection to the desk's `/pc` endpoint: hello, read frames, acknowledge
//! warnings, show popups, and reconnect with backoff until told to stop.

use crate::backoff::Backoff;
use crate::notify::Notifier;
use crate::output::Output;
use crate::state::AgentState;
use futures_util::{SinkExt, StreamExt};
use labdesk_proto::{close, pc::AgentFrame, pc::DeskFrame, MAX_FRAME_BYTES, PC_PATH};
use std::time::Duration;
use tokio::net::TcpStream;
use tokio::sync::watch;
use tokio_tungstenite::tungstenite::protocol::{frame::coding::CloseCode, CloseFrame};
use tokio_tungstenite::tungstenite::{self, protocol::WebSocketConfig, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// A socket to the desk.
pub(crate) type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// The desk pings every few seconds; this long without any frame means the link is dead even
/// if the operating system has not noticed.
const SILENCE_LIMIT: Duration = Duration::from_secs(75);

/// Where and as whom the agent connects.
#[derive(Debug, Clone)]
pub struct LinkConfig {
    /// The full `/pc` URL, e.g. `ws://desk:7700/pc`.
    pub url: String,
    /// The PC's name.
    pub pc: String,
    /// The PC's token.
    pub token: String,
}

/// Why the agent stopped (or a one-shot command failed).
#[derive(Debug, thiserror::Error)]
pub enum LinkError {
    /// `--desk` is not a `ws://` URL.
    #[error("the desk url {0:?} is not a ws:// url; pass --desk ws://HOST:7700")]
    BadUrl(String),
    /// The desk closed with 4401.
    #[error("the desk refused pc {pc:?}: unknown pc or wrong token (close 4401); check --pc and the token the desk printed, then start the agent again")]
    Unauthenticated {
        /// The PC name that was refused.
        pc: String,
    },
    /// The desk closed with 4409.
    #[error("another agent for pc {pc:?} connected to the desk (close 4409); this one stops so that only one runs")]
    Replaced {
        /// The PC name.
        pc: String,
    },
    /// The desk could not be reached (one-shot commands only; the agent itself retries).
    #[error("cannot reach the desk at {url}: {cause}; check that the desk is running and the url is right")]
    Unreachable {
        /// The URL tried.
        url: String,
        /// What failed.
        cause: String,
    },
    /// The desk answered with an `error` frame.
    #[error("the desk refused: {0}")]
    Refused(labdesk_proto::ErrorBody),
    /// The PC has no live session to end.
    #[error("pc {pc:?} has no live session to end")]
    NoSession {
        /// The PC name.
        pc: String,
    },
    /// The desk broke the protocol or went silent.
    #[error("the desk did not answer as expected: {0}; try again, and check the desk's log")]
    Protocol(String),
}

impl LinkError {
    /// The process exit code for this error, matching `labdeskctl`'s: 3 bad request, 4 not
    /// allowed, 5 not found, 6 conflict, 7 desk unreachable, 1 anything else.
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::BadUrl(_) => 2,
            Self::Unauthenticated { .. } => 4,
            Self::Replaced { .. } => 6,
            Self::Unreachable { .. } => 7,
            Self::NoSession { .. } => 5,
            Self::Refused(body) => match body.code {
                400 => 3,
                401 | 403 => 4,
                404 => 5,
                409 => 6,
                _ => 1,
            },
            Self::Protocol(_) => 1,
        }
    }
}

/// Builds the `/pc` URL from the desk's base URL.
///
/// # Errors
///
/// [`LinkError::BadUrl`] when `desk` is not a `ws://` URL (the agent has no TLS yet).
pub fn pc_url(desk: &str) -> Result<String, LinkError> {
    let base = desk.trim().trim_end_matches('/');
    let host = base.strip_prefix("ws://").unwrap_or("");
    if host.is_empty() || host.contains('/') || host.contains(char::is_whitespace) {
        return Err(LinkError::BadUrl(desk.to_owned()));
    }

    Ok(format!("{base}{PC_PATH}"))
}

/// How one connection ended.
#[derive(Debug)]
enum Ending {
    /// The desk closed with a code (or none).
    Closed(Option<u16>),
    /// The socket failed or went silent.
    Lost(String),
    /// We were told to stop.
    Stopped,
}

/// Opens a socket to `url` with the protocol's frame limit.
pub(crate) async fn open(url: &str) -> Result<Socket, tungstenite::Error> {
    let config = WebSocketConfig::default()
        .max_message_size(Some(MAX_FRAME_BYTES))
        .max_frame_size(Some(MAX_FRAME_BYTES));
    let (socket, _response) =
        tokio_tungstenite::connect_async_with_config(url, Some(config), true).await?;

    Ok(socket)
}

/// Sends one agent frame.
pub(crate) async fn send(
    socket: &mut Socket,
    frame: &AgentFrame,
) -> Result<(), tungstenite::Error> {
    // Agent frames are plain structs; serialising them cannot fail.
    let text = serde_json::to_string(frame).expect("agent frames always serialise");
    socket.send(Message::text(text)).await
}

/// Runs the agent until `stop` turns true or the desk refuses it for good (4401, 4409).
///
/// # Errors
///
/// [`LinkError::Unauthenticated`] or [`LinkError::Replaced`]; every other failure is logged
/// and retried with backoff.
pub async fn run(
    config: &LinkConfig,
    notifier: Notifier,
    output: Output,
    mut stop: watch::Receiver<bool>,
) -> Result<(), LinkError> {
    let mut backoff = Backoff::default();
    let mut state = AgentState::default();
    loop {
        let (ending, welcomed) =
            connect_once(config, &notifier, &output, &mut state, &mut stop).await;
        if welcomed {
            backoff.reset();
        }
        match ending {
            Ending::Stopped => return Ok(()),
            Ending::Closed(Some(close::UNAUTHENTICATED)) => {
                return Err(LinkError::Unauthenticated {
                    pc: config.pc.clone(),
                })
            }
            Ending::Closed(Some(close::REPLACED)) => {
                return Err(LinkError::Replaced {
                    pc: config.pc.clone(),
                })
            }
            Ending::Closed(code) => tracing::info!(?code, "the desk closed the link"),
            Ending::Lost(cause) => tracing::warn!(%cause, "lost the link to the desk"),
        }

        let delay = backoff.next_delay();
        tracing::info!(
            delay_ms = delay.as_millis() as u64,
            "reconnecting after a pause"
        );
        tokio::select! {
            () = tokio::time::sleep(delay) => {}
            _ = stop.wait_for(|stopped| *stopped) => return Ok(()),
        }
    }
}

/// One connection from connect to close; returns how it ended and whether `welcome` came.
async fn connect_once(
    config: &LinkConfig,
    notifier: &Notifier,
    output: &Output,
    state: &mut AgentState,
    stop: &mut watch::Receiver<bool>,
) -> (Ending, bool) {
    let mut socket = match open(&config.url).await {
        Ok(socket) => socket,
        Err(err) => return (Ending::Lost(format!("cannot connect: {err}")), false),
    };
    tracing::info!(url = %config.url, pc = %config.pc, "connected; saying hello");
    let hello = AgentFrame::Hello {
        pc: config.pc.clone(),
        token: Some(config.token.clone()),
        one_shot: false,
    };
    if let Err(err) = send(&mut socket, &hello).await {
        return (Ending::Lost(format!("cannot send hello: {err}")), false);
    }

    let mut welcomed = false;
    loop {
        let next = tokio::select! {
            next = tokio::time::timeout(SILENCE_LIMIT, socket.next()) => next,
            _ = stop.wait_for(|stopped| *stopped) => {
                let frame = CloseFrame { code: CloseCode::Normal, reason: "agent stopping".into() };
                if let Err(err) = socket.close(Some(frame)).await {
                    tracing::debug!(cause = %err, "close frame not sent");
                }
                return (Ending::Stopped, welcomed);
            }
        };
        let message = match next {
            Err(_) => return (Ending::Lost("the desk went silent".to_owned()), welcomed),
            Ok(None) => return (Ending::Lost("the socket closed".to_owned()), welcomed),
            Ok(Some(Err(err))) => return (Ending::Lost(err.to_string()), welcomed),
            Ok(Some(Ok(message))) => message,
        };
        let text = match message {
            Message::Text(text) => text,
            Message::Close(frame) => {
                let code = frame.as_ref().map(|f| u16::from(f.code));
                tracing::debug!(?code, reason = ?frame.map(|f| f.reason), "close frame received");
                return (Ending::Closed(code), welcomed);
            }
            // Pongs to pings are sent by the socket itself while we keep reading.
            Message::Ping(_) | Message::Pong(_) | Message::Frame(_) => continue,
            Message::Binary(_) => {
                tracing::warn!("ignored a binary frame from the desk");
                continue;
            }
        };

        output.message(text.as_str());
        let frame = match DeskFrame::parse(text.as_str()) {
            Ok(frame) => frame,
            Err(err) => {
                tracing::warn!(cause = %err, "ignored a frame this agent does not understand");
                continue;
            }
        };
        log_frame(&frame);
        let reaction = state.react(&frame);
        welcomed |= reaction.welcomed;
        if let Some(reply) = reaction.reply {
            if let Err(err) = send(&mut socket, &reply).await {
                return (Ending::Lost(format!("cannot send ack: {err}")), welcomed);
            }
        }
        if let Some(note) = reaction.note {
            notifier.show(note);
        }
    }
}

/// Logs one desk frame with its ids (never the patron's name).
fn log_frame(frame: &DeskFrame) {
    match frame {
        DeskFrame::Welcome { session, .. } => tracing::info!(
            booking_id = session.as_ref().map(|s| s.booking_id),
            ends_at = ?session.as_ref().map(|s| s.ends_at),
            "welcome"
        ),
        DeskFrame::SessionStarted {
            booking_id,
            ends_at,
            ..
        } => tracing::info!(booking_id, %ends_at, "session started"),
        DeskFrame::SessionWarning {
            booking_id,
            minutes_left,
            ends_at,
            ..
        } => tracing::info!(booking_id, minutes_left, %ends_at, "session warning"),
        DeskFrame::SessionExtended {
            booking_id,
            ends_at,
        } => tracing::info!(booking_id, %ends_at, "session extended"),
        DeskFrame::SessionEnded { booking_id, reason } => {
            tracing::info!(booking_id, ?reason, "session ended")
        }
        DeskFrame::Error(body) => {
            tracing::warn!(code = body.code, message = %body.message, "the desk sent an error")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pc_url_adds_the_endpoint() {
        assert_eq!(
            pc_url("ws://127.0.0.1:7700").unwrap(),
            "ws://127.0.0.1:7700/pc"
        );
        assert_eq!(pc_url("ws://desk:7700/").unwrap(), "ws://desk:7700/pc");
    }

    #[test]
    fn pc_url_refuses_other_schemes() {
        for bad in [
            "http://desk:7700",
            "desk:7700",
            "ws://",
            "wss://desk",
            "ws://desk/x",
        ] {
            let err = pc_url(bad).unwrap_err();
            assert!(err.to_string().contains("ws://HOST:7700"), "{bad}: {err}");
            assert_eq!(err.exit_code(), 2, "a bad url is a usage error");
        }
    }

    #[test]
    fn refusals_map_to_the_cli_exit_codes() {
        let refused = |code| LinkError::Refused(labdesk_proto::ErrorBody::new(code, "x"));
        assert_eq!(refused(403).exit_code(), 4);
        assert_eq!(refused(404).exit_code(), 5);
        assert_eq!(refused(409).exit_code(), 6);
        let unauth = LinkError::Unauthenticated { pc: "PC-1".into() };
        assert_eq!(unauth.exit_code(), 4);
        assert!(
            unauth.to_string().contains("4401"),
            "the close code is named"
        );
    }
}
