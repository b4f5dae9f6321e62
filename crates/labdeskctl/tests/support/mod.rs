//! Test support: a real `labdeskctl serve` process on a temp data dir, killed on drop, and a
//! way to run one `labdeskctl` command against it.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How long to wait for a process to print what we wait for. Generous: a loaded machine may
/// take long to start a fresh binary.
pub const WAIT: Duration = Duration::from_secs(30);

/// The `labdeskctl` binary under test.
pub fn ctl_bin() -> &'static str {
    env!("CARGO_BIN_EXE_labdeskctl")
}

/// A running `labdeskctl serve`, stopped (or killed) when dropped.
pub struct ServeGuard {
    child: Option<Child>,
    /// The address it printed, e.g. `127.0.0.1:41234`.
    pub addr: String,
    /// Everything it wrote to stderr so far.
    pub stderr: Arc<Mutex<Vec<String>>>,
}

impl ServeGuard {
    /// Starts `labdeskctl --data-dir DIR serve --listen LISTEN` with `extra` arguments and
    /// waits for its "listening on" line.
    pub fn start(dir: &Path, listen: &str, extra: &[&str]) -> Self {
        let mut child = Command::new(ctl_bin())
            .arg("--data-dir")
            .arg(dir)
            .args(["serve", "--listen", listen])
            .args(extra)
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("labdeskctl serve starts");
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let sink = stderr.clone();
        let err = child.stderr.take().expect("stderr is piped");
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines().map_while(Result::ok) {
                sink.lock().unwrap().push(line);
            }
        });
        let (lines_tx, lines_rx) = mpsc::channel();
        let out = child.stdout.take().expect("stdout is piped");
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                if lines_tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut guard = Self {
            child: Some(child),
            addr: String::new(),
            stderr,
        };
        loop {
            let line = lines_rx.recv_timeout(WAIT).unwrap_or_else(|_| {
                panic!(
                    "serve printed no address within {WAIT:?}; stderr: {:?}",
                    guard.stderr_text()
                )
            });
            if let Some(addr) = line.strip_prefix("listening on ") {
                guard.addr = addr.trim().to_owned();
                break;
            }
        }
        guard
    }

    /// The desk's base URL.
    pub fn url(&self) -> String {
        format!("ws://{}", self.addr)
    }

    /// Its stderr so far, one string.
    pub fn stderr_text(&self) -> String {
        self.stderr.lock().unwrap().join("\n")
    }

    /// Sends SIGTERM and waits for the process to end; returns its status.
    pub fn stop(&mut self) -> ExitStatus {
        let mut child = self.child.take().expect("serve is still running");
        let status = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success(), "SIGTERM was delivered");
        let deadline = std::time::Instant::now() + WAIT;
        loop {
            if let Some(status) = child.try_wait().expect("serve can be waited on") {
                return status;
            }
            if std::time::Instant::now() > deadline {
                let _ = child.kill();
                panic!("serve did not stop within {WAIT:?} of SIGTERM");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for ServeGuard {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// The outcome of one command.
#[derive(Debug)]
pub struct Run {
    /// The exit code.
    pub code: i32,
    /// What it printed on stdout.
    pub stdout: String,
    /// What it printed on stderr.
    pub stderr: String,
}

impl Run {
    /// Stdout read as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|err| panic!("stdout is one JSON document ({err}): {}", self.stdout))
    }

    /// Asserts the exit code, showing the output when it differs.
    pub fn expect_code(&self, code: i32, why: &str) -> &Self {
        assert_eq!(
            self.code, code,
            "{why}\nstdout: {}\nstderr: {}",
            self.stdout, self.stderr
        );
        self
    }
}

/// Runs `labdeskctl --data-dir DIR ARGS…`.
pub fn ctl(dir: &Path, args: &[&str]) -> Run {
    run_ctl(
        &[
            &["--data-dir", dir.to_str().expect("utf-8 temp path")],
            args,
        ]
        .concat(),
    )
}

/// Runs `labdeskctl ARGS…` with no data dir.
pub fn run_ctl(args: &[&str]) -> Run {
    let output = Command::new(ctl_bin())
        .args(args)
        .env_remove("LABDESK_DATA_DIR")
        .env_remove("LABDESK_DESK")
        .env_remove("LABDESK_TOKEN")
        .stdin(Stdio::null())
        .output()
        .expect("labdeskctl runs");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// The shared station list.
pub fn stations_csv() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/lab-stations.csv")
}
