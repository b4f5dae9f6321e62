//! Build script of the desk console: checks that the UI was built, and gives Tauri's access
//! control the console's command permissions (`src-tauri/permissions`) and capabilities
//! (`src-tauri/capabilities`), kept under `src-tauri/` rather than at the top of the repository.

use std::path::Path;

fn main() {
    // The app embeds the built UI, and code generation does not notice changes under `ui/`
    // by itself.
    println!("cargo:rerun-if-changed=ui/dist");
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    println!("cargo:rerun-if-changed=src-tauri/permissions");
    if !Path::new("ui/dist/index.html").exists() {
        panic!(
            "ui/dist/index.html is missing: build the UI first (cd ui && npm ci && npm run build), \
             or run scripts/test.sh, which does it for you"
        );
    }

    let attributes = tauri_build::Attributes::new()
        .capabilities_path_pattern("src-tauri/capabilities/**/*")
        .app_manifest(
            tauri_build::AppManifest::new().permissions_path_pattern("src-tauri/permissions/**/*"),
        );
    if let Err(error) = tauri_build::try_build(attributes) {
        panic!("tauri-build failed: {error:#}");
    }
}
