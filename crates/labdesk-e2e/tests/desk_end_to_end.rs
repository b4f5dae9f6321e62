//! The desk app end to end, as staff and two PCs live through it: the real `labdesk` app under
//! Xvfb, driven through tauri-driver; two real `labdesk-agent --json` processes; the session
//! bus watched for the desk's notification. Run it through `scripts/test.sh`.

use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::time::Duration;

use fantoccini::Client;
use futures_util::FutureExt;
use serde_json::Value;

use labdesk_e2e::agent::Agent;
use labdesk_e2e::console::{self, REACT};
use labdesk_e2e::desk::{ctl_json, wait_for_desk_file};
use labdesk_e2e::driver::{free_port, AppGuard, TauriDriver};
use labdesk_e2e::notifications::NotificationWatch;
use labdesk_e2e::programs::{workspace_root, Programs};
use labdesk_e2e::{desktop, ensure, ui, Error, Result};

/// Limit for a process to start or the app to open its window.
const START: Duration = Duration::from_secs(60);
/// Limit for an agent to be told something the desk sends at once.
const PROMPT: Duration = Duration::from_secs(30);
/// Limit for the warning, due 30 s into a 90 s session with a 60 s lead.
const WARNING: Duration = Duration::from_secs(90);
/// Limit for the second session to expire on its own, 90 s after it started.
const EXPIRY: Duration = Duration::from_secs(150);
/// Limit for the whole scenario, well above the sum of its waits on a slow machine.
const WHOLE_RUN: Duration = Duration::from_secs(600);

/// What the test started, ended by the guards when dropped.
struct Run {
    programs: Programs,
    out: PathBuf,
    data: tempfile::TempDir,
    listen_port: u16,
    notifications: NotificationWatch,
    driver: TauriDriver,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_warn_end_by_staff_and_expire_on_their_own() {
    let mut run = match Run::start().await {
        Ok(run) => run,
        Err(err) => panic!("{err}"),
    };
    let app = AppGuard::new(&run.programs.app, run.data.path());
    let client = match run.open_app().await {
        Ok(client) => client,
        Err(err) => panic!("{err}"),
    };

    // A backstop: a WebDriver command that never answers fails the test instead of hanging it.
    let scenario = tokio::time::timeout(WHOLE_RUN, scenario(&mut run, &client));
    let outcome = AssertUnwindSafe(scenario)
        .catch_unwind()
        .await
        .map(|timed| {
            timed.unwrap_or_else(|_| {
                Err(Error::Timeout {
                    what: "the whole scenario (a WebDriver command may never have answered)"
                        .to_owned(),
                    after: WHOLE_RUN,
                })
            })
        });
    if outcome.as_ref().is_ok_and(Result::is_err) {
        // A picture of the moment it failed, for whoever reads the run.
        let _ = ui::screenshot(&run.out, "failed").await;
    }
    // Closing the WebDriver session should end the app; the guard ends it if not, so that its
    // logs are complete before they are kept. The other guards end the rest.
    let _ = client.close().await;
    let outlived = app.stop(Duration::from_secs(10));
    if !outlived.is_empty() {
        eprintln!("note: the app outlived its WebDriver session; ended it by id {outlived:?}");
    }
    keep_app_logs(&run);
    drop(app);
    drop(run);

    match outcome {
        Ok(Ok(())) => {}
        Ok(Err(err)) => panic!("{err}"),
        Err(panic) => std::panic::resume_unwind(panic),
    }
}

impl Run {
    /// Checks the desktop session, finds the programs, starts the notification watch (before
    /// the app, so nothing is missed) and tauri-driver.
    async fn start() -> Result<Self> {
        desktop::require_session()?;
        let programs = Programs::locate()?;
        let out = desktop::output_dir()?;
        desktop::clear_previous_run(&out)?;
        let data = tempfile::Builder::new().prefix("labdesk-e2e-").tempdir()?;

        let notifications =
            NotificationWatch::start(&programs.dbus_monitor, &out.join("dbus-monitor.log"), START)
                .await?;
        let driver = TauriDriver::start(&programs, &out.join("tauri-driver.log"), START).await?;

        Ok(Self {
            listen_port: free_port()?,
            programs,
            out,
            data,
            notifications,
            driver,
        })
    }

    /// Opens the app on the fresh data folder, listening on loopback, warning 60 s ahead.
    async fn open_app(&self) -> Result<Client> {
        let args = [
            "--data-dir".to_owned(),
            self.data.path().display().to_string(),
            "--listen".to_owned(),
            format!("127.0.0.1:{}", self.listen_port),
            "--warn-before".to_owned(),
            "60s".to_owned(),
        ];
        self.driver.open_app(&self.programs.app, &args).await
    }

    /// Saves a screenshot of the app's window as `<out>/<name>.png`.
    async fn shot(&self, _client: &Client, name: &str) -> Result<()> {
        ui::screenshot(&self.out, name).await?;
        Ok(())
    }
}

/// Issue 5's steps, one after the other.
async fn scenario(run: &mut Run, client: &Client) -> Result<()> {
    console::create_admin(client, "admin", "front-desk-pass-1", START).await?;
    run.shot(client, "01-admin-created").await?;

    let pcs = import_stations(run).await?;
    let [(first_pc, first_token), (second_pc, second_token)] = pcs;
    let desk_url = format!("ws://127.0.0.1:{}", run.listen_port);
    let mut first = Agent::start(
        &run.programs.agent,
        &desk_url,
        &first_pc,
        &first_token,
        &run.out,
    )
    .await?;
    let mut second = Agent::start(
        &run.programs.agent,
        &desk_url,
        &second_pc,
        &second_token,
        &run.out,
    )
    .await?;
    for agent in [&mut first, &mut second] {
        let welcome = agent.wait_for("welcome", PROMPT).await?;
        ensure(welcome["session"].is_null(), || {
            format!("a freshly imported PC has no session yet: {welcome}")
        })?;
    }

    // Step 2: a 90-second session on each PC, each for a new walk-in patron.
    console::start_walk_in(client, &first_pc, "walk-in-1", "1.5").await?;
    console::start_walk_in(client, &second_pc, "walk-in-2", "1.5").await?;
    for agent in [&mut first, &mut second] {
        agent.wait_for("session_started", PROMPT).await?;
    }
    run.shot(client, "02-sessions-started").await?;

    // Step 3: one warning each, a minute before the end, shown as a popup.
    for agent in [&mut first, &mut second] {
        let warning = agent.wait_for("session_warning", WARNING).await?;
        ensure(
            warning["minutes_left"] == 1 && warning["show_popup"] == true,
            || {
                format!(
                    "{} expected minutes_left 1 and show_popup true: {warning}",
                    agent.pc()
                )
            },
        )?;
    }
    run.shot(client, "03-both-warned").await?;

    // Step 4: staff end the first session.
    console::ask_to_end(client, &first_pc).await?;
    run.shot(client, "04a-end-confirmation").await?;
    console::confirm_end(client).await?;
    let ended = first.wait_for("session_ended", PROMPT).await?;
    ensure(ended["reason"] == "ended_by_staff", || {
        format!("staff ended the session on {first_pc}: {ended}")
    })?;
    ui::gone(client, &console::session_row(&first_pc), REACT).await?;
    run.shot(client, "04b-ended-by-staff").await?;
    console::open(client, "pcs").await?;
    ui::text(client, &console::pc_status(&first_pc), REACT, |t| {
        t.trim() == "free"
    })
    .await?;
    run.shot(client, "04c-first-pc-free").await?;
    console::open(client, "sessions").await?;

    // Step 5: the second session ends on its own, and the desk notifies the desktop.
    ui::element(client, &console::session_row(&second_pc), REACT).await?;
    let expired = second.wait_for("session_ended", EXPIRY).await?;
    ensure(expired["reason"] == "expired", || {
        format!("the session on {second_pc} reached its end: {expired}")
    })?;
    ui::gone(client, &console::session_row(&second_pc), REACT).await?;
    run.shot(client, "05a-expired").await?;
    let call = run
        .notifications
        .wait_for_notify(&[&format!("Session on {second_pc} expired")], PROMPT)
        .await?;
    std::fs::write(run.out.join("05-expiry-notification.txt"), &call)?;
    run.shot(client, "05b-screen-with-notification").await?;

    // Each PC got its warning exactly once.
    for agent in [&mut first, &mut second] {
        let warnings = agent.received("session_warning");
        ensure(warnings.len() == 1, || {
            format!(
                "{} got {} warnings, expected one: {warnings:?}",
                agent.pc(),
                warnings.len()
            )
        })?;
    }

    // Step 6: nothing is left for Clean Up.
    let status = console::clean_up(client).await?;
    ensure(status.trim() == "Nothing was due for clean-up.", || {
        format!("clean-up after both sessions ended should free nothing, status says {status:?}")
    })?;
    run.shot(client, "06-clean-up-nothing-due").await?;
    Ok(())
}

/// Imports the lab's stations with `labdeskctl` and returns the first two PCs with their
/// tokens.
async fn import_stations(run: &Run) -> Result<[(String, String); 2]> {
    wait_for_desk_file(run.data.path(), START).await?;
    let csv = workspace_root().join("fixtures/lab-stations.csv");
    let csv = csv.display().to_string();
    let imported = ctl_json(
        &run.programs.ctl,
        run.data.path(),
        &["pc", "import", &csv, "--json"],
    )
    .await?;
    std::fs::write(run.out.join("imported-pcs.json"), imported.to_string())?;

    let pcs = imported_pcs(&imported);
    match pcs.as_slice() {
        [a, b, ..] => Ok([a.clone(), b.clone()]),
        _ => Err(Error::Unexpected(format!(
            "labdeskctl pc import --json should list the imported PCs with tokens: {imported}"
        ))),
    }
}

/// `(name, token)` of every PC in `labdeskctl pc import --json` output.
fn imported_pcs(imported: &Value) -> Vec<(String, String)> {
    let list = imported
        .get("imported")
        .unwrap_or(imported)
        .as_array()
        .cloned()
        .unwrap_or_default();
    list.iter()
        .filter_map(|pc| {
            let name = pc
                .pointer("/pc/name")
                .or_else(|| pc.get("name"))?
                .as_str()?;
            let token = pc.get("token")?.as_str()?;
            Some((name.to_owned(), token.to_owned()))
        })
        .collect()
}

/// Copies the app's log files out of the temporary data folder into `<out>/app-logs`.
fn keep_app_logs(run: &Run) {
    let Ok(entries) = std::fs::read_dir(run.data.path().join("logs")) else {
        return;
    };
    let kept = run.out.join("app-logs");
    if std::fs::create_dir_all(&kept).is_err() {
        return;
    }
    for entry in entries.flatten() {
        let _ = std::fs::copy(entry.path(), kept.join(entry.file_name()));
    }
}
