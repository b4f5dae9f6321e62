//! The engine handle: the store, the clock, the event channel and the in-memory PC online
//! state, shared by every rule. The rules themselves live in the submodules, one per area.

mod access;
mod audit;
mod ending;
mod live;
mod pc_input;
mod pcs;
mod rows;
mod sessions;
mod users;
mod warned;

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use chrono::{DateTime, Duration, Utc};
use sqlx::SqlitePool;
use tokio::sync::{broadcast, Notify};

use crate::clock::Clock;
use crate::error::Result;
use crate::events::DeskEvent;
use crate::store;

pub(crate) use rows::LiveRow;

/// How many events a slow subscriber may fall behind before it misses some.
const EVENT_CAPACITY: usize = 16_384;

/// Settings the engine reads at start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineConfig {
    /// How long before its end each session is warned; every lead is due once per booking.
    pub warning_leads: Vec<Duration>,
}

impl Default for EngineConfig {
    fn default() -> Self {
        Self {
            warning_leads: vec![Duration::minutes(5)],
        }
    }
}

/// A cheap, cloneable handle on the desk's engine. Every rule is an `async fn` on it.
#[derive(Clone)]
pub struct Engine {
    inner: Arc<Inner>,
}

struct Inner {
    pool: SqlitePool,
    clock: Arc<dyn Clock>,
    /// Warning leads, sorted shortest first, positive, without repeats.
    leads: Vec<Duration>,
    events: broadcast::Sender<DeskEvent>,
    /// Writers of this process take turns here before `BEGIN IMMEDIATE`.
    write_turn: Arc<tokio::sync::Mutex<()>>,
    /// Acknowledged warnings waiting for the next batch to record them.
    pending_acks: Mutex<Vec<warned::PendingAck>>,
    /// Fired when bookings change, so that the scheduler looks again.
    wake: Arc<Notify>,
    online: Mutex<HashMap<i64, Online>>,
    /// Bookings whose warning is being delivered right now.
    in_flight: Mutex<HashSet<i64>>,
}

/// A PC's connection state, kept in memory only.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Online {
    pub(crate) online: bool,
    /// Counts the PC's connections, so a failed delivery can tell whether the PC came back.
    pub(crate) epoch: u64,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("leads", &self.inner.leads)
            .finish_non_exhaustive()
    }
}

impl Engine {
    /// Opens the store at `db_path` (creating it if missing), applies the migrations, and
    /// returns the engine. Call [`crate::scheduler::Scheduler::spawn`] to run the scheduler.
    ///
    /// # Errors
    /// The store cannot be opened or migrated, or a warning lead is not positive.
    pub async fn open(
        db_path: impl AsRef<Path>,
        clock: Arc<dyn Clock>,
        config: EngineConfig,
    ) -> Result<Engine> {
        let mut leads = config.warning_leads;
        let whole_seconds = |lead: &Duration| lead.subsec_nanos() == 0;
        if leads
            .iter()
            .any(|lead| *lead <= Duration::zero() || !whole_seconds(lead))
        {
            return Err(crate::Error::bad(
                "every warning lead must be a whole number of seconds above zero; fix the \
                 warning leads in the settings",
            ));
        }
        leads.sort();
        leads.dedup();
        let pool = store::open(db_path.as_ref()).await?;
        let (events, _) = broadcast::channel(EVENT_CAPACITY);
        tracing::info!(leads = leads.len(), "engine opened");

        Ok(Engine {
            inner: Arc::new(Inner {
                pool,
                clock,
                leads,
                events,
                write_turn: Arc::new(tokio::sync::Mutex::new(())),
                pending_acks: Mutex::new(Vec::new()),
                wake: Arc::new(Notify::new()),
                online: Mutex::new(HashMap::new()),
                in_flight: Mutex::new(HashSet::new()),
            }),
        })
    }

    /// The clock the engine reads.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.inner.clock
    }

    /// The current instant, cut to the store's millisecond precision.
    pub fn now(&self) -> DateTime<Utc> {
        store::trunc(self.inner.clock.now())
    }

    /// The warning leads in force, shortest first.
    pub fn warning_leads(&self) -> &[Duration] {
        &self.inner.leads
    }

    /// A new receiver of every desk event from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<DeskEvent> {
        self.inner.events.subscribe()
    }

    /// Publishes an event to every subscriber (none listening is fine).
    pub fn publish(&self, event: DeskEvent) {
        // An error only means nobody listens right now, which is normal.
        let _ = self.inner.events.send(event);
    }

    /// Closes the store's connections; further calls fail.
    pub async fn close(&self) {
        self.inner.pool.close().await;
    }

    pub(crate) fn pool(&self) -> &SqlitePool {
        &self.inner.pool
    }

    /// Opens a write transaction in this process's turn.
    pub(crate) async fn begin_write(&self) -> Result<store::WriteTx> {
        let turn = self.inner.write_turn.clone().lock_owned().await;
        store::begin_write(&self.inner.pool, turn).await
    }

    /// Waits for this process's write turn, for a caller that decides what to write once it
    /// has it.
    pub(crate) async fn write_turn(&self) -> tokio::sync::OwnedMutexGuard<()> {
        self.inner.write_turn.clone().lock_owned().await
    }

    /// Acknowledged warnings waiting to be recorded.
    pub(crate) fn pending_acks(&self) -> MutexGuard<'_, Vec<warned::PendingAck>> {
        lock(&self.inner.pending_acks)
    }

    /// Tells the scheduler that bookings changed.
    pub(crate) fn wake_scheduler(&self) {
        self.inner.wake.notify_one();
    }

    pub(crate) fn wake_handle(&self) -> Arc<Notify> {
        self.inner.wake.clone()
    }

    pub(crate) fn online_state(&self, pc_id: i64) -> Online {
        lock(&self.inner.online)
            .get(&pc_id)
            .copied()
            .unwrap_or_default()
    }

    pub(crate) fn set_online_state(&self, pc_id: i64, online: bool) -> bool {
        let mut map = lock(&self.inner.online);
        let state = map.entry(pc_id).or_default();
        let changed = state.online != online;
        if online && changed {
            state.epoch += 1;
        }
        state.online = online;
        changed
    }

    /// Marks a booking's warning as being delivered; false if it already is.
    pub(crate) fn claim_delivery(&self, booking_id: i64) -> bool {
        lock(&self.inner.in_flight).insert(booking_id)
    }

    pub(crate) fn release_delivery(&self, booking_id: i64) {
        lock(&self.inner.in_flight).remove(&booking_id);
    }
}

/// Locks a mutex whose data stays valid even if a holder panicked (plain maps and sets).
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
