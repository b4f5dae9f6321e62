//! Signing in at the console: the first admin, wrong passwords, patrons, signing out, and what
//! the console refuses to anyone not signed in.

use serde_json::{json, Value};

use crate::harness::{invoke_in, Console, ADMIN};

#[test]
fn a_new_desk_asks_for_its_first_admin() {
    let console = Console::new();
    let status: Value = console.call("desk_status", json!({}));
    assert_eq!(status["needs_admin"], true, "a new store has no admin");
    assert_eq!(status["user"], Value::Null, "nobody is signed in at start");
    let listen = status["listen"].as_str().expect("the listen address");
    assert!(
        listen.starts_with("127.0.0.1:") && !listen.ends_with(":0"),
        "{listen}"
    );
    assert!(
        status["agent_url"]
            .as_str()
            .unwrap()
            .starts_with("ws://127.0.0.1:"),
        "{status}"
    );

    console.sign_in_as_admin();
    let status: Value = console.call("desk_status", json!({}));
    assert_eq!(status["needs_admin"], false, "the admin exists now");
    assert_eq!(status["user"]["username"], ADMIN.0, "create_admin signs in");
}

#[test]
fn only_one_first_admin_can_be_created() {
    let console = Console::new();
    console.sign_in_as_admin();
    let error = console.refused(
        "create_admin",
        json!({"username": "intruder", "password": "another long password"}),
    );
    assert_eq!(
        error.code, 409,
        "a second first admin is a conflict: {error:?}"
    );
    let users: Vec<Value> = console.call("list_users", json!({}));
    assert_eq!(users.len(), 1, "no user was added: {users:?}");
}

#[test]
fn wrong_credentials_are_refused_with_401() {
    let console = Console::new();
    let error = console.refused("sign_in", json!({"username": "nobody", "password": "x"}));
    assert_eq!(error.code, 401, "no such user: {error:?}");

    console.sign_in_as_admin();
    console.call::<Value>("sign_out", json!({}));
    let error = console.refused(
        "sign_in",
        json!({"username": ADMIN.0, "password": "wrong password"}),
    );
    assert_eq!(error.code, 401, "wrong password: {error:?}");
    assert!(
        error.message.contains("wrong username or password"),
        "{error:?}"
    );
    let status: Value = console.call("desk_status", json!({}));
    assert_eq!(
        status["user"],
        Value::Null,
        "a failed sign-in signs nobody in"
    );

    let user: Value = console.call("sign_in", json!({"username": ADMIN.0, "password": ADMIN.1}));
    assert_eq!(user["username"], ADMIN.0, "the right password signs in");
}

#[test]
fn patrons_cannot_sign_in_at_the_console() {
    let console = Console::new();
    console.with_two_pcs();
    console.call::<Value>(
        "start_session",
        json!({"pc": "1-001", "user": "walkin", "minutes": 30, "createPatron": true}),
    );
    console.call::<Value>("sign_out", json!({}));
    let error = console.refused("sign_in", json!({"username": "walkin", "password": ""}));
    assert_eq!(
        error.code, 401,
        "a patron has no console password: {error:?}"
    );
}

#[test]
fn nothing_is_served_to_a_signed_out_console() {
    let console = Console::new();
    console.with_two_pcs();
    console.call::<Value>("sign_out", json!({}));
    let calls = [
        ("live_sessions", json!({})),
        ("list_pcs", json!({})),
        ("list_users", json!({})),
        ("clean_up", json!({})),
        ("end_session", json!({"bookingId": 1})),
        ("audit", json!({"limit": 10})),
        ("get_settings", json!({})),
        (
            "start_session",
            json!({"pc": "1-001", "user": "x", "minutes": 5, "createPatron": true}),
        ),
    ];
    for (command, args) in calls {
        let error = console.refused(command, args);
        assert_eq!(
            error.code, 401,
            "{command} needs a signed-in user: {error:?}"
        );
        assert!(error.message.contains("sign in"), "{command}: {error:?}");
    }
    let users = tauri::async_runtime::block_on(console.desk().engine().list_users()).unwrap();
    assert_eq!(
        users.len(),
        1,
        "no walk-in patron was created while signed out"
    );
}

#[test]
fn commands_from_a_foreign_origin_are_refused() {
    let console = Console::new();
    let refused = console.invoke_from("desk_status", json!({}), "https://example.invalid");
    let error = refused.expect_err("a page from elsewhere may not call the desk");
    assert_eq!(
        error.code, 0,
        "Tauri refuses it before any command runs: {error:?}"
    );
}

#[test]
fn only_the_console_window_may_call_the_console_commands() {
    let console = Console::new();
    let other = console.open_window("other");
    let refused = invoke_in(&other, "desk_status", json!({}), "tauri://localhost");
    let error = refused.expect_err("the capability grants the commands to the main window only");
    assert!(
        error.message.contains("not allowed"),
        "refused by access control: {error:?}"
    );
    let allowed = console.invoke("desk_status", json!({}));
    assert!(allowed.is_ok(), "the console window may: {allowed:?}");
}
