//! The `/staff` endpoint: one task per staff tool connection.
//!
//! The task checks the `auth` frame (staff and admins only), then answers each request with
//! one `result` by calling one engine rule ([`requests`]), and after `subscribe` forwards every
//! desk event. Requests on one connection are served in order.

mod requests;

use crate::server::Shared;
use crate::socket::{self, Beat, Heartbeat, Incoming, Socket};
use labdesk_core::{Actor, DeskEvent, Engine};
use labdesk_proto::staff::{AuthFrame, Credentials, Request, ResultFrame, StaffFrame};
use labdesk_proto::{close, ErrorBody};
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::sync::{broadcast, watch};
use tokio_tungstenite::tungstenite::Message;
use tracing::{field, instrument, Span};

/// Why a staff connection ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    Shutdown,
    TooBig,
    Silent,
    Gone,
}

/// Serves one `/staff` connection until it ends.
#[instrument(skip_all, fields(%peer, user_id = field::Empty))]
pub(crate) async fn serve(
    mut socket: Socket,
    peer: SocketAddr,
    shared: Arc<Shared>,
    shutdown: watch::Receiver<bool>,
) {
    // Only the wait for the frame is timed: checking a password is slow on purpose.
    let limit = shared.config.hello_timeout;
    let checked = match tokio::time::timeout(limit, read_auth(&mut socket)).await {
        Ok(Ok(credentials)) => check(&shared.engine, credentials).await,
        Ok(Err(refusal)) => Err(refusal),
        Err(_) => Err(Refusal::Refused),
    };
    let user = match checked {
        Ok(user) => user,
        Err(Refusal::TooBig) => return socket::close_too_big(&mut socket).await,
        Err(Refusal::Gone) => return,
        Err(Refusal::Failed) => {
            return socket::close_with(&mut socket, close::INTERNAL, "the desk failed").await
        }
        Err(Refusal::Refused) => {
            tracing::info!("staff connection refused");
            return socket::close_with(&mut socket, close::UNAUTHENTICATED, "unauthenticated")
                .await;
        }
    };
    Span::current().record("user_id", user.id);
    tracing::info!("staff tool connected");

    let auth_ok = StaffFrame::AuthOk {
        user: user.username.clone(),
        role: crate::convert::role(user.role),
    };
    let mut link = StaffLink {
        socket,
        shared,
        actor: Actor::User {
            id: user.id,
            role: user.role,
        },
        events: None,
    };
    if link.send(&auth_ok).await.is_err() {
        return;
    }
    let end = link.run(shutdown).await;
    tracing::info!(?end, "staff connection ended");
    match end {
        End::Shutdown => socket::close_shutting_down(&mut link.socket).await,
        End::TooBig => socket::close_too_big(&mut link.socket).await,
        End::Silent | End::Gone => {}
    }
}

/// Why authentication failed.
#[derive(Debug)]
enum Refusal {
    Refused,
    TooBig,
    Failed,
    Gone,
}

/// Reads the `auth` frame.
async fn read_auth(socket: &mut Socket) -> Result<Credentials, Refusal> {
    let text = loop {
        match socket::next(socket).await {
            Incoming::Heartbeat => continue,
            Incoming::Text(text) => break text,
            Incoming::Binary => return Err(Refusal::Refused),
            Incoming::TooBig => return Err(Refusal::TooBig),
            Incoming::Gone => return Err(Refusal::Gone),
        }
    };
    let AuthFrame::Auth(credentials) = AuthFrame::parse(&text).map_err(|_| Refusal::Refused)?;
    Ok(credentials)
}

/// Checks the credentials; only staff and admins pass.
async fn check(
    engine: &Engine,
    credentials: Credentials,
) -> Result<labdesk_core::model::User, Refusal> {
    let checked = match &credentials {
        Credentials::Token { token } => engine.authenticate_token(token).await,
        Credentials::Password { username, password } => {
            engine.authenticate_password(username, password).await
        }
    };
    match checked {
        Ok(user) if user.role >= labdesk_core::model::Role::Staff => Ok(user),
        Ok(_) => Err(Refusal::Refused),
        Err(err) if err.code() == 500 => {
            tracing::error!(cause = %err, "could not check staff credentials");
            Err(Refusal::Failed)
        }
        Err(_) => Err(Refusal::Refused),
    }
}

/// One authenticated staff connection.
struct StaffLink {
    socket: Socket,
    shared: Arc<Shared>,
    actor: Actor,
    /// Desk events, once the tool subscribed.
    events: Option<broadcast::Receiver<DeskEvent>>,
}

impl StaffLink {
    async fn run(&mut self, mut shutdown: watch::Receiver<bool>) -> End {
        let config = &self.shared.config;
        let mut heartbeat = Heartbeat::new(config.ping_interval, config.idle_timeout);
        loop {
            tokio::select! {
                _ = shutdown.changed() => return End::Shutdown,
                event = next_event(&mut self.events) => {
                    if self.forward(event).await.is_err() {
                        return End::Gone;
                    }
                }
                incoming = socket::next(&mut self.socket) => {
                    heartbeat.heard();
                    let answered = match incoming {
                        Incoming::Text(text) => self.answer(&text).await,
                        Incoming::Binary => {
                            let body = ErrorBody::bad_request(
                                "binary frames are not served; send JSON text frames",
                            );
                            self.send(&StaffFrame::Error(body)).await
                        }
                        Incoming::Heartbeat => Ok(()),
                        Incoming::TooBig => return End::TooBig,
                        Incoming::Gone => return End::Gone,
                    };
                    if answered.is_err() {
                        return End::Gone;
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

    /// Answers one request frame with one `result` (or an `error` when it had no id).
    async fn answer(&mut self, text: &str) -> Result<(), ()> {
        let request = match Request::parse(text) {
            Ok(request) => request,
            Err(err) => {
                let frame = match err.id {
                    Some(id) => StaffFrame::Result(ResultFrame::err(id, err.to_body())),
                    None => StaffFrame::Error(err.to_body()),
                };
                return self.send(&frame).await;
            }
        };
        let kind = request.body.kind();
        let result = match request.body {
            labdesk_proto::staff::RequestBody::Subscribe => {
                self.events = Some(self.shared.engine.subscribe());
                Ok(serde_json::json!({ "subscribed": true }))
            }
            body => requests::call(&self.shared.engine, &self.actor, body).await,
        };
        let frame = match result {
            Ok(value) => ResultFrame::ok(request.id, value),
            Err(error) => {
                tracing::debug!(kind, code = error.code, "staff request refused");
                ResultFrame::err(request.id, error)
            }
        };

        self.send(&StaffFrame::Result(frame)).await
    }

    /// Forwards one desk event, or says that some were missed.
    async fn forward(&mut self, event: Result<DeskEvent, u64>) -> Result<(), ()> {
        let frame = match event.map(|event| serde_json::to_value(&event)) {
            Ok(Ok(event)) => StaffFrame::Event { event },
            Ok(Err(err)) => {
                tracing::error!(cause = %err, "could not encode a desk event");
                return Ok(());
            }
            Err(missed) => {
                tracing::warn!(missed, "staff tool fell behind the desk events");
                StaffFrame::Error(ErrorBody::new(
                    labdesk_proto::code::INTERNAL,
                    format!("missed {missed} desk events; load the state again"),
                ))
            }
        };

        self.send(&frame).await
    }

    async fn send(&mut self, frame: &StaffFrame) -> Result<(), ()> {
        let limit = self.shared.config.write_timeout;
        socket::send(&mut self.socket, Message::text(frame.to_text()), limit).await
    }
}

/// The next desk event (or how many were missed); never returns before `subscribe`, or after
/// the engine's event channel closed.
async fn next_event(events: &mut Option<broadcast::Receiver<DeskEvent>>) -> Result<DeskEvent, u64> {
    let Some(rx) = events else {
        return std::future::pending().await;
    };
    match rx.recv().await {
        Ok(event) => Ok(event),
        Err(broadcast::error::RecvError::Lagged(missed)) => Err(missed),
        Err(broadcast::error::RecvError::Closed) => {
            *events = None;
            std::future::pending().await
        }
    }
}
