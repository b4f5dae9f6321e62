//! The SQLite store: opening the file with the settings every write path relies on, the one
//! text format for instants, and write transactions that take the lock up front.

use std::ops::{Deref, DerefMut};
use std::path::Path;
use std::str::FromStr;
use std::time::Duration as StdDuration;

use chrono::{DateTime, NaiveDateTime, Utc};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Sqlite, SqliteConnection, Transaction};
use tokio::sync::OwnedMutexGuard;

use crate::error::{Error, Result};

/// The one format of every stored instant: UTC, millisecond precision, always three fraction
/// digits and a `Z`, so that comparing the text compares the instants.
const TIME_FORMAT: &str = "%Y-%m-%dT%H:%M:%S%.3fZ";

/// How long a write waits for another writer before it gives up.
const BUSY_TIMEOUT: StdDuration = StdDuration::from_secs(30);

/// Opens (creating if missing) the store at `path` and brings its schema up to date.
pub(crate) async fn open(path: &Path) -> Result<SqlitePool> {
    let options = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .busy_timeout(BUSY_TIMEOUT)
        .foreign_keys(true);
    let pool = SqlitePoolOptions::new()
        .max_connections(4)
        .connect_with(options)
        .await?;
    sqlx::migrate!("../../migrations").run(&pool).await?;

    Ok(pool)
}

/// A write transaction that holds the process's write turn; derefs to the connection.
pub(crate) struct WriteTx {
    tx: Transaction<'static, Sqlite>,
    _turn: OwnedMutexGuard<()>,
}

impl WriteTx {
    /// Commits the transaction and gives the write turn back.
    pub(crate) async fn commit(self) -> Result<()> {
        self.tx.commit().await?;
        Ok(())
    }
}

impl Deref for WriteTx {
    type Target = SqliteConnection;

    fn deref(&self) -> &SqliteConnection {
        &self.tx
    }
}

impl DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        &mut self.tx
    }
}

/// Opens a write transaction with `BEGIN IMMEDIATE`, so the write lock is taken at once and
/// waits out the busy time-out instead of failing half-way as a deferred transaction would.
/// The caller holds the process's write `turn` (writers queue on it, so they wait in order
/// instead of in SQLite's sleeping busy handler; the busy time-out still covers other
/// processes).
pub(crate) async fn begin_write(pool: &SqlitePool, turn: OwnedMutexGuard<()>) -> Result<WriteTx> {
    let tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    Ok(WriteTx { tx, _turn: turn })
}

/// An instant cut to the store's millisecond precision.
pub(crate) fn trunc(at: DateTime<Utc>) -> DateTime<Utc> {
    let millis = at.timestamp_millis();
    // Cannot fail: the millisecond count came from a valid instant.
    DateTime::from_timestamp_millis(millis).expect("millisecond timestamp of a valid instant")
}

/// The stored text of an instant.
pub(crate) fn ts(at: DateTime<Utc>) -> String {
    at.format(TIME_FORMAT).to_string()
}

/// Reads a stored instant back.
pub(crate) fn parse_ts(text: &str) -> Result<DateTime<Utc>> {
    NaiveDateTime::parse_from_str(text, TIME_FORMAT)
        .map(|naive| naive.and_utc())
        .map_err(|err| Error::Internal(format!("stored instant {text:?} is malformed: {err}")))
}

/// Reads an optional stored instant back.
pub(crate) fn parse_opt_ts(text: Option<&str>) -> Result<Option<DateTime<Utc>>> {
    text.map(parse_ts).transpose()
}

/// Reads a stored word (role, status, reason) back into its enum.
pub(crate) fn parse_word<T: FromStr<Err = Error>>(text: &str) -> Result<T> {
    text.parse()
        .map_err(|err: Error| Error::Internal(format!("stored value is malformed: {err}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_instants_sort_as_text() {
        let a = DateTime::parse_from_rfc3339("2026-12-04T10:00:00Z")
            .unwrap()
            .to_utc();
        let b = DateTime::parse_from_rfc3339("2026-12-04T10:00:00.5+00:00")
            .unwrap()
            .to_utc();
        assert_eq!(
            ts(a),
            "2026-12-04T10:00:00.000Z",
            "always three fraction digits"
        );
        assert!(ts(a) < ts(b), "text order must be time order");
        assert_eq!(parse_ts(&ts(b)).unwrap(), b);
    }

    #[test]
    fn other_offsets_are_stored_in_utc() {
        let local = DateTime::parse_from_rfc3339("2026-12-04T12:30:00+02:00")
            .unwrap()
            .to_utc();
        assert_eq!(ts(local), "2026-12-04T10:30:00.000Z");
    }
}
