//! Where the desk app's log goes: a file per day in the app's log folder (the last two weeks are
//! kept), and standard error for whoever started it from a terminal. `RUST_LOG` picks the level
//! (default `info`).

use std::io::IsTerminal;
use std::path::Path;

use thiserror::Error;
use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{fmt, EnvFilter, Registry};

/// How many daily files are kept.
const KEEP_DAYS: usize = 14;

/// The log file names: `labdesk.YYYY-MM-DD.log`.
const PREFIX: &str = "labdesk";
const SUFFIX: &str = "log";

/// Why logging could not start.
#[derive(Debug, Error)]
pub enum LogsError {
    /// The log folder could not be made or written.
    #[error("could not open the log folder {dir}: {source}; check its permissions")]
    Folder {
        /// The log folder.
        dir: String,
        /// Why.
        source: std::io::Error,
    },
    /// The daily file could not be set up.
    #[error("could not start the daily log file in {dir}: {source}")]
    Appender {
        /// The log folder.
        dir: String,
        /// Why.
        source: tracing_appender::rolling::InitError,
    },
    /// Logging was already set up in this process.
    #[error("logging was already started: {0}")]
    AlreadyStarted(String),
}

/// Keeps the background log writer alive; dropping it flushes what is left and stops it.
#[must_use = "logging stops when the guard is dropped"]
pub struct LogGuard {
    _writer: WorkerGuard,
}

/// A daily rolling file appender in `dir`.
///
/// # Errors
/// [`LogsError`] when the folder cannot be made or the appender cannot start.
fn daily_files(dir: &Path) -> Result<RollingFileAppender, LogsError> {
    let shown = dir.display().to_string();
    std::fs::create_dir_all(dir).map_err(|source| LogsError::Folder {
        dir: shown.clone(),
        source,
    })?;
    RollingFileAppender::builder()
        .rotation(Rotation::DAILY)
        .filename_prefix(PREFIX)
        .filename_suffix(SUFFIX)
        .max_log_files(KEEP_DAYS)
        .build(dir)
        .map_err(|source| LogsError::Appender { dir: shown, source })
}

/// The subscriber: one layer into the daily files (no colours), one to standard error.
fn subscriber(
    files: tracing_appender::non_blocking::NonBlocking,
) -> impl tracing::Subscriber + Send + Sync {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    Registry::default()
        .with(filter)
        .with(fmt::layer().with_ansi(false).with_writer(files))
        .with(
            fmt::layer()
                .with_ansi(std::io::stderr().is_terminal())
                .with_writer(std::io::stderr),
        )
}

/// Starts logging into daily files in `dir` for the whole process.
///
/// # Errors
/// [`LogsError`] when the folder is not writable or logging was already started.
pub fn start(dir: &Path) -> Result<LogGuard, LogsError> {
    let (files, guard) = tracing_appender::non_blocking(daily_files(dir)?);
    subscriber(files)
        .try_init()
        .map_err(|error| LogsError::AlreadyStarted(error.to_string()))?;

    Ok(LogGuard { _writer: guard })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_land_in_a_dated_file_in_the_log_folder() {
        let dir = tempfile::tempdir().unwrap();
        let logs = dir.path().join("logs");
        let (files, guard) = tracing_appender::non_blocking(daily_files(&logs).unwrap());
        tracing::subscriber::with_default(subscriber(files), || {
            tracing::info!(booking_id = 42, "session expired");
        });
        drop(guard); // flushes the background writer

        let names: Vec<String> = std::fs::read_dir(&logs)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names.len(), 1, "one file per day: {names:?}");
        let name = &names[0];
        assert!(
            name.starts_with("labdesk.") && name.ends_with(".log"),
            "dated name: {name}"
        );
        let text = std::fs::read_to_string(logs.join(name)).unwrap();
        assert!(
            text.contains("session expired") && text.contains("booking_id=42"),
            "{text}"
        );
        assert!(
            !text.contains('\u{1b}'),
            "files carry no terminal colours: {text:?}"
        );
    }

    #[test]
    fn an_unwritable_folder_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("file");
        std::fs::write(&blocker, "not a folder").unwrap();
        let error = daily_files(&blocker.join("logs")).unwrap_err();
        assert!(
            error.to_string().contains("check its permissions"),
            "{error}"
        );
    }
}
