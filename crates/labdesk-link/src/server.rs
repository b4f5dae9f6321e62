//! The listener: accepts TCP connections, upgrades them to WebSocket on `/pc` or `/staff`
//! (refusing any other path), hands each to its endpoint's task, and shuts everything down
//! with a close frame on every socket.

use crate::config::{socket_config, LinkConfig};
use crate::delivery::WarningDelivery;
use crate::registry::Registry;
use crate::{events, pc, staff, LinkError};
use labdesk_core::Engine;
use labdesk_proto::{PC_PATH, STAFF_PATH};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream, ToSocketAddrs};
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};
use tokio_tungstenite::tungstenite::handshake::server::{
    Callback, ErrorResponse, Request, Response,
};
use tokio_tungstenite::tungstenite::http::StatusCode;

/// How long shutdown waits for connections to send their close frames.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// What every connection task shares.
pub(crate) struct Shared {
    pub(crate) engine: Engine,
    pub(crate) registry: Arc<Registry>,
    pub(crate) config: LinkConfig,
}

/// The desk's WebSocket endpoints.
#[derive(Debug)]
pub struct Desk;

impl Desk {
    /// Listens on `addr` and serves `/pc` and `/staff` for `engine` until
    /// [`DeskServer::shutdown`].
    ///
    /// # Errors
    ///
    /// [`LinkError::Bind`] when the address cannot be listened on (in use, not local, no
    /// permission).
    pub async fn bind(
        engine: Engine,
        addr: impl ToSocketAddrs,
        config: LinkConfig,
    ) -> Result<DeskServer, LinkError> {
        let listener = TcpListener::bind(addr).await.map_err(LinkError::Bind)?;
        let local_addr = listener.local_addr().map_err(LinkError::Bind)?;
        let registry = Arc::new(Registry::default());
        let delivery = WarningDelivery::new(registry.clone(), config.ack_timeout);
        let (shutdown, shutdown_rx) = watch::channel(false);

        // Subscribe before the listener accepts anyone, so no event is missed.
        let pump = tokio::spawn(events::pump(
            engine.subscribe(),
            registry.clone(),
            shutdown_rx.clone(),
        ));
        let shared = Arc::new(Shared {
            engine,
            registry,
            config,
        });
        let accept = tokio::spawn(accept_loop(listener, shared.clone(), shutdown_rx));
        tracing::info!(%local_addr, "desk listening for PCs and staff tools");

        Ok(DeskServer {
            local_addr,
            shared,
            delivery,
            shutdown,
            accept: Some(accept),
            pump: Some(pump),
        })
    }
}

/// A running desk server. Dropping it stops accepting and closes every connection, without
/// waiting; [`DeskServer::shutdown`] also waits for the goodbyes.
pub struct DeskServer {
    local_addr: SocketAddr,
    shared: Arc<Shared>,
    delivery: WarningDelivery,
    shutdown: watch::Sender<bool>,
    accept: Option<JoinHandle<()>>,
    pump: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for DeskServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeskServer")
            .field("local_addr", &self.local_addr)
            .finish_non_exhaustive()
    }
}

impl DeskServer {
    /// The address the server listens on (useful after binding port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The warning delivery to give the engine's scheduler:
    /// `Scheduler::spawn(engine, Arc::new(server.delivery()))`.
    pub fn delivery(&self) -> WarningDelivery {
        self.delivery.clone()
    }

    /// How many PCs have a live connection now.
    pub fn connected_pcs(&self) -> usize {
        self.shared.registry.len()
    }

    /// Stops accepting, sends every connection a close frame (1001), and waits up to a few
    /// seconds for them to go.
    pub async fn shutdown(mut self) {
        self.shutdown.send_replace(true);
        if let Some(accept) = self.accept.take() {
            if let Err(err) = accept.await {
                tracing::error!(cause = %err, "the desk's listener task failed");
            }
        }
        if let Some(pump) = self.pump.take() {
            // The pump ends on the same signal; nothing it holds needs waiting for.
            let _ = pump.await;
        }
        tracing::info!("desk server stopped");
    }
}

impl Drop for DeskServer {
    fn drop(&mut self) {
        self.shutdown.send_replace(true);
    }
}

async fn accept_loop(
    listener: TcpListener,
    shared: Arc<Shared>,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            _ = shutdown.changed() => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    connections.spawn(connection(stream, peer, shared.clone(), shutdown.clone()));
                }
                Err(err) => {
                    // Usually out of file descriptors: back off instead of spinning.
                    tracing::warn!(cause = %err, "could not accept a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    drop(listener);

    let open = connections.len();
    let goodbyes = async { while connections.join_next().await.is_some() {} };
    if tokio::time::timeout(SHUTDOWN_GRACE, goodbyes)
        .await
        .is_err()
    {
        tracing::warn!(
            open,
            "some connections did not close in time; dropping them"
        );
    }
}

/// Which endpoint a connection asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Endpoint {
    Pc,
    Staff,
}

/// The upgrade's check of the request path; records which endpoint was asked for.
struct Route<'a>(&'a mut Option<Endpoint>);

impl Callback for Route<'_> {
    fn on_request(self, request: &Request, response: Response) -> Result<Response, ErrorResponse> {
        *self.0 = match request.uri().path() {
            PC_PATH => Some(Endpoint::Pc),
            STAFF_PATH => Some(Endpoint::Staff),
            _ => None,
        };
        if self.0.is_some() {
            return Ok(response);
        }
        let mut refusal = ErrorResponse::new(Some("unknown path; use /pc or /staff".to_owned()));
        *refusal.status_mut() = StatusCode::NOT_FOUND;
        Err(refusal)
    }
}

/// Upgrades one TCP connection and serves it on its endpoint.
async fn connection(
    stream: TcpStream,
    peer: SocketAddr,
    shared: Arc<Shared>,
    shutdown: watch::Receiver<bool>,
) {
    // Frames are small and latency matters more than packet count.
    let _ = stream.set_nodelay(true);
    let mut endpoint = None;
    let route = Route(&mut endpoint);
    let upgrade =
        tokio_tungstenite::accept_hdr_async_with_config(stream, route, Some(socket_config()));
    let socket = match tokio::time::timeout(shared.config.hello_timeout, upgrade).await {
        Ok(Ok(socket)) => socket,
        Ok(Err(err)) => return tracing::debug!(%peer, cause = %err, "upgrade refused"),
        Err(_) => return tracing::debug!(%peer, "upgrade timed out"),
    };

    match endpoint {
        Some(Endpoint::Pc) => pc::serve(socket, peer, shared, shutdown).await,
        Some(Endpoint::Staff) => staff::serve(socket, peer, shared, shutdown).await,
        // The route refuses every other path, so the upgrade above has already failed.
        None => {}
    }
}
