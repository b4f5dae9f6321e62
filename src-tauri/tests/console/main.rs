//! The desk console's tests on Tauri's mock runtime: the real commands on a real engine with a
//! temp store, the real PC link on loopback, and the shell's tray and shutdown logic.

mod harness;
mod sessions;
mod settings;
mod shell;
mod sign_in;
