//! The CLI round trip against a real `labdeskctl serve` on 127.0.0.1:0: import the shared
//! station list, start, list, end, clean up, each as a table and as JSON, and every error path
//! with its exit code.

mod support;

use labdesk_core::{Engine, EngineConfig, SystemClock};
use std::sync::Arc;
use support::{ctl, run_ctl, stations_csv, ServeGuard};

fn start_desk() -> (tempfile::TempDir, ServeGuard) {
    let dir = tempfile::tempdir().expect("temp dir");
    let desk = ServeGuard::start(dir.path(), "127.0.0.1:0", &[]);
    (dir, desk)
}

fn import_stations(dir: &std::path::Path) {
    let csv = stations_csv();
    ctl(dir, &["pc", "import", csv.to_str().unwrap()]).expect_code(0, "the shared list imports");
}

#[test]
fn round_trip_as_tables() {
    let (dir, _desk) = start_desk();
    let dir = dir.path();
    let csv = stations_csv();

    let import = ctl(dir, &["pc", "import", csv.to_str().unwrap()]);
    import.expect_code(0, "the shared station list imports");
    assert!(
        import.stdout.starts_with("imported 161 pcs"),
        "{}",
        import.stdout
    );
    assert!(
        import.stdout.contains("E-L13"),
        "every imported pc is listed: {}",
        import.stdout
    );

    let list = ctl(dir, &["pc", "list"]);
    list.expect_code(0, "pcs list");
    assert!(
        list.stdout.starts_with("NAME"),
        "a table with headers: {}",
        list.stdout
    );
    assert_eq!(list.stdout.lines().count(), 162, "a header and 161 pcs");

    ctl(dir, &["user", "add", "ana"]).expect_code(0, "a patron is added");
    let started = ctl(dir, &["session", "start", "1-001", "ana", "--for", "45m"]);
    started.expect_code(0, "a session starts on a free pc");
    let row = started.stdout.lines().nth(1).expect("one session row");
    let id = row.split_whitespace().next().unwrap().to_owned();
    assert!(
        row.contains("1-001") && row.contains("ana"),
        "{}",
        started.stdout
    );

    let sessions = ctl(dir, &["session", "list"]);
    sessions.expect_code(0, "live sessions list");
    assert!(
        sessions.stdout.contains("1-001"),
        "the session is live: {}",
        sessions.stdout
    );

    let ended = ctl(dir, &["session", "end", &id]);
    ended.expect_code(0, "staff end a live session");
    assert!(ended.stdout.contains("ended_by_staff"), "{}", ended.stdout);

    let cleanup = ctl(dir, &["cleanup"]);
    cleanup.expect_code(0, "clean-up runs");
    assert!(
        !cleanup.stdout.trim().is_empty(),
        "clean-up says what it did"
    );

    let sessions = ctl(dir, &["session", "list"]);
    assert_eq!(
        sessions.stdout, "no live sessions\n",
        "the ended session is gone"
    );
    let audit = ctl(dir, &["audit", "--limit", "3"]);
    audit.expect_code(0, "the audit lists");
    assert_eq!(
        audit.stdout.lines().count(),
        4,
        "a header and three entries: {}",
        audit.stdout
    );
}

#[test]
fn round_trip_as_json() {
    let (dir, _desk) = start_desk();
    let dir = dir.path();
    let csv = stations_csv();

    let import = ctl(dir, &["--json", "pc", "import", csv.to_str().unwrap()]);
    import.expect_code(0, "the shared station list imports");
    let imported = import.json();
    assert_eq!(
        imported["imported"].as_array().map(Vec::len),
        Some(161),
        "{imported}"
    );

    let pcs = ctl(dir, &["pc", "list", "--json"]).json();
    assert_eq!(pcs.as_array().map(Vec::len), Some(161));
    assert_eq!(pcs[0]["booking_status"], "available");

    ctl(dir, &["user", "add", "bo", "--json"]).expect_code(0, "a patron is added");
    let session = ctl(
        dir,
        &["session", "start", "3-001", "bo", "--for", "90s", "--json"],
    );
    session.expect_code(0, "a session starts");
    let session = session.json();
    let id = session["booking_id"].as_i64().expect("a booking id");
    assert_eq!(session["pc"], "3-001");

    let live = ctl(dir, &["session", "list", "--json"]).json();
    assert_eq!(live.as_array().map(Vec::len), Some(1), "{live}");
    assert_eq!(live[0]["booking_id"], id);

    let ended = ctl(dir, &["session", "end", &id.to_string(), "--json"]);
    ended.expect_code(0, "the session ends");
    assert_eq!(ended.json()["end_reason"], "ended_by_staff");

    let cleanup = ctl(dir, &["cleanup", "--json"]);
    cleanup.expect_code(0, "clean-up runs");
    let report = cleanup.json();
    assert_eq!(
        report["freed"],
        serde_json::json!([]),
        "nothing is overdue: {report}"
    );

    let live = ctl(dir, &["session", "list", "--json"]).json();
    assert_eq!(live, serde_json::json!([]));
    let pcs = ctl(dir, &["pc", "list", "--json"]).json();
    let pc = pcs
        .as_array()
        .unwrap()
        .iter()
        .find(|pc| pc["name"] == "3-001")
        .unwrap();
    assert_eq!(
        pc["booking_status"], "available",
        "the ended session freed its pc"
    );
}

#[test]
fn error_paths_have_their_exit_codes() {
    let (dir, _desk) = start_desk();
    let dir = dir.path();
    import_stations(dir);
    ctl(dir, &["user", "add", "ana"]).expect_code(0, "a patron is added");
    ctl(dir, &["user", "add", "bo"]).expect_code(0, "a patron is added");

    let unknown = ctl(dir, &["session", "start", "NOPE", "ana", "--for", "45m"]);
    unknown.expect_code(5, "an unknown pc is not found");
    assert!(unknown.stderr.starts_with("error: "), "{}", unknown.stderr);
    assert!(unknown.stdout.is_empty(), "errors go to stderr only");

    let first = ctl(
        dir,
        &["session", "start", "1-001", "ana", "--for", "45m", "--json"],
    );
    let id = first.json()["booking_id"].as_i64().unwrap().to_string();
    ctl(dir, &["session", "start", "1-001", "bo", "--for", "30m"])
        .expect_code(6, "an overlapping start conflicts");

    for bad in ["0m", "-5m", "5x"] {
        let run = ctl(dir, &["session", "start", "1-002", "bo", "--for", bad]);
        run.expect_code(2, "a bad duration is a usage error");
        assert!(
            run.stderr.contains("45m"),
            "{bad}: the message shows a good one: {}",
            run.stderr
        );
    }
    let live = ctl(dir, &["session", "list", "--json"]).json();
    assert_eq!(
        live.as_array().map(Vec::len),
        Some(1),
        "refused starts changed nothing"
    );

    ctl(dir, &["session", "end", &id]).expect_code(0, "the first end works");
    let twice = ctl(dir, &["session", "end", &id]);
    twice.expect_code(6, "ending twice conflicts");
    ctl(dir, &["session", "end", "999999"]).expect_code(5, "an unknown booking is not found");
    ctl(
        dir,
        &[
            "session", "book", "1-003", "ana", "--from", "soon", "--until", "later",
        ],
    )
    .expect_code(2, "a bad time is a usage error");
}

#[test]
fn bad_csv_reports_its_lines_and_imports_nothing() {
    let (dir, _desk) = start_desk();
    let dir = dir.path();
    let csv = dir.join("bad.csv");
    std::fs::write(
        &csv,
        "name,zone,os\nPC-1,a,windows\n,a,windows\nPC-3,a\nPC-1,b,linux\n",
    )
    .unwrap();

    let run = ctl(dir, &["pc", "import", csv.to_str().unwrap()]);
    run.expect_code(3, "a bad csv is a bad request");
    for line in ["line 3", "line 4", "line 5"] {
        assert!(run.stderr.contains(line), "{line} is named: {}", run.stderr);
    }
    let pcs = ctl(dir, &["pc", "list", "--json"]).json();
    assert_eq!(
        pcs,
        serde_json::json!([]),
        "nothing was imported, not even the good line"
    );

    ctl(dir, &["pc", "import", "/nonexistent/pcs.csv"]).expect_code(2, "a missing file");
}

#[test]
fn patrons_and_wrong_tokens_are_not_allowed() {
    let (dir, desk) = start_desk();
    let dir = dir.path();
    ctl(dir, &["user", "add", "pat"]).expect_code(0, "a patron is added");

    // A patron's API token, made in the desk's own store beside the running desk.
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let token = runtime.block_on(async {
        let clock = Arc::new(SystemClock);
        let engine = Engine::open(dir.join("labdesk.db"), clock, EngineConfig::default())
            .await
            .expect("the desk's store opens beside it");
        let pat = engine.user("pat").await.unwrap();
        let token = engine.create_api_token(pat.id).await.unwrap();
        engine.close().await;
        token
    });

    let url = desk.url();
    let patron = run_ctl(&["--desk", &url, "--token", &token, "session", "list"]);
    patron.expect_code(4, "a patron token may not use /staff");
    assert!(patron.stderr.contains("refused"), "{}", patron.stderr);
    run_ctl(&["--desk", &url, "--token", "not-a-token", "pc", "list"])
        .expect_code(4, "a wrong token is refused");

    let live = ctl(dir, &["session", "list", "--json"]);
    live.expect_code(0, "the desk still serves after refusing");
}

#[test]
fn a_stopped_desk_is_unreachable() {
    let (dir, mut desk) = start_desk();
    let dir = dir.path();
    ctl(dir, &["pc", "list"]).expect_code(0, "the desk answers while running");
    let status = desk.stop();
    assert!(
        status.success(),
        "serve stops cleanly on SIGTERM: {status:?}"
    );

    let run = ctl(dir, &["pc", "list"]);
    run.expect_code(7, "nothing listens any more");
    assert!(
        run.stderr.contains("cannot reach the desk"),
        "{}",
        run.stderr
    );

    let empty = tempfile::tempdir().unwrap();
    let run = ctl(empty.path(), &["pc", "list"]);
    run.expect_code(7, "a data dir without a desk");
    assert!(
        run.stderr.contains("serve"),
        "says how to start one: {}",
        run.stderr
    );
    run_ctl(&["pc", "list"]).expect_code(2, "no desk at all is a usage error");
}

#[test]
fn serve_creates_one_admin_and_a_private_desk_file() {
    let parent = tempfile::tempdir().unwrap();
    let data_dir = parent.path().join("new-desk");
    let mut desk = ServeGuard::start(&data_dir, "127.0.0.1:0", &["--warn-before", "5m,1m"]);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&data_dir).unwrap().permissions().mode() & 0o777;
        assert_eq!(
            mode, 0o700,
            "a new data dir is private: the store holds secrets' hashes"
        );
    }
    let dir = &data_dir;
    let created = |desk: &ServeGuard| desk.stderr_text().contains("created the first admin");
    assert!(
        created(&desk),
        "the first start makes an admin: {}",
        desk.stderr_text()
    );
    let file = dir.as_path().join("desk.json");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "desk.json holds an admin token");
    }
    assert!(desk.stop().success());

    let mut again = ServeGuard::start(dir.as_path(), "127.0.0.1:0", &[]);
    assert!(
        !created(&again),
        "a restart keeps the admin: {}",
        again.stderr_text()
    );
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.contains(&again.url()),
        "desk.json follows the new address: {text}"
    );
    ctl(dir.as_path(), &["pc", "list"]).expect_code(0, "local commands find the restarted desk");
    assert!(again.stop().success());

    let bad = run_ctl(&[
        "--data-dir",
        dir.as_path().to_str().unwrap(),
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--warn-before",
        "0m",
    ]);
    bad.expect_code(2, "a zero warning lead is a usage error");
}

#[test]
fn pcs_users_bookings_and_extensions() {
    let (dir, desk) = start_desk();
    let dir = dir.path();

    let added = ctl(
        dir,
        &["pc", "add", "PC-X", "--zone", "lab-a", "--os", "linux"],
    );
    added.expect_code(0, "a pc is added");
    assert!(
        added.stdout.contains("token: "),
        "the token is shown once: {}",
        added.stdout
    );
    let agent = format!("labdesk-agent --desk {} --pc PC-X --token-file", desk.url());
    assert!(
        added.stdout.contains(&agent),
        "the agent command line: {}",
        added.stdout
    );
    ctl(dir, &["pc", "add", "PC-X"]).expect_code(6, "a taken name conflicts");

    let repaired = ctl(dir, &["pc", "repair", "PC-X", "--json"]);
    assert_eq!(repaired.json()["condition"], "repair");
    ctl(dir, &["user", "add", "ana"]).expect_code(0, "a patron is added");
    ctl(dir, &["session", "start", "PC-X", "ana", "--for", "45m"])
        .expect_code(3, "a pc in repair cannot be booked");
    ctl(dir, &["pc", "activate", "PC-X"]).expect_code(0, "back in service");
    ctl(dir, &["pc", "repair", "NOPE"]).expect_code(5, "an unknown pc");

    let password = dir.join("sam.password");
    std::fs::write(&password, "a long staff password\n").unwrap();
    let sam = ctl(
        dir,
        &["user", "add", "sam", "--role", "staff", "--password-file"],
    );
    sam.expect_code(2, "--password-file needs a value");
    let pw = password.to_str().unwrap();
    ctl(
        dir,
        &[
            "user",
            "add",
            "sam",
            "--role",
            "staff",
            "--password-file",
            pw,
        ],
    )
    .expect_code(0, "staff are added with a password");
    ctl(dir, &["user", "add", "sam"]).expect_code(6, "a taken username conflicts");
    let users = ctl(dir, &["user", "list"]);
    assert!(
        users.stdout.contains("sam") && users.stdout.contains("staff"),
        "{}",
        users.stdout
    );

    let from = (chrono::Utc::now() + chrono::Duration::hours(2)).to_rfc3339();
    let until = (chrono::Utc::now() + chrono::Duration::hours(3)).to_rfc3339();
    let booked = ctl(
        dir,
        &[
            "session", "book", "PC-X", "ana", "--from", &from, "--until", &until,
        ],
    );
    booked.expect_code(0, "a booking ahead");
    assert!(booked.stdout.contains("confirmed"), "{}", booked.stdout);
    let booked = ctl(
        dir,
        &[
            "--json", "session", "book", "PC-X", "ana", "--from", &until, "--until", &from,
        ],
    );
    booked.expect_code(3, "an end before the start is a bad request");
    let list = ctl(dir, &["--json", "audit", "--limit", "1"]).json();
    let booking_id = list[0]["booking_id"]
        .as_i64()
        .expect("the booking is audited");
    let cancelled = ctl(
        dir,
        &["session", "cancel", &booking_id.to_string(), "--json"],
    );
    assert_eq!(cancelled.json()["status"], "cancelled");

    let live = ctl(
        dir,
        &["session", "start", "PC-X", "ana", "--for", "30m", "--json"],
    )
    .json();
    let id = live["booking_id"].as_i64().unwrap().to_string();
    let extended = ctl(dir, &["session", "extend", &id, "--by", "15m", "--json"]);
    extended.expect_code(0, "a live session is extended");
    assert_ne!(
        extended.json()["end_time"],
        live["end_time"],
        "the end moved"
    );
    ctl(dir, &["session", "extend", &id, "--by", "0m"]).expect_code(2, "a zero extension");
}
