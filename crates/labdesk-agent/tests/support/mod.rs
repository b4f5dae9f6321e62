//! Test support: a desk in the test process (the headless desk of `labdeskctl`) with a PC and
//! a patron, and real `labdesk-agent` processes (and other helpers) killed on drop.

use labdesk_link::client::StaffClient;
use labdesk_proto::staff::{Credentials, RequestBody};
use labdeskctl::desk_file::DeskFile;
use labdeskctl::serve::{RunningDesk, ServeOptions};
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::mpsc;

/// Generous: a loaded machine may be slow to start a process or to reconnect.
pub const WAIT: Duration = Duration::from_secs(30);

/// A desk in this process, on a temp data dir, with a PC `PC-1` and a patron `ana`.
pub struct TestDesk {
    /// The data dir.
    pub dir: tempfile::TempDir,
    desk: Option<RunningDesk>,
    leads: Vec<Duration>,
    /// The PC-1 token file.
    pub token_file: PathBuf,
}

impl TestDesk {
    /// Starts a desk with these warning leads, and adds `PC-1` (token in [`TestDesk::token_file`]) and `ana`.
    pub async fn start(leads: &[Duration]) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let desk = RunningDesk::start(options(dir.path(), "127.0.0.1:0", leads))
            .await
            .expect("the desk starts");
        let test = Self {
            token_file: dir.path().join("pc-1.token"),
            dir,
            desk: Some(desk),
            leads: leads.to_vec(),
        };
        let added = test
            .staff(RequestBody::AddPc {
                name: "PC-1".into(),
                zone: None,
                os: None,
            })
            .await;
        let token = added["token"].as_str().expect("add_pc returns the token");
        std::fs::write(&test.token_file, format!("{token}\n")).unwrap();
        test.staff(RequestBody::AddUser {
            username: "ana".into(),
            display_name: None,
            role: None,
            password: None,
        })
        .await;
        test
    }

    /// The desk's base URL.
    pub fn url(&self) -> String {
        self.desk.as_ref().expect("desk running").url().to_owned()
    }

    /// Stops the desk and starts it again on the same port and store.
    pub async fn restart(&mut self) {
        let desk = self.desk.take().expect("desk running");
        let addr = desk.local_addr();
        desk.stop().await;
        let listen = addr.to_string();
        let desk = RunningDesk::start(options(self.dir.path(), &listen, &self.leads))
            .await
            .expect("the desk starts again on its port");
        self.desk = Some(desk);
    }

    /// Runs one staff request as the desk's admin and returns its result.
    pub async fn staff(&self, body: RequestBody) -> Value {
        let file = DeskFile::read(self.dir.path()).expect("the desk wrote desk.json");
        let mut client = StaffClient::connect(&file.url, Credentials::Token { token: file.token })
            .await
            .expect("the admin connects");
        let result = client.request(body).await.expect("the request succeeds");
        client.close().await;
        result
    }

    /// Waits until the desk recorded an acknowledged warning of `minutes` for the live session.
    pub async fn wait_warned(&self, minutes: u64) {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let live = self.staff(RequestBody::LiveSessions).await;
            if live[0]["warned_minutes"] == minutes {
                return;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "the desk never recorded the ack of the {minutes}-minute warning: {live}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// The headless desk's options for a data dir, an address and warning leads.
fn options(dir: &Path, listen: &str, leads: &[Duration]) -> ServeOptions {
    ServeOptions {
        data_dir: dir.to_owned(),
        listen: listen.to_owned(),
        warning_leads: leads.to_vec(),
        link: labdesk_link::LinkConfig::default(),
    }
}

/// A running `labdesk-agent`, killed on drop; its stdout lines arrive on a channel.
pub struct Agent {
    /// The process.
    pub child: Child,
    /// Its stdout lines.
    pub lines: mpsc::UnboundedReceiver<String>,
    stderr: Arc<Mutex<Vec<String>>>,
}

/// No session bus there: every popup fails, which must never stop the agent.
const NO_BUS: &str = "unix:path=/nonexistent/labdesk-test-bus";

/// The agent's command line, with no session bus.
pub fn agent_command(desk: &str, pc: &str, token_args: &[&str]) -> Command {
    agent_command_on_bus(desk, pc, token_args, NO_BUS)
}

/// The agent's command line, with `bus` as its session bus.
pub fn agent_command_on_bus(desk: &str, pc: &str, token_args: &[&str], bus: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_labdesk-agent"));
    command
        .args(["--desk", desk, "--pc", pc])
        .args(token_args)
        .env("DBUS_SESSION_BUS_ADDRESS", bus)
        .env("RUST_LOG", "info")
        .env_remove("LABDESK_PC_TOKEN")
        .stdin(Stdio::null());
    command
}

impl Agent {
    /// Starts an agent with `--json`, with no session bus.
    pub fn start(desk: &str, pc: &str, token_args: &[&str]) -> Self {
        Self::start_on_bus(desk, pc, token_args, NO_BUS)
    }

    /// Starts an agent with `--json` on the session bus `bus`.
    pub fn start_on_bus(desk: &str, pc: &str, token_args: &[&str], bus: &str) -> Self {
        let mut child = agent_command_on_bus(desk, pc, token_args, bus)
            .arg("--json")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the agent starts");
        let lines = stdout_lines(&mut child);
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let sink = stderr.clone();
        let err = child.stderr.take().expect("stderr is piped");
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines().map_while(Result::ok) {
                sink.lock().unwrap().push(line);
            }
        });
        Self {
            child,
            lines,
            stderr,
        }
    }

    /// Its stderr so far.
    pub fn stderr_text(&self) -> String {
        self.stderr.lock().unwrap().join("\n")
    }

    /// The next stdout line, which must be one JSON object.
    pub async fn next(&mut self) -> Value {
        let line = tokio::time::timeout(WAIT, self.lines.recv())
            .await
            .unwrap_or_else(|_| {
                panic!("no message within {WAIT:?}; stderr: {}", self.stderr_text())
            })
            .unwrap_or_else(|| panic!("the agent's stdout closed; stderr: {}", self.stderr_text()));
        serde_json::from_str(&line)
            .unwrap_or_else(|err| panic!("not one JSON line ({err}): {line}"))
    }

    /// The next message, which must be of `kind`.
    pub async fn expect(&mut self, kind: &str) -> Value {
        let message = self.next().await;
        assert_eq!(message["type"], kind, "expected {kind}, got {message}");
        message
    }

    /// Waits for the process to exit; returns its code.
    pub async fn exit_code(&mut self) -> i32 {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            if let Some(status) = self.child.try_wait().expect("the agent can be waited on") {
                return status.code().unwrap_or(-1);
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "the agent did not exit"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for Agent {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The lines `child` prints on its piped stdout, on a channel that closes when stdout does.
fn stdout_lines(child: &mut Child) -> mpsc::UnboundedReceiver<String> {
    let (tx, lines) = mpsc::unbounded_channel();
    let out = child.stdout.take().expect("stdout is piped");
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    lines
}

/// A child process killed on drop, with its stdout lines on a channel.
pub struct Watched {
    child: Child,
    lines: mpsc::UnboundedReceiver<String>,
}

impl Watched {
    /// Starts `command` with its stdout on a channel.
    pub fn spawn(command: &mut Command) -> Self {
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the program starts");
        let lines = stdout_lines(&mut child);
        Self { child, lines }
    }

    /// Reads lines until one contains `text`; panics after [`WAIT`].
    pub async fn wait_for(&mut self, text: &str) -> String {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let line = tokio::time::timeout_at(deadline, self.lines.recv())
                .await
                .unwrap_or_else(|_| panic!("no line with {text:?} within {WAIT:?}"))
                .unwrap_or_else(|| panic!("output closed before a line with {text:?}"));
            if line.contains(text) {
                return line;
            }
        }
    }
}

impl Drop for Watched {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
