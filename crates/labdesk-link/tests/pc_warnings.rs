//! Warnings over the real link: acknowledged delivery, silently dead PCs, reconnects, and a
//! stalled PC among many healthy ones.

mod common;

use chrono::Duration;
use common::{fast_config, t0, wait_event, Agent, TestDesk};
use labdesk_core::{DeskEvent, Scheduler};
use labdesk_link::LinkConfig;
use labdesk_proto::pc::{DeskFrame, PcSession};
use labdesk_proto::EndReason;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration as StdDuration;
use tokio::sync::mpsc;

fn is_warned(booking: i64) -> impl Fn(&DeskEvent) -> bool {
    move |event| matches!(event, DeskEvent::SessionWarned { booking_id, .. } if *booking_id == booking)
}

/// The frame that tells a PC its session ran out.
fn expired(booking_id: i64) -> DeskFrame {
    DeskFrame::SessionEnded {
        booking_id,
        reason: EndReason::Expired,
    }
}

fn is_offline(name: &'static str) -> impl Fn(&DeskEvent) -> bool {
    move |event| matches!(event, DeskEvent::PcOffline { pc } if pc == name)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silently_dead_pc_gets_one_recomputed_warning_after_reconnecting() {
    let desk = TestDesk::start(fast_config()).await;
    let healthy_token = desk.add_pc("PC-1").await;
    let dead_token = desk.add_pc("PC-2").await;
    desk.add_patron("ana").await;
    desk.add_patron("bo").await;
    let healthy_booking = desk.start_session("PC-1", "ana", 10).await.booking_id;
    let dead_booking = desk.start_session("PC-2", "bo", 10).await.booking_id;
    let end = t0() + Duration::minutes(10);
    let mut events = desk.engine.subscribe();

    let (mut healthy, _) = Agent::connect(&desk.url, "PC-1", &healthy_token).await;
    // This agent reads its welcome and then never reads or answers a ping again.
    let (dead, _) = Agent::connect(&desk.url, "PC-2", &dead_token).await;

    desk.clock.advance(Duration::minutes(5));
    let warning = healthy.frame().await;
    assert_eq!(
        warning,
        DeskFrame::warning(healthy_booking, 5, end),
        "the healthy PC is warned when the lead falls due, whatever the dead one does"
    );
    healthy.ack(healthy_booking, 5).await;
    wait_event(&mut events, "healthy warned", is_warned(healthy_booking)).await;

    wait_event(&mut events, "dead PC offline", is_offline("PC-2")).await;
    let session = desk
        .live_on("PC-2")
        .await
        .expect("the dead PC's session is still live");
    assert_eq!(
        session.warned_minutes, None,
        "an unacknowledged warning must not count"
    );
    drop(dead);

    desk.clock.advance(Duration::minutes(2));
    let (mut back, welcome) = Agent::connect(&desk.url, "PC-2", &dead_token).await;
    let DeskFrame::Welcome {
        session: Some(session),
        ..
    } = welcome
    else {
        panic!("the reconnected PC must learn its live session, got {welcome:?}");
    };
    assert_eq!(session.ends_at, end, "welcome carries the desk's end time");
    let warning = back.frame().await;
    assert_eq!(
        warning,
        DeskFrame::warning(dead_booking, 3, end),
        "the missed warning comes on reconnect with minutes left recomputed from now"
    );
    back.ack(dead_booking, 3).await;
    wait_event(&mut events, "dead PC warned", is_warned(dead_booking)).await;

    desk.clock.advance(Duration::minutes(3));
    let ended = expired(dead_booking);
    assert_eq!(
        back.frame().await,
        ended,
        "exactly one warning, then the session expires on time"
    );
    let ended = expired(healthy_booking);
    assert_eq!(
        healthy.frame().await,
        ended,
        "the healthy PC's session expires on time too"
    );
    desk.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reconnecting_mid_session_gets_the_desk_end_time_and_no_repeated_warning() {
    let desk = TestDesk::start(fast_config()).await;
    let token = desk.add_pc("PC-1").await;
    desk.add_patron("ana").await;
    let booking = desk.start_session("PC-1", "ana", 10).await.booking_id;
    let end = t0() + Duration::minutes(10);
    let mut events = desk.engine.subscribe();

    let (mut agent, _) = Agent::connect(&desk.url, "PC-1", &token).await;
    desk.clock.advance(Duration::minutes(5));
    assert_eq!(agent.frame().await, DeskFrame::warning(booking, 5, end));
    agent.ack(booking, 5).await;
    wait_event(&mut events, "warned", is_warned(booking)).await;
    agent
        .ws
        .close(None)
        .await
        .expect("the agent closes politely");
    wait_event(&mut events, "offline", is_offline("PC-1")).await;

    desk.clock.advance(Duration::minutes(1));
    let (mut agent, welcome) = Agent::connect(&desk.url, "PC-1", &token).await;
    let session = PcSession {
        booking_id: booking,
        user: "ana".into(),
        starts_at: Some(t0()),
        ends_at: end,
    };
    let want = DeskFrame::Welcome {
        pc: "PC-1".into(),
        server_time: t0() + Duration::minutes(6),
        session: Some(session),
    };
    assert_eq!(
        welcome, want,
        "welcome carries the session with the desk's times"
    );

    // A pass at this instant sends anything still due; the acknowledged lead is not.
    let delivery = desk.server.as_ref().unwrap().delivery();
    let pass = Scheduler::new(desk.engine.clone(), Arc::new(delivery));
    pass.sweep(desk.engine.now()).await.expect("a pass runs");
    desk.clock.advance(Duration::minutes(4));
    let ended = expired(booking);
    assert_eq!(
        agent.frame().await,
        ended,
        "no warning is repeated after a reconnect"
    );
    desk.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_extension_is_pushed_and_re_arms_the_warning() {
    let desk = TestDesk::start(fast_config()).await;
    let token = desk.add_pc("PC-1").await;
    desk.add_patron("ana").await;
    let booking = desk.start_session("PC-1", "ana", 10).await.booking_id;
    let mut events = desk.engine.subscribe();
    let (mut agent, _) = Agent::connect(&desk.url, "PC-1", &token).await;

    desk.clock.advance(Duration::minutes(5));
    assert_eq!(
        agent.frame().await,
        DeskFrame::warning(booking, 5, t0() + Duration::minutes(10))
    );
    agent.ack(booking, 5).await;
    wait_event(&mut events, "warned", is_warned(booking)).await;

    let admin = desk.admin;
    desk.engine
        .extend_session(&admin, booking, Duration::minutes(10))
        .await
        .unwrap();
    let end = t0() + Duration::minutes(20);
    let extended = DeskFrame::SessionExtended {
        booking_id: booking,
        ends_at: end,
    };
    assert_eq!(
        agent.frame().await,
        extended,
        "the PC hears of the new end time"
    );

    desk.clock.advance(Duration::minutes(11));
    assert_eq!(
        agent.frame().await,
        DeskFrame::warning(booking, 4, end),
        "the lead is re-armed"
    );
    desk.stop().await;
}

/// What a background agent saw.
#[derive(Debug)]
enum Seen {
    Welcomed,
    Warned(String, u32),
    Ended,
}

/// An agent that acknowledges every warning and reports what it sees.
async fn acking_agent(url: String, pc: String, token: String, seen: mpsc::UnboundedSender<Seen>) {
    let (mut agent, _) = Agent::connect(&url, &pc, &token).await;
    let _ = seen.send(Seen::Welcomed);
    loop {
        match agent.read().await {
            common::Read::Frame(DeskFrame::SessionWarning {
                booking_id,
                minutes_left,
                ..
            }) => {
                agent.ack(booking_id, minutes_left).await;
                let _ = seen.send(Seen::Warned(pc.clone(), minutes_left));
            }
            common::Read::Frame(DeskFrame::SessionEnded { .. }) => {
                let _ = seen.send(Seen::Ended);
            }
            common::Read::Frame(_) => {}
            common::Read::Closed(_) => return,
        }
    }
}

/// The next report of the background agents.
async fn next(seen: &mut mpsc::UnboundedReceiver<Seen>) -> Seen {
    let report = tokio::time::timeout(common::PATIENCE, seen.recv()).await;
    report
        .expect("agents keep reporting")
        .expect("agents keep running")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_pc_delays_none_of_299_others() {
    // The stalled PC's delivery waits a full minute for an ack that never comes; everyone
    // else must be warned long before that.
    let config = LinkConfig {
        ack_timeout: StdDuration::from_secs(60),
        idle_timeout: StdDuration::from_secs(60),
        ..fast_config()
    };
    let desk = TestDesk::start(config).await;
    let names: Vec<String> = (1..=300).map(|i| format!("PC-{i:03}")).collect();
    let csv: String = std::iter::once("name,zone,os".to_owned())
        .chain(names.iter().map(|name| format!("{name},lab,linux")))
        .collect::<Vec<_>>()
        .join("\n");
    let added = desk
        .engine
        .import_pcs(&desk.admin, &csv)
        .await
        .expect("300 PCs import");
    let tokens: HashMap<String, String> = added
        .into_iter()
        .map(|added| (added.pc.name, added.token))
        .collect();
    for name in &names {
        let user = format!("u-{name}");
        desk.add_patron(&user).await;
        desk.start_session(name, &user, 10).await;
    }

    let stalled_name = &names[0];
    let (stalled, _) = Agent::connect(&desk.url, stalled_name, &tokens[stalled_name]).await;
    let (seen_tx, mut seen) = mpsc::unbounded_channel();
    for name in &names[1..] {
        let agent = acking_agent(
            desk.url.clone(),
            name.clone(),
            tokens[name].clone(),
            seen_tx.clone(),
        );
        tokio::spawn(agent);
    }
    drop(seen_tx);
    for _ in 1..300 {
        assert!(
            matches!(next(&mut seen).await, Seen::Welcomed),
            "all connect before the lead"
        );
    }

    desk.clock.advance(Duration::minutes(5));
    let mut warned: HashMap<String, u32> = HashMap::new();
    while warned.len() < 299 {
        match next(&mut seen).await {
            Seen::Warned(pc, minutes) => {
                assert_eq!(minutes, 5, "{pc} is warned with the minutes left");
                assert!(
                    warned.insert(pc.clone(), minutes).is_none(),
                    "{pc} was warned twice"
                );
            }
            other => panic!("only warnings are due now, got {other:?}"),
        }
    }
    assert!(
        !warned.contains_key(stalled_name),
        "the stalled PC cannot have acknowledged"
    );

    desk.clock.advance(Duration::minutes(5));
    let mut ended = 0;
    while ended < 299 {
        match next(&mut seen).await {
            Seen::Ended => ended += 1,
            other => panic!("nothing but the ends may follow one warning each, got {other:?}"),
        }
    }
    drop(stalled);
    desk.stop().await;
}
