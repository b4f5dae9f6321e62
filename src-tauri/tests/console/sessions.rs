//! Sessions through the console: starting (and what it refuses), ending early with each error
//! code, clean-up, and the desk events the webview receives.

use chrono::Duration;
use labdesk_core::DeskEvent;
use serde_json::{json, Value};

use crate::harness::{start_time, Console};

fn start(console: &Console, pc: &str, user: &str, minutes: f64) -> Value {
    console.call(
        "start_session",
        json!({"pc": pc, "user": user, "minutes": minutes, "createPatron": true}),
    )
}

fn live(console: &Console) -> Vec<Value> {
    console.call("live_sessions", json!({}))
}

#[test]
fn a_started_session_is_live_and_reaches_the_webview() {
    let console = Console::new();
    console.with_two_pcs();
    let session = start(&console, "1-001", "ada", 30.0);
    assert_eq!(session["pc"], "1-001");
    assert_eq!(session["user"], "ada", "a walk-in patron was created");
    assert_eq!(
        session["start_time"], "2026-12-04T10:00:00Z",
        "starts now by the desk's clock"
    );
    assert_eq!(session["end_time"], "2026-12-04T10:30:00Z");

    let booking_id = session["booking_id"].clone();
    let event = console.next_event("session_started", |event| {
        event["type"] == "session_started" && event["session"]["booking_id"] == booking_id
    });
    assert_eq!(
        event["session"]["pc"], "1-001",
        "the event carries the session: {event}"
    );
    let sessions = live(&console);
    assert_eq!(sessions.len(), 1, "one live session: {sessions:?}");
}

#[test]
fn bad_starts_are_refused_and_change_nothing() {
    let console = Console::new();
    console.with_two_pcs();
    start(&console, "1-001", "ada", 30.0);
    let users_before: Vec<Value> = console.call("list_users", json!({}));

    let refuse = |args: Value, code: u16| {
        let error = console.refused("start_session", args.clone());
        assert_eq!(
            error.code, code,
            "{args} should be refused with {code}: {error:?}"
        );
        assert!(!error.message.is_empty(), "the refusal says why: {error:?}");
    };
    refuse(
        json!({"pc": "1-002", "user": "bob", "minutes": 0, "createPatron": true}),
        400,
    );
    refuse(
        json!({"pc": "1-002", "user": "bob", "minutes": -5, "createPatron": true}),
        400,
    );
    refuse(
        json!({"pc": "9-999", "user": "ada", "minutes": 10, "createPatron": false}),
        404,
    );
    refuse(
        json!({"pc": "1-002", "user": "nobody", "minutes": 10, "createPatron": false}),
        404,
    );
    refuse(
        json!({"pc": "1-001", "user": "ada", "minutes": 10, "createPatron": false}),
        409,
    );
    console.call::<Value>(
        "set_pc_condition",
        json!({"pc": "1-002", "condition": "repair"}),
    );
    refuse(
        json!({"pc": "1-002", "user": "ada", "minutes": 10, "createPatron": false}),
        400,
    );
    let users_after: Vec<Value> = console.call("list_users", json!({}));
    assert_eq!(users_after, users_before, "refused starts add no patron");
    assert_eq!(live(&console).len(), 1, "refused starts start nothing");

    let error = console.refused(
        "book_session",
        json!({"pc": "1-001", "user": "ada", "start": "noon", "end": "2026-12-04T13:00:00Z"}),
    );
    assert_eq!(error.code, 400, "a start that is no date: {error:?}");
    assert!(error.message.contains("RFC 3339"), "{error:?}");
}

#[test]
fn ending_a_session_answers_404_409_and_frees_the_pc_once() {
    let console = Console::new();
    console.with_two_pcs();
    let session = start(&console, "1-001", "ada", 30.0);
    let booking_id = session["booking_id"].as_i64().expect("a booking id");

    let error = console.refused("end_session", json!({"bookingId": booking_id + 1000}));
    assert_eq!(error.code, 404, "an unknown booking: {error:?}");

    let ended: Value = console.call("end_session", json!({"bookingId": booking_id}));
    assert_eq!(ended["status"], "cancelled");
    assert_eq!(ended["end_reason"], "ended_by_staff");
    assert!(live(&console).is_empty(), "the session is gone");
    let pcs: Vec<Value> = console.call("list_pcs", json!({}));
    let pc = pcs
        .iter()
        .find(|pc| pc["name"] == "1-001")
        .expect("the PC is listed");
    assert_eq!(pc["booking_status"], "available", "the PC is free again");

    let error = console.refused("end_session", json!({"bookingId": booking_id}));
    assert_eq!(error.code, 409, "a booking that already ended: {error:?}");
    let engine = console.desk().engine().clone();
    let stored = tauri::async_runtime::block_on(engine.booking(booking_id)).unwrap();
    assert_eq!(
        serde_json::to_value(&stored).unwrap(),
        ended,
        "a refused second end changes nothing"
    );
}

#[test]
fn an_upcoming_booking_cannot_be_ended_early() {
    let console = Console::new();
    console.with_two_pcs();
    let later = start_time() + Duration::hours(2);
    let booking: Value = console.call(
        "book_session",
        json!({
            "pc": "1-002",
            "user": "admin",
            "start": later.to_rfc3339(),
            "end": (later + Duration::hours(1)).to_rfc3339(),
        }),
    );
    let error = console.refused("end_session", json!({"bookingId": booking["id"]}));
    assert_eq!(
        error.code, 409,
        "an upcoming booking is not live: {error:?}"
    );
}

#[test]
fn staff_are_refused_admin_work_with_403() {
    let console = Console::new();
    console.with_two_pcs();
    let engine = console.desk().engine().clone();
    let admin = console.desk().actor().unwrap();
    tauri::async_runtime::block_on(engine.add_user(
        &admin,
        "frontdesk",
        "Front Desk",
        labdesk_core::Role::Staff,
        Some("a long staff password"),
    ))
    .unwrap();
    console.call::<Value>(
        "sign_in",
        json!({"username": "frontdesk", "password": "a long staff password"}),
    );

    let error = console.refused(
        "add_pc",
        json!({"name": "1-003", "zone": "1st Floor", "os": "x"}),
    );
    assert_eq!(error.code, 403, "staff do not add PCs: {error:?}");
    let pcs: Vec<Value> = console.call("list_pcs", json!({}));
    assert_eq!(pcs.len(), 2, "no PC was added");

    let session = start(&console, "1-001", "ada", 30.0);
    let ended: Value = console.call("end_session", json!({"bookingId": session["booking_id"]}));
    assert_eq!(
        ended["ended_by"], "frontdesk",
        "staff end sessions as themselves"
    );
}

#[test]
fn clean_up_reports_what_it_freed_and_a_second_run_frees_nothing() {
    let console = Console::new();
    console.with_two_pcs();
    let report: Value = console.call("clean_up", json!({}));
    assert_eq!(report["freed"], json!([]), "nothing is due on a quiet desk");
    assert!(
        report["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{report}"
    );

    let session = start(&console, "1-001", "ada", 1.0);
    let booking_id = session["booking_id"].as_i64().unwrap();
    let mut events = console.desk().engine().subscribe();
    console.clock.advance(Duration::minutes(2));
    // The scheduler and the clean-up race for the overdue session; exactly one frees it.
    let report: Value = console.call("clean_up", json!({}));
    let freed = report["freed"].as_array().unwrap().clone();
    assert!(
        freed.is_empty() || freed == [json!({"booking_id": booking_id, "pc": "1-001"})],
        "clean-up frees only the overdue session: {report}"
    );
    console.wait_for_engine(&mut events, "the session's end", |event| {
        matches!(event, DeskEvent::SessionEnded { booking_id: id, .. } if *id == booking_id)
    });
    assert!(live(&console).is_empty(), "the overdue session is gone");

    let again: Value = console.call("clean_up", json!({}));
    assert_eq!(
        again["freed"],
        json!([]),
        "a second run frees nothing: {again}"
    );
}

#[test]
fn extending_moves_the_end_and_bad_minutes_are_refused() {
    let console = Console::new();
    console.with_two_pcs();
    let session = start(&console, "1-001", "ada", 30.0);
    let id = session["booking_id"].clone();
    let extended: Value = console.call("extend_session", json!({"bookingId": id, "minutes": 15}));
    assert_eq!(extended["end_time"], "2026-12-04T10:45:00Z");
    let error = console.refused("extend_session", json!({"bookingId": id, "minutes": 0}));
    assert_eq!(error.code, 400, "{error:?}");
    assert_eq!(
        live(&console)[0]["end_time"],
        "2026-12-04T10:45:00Z",
        "nothing changed"
    );
}

#[test]
fn the_audit_trail_lists_the_newest_first() {
    let console = Console::new();
    console.with_two_pcs();
    let session = start(&console, "1-001", "ada", 30.0);
    console.call::<Value>("end_session", json!({"bookingId": session["booking_id"]}));
    let entries: Vec<Value> = console.call("audit", json!({"limit": 2}));
    assert_eq!(entries.len(), 2, "the limit holds: {entries:?}");
    assert_eq!(
        entries[0]["reason"], "ended_by_staff",
        "newest first: {entries:?}"
    );
}
