//! The desktop session the test runs in (a display, a session bus) and the output folder where
//! screenshots and logs of a run are kept.

use std::path::{Path, PathBuf};

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

/// Removes what an earlier run of the test left in `out` (numbered step screenshots and
/// texts, `failed.png`, the kept app logs), so that every file there is from this run.
///
/// # Errors
/// [`Error::Io`] when the folder cannot be read or a file cannot be removed.
pub fn clear_previous_run(out: &Path) -> Result<()> {
    for entry in std::fs::read_dir(out)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let numbered = name.len() > 2 && name.as_bytes()[..2].iter().all(u8::is_ascii_digit);
        if name == "app-logs" {
            std::fs::remove_dir_all(entry.path())?;
        } else if numbered || name == "failed.png" {
            std::fs::remove_file(entry.path())?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_earlier_run_s_files_are_cleared() {
        let out = tempfile::tempdir().expect("the temp folder is writable");
        for name in [
            "01-admin-created.png",
            "05-expiry-notification.txt",
            "failed.png",
            "xvfb.log",
        ] {
            std::fs::write(out.path().join(name), b"x").expect("the file is written");
        }
        std::fs::create_dir(out.path().join("app-logs")).expect("the folder is made");

        clear_previous_run(out.path()).expect("the folder is ours");
        let left: Vec<_> = std::fs::read_dir(out.path())
            .expect("the folder is still there")
            .map(|e| e.expect("entries read").file_name())
            .collect();
        assert_eq!(
            left,
            ["xvfb.log"],
            "run.sh's own logs are kept, the test's files go"
        );
    }
}
