//! Real-world faults reported against other booking systems, each pinned by a test: who may
//! end what, ending what already ended, impossible times and clean-up.

use chrono::Duration;
use labdesk_core::{Actor, BookingStatus, EndReason, Status};

use crate::common::{mins, Desk, FakeDelivery};

#[tokio::test]
async fn ending_an_already_ended_booking_is_refused_and_frees_nothing() {
    let desk = Desk::new().await;
    let delivery = FakeDelivery::new();
    let engine = &desk.engine;

    // Ended early, then ended again.
    let first = engine
        .start_session(&desk.staff, "PC-01", "ann", mins(30))
        .await
        .unwrap();
    desk.clock.advance(mins(2));
    engine
        .end_session(&desk.ann, first.booking_id)
        .await
        .unwrap();
    let before = desk.snapshot().await;
    let err = engine
        .end_session(&desk.ann, first.booking_id)
        .await
        .unwrap_err();
    assert_eq!(
        err.code(),
        409,
        "a second end of an ended booking must conflict: {err}"
    );
    assert!(
        err.to_string().contains("already ended"),
        "the message must say why: {err}"
    );
    assert_eq!(
        desk.snapshot().await,
        before,
        "a refused end must change nothing"
    );

    // Expired, and the PC now belongs to someone else.
    let old = engine
        .start_session(&desk.staff, "PC-02", "ann", mins(5))
        .await
        .unwrap();
    desk.clock.advance(mins(5));
    let report = desk.scheduler(&delivery).sweep(desk.now()).await.unwrap();
    assert_eq!(
        report.expired,
        vec![old.booking_id],
        "the old session must expire first"
    );
    let bobs = engine
        .start_session(&desk.staff, "PC-02", "bob", mins(30))
        .await
        .unwrap();
    let before = desk.snapshot().await;
    let err = engine
        .end_session(&desk.ann, old.booking_id)
        .await
        .unwrap_err();
    assert_eq!(
        err.code(),
        409,
        "ending an expired booking must conflict: {err}"
    );
    assert!(err.to_string().contains("already expired"), "{err}");
    assert_eq!(
        desk.snapshot().await,
        before,
        "bob's PC must not be freed from under him"
    );
    assert_eq!(
        engine.pc("PC-02").await.unwrap().booking_status,
        BookingStatus::InUse
    );
    let live = engine
        .session_on_pc("PC-02")
        .await
        .unwrap()
        .expect("bob's session is live");
    assert_eq!(live.booking_id, bobs.booking_id);
}

#[tokio::test]
async fn only_the_owner_or_staff_may_end_a_session() {
    let desk = Desk::new().await;
    let engine = &desk.engine;
    let anns = engine
        .start_session(&desk.staff, "PC-01", "ann", mins(30))
        .await
        .unwrap();
    let bobs = engine
        .start_session(&desk.staff, "PC-02", "bob", mins(30))
        .await
        .unwrap();
    let third = engine
        .start_session(&desk.staff, "PC-03", "bob", mins(30))
        .await
        .unwrap();
    let before = desk.snapshot().await;

    let err = engine
        .end_session(&desk.bob, anns.booking_id)
        .await
        .unwrap_err();
    assert_eq!(
        err.code(),
        403,
        "another patron may not end ann's session: {err}"
    );
    let pc02 = engine.pc("PC-02").await.unwrap();
    let err = engine
        .end_session(&Actor::Pc { id: pc02.id }, anns.booking_id)
        .await
        .unwrap_err();
    assert_eq!(
        err.code(),
        403,
        "another PC may not end ann's session: {err}"
    );
    let err = engine.end_session(&desk.staff, 9_999).await.unwrap_err();
    assert_eq!(err.code(), 404, "an unknown booking is not found: {err}");
    assert_eq!(desk.snapshot().await, before, "refusals change nothing");

    let ended = engine
        .end_session(&desk.ann, anns.booking_id)
        .await
        .unwrap();
    assert_eq!(ended.end_reason, Some(EndReason::EndedByUser));
    assert_eq!(ended.ended_by.as_deref(), Some("ann"));
    let ended = engine
        .end_session(&desk.staff, bobs.booking_id)
        .await
        .unwrap();
    assert_eq!(ended.end_reason, Some(EndReason::EndedByStaff));
    let pc03 = engine.pc("PC-03").await.unwrap();
    let ended = engine
        .end_session(&Actor::Pc { id: pc03.id }, third.booking_id)
        .await
        .unwrap();
    assert_eq!(
        ended.end_reason,
        Some(EndReason::EndedByUser),
        "a PC acts for its patron"
    );
    assert_eq!(ended.ended_by.as_deref(), Some("pc:PC-03"));
    for pc in ["PC-01", "PC-02", "PC-03"] {
        let status = engine.pc(pc).await.unwrap().booking_status;
        assert_eq!(status, BookingStatus::Available, "{pc} is freed by the end");
    }
}

#[tokio::test]
async fn impossible_times_are_refused_and_change_nothing() {
    let desk = Desk::new().await;
    let delivery = FakeDelivery::new();
    let engine = &desk.engine;
    let now = desk.now();
    let live = engine
        .start_session(&desk.staff, "PC-03", "bob", mins(30))
        .await
        .unwrap();
    let before = desk.snapshot().await;

    let cases = [
        (
            "an end in the past",
            now - mins(20),
            now - mins(10),
            "in the past",
        ),
        (
            "start equal to end",
            now + mins(10),
            now + mins(10),
            "no length",
        ),
        (
            "end before start",
            now + mins(20),
            now + mins(10),
            "before the start",
        ),
    ];
    for (what, start, end, says) in cases {
        let err = engine
            .book_session(&desk.staff, "PC-01", "ann", start, end)
            .await
            .unwrap_err();
        assert_eq!(err.code(), 400, "{what} must be a bad request: {err}");
        assert!(
            err.to_string().contains(says),
            "{what}: the message must say why: {err}"
        );
    }
    for duration in [Duration::zero(), mins(-5)] {
        let err = engine
            .start_session(&desk.staff, "PC-01", "ann", duration)
            .await
            .unwrap_err();
        assert_eq!(
            err.code(),
            400,
            "a duration of {duration} must be refused: {err}"
        );
    }
    for by in [Duration::zero(), mins(-40), mins(-10)] {
        let err = engine
            .extend_session(&desk.staff, live.booking_id, by)
            .await
            .unwrap_err();
        assert_eq!(
            err.code(),
            400,
            "an extension of {by} must be refused: {err}"
        );
    }
    assert_eq!(
        desk.snapshot().await,
        before,
        "no row may be created or changed"
    );

    let scheduler = desk.scheduler(&delivery);
    for step in 0..12 {
        desk.clock.set(now + mins(step));
        scheduler.sweep(desk.now()).await.unwrap();
    }
    let warned: Vec<_> = delivery
        .attempts()
        .into_iter()
        .map(|w| w.booking_id)
        .collect();
    assert!(
        warned.iter().all(|id| *id == live.booking_id),
        "no refused booking is warned"
    );
    let report = engine.clean_up(&desk.staff).await.unwrap();
    assert!(
        report.freed.is_empty(),
        "clean-up has nothing to free: {report:?}"
    );
}

#[tokio::test]
async fn clean_up_frees_exactly_the_overdue_sessions_once() {
    let desk = Desk::new().await;
    let engine = &desk.engine;
    engine
        .add_pc(&desk.admin, "PC-04", "Main room", "linux")
        .await
        .unwrap();
    let t = desk.now();

    let ended_ago = engine
        .start_session(&desk.staff, "PC-01", "ann", mins(5))
        .await
        .unwrap();
    let cancelled = engine
        .start_session(&desk.staff, "PC-04", "bob", mins(30))
        .await
        .unwrap();
    desk.clock.set(t + mins(1));
    engine
        .end_session(&desk.staff, cancelled.booking_id)
        .await
        .unwrap();
    desk.clock.set(t + mins(5));
    let ends_now = engine
        .start_session(&desk.staff, "PC-02", "ann", mins(10))
        .await
        .unwrap();
    desk.clock.set(t + mins(6));
    let ends_soon = engine
        .start_session(&desk.staff, "PC-03", "bob", mins(10))
        .await
        .unwrap();
    desk.clock.set(t + mins(15));

    let err = engine.clean_up(&desk.ann).await.unwrap_err();
    assert_eq!(err.code(), 403, "patrons may not clean up: {err}");
    let report = engine.clean_up(&desk.staff).await.unwrap();
    let mut freed: Vec<(i64, String)> = report
        .freed
        .iter()
        .map(|f| (f.booking_id, f.pc.clone()))
        .collect();
    freed.sort();
    assert_eq!(
        freed,
        vec![
            (ended_ago.booking_id, "PC-01".into()),
            (ends_now.booking_id, "PC-02".into())
        ],
        "clean-up frees the one ended 10 min ago and the one ending now, nothing else"
    );
    assert_eq!(report.message, "freed 2 PCs");
    let expired = engine.booking(ended_ago.booking_id).await.unwrap();
    assert_eq!(expired.end_reason, Some(EndReason::Expired));
    assert_eq!(
        expired.ended_at,
        Some(ended_ago.end_time),
        "expiry is the end time, not now"
    );
    let still = engine.booking(ends_soon.booking_id).await.unwrap();
    assert_eq!(
        still.status,
        Status::Confirmed,
        "the session ending in a minute stays live"
    );
    let cancelled = engine.booking(cancelled.booking_id).await.unwrap();
    assert_eq!(
        cancelled.end_reason,
        Some(EndReason::EndedByStaff),
        "cancelled stays so"
    );
    assert_eq!(
        engine.pc("PC-03").await.unwrap().booking_status,
        BookingStatus::InUse
    );

    let again = engine.clean_up(&desk.staff).await.unwrap();
    assert!(
        again.freed.is_empty(),
        "a second clean-up frees nothing: {again:?}"
    );
}
