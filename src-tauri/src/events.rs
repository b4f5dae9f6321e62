//! What the console does with each desk event: passes it to the webview as the Tauri event
//! `desk-event`, keeps the live board in step, shows the notifications staff must see, and
//! updates the tray's count. One task does all of it, in the order the engine published.

use labdesk_core::DeskEvent;
use tauri::{AppHandle, Emitter, Manager, Runtime};
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::broadcast::Receiver;

use crate::desk::Desk;
use crate::live::LiveBoard;
use crate::{notify, tray};

/// The name of the Tauri event that carries each [`DeskEvent`] to the webview.
pub const DESK_EVENT: &str = "desk-event";

/// What the forwarding task does besides emitting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Effects {
    /// Show desktop notifications (off in tests without a desktop).
    pub notifications: bool,
    /// Keep the tray's tooltip up to date (there is a tray only on the real desktop).
    pub tray: bool,
}

/// Starts the task that handles every desk event from `events` until the engine stops.
pub fn forward<R: Runtime>(app: AppHandle<R>, mut events: Receiver<DeskEvent>, effects: Effects) {
    tauri::async_runtime::spawn(async move {
        loop {
            match events.recv().await {
                Ok(event) => handle(&app, &event, effects),
                Err(RecvError::Lagged(missed)) => {
                    // The board may be wrong now: read it again from the engine. The UI reloads
                    // its own state whenever it reloads; events alone are never its only source.
                    tracing::warn!(missed, "the console fell behind the desk events");
                    reload_board(&app, effects).await;
                }
                Err(RecvError::Closed) => break,
            }
        }
        tracing::debug!("desk events ended");
    });
}

/// Handles one event: emit, notify (judged against the board before the event), apply, count.
fn handle<R: Runtime>(app: &AppHandle<R>, event: &DeskEvent, effects: Effects) {
    if let Err(error) = app.emit(DESK_EVENT, event) {
        tracing::warn!(cause = %error, "could not pass a desk event to the console window");
    }
    let desk = app.state::<Desk>();
    let (notice, changed, live) = desk.with_live(|board| {
        let notice = notify::notice_for(event, board);
        let changed = board.apply(event);
        (notice, changed, board.len())
    });
    if let (true, Some(notice)) = (effects.notifications, notice) {
        notify::show(app, &notice);
    }
    if effects.tray && changed {
        tray::show_live_count(app, live);
    }
}

/// Reads the live sessions from the engine again after missed events.
async fn reload_board<R: Runtime>(app: &AppHandle<R>, effects: Effects) {
    let desk = app.state::<Desk>();
    match desk.engine().live_sessions().await {
        Ok(sessions) => {
            let live = desk.with_live(|board| {
                *board = LiveBoard::from_sessions(&sessions);
                board.len()
            });
            if effects.tray {
                tray::show_live_count(app, live);
            }
        }
        Err(error) => tracing::error!(cause = %error, "could not reload the live sessions"),
    }
}
