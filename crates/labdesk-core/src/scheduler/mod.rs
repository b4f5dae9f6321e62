//! The scheduler: a tokio task that starts, warns and expires bookings at their instants,
//! with no request needed. It sleeps until the next due instant, but at most a second (the
//! wall clock may be stepped or the machine suspended), and wakes early when bookings change
//! or a hand-moved clock moves. On start it first catches up on everything that came due
//! while the desk was down.

mod delivery;
mod pass;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration as StdDuration;

use chrono::{DateTime, Utc};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::engine::Engine;
use crate::error::Result;

pub use delivery::{Delivery, DeliveryError, Warning};
pub use pass::SweepReport;

use pass::Outcome;

/// The longest the loop sleeps before it reads the wall clock again.
const MAX_SLEEP: StdDuration = StdDuration::from_secs(1);
/// How long one delivery may take before it counts as failed.
const DELIVERY_TIMEOUT: StdDuration = StdDuration::from_secs(10);
/// How long after a failed delivery it is tried again (sooner if the PC reconnects).
const RETRY_INTERVAL: StdDuration = StdDuration::from_secs(15);

/// Runs passes over the bookings. Cheap to clone; clones share the retry state.
#[derive(Clone)]
pub struct Scheduler {
    engine: Engine,
    delivery: Arc<dyn Delivery>,
    retries: Arc<Mutex<HashMap<i64, Retry>>>,
    delivery_timeout: StdDuration,
    retry_interval: StdDuration,
}

/// A failed warning waiting for its next try.
#[derive(Debug, Clone, Copy)]
struct Retry {
    at: DateTime<Utc>,
    /// The PC's connection count when it failed; a new connection makes it due at once.
    epoch: u64,
}

impl std::fmt::Debug for Scheduler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scheduler")
            .field("delivery_timeout", &self.delivery_timeout)
            .field("retry_interval", &self.retry_interval)
            .finish_non_exhaustive()
    }
}

impl Scheduler {
    /// A scheduler over `engine` that sends warnings through `delivery`. It does nothing until
    /// [`Scheduler::sweep`] is called or it is started with [`Scheduler::run`].
    pub fn new(engine: Engine, delivery: Arc<dyn Delivery>) -> Self {
        Self {
            engine,
            delivery,
            retries: Arc::new(Mutex::new(HashMap::new())),
            delivery_timeout: DELIVERY_TIMEOUT,
            retry_interval: RETRY_INTERVAL,
        }
    }

    /// Sets how long one delivery may take before it counts as failed (default 10 s).
    pub fn with_delivery_timeout(mut self, timeout: StdDuration) -> Self {
        self.delivery_timeout = timeout;
        self
    }

    /// Sets how long after a failure a warning is tried again (default 15 s).
    pub fn with_retry_interval(mut self, interval: StdDuration) -> Self {
        self.retry_interval = interval;
        self
    }

    /// Starts the scheduler on its own task with the default settings: it catches up at once,
    /// then runs until the handle is stopped or dropped.
    pub fn spawn(engine: Engine, delivery: Arc<dyn Delivery>) -> SchedulerHandle {
        Scheduler::new(engine, delivery).run()
    }

    /// Starts this scheduler on its own task; see [`Scheduler::spawn`].
    pub fn run(self) -> SchedulerHandle {
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(self.run_loop(stopped));
        SchedulerHandle {
            stop,
            task: Some(task),
        }
    }

    /// Runs one pass at `now`: expires overdue bookings, starts due ones, and sends due
    /// warnings, waiting for those deliveries (each bounded by the delivery time-out).
    ///
    /// # Errors
    /// The store failed; what was already committed stays.
    #[tracing::instrument(skip(self), err)]
    pub async fn sweep(&self, now: DateTime<Utc>) -> Result<SweepReport> {
        let (mut report, deliveries) = self.pass(now).await?;
        for delivery in deliveries {
            match delivery.await {
                Ok((booking_id, Outcome::Delivered)) => report.warned.push(booking_id),
                Ok((booking_id, Outcome::Failed)) => report.failed.push(booking_id),
                Ok((_, Outcome::Moot)) => {}
                Err(err) => tracing::error!(cause = %err, "a warning delivery task failed"),
            }
        }
        Ok(report)
    }

    async fn run_loop(self, mut stopped: watch::Receiver<bool>) {
        let wake = self.engine.wake_handle();
        let moved = self.engine.clock().moved();
        let mut next_due: Option<DateTime<Utc>> = None;
        // The first pass is the catch-up after downtime.
        let mut force = true;
        tracing::info!("scheduler started");
        loop {
            let now = self.engine.now();
            if force || next_due.is_some_and(|due| due <= now) {
                next_due = match self.pass(now).await {
                    Ok((report, _deliveries)) => report.next_due,
                    Err(err) => {
                        tracing::error!(cause = %err, "scheduler pass failed; retrying soon");
                        Some(now + chrono::Duration::seconds(1))
                    }
                };
            }
            let now = self.engine.now();
            // Already due (the pass itself took time): go round at once.
            let sleep = next_due.map_or(MAX_SLEEP, |due| {
                (due - now)
                    .to_std()
                    .unwrap_or(StdDuration::ZERO)
                    .min(MAX_SLEEP)
            });
            force = tokio::select! {
                _ = tokio::time::sleep(sleep) => false,
                _ = wake.notified() => true,
                _ = async {
                    match &moved {
                        Some(moved) => moved.notified().await,
                        None => std::future::pending().await,
                    }
                } => false,
                _ = stopped.changed() => break,
            };
        }
        tracing::info!("scheduler stopped");
    }
}

/// Owns the running scheduler task. Dropping it stops the scheduler.
#[derive(Debug)]
pub struct SchedulerHandle {
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl SchedulerHandle {
    /// Stops the scheduler and waits for its loop to finish (deliveries in flight run out
    /// their own time-out).
    pub async fn stop(mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            if let Err(err) = task.await {
                tracing::error!(cause = %err, "the scheduler task failed");
            }
        }
    }

    /// Whether the scheduler's loop is still running.
    pub fn is_running(&self) -> bool {
        self.task.as_ref().is_some_and(|task| !task.is_finished())
    }
}

impl Drop for SchedulerHandle {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}
