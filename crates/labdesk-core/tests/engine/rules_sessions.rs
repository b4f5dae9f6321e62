//! Session rules: start, book, extend, cancel and the live list, with each refusal's code,
//! message and an unchanged store.

use chrono::Duration;
use labdesk_core::{BookingStatus, DeskEvent, EndReason, Status};

use crate::common::{mins, Desk, FakeDelivery};

#[tokio::test]
async fn starting_a_session_is_refused_for_unknown_names_patrons_and_busy_pcs() {
    let desk = Desk::new().await;
    desk.engine
        .start_session(&desk.staff, "PC-01", "ann", mins(30))
        .await
        .unwrap();
    let before = desk.snapshot().await;

    let err = desk
        .engine
        .start_session(&desk.staff, "PC-77", "ann", mins(30))
        .await
        .unwrap_err();
    assert_eq!(err.code(), 404, "{err}");
    let err = desk
        .engine
        .start_session(&desk.staff, "PC-02", "zed", mins(30))
        .await
        .unwrap_err();
    assert_eq!(err.code(), 404, "{err}");
    assert!(err.to_string().contains("no user named \"zed\""), "{err}");
    let err = desk
        .engine
        .start_session(&desk.ann, "PC-02", "ann", mins(30))
        .await
        .unwrap_err();
    assert_eq!(err.code(), 403, "patrons may not start sessions: {err}");
    let err = desk
        .engine
        .start_session(&desk.staff, "PC-01", "bob", mins(30))
        .await
        .unwrap_err();
    assert_eq!(
        err.code(),
        409,
        "a PC in use cannot be started again: {err}"
    );
    assert_eq!(
        desk.snapshot().await,
        before,
        "refused starts change nothing"
    );
}

#[tokio::test]
async fn starting_a_session_makes_it_live_at_once() {
    let desk = Desk::new().await;
    let mut events = desk.engine.subscribe();
    let session = desk
        .engine
        .start_session(&desk.staff, "PC-02", "ann", mins(45))
        .await
        .unwrap();
    assert_eq!(session.start_time, desk.now());
    assert_eq!(session.end_time, desk.now() + mins(45));
    assert_eq!(
        (session.user.as_str(), session.display_name.as_str()),
        ("ann", "Ann")
    );
    assert_eq!(
        desk.engine.pc("PC-02").await.unwrap().booking_status,
        BookingStatus::InUse
    );
    match events.try_recv().unwrap() {
        DeskEvent::SessionStarted { session: s } => assert_eq!(s, session),
        other => panic!("the first event must be session_started, got {other:?}"),
    }
    let live = desk.engine.live_sessions().await.unwrap();
    assert_eq!(live, vec![session]);
    assert!(
        desk.engine.session_on_pc("PC-01").await.unwrap().is_none(),
        "PC-01 is free"
    );
    let err = desk.engine.session_on_pc("PC-77").await.unwrap_err();
    assert_eq!(err.code(), 404);
}

#[tokio::test]
async fn a_booking_ahead_goes_live_at_its_start() {
    let desk = Desk::new().await;
    let delivery = FakeDelivery::new();
    let scheduler = desk.scheduler(&delivery);
    let t = desk.now();
    let mut events = desk.engine.subscribe();
    let booking = desk
        .engine
        .book_session(&desk.staff, "PC-01", "ann", t + mins(10), t + mins(40));
    let booking = booking.await.unwrap();
    assert_eq!(booking.status, Status::Confirmed);
    assert!(matches!(
        events.try_recv(),
        Ok(DeskEvent::BookingCreated { .. })
    ));

    scheduler.sweep(t + mins(9)).await.unwrap();
    assert!(
        desk.engine.live_sessions().await.unwrap().is_empty(),
        "not live before its start"
    );
    assert_eq!(
        desk.engine.pc("PC-01").await.unwrap().booking_status,
        BookingStatus::Available
    );

    desk.clock.set(t + mins(10));
    let report = scheduler.sweep(desk.now()).await.unwrap();
    assert_eq!(report.started, vec![booking.id]);
    assert_eq!(
        desk.engine.pc("PC-01").await.unwrap().booking_status,
        BookingStatus::InUse
    );
    let started = std::iter::from_fn(|| events.try_recv().ok())
        .find_map(|e| match e {
            DeskEvent::SessionStarted { session } => Some(session),
            _ => None,
        })
        .expect("session_started is published");
    assert_eq!(started.booking_id, booking.id);
    let again = scheduler
        .sweep(desk.now() + Duration::seconds(1))
        .await
        .unwrap();
    assert!(again.started.is_empty(), "a booking starts once");
}

#[tokio::test]
async fn extending_is_refused_into_the_next_booking_and_for_ended_sessions() {
    let desk = Desk::new().await;
    let t = desk.now();
    let live = desk
        .engine
        .start_session(&desk.staff, "PC-01", "ann", mins(30))
        .await
        .unwrap();
    desk.engine
        .book_session(&desk.staff, "PC-01", "bob", t + mins(40), t + mins(60))
        .await
        .unwrap();
    let before = desk.snapshot().await;

    let err = desk
        .engine
        .extend_session(&desk.staff, live.booking_id, mins(15))
        .await
        .unwrap_err();
    assert_eq!(
        err.code(),
        409,
        "the extra time overlaps bob's booking: {err}"
    );
    let err = desk
        .engine
        .extend_session(&desk.ann, live.booking_id, mins(5))
        .await
        .unwrap_err();
    assert_eq!(err.code(), 403, "patrons may not extend: {err}");
    let err = desk
        .engine
        .extend_session(&desk.staff, 9_999, mins(5))
        .await
        .unwrap_err();
    assert_eq!(err.code(), 404, "{err}");
    assert_eq!(
        desk.snapshot().await,
        before,
        "refused extensions change nothing"
    );

    let extended = desk
        .engine
        .extend_session(&desk.staff, live.booking_id, mins(10))
        .await;
    assert_eq!(
        extended.unwrap().end_time,
        t + mins(40),
        "up to bob's start is free"
    );
    desk.engine
        .end_session(&desk.staff, live.booking_id)
        .await
        .unwrap();
    let err = desk
        .engine
        .extend_session(&desk.staff, live.booking_id, mins(1))
        .await
        .unwrap_err();
    assert_eq!(
        err.code(),
        409,
        "an ended session cannot be extended: {err}"
    );
}

#[tokio::test]
async fn extending_past_a_warning_lead_warns_again() {
    let desk = Desk::new().await;
    let delivery = FakeDelivery::new();
    let scheduler = desk.scheduler(&delivery);
    let t = desk.now();
    let live = desk
        .engine
        .start_session(&desk.staff, "PC-01", "ann", mins(10))
        .await
        .unwrap();
    desk.clock.set(t + mins(5));
    scheduler.sweep(desk.now()).await.unwrap();
    assert_eq!(delivery.attempts().len(), 1);

    let session = desk
        .engine
        .extend_session(&desk.staff, live.booking_id, mins(10))
        .await
        .unwrap();
    assert_eq!(session.warned_minutes, None, "the warning is armed again");
    scheduler.sweep(t + mins(9)).await.unwrap();
    assert_eq!(
        delivery.attempts().len(),
        1,
        "not due again before its new lead"
    );
    desk.clock.set(t + mins(15));
    scheduler.sweep(desk.now()).await.unwrap();
    let attempts = delivery.attempts();
    assert_eq!(
        attempts.len(),
        2,
        "warned again at the new lead: {attempts:?}"
    );
    assert_eq!(attempts[1].ends_at, t + mins(20));
    assert_eq!(attempts[1].minutes_left, 5);
}

#[tokio::test]
async fn only_upcoming_bookings_are_cancelled_and_only_by_their_owner_or_staff() {
    let desk = Desk::new().await;
    let t = desk.now();
    let ahead = desk
        .engine
        .book_session(&desk.staff, "PC-01", "ann", t + mins(30), t + mins(60));
    let ahead = ahead.await.unwrap();
    let live = desk
        .engine
        .start_session(&desk.staff, "PC-02", "ann", mins(30))
        .await
        .unwrap();
    let before = desk.snapshot().await;

    let err = desk
        .engine
        .cancel_booking(&desk.bob, ahead.id)
        .await
        .unwrap_err();
    assert_eq!(err.code(), 403, "{err}");
    let err = desk
        .engine
        .cancel_booking(&desk.ann, live.booking_id)
        .await
        .unwrap_err();
    assert_eq!(
        err.code(),
        409,
        "a live session is ended, not cancelled: {err}"
    );
    let err = desk
        .engine
        .cancel_booking(&desk.ann, 9_999)
        .await
        .unwrap_err();
    assert_eq!(err.code(), 404, "{err}");
    let err = desk
        .engine
        .end_session(&desk.ann, ahead.id)
        .await
        .unwrap_err();
    assert_eq!(err.code(), 409, "an upcoming booking is not ended: {err}");
    assert!(err.to_string().contains("has not started yet"), "{err}");
    assert_eq!(desk.snapshot().await, before, "refusals change nothing");

    let cancelled = desk
        .engine
        .cancel_booking(&desk.ann, ahead.id)
        .await
        .unwrap();
    assert_eq!(cancelled.status, Status::Cancelled);
    assert_eq!(cancelled.end_reason, Some(EndReason::Cancelled));
    let err = desk
        .engine
        .cancel_booking(&desk.staff, ahead.id)
        .await
        .unwrap_err();
    assert_eq!(
        err.code(),
        409,
        "a cancelled booking cannot be cancelled again: {err}"
    );
    let slot = desk
        .engine
        .book_session(&desk.staff, "PC-01", "bob", t + mins(30), t + mins(60));
    assert!(slot.await.is_ok(), "a cancelled booking frees its slot");
}

#[tokio::test]
async fn the_live_list_shows_only_live_sessions_soonest_end_first() {
    let desk = Desk::new().await;
    let t = desk.now();
    let long = desk
        .engine
        .start_session(&desk.staff, "PC-01", "ann", mins(60))
        .await
        .unwrap();
    let short = desk
        .engine
        .start_session(&desk.staff, "PC-02", "bob", mins(20))
        .await
        .unwrap();
    desk.engine
        .book_session(&desk.staff, "PC-03", "bob", t + mins(5), t + mins(50))
        .await
        .unwrap();
    let ended = desk
        .engine
        .start_session(&desk.staff, "PC-03", "ann", mins(5))
        .await
        .unwrap();
    desk.engine
        .end_session(&desk.staff, ended.booking_id)
        .await
        .unwrap();

    let ids: Vec<i64> = desk
        .engine
        .live_sessions()
        .await
        .unwrap()
        .iter()
        .map(|s| s.booking_id)
        .collect();
    assert_eq!(
        ids,
        [short.booking_id, long.booking_id],
        "upcoming and ended are not listed"
    );
}

#[tokio::test]
async fn a_booking_whose_start_has_passed_is_live_at_once() {
    let desk = Desk::new().await;
    let t = desk.now();
    let mut events = desk.engine.subscribe();
    let booking = desk
        .engine
        .book_session(&desk.staff, "PC-01", "ann", t - mins(5), t + mins(25));
    let booking = booking.await.unwrap();

    let started = std::iter::from_fn(|| events.try_recv().ok())
        .find_map(|e| match e {
            DeskEvent::SessionStarted { session } => Some(session),
            _ => None,
        })
        .expect("session_started is published for a booking that is already live");
    assert_eq!(started.booking_id, booking.id);
    assert_eq!(
        desk.engine.pc("PC-01").await.unwrap().booking_status,
        BookingStatus::InUse
    );
    let report = FakeDelivery::new();
    let swept = desk.scheduler(&report).sweep(desk.now()).await.unwrap();
    assert!(swept.started.is_empty(), "it is not started a second time");
}
