//! Desktop notifications for the patron at the PC: freedesktop notifications over the session
//! D-Bus.
//!
//! A notification that cannot be shown (no session bus, no notification daemon) is logged and
//! never stops the agent: the link to the desk matters more than the popup.

use labdesk_proto::EndReason;
use tokio::task::JoinHandle;

/// The application name the notification daemon shows.
const APP_NAME: &str = "Labdesk";

/// One popup: a title line and a body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// The title line.
    pub summary: String,
    /// The text under it.
    pub body: String,
    /// Whether the daemon should keep it on screen until the patron dismisses it.
    pub sticky: bool,
}

impl Note {
    /// The popup for a `session_warning` carrying the desk's text.
    pub fn warning(message: &str) -> Self {
        Self {
            summary: "Session ending soon".to_owned(),
            body: format!("{message}. Save your work."),
            sticky: true,
        }
    }

    /// The popup for a `session_ended`.
    pub fn ended(reason: EndReason) -> Self {
        let why = match reason {
            EndReason::Expired => "Your time is up.",
            EndReason::EndedByStaff => "Staff ended your session.",
            EndReason::EndedByUser => "You ended your session.",
            EndReason::Cancelled => "Your booking was cancelled.",
        };
        Self {
            summary: "Session ended".to_owned(),
            body: format!("{why} Thank you for using this PC."),
            sticky: false,
        }
    }
}

/// Shows notes on the desktop, or only logs them when turned off.
#[derive(Debug, Clone, Copy)]
pub struct Notifier {
    enabled: bool,
}

impl Notifier {
    /// A notifier that shows popups when `enabled`, and only logs otherwise.
    pub fn new(enabled: bool) -> Self {
        Self { enabled }
    }

    /// Shows `note` without blocking the caller; the returned task ends once the daemon
    /// answered (or the attempt failed, which is logged).
    pub fn show(&self, note: Note) -> JoinHandle<()> {
        let enabled = self.enabled;
        // The D-Bus call blocks until the daemon answers; keep it off the socket's task.
        tokio::task::spawn_blocking(move || {
            if !enabled {
                tracing::debug!(summary = %note.summary, "notifications are off; not shown");
                return;
            }
            match send(&note) {
                Ok(()) => tracing::debug!(summary = %note.summary, "notification shown"),
                Err(err) => tracing::warn!(
                    summary = %note.summary,
                    cause = %err,
                    "could not show a desktop notification; is a notification daemon running?"
                ),
            }
        })
    }
}

fn send(note: &Note) -> Result<(), notify_rust::error::Error> {
    let timeout = if note.sticky {
        notify_rust::Timeout::Never
    } else {
        notify_rust::Timeout::Default
    };
    notify_rust::Notification::new()
        .appname(APP_NAME)
        .summary(&note.summary)
        .body(&note.body)
        .timeout(timeout)
        .show()?;

    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warning_note_carries_the_desk_text() {
        let note = Note::warning("Session ends in 5 min");
        assert_eq!(note.body, "Session ends in 5 min. Save your work.");
        assert!(note.sticky, "a warning stays until the patron saw it");
    }

    #[test]
    fn ended_note_says_why() {
        assert!(Note::ended(EndReason::Expired).body.contains("time is up"));
        assert!(Note::ended(EndReason::EndedByStaff).body.contains("Staff"));
        assert!(!Note::ended(EndReason::Cancelled).sticky);
    }
}
