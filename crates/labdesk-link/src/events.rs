//! The event pump: turns the engine's desk events into `/pc` pushes for the PC they concern.
//!
//! One task for the whole desk, so a thousand PCs cost one event subscription, not a
//! thousand. Warnings do not pass here: they go through [`crate::WarningDelivery`], which
//! waits for the ack.

use crate::convert;
use crate::registry::Registry;
use labdesk_core::{DeskEvent, EndReason};
use labdesk_proto::pc::DeskFrame;
use std::sync::Arc;
use tokio::sync::{broadcast, watch};
use tokio_tungstenite::tungstenite::Utf8Bytes;

/// Forwards desk events to PCs until shutdown or until the engine's channel closes.
pub(crate) async fn pump(
    mut events: broadcast::Receiver<DeskEvent>,
    registry: Arc<Registry>,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        let event = tokio::select! {
            _ = shutdown.changed() => return,
            event = events.recv() => event,
        };
        match event {
            Ok(event) => {
                if let Some((pc, frame)) = push_for(&event) {
                    let queued = registry.push(pc, Utf8Bytes::from(frame.to_text()));
                    tracing::debug!(queued, "desk event for a PC");
                }
            }
            Err(broadcast::error::RecvError::Lagged(missed)) => {
                // Agents learn the true state from `welcome` when they reconnect; a lost push
                // costs a late popup, never a wrong end time.
                tracing::warn!(missed, "PC link fell behind the desk events");
            }
            Err(broadcast::error::RecvError::Closed) => return,
        }
    }
}

/// The PC a desk event concerns and the frame it gets, if any.
pub(crate) fn push_for(event: &DeskEvent) -> Option<(&str, DeskFrame)> {
    match event {
        DeskEvent::SessionStarted { session } => Some((
            &session.pc,
            DeskFrame::SessionStarted {
                booking_id: session.booking_id,
                user: session.user.clone(),
                ends_at: session.end_time,
            },
        )),
        DeskEvent::SessionExtended { session } => Some((
            &session.pc,
            DeskFrame::SessionExtended {
                booking_id: session.booking_id,
                ends_at: session.end_time,
            },
        )),
        // A cancelled booking never started, so the PC (maybe serving someone else) is not told.
        DeskEvent::SessionEnded {
            reason: EndReason::Cancelled,
            ..
        } => None,
        DeskEvent::SessionEnded {
            booking_id,
            pc,
            reason,
        } => Some((
            pc,
            DeskFrame::SessionEnded {
                booking_id: *booking_id,
                reason: convert::end_reason(*reason),
            },
        )),
        _ => None,
    }
}
