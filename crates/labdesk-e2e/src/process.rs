//! Processes the test starts, each owned by a guard that ends it by its id when dropped, so a
//! failed or panicking test leaves nothing running behind it.

use std::process::Stdio;
use std::time::{Duration, Instant};

use tokio::process::{Child, Command};

use crate::error::{Error, Result};

/// How long a process gets to stop after SIGTERM before it is killed.
const GRACE: Duration = Duration::from_secs(5);

/// A running child process, terminated (SIGTERM, then SIGKILL after a grace period) on drop.
#[derive(Debug)]
pub struct ProcessGuard {
    name: String,
    child: Child,
}

impl ProcessGuard {
    /// Starts `cmd` and guards it; `name` is used in messages.
    ///
    /// # Errors
    /// [`Error::Spawn`] when the program cannot be started.
    pub fn spawn(name: &str, cmd: &mut Command) -> Result<Self> {
        // Our guard ends the process; tokio's kill-on-drop would send SIGKILL, which keeps
        // tauri-driver from stopping its WebKitWebDriver.
        cmd.stdin(Stdio::null()).kill_on_drop(false);
        let child = cmd.spawn().map_err(|source| Error::Spawn {
            what: name.to_owned(),
            source,
        })?;

        Ok(Self {
            name: name.to_owned(),
            child,
        })
    }

    /// The operating-system id of the process, or `None` once it has been reaped.
    pub fn id(&self) -> Option<u32> {
        self.child.id()
    }

    /// The name given at start.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The child, to take its piped output.
    pub fn child_mut(&mut self) -> &mut Child {
        &mut self.child
    }

    /// Whether the process is still running.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Stops the process now: SIGTERM, a grace period, then SIGKILL.
    pub fn stop(&mut self) {
        let Some(pid) = self.child.id() else { return };
        signal(pid, libc::SIGTERM);

        let deadline = Instant::now() + GRACE;
        while Instant::now() < deadline {
            if !matches!(self.child.try_wait(), Ok(None)) {
                return;
            }
            // Clean-up runs in Drop, where nothing can be awaited: poll the exit briefly.
            std::thread::sleep(Duration::from_millis(50));
        }
        signal(pid, libc::SIGKILL);
        let _ = self.child.start_kill();
        let _ = self.child.try_wait();
    }
}

impl Drop for ProcessGuard {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Sends `sig` to the process `pid`.
pub(crate) fn signal(pid: u32, sig: libc::c_int) {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return;
    };
    // SAFETY: kill(2) takes plain integers and touches no memory of ours; a stale pid only
    // makes it return ESRCH.
    unsafe {
        libc::kill(pid, sig);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn dropping_the_guard_ends_the_process() {
        let mut cmd = Command::new("sleep");
        cmd.arg("600");
        let guard = ProcessGuard::spawn("sleep", &mut cmd).expect("sleep is part of coreutils");
        let pid = guard.id().expect("a process just started has an id");
        drop(guard);

        let proc_dir = std::path::PathBuf::from(format!("/proc/{pid}"));
        assert!(
            !proc_dir.exists(),
            "the guard reaps its process on drop, so /proc/{pid} must be gone"
        );
    }

    #[tokio::test]
    async fn a_missing_program_is_a_spawn_error() {
        let mut cmd = Command::new("/nonexistent/labdesk-program");
        let err = ProcessGuard::spawn("nothing", &mut cmd).expect_err("the path does not exist");
        assert!(
            err.to_string().starts_with("could not start nothing"),
            "the message names the process: {err}"
        );
    }
}
