//! The agent as a real process against a real desk (the headless desk of `labdeskctl`, run in
//! this test process on 127.0.0.1): the `--json` stream, acknowledged warnings that are not
//! repeated after the desk restarts, refusals that stop the agent, and `--end-session` beside
//! a running agent.

use labdesk_proto::staff::{Credentials, RequestBody};
use labdeskctl::client::StaffClient;
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
const WAIT: Duration = Duration::from_secs(30);

/// A desk in this process, on a temp data dir, with a PC `PC-1` and a patron `ana`.
struct TestDesk {
    dir: tempfile::TempDir,
    desk: Option<RunningDesk>,
    leads: Vec<Duration>,
    token_file: PathBuf,
}

impl TestDesk {
    async fn start(leads: &[Duration]) -> Self {
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

    fn url(&self) -> String {
        self.desk.as_ref().expect("desk running").url().to_owned()
    }

    /// Stops the desk and starts it again on the same port and store.
    async fn restart(&mut self) {
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
    async fn staff(&self, body: RequestBody) -> Value {
        let file = DeskFile::read(self.dir.path()).expect("the desk wrote desk.json");
        let mut client = StaffClient::connect(&file.url, Credentials::Token { token: file.token })
            .await
            .expect("the admin connects");
        let result = client.request(body).await.expect("the request succeeds");
        client.close().await;
        result
    }

    /// Waits until the desk recorded an acknowledged warning of `minutes` for the live session.
    async fn wait_warned(&self, minutes: u64) {
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

fn options(dir: &Path, listen: &str, leads: &[Duration]) -> ServeOptions {
    ServeOptions {
        data_dir: dir.to_owned(),
        listen: listen.to_owned(),
        warning_leads: leads.to_vec(),
        link: labdesk_link::LinkConfig::default(),
    }
}

/// A running `labdesk-agent`, killed on drop; its stdout lines arrive on a channel.
struct Agent {
    child: Child,
    lines: mpsc::UnboundedReceiver<String>,
    stderr: Arc<Mutex<Vec<String>>>,
}

/// No session bus there: every popup fails, which must never stop the agent.
const NO_BUS: &str = "unix:path=/nonexistent/labdesk-test-bus";

fn agent_command(desk: &str, pc: &str, token_args: &[&str]) -> Command {
    agent_command_on_bus(desk, pc, token_args, NO_BUS)
}

fn agent_command_on_bus(desk: &str, pc: &str, token_args: &[&str], bus: &str) -> Command {
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
    fn start(desk: &str, pc: &str, token_args: &[&str]) -> Self {
        Self::start_on_bus(desk, pc, token_args, NO_BUS)
    }

    fn start_on_bus(desk: &str, pc: &str, token_args: &[&str], bus: &str) -> Self {
        let mut child = agent_command_on_bus(desk, pc, token_args, bus)
            .arg("--json")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the agent starts");
        let (tx, lines) = mpsc::unbounded_channel();
        let out = child.stdout.take().expect("stdout is piped");
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
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

    fn stderr_text(&self) -> String {
        self.stderr.lock().unwrap().join("\n")
    }

    /// The next stdout line, which must be one JSON object.
    async fn next(&mut self) -> Value {
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
    async fn expect(&mut self, kind: &str) -> Value {
        let message = self.next().await;
        assert_eq!(message["type"], kind, "expected {kind}, got {message}");
        message
    }

    /// Waits for the process to exit; returns its code.
    async fn exit_code(&mut self) -> i32 {
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn warning_is_acked_and_not_repeated_after_the_desk_restarts() {
    // Leads of 5 min and 2 min on a 130 s session: the first is due at once (3 min left), the
    // second 10 s later (2 min left).
    let leads = [Duration::from_secs(300), Duration::from_secs(120)];
    let mut desk = TestDesk::start(&leads).await;
    let token_file = desk.token_file.to_str().unwrap().to_owned();
    let mut agent = Agent::start(&desk.url(), "PC-1", &["--token-file", &token_file]);

    let welcome = agent.expect("welcome").await;
    assert_eq!(welcome["session"], Value::Null, "no session yet: {welcome}");
    let session = desk
        .staff(RequestBody::StartSession {
            pc: "PC-1".into(),
            user: "ana".into(),
            duration_secs: 130,
        })
        .await;
    let booking_id = session["booking_id"].clone();
    let started = agent.expect("session_started").await;
    assert_eq!(started["booking_id"], booking_id);
    let warning = agent.expect("session_warning").await;
    assert_eq!(warning["minutes_left"], 3, "{warning}");
    assert_eq!(warning["booking_id"], booking_id);
    assert_eq!(warning["message"], "Session ends in 3 min");
    desk.wait_warned(3).await;

    desk.restart().await;
    let welcome = agent.expect("welcome").await;
    assert_eq!(
        welcome["session"]["booking_id"], booking_id,
        "the reconnected agent learns its session: {welcome}"
    );
    let next = agent.next().await;
    assert_eq!(next["type"], "session_warning", "{next}");
    assert_eq!(
        next["minutes_left"], 2,
        "the acknowledged 3-minute warning is not sent again; the next is the 2-minute one"
    );
    desk.wait_warned(2).await;

    let booking_id = booking_id.as_i64().unwrap();
    desk.staff(RequestBody::EndSession { booking_id }).await;
    let ended = agent.expect("session_ended").await;
    assert_eq!(ended["reason"], "ended_by_staff");

    assert!(
        agent.child.try_wait().unwrap().is_none(),
        "failed popups never stop the agent"
    );
    let log = agent.stderr_text();
    assert!(
        log.contains("could not show a desktop notification"),
        "failed popups are logged: {log}"
    );
    assert!(
        log.contains("reconnecting"),
        "the restart was survived by reconnecting: {log}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_token_or_name_stops_the_agent_saying_why() {
    let desk = TestDesk::start(&[Duration::from_secs(300)]).await;
    for (pc, token) in [("PC-1", "wrong-token"), ("PC-404", "wrong-token")] {
        let mut agent = Agent::start(&desk.url(), pc, &["--token", token]);
        let code = agent.exit_code().await;
        assert_eq!(
            code,
            4,
            "a refused agent exits with 4: {}",
            agent.stderr_text()
        );
        let log = agent.stderr_text();
        assert!(
            log.contains("4401") && log.contains("token"),
            "it says why: {log}"
        );
        assert!(
            tokio::time::timeout(Duration::from_secs(1), agent.lines.recv())
                .await
                .ok()
                .flatten()
                .is_none(),
            "a refused agent prints no message"
        );
    }

    let output = agent_command(&desk.url(), "PC-1", &[])
        .output()
        .expect("the agent runs");
    assert_eq!(output.status.code(), Some(2), "no token is a usage error");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--token-file"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_agent_for_the_same_pc_replaces_the_first() {
    let desk = TestDesk::start(&[Duration::from_secs(300)]).await;
    let token_file = desk.token_file.to_str().unwrap().to_owned();
    let mut first = Agent::start(&desk.url(), "PC-1", &["--token-file", &token_file]);
    first.expect("welcome").await;
    let mut second = Agent::start(&desk.url(), "PC-1", &["--token-file", &token_file]);
    second.expect("welcome").await;

    assert_eq!(
        first.exit_code().await,
        6,
        "the replaced agent stops: {}",
        first.stderr_text()
    );
    assert!(
        first.stderr_text().contains("4409"),
        "{}",
        first.stderr_text()
    );
    assert!(
        second.child.try_wait().unwrap().is_none(),
        "the newer agent keeps running"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn end_session_ends_its_own_session_and_keeps_the_agent_connected() {
    let desk = TestDesk::start(&[Duration::from_secs(300)]).await;
    let token_file = desk.token_file.to_str().unwrap().to_owned();
    let mut agent = Agent::start(&desk.url(), "PC-1", &["--token-file", &token_file]);
    agent.expect("welcome").await;

    let end_session = |json: bool| {
        let mut command = agent_command(&desk.url(), "PC-1", &["--token-file", &token_file]);
        command.arg("--end-session");
        if json {
            command.arg("--json");
        }
        tokio::task::spawn_blocking(move || command.output().expect("the agent runs"))
    };

    let none = end_session(false).await.unwrap();
    assert_eq!(none.status.code(), Some(5), "nothing live to end");
    assert!(String::from_utf8_lossy(&none.stderr).contains("no live session"));

    let session = desk
        .staff(RequestBody::StartSession {
            pc: "PC-1".into(),
            user: "ana".into(),
            duration_secs: 45 * 60,
        })
        .await;
    let booking_id = session["booking_id"].as_i64().unwrap();
    agent.expect("session_started").await;

    let ended = end_session(false).await.unwrap();
    let stdout = String::from_utf8_lossy(&ended.stdout);
    assert_eq!(
        ended.status.code(),
        Some(0),
        "{stdout} {}",
        String::from_utf8_lossy(&ended.stderr)
    );
    assert!(
        stdout.contains(&format!("ended session {booking_id} on PC-1")),
        "{stdout}"
    );

    let pushed = agent.expect("session_ended").await;
    assert_eq!(
        pushed["booking_id"], booking_id,
        "the running agent still gets pushes"
    );
    assert_eq!(pushed["reason"], "ended_by_user");
    assert!(
        agent.child.try_wait().unwrap().is_none(),
        "the running agent was not replaced"
    );
    let live = desk.staff(RequestBody::LiveSessions).await;
    assert_eq!(live, serde_json::json!([]), "the session is over");
    let pcs = desk.staff(RequestBody::ListPcs).await;
    assert_eq!(
        pcs[0]["online"], true,
        "the desk still sees the running agent"
    );

    let again = end_session(true).await.unwrap();
    assert_eq!(
        again.status.code(),
        Some(5),
        "ending again finds nothing live"
    );
    let lines = String::from_utf8_lossy(&again.stdout).into_owned();
    let first: Value = serde_json::from_str(lines.lines().next().expect("the welcome is printed"))
        .expect("--json prints JSON lines");
    assert_eq!(first["type"], "welcome");
}

/// A child process killed on drop, with its stdout lines on a channel.
struct Watched {
    child: Child,
    lines: mpsc::UnboundedReceiver<String>,
}

impl Watched {
    fn spawn(command: &mut Command) -> Self {
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the program starts");
        let (tx, lines) = mpsc::unbounded_channel();
        let out = child.stdout.take().expect("stdout is piped");
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Self { child, lines }
    }

    /// Reads lines until one contains `text`; panics after [`WAIT`].
    async fn wait_for(&mut self, text: &str) -> String {
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn warnings_and_session_end_reach_the_session_bus() {
    // A private session bus, and a monitor that sees every Notify call on it.
    // No display: a notification daemon the bus might start on demand cannot show up and
    // outlive the test.
    let mut bus = Watched::spawn(
        Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--print-address=1"])
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY"),
    );
    let address = bus.wait_for("unix:").await;
    let mut monitor = Watched::spawn(Command::new("dbus-monitor").args([
        "--address",
        &address,
        "interface='org.freedesktop.Notifications',member='Notify'",
    ]));
    // The monitor announces itself once it is listening.
    monitor.wait_for("NameAcquired").await;

    let desk = TestDesk::start(&[Duration::from_secs(300)]).await;
    let token_file = desk.token_file.to_str().unwrap().to_owned();
    let args = ["--token-file", token_file.as_str()];
    let mut agent = Agent::start_on_bus(&desk.url(), "PC-1", &args, &address);
    agent.expect("welcome").await;
    let session = desk
        .staff(RequestBody::StartSession {
            pc: "PC-1".into(),
            user: "ana".into(),
            duration_secs: 150,
        })
        .await;
    agent.expect("session_started").await;
    agent.expect("session_warning").await;
    monitor
        .wait_for("Session ends in 3 min. Save your work.")
        .await;

    let booking_id = session["booking_id"].as_i64().unwrap();
    desk.staff(RequestBody::EndSession { booking_id }).await;
    agent.expect("session_ended").await;
    monitor.wait_for("Staff ended your session.").await;
    assert!(
        agent.child.try_wait().unwrap().is_none(),
        "the agent keeps running"
    );
    drop(bus);
}
