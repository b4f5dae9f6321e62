//! The desktop session the test runs in (a display, a session bus) and the output folder where
//! screenshots and logs of a run are kept.

use std::path::PathBuf;

use crate::error::{Error, Result};
use crate::programs::target_dir;

/// Fails unless a display and a session bus are set, as `run.sh` sets them.
///
/// Without a private bus, a notification could go to a stray bus started on demand, and the
/// test would watch the wrong one; so both are required rather than guessed.
///
/// # Errors
/// [`Error::NoSession`] naming the missing variable and `scripts/test.sh`.
pub fn require_session() -> Result<()> {
    for missing in ["DISPLAY", "DBUS_SESSION_BUS_ADDRESS"] {
        if std::env::var_os(missing).is_none_or(|v| v.is_empty()) {
            return Err(Error::NoSession { missing });
        }
    }
    Ok(())
}

/// The folder for this run's screenshots and logs: `$LABDESK_E2E_OUT`, or
/// `<target>/e2e-output`; created if missing.
///
/// # Errors
/// [`Error::Io`] when the folder cannot be created.
pub fn output_dir() -> Result<PathBuf> {
    let dir = match std::env::var_os("LABDESK_E2E_OUT") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => target_dir().join("e2e-output"),
    };
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}
