//! What every desk connection shares: reading a frame and sorting it into what the handlers
//! act on, the heartbeat that finds silent peers, and the ways a connection is closed.

use futures_util::{SinkExt, StreamExt};
use labdesk_proto::{close, MAX_FRAME_BYTES};
use std::time::Duration;
use tokio::io::AsyncReadExt;
use tokio::net::TcpStream;
use tokio::time::{interval_at, Instant, Interval, MissedTickBehavior};
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::{Error as WsError, Message, Utf8Bytes};
use tokio_tungstenite::WebSocketStream;

/// A connection after the WebSocket upgrade.
pub(crate) type Socket = WebSocketStream<TcpStream>;

/// How long the desk spends on a goodbye: sending a close frame, or draining a peer that is
/// still sending an oversized frame so that the close frame is not lost to a reset.
const GOODBYE_TIME: Duration = Duration::from_secs(2);

/// A peer that sends nothing for this long while being drained is done sending.
const DRAIN_PAUSE: Duration = Duration::from_millis(250);

/// At most this much of an oversized frame is drained before the socket is dropped anyway.
const DRAIN_LIMIT: usize = 16 * 1024 * 1024;

/// One thing read from a connection, as the handlers see it.
#[derive(Debug)]
pub(crate) enum Incoming {
    /// A text frame.
    Text(Utf8Bytes),
    /// A binary frame; answered with an error.
    Binary,
    /// A ping or pong; it only proves the peer is alive.
    Heartbeat,
    /// A frame or message over the size limit; the connection must be closed with 1009.
    TooBig,
    /// The peer closed, the socket failed, or the stream ended.
    Gone,
}

/// Reads the next frame. Never fails: every failure becomes [`Incoming::Gone`] (logged) or
/// [`Incoming::TooBig`].
pub(crate) async fn next(socket: &mut Socket) -> Incoming {
    match socket.next().await {
        Some(Ok(Message::Text(text))) => Incoming::Text(text),
        Some(Ok(Message::Binary(_))) => Incoming::Binary,
        Some(Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_))) => Incoming::Heartbeat,
        Some(Ok(Message::Close(_))) | None => Incoming::Gone,
        Some(Err(WsError::Capacity(err))) => {
            tracing::debug!(cause = %err, "peer sent an oversized frame");
            Incoming::TooBig
        }
        Some(Err(err)) => {
            tracing::debug!(cause = %err, "connection failed");
            Incoming::Gone
        }
    }
}

/// Sends one frame, giving up after `limit`.
///
/// # Errors
///
/// `Err(())` when the write failed or stalled; the caller drops the connection.
pub(crate) async fn send(socket: &mut Socket, message: Message, limit: Duration) -> Result<(), ()> {
    match tokio::time::timeout(limit, socket.send(message)).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(err)) => {
            tracing::debug!(cause = %err, "write failed");
            Err(())
        }
        Err(_) => {
            tracing::info!("write stalled; dropping the connection");
            Err(())
        }
    }
}

/// Sends a close frame with `code` and `reason`, waiting briefly for it to leave.
pub(crate) async fn close_with(socket: &mut Socket, code: u16, reason: &'static str) {
    let frame = CloseFrame {
        code: CloseCode::from(code),
        reason: Utf8Bytes::from_static(reason),
    };
    // A failure here means the peer is already gone, which is what closing wants anyway.
    let _ = tokio::time::timeout(GOODBYE_TIME, socket.close(Some(frame))).await;
}

/// Closes with 1001: the desk is shutting down.
pub(crate) async fn close_shutting_down(socket: &mut Socket) {
    close_with(socket, close::GOING_AWAY, "the desk is shutting down").await;
}

/// Closes with 1009 after an oversized frame. The peer may still be sending the rest of it;
/// the desk reads and discards that for a moment, because closing a socket with unread data
/// resets it and the peer would then never see the close frame.
pub(crate) async fn close_too_big(socket: &mut Socket) {
    close_with(socket, close::TOO_BIG, "frame too big; the limit is 64 KiB").await;
    let stream = socket.get_mut();
    let mut scratch = [0_u8; 4096];
    let mut drained = 0;
    let deadline = Instant::now() + GOODBYE_TIME;

    // Stop at the deadline, at the limit, or once the peer has paused: by then it has read
    // the close frame or is not going to.
    while drained < DRAIN_LIMIT {
        let pause = (Instant::now() + DRAIN_PAUSE).min(deadline);
        match tokio::time::timeout_at(pause, stream.read(&mut scratch)).await {
            Ok(Ok(n)) if n > 0 => drained += n,
            _ => break,
        }
    }
    tracing::debug!(
        drained,
        limit = MAX_FRAME_BYTES,
        "closed an oversized sender"
    );
}

/// Tracks when a peer was last heard from and when to ping it.
#[derive(Debug)]
pub(crate) struct Heartbeat {
    ticks: Interval,
    last_heard: Instant,
    idle_timeout: Duration,
}

/// What the heartbeat asks the connection to do on a tick.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Beat {
    /// Send a ping.
    Ping,
    /// The peer has been silent too long: drop it.
    Silent,
}

impl Heartbeat {
    /// A heartbeat that first ticks one `every` from now.
    pub(crate) fn new(every: Duration, idle_timeout: Duration) -> Self {
        let mut ticks = interval_at(Instant::now() + every, every);
        ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
        Self {
            ticks,
            last_heard: Instant::now(),
            idle_timeout,
        }
    }

    /// Notes that the peer sent something.
    pub(crate) fn heard(&mut self) {
        self.last_heard = Instant::now();
    }

    /// Waits for the next tick and says what to do.
    pub(crate) async fn tick(&mut self) -> Beat {
        self.ticks.tick().await;
        if self.last_heard.elapsed() >= self.idle_timeout {
            Beat::Silent
        } else {
            Beat::Ping
        }
    }
}
