//! Who may speak on `/pc`: hello and tokens, ending sessions from a PC, replacement of an
//! older connection, one-shot connections, and shutdown.

mod common;

use common::{fast_config, Agent, Read, TestDesk};
use labdesk_core::DeskEvent;
use labdesk_link::LinkConfig;
use labdesk_proto::pc::{AgentFrame, DeskFrame};
use labdesk_proto::{close, EndReason};
use std::time::Duration as StdDuration;

/// Opens `/pc`, sends `text` as the first frame and returns what the desk did.
async fn first_frame(url: &str, text: &str) -> Read {
    let mut agent = Agent {
        ws: Agent::open(url, "/pc").await,
    };
    agent.send_text(text.to_owned()).await;
    agent.read().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pc_without_the_right_token_is_closed_with_4401_and_told_nothing() {
    let desk = TestDesk::start(fast_config()).await;
    let token = desk.add_pc("PC-1").await;
    let refused = [
        (r#"{"type":"hello","pc":"PC-1"}"#.to_owned(), "no token"),
        (
            r#"{"type":"hello","pc":"PC-1","token":"guess"}"#.to_owned(),
            "a wrong token",
        ),
        (
            format!(r#"{{"type":"hello","pc":"PC-9","token":"{token}"}}"#),
            "an unknown PC",
        ),
        (
            r#"{"type":"ack","booking_id":1,"minutes_left":5}"#.to_owned(),
            "no hello first",
        ),
        ("not json at all".to_owned(), "garbage first"),
    ];
    for (hello, what) in refused {
        match first_frame(&desk.url, &hello).await {
            Read::Closed(code) => {
                assert_eq!(
                    code,
                    Some(close::UNAUTHENTICATED),
                    "{what} must be closed with 4401"
                )
            }
            Read::Frame(frame) => panic!("{what} must receive nothing, got {frame:?}"),
        }
    }
    let pcs = desk.engine.list_pcs().await.unwrap();
    assert!(
        !pcs[0].online,
        "a refused connection never makes the PC online"
    );
    desk.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pc_that_never_says_hello_is_closed_with_4401() {
    let config = LinkConfig {
        hello_timeout: StdDuration::from_millis(300),
        ..fast_config()
    };
    let desk = TestDesk::start(config).await;
    let mut silent = Agent {
        ws: Agent::open(&desk.url, "/pc").await,
    };
    assert_eq!(
        silent.closed().await,
        Some(close::UNAUTHENTICATED),
        "no hello in time: 4401"
    );
    desk.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pc_may_end_only_its_own_live_session() {
    let desk = TestDesk::start(fast_config()).await;
    let token_1 = desk.add_pc("PC-1").await;
    let token_2 = desk.add_pc("PC-2").await;
    desk.add_patron("ana").await;
    let booking = desk.start_session("PC-1", "ana", 30).await.booking_id;
    let (mut pc_1, _) = Agent::connect(&desk.url, "PC-1", &token_1).await;
    let (mut pc_2, _) = Agent::connect(&desk.url, "PC-2", &token_2).await;

    pc_2.send(&AgentFrame::EndSession {
        booking_id: booking,
    })
    .await;
    let DeskFrame::Error(error) = pc_2.frame().await else {
        panic!("PC-2 must get an error")
    };
    assert_eq!(
        error.code, 403,
        "another PC's booking is forbidden: {error}"
    );
    assert!(
        desk.live_on("PC-1").await.is_some(),
        "the refused end changes nothing"
    );

    pc_2.send(&AgentFrame::EndSession { booking_id: 9999 })
        .await;
    let DeskFrame::Error(error) = pc_2.frame().await else {
        panic!("PC-2 must get an error")
    };
    assert_eq!(error.code, 404, "an unknown booking is not found: {error}");

    pc_1.send(&AgentFrame::EndSession {
        booking_id: booking,
    })
    .await;
    let ended = DeskFrame::SessionEnded {
        booking_id: booking,
        reason: EndReason::EndedByUser,
    };
    assert_eq!(
        pc_1.frame().await,
        ended,
        "the PC may end its own live session"
    );
    assert!(desk.live_on("PC-1").await.is_none(), "and the PC is free");

    pc_1.send(&AgentFrame::EndSession {
        booking_id: booking,
    })
    .await;
    let DeskFrame::Error(error) = pc_1.frame().await else {
        panic!("PC-1 must get an error")
    };
    assert_eq!(
        error.code, 409,
        "an ended booking is not live any more: {error}"
    );
    desk.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_newer_connection_replaces_the_older_with_4409() {
    let desk = TestDesk::start(fast_config()).await;
    let token = desk.add_pc("PC-1").await;
    desk.add_patron("ana").await;
    let (mut older, _) = Agent::connect(&desk.url, "PC-1", &token).await;
    let (mut newer, _) = Agent::connect(&desk.url, "PC-1", &token).await;
    assert_eq!(
        older.closed().await,
        Some(close::REPLACED),
        "the older one is told why"
    );

    let booking = desk.start_session("PC-1", "ana", 30).await.booking_id;
    let DeskFrame::SessionStarted { booking_id, .. } = newer.frame().await else {
        panic!("the newer connection gets the pushes");
    };
    assert_eq!(booking_id, booking);
    let pcs = desk.engine.list_pcs().await.unwrap();
    assert!(pcs[0].online, "replacing a connection keeps the PC online");
    desk.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_one_shot_connection_ends_the_session_without_replacing_the_agent() {
    let desk = TestDesk::start(fast_config()).await;
    let token = desk.add_pc("PC-1").await;
    desk.add_patron("ana").await;
    let booking = desk.start_session("PC-1", "ana", 30).await.booking_id;
    let (mut agent, _) = Agent::connect(&desk.url, "PC-1", &token).await;

    let (mut one_shot, welcome) = Agent::connect_with(&desk.url, "PC-1", &token, true).await;
    let DeskFrame::Welcome {
        session: Some(session),
        ..
    } = welcome
    else {
        panic!("the one-shot connection learns the live booking");
    };
    one_shot
        .send(&AgentFrame::EndSession {
            booking_id: session.booking_id,
        })
        .await;
    let ended = DeskFrame::SessionEnded {
        booking_id: booking,
        reason: EndReason::EndedByUser,
    };
    assert_eq!(
        one_shot.frame().await,
        ended,
        "the one-shot connection gets the answer"
    );
    assert_eq!(
        agent.frame().await,
        ended,
        "the running agent is still connected and told"
    );
    one_shot.ws.close(None).await.unwrap();

    // The agent's connection is still the PC's: it gets the next session's start.
    desk.start_session("PC-1", "ana", 30).await;
    assert!(matches!(
        agent.frame().await,
        DeskFrame::SessionStarted { .. }
    ));
    let pcs = desk.engine.list_pcs().await.unwrap();
    assert!(
        pcs[0].online,
        "a one-shot connection going away leaves the PC online"
    );
    desk.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pc_is_online_while_connected_and_offline_after() {
    let desk = TestDesk::start(fast_config()).await;
    let token = desk.add_pc("PC-1").await;
    let mut events = desk.engine.subscribe();
    let (mut agent, _) = Agent::connect(&desk.url, "PC-1", &token).await;
    let online = |e: &DeskEvent| matches!(e, DeskEvent::PcOnline { pc } if pc == "PC-1");
    common::wait_event(&mut events, "online", online).await;
    agent.ws.close(None).await.unwrap();
    let offline = |e: &DeskEvent| matches!(e, DeskEvent::PcOffline { pc } if pc == "PC-1");
    common::wait_event(&mut events, "offline", offline).await;
    desk.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_closes_every_connection_with_1001() {
    let desk = TestDesk::start(fast_config()).await;
    let token = desk.add_pc("PC-1").await;
    let (mut agent, _) = Agent::connect(&desk.url, "PC-1", &token).await;
    let credentials = labdesk_proto::staff::Credentials::Password {
        username: "admin".into(),
        password: "admin-password".into(),
    };
    let mut staff = labdesk_link::client::StaffClient::connect(&desk.url, credentials)
        .await
        .unwrap();
    let url = desk.url.clone();

    desk.stop().await;
    assert_eq!(
        agent.closed().await,
        Some(close::GOING_AWAY),
        "agents are told the desk stops"
    );
    let err = staff.next_event().await.unwrap_err();
    assert!(
        matches!(
            err,
            labdesk_link::client::ClientError::Closed {
                code: close::GOING_AWAY,
                ..
            }
        ),
        "staff tools are told too: {err:?}"
    );
    let again = tokio_tungstenite::connect_async(format!("{url}/pc")).await;
    assert!(again.is_err(), "a stopped desk accepts nobody");
}
