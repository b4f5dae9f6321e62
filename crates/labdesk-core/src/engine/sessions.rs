//! Making and stretching bookings: start a session now, book one ahead, extend a live one.
//! Each change is checked and written in one `BEGIN IMMEDIATE` transaction, so two requests
//! for the same slot cannot both pass the overlap check.

use chrono::{DateTime, Duration, Utc};
use sqlx::SqliteConnection;

use crate::error::{Error, Result};
use crate::events::DeskEvent;
use crate::model::{Actor, Booking, Condition, Session};
use crate::store::{parse_ts, trunc, ts};

use super::access::{actor_label, require_staff};
use super::audit::{record, Note};
use super::pcs::find_pc;
use super::rows::{BookingRow, LiveRow, BOOKING_SELECT, LIVE_SELECT};
use super::users::unknown_user;
use super::Engine;

/// The overlap rule, on half-open intervals: `[start, end)` clashes with a confirmed booking
/// of the same PC when each starts before the other ends. Returns the clashing interval.
pub(crate) async fn clash(
    conn: &mut SqliteConnection,
    pc_id: i64,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    except: Option<i64>,
) -> Result<Option<(String, String)>> {
    Ok(sqlx::query_as(
        "SELECT start_time, end_time FROM bookings WHERE status = 'confirmed' AND pc_id = ? \
         AND start_time < ? AND end_time > ? AND id IS NOT ? ORDER BY start_time LIMIT 1",
    )
    .bind(pc_id)
    .bind(ts(end))
    .bind(ts(start))
    .bind(except)
    .fetch_optional(conn)
    .await?)
}

fn clash_error(pc: &str, (start, end): (String, String)) -> Error {
    Error::conflict(format!(
        "PC {pc} is booked from {start} to {end}; pick another time or another PC"
    ))
}

impl Engine {
    /// Starts a session now on a free PC for a user, lasting `duration`. Staff only.
    ///
    /// # Errors
    /// 403 for non-staff; 400 for a zero or negative duration or a PC in repair; 404 for an
    /// unknown PC or user; 409 if the PC is booked in that time.
    pub async fn start_session(
        &self,
        actor: &Actor,
        pc: &str,
        user: &str,
        duration: Duration,
    ) -> Result<Session> {
        if duration <= Duration::zero() {
            return Err(Error::bad(
                "the duration must be longer than zero; give the minutes",
            ));
        }
        let now = self.now();
        let end = now.checked_add_signed(duration).ok_or_else(|| {
            Error::bad("the duration is too long; give a number of minutes or hours")
        })?;
        let id = self
            .create_booking(actor, pc, user, now, trunc(end))
            .await?;
        let session = self.live_session(id).await?;

        self.publish(DeskEvent::SessionStarted {
            session: session.clone(),
        });
        self.publish_pc(pc).await;
        Ok(session)
    }

    /// Books a PC ahead for a user over `[start, end)`. Staff only. A booking whose start
    /// has passed (but not its end) goes live at once.
    ///
    /// # Errors
    /// 403 for non-staff; 400 for end before start, zero length, an end in the past or a PC
    /// in repair; 404 for an unknown PC or user; 409 if it overlaps another booking.
    pub async fn book_session(
        &self,
        actor: &Actor,
        pc: &str,
        user: &str,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Result<Booking> {
        let (start, end) = (trunc(start), trunc(end));
        let id = self.create_booking(actor, pc, user, start, end).await?;
        let booking = self.booking(id).await?;

        self.publish(DeskEvent::BookingCreated {
            booking: booking.clone(),
        });
        if start <= self.now() {
            // Its start has passed, so it went live at once.
            let session = self.live_session(id).await?;
            self.publish(DeskEvent::SessionStarted { session });
            self.publish_pc(&booking.pc).await;
        }
        Ok(booking)
    }

    async fn create_booking(
        &self,
        actor: &Actor,
        pc: &str,
        user: &str,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Result<i64> {
        require_staff(actor, "start or book sessions")?;
        let now = self.now();
        if end == start {
            return Err(Error::bad(
                "the booking has no length; make the end later than the start",
            ));
        }
        if end < start {
            return Err(Error::bad(
                "the end is before the start; swap them or fix the times",
            ));
        }
        if end <= now {
            return Err(Error::bad(
                "the end is in the past; pick an end time from now on",
            ));
        }

        let mut tx = self.begin_write().await?;
        let label = actor_label(&mut tx, actor).await?;
        let pc_row = find_pc(&mut tx, pc).await?;
        if pc_row.condition == Condition::Repair.as_str() {
            return Err(Error::bad(format!(
                "PC {} is in repair; pick another PC or put it back in service first",
                pc_row.name
            )));
        }
        let user_id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE username = ?")
            .bind(user.trim())
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| unknown_user(user))?;
        if let Some(other) = clash(&mut tx, pc_row.id, start, end, None).await? {
            return Err(clash_error(&pc_row.name, other));
        }

        let live_now = start <= now;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO bookings (pc_id, user_id, start_time, end_time, started_at, created_at) \
             VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(pc_row.id)
        .bind(user_id)
        .bind(ts(start))
        .bind(ts(end))
        .bind(live_now.then(|| ts(now)))
        .bind(ts(now))
        .fetch_one(&mut *tx)
        .await?;
        if live_now {
            sqlx::query("UPDATE pcs SET booking_status = 'in_use' WHERE id = ?")
                .bind(pc_row.id)
                .execute(&mut *tx)
                .await?;
        }
        let note = Note {
            action: if live_now {
                "session_started"
            } else {
                "booking_created"
            },
            booking_id: Some(id),
            pc: Some(&pc_row.name),
            detail: Some(format!("{} to {}", ts(start), ts(end))),
            ..Note::default()
        };
        record(&mut tx, now, &label, note).await?;
        tx.commit().await?;
        tracing::info!(
            booking_id = id,
            pc_id = pc_row.id,
            live_now,
            "booking created"
        );

        self.wake_scheduler();
        Ok(id)
    }

    /// Gives a live session `by` more time, if its PC is free for it. Staff only. Extending
    /// past a warning lead re-arms that warning.
    ///
    /// # Errors
    /// 403 for non-staff; 400 for a zero or negative extension; 404 for an unknown booking;
    /// 409 if the booking is not live or the PC is booked in the extra time.
    pub async fn extend_session(
        &self,
        actor: &Actor,
        booking_id: i64,
        by: Duration,
    ) -> Result<Session> {
        require_staff(actor, "extend sessions")?;
        if by <= Duration::zero() {
            return Err(Error::bad(
                "the extension must be longer than zero; give the minutes",
            ));
        }
        let now = self.now();
        let mut tx = self.begin_write().await?;
        let label = actor_label(&mut tx, actor).await?;
        let row = live_row(&mut tx, booking_id, now).await?;
        let old_end = parse_ts(&row.end_time)?;
        let new_end = old_end
            .checked_add_signed(by)
            .map(trunc)
            .ok_or_else(|| Error::bad("the extension is too long; give fewer minutes"))?;
        if let Some(other) = clash(&mut tx, row.pc_id, old_end, new_end, Some(booking_id)).await? {
            return Err(clash_error(&row.pc, other));
        }

        let warned = self.rearmed_lead(row.warned_lead_secs, new_end - now);
        sqlx::query(
            "UPDATE bookings SET end_time = ?, warned_lead_secs = ?, \
             warned_minutes = CASE WHEN ? IS NULL THEN NULL ELSE warned_minutes END WHERE id = ?",
        )
        .bind(ts(new_end))
        .bind(warned)
        .bind(warned)
        .bind(booking_id)
        .execute(&mut *tx)
        .await?;
        let note = Note {
            action: "session_extended",
            booking_id: Some(booking_id),
            pc: Some(&row.pc),
            detail: Some(format!("from {} to {}", row.end_time, ts(new_end))),
            ..Note::default()
        };
        record(&mut tx, now, &label, note).await?;
        tx.commit().await?;
        tracing::info!(booking_id, "session extended");

        self.wake_scheduler();
        let session = self.live_session(booking_id).await?;
        self.publish(DeskEvent::SessionExtended {
            session: session.clone(),
        });
        Ok(session)
    }

    /// Which warning leads still count as delivered after the remaining time became
    /// `remaining`: the delivered ones that are still inside their window. Returns the
    /// shortest of them, in seconds, or `None` when every lead is armed again.
    fn rearmed_lead(&self, warned: Option<i64>, remaining: Duration) -> Option<i64> {
        let warned = Duration::seconds(warned?);
        let floor = warned.max(remaining);
        self.warning_leads()
            .iter()
            .find(|lead| **lead >= floor)
            .map(Duration::num_seconds)
    }

    /// The session of a live booking.
    pub(crate) async fn live_session(&self, booking_id: i64) -> Result<Session> {
        let mut conn = self.pool().acquire().await?;
        live_row(&mut conn, booking_id, self.now())
            .await?
            .to_session(self)
    }

    /// One booking in any state.
    ///
    /// # Errors
    /// 404 for an unknown booking.
    pub async fn booking(&self, booking_id: i64) -> Result<Booking> {
        let row: Option<BookingRow> = sqlx::query_as(&format!("{BOOKING_SELECT} WHERE b.id = ?"))
            .bind(booking_id)
            .fetch_optional(self.pool())
            .await?;
        row.ok_or_else(|| unknown_booking(booking_id))?
            .into_booking()
    }

    /// Publishes `pc_changed` for a PC after its status changed; a failed read only costs the
    /// console an update it also gets on reload.
    pub(crate) async fn publish_pc(&self, name: &str) {
        match self.pc(name).await {
            Ok(pc) => self.publish(DeskEvent::PcChanged { pc }),
            Err(err) => tracing::warn!(cause = %err, "could not read a PC to publish its change"),
        }
    }
}

pub(crate) fn unknown_booking(booking_id: i64) -> Error {
    Error::not_found(format!(
        "there is no booking {booking_id}; reload the session list"
    ))
}

/// A booking that must be live now, or the reason it is not.
async fn live_row(
    conn: &mut SqliteConnection,
    booking_id: i64,
    now: DateTime<Utc>,
) -> Result<LiveRow> {
    let found: Option<LiveRow> = sqlx::query_as(&format!("{LIVE_SELECT} WHERE b.id = ?"))
        .bind(booking_id)
        .fetch_optional(&mut *conn)
        .await?;
    let row = found.ok_or_else(|| unknown_booking(booking_id))?;
    super::ending::require_live(booking_id, &row.status, &row.start_time, &row.end_time, now)?;
    Ok(row)
}
