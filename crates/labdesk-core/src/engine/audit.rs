//! The audit trail: one row per state change, written in the change's own transaction, and
//! read back for staff.

use chrono::{DateTime, Utc};
use sqlx::{FromRow, SqliteConnection};

use crate::error::Result;
use crate::model::{Actor, AuditEntry};
use crate::store::{parse_ts, ts};

use super::access::require_staff;
use super::Engine;

/// What an audit row says, besides its time and actor.
#[derive(Debug, Default)]
pub(crate) struct Note<'a> {
    pub(crate) action: &'a str,
    pub(crate) booking_id: Option<i64>,
    pub(crate) pc: Option<&'a str>,
    pub(crate) reason: Option<&'a str>,
    pub(crate) detail: Option<String>,
}

/// Writes one audit row inside the caller's transaction.
pub(crate) async fn record(
    conn: &mut SqliteConnection,
    at: DateTime<Utc>,
    actor: &str,
    note: Note<'_>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO audit (at, actor, action, booking_id, pc, reason, detail) \
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(ts(at))
    .bind(actor)
    .bind(note.action)
    .bind(note.booking_id)
    .bind(note.pc)
    .bind(note.reason)
    .bind(note.detail)
    .execute(conn)
    .await?;

    Ok(())
}

#[derive(FromRow)]
struct AuditRow {
    id: i64,
    at: String,
    actor: String,
    action: String,
    booking_id: Option<i64>,
    pc: Option<String>,
    reason: Option<String>,
    detail: Option<String>,
}

impl Engine {
    /// The latest `limit` audit entries, newest first. Staff only.
    ///
    /// # Errors
    /// 403 for patrons and PCs.
    pub async fn audit(&self, actor: &Actor, limit: u32) -> Result<Vec<AuditEntry>> {
        require_staff(actor, "read the audit trail")?;
        let rows: Vec<AuditRow> = sqlx::query_as(
            "SELECT id, at, actor, action, booking_id, pc, reason, detail FROM audit \
             ORDER BY id DESC LIMIT ?",
        )
        .bind(i64::from(limit))
        .fetch_all(self.pool())
        .await?;

        rows.into_iter()
            .map(|row| {
                Ok(AuditEntry {
                    id: row.id,
                    at: parse_ts(&row.at)?,
                    actor: row.actor,
                    action: row.action,
                    booking_id: row.booking_id,
                    pc: row.pc,
                    reason: row.reason,
                    detail: row.detail,
                })
            })
            .collect()
    }
}
