//! Desktop notifications for the front desk: which desk event deserves one and what it says,
//! and showing it through the notification plugin. The decision is a pure function of the event
//! and the live board, so it is tested without a desktop.

use labdesk_core::{DeskEvent, EndReason};
use tauri::{AppHandle, Runtime};
use tauri_plugin_notification::NotificationExt;

use crate::live::LiveBoard;

/// A notification to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// The headline.
    pub title: String,
    /// One or two plain sentences.
    pub body: String,
}

impl Notice {
    fn new(title: impl Into<String>, body: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            body: body.into(),
        }
    }
}

/// The notification `event` deserves, if any. `board` is the live board *before* the event is
/// applied, so that a PC going offline can be matched to the session it was running.
///
/// Only three things interrupt staff: a session expired, a PC went offline while a session was
/// running on it, and a clean-up freed PCs. Patron names never appear: the desk screen may face
/// the room.
pub fn notice_for(event: &DeskEvent, board: &LiveBoard) -> Option<Notice> {
    match event {
        DeskEvent::SessionEnded {
            pc,
            reason: EndReason::Expired,
            ..
        } => Some(Notice::new(
            format!("Session on {pc} expired"),
            format!("The time is up; {pc} is free again."),
        )),
        DeskEvent::PcOffline { pc } if board.booking_on(pc).is_some() => Some(Notice::new(
            format!("{pc} went offline"),
            format!("{pc} lost its connection during a session; check the PC."),
        )),
        DeskEvent::CleanedUp { report } if !report.freed.is_empty() => {
            let names: Vec<&str> = report.freed.iter().map(|freed| freed.pc.as_str()).collect();
            let count = names.len();
            let pcs = if count == 1 { "PC" } else { "PCs" };
            Some(Notice::new(
                format!("Clean-up freed {count} {pcs}"),
                format!("Now free: {}.", names.join(", ")),
            ))
        }
        _ => None,
    }
}

/// Shows `notice` on the desktop. A missing notification daemon is logged, never fatal.
pub fn show<R: Runtime>(app: &AppHandle<R>, notice: &Notice) {
    let shown = app
        .notification()
        .builder()
        .title(&notice.title)
        .body(&notice.body)
        .show();
    match shown {
        Ok(()) => tracing::debug!(title = %notice.title, "notification shown"),
        Err(error) => tracing::warn!(cause = %error, "could not show a desktop notification"),
    }
}

#[cfg(test)]
mod tests {
    use labdesk_core::{CleanUpReport, FreedPc};

    use super::*;
    use crate::live::tests::session;

    fn ended(reason: EndReason) -> DeskEvent {
        DeskEvent::SessionEnded {
            booking_id: 1,
            pc: "1-001".into(),
            reason,
        }
    }

    #[test]
    fn an_expired_session_is_announced_with_its_pc() {
        let board = LiveBoard::from_sessions(&[session(1, "1-001")]);
        let notice = notice_for(&ended(EndReason::Expired), &board).expect("expiry notifies");
        assert_eq!(notice.title, "Session on 1-001 expired");
        assert!(notice.body.contains("1-001 is free again"), "{notice:?}");
        assert!(
            !notice.body.contains("Ada"),
            "patron names stay off the screen"
        );
    }

    #[test]
    fn sessions_ended_by_people_are_not_announced() {
        let board = LiveBoard::from_sessions(&[session(1, "1-001")]);
        for reason in [
            EndReason::EndedByStaff,
            EndReason::EndedByUser,
            EndReason::Cancelled,
        ] {
            assert_eq!(
                notice_for(&ended(reason), &board),
                None,
                "{reason:?} needs no notice"
            );
        }
    }

    #[test]
    fn a_pc_going_offline_matters_only_during_a_session() {
        let board = LiveBoard::from_sessions(&[session(1, "1-001")]);
        let busy = DeskEvent::PcOffline { pc: "1-001".into() };
        let notice = notice_for(&busy, &board).expect("offline during a session notifies");
        assert_eq!(notice.title, "1-001 went offline");

        let idle = DeskEvent::PcOffline { pc: "1-002".into() };
        assert_eq!(
            notice_for(&idle, &board),
            None,
            "an idle PC may be switched off"
        );
    }

    #[test]
    fn clean_up_is_announced_only_when_it_freed_pcs() {
        let board = LiveBoard::default();
        let report = |freed: Vec<FreedPc>| DeskEvent::CleanedUp {
            report: CleanUpReport {
                freed,
                message: String::new(),
            },
        };
        assert_eq!(
            notice_for(&report(vec![]), &board),
            None,
            "nothing freed, nothing to say"
        );

        let one = notice_for(
            &report(vec![FreedPc {
                booking_id: 4,
                pc: "2-010".into(),
            }]),
            &board,
        )
        .expect("a freed PC notifies");
        assert_eq!(one.title, "Clean-up freed 1 PC");
        assert_eq!(one.body, "Now free: 2-010.");

        let two = notice_for(
            &report(vec![
                FreedPc {
                    booking_id: 4,
                    pc: "2-010".into(),
                },
                FreedPc {
                    booking_id: 5,
                    pc: "2-011".into(),
                },
            ]),
            &board,
        )
        .expect("freed PCs notify");
        assert_eq!(two.title, "Clean-up freed 2 PCs");
        assert_eq!(two.body, "Now free: 2-010, 2-011.");
    }

    #[test]
    fn routine_events_stay_quiet() {
        let board = LiveBoard::default();
        let quiet = [
            DeskEvent::SessionStarted {
                session: session(1, "1-001"),
            },
            DeskEvent::PcOnline { pc: "1-001".into() },
            DeskEvent::SessionWarned {
                booking_id: 1,
                pc: "1-001".into(),
                minutes_left: 5,
            },
        ];
        for event in quiet {
            assert_eq!(
                notice_for(&event, &board),
                None,
                "{event:?} needs no notice"
            );
        }
    }
}
