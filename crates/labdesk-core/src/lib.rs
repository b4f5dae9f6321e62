//! Labdesk's engine: the store of PCs, users and bookings, the booking rules, the scheduler
//! that starts, warns and expires sessions, and the desk events that report every change.
//! No user interface lives here; the desktop console, the CLI and the PC link all call it.

#![warn(missing_docs)]

pub mod clock;
pub mod engine;
pub mod error;
pub mod events;
pub mod model;
pub mod scheduler;
mod secret;
mod store;

pub use clock::{Clock, ManualClock, SystemClock};
pub use engine::{Engine, EngineConfig};
pub use error::{Error, Result};
pub use events::DeskEvent;
pub use model::{
    Actor, AddedPc, AuditEntry, Booking, BookingStatus, CleanUpReport, Condition, EndReason,
    FreedPc, Pc, Role, Session, Status, User,
};
pub use scheduler::{Delivery, DeliveryError, Scheduler, SchedulerHandle, SweepReport, Warning};
