//! tauri-driver and the WebDriver session on the desk app: start the driver on a free local
//! port, open the app through it with our flags, and make sure the app is gone afterwards.

use std::path::{Path, PathBuf};
use std::time::Duration;

use fantoccini::wd::Capabilities;
use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;
use tokio::process::Command;
use tokio::time::Instant;

use crate::error::{Error, Result};
use crate::process::{signal, ProcessGuard};
use crate::programs::Programs;

/// A running tauri-driver (which runs WebKitWebDriver), stopped with SIGTERM when dropped so
/// that it stops its WebKitWebDriver too.
#[derive(Debug)]
pub struct TauriDriver {
    port: u16,
    log: PathBuf,
    process: ProcessGuard,
}

impl TauriDriver {
    /// Starts tauri-driver on free loopback ports, its output going to `log`, and waits up to
    /// `limit` until it accepts connections.
    ///
    /// # Errors
    /// [`Error::Spawn`] when it cannot start; [`Error::Unexpected`] when it exits early;
    /// [`Error::Timeout`] when it never listens.
    pub async fn start(programs: &Programs, log: &Path, limit: Duration) -> Result<Self> {
        let port = free_port()?;
        let native_port = free_port()?;
        let out = std::fs::File::create(log)?;
        let mut cmd = Command::new(&programs.tauri_driver);
        cmd.arg("--port")
            .arg(port.to_string())
            .arg("--native-port")
            .arg(native_port.to_string())
            .arg("--native-driver")
            .arg(&programs.webkit_driver)
            .stdout(out.try_clone()?)
            .stderr(out);
        let mut process = ProcessGuard::spawn("tauri-driver", &mut cmd)?;

        let deadline = Instant::now() + limit;
        loop {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                break;
            }
            if !process.is_running() {
                return Err(Error::Unexpected(format!(
                    "tauri-driver exited at start; see {}",
                    log.display()
                )));
            }
            if Instant::now() >= deadline {
                return Err(Error::Timeout {
                    what: format!("tauri-driver to listen on 127.0.0.1:{port}"),
                    after: limit,
                });
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }

        Ok(Self {
            port,
            log: log.to_owned(),
            process,
        })
    }

    /// Opens a WebDriver session that starts `app` with `args`.
    ///
    /// # Errors
    /// [`Error::Session`] when the driver cannot start the app or reach its webview.
    pub async fn open_app(&self, app: &Path, args: &[String]) -> Result<Client> {
        let caps = json!({
            "browserName": "wry",
            "tauri:options": { "application": app, "args": args },
        });
        let Some(caps) = caps.as_object().cloned() else {
            return Err(Error::Unexpected(
                "capabilities are not an object".to_owned(),
            ));
        };
        let caps: Capabilities = caps;

        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{}", self.port))
            .await?;
        Ok(client)
    }

    /// The driver's log file.
    pub fn log(&self) -> &Path {
        &self.log
    }

    /// The driver's process id, while it runs.
    pub fn id(&self) -> Option<u32> {
        self.process.id()
    }
}

/// A loopback port that was free a moment ago.
///
/// # Errors
/// [`Error::Io`] when no port can be bound.
pub fn free_port() -> Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?.port())
}

/// Ends, on drop, any desk app still running on this test's data folder.
///
/// The WebDriver session normally ends the app; this catches the app left behind when the
/// test fails before closing the session. It finds the app by its executable and the test's
/// own temporary data folder, which no other process uses.
#[derive(Debug)]
pub struct AppGuard {
    app: PathBuf,
    data_dir: PathBuf,
}

impl AppGuard {
    /// Guards the app started from `app` with `--data-dir data_dir`.
    pub fn new(app: &Path, data_dir: &Path) -> Self {
        Self {
            app: app.to_owned(),
            data_dir: data_dir.to_owned(),
        }
    }

    /// Ids of running processes of the app on this data folder.
    pub fn running(&self) -> Vec<u32> {
        let Ok(entries) = std::fs::read_dir("/proc") else {
            return Vec::new();
        };
        let data_dir = self.data_dir.as_os_str().as_encoded_bytes();
        entries
            .filter_map(|e| e.ok())
            .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
            .filter(|pid| {
                let exe = std::fs::read_link(format!("/proc/{pid}/exe")).ok();
                let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
                // A zombie has no exe link any more, so it does not count as running.
                exe.as_deref() == Some(self.app.as_path())
                    && cmdline.split(|b| *b == 0).any(|arg| arg == data_dir)
            })
            .collect()
    }
}

impl AppGuard {
    /// Ends every app process on this data folder: SIGTERM (the app exits cleanly on it), then
    /// SIGKILL for any still running after `grace`. Returns the ids that were still running.
    pub fn stop(&self, grace: Duration) -> Vec<u32> {
        let left = self.running();
        for pid in &left {
            signal(*pid, libc::SIGTERM);
        }

        let deadline = std::time::Instant::now() + grace;
        while !self.running().is_empty() && std::time::Instant::now() < deadline {
            // Runs from Drop too, where nothing can be awaited: poll the exit briefly.
            std::thread::sleep(Duration::from_millis(100));
        }
        for pid in self.running() {
            signal(pid, libc::SIGKILL);
        }
        left
    }
}

impl Drop for AppGuard {
    fn drop(&mut self) {
        self.stop(Duration::from_secs(10));
    }
}
