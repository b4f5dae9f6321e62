//! Real-world faults about concurrency: expiry racing an early end, and two requests racing
//! for one slot. Both run on two worker threads so the requests really overlap.

use std::sync::Arc;

use chrono::Duration;
use labdesk_core::{BookingStatus, EndReason, Status};

use crate::common::{mins, Desk, FakeDelivery};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expiry_and_early_end_race_to_exactly_one_final_state() {
    let desk = Desk::new().await;
    let delivery = FakeDelivery::new();
    let scheduler = desk.scheduler(&delivery);
    let (mut expired_wins, mut end_wins) = (0, 0);

    for run in 0..100 {
        let session = desk
            .engine
            .start_session(&desk.staff, "PC-01", "ann", mins(1))
            .await
            .unwrap();
        let end = session.end_time;
        // The patron's clock still reads just before the end; the scheduler's pass is at it.
        desk.clock.set(end - Duration::milliseconds(1));
        let (swept, ended) = tokio::join!(
            scheduler.sweep(end),
            desk.engine.end_session(&desk.ann, session.booking_id)
        );
        let swept = swept.unwrap();
        let booking = desk.engine.booking(session.booking_id).await.unwrap();
        match ended {
            Ok(_) => {
                end_wins += 1;
                assert!(
                    swept.expired.is_empty(),
                    "run {run}: the expiry must lose to the end"
                );
                assert_eq!(booking.status, Status::Cancelled, "run {run}");
                assert_eq!(
                    booking.end_reason,
                    Some(EndReason::EndedByUser),
                    "run {run}"
                );
            }
            Err(err) => {
                expired_wins += 1;
                assert_eq!(
                    err.code(),
                    409,
                    "run {run}: the losing end gets a conflict: {err}"
                );
                assert_eq!(swept.expired, vec![session.booking_id], "run {run}");
                assert_eq!(booking.status, Status::Completed, "run {run}");
                assert_eq!(booking.end_reason, Some(EndReason::Expired), "run {run}");
                assert_eq!(
                    booking.ended_at,
                    Some(end),
                    "run {run}: expiry is the end time"
                );
            }
        }
        // Whatever won, a later pass must not bring it back or end it twice.
        desk.clock.set(end + mins(1));
        let again = scheduler.sweep(desk.now()).await.unwrap();
        assert!(
            again.expired.is_empty(),
            "run {run}: nothing is left to expire"
        );
        assert_eq!(
            desk.engine.booking(session.booking_id).await.unwrap(),
            booking
        );
        let pc = desk.engine.pc("PC-01").await.unwrap();
        assert_eq!(
            pc.booking_status,
            BookingStatus::Available,
            "run {run}: the PC is free"
        );
    }
    eprintln!("expiry won {expired_wins}, early end won {end_wins}");
    assert_eq!(expired_wins + end_wins, 100);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn overlapping_bookings_are_refused_and_one_of_two_racers_wins() {
    let desk = Desk::new().await;
    let engine = &desk.engine;
    let t = desk.now();
    let live = engine
        .start_session(&desk.staff, "PC-01", "ann", mins(30))
        .await
        .unwrap();

    let before = desk.snapshot().await;
    let err = engine
        .book_session(&desk.staff, "PC-01", "bob", t + mins(10), t + mins(20))
        .await
        .unwrap_err();
    assert_eq!(
        err.code(),
        409,
        "a booking inside a live one must conflict: {err}"
    );
    assert!(err.to_string().contains("PC-01 is booked"), "{err}");
    assert_eq!(
        desk.snapshot().await,
        before,
        "the refused booking leaves no row"
    );
    let next = engine
        .book_session(&desk.staff, "PC-01", "bob", live.end_time, t + mins(60))
        .await;
    assert!(
        next.is_ok(),
        "back-to-back is allowed (half-open intervals): {next:?}"
    );

    let engine = Arc::new(engine.clone());
    for slot in 0..20 {
        let start = t + mins(60 + slot * 30);
        let (a, b) = tokio::join!(
            engine.book_session(&desk.staff, "PC-02", "ann", start, start + mins(30)),
            engine.book_session(&desk.staff, "PC-02", "bob", start, start + mins(30)),
        );
        let wins = [a.is_ok(), b.is_ok()].iter().filter(|ok| **ok).count();
        assert_eq!(
            wins, 1,
            "slot {slot}: exactly one of two racers gets the slot"
        );
        let loser = a.err().or(b.err()).expect("one request lost");
        assert_eq!(
            loser.code(),
            409,
            "slot {slot}: the loser gets a conflict: {loser}"
        );
    }
}
