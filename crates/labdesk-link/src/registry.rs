//! The PCs connected right now: one live connection per PC name, its bounded outgoing queue,
//! and the warnings waiting for that connection's `ack`.
//!
//! Everything here is in memory and behind short, non-async locks, so a slow or dead PC can
//! only ever cost its own connection: pushes never wait on a socket, they either fit in the
//! PC's queue or drop that PC.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use tokio::sync::{mpsc, oneshot, watch};
use tokio_tungstenite::tungstenite::Utf8Bytes;

/// Why the desk tells a PC connection to stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stop {
    /// A newer connection for the same PC took over: close with 4409.
    Replaced,
    /// The PC stopped reading and its queue is full: drop it without a goodbye.
    Overflow,
}

/// The registry's side of one live PC connection.
#[derive(Debug)]
pub(crate) struct PcConn {
    /// Unique among all connections since the desk started.
    pub(crate) id: u64,
    queue: mpsc::Sender<Utf8Bytes>,
    stop: watch::Sender<Option<Stop>>,
}

/// The connection task's side: its queue and its stop signal.
#[derive(Debug)]
pub(crate) struct PcConnRx {
    pub(crate) queue: mpsc::Receiver<Utf8Bytes>,
    pub(crate) stop: watch::Receiver<Option<Stop>>,
}

impl PcConn {
    /// A new connection handle with a queue of `capacity` frames.
    pub(crate) fn new(id: u64, capacity: usize) -> (Arc<Self>, PcConnRx) {
        let (queue_tx, queue_rx) = mpsc::channel(capacity.max(1));
        let (stop_tx, stop_rx) = watch::channel(None);
        let conn = Arc::new(Self {
            id,
            queue: queue_tx,
            stop: stop_tx,
        });
        (
            conn,
            PcConnRx {
                queue: queue_rx,
                stop: stop_rx,
            },
        )
    }

    /// Tells the connection task to stop. The first reason wins.
    pub(crate) fn stop(&self, why: Stop) {
        self.stop.send_if_modified(|current| {
            let first = current.is_none();
            if first {
                *current = Some(why);
            }
            first
        });
    }

    /// Queues a frame without waiting. A full queue stops the connection.
    ///
    /// # Errors
    ///
    /// `Err(())` when the frame was not queued (queue full, or the connection ended).
    pub(crate) fn push(&self, frame: Utf8Bytes) -> Result<(), ()> {
        match self.queue.try_send(frame) {
            Ok(()) => Ok(()),
            Err(mpsc::error::TrySendError::Full(_)) => {
                tracing::warn!(conn = self.id, "PC is not reading; dropping its connection");
                self.stop(Stop::Overflow);
                Err(())
            }
            Err(mpsc::error::TrySendError::Closed(_)) => Err(()),
        }
    }
}

/// A warning sent and waiting for its `ack`.
#[derive(Debug)]
struct PendingAck {
    conn: u64,
    done: oneshot::Sender<()>,
}

/// The live PC connections and pending acknowledgements. Shared by the server, the event
/// pump and the warning delivery.
#[derive(Debug, Default)]
pub(crate) struct Registry {
    pcs: Mutex<HashMap<String, Arc<PcConn>>>,
    pending: Mutex<HashMap<i64, PendingAck>>,
    next_id: AtomicU64,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // The maps stay consistent even if a holder panicked: every update is a single insert
    // or remove.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Registry {
    /// A fresh connection id.
    pub(crate) fn next_id(&self) -> u64 {
        self.next_id.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// Makes `conn` the live connection of `pc` and stops the one it replaces, if any.
    pub(crate) fn register(&self, pc: &str, conn: Arc<PcConn>) {
        let older = lock(&self.pcs).insert(pc.to_owned(), conn);
        if let Some(older) = older {
            tracing::info!(conn = older.id, "older connection of the PC replaced");
            older.stop(Stop::Replaced);
        }
    }

    /// Forgets connection `conn` of `pc`. Returns `true` when it was still the live one (so
    /// the PC is now offline), `false` when a newer connection had replaced it.
    pub(crate) fn unregister(&self, pc: &str, conn: u64) -> bool {
        let removed = {
            let mut pcs = lock(&self.pcs);
            match pcs.get(pc) {
                Some(live) if live.id == conn => pcs.remove(pc).is_some(),
                _ => false,
            }
        };
        // Warnings sent on this connection will never be acknowledged on it: fail them now
        // rather than at their time-out.
        lock(&self.pending).retain(|_, pending| pending.conn != conn);
        removed
    }

    /// The live connection of `pc`, if any.
    pub(crate) fn get(&self, pc: &str) -> Option<Arc<PcConn>> {
        lock(&self.pcs).get(pc).cloned()
    }

    /// How many PCs are connected.
    pub(crate) fn len(&self) -> usize {
        lock(&self.pcs).len()
    }

    /// Queues `frame` for `pc` if it is connected. Returns whether it was queued.
    pub(crate) fn push(&self, pc: &str, frame: Utf8Bytes) -> bool {
        match self.get(pc) {
            Some(conn) => conn.push(frame).is_ok(),
            None => false,
        }
    }

    /// Records that a warning for `booking_id` went out on connection `conn`; the receiver
    /// fires when that connection acknowledges it, and fails if the connection ends first.
    pub(crate) fn expect_ack(&self, conn: u64, booking_id: i64) -> oneshot::Receiver<()> {
        let (done, acked) = oneshot::channel();
        lock(&self.pending).insert(booking_id, PendingAck { conn, done });
        acked
    }

    /// Stops waiting for an ack of `booking_id` on `conn` (after a time-out).
    pub(crate) fn forget_ack(&self, conn: u64, booking_id: i64) {
        let mut pending = lock(&self.pending);
        if pending.get(&booking_id).is_some_and(|p| p.conn == conn) {
            pending.remove(&booking_id);
        }
    }

    /// An `ack` for `booking_id` arrived on connection `conn`. Returns whether a warning was
    /// waiting for it.
    pub(crate) fn ack(&self, conn: u64, booking_id: i64) -> bool {
        let waiting = {
            let mut pending = lock(&self.pending);
            match pending.get(&booking_id) {
                Some(p) if p.conn == conn => pending.remove(&booking_id),
                _ => None,
            }
        };
        match waiting {
            // The delivery may have timed out just now; then nobody listens, which is fine.
            Some(p) => p.done.send(()).is_ok(),
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &'static str) -> Utf8Bytes {
        Utf8Bytes::from_static(s)
    }

    #[test]
    fn a_newer_connection_replaces_and_stops_the_older() {
        let registry = Registry::default();
        let (old, old_rx) = PcConn::new(1, 4);
        let (new, _new_rx) = PcConn::new(2, 4);
        registry.register("PC-1", old);
        registry.register("PC-1", new);
        assert_eq!(
            *old_rx.stop.borrow(),
            Some(Stop::Replaced),
            "the older one must be told"
        );
        assert!(
            !registry.unregister("PC-1", 1),
            "the replaced one must not take the PC offline"
        );
        assert!(
            registry.unregister("PC-1", 2),
            "the live one going away takes the PC offline"
        );
        assert_eq!(registry.len(), 0);
    }

    #[test]
    fn a_full_queue_stops_only_that_connection() {
        let registry = Registry::default();
        let (slow, slow_rx) = PcConn::new(1, 2);
        let (fast, mut fast_rx) = PcConn::new(2, 2);
        registry.register("PC-1", slow);
        registry.register("PC-2", fast);
        assert!(registry.push("PC-1", text("a")) && registry.push("PC-1", text("b")));
        assert!(
            !registry.push("PC-1", text("c")),
            "a third frame must not fit"
        );
        assert_eq!(*slow_rx.stop.borrow(), Some(Stop::Overflow));
        assert!(
            registry.push("PC-2", text("x")),
            "the other PC is unaffected"
        );
        assert_eq!(fast_rx.queue.try_recv().unwrap().as_str(), "x");
        assert!(
            !registry.push("PC-3", text("x")),
            "an unknown PC gets nothing"
        );
    }

    #[test]
    fn acks_count_only_on_the_connection_that_got_the_warning() {
        let registry = Registry::default();
        let mut acked = registry.expect_ack(7, 42);
        assert!(
            !registry.ack(8, 42),
            "an ack from another connection does not count"
        );
        assert!(
            !registry.ack(7, 41),
            "an ack for another booking does not count"
        );
        assert!(registry.ack(7, 42));
        assert!(acked.try_recv().is_ok());
        assert!(!registry.ack(7, 42), "a second ack matches nothing");
    }

    #[test]
    fn pending_acks_fail_when_their_connection_goes() {
        let registry = Registry::default();
        let (conn, _rx) = PcConn::new(7, 2);
        registry.register("PC-1", conn);
        let mut acked = registry.expect_ack(7, 42);
        registry.unregister("PC-1", 7);
        assert!(
            acked.try_recv().is_err(),
            "the waiting delivery must learn the PC is gone"
        );
    }
}
