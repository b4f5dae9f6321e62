//! Reading live sessions, and the store side of the scheduler's pass: starting bookings that
//! reached their start, the confirmed bookings to warn, and recording a delivered warning.
//! Every query here reads only the confirmed bookings' partial indexes.

use chrono::{DateTime, Duration, Utc};

use crate::error::{Error, Result};
use crate::events::DeskEvent;
use crate::model::Session;
use crate::store::{parse_ts, ts};

use super::pcs::find_pc;
use super::rows::{live_json_select, parse_live_rows, LiveRow, PcRow, LIVE_SELECT, PC_COLUMNS};
use super::Engine;

impl Engine {
    /// Every live session (started, not ended, end time still ahead), soonest end first.
    ///
    /// # Errors
    /// The store failed.
    pub async fn live_sessions(&self) -> Result<Vec<Session>> {
        let now = ts(self.now());
        let json: String = sqlx::query_scalar(&live_json_select(
            "b.status = 'confirmed' AND b.end_time > ?1 AND b.start_time <= ?1",
        ))
        .bind(now)
        .fetch_one(self.pool())
        .await?;
        let rows = parse_live_rows(&json)?;
        rows.iter().map(|row| row.to_session(self)).collect()
    }

    /// The live session on a PC, if any.
    ///
    /// # Errors
    /// 404 for an unknown PC.
    pub async fn session_on_pc(&self, pc: &str) -> Result<Option<Session>> {
        let now = ts(self.now());
        let mut conn = self.pool().acquire().await?;
        let pc = find_pc(&mut conn, pc).await?;
        let row: Option<LiveRow> = sqlx::query_as(&format!(
            "{LIVE_SELECT} WHERE b.status = 'confirmed' AND b.pc_id = ?1 \
             AND b.start_time <= ?2 AND b.end_time > ?2 ORDER BY b.start_time LIMIT 1"
        ))
        .bind(pc.id)
        .bind(now)
        .fetch_optional(&mut *conn)
        .await?;
        row.map(|row| row.to_session(self)).transpose()
    }

    /// Starts every booking that reached its start and has not ended: its PC goes in use and
    /// `session_started` is published. Never touches upcoming bookings.
    pub(crate) async fn start_due(&self, now: DateTime<Utc>) -> Result<Vec<Session>> {
        let at = ts(now);
        // A read first, so that a pass with nothing to start takes no write lock.
        let due: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM bookings WHERE status = 'confirmed' AND started_at IS NULL \
             AND start_time <= ?1 AND end_time > ?1 LIMIT 1",
        )
        .bind(&at)
        .fetch_optional(self.pool())
        .await?;
        if due.is_none() {
            return Ok(Vec::new());
        }
        let mut tx = self.begin_write().await?;
        let started: Vec<(i64, i64)> = sqlx::query_as(
            "UPDATE bookings SET started_at = ?1 WHERE status = 'confirmed' \
             AND started_at IS NULL AND start_time <= ?1 AND end_time > ?1 RETURNING id, pc_id",
        )
        .bind(&at)
        .fetch_all(&mut *tx)
        .await?;
        if started.is_empty() {
            return Ok(Vec::new());
        }

        let json =
            |ids: Vec<i64>| serde_json::to_string(&ids).map_err(|e| Error::Internal(e.to_string()));
        let booking_ids = json(started.iter().map(|(id, _)| *id).collect())?;
        let pc_ids = json(started.iter().map(|(_, pc)| *pc).collect())?;
        let pcs: Vec<PcRow> = sqlx::query_as(&format!(
            "UPDATE pcs SET booking_status = 'in_use' \
             WHERE id IN (SELECT value FROM json_each(?)) RETURNING {PC_COLUMNS}"
        ))
        .bind(pc_ids)
        .fetch_all(&mut *tx)
        .await?;
        let rows: Vec<LiveRow> = sqlx::query_as(&format!(
            "{LIVE_SELECT} WHERE b.id IN (SELECT value FROM json_each(?)) ORDER BY b.id"
        ))
        .bind(&booking_ids)
        .fetch_all(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO audit (at, actor, action, booking_id, pc) \
             SELECT ?, 'system', 'session_started', b.id, p.name FROM bookings b \
             JOIN pcs p ON p.id = b.pc_id WHERE b.id IN (SELECT value FROM json_each(?))",
        )
        .bind(&at)
        .bind(&booking_ids)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        tracing::info!(count = rows.len(), "booked sessions started");

        let sessions: Vec<Session> = rows
            .iter()
            .map(|row| row.to_session(self))
            .collect::<Result<_>>()?;
        for session in &sessions {
            self.publish(DeskEvent::SessionStarted {
                session: session.clone(),
            });
        }
        self.publish_pc_rows(pcs);
        Ok(sessions)
    }

    /// The confirmed bookings ending after `now` but within `longest` of it: the only ones a
    /// warning can be due for.
    pub(crate) async fn warning_window(
        &self,
        now: DateTime<Utc>,
        longest: Duration,
    ) -> Result<Vec<LiveRow>> {
        let json: String = sqlx::query_scalar(&live_json_select(
            "b.status = 'confirmed' AND b.end_time > ? AND b.end_time <= ?",
        ))
        .bind(ts(now))
        .bind(ts(now + longest))
        .fetch_one(self.pool())
        .await?;
        parse_live_rows(&json)
    }

    /// The next instant after `now` at which a booking starts, ends, or enters the window of
    /// a warning lead it has not had; `None` when nothing is ahead. One indexed query per
    /// kind of instant, whatever the number of bookings.
    pub(crate) async fn next_instant(&self, now: DateTime<Utc>) -> Result<Option<DateTime<Utc>>> {
        let mut sql = String::from(
            "SELECT 0, MIN(start_time) FROM bookings WHERE status = 'confirmed' \
             AND started_at IS NULL AND start_time > ?1 \
             UNION ALL SELECT 0, MIN(end_time) FROM bookings \
             WHERE status = 'confirmed' AND end_time > ?1",
        );
        for (index, lead) in self.warning_leads().iter().enumerate() {
            let (secs, param) = (lead.num_seconds(), index + 2);
            sql.push_str(&format!(
                " UNION ALL SELECT {secs}, MIN(end_time) FROM bookings \
                 WHERE status = 'confirmed' AND end_time > ?{param} \
                 AND (warned_lead_secs IS NULL OR warned_lead_secs > {secs})"
            ));
        }
        let mut query = sqlx::query_as(&sql).bind(ts(now));
        for lead in self.warning_leads() {
            query = query.bind(ts(now + *lead));
        }
        let rows: Vec<(i64, Option<String>)> = query.fetch_all(self.pool()).await?;

        let mut next: Option<DateTime<Utc>> = None;
        for (lead_secs, at) in rows {
            let Some(at) = at else { continue };
            let at = parse_ts(&at)? - Duration::seconds(lead_secs);
            next = Some(next.map_or(at, |n| n.min(at)));
        }
        Ok(next)
    }

    /// Whether a warning for `lead_secs` is still due for a booking: it is confirmed, its end
    /// is ahead, and no lead this short or shorter is recorded. Checked after the delivery is
    /// claimed and just before it goes out, so that nothing is sent after a booking ended and
    /// a warning another pass just delivered is not sent again.
    pub(crate) async fn warning_still_due(&self, booking_id: i64, lead_secs: i64) -> Result<bool> {
        let found: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM bookings WHERE id = ? AND status = 'confirmed' AND end_time > ? \
             AND (warned_lead_secs IS NULL OR warned_lead_secs > ?)",
        )
        .bind(booking_id)
        .bind(ts(self.now()))
        .bind(lead_secs)
        .fetch_optional(self.pool())
        .await?;
        Ok(found.is_some())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::{EngineConfig, ManualClock};

    /// The plan SQLite picks for `sql`, one step a line.
    async fn plan(engine: &Engine, sql: &str) -> String {
        let rows: Vec<(i64, i64, i64, String)> =
            sqlx::query_as(&format!("EXPLAIN QUERY PLAN {sql}"))
                .bind("2026-12-04T10:00:00.000Z")
                .fetch_all(engine.pool())
                .await
                .unwrap();
        rows.into_iter()
            .map(|row| row.3)
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[tokio::test]
    async fn tick_queries_read_only_the_confirmed_bookings_index() {
        let dir = tempfile::tempdir().unwrap();
        let clock = Arc::new(ManualClock::new(Utc::now()));
        let engine = Engine::open(dir.path().join("desk.db"), clock, EngineConfig::default())
            .await
            .unwrap();
        let queries = [
            live_json_select("b.status = 'confirmed' AND b.end_time > ?1 AND b.end_time <= ?1"),
            "SELECT MIN(end_time) FROM bookings WHERE status = 'confirmed' AND end_time > ? \
             AND (warned_lead_secs IS NULL OR warned_lead_secs > 300)"
                .into(),
            "SELECT MIN(start_time) FROM bookings WHERE status = 'confirmed' \
             AND started_at IS NULL AND start_time > ?"
                .into(),
            live_json_select("b.status = 'confirmed' AND b.end_time > ?1 AND b.start_time <= ?1"),
            "SELECT id FROM bookings WHERE status = 'confirmed' AND end_time <= ? LIMIT 1".into(),
            "SELECT id FROM bookings WHERE status = 'confirmed' AND started_at IS NULL \
             AND start_time <= ?1 AND end_time > ?1 LIMIT 1"
                .into(),
        ];
        for sql in queries {
            let plan = plan(&engine, &sql).await;
            let bookings = plan
                .lines()
                .find(|step| step.contains(" b ") || step.contains("bookings"));
            let step = bookings.unwrap_or_else(|| panic!("no step reads bookings:\n{plan}"));
            let indexed = [
                "INDEX bookings_confirmed_by_end",
                "INDEX bookings_not_started",
            ]
            .iter()
            .any(|index| step.contains(index));
            assert!(
                indexed,
                "the bookings step must use a partial index of confirmed bookings, not a scan \
                 of the history:\n{plan}"
            );
        }
    }
}
