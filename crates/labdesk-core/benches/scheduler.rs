//! Scheduler costs: one pass beside 1,000 live sessions with a little or a lot of history,
//! 1,000 sessions expiring in the same second, and 1,000 warnings due at once.

mod support;

use std::sync::Arc;
use std::time::{Duration as StdDuration, Instant};

use async_trait::async_trait;
use chrono::Duration;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use labdesk_core::{Delivery, DeliveryError, Scheduler, Warning};
use tokio::runtime::Runtime;

use support::now;

/// A PC link whose every PC acknowledges at once.
struct InstantAck;

#[async_trait]
impl Delivery for InstantAck {
    async fn deliver_warning(&self, _warning: &Warning) -> Result<(), DeliveryError> {
        Ok(())
    }
}

fn runtime() -> Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn tick(c: &mut Criterion) {
    let rt = runtime();
    let mut group = c.benchmark_group("tick_beside_1000_live");
    group.sample_size(50);
    for past in [1_000usize, 1_000_000] {
        let seeded = rt.block_on(async {
            let seeded = support::desk(1_000).await;
            seeded.add_past(past).await;
            seeded.add_live(1_000, Duration::hours(2)).await;
            seeded
        });
        let scheduler = Scheduler::new(seeded.engine.clone(), Arc::new(InstantAck));
        group.bench_with_input(BenchmarkId::new("past_bookings", past), &past, |b, _| {
            b.to_async(&rt).iter(|| async {
                let report = scheduler.sweep(now()).await.unwrap();
                assert!(report.expired.is_empty() && report.warned.is_empty());
            });
        });
    }
    group.finish();
}

fn expire_same_second(c: &mut Criterion) {
    let rt = runtime();
    let seeded = rt.block_on(support::desk(1_000));
    let scheduler = Scheduler::new(seeded.engine.clone(), Arc::new(InstantAck));
    let mut group = c.benchmark_group("expire");
    group.sample_size(20);
    group.bench_function("1000_in_the_same_second", |b| {
        b.to_async(&rt).iter_custom(|iters| {
            let (seeded, scheduler) = (&seeded, &scheduler);
            async move {
                let mut total = StdDuration::ZERO;
                for _ in 0..iters {
                    seeded.add_live(1_000, Duration::minutes(1)).await;
                    let due = now() + Duration::minutes(1) + Duration::seconds(1);
                    let started = Instant::now();
                    let report = scheduler.sweep(due).await.unwrap();
                    total += started.elapsed();
                    assert_eq!(report.expired.len(), 1_000);
                }
                total
            }
        });
    });
    group.finish();
}

fn warn_same_second(c: &mut Criterion) {
    let rt = runtime();
    let seeded = rt.block_on(support::desk(1_000));
    let scheduler = Scheduler::new(seeded.engine.clone(), Arc::new(InstantAck));
    let mut group = c.benchmark_group("warn");
    group.sample_size(20);
    group.bench_function("1000_due_in_the_same_second", |b| {
        b.to_async(&rt).iter_custom(|iters| {
            let (seeded, scheduler) = (&seeded, &scheduler);
            async move {
                let mut total = StdDuration::ZERO;
                for _ in 0..iters {
                    sqlx::query("DELETE FROM bookings")
                        .execute(&seeded.pool)
                        .await
                        .unwrap();
                    seeded.add_live(1_000, Duration::minutes(4)).await;
                    let started = Instant::now();
                    let report = scheduler.sweep(now()).await.unwrap();
                    total += started.elapsed();
                    assert_eq!(report.warned.len(), 1_000);
                }
                total
            }
        });
    });
    group.finish();
}

criterion_group!(benches, tick, expire_same_second, warn_same_second);
criterion_main!(benches);
