//! The tray icon that keeps the desk reachable while its window is hidden: a menu with Show
//! console, Clean up now and Quit, and a tooltip with the number of live sessions. What each menu
//! item does is decided by [`run_action`], which tests call directly (a headless screen has no
//! tray host to click in).

use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::{MouseButton, MouseButtonState, TrayIconBuilder, TrayIconEvent};
use tauri::{AppHandle, Manager, Runtime};

use crate::desk::Desk;
use crate::notify::{self, Notice};

/// The tray icon's id.
pub const TRAY_ID: &str = "labdesk";

/// The label of the console window.
pub const MAIN_WINDOW: &str = "main";

/// A tray menu item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrayAction {
    /// Show and focus the console window.
    ShowConsole,
    /// Run the engine's clean-up as the signed-in user.
    CleanUp,
    /// Shut the desk down cleanly and exit.
    Quit,
}

impl TrayAction {
    /// Every item, in menu order.
    pub const ALL: [TrayAction; 3] = [TrayAction::ShowConsole, TrayAction::CleanUp, Self::Quit];

    /// The menu item's id.
    pub fn id(self) -> &'static str {
        match self {
            TrayAction::ShowConsole => "show-console",
            TrayAction::CleanUp => "clean-up",
            TrayAction::Quit => "quit",
        }
    }

    /// The menu item's label.
    pub fn label(self) -> &'static str {
        match self {
            TrayAction::ShowConsole => "Show console",
            TrayAction::CleanUp => "Clean up now",
            TrayAction::Quit => "Quit",
        }
    }

    /// The item with menu id `id`, if it is one of ours.
    pub fn from_id(id: &str) -> Option<TrayAction> {
        Self::ALL.into_iter().find(|action| action.id() == id)
    }
}

/// What the app must do after a menu item ran.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TrayOutcome {
    /// Show and focus the console window.
    pub show_console: bool,
    /// Tell staff something.
    pub notice: Option<Notice>,
    /// The desk is shut down: exit the app.
    pub quit: bool,
}

/// The tooltip for `live` live sessions.
pub fn tooltip(live: usize) -> String {
    match live {
        1 => "Labdesk — 1 live session".to_owned(),
        n => format!("Labdesk — {n} live sessions"),
    }
}

/// Runs one menu item against the desk. Clean-up acts as the signed-in user; with nobody
/// signed in it opens the console instead and says why. A clean-up that freed PCs is announced
/// by its desk event, so only "nothing was due" and failures are told here.
pub async fn run_action(action: TrayAction, desk: &Desk) -> TrayOutcome {
    match action {
        TrayAction::ShowConsole => TrayOutcome {
            show_console: true,
            ..TrayOutcome::default()
        },
        TrayAction::Quit => {
            desk.shutdown().await;
            TrayOutcome {
                quit: true,
                ..TrayOutcome::default()
            }
        }
        TrayAction::CleanUp => {
            let actor = match desk.actor() {
                Ok(actor) => actor,
                Err(_) => {
                    return TrayOutcome {
                        show_console: true,
                        notice: Some(Notice {
                            title: "Sign in to clean up".into(),
                            body: "Sign in at the console as staff, then choose Clean up now."
                                .into(),
                        }),
                        quit: false,
                    }
                }
            };
            let notice = match desk.engine().clean_up(&actor).await {
                Ok(report) if report.freed.is_empty() => Some(Notice {
                    title: "Clean-up: nothing was due".into(),
                    body: report.message,
                }),
                Ok(_) => None,
                Err(error) => Some(Notice {
                    title: "Clean-up failed".into(),
                    body: error.to_string(),
                }),
            };
            TrayOutcome {
                notice,
                ..TrayOutcome::default()
            }
        }
    }
}

/// Creates the tray icon with its menu; left click shows the console.
///
/// # Errors
/// The menu or icon could not be made.
pub fn create<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<()> {
    let items = TrayAction::ALL
        .into_iter()
        .map(|action| MenuItem::with_id(app, action.id(), action.label(), true, None::<&str>))
        .collect::<tauri::Result<Vec<_>>>()?;
    let separator = PredefinedMenuItem::separator(app)?;
    let menu = Menu::with_items(app, &[&items[0], &items[1], &separator, &items[2]])?;

    let live = app.state::<Desk>().with_live(|board| board.len());
    let mut builder = TrayIconBuilder::with_id(TRAY_ID)
        .tooltip(tooltip(live))
        .menu(&menu)
        .show_menu_on_left_click(false)
        .on_menu_event(|app, event| {
            if let Some(action) = TrayAction::from_id(event.id().as_ref()) {
                perform(app.clone(), action);
            }
        })
        .on_tray_icon_event(|tray, event| {
            if let TrayIconEvent::Click {
                button: MouseButton::Left,
                button_state: MouseButtonState::Up,
                ..
            } = event
            {
                show_console(tray.app_handle());
            }
        });
    if let Some(icon) = app.default_window_icon() {
        builder = builder.icon(icon.clone());
    }
    builder.build(app)?;
    Ok(())
}

/// Runs `action` off the UI thread and applies its outcome.
pub fn perform<R: Runtime>(app: AppHandle<R>, action: TrayAction) {
    tauri::async_runtime::spawn(async move {
        let outcome = run_action(action, &app.state::<Desk>()).await;
        if outcome.show_console {
            show_console(&app);
        }
        if let Some(notice) = &outcome.notice {
            notify::show(&app, notice);
        }
        if outcome.quit {
            app.exit(0);
        }
    });
}

/// Shows, unminimises and focuses the console window.
pub fn show_console<R: Runtime>(app: &AppHandle<R>) {
    if let Some(window) = app.get_webview_window(MAIN_WINDOW) {
        let shown = window
            .show()
            .and_then(|()| window.unminimize())
            .and_then(|()| window.set_focus());
        if let Err(error) = shown {
            tracing::warn!(cause = %error, "could not bring the console window forward");
        }
    }
}

/// Puts the number of live sessions in the tray's tooltip.
pub fn show_live_count<R: Runtime>(app: &AppHandle<R>, live: usize) {
    if let Some(tray) = app.tray_by_id(TRAY_ID) {
        if let Err(error) = tray.set_tooltip(Some(tooltip(live))) {
            tracing::warn!(cause = %error, "could not update the tray tooltip");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tooltip_counts_live_sessions() {
        assert_eq!(tooltip(0), "Labdesk — 0 live sessions");
        assert_eq!(tooltip(1), "Labdesk — 1 live session");
        assert_eq!(tooltip(12), "Labdesk — 12 live sessions");
    }

    #[test]
    fn menu_ids_map_back_to_their_items() {
        for action in TrayAction::ALL {
            assert_eq!(TrayAction::from_id(action.id()), Some(action));
        }
        assert_eq!(
            TrayAction::from_id("something-else"),
            None,
            "foreign ids are ignored"
        );
        let labels: Vec<_> = TrayAction::ALL
            .iter()
            .map(|action| action.label())
            .collect();
        assert_eq!(labels, ["Show console", "Clean up now", "Quit"]);
    }
}
