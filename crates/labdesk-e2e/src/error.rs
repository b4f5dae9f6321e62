//! The one error type of the end-to-end harness: every failure says what went wrong and what
//! to run or install next, so a red test run tells the reader how to make it green.

use std::path::PathBuf;
use std::time::Duration;

/// Anything the harness can fail at while setting up, driving or checking the desk.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The test was started outside a display session.
    #[error(
        "no {missing} is set: the end-to-end test needs Xvfb, a private D-Bus session and a \
         notification daemon; run it through scripts/test.sh (or crates/labdesk-e2e/run.sh)"
    )]
    NoSession {
        /// The environment variable that is missing.
        missing: &'static str,
    },
    /// A program the test runs is not where it should be.
    #[error("{name} was not found at {path}: build or install it with `{hint}`, then run again")]
    MissingProgram {
        /// Program name.
        name: &'static str,
        /// Where it was looked for.
        path: PathBuf,
        /// The command that provides it.
        hint: &'static str,
    },
    /// A process could not be started.
    #[error("could not start {what}: {source}; check that it is installed and executable")]
    Spawn {
        /// Which process.
        what: String,
        /// The operating system's answer.
        source: std::io::Error,
    },
    /// A process ended with a failure status.
    #[error("{what} failed ({status}): {stderr}")]
    Failed {
        /// Which command.
        what: String,
        /// Its exit status.
        status: std::process::ExitStatus,
        /// What it printed on stderr.
        stderr: String,
    },
    /// An awaited event did not happen in time.
    #[error("timed out after {}s waiting for {what}; see the logs in the output folder", .after.as_secs())]
    Timeout {
        /// What was awaited.
        what: String,
        /// How long the test waited.
        after: Duration,
    },
    /// A process's output ended before the awaited line came.
    #[error("{what} closed its output before {awaited}; see its log in the output folder")]
    Closed {
        /// Which process.
        what: String,
        /// What was awaited.
        awaited: String,
    },
    /// The desk or a tool said something the test did not expect.
    #[error("unexpected result: {0}")]
    Unexpected(String),
    /// A WebDriver session could not be opened.
    #[error("could not open a WebDriver session on the app: {0}; see tauri-driver.log")]
    Session(#[from] fantoccini::error::NewSessionError),
    /// A WebDriver command failed.
    #[error("webdriver command failed: {0}")]
    Command(#[from] fantoccini::error::CmdError),
    /// A file could not be read or written.
    #[error("file error: {0}")]
    Io(#[from] std::io::Error),
    /// Text that should be JSON was not.
    #[error("bad json from a tool: {0}")]
    Json(#[from] serde_json::Error),
}

/// Result of a harness step.
pub type Result<T> = std::result::Result<T, Error>;

/// Fails with [`Error::Unexpected`] unless `cond` holds.
///
/// # Errors
/// [`Error::Unexpected`] carrying `why` when the condition is false.
pub fn ensure(cond: bool, why: impl FnOnce() -> String) -> Result<()> {
    if cond {
        Ok(())
    } else {
        Err(Error::Unexpected(why()))
    }
}
