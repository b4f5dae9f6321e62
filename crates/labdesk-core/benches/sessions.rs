//! The console's list: reading 2,000 live sessions from the engine.

mod support;

use chrono::Duration;
use criterion::{criterion_group, criterion_main, Criterion};

fn live_list(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let seeded = rt.block_on(async {
        let seeded = support::desk(2_000).await;
        seeded.add_past(100_000).await;
        seeded.add_live(2_000, Duration::hours(1)).await;
        seeded
    });
    c.bench_function("live_sessions_2000", |b| {
        b.to_async(&rt).iter(|| async {
            let sessions = seeded.engine.live_sessions().await.unwrap();
            assert_eq!(sessions.len(), 2_000);
        });
    });
}

criterion_group!(benches, live_list);
criterion_main!(benches);
