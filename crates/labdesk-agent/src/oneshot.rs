//! `--end-session`: a one-shot connection that ends this PC's live session and reports the
//! desk's answer. Its `hello` carries `one_shot`, so the running agent keeps its connection.

use crate::link::{open, send, LinkConfig, LinkError, Socket};
use crate::output::Output;
use futures_util::StreamExt;
use labdesk_proto::pc::{AgentFrame, DeskFrame};
use labdesk_proto::{close, EndReason};
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;

/// How long to wait for each answer of the desk.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(20);

/// The session that was ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ended {
    /// The booking.
    pub booking_id: i64,
    /// How the desk recorded the end.
    pub reason: EndReason,
}

/// Ends this PC's live session.
///
/// # Errors
///
/// [`LinkError::Unreachable`] when the desk cannot be reached, [`LinkError::Unauthenticated`]
/// for a wrong token, [`LinkError::NoSession`] when nothing is live, [`LinkError::Refused`] with
/// the desk's 403 / 404 / 409, [`LinkError::Protocol`] when the desk does not answer.
pub async fn end_session(config: &LinkConfig, output: Output) -> Result<Ended, LinkError> {
    let mut socket = open(&config.url)
        .await
        .map_err(|err| LinkError::Unreachable {
            url: config.url.clone(),
            cause: err.to_string(),
        })?;
    let hello = AgentFrame::Hello {
        pc: config.pc.clone(),
        token: Some(config.token.clone()),
        one_shot: true,
    };
    send(&mut socket, &hello).await.map_err(lost)?;

    let booking_id = match next_frame(&mut socket, config, output).await? {
        DeskFrame::Welcome {
            session: Some(session),
            ..
        } => session.booking_id,
        DeskFrame::Welcome { session: None, .. } => {
            close_quietly(socket).await;
            return Err(LinkError::NoSession {
                pc: config.pc.clone(),
            });
        }
        DeskFrame::Error(body) => return Err(LinkError::Refused(body)),
        other => return Err(unexpected(&other)),
    };
    tracing::info!(booking_id, "ending this pc's session");
    send(&mut socket, &AgentFrame::EndSession { booking_id })
        .await
        .map_err(lost)?;

    let result = loop {
        match next_frame(&mut socket, config, output).await? {
            DeskFrame::SessionEnded {
                booking_id: ended,
                reason,
            } if ended == booking_id => break Ok(Ended { booking_id, reason }),
            DeskFrame::Error(body) => break Err(LinkError::Refused(body)),
            // Other pushes (a warning racing the request) are not the answer.
            other => tracing::debug!(frame = ?other, "not the answer yet"),
        }
    };
    close_quietly(socket).await;

    result
}

/// Reads the next desk frame, echoing it, within [`ANSWER_TIMEOUT`].
async fn next_frame(
    socket: &mut Socket,
    config: &LinkConfig,
    output: Output,
) -> Result<DeskFrame, LinkError> {
    loop {
        let message = tokio::time::timeout(ANSWER_TIMEOUT, socket.next())
            .await
            .map_err(|_| LinkError::Protocol("no answer within 20 s".to_owned()))?;
        let text = match message {
            None => return Err(LinkError::Protocol("the desk closed the socket".to_owned())),
            Some(Err(err)) => return Err(lost(err)),
            Some(Ok(Message::Text(text))) => text,
            Some(Ok(Message::Close(frame))) => {
                let code = frame.as_ref().map(|f| u16::from(f.code));
                return Err(match code {
                    Some(close::UNAUTHENTICATED) => LinkError::Unauthenticated {
                        pc: config.pc.clone(),
                    },
                    _ => LinkError::Protocol(format!("the desk closed the socket ({code:?})")),
                });
            }
            Some(Ok(_)) => continue,
        };
        output.message(text.as_str());
        return DeskFrame::parse(text.as_str())
            .map_err(|err| LinkError::Protocol(format!("unreadable frame: {err}")));
    }
}

fn lost(err: impl std::fmt::Display) -> LinkError {
    LinkError::Protocol(format!("the connection failed: {err}"))
}

fn unexpected(frame: &DeskFrame) -> LinkError {
    LinkError::Protocol(format!("expected welcome, got {frame:?}"))
}

async fn close_quietly(mut socket: Socket) {
    if let Err(err) = socket.close(None).await {
        tracing::debug!(cause = %err, "close frame not sent");
    }
}
