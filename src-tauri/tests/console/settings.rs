//! The settings screen's commands: defaults, a good save, refused values that leave the file as
//! it was, and admins only.

use serde_json::{json, Value};

use crate::harness::Console;

fn good() -> Value {
    json!({"listen": "0.0.0.0:7701", "warning_leads_secs": [60, 300], "time_zone": "Europe/Berlin"})
}

#[test]
fn settings_start_from_the_defaults_and_save_in_stored_form() {
    let console = Console::new();
    console.sign_in_as_admin();
    let settings: Value = console.call("get_settings", json!({}));
    assert_eq!(
        settings["listen"], "0.0.0.0:7700",
        "the default port is 7700: {settings}"
    );
    assert_eq!(
        settings["warning_leads_secs"],
        json!([300]),
        "five minutes by default"
    );

    let saved: Value = console.call("save_settings", json!({"settings": good()}));
    assert_eq!(
        saved["warning_leads_secs"],
        json!([300, 60]),
        "leads are kept longest first"
    );
    let read: Value = console.call("get_settings", json!({}));
    assert_eq!(read, saved, "get_settings reads what save_settings stored");
    let file = console.dir.path().join("settings.json");
    let on_disk: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    assert_eq!(
        on_disk, saved,
        "the file in the config folder holds the settings"
    );
}

#[test]
fn bad_settings_are_refused_with_400_and_the_file_is_unchanged() {
    let console = Console::new();
    console.sign_in_as_admin();
    console.call::<Value>("save_settings", json!({"settings": good()}));
    let file = console.dir.path().join("settings.json");
    let before = std::fs::read(&file).unwrap();

    let bad = [
        (json!({"listen": "everywhere"}), "IP:PORT"),
        (json!({"warning_leads_secs": []}), "at least one"),
        (json!({"warning_leads_secs": [300, -1]}), "out of range"),
        (json!({"warning_leads_secs": [0]}), "out of range"),
        (json!({"time_zone": "Atlantis/Capital"}), "IANA"),
    ];
    for (change, hint) in bad {
        let mut settings = good();
        for (key, value) in change.as_object().unwrap() {
            settings[key] = value.clone();
        }
        let error = console.refused("save_settings", json!({"settings": settings}));
        assert_eq!(error.code, 400, "{change} is a bad value: {error:?}");
        assert!(
            error.message.contains(hint),
            "{change}: the message should say {hint:?}"
        );
        assert_eq!(
            std::fs::read(&file).unwrap(),
            before,
            "{change} must not touch the file"
        );
    }
}

#[test]
fn only_admins_change_settings() {
    let console = Console::new();
    console.sign_in_as_admin();
    let engine = console.desk().engine().clone();
    let admin = console.desk().actor().unwrap();
    tauri::async_runtime::block_on(engine.add_user(
        &admin,
        "frontdesk",
        "",
        labdesk_core::Role::Staff,
        Some("a long staff password"),
    ))
    .unwrap();
    console.call::<Value>(
        "sign_in",
        json!({"username": "frontdesk", "password": "a long staff password"}),
    );
    let error = console.refused("save_settings", json!({"settings": good()}));
    assert_eq!(error.code, 403, "{error:?}");
    assert!(
        !console.dir.path().join("settings.json").exists(),
        "nothing was written"
    );
}

#[test]
fn command_line_overrides_win_for_one_start_only() {
    let console = Console::new();
    let in_force = console.desk().settings_in_force().clone();
    assert_eq!(
        in_force.warning_leads_secs,
        vec![60],
        "--warn-before 60s is in force"
    );
    assert_eq!(in_force.listen, "127.0.0.1:0", "--listen is in force");
    console.sign_in_as_admin();
    let saved: Value = console.call("get_settings", json!({}));
    assert_eq!(
        saved["warning_leads_secs"],
        json!([300]),
        "the saved file is not overridden"
    );
}
