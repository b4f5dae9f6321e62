//! Bad input on both endpoints: every frame gets its answer and the desk keeps serving.

mod common;

use common::{fast_config, Agent, TestDesk};
use futures_util::{SinkExt, StreamExt};
use labdesk_link::client::StaffClient;
use labdesk_proto::pc::{AgentFrame, DeskFrame};
use labdesk_proto::staff::{Credentials, RequestBody, StaffFrame};
use labdesk_proto::{close, MAX_FRAME_BYTES};
use tokio_tungstenite::tungstenite::{Error as WsError, Message};

fn admin() -> Credentials {
    Credentials::Password {
        username: "admin".into(),
        password: "admin-password".into(),
    }
}

/// Sends a 10 MB text frame on `ws` while reading, and returns the close code the desk sent.
async fn send_huge(ws: common::Ws) -> Option<u16> {
    let (mut sink, mut stream) = ws.split();
    let huge = "x".repeat(10 * 1024 * 1024);
    // The desk may close before it has read all of it, so the send is allowed to fail.
    let sending = tokio::spawn(async move { sink.send(Message::text(huge)).await });
    let code = tokio::time::timeout(common::PATIENCE, async {
        while let Some(message) = stream.next().await {
            match message {
                Ok(Message::Close(frame)) => return frame.map(|f| u16::from(f.code)),
                Ok(_) => continue,
                Err(_) => return None,
            }
        }
        None
    })
    .await
    .expect("the desk answers a 10 MB frame within the patience");
    sending.abort();
    code
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn garbage_on_pc_gets_400_and_the_connection_stays() {
    let desk = TestDesk::start(fast_config()).await;
    let token = desk.add_pc("PC-1").await;
    let (mut agent, _) = Agent::connect(&desk.url, "PC-1", &token).await;
    let padding = "p".repeat(MAX_FRAME_BYTES - 100);
    let cases = [
        ("not json".to_owned(), "not valid JSON"),
        ("[1,2,3]".to_owned(), "JSON object"),
        (r#"{"booking_id":1}"#.to_owned(), "no \"type\""),
        (r#"{"type":"reboot"}"#.to_owned(), "reboot"),
        (
            r#"{"type":"ack","booking_id":"12","minutes_left":5}"#.to_owned(),
            "ack",
        ),
        (
            r#"{"type":"end_session","booking_id":1.5}"#.to_owned(),
            "end_session",
        ),
        (
            r#"{"type":"hello","pc":"PC-1","token":"x"}"#.to_owned(),
            "already said hello",
        ),
        (format!(r#"{{"type":"pad","pad":"{padding}"}}"#), "pad"),
    ];
    for (text, says) in cases {
        agent.send_text(text.clone()).await;
        let DeskFrame::Error(error) = agent.frame().await else {
            panic!("{text:.40} must be answered with an error");
        };
        assert_eq!(error.code, 400, "{text:.40} is a bad request");
        assert!(
            error.message.contains(says),
            "{text:.40}: {:?} should mention {says}",
            error.message
        );
    }
    agent
        .ws
        .send(Message::binary(vec![1_u8, 2, 3]))
        .await
        .unwrap();
    let DeskFrame::Error(error) = agent.frame().await else {
        panic!("binary gets an error")
    };
    assert_eq!(error.code, 400);
    assert!(error.message.contains("binary"), "{error}");

    agent.send(&AgentFrame::EndSession { booking_id: 77 }).await;
    let DeskFrame::Error(error) = agent.frame().await else {
        panic!("the desk still serves")
    };
    assert_eq!(
        error.code, 404,
        "after all that garbage the connection still works"
    );
    desk.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_frame_over_64_kib_is_closed_with_1009_and_the_desk_keeps_serving() {
    let desk = TestDesk::start(fast_config()).await;
    let token = desk.add_pc("PC-1").await;

    let (agent, _) = Agent::connect(&desk.url, "PC-1", &token).await;
    assert_eq!(
        send_huge(agent.ws).await,
        Some(close::TOO_BIG),
        "10 MB after hello: 1009"
    );
    let before_hello = Agent::open(&desk.url, "/pc").await;
    assert_eq!(
        send_huge(before_hello).await,
        Some(close::TOO_BIG),
        "10 MB as hello: 1009"
    );

    let (mut agent, _) = Agent::connect(&desk.url, "PC-1", &token).await;
    let just_over = format!(
        r#"{{"type":"pad","pad":"{}"}}"#,
        "p".repeat(MAX_FRAME_BYTES)
    );
    agent.send_text(just_over).await;
    assert_eq!(
        agent.closed().await,
        Some(close::TOO_BIG),
        "just over 64 KiB: 1009"
    );

    let (_agent, welcome) = Agent::connect(&desk.url, "PC-1", &token).await;
    assert!(
        matches!(welcome, DeskFrame::Welcome { .. }),
        "the desk keeps serving PCs"
    );
    let mut staff = StaffClient::connect(&desk.url, admin()).await.unwrap();
    assert_eq!(
        staff
            .request(RequestBody::ListPcs)
            .await
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        1
    );
    desk.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn garbage_on_staff_gets_400_and_the_connection_stays() {
    let desk = TestDesk::start(fast_config()).await;
    let mut staff = StaffClient::connect(&desk.url, admin()).await.unwrap();
    let no_id = [
        "not json",
        "[]",
        r#"{"type":"list_pcs"}"#,
        r#"{"id":-1,"type":"list_pcs"}"#,
    ];
    for text in no_id {
        let StaffFrame::Error(error) = staff.raw(text.to_owned()).await.unwrap() else {
            panic!("{text} has no usable id and must get an error frame");
        };
        assert_eq!(error.code, 400, "{text}: {error}");
    }
    let with_id = [
        (r#"{"id":5,"type":"make_coffee"}"#, 5, "make_coffee"),
        (
            r#"{"id":6,"type":"start_session","pc":1,"user":"a","duration_secs":60}"#,
            6,
            "start_session",
        ),
        (r#"{"id":7,"type":"end_session"}"#, 7, "booking_id"),
        (
            r#"{"id":8,"type":"extend_session","booking_id":1,"by_secs":-60}"#,
            8,
            "extend_session",
        ),
        (
            r#"{"id":9,"type":"book_session","pc":"a","user":"b","start":"soon","end":"later"}"#,
            9,
            "book_session",
        ),
    ];
    for (text, id, says) in with_id {
        let StaffFrame::Result(result) = staff.raw(text.to_owned()).await.unwrap() else {
            panic!("{text} has an id and must get a failed result");
        };
        assert_eq!(result.id, id);
        let error = result.into_result().expect_err("a bad request fails");
        assert_eq!(error.code, 400, "{text}: {error}");
        assert!(
            error.message.contains(says),
            "{text}: {error} should mention {says}"
        );
    }
    let pcs = staff
        .request(RequestBody::ListPcs)
        .await
        .expect("the connection still serves");
    assert_eq!(pcs, serde_json::json!([]));

    let mut raw = Agent::open(&desk.url, "/staff").await;
    raw.send(Message::text(
        r#"{"type":"auth","username":"admin","password":"admin-password"}"#,
    ))
    .await
    .unwrap();
    let _auth_ok = raw.next().await;
    raw.send(Message::binary(vec![0_u8; 8])).await.unwrap();
    let Some(Ok(Message::Text(text))) = raw.next().await else {
        panic!("binary gets an answer")
    };
    assert!(text.contains("binary"), "{text}");
    assert_eq!(
        send_huge(raw).await,
        Some(close::TOO_BIG),
        "10 MB on staff: 1009"
    );
    assert!(
        staff.request(RequestBody::ListUsers).await.is_ok(),
        "other tools are unaffected"
    );
    desk.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_path_is_refused_at_the_upgrade() {
    let desk = TestDesk::start(fast_config()).await;
    let refused = tokio_tungstenite::connect_async(format!("{}/admin", desk.url)).await;
    match refused {
        Err(WsError::Http(response)) => assert_eq!(response.status(), 404),
        other => panic!("an unknown path must be refused with 404, got {other:?}"),
    }
    let token = desk.add_pc("PC-1").await;
    let (_agent, welcome) = Agent::connect(&desk.url, "PC-1", &token).await;
    assert!(
        matches!(welcome, DeskFrame::Welcome { .. }),
        "the desk keeps serving"
    );
    desk.stop().await;
}
