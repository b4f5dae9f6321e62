//! Build script of the desk console: checks that the UI was built, declares the console's
//! commands to Tauri's access control, and reads the capabilities from `src-tauri/capabilities`.

use std::path::Path;

/// Every command of `src-tauri/src/commands.rs`; Tauri turns each into an `allow-…` permission
/// that `src-tauri/capabilities/console.json` grants to the main window.
const COMMANDS: &[&str] = &[
    "desk_status",
    "create_admin",
    "sign_in",
    "sign_out",
    "live_sessions",
    "list_pcs",
    "list_users",
    "start_session",
    "book_session",
    "extend_session",
    "end_session",
    "clean_up",
    "add_pc",
    "import_pcs",
    "set_pc_condition",
    "audit",
    "get_settings",
    "save_settings",
];

fn main() {
    // The app embeds the built UI, and code generation does not notice changes under `ui/`
    // by itself.
    println!("cargo:rerun-if-changed=ui/dist");
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    if !Path::new("ui/dist/index.html").exists() {
        panic!(
            "ui/dist/index.html is missing: build the UI first (cd ui && npm ci && npm run build), \
             or run scripts/test.sh, which does it for you"
        );
    }

    let attributes = tauri_build::Attributes::new()
        .capabilities_path_pattern("src-tauri/capabilities/**/*")
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(error) = tauri_build::try_build(attributes) {
        panic!("tauri-build failed: {error:#}");
    }
}
