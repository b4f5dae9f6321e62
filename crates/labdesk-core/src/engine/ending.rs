//! Ending bookings: expiry (the scheduler's and clean-up's), ending early, and cancelling an
//! upcoming booking. Each is one `BEGIN IMMEDIATE` transaction whose update is conditional on
//! the booking still being confirmed, so when several race exactly one wins.

use chrono::{DateTime, Utc};
use sqlx::{FromRow, SqliteConnection};

use crate::error::{Error, Result};
use crate::events::DeskEvent;
use crate::model::{Actor, Booking, CleanUpReport, EndReason, FreedPc, Role};
use crate::store::ts;

use super::access::{actor_label, require_staff};
use super::audit::{record, Note};
use super::rows::{PcRow, PC_COLUMNS};
use super::sessions::unknown_booking;
use super::Engine;

/// A booking that expired in a pass, with its PC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Expired {
    pub(crate) booking_id: i64,
    pub(crate) pc: String,
}

/// Refuses (409) a booking that is not live at `now`, saying what it is instead.
pub(crate) fn require_live(
    booking_id: i64,
    status: &str,
    start: &str,
    end: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let now = ts(now);
    let why = match status {
        "cancelled" => "was already ended or cancelled",
        "completed" => "has already expired",
        _ if now.as_str() < start => "has not started yet (cancel it instead)",
        _ if now.as_str() >= end => "has already reached its end time",
        _ => return Ok(()),
    };
    Err(Error::conflict(format!(
        "booking {booking_id} {why}; nothing was changed"
    )))
}

#[derive(FromRow)]
struct Target {
    pc_id: i64,
    pc: String,
    user_id: i64,
    status: String,
    start_time: String,
    end_time: String,
}

async fn target(conn: &mut SqliteConnection, booking_id: i64) -> Result<Target> {
    sqlx::query_as(
        "SELECT b.pc_id, p.name AS pc, b.user_id, b.status, b.start_time, b.end_time \
         FROM bookings b JOIN pcs p ON p.id = b.pc_id WHERE b.id = ?",
    )
    .bind(booking_id)
    .fetch_optional(conn)
    .await?
    .ok_or_else(|| unknown_booking(booking_id))
}

/// Sets each listed PC `in_use` if a booking of it is live at `now`, else `available`.
async fn refresh_pcs(
    conn: &mut SqliteConnection,
    pc_ids: &[i64],
    now: DateTime<Utc>,
) -> Result<Vec<PcRow>> {
    let ids = serde_json::to_string(pc_ids).map_err(|err| Error::Internal(err.to_string()))?;
    Ok(sqlx::query_as(&format!(
        "UPDATE pcs SET booking_status = CASE WHEN EXISTS (SELECT 1 FROM bookings b \
         WHERE b.pc_id = pcs.id AND b.status = 'confirmed' AND b.start_time <= ?1 \
         AND b.end_time > ?1) THEN 'in_use' ELSE 'available' END \
         WHERE id IN (SELECT value FROM json_each(?2)) RETURNING {PC_COLUMNS}"
    ))
    .bind(ts(now))
    .bind(ids)
    .fetch_all(conn)
    .await?)
}

impl Engine {
    /// Ends a live session early. Staff may end any; a patron only their own; a PC agent only
    /// the booking live on its own PC.
    ///
    /// # Errors
    /// 404 for an unknown booking; 403 when the actor may not end it; 409 when it is not live
    /// (ended, cancelled, expired, upcoming), in which case nothing changes.
    pub async fn end_session(&self, actor: &Actor, booking_id: i64) -> Result<Booking> {
        let now = self.now();
        let mut tx = self.begin_write().await?;
        let label = actor_label(&mut tx, actor).await?;
        let found = target(&mut tx, booking_id).await?;
        let allowed = match actor {
            Actor::System => true,
            Actor::User { role, .. } if *role >= Role::Staff => true,
            Actor::User { id, .. } => *id == found.user_id,
            Actor::Pc { id } => *id == found.pc_id,
        };
        if !allowed {
            return Err(Error::forbidden(
                "you may end only your own session; ask staff to end this one",
            ));
        }
        require_live(
            booking_id,
            &found.status,
            &found.start_time,
            &found.end_time,
            now,
        )?;

        let reason = if actor.is_staff() {
            EndReason::EndedByStaff
        } else {
            EndReason::EndedByUser
        };
        sqlx::query(
            "UPDATE bookings SET status = 'cancelled', end_reason = ?, ended_at = ?, ended_by = ? \
             WHERE id = ? AND status = 'confirmed'",
        )
        .bind(reason.as_str())
        .bind(ts(now))
        .bind(&label)
        .bind(booking_id)
        .execute(&mut *tx)
        .await?;
        let pcs = refresh_pcs(&mut tx, &[found.pc_id], now).await?;
        let note = Note {
            action: "session_ended",
            booking_id: Some(booking_id),
            pc: Some(&found.pc),
            reason: Some(reason.as_str()),
            ..Note::default()
        };
        record(&mut tx, now, &label, note).await?;
        tx.commit().await?;
        tracing::info!(booking_id, %reason, "session ended early");

        self.wake_scheduler();
        self.publish(DeskEvent::SessionEnded {
            booking_id,
            pc: found.pc,
            reason,
        });
        self.publish_pc_rows(pcs);
        self.booking(booking_id).await
    }

    /// Cancels an upcoming booking. Staff may cancel any; a patron only their own.
    ///
    /// # Errors
    /// 404 for an unknown booking; 403 when the actor may not cancel it; 409 when it is not
    /// upcoming (live ones are ended with [`Engine::end_session`]).
    pub async fn cancel_booking(&self, actor: &Actor, booking_id: i64) -> Result<Booking> {
        let now = self.now();
        let mut tx = self.begin_write().await?;
        let label = actor_label(&mut tx, actor).await?;
        let found = target(&mut tx, booking_id).await?;
        let allowed = match actor {
            Actor::System => true,
            Actor::User { role, .. } if *role >= Role::Staff => true,
            Actor::User { id, .. } => *id == found.user_id,
            Actor::Pc { .. } => false,
        };
        if !allowed {
            return Err(Error::forbidden(
                "you may cancel only your own bookings; ask staff to cancel this one",
            ));
        }
        if found.status != "confirmed" || found.start_time <= ts(now) {
            return Err(Error::conflict(format!(
                "booking {booking_id} is not upcoming; end a live session instead, nothing was \
                 changed"
            )));
        }

        let reason = EndReason::Cancelled;
        sqlx::query(
            "UPDATE bookings SET status = 'cancelled', end_reason = 'cancelled', ended_at = ?, \
             ended_by = ? WHERE id = ? AND status = 'confirmed'",
        )
        .bind(ts(now))
        .bind(&label)
        .bind(booking_id)
        .execute(&mut *tx)
        .await?;
        let note = Note {
            action: "booking_cancelled",
            booking_id: Some(booking_id),
            pc: Some(&found.pc),
            reason: Some(reason.as_str()),
            ..Note::default()
        };
        record(&mut tx, now, &label, note).await?;
        tx.commit().await?;
        tracing::info!(booking_id, "booking cancelled");

        self.wake_scheduler();
        self.publish(DeskEvent::SessionEnded {
            booking_id,
            pc: found.pc,
            reason,
        });
        self.booking(booking_id).await
    }

    /// Expires every live-but-overdue booking now, exactly as the scheduler would, and reports
    /// what it freed. Staff only. A second run frees nothing.
    ///
    /// # Errors
    /// 403 for patrons and PCs.
    pub async fn clean_up(&self, actor: &Actor) -> Result<CleanUpReport> {
        require_staff(actor, "clean up")?;
        let expired = self.expire_overdue(self.now(), actor).await?;
        let message = match expired.len() {
            0 => "nothing to clean up; every PC is already free or in a live session".to_owned(),
            1 => "freed 1 PC".to_owned(),
            n => format!("freed {n} PCs"),
        };
        let freed = expired
            .into_iter()
            .map(|e| FreedPc {
                booking_id: e.booking_id,
                pc: e.pc,
            })
            .collect();
        let report = CleanUpReport { freed, message };

        self.publish(DeskEvent::CleanedUp {
            report: report.clone(),
        });
        Ok(report)
    }

    /// Expires every confirmed booking whose end time is at or before `now`: `expiry` and
    /// `ended_at` become its end time, status `completed`, reason `expired`; its PC becomes
    /// available unless another booking of it is live. Publishes `session_ended` for each.
    pub(crate) async fn expire_overdue(
        &self,
        now: DateTime<Utc>,
        actor: &Actor,
    ) -> Result<Vec<Expired>> {
        // A read first, so that a pass with nothing overdue takes no write lock.
        let due: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM bookings WHERE status = 'confirmed' AND end_time <= ? LIMIT 1",
        )
        .bind(ts(now))
        .fetch_optional(self.pool())
        .await?;
        if due.is_none() {
            return Ok(Vec::new());
        }
        let mut tx = self.begin_write().await?;
        let label = actor_label(&mut tx, actor).await?;
        let ended: Vec<(i64, i64)> = sqlx::query_as(
            "UPDATE bookings SET status = 'completed', expiry = end_time, ended_at = end_time, \
             ended_by = ?, end_reason = 'expired' \
             WHERE status = 'confirmed' AND end_time <= ? RETURNING id, pc_id",
        )
        .bind(&label)
        .bind(ts(now))
        .fetch_all(&mut *tx)
        .await?;
        if ended.is_empty() {
            return Ok(Vec::new());
        }

        let booking_ids: Vec<i64> = ended.iter().map(|(id, _)| *id).collect();
        let mut pc_ids: Vec<i64> = ended.iter().map(|(_, pc)| *pc).collect();
        pc_ids.sort_unstable();
        pc_ids.dedup();
        let ids =
            serde_json::to_string(&booking_ids).map_err(|err| Error::Internal(err.to_string()))?;
        let pcs = refresh_pcs(&mut tx, &pc_ids, now).await?;
        let expired: Vec<(i64, String)> = sqlx::query_as(
            "INSERT INTO audit (at, actor, action, booking_id, pc, reason) \
             SELECT ?, ?, 'session_ended', b.id, p.name, 'expired' FROM bookings b \
             JOIN pcs p ON p.id = b.pc_id WHERE b.id IN (SELECT value FROM json_each(?)) \
             RETURNING booking_id, pc",
        )
        .bind(ts(now))
        .bind(&label)
        .bind(ids)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        tracing::info!(count = expired.len(), "bookings expired");

        let expired: Vec<Expired> = expired
            .into_iter()
            .map(|(booking_id, pc)| Expired { booking_id, pc })
            .collect();
        for item in &expired {
            self.publish(DeskEvent::SessionEnded {
                booking_id: item.booking_id,
                pc: item.pc.clone(),
                reason: EndReason::Expired,
            });
        }
        self.publish_pc_rows(pcs);
        Ok(expired)
    }

    pub(crate) fn publish_pc_rows(&self, rows: Vec<PcRow>) {
        for row in rows {
            match row.into_pc(self) {
                Ok(pc) => self.publish(DeskEvent::PcChanged { pc }),
                Err(err) => tracing::warn!(cause = %err, "could not publish a PC change"),
            }
        }
    }
}
