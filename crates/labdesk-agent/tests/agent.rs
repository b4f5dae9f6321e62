//! The agent as a real process against a real desk (the headless desk of `labdeskctl`, run in
//! this test process on 127.0.0.1): the `--json` stream, acknowledged warnings that are not
//! repeated after the desk restarts, refusals that stop the agent, and `--end-session` beside
//! a running agent; popups for real on a private session bus.

mod support;

use labdesk_proto::staff::RequestBody;
use serde_json::Value;
use std::process::Command;
use std::time::Duration;
use support::{agent_command, Agent, TestDesk, Watched};

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
    assert!(
        log.contains("the desk closed the link") && log.contains("1001"),
        "the stopping desk said goodbye with 1001: {log}"
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

    // SIGTERM: the agent says goodbye with a close frame and exits 0; the desk sees it go.
    let pid = agent.child.id().to_string();
    let kill = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(kill.success(), "SIGTERM was delivered");
    assert_eq!(
        agent.exit_code().await,
        0,
        "a stopped agent exits 0: {}",
        agent.stderr_text()
    );
    let deadline = tokio::time::Instant::now() + support::WAIT;
    while desk.staff(RequestBody::ListPcs).await[0]["online"] != false {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the desk never saw the pc go offline"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

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
