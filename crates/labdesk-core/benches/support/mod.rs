//! Seeding a desk for the benchmarks straight through SQL, so that a million past bookings
//! take seconds: PCs, one patron, past, live and about-to-expire bookings.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use labdesk_core::{Engine, EngineConfig, ManualClock};
use sqlx::SqlitePool;
use tempfile::TempDir;

/// The instant the benchmarks run at.
pub fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-12-04T10:00:00Z")
        .unwrap()
        .to_utc()
}

/// The store's text for an instant.
pub fn ts(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// A desk on a temp file, with `pcs` PCs and one patron, and a second pool for seeding.
pub struct Seeded {
    /// Kept so that the store's folder lives as long as the desk.
    _dir: TempDir,
    pub engine: Engine,
    pub pool: SqlitePool,
}

pub async fn desk(pcs: usize) -> Seeded {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("desk.db");
    let clock = ManualClock::new(now());
    let engine = Engine::open(&path, Arc::new(clock), EngineConfig::default())
        .await
        .unwrap();
    let pool = SqlitePool::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO users (username, display_name, role, created_at) \
         VALUES ('patron', 'Patron', 'patron', ?)",
    )
    .bind(ts(now()))
    .execute(&pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO pcs (name, token_hash, created_at) \
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) \
         SELECT printf('B-%05d', i), 'unused', ? FROM n",
    )
    .bind(pcs as i64)
    .bind(ts(now()))
    .execute(&pool)
    .await
    .unwrap();
    Seeded {
        _dir: dir,
        engine,
        pool,
    }
}

impl Seeded {
    /// `count` completed bookings over the year before now, spread over every PC.
    pub async fn add_past(&self, count: usize) {
        let pcs = self.pcs().await;
        sqlx::query(
            "INSERT INTO bookings (pc_id, user_id, start_time, end_time, status, started_at, \
             expiry, ended_at, ended_by, end_reason, created_at) \
             WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ? - 1), \
             t(i, s, e) AS (SELECT i, \
               strftime('%Y-%m-%dT%H:%M:%fZ', '2025-12-01', '+' || (i * 30) || ' seconds'), \
               strftime('%Y-%m-%dT%H:%M:%fZ', '2025-12-01', '+' || (i * 30 + 25) || ' seconds') \
               FROM n) \
             SELECT (i % ?) + 1, 1, s, e, 'completed', s, e, e, 'system', 'expired', s FROM t",
        )
        .bind(count as i64)
        .bind(pcs)
        .execute(&self.pool)
        .await
        .unwrap();
    }

    /// One live booking on each of the first `count` PCs, started 10 minutes ago, ending
    /// `ends_in` from now plus up to `count` milliseconds, so that they end together.
    pub async fn add_live(&self, count: usize, ends_in: Duration) {
        let start = ts(now() - Duration::minutes(10));
        let end = now() + ends_in;
        sqlx::query(
            "INSERT INTO bookings (pc_id, user_id, start_time, end_time, started_at, created_at) \
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) \
             SELECT i, 1, ?2, strftime('%Y-%m-%dT%H:%M:%fZ', ?3, '+' || (i / 1000.0) || \
             ' seconds'), ?2, ?2 FROM n",
        )
        .bind(count as i64)
        .bind(&start)
        .bind(ts(end).trim_end_matches('Z'))
        .execute(&self.pool)
        .await
        .unwrap();
        sqlx::query("UPDATE pcs SET booking_status = 'in_use' WHERE id <= ?")
            .bind(count as i64)
            .execute(&self.pool)
            .await
            .unwrap();
    }

    async fn pcs(&self) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM pcs")
            .fetch_one(&self.pool)
            .await
            .unwrap()
    }
}
