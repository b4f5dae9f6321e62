//! The `/staff` endpoint: authentication, every request, error codes, and desk events.

mod common;

use common::{fast_config, Agent, TestDesk};
use labdesk_core::Role;
use labdesk_link::client::{ClientError, StaffClient};
use labdesk_proto::staff::{Credentials, RequestBody};
use labdesk_proto::PcCondition;
use serde_json::{json, Value};

fn password(username: &str, password: &str) -> Credentials {
    Credentials::Password {
        username: username.into(),
        password: password.into(),
    }
}

async fn admin(desk: &TestDesk) -> StaffClient {
    StaffClient::connect(&desk.url, password("admin", "admin-password"))
        .await
        .unwrap()
}

/// Adds the staff user `sam` with the password `sam-password-1`.
async fn add_sam(desk: &TestDesk) -> labdesk_core::User {
    desk.engine
        .add_user(
            &desk.admin,
            "sam",
            "Sam",
            Role::Staff,
            Some("sam-password-1"),
        )
        .await
        .unwrap()
}

/// `sam`, connected with his password.
async fn connect_sam(desk: &TestDesk) -> StaffClient {
    StaffClient::connect(&desk.url, password("sam", "sam-password-1"))
        .await
        .unwrap()
}

/// The error code of a failed request.
async fn refused(client: &mut StaffClient, body: RequestBody) -> u16 {
    match client.request(body).await {
        Err(ClientError::Desk(error)) => error.code,
        other => panic!("the request must be refused, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_authenticate_by_password_or_token_and_others_get_4401() {
    let desk = TestDesk::start(fast_config()).await;
    let engine = &desk.engine;
    let sam = add_sam(&desk).await;
    engine
        .add_user(&desk.admin, "pat", "Pat", Role::Patron, None)
        .await
        .unwrap();
    let token = engine.create_api_token(sam.id).await.unwrap();

    let client = connect_sam(&desk).await;
    assert_eq!(
        (client.user(), client.role()),
        ("sam", labdesk_proto::Role::Staff)
    );
    let client = StaffClient::connect(&desk.url, Credentials::Token { token })
        .await
        .unwrap();
    assert_eq!(client.user(), "sam", "a token authenticates its user");

    for (credentials, what) in [
        (password("sam", "wrong"), "a wrong password"),
        (password("nobody", "x"), "an unknown user"),
        (password("pat", ""), "a patron"),
        (
            Credentials::Token {
                token: "made-up".into(),
            },
            "a made-up token",
        ),
    ] {
        let err = StaffClient::connect(&desk.url, credentials)
            .await
            .unwrap_err();
        assert!(
            matches!(err, ClientError::Unauthenticated),
            "{what} must get 4401: {err:?}"
        );
    }
    let mut not_auth = Agent {
        ws: Agent::open(&desk.url, "/staff").await,
    };
    not_auth
        .send_text(r#"{"id":1,"type":"list_pcs"}"#.into())
        .await;
    assert_eq!(
        not_auth.closed().await,
        Some(4401),
        "a request before auth gets 4401"
    );
    desk.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_request_calls_the_engine_and_answers_its_result() {
    let desk = TestDesk::start(fast_config()).await;
    let mut client = admin(&desk).await;

    let added = client
        .request(RequestBody::AddPc {
            name: "PC-1".into(),
            zone: Some("a".into()),
            os: None,
        })
        .await
        .unwrap();
    assert_eq!(added["pc"]["name"], "PC-1");
    assert!(
        added["token"].as_str().is_some_and(|t| !t.is_empty()),
        "the token is shown once"
    );
    let imported = client
        .request(RequestBody::ImportPcs {
            csv: "name,zone,os\nPC-2,b,linux\nPC-3,b,linux\n".into(),
        })
        .await
        .unwrap();
    assert_eq!(imported["imported"].as_array().map(Vec::len), Some(2));
    let renamed = client
        .request(RequestBody::RenamePc {
            pc: "PC-3".into(),
            name: "PC-9".into(),
        })
        .await
        .unwrap();
    assert_eq!(renamed["name"], "PC-9");
    let repaired = client
        .request(RequestBody::SetPcCondition {
            pc: "PC-9".into(),
            condition: PcCondition::Repair,
        })
        .await
        .unwrap();
    assert_eq!(repaired["condition"], "repair");
    let pcs = client.request(RequestBody::ListPcs).await.unwrap();
    assert_eq!(pcs.as_array().map(Vec::len), Some(3));

    let user = client
        .request(RequestBody::AddUser {
            username: "ana".into(),
            display_name: None,
            role: None,
            password: None,
        })
        .await
        .unwrap();
    assert_eq!(
        (user["display_name"].clone(), user["role"].clone()),
        (json!("ana"), json!("patron"))
    );
    let users = client.request(RequestBody::ListUsers).await.unwrap();
    assert_eq!(users.as_array().map(Vec::len), Some(2), "the admin and ana");

    let start = |pc: &str, secs| RequestBody::StartSession {
        pc: pc.into(),
        user: "ana".into(),
        duration_secs: secs,
    };
    let session = client.request(start("PC-1", 1800)).await.unwrap();
    let booking_id = session["booking_id"]
        .as_i64()
        .expect("a session has its booking id");
    assert_eq!(
        session["end_time"], "2026-12-04T10:30:00Z",
        "instants go out in UTC with Z"
    );
    let extended = client
        .request(RequestBody::ExtendSession {
            booking_id,
            by_secs: 600,
        })
        .await
        .unwrap();
    assert_eq!(extended["end_time"], "2026-12-04T10:40:00Z");
    let live = client.request(RequestBody::LiveSessions).await.unwrap();
    assert_eq!(live.as_array().map(Vec::len), Some(1));

    let booked: Value = client
        .request(RequestBody::BookSession {
            pc: "PC-2".into(),
            user: "ana".into(),
            start: "2026-12-04T13:00:00+02:00".parse().unwrap(),
            end: "2026-12-04T12:00:00Z".parse().unwrap(),
        })
        .await
        .unwrap();
    assert_eq!(
        booked["start_time"], "2026-12-04T11:00:00Z",
        "any offset is read as UTC"
    );
    let upcoming = booked["id"].as_i64().unwrap();
    let cancelled = client
        .request(RequestBody::CancelBooking {
            booking_id: upcoming,
        })
        .await
        .unwrap();
    assert_eq!(cancelled["status"], "cancelled");

    let ended = client
        .request(RequestBody::EndSession { booking_id })
        .await
        .unwrap();
    assert_eq!(ended["end_reason"], "ended_by_staff");
    let report = client.request(RequestBody::CleanUp).await.unwrap();
    assert_eq!(report["freed"], json!([]), "nothing is overdue");
    let audit = client
        .request(RequestBody::Audit { limit: 3 })
        .await
        .unwrap();
    assert_eq!(
        audit.as_array().map(Vec::len),
        Some(3),
        "the limit is honoured"
    );
    desk.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_requests_answer_the_engine_code_and_change_nothing() {
    let desk = TestDesk::start(fast_config()).await;
    desk.add_pc("PC-1").await;
    desk.add_patron("ana").await;
    let engine = &desk.engine;
    add_sam(&desk).await;
    let mut client = admin(&desk).await;
    let mut staff = connect_sam(&desk).await;
    let start = |pc: &str, secs| RequestBody::StartSession {
        pc: pc.into(),
        user: "ana".into(),
        duration_secs: secs,
    };

    let booking = client.request(start("PC-1", 1800)).await.unwrap()["booking_id"]
        .as_i64()
        .unwrap();
    assert_eq!(
        refused(&mut client, start("PC-1", 600)).await,
        409,
        "overlap"
    );
    assert_eq!(
        refused(&mut client, start("PC-7", 600)).await,
        404,
        "unknown PC"
    );
    assert_eq!(
        refused(&mut client, start("PC-1", 0)).await,
        400,
        "zero length"
    );
    assert_eq!(
        refused(&mut client, RequestBody::EndSession { booking_id: 999 }).await,
        404
    );
    let add_pc = RequestBody::AddPc {
        name: "PC-2".into(),
        zone: None,
        os: None,
    };
    assert_eq!(
        refused(&mut staff, add_pc).await,
        403,
        "staff do not manage PCs"
    );
    let add_staff = RequestBody::AddUser {
        username: "eve".into(),
        display_name: None,
        role: Some(labdesk_proto::Role::Admin),
        password: Some("eve-password-1".into()),
    };
    assert_eq!(
        refused(&mut staff, add_staff).await,
        403,
        "staff do not add admins"
    );
    let bad_csv = RequestBody::ImportPcs {
        csv: "nonsense".into(),
    };
    assert_eq!(refused(&mut client, bad_csv).await, 400);

    let live = client.request(RequestBody::LiveSessions).await.unwrap();
    assert_eq!(
        live[0]["booking_id"], booking,
        "the one session is untouched"
    );
    assert_eq!(live.as_array().map(Vec::len), Some(1));
    assert_eq!(engine.list_pcs().await.unwrap().len(), 1, "no PC was added");
    assert_eq!(
        engine.list_users().await.unwrap().len(),
        3,
        "no user was added"
    );
    desk.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscribers_receive_desk_events() {
    let desk = TestDesk::start(fast_config()).await;
    let token = desk.add_pc("PC-1").await;
    desk.add_patron("ana").await;
    let mut watcher = admin(&desk).await;
    watcher.subscribe().await.unwrap();

    let (_agent, _) = Agent::connect(&desk.url, "PC-1", &token).await;
    let event = watcher.next_event().await.unwrap();
    assert_eq!(
        event,
        json!({"type": "pc_online", "pc": "PC-1"}),
        "a PC coming online is an event"
    );
    desk.start_session("PC-1", "ana", 30).await;
    let event = watcher.next_event().await.unwrap();
    assert_eq!(event["type"], "session_started");
    assert_eq!(event["session"]["pc"], "PC-1");
    desk.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_staff_tool_that_never_authenticates_is_closed_with_4401() {
    let config = labdesk_link::LinkConfig {
        hello_timeout: std::time::Duration::from_millis(300),
        ..fast_config()
    };
    let desk = TestDesk::start(config).await;
    let mut silent = Agent {
        ws: Agent::open(&desk.url, "/staff").await,
    };
    assert_eq!(silent.closed().await, Some(4401), "no auth in time: 4401");
    let client = StaffClient::connect(&desk.url, password("admin", "admin-password")).await;
    assert!(
        client.is_ok(),
        "the time-out covers only the wait for the auth frame"
    );
    desk.stop().await;
}
