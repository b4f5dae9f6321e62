//! The engine against a real SQLite file in a temp dir, driven by a hand-moved clock.

mod common;
mod faults;
mod faults_races;
mod faults_time;
mod rules_pcs;
mod rules_sessions;
mod rules_users;
mod scheduler_loop;
