//! The desk's PC link: a WebSocket server with two endpoints on one listener.
//!
//! - `/pc` serves PC agents: `hello` / `welcome`, session pushes, warnings that count only
//!   once acknowledged, the agent's own `end_session`, heartbeats, and replacement of an older
//!   connection by a newer one ([`pc`]).
//! - `/staff` serves staff tools: `auth`, then one `result` per request, each calling one
//!   engine rule, and desk events after `subscribe` ([`staff`]).
//!
//! [`Desk::bind`] starts the server; [`DeskServer::delivery`] is the warning delivery the
//! engine's scheduler needs. [`client::StaffClient`] is a small `/staff` client for the CLI
//! and tests. The wire format is `labdesk-proto`'s, described in `docs/protocol.md`.
//!
//! ```no_run
//! # async fn run(engine: labdesk_core::Engine) -> Result<(), Box<dyn std::error::Error>> {
//! use labdesk_link::{Desk, LinkConfig};
//! use std::sync::Arc;
//!
//! let server = Desk::bind(engine.clone(), "127.0.0.1:7700", LinkConfig::default()).await?;
//! let scheduler = labdesk_core::Scheduler::spawn(engine, Arc::new(server.delivery()));
//! // … later:
//! scheduler.stop().await;
//! server.shutdown().await;
//! # Ok(()) }
//! ```

pub mod client;
mod config;
mod convert;
mod delivery;
mod events;
mod pc;
mod registry;
mod server;
mod socket;
mod staff;

pub use config::LinkConfig;
pub use delivery::WarningDelivery;
pub use server::{Desk, DeskServer};

/// What can stop the link from serving.
#[derive(Debug, thiserror::Error)]
pub enum LinkError {
    /// The listen address could not be bound.
    #[error("cannot listen on that address ({0}); choose a free port or a local address")]
    Bind(#[source] std::io::Error),
}
