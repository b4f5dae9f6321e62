//! Recording acknowledged warnings. When many PCs acknowledge at once, the first writer to get
//! the write turn records every acknowledgement waiting so far in one transaction and tells
//! the others, instead of a thousand transactions queueing one behind the other.

use chrono::{DateTime, Utc};
use tokio::sync::oneshot;

use crate::error::{Error, Result};
use crate::events::DeskEvent;
use crate::store::{begin_write, ts};

use super::Engine;

/// One acknowledgement and who waits for its outcome.
pub(crate) struct PendingAck {
    booking_id: i64,
    lead_secs: i64,
    minutes_left: i64,
    ends_at: String,
    done: oneshot::Sender<std::result::Result<bool, String>>,
}

impl Engine {
    /// Records that a booking's PC acknowledged the warning for `lead_secs` (and so for every
    /// longer lead), with the `minutes_left` it showed; publishes `session_warned`. Returns
    /// false, recording nothing, if the booking ended meanwhile, a shorter lead is recorded, or
    /// its end moved since the warning was sent (an extension re-arms the leads, and the
    /// warning for the old end must not count for the new one).
    pub(crate) async fn record_warning(
        &self,
        booking_id: i64,
        lead_secs: i64,
        minutes_left: i64,
        ends_at: DateTime<Utc>,
    ) -> Result<bool> {
        let (done, outcome) = oneshot::channel();
        self.pending_acks().push(PendingAck {
            booking_id,
            lead_secs,
            minutes_left,
            ends_at: ts(ends_at),
            done,
        });

        let turn = self.write_turn().await;
        let batch = std::mem::take(&mut *self.pending_acks());
        if batch.is_empty() {
            // Another writer took ours into its batch; its answer comes through `outcome`.
            drop(turn);
        } else {
            let acks: Vec<(i64, i64, i64, &str)> = batch
                .iter()
                .map(|a| {
                    (
                        a.booking_id,
                        a.lead_secs,
                        a.minutes_left,
                        a.ends_at.as_str(),
                    )
                })
                .collect();
            match self.record_batch(turn, &acks).await {
                Ok(recorded) => {
                    for (ack, ok) in batch.into_iter().zip(recorded) {
                        let _ = ack.done.send(Ok(ok));
                    }
                }
                Err(err) => {
                    let message = err.to_string();
                    for ack in batch {
                        let _ = ack.done.send(Err(message.clone()));
                    }
                }
            }
        }

        match outcome.await {
            Ok(Ok(recorded)) => Ok(recorded),
            Ok(Err(message)) => Err(Error::Internal(message)),
            Err(_) => Err(Error::Internal(
                "the warning was not recorded; it will be sent again".into(),
            )),
        }
    }

    /// Records a batch of `(booking_id, lead_secs, minutes_left, ends_at)` in one transaction;
    /// true for each one recorded.
    async fn record_batch(
        &self,
        turn: tokio::sync::OwnedMutexGuard<()>,
        acks: &[(i64, i64, i64, &str)],
    ) -> Result<Vec<bool>> {
        let now = ts(self.now());
        let mut tx = begin_write(self.pool(), turn).await?;
        let mut recorded = Vec::with_capacity(acks.len());
        let mut events = Vec::new();
        for &(booking_id, lead_secs, minutes_left, ends_at) in acks {
            let pc: Option<String> = sqlx::query_scalar(
                "UPDATE bookings SET warned_lead_secs = ?1, warned_minutes = ?2 \
                 WHERE id = ?3 AND status = 'confirmed' AND end_time = ?4 \
                 AND (warned_lead_secs IS NULL OR warned_lead_secs > ?1) \
                 RETURNING (SELECT name FROM pcs WHERE pcs.id = bookings.pc_id)",
            )
            .bind(lead_secs)
            .bind(minutes_left)
            .bind(booking_id)
            .bind(ends_at)
            .fetch_optional(&mut *tx)
            .await?;
            recorded.push(pc.is_some());
            let Some(pc) = pc else { continue };
            sqlx::query(
                "INSERT INTO audit (at, actor, action, booking_id, pc, detail) \
                 VALUES (?, 'system', 'session_warned', ?, ?, ?)",
            )
            .bind(&now)
            .bind(booking_id)
            .bind(&pc)
            .bind(format!("{minutes_left} min left"))
            .execute(&mut *tx)
            .await?;
            events.push(DeskEvent::SessionWarned {
                booking_id,
                pc,
                minutes_left,
            });
        }
        tx.commit().await?;

        for event in events {
            self.publish(event);
        }
        Ok(recorded)
    }
}
