//! One scheduler pass: expire, start, then warn, and work out when the next pass is due.
//! Deliveries run as their own tasks with a time-out, so a dead PC never holds up the rest.

use std::collections::{HashMap, HashSet};
use std::sync::{MutexGuard, PoisonError};

use chrono::{DateTime, Duration, Utc};
use tokio::task::JoinHandle;

use crate::engine::{Engine, LiveRow};
use crate::error::Result;
use crate::model::Actor;
use crate::store::parse_ts;

use super::delivery::{due_lead, Warning};
use super::{Retry, Scheduler};

/// What one [`Scheduler::sweep`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SweepReport {
    /// Bookings that expired.
    pub expired: Vec<i64>,
    /// Booked sessions that started.
    pub started: Vec<i64>,
    /// Bookings whose warning the PC acknowledged.
    pub warned: Vec<i64>,
    /// Bookings whose warning failed and will be tried again.
    pub failed: Vec<i64>,
    /// When the next pass is due, if anything is ahead.
    pub next_due: Option<DateTime<Utc>>,
}

/// Marks a booking's warning as in flight until dropped, even if the delivery panics, so the
/// same warning is never sent twice at once and never stuck unsent.
pub(super) struct DeliveryGuard {
    engine: Engine,
    booking_id: i64,
}

impl DeliveryGuard {
    fn claim(engine: &Engine, booking_id: i64) -> Option<DeliveryGuard> {
        engine.claim_delivery(booking_id).then(|| DeliveryGuard {
            engine: engine.clone(),
            booking_id,
        })
    }
}

impl Drop for DeliveryGuard {
    fn drop(&mut self) {
        self.engine.release_delivery(self.booking_id);
    }
}

/// How one delivery ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Outcome {
    /// The PC acknowledged and the warning is recorded.
    Delivered,
    /// Not delivered; tried again later.
    Failed,
    /// No longer due when its turn came (the booking ended, or another pass delivered it).
    Moot,
}

/// A spawned delivery: the booking and how its delivery ended.
pub(super) type DeliveryTask = JoinHandle<(i64, Outcome)>;

fn earliest(a: Option<DateTime<Utc>>, b: DateTime<Utc>) -> Option<DateTime<Utc>> {
    Some(a.map_or(b, |a| a.min(b)))
}

impl Scheduler {
    fn retries(&self) -> MutexGuard<'_, HashMap<i64, Retry>> {
        self.retries.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs the store side of a pass and spawns the due deliveries.
    pub(super) async fn pass(
        &self,
        now: DateTime<Utc>,
    ) -> Result<(SweepReport, Vec<DeliveryTask>)> {
        let mut report = SweepReport::default();
        // Expire first, so a booking that ended while the desk was down is never warned.
        let expired = self.engine.expire_overdue(now, &Actor::System).await?;
        report.expired = expired.iter().map(|e| e.booking_id).collect();
        let started = self.engine.start_due(now).await?;
        report.started = started.iter().map(|s| s.booking_id).collect();

        // Only the bookings inside the longest warning lead can need a warning now; every
        // other instant comes from one indexed query.
        let leads = self.engine.warning_leads();
        let rows = match leads.last() {
            Some(longest) => self.engine.warning_window(now, *longest).await?,
            None => Vec::new(),
        };
        let window: HashSet<i64> = rows.iter().map(|r| r.booking_id).collect();
        self.retries()
            .retain(|booking_id, _| window.contains(booking_id));
        report.next_due = self.engine.next_instant(now).await?;
        let mut deliveries = Vec::new();
        for row in &rows {
            let (start, end) = (parse_ts(&row.start_time)?, parse_ts(&row.end_time)?);
            if start > now {
                continue;
            }
            let Some(lead) = due_lead(leads, end - now, row.warned_lead_secs) else {
                continue;
            };
            if let Some(retry_at) = self.retry_not_yet(row, now) {
                report.next_due = earliest(report.next_due, retry_at);
                continue;
            }
            if let Some(guard) = DeliveryGuard::claim(&self.engine, row.booking_id) {
                let warning = Warning::new(row.booking_id, row.pc.clone(), lead, end, now);
                deliveries.push(self.spawn_delivery(warning, row.pc_id, guard));
            }
        }

        Ok((report, deliveries))
    }

    /// When a failed warning may be tried again, if not yet: its interval has not passed and
    /// its PC has not reconnected since.
    fn retry_not_yet(&self, row: &LiveRow, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let retry = *self.retries().get(&row.booking_id)?;
        let reconnected = self.engine.online_state(row.pc_id).epoch != retry.epoch;
        (retry.at > now && !reconnected).then_some(retry.at)
    }

    fn spawn_delivery(&self, warning: Warning, pc_id: i64, guard: DeliveryGuard) -> DeliveryTask {
        let scheduler = self.clone();
        tokio::spawn(async move {
            let booking_id = warning.booking_id;
            let epoch = scheduler.engine.online_state(pc_id).epoch;
            let outcome = scheduler.deliver(&warning).await;
            if outcome == Outcome::Failed {
                let interval =
                    Duration::from_std(scheduler.retry_interval).unwrap_or(Duration::MAX);
                let at = scheduler
                    .engine
                    .now()
                    .checked_add_signed(interval)
                    .unwrap_or(DateTime::<Utc>::MAX_UTC);
                scheduler.retries().insert(booking_id, Retry { at, epoch });
            } else {
                scheduler.retries().remove(&booking_id);
            }
            drop(guard);
            if outcome == Outcome::Failed {
                // Let the loop plan the retry (and catch a reconnection that came meanwhile).
                scheduler.engine.wake_scheduler();
            }
            (booking_id, outcome)
        })
    }

    /// Sends one warning, if it is still due, and records it if the PC acknowledged.
    async fn deliver(&self, warning: &Warning) -> Outcome {
        let booking_id = warning.booking_id;
        let lead_secs = warning.lead.num_seconds();
        match self.engine.warning_still_due(booking_id, lead_secs).await {
            Ok(true) => {}
            Ok(false) => return Outcome::Moot,
            Err(err) => {
                tracing::warn!(booking_id, cause = %err, "booking check before warning failed");
                return Outcome::Failed;
            }
        }
        let sent = tokio::time::timeout(
            self.delivery_timeout,
            self.delivery.deliver_warning(warning),
        )
        .await;
        match sent {
            Ok(Ok(())) => {}
            Ok(Err(err)) => {
                tracing::warn!(booking_id, cause = %err, "warning not delivered; will retry");
                return Outcome::Failed;
            }
            Err(_) => {
                tracing::warn!(booking_id, "warning delivery timed out; will retry");
                return Outcome::Failed;
            }
        }
        match self
            .engine
            .record_warning(booking_id, lead_secs, warning.minutes_left, warning.ends_at)
            .await
        {
            Ok(recorded) => {
                tracing::debug!(booking_id, recorded, "warning acknowledged");
                Outcome::Delivered
            }
            Err(err) => {
                tracing::error!(booking_id, cause = %err, "acknowledged warning not recorded");
                Outcome::Failed
            }
        }
    }
}
