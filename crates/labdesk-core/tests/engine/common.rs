//! A desk for tests: a real SQLite file in a temp dir, a hand-moved clock, a few users and
//! PCs, a fake warning delivery, and a snapshot of the whole store to prove "nothing changed".

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration as StdDuration;

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use labdesk_core::{
    Actor, Delivery, DeliveryError, DeskEvent, Engine, EngineConfig, ManualClock, Role, Scheduler,
    Warning,
};
use tempfile::TempDir;
use tokio::sync::broadcast;

/// The instant every test starts at.
pub fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-12-04T10:00:00Z")
        .unwrap()
        .to_utc()
}

pub fn mins(n: i64) -> Duration {
    Duration::minutes(n)
}

/// A desk with an admin, a staff member, two patrons and three PCs.
pub struct Desk {
    pub dir: TempDir,
    pub clock: ManualClock,
    pub engine: Engine,
    pub admin: Actor,
    pub staff: Actor,
    pub ann: Actor,
    pub bob: Actor,
}

impl Desk {
    pub async fn new() -> Desk {
        Desk::with_config(EngineConfig::default()).await
    }

    pub async fn with_config(config: EngineConfig) -> Desk {
        let dir = tempfile::tempdir().unwrap();
        let clock = ManualClock::new(t0());
        let engine = Engine::open(dir.path().join("desk.db"), Arc::new(clock.clone()), config)
            .await
            .unwrap();
        let admin_user = engine
            .create_first_admin("admin", "admin-password")
            .await
            .unwrap();
        let admin = Actor::User {
            id: admin_user.id,
            role: Role::Admin,
        };
        let staff_user = engine
            .add_user(
                &admin,
                "sam",
                "Sam Desk",
                Role::Staff,
                Some("staff-password"),
            )
            .await
            .unwrap();
        let staff = Actor::User {
            id: staff_user.id,
            role: Role::Staff,
        };
        let ann = engine
            .add_user(&staff, "ann", "Ann", Role::Patron, None)
            .await
            .unwrap();
        let bob = engine
            .add_user(&staff, "bob", "Bob", Role::Patron, None)
            .await
            .unwrap();
        for name in ["PC-01", "PC-02", "PC-03"] {
            engine
                .add_pc(&admin, name, "Main room", "windows")
                .await
                .unwrap();
        }
        Desk {
            dir,
            clock,
            engine,
            admin,
            staff,
            ann: Actor::User {
                id: ann.id,
                role: Role::Patron,
            },
            bob: Actor::User {
                id: bob.id,
                role: Role::Patron,
            },
        }
    }

    /// Drops the engine and opens the same file again, as after a restart.
    pub async fn reopen(&mut self, config: EngineConfig) {
        self.engine.close().await;
        self.engine = Engine::open(
            self.dir.path().join("desk.db"),
            Arc::new(self.clock.clone()),
            config,
        )
        .await
        .unwrap();
    }

    pub fn scheduler(&self, delivery: &Arc<FakeDelivery>) -> Scheduler {
        Scheduler::new(self.engine.clone(), delivery.clone())
            .with_delivery_timeout(StdDuration::from_millis(300))
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now_utc()
    }

    /// Every row of every table, as text, to prove that a refused call changed nothing.
    pub async fn snapshot(&self) -> String {
        let url = format!("sqlite://{}", self.dir.path().join("desk.db").display());
        let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
        let mut out = String::new();
        for query in [
            "SELECT json_group_array(json_array(id, name, zone, os, booking_status, condition, \
             token_hash, last_seen)) FROM pcs",
            "SELECT json_group_array(json_array(id, username, display_name, role, password_hash)) \
             FROM users",
            "SELECT json_group_array(json_array(id, pc_id, user_id, start_time, end_time, status, \
             started_at, expiry, warned_lead_secs, warned_minutes, ended_at, ended_by, end_reason)) \
             FROM bookings",
            "SELECT json_group_array(json_array(id, at, actor, action, booking_id, pc, reason)) \
             FROM audit",
            "SELECT json_group_array(json_array(id, user_id, token_hash)) FROM api_tokens",
        ] {
            let text: String = sqlx::query_scalar(query).fetch_one(&pool).await.unwrap();
            out.push_str(&text);
            out.push('\n');
        }
        pool.close().await;
        out
    }
}

/// Convenience on the manual clock.
pub trait ClockExt {
    fn now_utc(&self) -> DateTime<Utc>;
}

impl ClockExt for ManualClock {
    fn now_utc(&self) -> DateTime<Utc> {
        labdesk_core::Clock::now(self)
    }
}

/// A stand-in for the PC link: records every attempt, acknowledges unless told that a PC
/// fails or hangs. (The PC link's own tests cover the real WebSocket path.)
#[derive(Default)]
pub struct FakeDelivery {
    attempts: Mutex<Vec<Warning>>,
    failing: Mutex<HashSet<String>>,
    hanging: Mutex<HashSet<String>>,
    panicking: Mutex<HashSet<String>>,
    held: Mutex<std::collections::HashMap<String, Arc<tokio::sync::Semaphore>>>,
}

impl FakeDelivery {
    pub fn new() -> Arc<FakeDelivery> {
        Arc::new(FakeDelivery::default())
    }

    /// Every warning attempted, acknowledged or not.
    pub fn attempts(&self) -> Vec<Warning> {
        self.attempts.lock().unwrap().clone()
    }

    pub fn fail(&self, pc: &str, failing: bool) {
        let mut set = self.failing.lock().unwrap();
        if failing {
            set.insert(pc.to_owned());
        } else {
            set.remove(pc);
        }
    }

    /// Makes the next delivery to `pc` panic, as a buggy PC link might.
    pub fn panic_once(&self, pc: &str) {
        self.panicking.lock().unwrap().insert(pc.to_owned());
    }

    /// Holds every delivery to `pc` until the returned gate gets a permit: the PC has the
    /// warning but its acknowledgement is still on its way.
    pub fn hold(&self, pc: &str) -> Arc<tokio::sync::Semaphore> {
        let gate = Arc::new(tokio::sync::Semaphore::new(0));
        self.held
            .lock()
            .unwrap()
            .insert(pc.to_owned(), gate.clone());
        gate
    }

    pub fn hang(&self, pc: &str) {
        self.hanging.lock().unwrap().insert(pc.to_owned());
    }
}

#[async_trait]
impl Delivery for FakeDelivery {
    async fn deliver_warning(&self, warning: &Warning) -> Result<(), DeliveryError> {
        self.attempts.lock().unwrap().push(warning.clone());
        if self.panicking.lock().unwrap().remove(&warning.pc) {
            panic!("the PC link failed while delivering to {}", warning.pc);
        }
        let gate = self.held.lock().unwrap().get(&warning.pc).cloned();
        if let Some(gate) = gate {
            gate.acquire().await.unwrap().forget();
        }
        if self.hanging.lock().unwrap().contains(&warning.pc) {
            std::future::pending::<()>().await;
        }
        if self.failing.lock().unwrap().contains(&warning.pc) {
            return Err(DeliveryError::Offline(warning.pc.clone()));
        }
        Ok(())
    }
}

/// Waits (up to 20 s) for the first event that `pick` accepts.
pub async fn wait_for<T>(
    events: &mut broadcast::Receiver<DeskEvent>,
    mut pick: impl FnMut(&DeskEvent) -> Option<T>,
) -> T {
    tokio::time::timeout(StdDuration::from_secs(20), async {
        loop {
            match events.recv().await {
                Ok(event) => {
                    if let Some(found) = pick(&event) {
                        return found;
                    }
                }
                Err(broadcast::error::RecvError::Lagged(_)) => {}
                Err(err) => panic!("event channel closed: {err}"),
            }
        }
    })
    .await
    .expect("the awaited desk event never came")
}
