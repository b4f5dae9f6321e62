//! Harness for the end-to-end test of the Labdesk desk app: the real app under Xvfb, driven
//! through tauri-driver and WebKitWebDriver, with real PC agents and the desktop's session bus
//! watched for notifications. Every process it starts is ended by its guard.
//!
//! Run it through `scripts/test.sh` (or `crates/labdesk-e2e/run.sh`), which provides the
//! display, the session bus and the notification daemon.

pub mod agent;
pub mod console;
pub mod desk;
pub mod desktop;
pub mod driver;
pub mod error;
pub mod lines;
pub mod notifications;
pub mod process;
pub mod programs;
pub mod ui;

pub use error::{ensure, Error, Result};
