//! PC rules: adding, importing, renaming, repair, agent tokens and online state, with each
//! refusal's code, message, and an unchanged store.

use std::collections::HashSet;
use std::sync::Arc;

use chrono::Duration;
use labdesk_core::{BookingStatus, Condition, DeskEvent, Engine, EngineConfig, ManualClock};

use crate::common::{mins, t0, wait_for, Desk};

const FIXTURE: &str = include_str!("../../../../fixtures/lab-stations.csv");

#[tokio::test]
async fn adding_a_pc_shows_its_token_once_and_stores_only_a_hash() {
    let desk = Desk::new().await;
    let added = desk
        .engine
        .add_pc(&desk.admin, " PC-09 ", "Annex", "linux")
        .await
        .unwrap();
    assert_eq!(added.pc.name, "PC-09", "names are trimmed");
    assert_eq!(added.pc.booking_status, BookingStatus::Available);
    assert!(
        !desk.snapshot().await.contains(&added.token),
        "the token itself is never stored"
    );

    let pc = desk
        .engine
        .authenticate_pc("PC-09", &added.token)
        .await
        .unwrap();
    assert_eq!(pc.id, added.pc.id);
    let err = desk
        .engine
        .authenticate_pc("PC-09", "wrong")
        .await
        .unwrap_err();
    assert_eq!(err.code(), 401, "a wrong token is refused: {err}");
    let other = desk
        .engine
        .authenticate_pc("PC-01", &added.token)
        .await
        .unwrap_err();
    assert_eq!(other.code(), 401, "a token works only for its own PC");
    let unknown = desk
        .engine
        .authenticate_pc("PC-99", &added.token)
        .await
        .unwrap_err();
    assert_eq!(
        unknown.to_string(),
        err.to_string(),
        "the answer never says which was wrong"
    );
}

#[tokio::test]
async fn adding_a_pc_is_refused_for_staff_empty_names_and_taken_names() {
    let desk = Desk::new().await;
    let before = desk.snapshot().await;
    let err = desk
        .engine
        .add_pc(&desk.staff, "PC-09", "", "")
        .await
        .unwrap_err();
    assert_eq!(err.code(), 403, "only admins add PCs: {err}");
    assert!(err.to_string().contains("only an admin"), "{err}");
    let err = desk
        .engine
        .add_pc(&desk.admin, "  ", "", "")
        .await
        .unwrap_err();
    assert_eq!(err.code(), 400, "an empty name is refused: {err}");
    assert!(err.to_string().contains("name is empty"), "{err}");
    let err = desk
        .engine
        .add_pc(&desk.admin, "PC-01", "", "")
        .await
        .unwrap_err();
    assert_eq!(err.code(), 409, "a taken name conflicts: {err}");
    assert!(err.to_string().contains("exists already"), "{err}");
    assert_eq!(desk.snapshot().await, before, "refused adds change nothing");
}

#[tokio::test]
async fn the_lab_stations_file_imports_every_pc_with_its_own_token() {
    let desk = Desk::new().await;
    let added = desk.engine.import_pcs(&desk.admin, FIXTURE).await.unwrap();
    let rows = FIXTURE
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .count();
    assert_eq!(added.len(), rows, "every row of the file becomes a PC");
    assert_eq!(added.len(), 161);
    let tokens: HashSet<&str> = added.iter().map(|a| a.token.as_str()).collect();
    assert_eq!(tokens.len(), added.len(), "each PC gets its own token");
    assert_eq!(added[0].pc.name, "1-001");
    assert_eq!(added[0].pc.zone, "1st Floor");
    assert_eq!(desk.engine.list_pcs().await.unwrap().len(), 161 + 3);
    let last = added.last().unwrap();
    desk.engine
        .authenticate_pc(&last.pc.name, &last.token)
        .await
        .unwrap();

    let before = desk.snapshot().await;
    let err = desk
        .engine
        .import_pcs(&desk.admin, FIXTURE)
        .await
        .unwrap_err();
    assert_eq!(
        err.code(),
        400,
        "importing the same file twice is refused: {err}"
    );
    assert!(
        err.to_string()
            .contains("line 2: a PC named 1-001 exists already"),
        "{err}"
    );
    assert_eq!(
        desk.snapshot().await,
        before,
        "a refused import adds nothing"
    );
}

#[tokio::test]
async fn a_bad_import_names_every_bad_line_and_imports_nothing() {
    let desk = Desk::new().await;
    let before = desk.snapshot().await;
    let csv = "name,zone,os\nA-1,Hall,windows\n,Hall,windows\nA-2,Hall\nA-1,Hall,linux\n\
               A-3,Hall,linux,extra\nPC-01,Hall,linux\nA-4,Hall,linux\n";
    let err = desk.engine.import_pcs(&desk.admin, csv).await.unwrap_err();
    assert_eq!(err.code(), 400, "{err}");
    let text = err.to_string();
    for expected in [
        "nothing was imported",
        "line 3: the PC name is empty",
        "line 4: expected 3 columns (name,zone,os), found 2",
        "line 5: the PC name A-1 appears twice",
        "line 6: expected 3 columns (name,zone,os), found 4",
    ] {
        assert!(
            text.contains(expected),
            "the error must say {expected:?}: {text}"
        );
    }
    assert_eq!(
        desk.snapshot().await,
        before,
        "no row of a bad file is imported"
    );

    let err = desk
        .engine
        .import_pcs(&desk.admin, "pc,room\nA-1,Hall\n")
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("line 1: the first line must be the header"),
        "{err}"
    );
    let err = desk
        .engine
        .import_pcs(&desk.admin, "name,zone,os\n")
        .await
        .unwrap_err();
    assert_eq!(err.code(), 400, "a file without PCs is refused: {err}");
    let err = desk
        .engine
        .import_pcs(&desk.staff, FIXTURE)
        .await
        .unwrap_err();
    assert_eq!(err.code(), 403, "only admins import: {err}");
    let quoted = "name,zone,os\r\n\"B-1\",\"Hall, east\",linux\r\n";
    let added = desk.engine.import_pcs(&desk.admin, quoted).await.unwrap();
    assert_eq!(
        added[0].pc.zone, "Hall, east",
        "quoted fields may hold commas"
    );
}

#[tokio::test]
async fn renaming_checks_the_name_and_the_actor() {
    let desk = Desk::new().await;
    let before = desk.snapshot().await;
    let err = desk
        .engine
        .rename_pc(&desk.staff, "PC-01", "Front-1")
        .await
        .unwrap_err();
    assert_eq!(err.code(), 403, "{err}");
    let err = desk
        .engine
        .rename_pc(&desk.admin, "PC-01", "PC-02")
        .await
        .unwrap_err();
    assert_eq!(err.code(), 409, "{err}");
    let err = desk
        .engine
        .rename_pc(&desk.admin, "PC-77", "Front-1")
        .await
        .unwrap_err();
    assert_eq!(err.code(), 404, "{err}");
    assert!(err.to_string().contains("no PC named"), "{err}");
    let err = desk
        .engine
        .rename_pc(&desk.admin, "PC-01", "")
        .await
        .unwrap_err();
    assert_eq!(err.code(), 400, "{err}");
    assert_eq!(
        desk.snapshot().await,
        before,
        "refused renames change nothing"
    );

    let mut events = desk.engine.subscribe();
    let pc = desk
        .engine
        .rename_pc(&desk.admin, "PC-01", "Front-1")
        .await
        .unwrap();
    assert_eq!(pc.name, "Front-1");
    let changed = wait_for(&mut events, |e| match e {
        DeskEvent::PcChanged { pc } => Some(pc.name.clone()),
        _ => None,
    })
    .await;
    assert_eq!(changed, "Front-1");
    let audit = desk.engine.audit(&desk.admin, 1).await.unwrap();
    assert_eq!(audit[0].action, "pc_renamed");
    assert_eq!(audit[0].detail.as_deref(), Some("was PC-01"));
}

#[tokio::test]
async fn a_pc_in_repair_cannot_be_booked() {
    let desk = Desk::new().await;
    let err = desk
        .engine
        .set_pc_condition(&desk.staff, "PC-01", Condition::Repair)
        .await;
    assert_eq!(
        err.unwrap_err().code(),
        403,
        "only admins set a PC's condition"
    );
    let err = desk
        .engine
        .set_pc_condition(&desk.admin, "PC-77", Condition::Repair)
        .await;
    assert_eq!(err.unwrap_err().code(), 404);
    let pc = desk
        .engine
        .set_pc_condition(&desk.admin, "PC-01", Condition::Repair)
        .await
        .unwrap();
    assert_eq!(pc.condition, Condition::Repair);

    let before = desk.snapshot().await;
    let err = desk
        .engine
        .start_session(&desk.staff, "PC-01", "ann", mins(30))
        .await
        .unwrap_err();
    assert_eq!(err.code(), 400, "{err}");
    assert!(err.to_string().contains("PC-01 is in repair"), "{err}");
    let now = desk.now();
    let err = desk
        .engine
        .book_session(&desk.staff, "PC-01", "ann", now + mins(60), now + mins(90));
    assert_eq!(err.await.unwrap_err().code(), 400);
    assert_eq!(
        desk.snapshot().await,
        before,
        "refused bookings leave no row"
    );

    desk.engine
        .set_pc_condition(&desk.admin, "PC-01", Condition::Active)
        .await
        .unwrap();
    desk.engine
        .start_session(&desk.staff, "PC-01", "ann", mins(30))
        .await
        .unwrap();
}

#[tokio::test]
async fn online_state_is_shown_and_published_once_per_change() {
    let desk = Desk::new().await;
    let mut events = desk.engine.subscribe();
    desk.engine
        .start_session(&desk.staff, "PC-01", "ann", mins(30))
        .await
        .unwrap();
    desk.engine.set_pc_online("PC-01", true).await.unwrap();
    desk.engine.set_pc_online("PC-01", true).await.unwrap();
    desk.engine.set_pc_online("PC-01", false).await.unwrap();
    desk.engine.set_pc_online("PC-01", true).await.unwrap();

    let mut seen = Vec::new();
    while let Ok(event) = events.try_recv() {
        match event {
            DeskEvent::PcOnline { pc } => seen.push(format!("online {pc}")),
            DeskEvent::PcOffline { pc } => seen.push(format!("offline {pc}")),
            _ => {}
        }
    }
    assert_eq!(
        seen,
        ["online PC-01", "offline PC-01", "online PC-01"],
        "one event per change"
    );
    let pc = desk.engine.pc("PC-01").await.unwrap();
    assert!(pc.online && pc.last_seen == Some(desk.now()), "{pc:?}");
    let session = desk.engine.session_on_pc("PC-01").await.unwrap().unwrap();
    assert!(session.pc_online, "the live list shows the PC online");
    let err = desk.engine.set_pc_online("PC-77", true).await.unwrap_err();
    assert_eq!(err.code(), 404, "{err}");
}

#[tokio::test]
async fn warning_leads_must_be_whole_positive_seconds() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::new(t0()));
    for bad in [
        Duration::zero(),
        Duration::seconds(-60),
        Duration::milliseconds(1500),
    ] {
        let config = EngineConfig {
            warning_leads: vec![mins(5), bad],
        };
        let err = Engine::open(dir.path().join("desk.db"), clock.clone(), config).await;
        assert_eq!(err.unwrap_err().code(), 400, "a lead of {bad} is refused");
    }
}
