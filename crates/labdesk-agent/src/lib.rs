//! `labdesk-agent`, the program on each PC: keeps the PC linked to its desk, acknowledges and
//! shows session warnings, shows the end of a session, and can end the PC's own session.
//!
//! - [`args`] — the command line and the token.
//! - [`link`] — the `/pc` connection and its reconnect loop.
//! - [`oneshot`] — `--end-session`.
//! - [`state`] — what each desk frame calls for.
//! - [`backoff`], [`notify`], [`output`] — reconnect delays, popups, the `--json` stream.

pub mod args;
pub mod backoff;
pub mod link;
pub mod notify;
pub mod oneshot;
pub mod output;
pub mod state;
