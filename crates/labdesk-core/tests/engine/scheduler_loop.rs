//! The scheduler as it runs: its own task woken by the clock and by booking changes, failed
//! deliveries retried, and a dead PC that never holds up the others.

use std::time::Duration as StdDuration;

use chrono::Duration;
use labdesk_core::{DeskEvent, EndReason, Scheduler};

use crate::common::{mins, wait_for, Desk, FakeDelivery};

/// Waits (up to 20 s) until the fake delivery has seen `count` attempts.
async fn wait_attempts(delivery: &FakeDelivery, count: usize) {
    tokio::time::timeout(StdDuration::from_secs(20), async {
        while delivery.attempts().len() < count {
            tokio::time::sleep(StdDuration::from_millis(10)).await;
        }
    })
    .await
    .expect("the scheduler never attempted the delivery");
}

#[tokio::test]
async fn the_running_scheduler_expires_a_session_when_the_clock_reaches_its_end() {
    let desk = Desk::new().await;
    let delivery = FakeDelivery::new();
    let mut events = desk.engine.subscribe();
    let handle = Scheduler::spawn(desk.engine.clone(), delivery.clone());
    let session = desk
        .engine
        .start_session(&desk.staff, "PC-01", "ann", mins(10))
        .await
        .unwrap();

    desk.clock.advance(mins(5));
    let warned = wait_for(&mut events, |e| match e {
        DeskEvent::SessionWarned {
            booking_id,
            minutes_left,
            ..
        } => Some((*booking_id, *minutes_left)),
        _ => None,
    })
    .await;
    assert_eq!(warned, (session.booking_id, 5));

    desk.clock.advance(mins(5));
    let reason = wait_for(&mut events, |e| match e {
        DeskEvent::SessionEnded {
            booking_id, reason, ..
        } if *booking_id == session.booking_id => Some(*reason),
        _ => None,
    })
    .await;
    assert_eq!(reason, EndReason::Expired);
    assert!(handle.is_running());
    handle.stop().await;
    assert_eq!(
        delivery.attempts().len(),
        1,
        "one warning, nothing after the end"
    );
}

#[tokio::test]
async fn the_running_scheduler_wakes_for_a_booking_made_while_it_sleeps() {
    let desk = Desk::new().await;
    let delivery = FakeDelivery::new();
    let mut events = desk.engine.subscribe();
    let handle = Scheduler::spawn(desk.engine.clone(), delivery.clone());
    let t = desk.now();
    let booking = desk
        .engine
        .book_session(&desk.staff, "PC-02", "bob", t + mins(1), t + mins(30));
    let booking = booking.await.unwrap();

    desk.clock.set(t + mins(1));
    let started = wait_for(&mut events, |e| match e {
        DeskEvent::SessionStarted { session } => Some(session.booking_id),
        _ => None,
    })
    .await;
    assert_eq!(started, booking.id);
    handle.stop().await;
}

#[tokio::test]
async fn a_dead_pc_does_not_hold_up_the_others() {
    let desk = Desk::new().await;
    let delivery = FakeDelivery::new();
    delivery.hang("PC-01");
    let dead = desk
        .engine
        .start_session(&desk.staff, "PC-01", "ann", mins(10))
        .await
        .unwrap();
    let alive = desk
        .engine
        .start_session(&desk.staff, "PC-02", "bob", mins(10))
        .await
        .unwrap();

    desk.clock.advance(mins(5));
    let report = desk.scheduler(&delivery).sweep(desk.now()).await.unwrap();
    assert_eq!(
        report.warned,
        vec![alive.booking_id],
        "the live PC is warned"
    );
    assert_eq!(
        report.failed,
        vec![dead.booking_id],
        "the dead PC times out and is retried"
    );
    let live = desk.engine.session_on_pc("PC-01").await.unwrap().unwrap();
    assert_eq!(
        live.warned_minutes, None,
        "an unacknowledged warning is not recorded"
    );
}

#[tokio::test]
async fn a_failed_warning_is_retried_after_the_interval_with_fresh_minutes() {
    let desk = Desk::new().await;
    let delivery = FakeDelivery::new();
    let scheduler = desk
        .scheduler(&delivery)
        .with_retry_interval(StdDuration::from_secs(60));
    let t = desk.now();
    let session = desk
        .engine
        .start_session(&desk.staff, "PC-01", "ann", mins(10))
        .await
        .unwrap();

    delivery.fail("PC-01", true);
    desk.clock.set(t + mins(5));
    let report = scheduler.sweep(desk.now()).await.unwrap();
    assert_eq!(report.failed, vec![session.booking_id]);
    delivery.fail("PC-01", false);
    desk.clock.set(t + mins(5) + Duration::seconds(30));
    scheduler.sweep(desk.now()).await.unwrap();
    assert_eq!(
        delivery.attempts().len(),
        1,
        "not retried before the interval"
    );

    desk.clock.set(t + mins(6) + Duration::seconds(1));
    let report = scheduler.sweep(desk.now()).await.unwrap();
    assert_eq!(
        report.warned,
        vec![session.booking_id],
        "retried after the interval"
    );
    let attempts = delivery.attempts();
    assert_eq!(
        attempts[1].minutes_left, 4,
        "minutes_left is recomputed at each attempt"
    );
    scheduler
        .sweep(desk.now() + Duration::seconds(30))
        .await
        .unwrap();
    assert_eq!(
        delivery.attempts().len(),
        2,
        "nothing after the acknowledged warning"
    );
}

#[tokio::test]
async fn a_failed_warning_is_sent_at_once_when_the_pc_comes_online() {
    let desk = Desk::new().await;
    let delivery = FakeDelivery::new();
    delivery.fail("PC-01", true);
    let mut events = desk.engine.subscribe();
    let handle = Scheduler::new(desk.engine.clone(), delivery.clone())
        .with_retry_interval(StdDuration::from_secs(3_600))
        .run();
    let t = desk.now();
    let session = desk
        .engine
        .start_session(&desk.staff, "PC-01", "ann", mins(10))
        .await
        .unwrap();

    desk.clock.set(t + mins(5));
    wait_attempts(&delivery, 1).await;
    desk.clock.set(t + mins(6) + Duration::seconds(30));
    delivery.fail("PC-01", false);
    desk.engine.set_pc_online("PC-01", true).await.unwrap();
    let warned = wait_for(&mut events, |e| match e {
        DeskEvent::SessionWarned {
            booking_id,
            minutes_left,
            ..
        } => Some((*booking_id, *minutes_left)),
        _ => None,
    })
    .await;
    assert_eq!(
        warned,
        (session.booking_id, 4),
        "sent on reconnection, minutes recomputed"
    );
    handle.stop().await;
}

#[tokio::test]
async fn no_warning_is_sent_once_the_booking_ended() {
    let desk = Desk::new().await;
    let delivery = FakeDelivery::new();
    let scheduler = desk
        .scheduler(&delivery)
        .with_retry_interval(StdDuration::from_secs(1));
    let t = desk.now();
    let session = desk
        .engine
        .start_session(&desk.staff, "PC-01", "ann", mins(10))
        .await
        .unwrap();
    delivery.fail("PC-01", true);
    desk.clock.set(t + mins(5));
    scheduler.sweep(desk.now()).await.unwrap();
    desk.engine
        .end_session(&desk.staff, session.booking_id)
        .await
        .unwrap();
    delivery.fail("PC-01", false);

    for second in 1..=400 {
        scheduler
            .sweep(t + mins(5) + Duration::seconds(second))
            .await
            .unwrap();
    }
    assert_eq!(
        delivery.attempts().len(),
        1,
        "the ended booking is never warned again"
    );
}

#[tokio::test]
async fn a_clock_stepped_back_fires_nothing_early() {
    let desk = Desk::new().await;
    let delivery = FakeDelivery::new();
    let scheduler = desk.scheduler(&delivery);
    let t = desk.now();
    let session = desk
        .engine
        .start_session(&desk.staff, "PC-01", "ann", mins(10))
        .await
        .unwrap();

    desk.clock.set(t - mins(60));
    let report = scheduler.sweep(desk.now()).await.unwrap();
    assert!(
        report.expired.is_empty() && report.warned.is_empty(),
        "{report:?}"
    );
    assert_eq!(
        report.next_due,
        Some(t + mins(5)),
        "the next due instant is the warning lead, nothing earlier"
    );
    desk.clock.set(t + mins(12));
    let report = scheduler.sweep(desk.now()).await.unwrap();
    assert_eq!(
        report.expired,
        vec![session.booking_id],
        "a step forward expires at once"
    );
    assert!(
        delivery.attempts().is_empty(),
        "an overdue booking is expired, never warned late"
    );
}

#[tokio::test]
async fn a_delivery_that_panics_is_tried_again_at_the_next_pass() {
    let desk = Desk::new().await;
    let delivery = FakeDelivery::new();
    let scheduler = desk.scheduler(&delivery);
    let session = desk
        .engine
        .start_session(&desk.staff, "PC-01", "ann", mins(10))
        .await
        .unwrap();
    delivery.panic_once("PC-01");

    desk.clock.advance(mins(5));
    let report = scheduler.sweep(desk.now()).await.unwrap();
    assert!(
        report.warned.is_empty(),
        "the panicking delivery is not counted as delivered"
    );
    desk.clock.advance(Duration::seconds(1));
    let report = scheduler.sweep(desk.now()).await.unwrap();
    assert_eq!(
        report.warned,
        vec![session.booking_id],
        "the warning is not stuck in flight"
    );
    assert_eq!(delivery.attempts().len(), 2);
}

/// A wall clock that can be stepped without telling anyone, as NTP or a suspend would.
struct SilentClock(labdesk_core::ManualClock);

impl labdesk_core::Clock for SilentClock {
    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        labdesk_core::Clock::now(&self.0)
    }
}

#[tokio::test]
async fn a_silent_clock_step_is_noticed_within_the_loops_second() {
    let mut desk = Desk::new().await;
    let silent = std::sync::Arc::new(SilentClock(desk.clock.clone()));
    desk.engine.close().await;
    let config = labdesk_core::EngineConfig::default();
    let path = desk.dir.path().join("desk.db");
    desk.engine = labdesk_core::Engine::open(path, silent, config)
        .await
        .unwrap();
    let session = desk
        .engine
        .start_session(&desk.staff, "PC-01", "ann", mins(4))
        .await
        .unwrap();
    let delivery = FakeDelivery::new();
    let mut events = desk.engine.subscribe();
    let handle = Scheduler::spawn(desk.engine.clone(), delivery.clone());
    // The loop's first pass warns; after it the loop sleeps towards the session's end.
    wait_for(&mut events, |e| {
        matches!(e, DeskEvent::SessionWarned { .. }).then_some(())
    })
    .await;

    // Suspend for an hour: nothing wakes the loop; it must notice on its own.
    desk.clock.advance(mins(60));
    let reason = wait_for(&mut events, |e| match e {
        DeskEvent::SessionEnded {
            booking_id, reason, ..
        } if *booking_id == session.booking_id => Some(*reason),
        _ => None,
    })
    .await;
    assert_eq!(reason, EndReason::Expired);
    handle.stop().await;
    assert_eq!(
        delivery.attempts().len(),
        1,
        "nothing is sent after the end"
    );
}

#[tokio::test]
async fn an_acknowledgement_that_arrives_after_an_extension_does_not_count_for_the_new_end() {
    let desk = Desk::new().await;
    let delivery = FakeDelivery::new();
    let gate = delivery.hold("PC-01");
    let scheduler = Scheduler::new(desk.engine.clone(), delivery.clone())
        .with_delivery_timeout(StdDuration::from_secs(20));
    let session = desk
        .engine
        .start_session(&desk.staff, "PC-01", "ann", mins(10))
        .await
        .unwrap();

    desk.clock.advance(mins(5));
    let now = desk.now();
    let sweeping = tokio::spawn(async move { scheduler.sweep(now).await });
    wait_attempts(&delivery, 1).await;
    let extended = desk
        .engine
        .extend_session(&desk.staff, session.booking_id, mins(15))
        .await
        .unwrap();
    gate.add_permits(1);
    sweeping.await.unwrap().unwrap();

    let live = desk.engine.live_sessions().await.unwrap();
    assert_eq!(
        live[0].warned_minutes, None,
        "the PC acknowledged the warning for the old end; the new end's lead must stay armed"
    );

    gate.add_permits(1);
    desk.clock.set(extended.end_time - mins(5));
    let scheduler = Scheduler::new(desk.engine.clone(), delivery.clone())
        .with_delivery_timeout(StdDuration::from_secs(20));
    scheduler.sweep(desk.now()).await.unwrap();
    let attempts = delivery.attempts();
    assert_eq!(
        attempts.len(),
        2,
        "the re-armed lead is warned again before the new end: {attempts:?}"
    );
    assert_eq!(
        attempts[1].ends_at, extended.end_time,
        "the warning names the new end"
    );
    assert_eq!(
        attempts[1].minutes_left, 5,
        "five minutes before the new end"
    );
}
