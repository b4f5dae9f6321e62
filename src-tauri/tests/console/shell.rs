//! The shell around the commands: the tray menu's actions, a clean quit that closes every PC
//! connection with a close frame, `desk.json` for local tools, and the demo desk.

use futures_util::{SinkExt, StreamExt};
use labdesk_app::tray::{run_action, TrayAction};
use labdesk_core::DeskEvent;
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::Message;

use crate::harness::{Console, PATIENCE};

#[test]
fn tray_clean_up_asks_a_signed_out_desk_to_sign_in() {
    let console = Console::new();
    let outcome = tauri::async_runtime::block_on(run_action(TrayAction::CleanUp, &console.desk()));
    assert!(
        outcome.show_console,
        "the console opens so that staff can sign in"
    );
    let notice = outcome.notice.expect("staff are told why nothing happened");
    assert_eq!(notice.title, "Sign in to clean up");
    assert!(!outcome.quit);
}

#[test]
fn tray_clean_up_runs_as_the_signed_in_user() {
    let console = Console::new();
    console.sign_in_as_admin();
    let outcome = tauri::async_runtime::block_on(run_action(TrayAction::CleanUp, &console.desk()));
    assert!(
        !outcome.show_console,
        "a clean-up from the tray stays in the tray"
    );
    let notice = outcome
        .notice
        .expect("nothing due is said in a notification");
    assert_eq!(notice.title, "Clean-up: nothing was due");
    let audit: Vec<Value> = console.call("audit", json!({"limit": 1}));
    assert_eq!(
        audit[0]["actor"], "admin",
        "the clean-up is on record as the signed-in user"
    );
}

#[test]
fn tray_show_console_only_shows_the_window() {
    let console = Console::new();
    let outcome =
        tauri::async_runtime::block_on(run_action(TrayAction::ShowConsole, &console.desk()));
    assert!(
        outcome.show_console && outcome.notice.is_none() && !outcome.quit,
        "{outcome:?}"
    );
}

#[test]
fn quit_closes_every_pc_connection_with_a_close_frame() {
    let console = Console::new();
    let pcs = console.with_two_pcs();
    let (pc, token) = pcs[0].clone();
    let url = format!("ws://{}/pc", console.desk().listen());
    let mut events = console.desk().engine().subscribe();

    let mut socket = tauri::async_runtime::block_on(async {
        let (mut socket, _) = tokio_tungstenite::connect_async(url)
            .await
            .expect("the desk listens");
        let hello = json!({"type": "hello", "pc": pc, "token": token});
        socket.send(Message::text(hello.to_string())).await.unwrap();
        socket
    });
    console.wait_for_engine(
        &mut events,
        "the PC coming online",
        |event| matches!(event, DeskEvent::PcOnline { pc: name } if *name == pc),
    );

    let outcome = tauri::async_runtime::block_on(run_action(TrayAction::Quit, &console.desk()));
    assert!(outcome.quit, "quit ends the app after the desk stopped");
    let close = tauri::async_runtime::block_on(async {
        tokio::time::timeout(PATIENCE, async {
            while let Some(message) = socket.next().await {
                if let Ok(Message::Close(frame)) = message {
                    return frame;
                }
            }
            None
        })
        .await
        .expect("the desk closes the connection at once")
    });
    let frame = close.expect("the desk says goodbye with a close frame, not a dropped socket");
    assert_eq!(frame.code, CloseCode::Away, "1001: the desk is going away");
}

#[test]
fn desk_json_lets_local_tools_act_as_admin() {
    let console = Console::new();
    let file = console.dir.path().join("desk.json");
    assert!(
        !file.exists(),
        "no admin yet, so no admin token to hand out"
    );

    console.sign_in_as_admin();
    let text = std::fs::read_to_string(&file).expect("create_admin writes desk.json");
    let desk: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(desk["url"], format!("ws://{}", console.desk().listen()));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the token is readable by its owner only");
    }
    let token = desk["token"].as_str().expect("a token");
    let engine = console.desk().engine().clone();
    let user = tauri::async_runtime::block_on(engine.authenticate_token(token)).unwrap();
    assert_eq!(
        user.role,
        labdesk_core::Role::Admin,
        "the token acts as an admin"
    );
}

#[test]
fn the_demo_desk_runs_sessions_on_connected_simulated_pcs() {
    let console = Console::with_options(|options| {
        options.data_dir = None;
        options.listen = None;
        options.warn_before = None;
        options.demo = true;
    });
    let status: Value = console.call("desk_status", json!({}));
    assert_eq!(
        status["user"]["username"], "demo",
        "the demo signs in as its staff user"
    );
    assert!(
        status["listen"].as_str().unwrap().starts_with("127.0.0.1:"),
        "loopback only"
    );

    let sessions: Vec<Value> = console.call("live_sessions", json!({}));
    assert_eq!(sessions.len(), 4, "four short sessions run: {sessions:?}");
    let pcs: Vec<Value> = console.call("list_pcs", json!({}));
    assert_eq!(pcs.len(), 161, "every station of the fixture is imported");
    let in_force = console.desk().settings_in_force().clone();
    assert_eq!(
        in_force.warning_leads_secs,
        vec![60],
        "a one-minute warning lead"
    );

    // The simulated PCs connect as real WebSocket clients and acknowledge their warnings: the
    // first session (65 s) is inside its one-minute lead once the clock moves 10 s on.
    let mut events = console.desk().engine().subscribe();
    console.clock.advance(chrono::Duration::seconds(10));
    let soonest = sessions
        .iter()
        .min_by_key(|s| s["end_time"].as_str().unwrap().to_owned());
    let first = soonest.unwrap()["booking_id"].as_i64().unwrap();
    console.wait_for_engine(
        &mut events,
        "the first demo session's acknowledged warning",
        |e| matches!(e, DeskEvent::SessionWarned { booking_id, .. } if *booking_id == first),
    );
}
