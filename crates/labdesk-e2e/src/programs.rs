//! Where the programs under test and the test tools live: our binaries in the cargo target
//! folder, the drivers and desktop tools on `PATH`. A missing one fails with the command that
//! provides it.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Absolute paths of every program the end-to-end test runs.
#[derive(Debug, Clone)]
pub struct Programs {
    /// The desk app, `labdesk`.
    pub app: PathBuf,
    /// The PC agent, `labdesk-agent`.
    pub agent: PathBuf,
    /// The admin command line, `labdeskctl`.
    pub ctl: PathBuf,
    /// `tauri-driver`, the WebDriver front for Tauri apps.
    pub tauri_driver: PathBuf,
    /// `WebKitWebDriver`, the native driver tauri-driver starts.
    pub webkit_driver: PathBuf,
    /// `dbus-monitor`, to watch notifications on the session bus.
    pub dbus_monitor: PathBuf,
}

impl Programs {
    /// Finds every program, failing on the first missing one.
    ///
    /// # Errors
    /// [`Error::MissingProgram`] naming the build or install command for it.
    pub fn locate() -> Result<Self> {
        let bin = target_dir().join("debug");
        Ok(Self {
            app: built(
                &bin,
                "labdesk",
                "npm --prefix ui ci && npm --prefix ui run build && \
                 cargo build -p labdesk --features custom-protocol",
            )?,
            agent: built(&bin, "labdesk-agent", "cargo build -p labdesk-agent")?,
            ctl: built(&bin, "labdeskctl", "cargo build -p labdeskctl")?,
            tauri_driver: tool("tauri-driver", "cargo install tauri-driver --locked")?,
            webkit_driver: tool("WebKitWebDriver", "apt-get install webkit2gtk-driver")?,
            dbus_monitor: tool("dbus-monitor", "apt-get install dbus")?,
        })
    }
}

/// The workspace root (two levels above this crate).
pub fn workspace_root() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = here.join("../..");
    root.canonicalize().unwrap_or(root)
}

/// The cargo target folder: `CARGO_TARGET_DIR` (relative to the workspace root) or
/// `<workspace>/target`.
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => workspace_root().join(dir),
        _ => workspace_root().join("target"),
    }
}

/// A binary of ours in the target folder.
fn built(bin: &Path, name: &'static str, hint: &'static str) -> Result<PathBuf> {
    let path = bin.join(name);
    if path.is_file() {
        Ok(path)
    } else {
        Err(Error::MissingProgram { name, path, hint })
    }
}

/// A tool on `PATH`, or in cargo's install folder for the ones `cargo install` provides.
fn tool(name: &'static str, hint: &'static str) -> Result<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    if let Some(home) = std::env::var_os("CARGO_HOME") {
        dirs.push(PathBuf::from(home).join("bin"));
    }
    if let Some(home) = std::env::var_os("HOME") {
        dirs.push(PathBuf::from(home).join(".cargo/bin"));
    }

    dirs.iter()
        .map(|dir| dir.join(name))
        .find(|path| path.is_file())
        .ok_or_else(|| Error::MissingProgram {
            name,
            path: PathBuf::from(format!("PATH or ~/.cargo/bin/{name}")),
            hint,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_binary_names_its_build_command() {
        let dir = tempfile::tempdir().expect("the temp folder is writable");
        let err = built(dir.path(), "labdesk-agent", "cargo build -p labdesk-agent")
            .expect_err("the folder is empty");
        let text = err.to_string();
        assert!(
            text.contains("labdesk-agent") && text.contains("`cargo build -p labdesk-agent`"),
            "the message names the program and how to build it: {text}"
        );
    }

    #[test]
    fn the_target_folder_is_inside_the_workspace_by_default() {
        if std::env::var_os("CARGO_TARGET_DIR").is_none() {
            assert_eq!(target_dir(), workspace_root().join("target"));
        }
        assert!(
            workspace_root().join("Cargo.toml").is_file(),
            "the workspace root holds the root manifest"
        );
    }
}
