//! `labdesk --demo`: a throwaway desk that shows a newcomer everything within a minute. The store
//! lives in a temporary folder and is loaded with the lab's PCs from the fixture; a few simulated
//! PCs connect to the desk's own port as real WebSocket clients and acknowledge warnings; a few
//! sessions of one to three minutes run with a one-minute warning lead; one PC drops off during
//! its session. The console is signed in as a demo staff user.

use std::time::Duration as StdDuration;

use chrono::Duration;
use futures_util::{SinkExt, StreamExt};
use labdesk_core::{Actor, AddedPc, Role};
use labdesk_proto::pc::{AgentFrame, DeskFrame};
use tokio_tungstenite::tungstenite::Message;

use crate::cli::{Leads, Options};
use crate::desk::{local_url, Desk};

/// The lab's PCs, as shipped in `fixtures/lab-stations.csv`.
pub const STATIONS_CSV: &str = include_str!("../../fixtures/lab-stations.csv");

/// The demo's warning lead: one minute.
const LEAD_SECS: i64 = 60;

/// Session lengths in seconds, one per simulated PC with a session.
const SESSION_SECS: [i64; 4] = [65, 100, 140, 180];

/// Patrons of the demo sessions (username, display name).
const PATRONS: [(&str, &str); 4] = [
    ("robin", "Robin Vale"),
    ("sam", "Sam Ortiz"),
    ("kim", "Kim Lund"),
    ("jo", "Jo Marsh"),
];

/// The simulated PC whose agent leaves during its session, and when.
const LEAVER: usize = 3;
const LEAVES_AFTER: StdDuration = StdDuration::from_secs(45);

/// How many simulated PCs connect: those with sessions plus two idle ones.
const AGENTS: usize = SESSION_SECS.len() + 2;

/// The command-line options of a demo run: a store in `dir`, a free local port and the demo's
/// warning lead, unless the command line says otherwise.
pub fn options(given: &Options, dir: &std::path::Path) -> Options {
    Options {
        data_dir: Some(dir.to_path_buf()),
        // Loopback only, on any free port: the demo must not clash with a real desk.
        listen: given.listen.or_else(|| Some(([127, 0, 0, 1], 0).into())),
        warn_before: given.warn_before.clone().or(Some(Leads(vec![LEAD_SECS]))),
        demo: true,
    }
}

/// Fills a fresh demo desk: an admin, the lab's PCs, a staff user (signed in at the console),
/// patrons and sessions; then starts the simulated PCs.
///
/// # Errors
/// An engine call failed (the demo store is new, so this points at a bug).
pub async fn populate(desk: &Desk) -> Result<(), labdesk_core::Error> {
    let engine = desk.engine();
    let admin = engine
        .create_first_admin("demo-admin", &throwaway_password())
        .await?;
    let admin = Actor::User {
        id: admin.id,
        role: admin.role,
    };
    let pcs = engine.import_pcs(&admin, STATIONS_CSV).await?;
    let staff = engine
        .add_user(
            &admin,
            "demo",
            "Demo Staff",
            Role::Staff,
            Some(&throwaway_password()),
        )
        .await?;
    let staff_actor = Actor::User {
        id: staff.id,
        role: staff.role,
    };

    for ((username, name), (secs, pc)) in PATRONS.iter().zip(SESSION_SECS.iter().zip(&pcs)) {
        engine
            .add_user(&staff_actor, username, name, Role::Patron, None)
            .await?;
        engine
            .start_session(
                &staff_actor,
                &pc.pc.name,
                username,
                Duration::seconds(*secs),
            )
            .await?;
    }
    desk.set_signed_in(Some(staff));
    if let Err(error) = desk.write_desk_file().await {
        tracing::warn!(cause = %error, "the demo desk has no desk.json");
    }

    let url = local_url(desk.listen());
    for (index, added) in pcs.into_iter().take(AGENTS).enumerate() {
        let leave_after = (index == LEAVER).then_some(LEAVES_AFTER);
        tauri::async_runtime::spawn(simulated_pc(url.clone(), added, leave_after));
    }
    tracing::info!(
        agents = AGENTS,
        sessions = SESSION_SECS.len(),
        "demo desk ready"
    );

    Ok(())
}

/// A password nobody needs: demo accounts are never signed into by hand.
fn throwaway_password() -> String {
    use std::hash::{BuildHasher, RandomState};
    format!(
        "demo-{:016x}",
        RandomState::new().hash_one(std::time::SystemTime::now())
    )
}

/// One simulated PC: connects to `/pc`, says hello, acknowledges every warning, and ends when
/// the desk closes the connection (or after `leave_after`, to show a PC going offline).
async fn simulated_pc(url: String, added: AddedPc, leave_after: Option<StdDuration>) {
    let pc = added.pc.name;
    let run = async {
        let (mut socket, _) = tokio_tungstenite::connect_async(format!("{url}/pc")).await?;
        let hello = AgentFrame::Hello {
            pc: pc.clone(),
            token: Some(added.token),
            one_shot: false,
        };
        socket.send(Message::text(to_json(&hello))).await?;
        while let Some(message) = socket.next().await {
            let text = match message? {
                Message::Text(text) => text,
                Message::Close(_) => break,
                _ => continue,
            };
            if let Ok(DeskFrame::SessionWarning {
                booking_id,
                minutes_left,
                ..
            }) = DeskFrame::parse(&text)
            {
                tracing::debug!(%pc, booking_id, minutes_left, "simulated PC acknowledges");
                let ack = AgentFrame::Ack {
                    booking_id,
                    minutes_left,
                };
                socket.send(Message::text(to_json(&ack))).await?;
            }
        }
        Ok::<(), tokio_tungstenite::tungstenite::Error>(())
    };
    let ended = match leave_after {
        Some(after) => tokio::time::timeout(after, run).await.unwrap_or(Ok(())),
        None => run.await,
    };
    match ended {
        Ok(()) => tracing::debug!(%pc, "simulated PC disconnected"),
        Err(error) => tracing::warn!(%pc, cause = %error, "simulated PC lost its connection"),
    }
}

fn to_json(frame: &AgentFrame) -> String {
    // Agent frames are plain structs of strings and numbers: serialising cannot fail.
    serde_json::to_string(frame).expect("agent frames serialise")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fixture_holds_enough_pcs_for_the_demo() {
        let rows = STATIONS_CSV
            .lines()
            .skip(1)
            .filter(|line| !line.trim().is_empty())
            .count();
        assert!(
            rows >= AGENTS,
            "the demo needs {AGENTS} PCs, the fixture has {rows}"
        );
        assert!(
            STATIONS_CSV.starts_with("name,zone,os"),
            "the engine imports this header"
        );
    }

    #[test]
    fn demo_options_stay_on_loopback_with_a_one_minute_lead() {
        let dir = std::path::Path::new("/tmp/demo-store");
        let options = options(&Options::default(), dir);
        assert_eq!(options.data_dir.as_deref(), Some(dir));
        assert_eq!(options.listen, Some(([127, 0, 0, 1], 0).into()));
        assert_eq!(options.warn_before, Some(Leads(vec![60])));
        assert!(
            !options.uses_default_store(),
            "a demo never touches the real store"
        );
    }
}
