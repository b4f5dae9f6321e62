//! `labdeskctl`: a headless Labdesk desk (`serve`) and the admin commands that drive a desk over
//! its `/staff` endpoint.
//!
//! - [`cli`] — the command line.
//! - [`commands`] — each admin command as one request and a readable answer.
//! - [`render`] — each answer as a table or a sentence.
//! - [`serve`] — the headless desk.
//! - [`desk_file`] — `desk.json`, how local commands find the desk.
//! - [`duration`], [`table`], [`error`] — durations, tables, errors and exit codes.

pub mod cli;
pub mod commands;
pub mod desk_file;
pub mod duration;
pub mod error;
pub mod render;
pub mod serve;
pub mod table;
