//! The `/pc` endpoint: one task per PC agent connection.
//!
//! The task authenticates the `hello`, answers `welcome`, registers itself as the PC's live
//! connection (unless it is one-shot), then writes queued pushes, reads the agent's `ack` and
//! `end_session` frames, and pings. It ends on close, silence, a full queue, replacement or
//! shutdown, and marks the PC offline if it was still the live connection.

use crate::registry::{PcConn, PcConnRx, Stop};
use crate::server::Shared;
use crate::socket::{self, Beat, Heartbeat, Incoming, Socket};
use labdesk_core::{Actor, Engine};
use labdesk_proto::pc::{AgentFrame, DeskFrame, PcSession};
use labdesk_proto::{close, ErrorBody};
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::sync::{mpsc, watch};
use tokio_tungstenite::tungstenite::{Message, Utf8Bytes};
use tracing::{field, instrument, Span};

/// The PC a connection authenticated as.
#[derive(Debug)]
struct Hello {
    pc_id: i64,
    name: String,
    one_shot: bool,
}

/// Why a connection's main loop ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    Shutdown,
    Replaced,
    Overflow,
    TooBig,
    Silent,
    Gone,
}

/// Serves one `/pc` connection until it ends.
#[instrument(skip_all, fields(%peer, conn = field::Empty, pc_id = field::Empty))]
pub(crate) async fn serve(
    mut socket: Socket,
    peer: SocketAddr,
    shared: Arc<Shared>,
    shutdown: watch::Receiver<bool>,
) {
    let hello =
        match tokio::time::timeout(shared.config.hello_timeout, read_hello(&mut socket)).await {
            Ok(Ok(hello)) => hello,
            Ok(Err(first)) => return refuse(&mut socket, first).await,
            Err(_) => return refuse(&mut socket, First::Refused).await,
        };
    let hello = match authenticate(&shared.engine, hello).await {
        Ok(hello) => hello,
        Err(first) => return refuse(&mut socket, first).await,
    };
    let conn_id = shared.registry.next_id();
    Span::current()
        .record("conn", conn_id)
        .record("pc_id", hello.pc_id);
    tracing::info!(one_shot = hello.one_shot, "PC connected");

    let mut link = PcLink {
        socket,
        shared,
        hello,
        conn_id,
    };
    let end = link.run(shutdown).await;
    tracing::info!(?end, "PC connection ended");
    link.finish(end).await;
}

/// What came of the first frame when it was not a good `hello`.
#[derive(Debug)]
enum First {
    /// Missing, wrong or unauthenticated: close 4401 and say nothing else.
    Refused,
    /// Over the size limit: close 1009.
    TooBig,
    /// The desk failed to check the token: close 1011.
    Failed,
    /// The peer went away.
    Gone,
}

/// Reads frames until the first one that is not a heartbeat; it must be a `hello`.
async fn read_hello(socket: &mut Socket) -> Result<(String, Option<String>, bool), First> {
    loop {
        match socket::next(socket).await {
            Incoming::Heartbeat => continue,
            Incoming::Text(text) => {
                return match AgentFrame::parse(&text) {
                    Ok(AgentFrame::Hello {
                        pc,
                        token,
                        one_shot,
                    }) => Ok((pc, token, one_shot)),
                    _ => Err(First::Refused),
                }
            }
            Incoming::Binary => return Err(First::Refused),
            Incoming::TooBig => return Err(First::TooBig),
            Incoming::Gone => return Err(First::Gone),
        }
    }
}

async fn authenticate(
    engine: &Engine,
    (name, token, one_shot): (String, Option<String>, bool),
) -> Result<Hello, First> {
    let token = token.ok_or(First::Refused)?;
    match engine.authenticate_pc(&name, &token).await {
        Ok(pc) => Ok(Hello {
            pc_id: pc.id,
            name: pc.name,
            one_shot,
        }),
        Err(err) if err.code() == 500 => {
            tracing::error!(cause = %err, "could not check a PC's token");
            Err(First::Failed)
        }
        Err(_) => Err(First::Refused),
    }
}

async fn refuse(socket: &mut Socket, first: First) {
    tracing::info!(?first, "PC connection refused");
    match first {
        First::Refused => {
            socket::close_with(socket, close::UNAUTHENTICATED, "unauthenticated").await
        }
        First::TooBig => socket::close_too_big(socket).await,
        First::Failed => socket::close_with(socket, close::INTERNAL, "the desk failed").await,
        First::Gone => {}
    }
}

/// One authenticated PC connection.
struct PcLink {
    socket: Socket,
    shared: Arc<Shared>,
    hello: Hello,
    conn_id: u64,
}

impl PcLink {
    async fn run(&mut self, mut shutdown: watch::Receiver<bool>) -> End {
        // The queue and stop signal of a live (not one-shot) connection.
        let (mut queue, mut stop) = (None, None);
        if !self.hello.one_shot {
            let (conn, rx) = PcConn::new(self.conn_id, self.shared.config.pc_queue);
            self.shared.registry.register(&self.hello.name, conn);
            let PcConnRx {
                queue: queue_rx,
                stop: stop_rx,
            } = rx;
            (queue, stop) = (Some(queue_rx), Some(stop_rx));
        }
        let welcome = match self.welcome().await {
            Ok(welcome) => welcome,
            Err(err) => {
                tracing::error!(cause = %err, "could not read the PC's session");
                return End::Gone;
            }
        };
        if self.send(welcome).await.is_err() {
            return End::Gone;
        }
        if !self.hello.one_shot {
            if let Err(err) = self
                .shared
                .engine
                .set_pc_online(&self.hello.name, true)
                .await
            {
                tracing::warn!(cause = %err, "could not mark the PC online");
            }
        }

        let config = &self.shared.config;
        let mut heartbeat = Heartbeat::new(config.ping_interval, config.idle_timeout);
        loop {
            tokio::select! {
                _ = shutdown.changed() => return End::Shutdown,
                why = stopped(&mut stop) => return match why {
                    Stop::Replaced => End::Replaced,
                    Stop::Overflow => End::Overflow,
                },
                frame = next_push(&mut queue) => {
                    if self.send_text(frame).await.is_err() {
                        return End::Gone;
                    }
                }
                incoming = socket::next(&mut self.socket) => {
                    heartbeat.heard();
                    match incoming {
                        Incoming::Text(text) => {
                            if self.answer(&text).await.is_err() {
                                return End::Gone;
                            }
                        }
                        Incoming::Binary => {
                            let body = ErrorBody::bad_request(
                                "binary frames are not served; send JSON text frames",
                            );
                            if self.send(DeskFrame::Error(body)).await.is_err() {
                                return End::Gone;
                            }
                        }
                        Incoming::Heartbeat => {}
                        Incoming::TooBig => return End::TooBig,
                        Incoming::Gone => return End::Gone,
                    }
                }
                beat = heartbeat.tick() => match beat {
                    Beat::Silent => return End::Silent,
                    Beat::Ping => {
                        let limit = self.shared.config.write_timeout;
                        let ping = Message::Ping(Default::default());
                        if socket::send(&mut self.socket, ping, limit).await.is_err() {
                            return End::Gone;
                        }
                    }
                },
            }
        }
    }

    /// The `welcome` frame with the PC's live session, if any.
    async fn welcome(&self) -> labdesk_core::Result<DeskFrame> {
        let engine = &self.shared.engine;
        let session = engine
            .session_on_pc(&self.hello.name)
            .await?
            .map(|s| PcSession {
                booking_id: s.booking_id,
                user: s.user,
                starts_at: Some(s.start_time),
                ends_at: s.end_time,
            });

        Ok(DeskFrame::Welcome {
            pc: self.hello.name.clone(),
            server_time: engine.now(),
            session,
        })
    }

    /// Acts on one text frame from the agent. Fails only when the answer cannot be written.
    async fn answer(&mut self, text: &str) -> Result<(), ()> {
        let frame = match AgentFrame::parse(text) {
            Ok(frame) => frame,
            Err(err) => return self.send(DeskFrame::Error(err.to_body())).await,
        };
        match frame {
            AgentFrame::Hello { .. } => {
                let body = ErrorBody::bad_request("this connection already said hello");
                self.send(DeskFrame::Error(body)).await
            }
            AgentFrame::Ack {
                booking_id,
                minutes_left,
            } => {
                let counted = self.shared.registry.ack(self.conn_id, booking_id);
                tracing::debug!(booking_id, minutes_left, counted, "warning acknowledged");
                Ok(())
            }
            AgentFrame::EndSession { booking_id } => self.end_session(booking_id).await,
        }
    }

    async fn end_session(&mut self, booking_id: i64) -> Result<(), ()> {
        let actor = Actor::Pc {
            id: self.hello.pc_id,
        };
        match self.shared.engine.end_session(&actor, booking_id).await {
            // The live connection hears of it from the desk event, like every other end.
            Ok(_) if !self.hello.one_shot => Ok(()),
            Ok(booking) => {
                let reason = booking.end_reason.map_or(
                    labdesk_proto::EndReason::EndedByUser,
                    crate::convert::end_reason,
                );
                self.send(DeskFrame::SessionEnded { booking_id, reason })
                    .await
            }
            Err(err) => {
                tracing::info!(booking_id, code = err.code(), "PC's end_session refused");
                self.send(DeskFrame::Error(ErrorBody::new(
                    err.code(),
                    err.to_string(),
                )))
                .await
            }
        }
    }

    async fn send(&mut self, frame: DeskFrame) -> Result<(), ()> {
        self.send_text(Utf8Bytes::from(frame.to_text())).await
    }

    async fn send_text(&mut self, text: Utf8Bytes) -> Result<(), ()> {
        let limit = self.shared.config.write_timeout;
        socket::send(&mut self.socket, Message::Text(text), limit).await
    }

    /// Says goodbye as `end` calls for and takes the PC offline if this was its live
    /// connection.
    async fn finish(mut self, end: End) {
        match end {
            End::Shutdown => socket::close_shutting_down(&mut self.socket).await,
            End::Replaced => {
                socket::close_with(
                    &mut self.socket,
                    close::REPLACED,
                    "replaced by a newer connection",
                )
                .await;
            }
            End::TooBig => socket::close_too_big(&mut self.socket).await,
            End::Overflow | End::Silent | End::Gone => {}
        }
        if self.hello.one_shot {
            return;
        }
        let name = &self.hello.name;
        let was_live = self.shared.registry.unregister(name, self.conn_id);
        if !was_live || end == End::Shutdown {
            return;
        }
        let engine = &self.shared.engine;
        if let Err(err) = engine.set_pc_online(name, false).await {
            tracing::warn!(cause = %err, "could not mark the PC offline");
        }
        // A new connection of this PC may have marked it online while we were marking it
        // offline; whichever store write came last, the PC must end up online.
        if self.shared.registry.get(name).is_some() {
            if let Err(err) = engine.set_pc_online(name, true).await {
                tracing::warn!(cause = %err, "could not mark the PC online again");
            }
        }
    }
}

/// Waits until the live connection is told to stop; never returns for a one-shot one.
async fn stopped(stop: &mut Option<watch::Receiver<Option<Stop>>>) -> Stop {
    let Some(rx) = stop else {
        return std::future::pending().await;
    };
    loop {
        if let Some(why) = *rx.borrow_and_update() {
            return why;
        }
        if rx.changed().await.is_err() {
            // The registry dropped the sender without a reason: nothing will ever stop us.
            return std::future::pending().await;
        }
    }
}

/// The next queued push; never returns for a one-shot connection or a closed queue.
async fn next_push(queue: &mut Option<mpsc::Receiver<Utf8Bytes>>) -> Utf8Bytes {
    match queue {
        Some(rx) => match rx.recv().await {
            Some(frame) => frame,
            None => std::future::pending().await,
        },
        None => std::future::pending().await,
    }
}
