//! `labdesk`, the desk console: a Tauri v2 shell around the same engine and PC link as the
//! headless desk. One process owns the store, the scheduler and the WebSocket server; the window
//! and the tray are views on it.
//!
//! - [`desk`]: starts and stops the engine, scheduler and PC link; who is signed in.
//! - [`commands`]: the console's commands, each one engine call; [`error`]: their one error.
//! - [`events`]: desk events to the webview, the tray count and notifications ([`notify`]).
//! - [`tray`]: the tray icon and its menu; [`settings`]: `settings.json`; [`logs`]: log files.
//! - [`demo`]: `labdesk --demo`; [`cli`]: the command line.
//!
//! [`configure`] sets up any runtime's builder, so the tests drive the very same app on Tauri's
//! mock runtime that [`main`] runs on the real one.

mod cli;
pub mod commands;
mod demo;
pub mod desk;
mod desk_file;
pub mod error;
mod events;
mod live;
mod logs;
mod notify;
pub mod settings;
pub mod tray;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, Mutex, PoisonError};

use labdesk_core::{Clock, SystemClock};
use labdesk_link::LinkConfig;
use tauri::{AppHandle, Builder, Manager, RunEvent, Runtime, WindowEvent};

pub use cli::{Leads, Options};
pub use desk::{Desk, DeskConfig};
pub use error::CommandError;
pub use events::DESK_EVENT;

/// How to launch the console.
pub struct Launch {
    /// The command line.
    pub options: Options,
    /// The clock the engine reads.
    pub clock: Arc<dyn Clock>,
    /// The PC link's time-outs and heartbeats.
    pub link: LinkConfig,
    /// The real desktop: log files, tray, notifications, and closing the window hides it.
    /// Off in tests on the mock runtime, which has no desktop.
    pub desktop: bool,
}

/// Where the console window's web engine keeps its own data (cache, storage): inside the
/// `--data-dir` (or demo folder) when one is given, so that such runs share nothing with the
/// desk on the default store; `None` for the default folders.
struct WebviewFolder(Option<PathBuf>);

/// Things kept until the app exits and then let go of explicitly (Tauri ends the process
/// without running destructors).
#[derive(Default)]
struct ExitGuards {
    logs: Option<logs::LogGuard>,
    demo_dir: Option<tempfile::TempDir>,
}

/// Sets up `builder` for any runtime: the notification plugin, the console's commands, closing
/// to the tray, and the `desk` plugin, which starts the desk while the app is built (so that
/// `build` fails with the reason when the desk cannot start) and stops it when the app exits.
pub fn configure<R: Runtime>(builder: Builder<R>, launch: Launch) -> Builder<R> {
    let desktop = launch.desktop;
    builder
        .plugin(tauri_plugin_notification::init())
        .invoke_handler(tauri::generate_handler![
            commands::desk_status,
            commands::create_admin,
            commands::sign_in,
            commands::sign_out,
            commands::live_sessions,
            commands::list_pcs,
            commands::list_users,
            commands::start_session,
            commands::book_session,
            commands::extend_session,
            commands::end_session,
            commands::clean_up,
            commands::add_pc,
            commands::import_pcs,
            commands::set_pc_condition,
            commands::audit,
            commands::get_settings,
            commands::save_settings,
        ])
        .on_window_event(move |window, event| {
            if let (true, WindowEvent::CloseRequested { api, .. }) = (desktop, event) {
                // The desk keeps running in the tray; Quit in the tray menu ends it.
                api.prevent_close();
                if let Err(error) = window.hide() {
                    tracing::warn!(cause = %error, "could not hide the console window");
                }
            }
        })
        .setup(move |app| {
            // The mock runtime of the tests has no event loop to run this; they open their
            // own window.
            if desktop {
                open_console_window(app)?;
            }
            Ok(())
        })
        .plugin(
            tauri::plugin::Builder::<R>::new("desk")
                .setup(move |app, _api| {
                    start(app, launch)?;
                    Ok(())
                })
                .on_event(|app, event| {
                    if let RunEvent::Exit = event {
                        stop(app);
                    }
                })
                .build(),
        )
}

/// Starts everything: folders, logs, the desk, the demo, the event task and the tray.
fn start<R: Runtime>(app: &AppHandle<R>, launch: Launch) -> anyhow::Result<()> {
    let Launch {
        mut options,
        clock,
        link,
        desktop,
    } = launch;
    let mut guards = ExitGuards::default();
    if options.demo {
        let dir = tempfile::Builder::new().prefix("labdesk-demo-").tempdir()?;
        options = demo::options(&options, dir.path());
        guards.demo_dir = Some(dir);
    }
    let (data_dir, config_dir, log_dir) = folders(app, &options)?;
    if desktop {
        match logs::start(&log_dir) {
            Ok(guard) => guards.logs = Some(guard),
            Err(error) => eprintln!("labdesk: logging to files is off: {error}"),
        }
    }

    let webview_dir = options.data_dir.as_ref().map(|dir| dir.join("webview"));
    app.manage(WebviewFolder(webview_dir));
    let demo = options.demo;
    let config = DeskConfig {
        data_dir,
        config_dir,
        options,
        clock,
        link,
    };
    let desk = tauri::async_runtime::block_on(Desk::start(config))?;
    if demo {
        tauri::async_runtime::block_on(demo::populate(&desk))?;
    }
    let events = desk.take_events();
    app.manage(desk);
    app.manage(Mutex::new(guards));

    let effects = events::Effects {
        notifications: desktop,
        tray: desktop,
    };
    if let Some(events) = events {
        events::forward(app.clone(), events, effects);
    }
    if desktop {
        tray::create(app)?;
        watch_signals(app.clone());
    }
    Ok(())
}

/// Opens the console window from its configuration (`tauri.conf.json` leaves it to us), with
/// the web engine's data in the right folder.
fn open_console_window<R: Runtime>(app: &tauri::App<R>) -> tauri::Result<()> {
    let Some(config) = app
        .config()
        .app
        .windows
        .iter()
        .find(|w| w.label == tray::MAIN_WINDOW)
    else {
        return Err(tauri::Error::WindowNotFound);
    };
    let mut window = tauri::WebviewWindowBuilder::from_config(app.handle(), config)?;
    if let Some(dir) = &app.state::<WebviewFolder>().0 {
        window = window.data_directory(dir.clone());
    }
    window.build()?;
    Ok(())
}

/// The data, config and log folders: all in `--data-dir` when given, else the app's own.
fn folders<R: Runtime>(
    app: &AppHandle<R>,
    options: &Options,
) -> tauri::Result<(PathBuf, PathBuf, PathBuf)> {
    if let Some(dir) = &options.data_dir {
        return Ok((dir.clone(), dir.clone(), dir.join("logs")));
    }
    let paths = app.path();
    Ok((
        paths.app_data_dir()?,
        paths.app_config_dir()?,
        paths.app_log_dir()?,
    ))
}

/// Exits cleanly (close frames to every PC) on SIGINT or SIGTERM, as on Quit.
fn watch_signals<R: Runtime>(app: AppHandle<R>) {
    tauri::async_runtime::spawn(async move {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            let Ok(mut term) = signal(SignalKind::terminate()) else {
                tracing::warn!("cannot watch SIGTERM; only Quit stops the desk cleanly");
                return;
            };
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
        }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("stopping on a signal");
        app.exit(0);
    });
}

/// Shuts the desk down (close frames to every PC, store closed), removes a demo store and
/// flushes the log file. Runs when the app exits; tests call it to end an app they built.
/// Safe to call more than once.
pub fn stop<R: Runtime>(app: &AppHandle<R>) {
    if let Some(desk) = app.try_state::<Desk>() {
        tauri::async_runtime::block_on(desk.shutdown());
    }
    if let Some(guards) = app.try_state::<Mutex<ExitGuards>>() {
        let guards = std::mem::take(&mut *guards.lock().unwrap_or_else(PoisonError::into_inner));
        if let Some(dir) = guards.demo_dir {
            if let Err(error) = dir.close() {
                eprintln!("labdesk: could not remove the demo store: {error}");
            }
        }
        drop(guards.logs); // flushes the log file
    }
}

/// The console's Tauri context (configuration, embedded UI, icons, access control), for any
/// runtime.
pub fn context<R: Runtime>() -> tauri::Context<R> {
    tauri::generate_context!()
}

/// Runs the desk console; the `labdesk` binary's whole `main`.
pub fn main() -> ExitCode {
    use clap::Parser;
    let options = Options::parse();
    let mut builder = tauri::Builder::default();
    if options.uses_default_store() {
        // Only the desk on the default store is "the" desk of this user; a test or demo run
        // with its own folder may run beside it.
        builder = builder.plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            tracing::info!("labdesk was started again; bringing the running console forward");
            tray::show_console(app);
        }));
    }
    let launch = Launch {
        options,
        clock: Arc::new(SystemClock),
        link: LinkConfig::default(),
        desktop: true,
    };
    let app = match configure(builder, launch).build(context()) {
        Ok(app) => app,
        Err(error) => {
            eprintln!("labdesk could not start: {error}");
            return ExitCode::FAILURE;
        }
    };
    // The desk plugin stops the desk when the app exits.
    app.run(|_, _| {});
    ExitCode::SUCCESS
}
