//! The engine's warning delivery over the PC link: a warning counts as delivered only when the
//! PC's live connection acknowledged it.
//!
//! An offline PC fails at once (the scheduler retries, and immediately when the PC comes back
//! online); a PC that does not answer within the ack time-out fails after it; a PC that stopped
//! reading is dropped by its full queue. None of this waits on any other PC.

use crate::registry::Registry;
use async_trait::async_trait;
use labdesk_core::{Delivery, DeliveryError, Warning};
use labdesk_proto::pc::DeskFrame;
use std::sync::Arc;
use std::time::Duration;
use tokio_tungstenite::tungstenite::Utf8Bytes;

/// Delivers the scheduler's warnings to connected PCs. Cheap to clone; pass it to
/// [`labdesk_core::Scheduler::spawn`] as an `Arc<dyn Delivery>`.
#[derive(Debug, Clone)]
pub struct WarningDelivery {
    registry: Arc<Registry>,
    ack_timeout: Duration,
}

impl WarningDelivery {
    pub(crate) fn new(registry: Arc<Registry>, ack_timeout: Duration) -> Self {
        Self {
            registry,
            ack_timeout,
        }
    }
}

#[async_trait]
impl Delivery for WarningDelivery {
    async fn deliver_warning(&self, warning: &Warning) -> Result<(), DeliveryError> {
        let offline = || DeliveryError::Offline(warning.pc.clone());
        let conn = self.registry.get(&warning.pc).ok_or_else(offline)?;
        let minutes_left = u32::try_from(warning.minutes_left.max(1)).unwrap_or(u32::MAX);
        let frame = DeskFrame::SessionWarning {
            booking_id: warning.booking_id,
            message: warning.message.clone(),
            minutes_left,
            show_popup: true,
            ends_at: warning.ends_at,
        };

        // Wait for the ack before queueing, so a fast agent cannot answer before we listen.
        let acked = self.registry.expect_ack(conn.id, warning.booking_id);
        if conn.push(Utf8Bytes::from(frame.to_text())).is_err() {
            self.registry.forget_ack(conn.id, warning.booking_id);
            return Err(offline());
        }
        match tokio::time::timeout(self.ack_timeout, acked).await {
            Ok(Ok(())) => {
                tracing::debug!(
                    booking_id = warning.booking_id,
                    minutes_left,
                    "warning acknowledged"
                );
                Ok(())
            }
            // The connection ended before the agent answered.
            Ok(Err(_)) => Err(offline()),
            Err(_) => {
                self.registry.forget_ack(conn.id, warning.booking_id);
                tracing::info!(
                    booking_id = warning.booking_id,
                    "warning not acknowledged in time"
                );
                Err(DeliveryError::TimedOut)
            }
        }
    }
}
