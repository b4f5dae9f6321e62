//! Real-world faults about time: repeated or restarted warnings, downtime catch-up, and the
//! rounding of `minutes_left`.

use std::collections::HashMap;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use labdesk_core::{DeskEvent, EndReason, EngineConfig, Scheduler};

use crate::common::{mins, wait_for, Desk, FakeDelivery};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn warning_is_sent_once_however_often_the_scheduler_sweeps() {
    let desk = Desk::new().await;
    let delivery = FakeDelivery::new();
    let session = desk
        .engine
        .start_session(&desk.staff, "PC-01", "ann", mins(10))
        .await
        .unwrap();
    let first = desk.scheduler(&delivery);
    let second = desk.scheduler(&delivery);

    desk.clock.advance(mins(5));
    let now = desk.now();
    let (a, b) = tokio::join!(first.sweep(now), second.sweep(now));
    a.unwrap();
    b.unwrap();
    for step in [Duration::seconds(30), Duration::seconds(30)] {
        desk.clock.advance(step);
        first.sweep(desk.now()).await.unwrap();
    }

    let attempts = delivery.attempts();
    assert_eq!(
        attempts.len(),
        1,
        "the PC must get exactly one warning: {attempts:?}"
    );
    assert_eq!(attempts[0].booking_id, session.booking_id);
    assert_eq!(attempts[0].minutes_left, 5);
    assert_eq!(attempts[0].message, "Session ends in 5 min");
    let live = desk.engine.session_on_pc("PC-01").await.unwrap().unwrap();
    assert_eq!(
        live.warned_minutes,
        Some(5),
        "the console shows the warning was delivered"
    );
}

#[tokio::test]
async fn warning_is_not_repeated_after_a_restart() {
    let mut desk = Desk::new().await;
    let delivery = FakeDelivery::new();
    desk.engine
        .start_session(&desk.staff, "PC-01", "ann", mins(10))
        .await
        .unwrap();
    desk.clock.advance(mins(5));
    desk.scheduler(&delivery).sweep(desk.now()).await.unwrap();
    assert_eq!(
        delivery.attempts().len(),
        1,
        "warned once before the restart"
    );

    desk.reopen(EngineConfig::default()).await;
    let scheduler = Scheduler::new(desk.engine.clone(), delivery.clone());
    for _ in 0..3 {
        desk.clock.advance(Duration::seconds(30));
        scheduler.sweep(desk.now()).await.unwrap();
    }
    assert_eq!(
        delivery.attempts().len(),
        1,
        "a restart must not repeat a delivered warning"
    );
}

#[tokio::test]
async fn downtime_expires_without_warning_and_warns_the_rest_once() {
    let mut desk = Desk::new().await;
    let delivery = FakeDelivery::new();
    let t = desk.now();
    let short = desk
        .engine
        .start_session(&desk.staff, "PC-01", "ann", mins(3))
        .await
        .unwrap();
    let long = desk
        .engine
        .start_session(&desk.staff, "PC-02", "bob", mins(10))
        .await
        .unwrap();

    // The desk is down from T to T+8 min.
    desk.engine.close().await;
    desk.clock.set(t + mins(8));
    desk.reopen(EngineConfig::default()).await;
    let mut events = desk.engine.subscribe();
    let handle = Scheduler::new(desk.engine.clone(), delivery.clone())
        .with_delivery_timeout(StdDuration::from_secs(5))
        .run();

    let expired = wait_for(&mut events, |event| match event {
        DeskEvent::SessionEnded {
            booking_id, reason, ..
        } if *booking_id == short.booking_id => Some(*reason),
        _ => None,
    })
    .await;
    assert_eq!(expired, EndReason::Expired);
    let booking = desk.engine.booking(short.booking_id).await.unwrap();
    assert_eq!(
        booking.ended_at,
        Some(t + mins(3)),
        "expiry is its end time, not start-up"
    );
    let minutes = wait_for(&mut events, |event| match event {
        DeskEvent::SessionWarned {
            booking_id,
            minutes_left,
            ..
        } if *booking_id == long.booking_id => Some(*minutes_left),
        _ => None,
    })
    .await;
    assert_eq!(
        minutes, 2,
        "the booking ending at T+10 is warned with 2 minutes left"
    );

    desk.clock.set(t + mins(10));
    wait_for(&mut events, |event| match event {
        DeskEvent::SessionEnded { booking_id, .. } if *booking_id == long.booking_id => Some(()),
        _ => None,
    })
    .await;
    handle.stop().await;
    let attempts = delivery.attempts();
    assert_eq!(
        attempts.len(),
        1,
        "only the long booking is warned, once: {attempts:?}"
    );
    let booking = desk.engine.booking(long.booking_id).await.unwrap();
    assert_eq!(booking.ended_at, Some(t + mins(10)));
}

#[tokio::test]
async fn warnings_come_once_at_their_lead_with_minutes_rounded_up() {
    let desk = Desk::new().await;
    let delivery = FakeDelivery::new();
    let scheduler = desk.scheduler(&delivery);
    let t = desk.now();
    let ten = desk
        .engine
        .start_session(&desk.staff, "PC-01", "ann", mins(10))
        .await
        .unwrap();
    let odd = desk
        .engine
        .start_session(&desk.staff, "PC-02", "bob", mins(5) + Duration::seconds(59))
        .await
        .unwrap();

    // A pass every second from T to past every end; at T+1 min a 2-minute session starts.
    let mut two = None;
    let mut warned_at: HashMap<i64, Vec<DateTime<Utc>>> = HashMap::new();
    for second in 0..=11 * 60 {
        desk.clock.set(t + Duration::seconds(second));
        if second == 60 {
            let session = desk
                .engine
                .start_session(&desk.staff, "PC-03", "ann", mins(2));
            two = Some(session.await.unwrap());
        }
        let report = scheduler.sweep(desk.now()).await.unwrap();
        for id in report.warned {
            warned_at.entry(id).or_default().push(desk.now());
        }
    }
    let two = two.expect("the late session was created");

    assert_eq!(
        warned_at[&ten.booking_id],
        vec![t + mins(5)],
        "warned once, at T+5 min"
    );
    let odd_at = t + Duration::seconds(59);
    assert_eq!(
        warned_at[&odd.booking_id],
        vec![odd_at],
        "warned once, as its window opens"
    );
    assert_eq!(
        warned_at[&two.booking_id],
        vec![t + mins(1)],
        "warned at once when created late"
    );
    let minutes: HashMap<i64, i64> = delivery
        .attempts()
        .iter()
        .map(|w| (w.booking_id, w.minutes_left))
        .collect();
    assert_eq!(minutes[&ten.booking_id], 5);
    assert_eq!(minutes[&odd.booking_id], 5, "5 min 0 s left is 5");
    assert_eq!(minutes[&two.booking_id], 2);
    assert_eq!(
        delivery.attempts().len(),
        3,
        "one warning per booking, never after the end"
    );
    assert!(
        delivery.attempts().iter().all(|w| w.minutes_left > 0),
        "never 0 minutes"
    );
}
