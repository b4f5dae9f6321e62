//! The `labdesk` desk console: everything is in the library, so that tests build the same app.

// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() -> std::process::ExitCode {
    labdesk_app::main()
}
