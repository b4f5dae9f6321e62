//! Proof that a desktop notification was delivered: `dbus-monitor` watches the session bus
//! for `Notify` calls to the notification daemon, and the test waits for one with its text.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use tokio::process::Command;

use crate::error::{Error, Result};
use crate::lines::LineReader;
use crate::process::ProcessGuard;

/// The bus match rule for notification requests.
const NOTIFY_RULE: &str = "interface='org.freedesktop.Notifications',member='Notify'";

/// A running `dbus-monitor` on the session bus, ended when dropped.
#[derive(Debug)]
pub struct NotificationWatch {
    lines: LineReader,
    // Declared last so that the reader's task sees the end of output only after it is gone.
    _process: ProcessGuard,
}

impl NotificationWatch {
    /// Starts `dbus-monitor` and waits (up to `limit`) until it is listening on the bus, so
    /// that nothing sent afterwards is missed. Its output is copied to `log`.
    ///
    /// # Errors
    /// [`Error::Spawn`] when it cannot start, [`Error::Timeout`] or [`Error::Closed`] when it
    /// never reports being connected (no session bus).
    pub async fn start(dbus_monitor: &Path, log: &Path, limit: Duration) -> Result<Self> {
        let mut cmd = Command::new(dbus_monitor);
        cmd.arg("--session")
            .arg(NOTIFY_RULE)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        let mut process = ProcessGuard::spawn("dbus-monitor", &mut cmd)?;
        let out =
            process.child_mut().stdout.take().ok_or_else(|| {
                Error::Unexpected("dbus-monitor's output was not piped".to_owned())
            })?;
        let mut lines = LineReader::attach("dbus-monitor", out, log).await?;

        // Once connected, the bus greets the monitor with NameAcquired.
        lines
            .wait_for("the bus's NameAcquired greeting", limit, |l| {
                l.contains("member=NameAcquired")
            })
            .await?;

        Ok(Self {
            lines,
            _process: process,
        })
    }

    /// Waits up to `limit` for a `Notify` call whose arguments contain every one of `texts`,
    /// and returns the whole call as dbus-monitor printed it.
    ///
    /// # Errors
    /// [`Error::Timeout`] when no such call is seen in time.
    pub async fn wait_for_notify(&mut self, texts: &[&str], limit: Duration) -> Result<String> {
        // Calls seen before this wait count too: the notification may come before the test
        // asks for it.
        self.lines.take_ready();
        if let Some(call) = find_notify(self.lines.seen(), texts) {
            return Ok(call);
        }

        let awaited = format!("a Notify call containing {texts:?}");
        let mut all = self.lines.seen().to_vec();
        self.lines
            .wait_for(&awaited, limit, |line| {
                all.push(line.to_owned());
                find_notify(&all, texts).is_some()
            })
            .await?;

        find_notify(&all, texts)
            .ok_or_else(|| Error::Unexpected("the matched Notify call vanished".to_owned()))
    }
}

/// The first `Notify` method call among `lines` whose argument lines contain every one of
/// `texts`, joined with newlines.
pub fn find_notify(lines: &[String], texts: &[&str]) -> Option<String> {
    let mut calls: Vec<Vec<&str>> = Vec::new();
    for line in lines {
        if !line.starts_with(char::is_whitespace) {
            calls.push(Vec::new());
        }
        if let Some(call) = calls.last_mut() {
            call.push(line);
        }
    }

    calls
        .into_iter()
        .find(|call| {
            let is_notify = call.first().is_some_and(|head| {
                head.starts_with("method call") && head.contains("member=Notify")
            });
            let body = call[1..].join("\n");
            is_notify && texts.iter().all(|t| body.contains(t))
        })
        .map(|call| call.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn monitor_output() -> Vec<String> {
        [
            "signal time=1.0 sender=org.freedesktop.DBus -> destination=:1.3 serial=2 \
             path=/org/freedesktop/DBus; interface=org.freedesktop.DBus; member=NameAcquired",
            "   string \":1.3\"",
            "method call time=2.0 sender=:1.9 -> destination=:1.4 serial=7 \
             path=/org/freedesktop/Notifications; interface=org.freedesktop.Notifications; \
             member=Notify",
            "   string \"labdesk\"",
            "   uint32 0",
            "   string \"\"",
            "   string \"Session ended\"",
            "   string \"1-002: time is up\"",
        ]
        .map(str::to_owned)
        .to_vec()
    }

    #[test]
    fn a_notify_call_is_found_by_its_texts() {
        let lines = monitor_output();
        let call = find_notify(&lines, &["Session ended", "1-002"]).expect("the call is there");
        assert!(
            call.starts_with("method call"),
            "the whole call is returned: {call}"
        );
        assert!(
            call.contains("time is up"),
            "with every argument line: {call}"
        );
    }

    #[test]
    fn texts_outside_a_notify_call_do_not_count() {
        let lines = monitor_output();
        assert!(
            find_notify(&lines, &[":1.3"]).is_none(),
            "the NameAcquired signal is not a notification"
        );
        assert!(
            find_notify(&lines, &["Session ended", "1-003"]).is_none(),
            "every text must be in the same call"
        );
    }
}
