//! The console's commands: one per row of the table in `docs/architecture.md`. Each checks who
//! is signed in, calls one engine function as that user, and answers with the engine's value or
//! one `{ code, message }` error. All are async, so none holds the UI thread.

use chrono::{DateTime, Duration, Utc};
use labdesk_core::{
    AddedPc, AuditEntry, Booking, CleanUpReport, Condition, Pc, Role, Session, User,
};
use serde::Serialize;
use tauri::State;

use crate::desk::Desk;
use crate::error::{CommandError, CommandResult};
use crate::settings::Settings;

/// What the console needs before anything else.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeskStatus {
    /// True until the first admin is created; the console then asks for one.
    pub needs_admin: bool,
    /// Who is signed in, if anyone.
    pub user: Option<User>,
    /// The address the PC link listens on.
    pub listen: String,
    /// The URL PC agents should use.
    pub agent_url: String,
}

/// A PC just added, with its token and the command line to run on it. Shown once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AddedPcView {
    /// The new PC.
    pub pc: Pc,
    /// Its agent token; never shown again.
    pub token: String,
    /// The exact command to run on that PC, reading the token from a file.
    pub agent_command: String,
}

/// The answer to an import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Imported {
    /// Every PC imported, with its token.
    pub imported: Vec<AddedPcView>,
}

/// Whether an admin must be created, who is signed in, and where the desk listens.
#[tauri::command]
pub async fn desk_status(desk: State<'_, Desk>) -> CommandResult<DeskStatus> {
    let needs_admin = !desk.engine().has_admin().await?;
    Ok(DeskStatus {
        needs_admin,
        user: desk.signed_in(),
        listen: desk.listen().to_string(),
        agent_url: desk.agent_url(),
    })
}

/// Creates the desk's first admin and signs in as it; then writes `desk.json`.
#[tauri::command]
pub async fn create_admin(
    desk: State<'_, Desk>,
    username: String,
    password: String,
) -> CommandResult<User> {
    let user = desk
        .engine()
        .create_first_admin(&username, &password)
        .await?;
    desk.set_signed_in(Some(user.clone()));
    if let Err(error) = desk.write_desk_file().await {
        // The console works without it; only local `labdeskctl` calls need it.
        tracing::error!(cause = %error, "could not write desk.json for local tools");
    }
    Ok(user)
}

/// Signs in as staff or admin.
#[tauri::command]
pub async fn sign_in(
    desk: State<'_, Desk>,
    username: String,
    password: String,
) -> CommandResult<User> {
    let user = desk
        .engine()
        .authenticate_password(&username, &password)
        .await?;
    if user.role < Role::Staff {
        return Err(CommandError::new(
            403,
            "only staff and admins use the desk console",
        ));
    }
    tracing::info!(user_id = user.id, "signed in at the console");
    desk.set_signed_in(Some(user.clone()));
    Ok(user)
}

/// Signs out of the console.
#[tauri::command]
pub async fn sign_out(desk: State<'_, Desk>) -> CommandResult<()> {
    desk.set_signed_in(None);
    Ok(())
}

/// Every live session.
#[tauri::command]
pub async fn live_sessions(desk: State<'_, Desk>) -> CommandResult<Vec<Session>> {
    desk.actor()?;
    Ok(desk.engine().live_sessions().await?)
}

/// Every PC.
#[tauri::command]
pub async fn list_pcs(desk: State<'_, Desk>) -> CommandResult<Vec<Pc>> {
    desk.actor()?;
    Ok(desk.engine().list_pcs().await?)
}

/// Every user.
#[tauri::command]
pub async fn list_users(desk: State<'_, Desk>) -> CommandResult<Vec<User>> {
    desk.actor()?;
    Ok(desk.engine().list_users().await?)
}

/// Starts a session now on a free PC for `minutes`; with `create_patron`, an unknown username
/// is added as a walk-in patron first.
#[tauri::command]
pub async fn start_session(
    desk: State<'_, Desk>,
    pc: String,
    user: String,
    minutes: f64,
    create_patron: bool,
) -> CommandResult<Session> {
    let actor = desk.actor()?;
    let duration = minutes_to_duration(minutes)?;
    if create_patron && desk.engine().user(user.trim()).await.is_err() {
        desk.engine()
            .add_user(&actor, &user, "", Role::Patron, None)
            .await?;
    }
    Ok(desk
        .engine()
        .start_session(&actor, &pc, user.trim(), duration)
        .await?)
}

/// Books a session ahead; `start` and `end` are RFC 3339 with any offset.
#[tauri::command]
pub async fn book_session(
    desk: State<'_, Desk>,
    pc: String,
    user: String,
    start: String,
    end: String,
) -> CommandResult<Booking> {
    let actor = desk.actor()?;
    let (start, end) = (instant("start", &start)?, instant("end", &end)?);
    Ok(desk
        .engine()
        .book_session(&actor, &pc, user.trim(), start, end)
        .await?)
}

/// Gives a live session more minutes.
#[tauri::command]
pub async fn extend_session(
    desk: State<'_, Desk>,
    booking_id: i64,
    minutes: f64,
) -> CommandResult<Session> {
    let actor = desk.actor()?;
    let by = minutes_to_duration(minutes)?;
    Ok(desk.engine().extend_session(&actor, booking_id, by).await?)
}

/// Ends a live session early and frees its PC.
#[tauri::command]
pub async fn end_session(desk: State<'_, Desk>, booking_id: i64) -> CommandResult<Booking> {
    let actor = desk.actor()?;
    Ok(desk.engine().end_session(&actor, booking_id).await?)
}

/// Frees every PC whose session is overdue, and says what it freed.
#[tauri::command]
pub async fn clean_up(desk: State<'_, Desk>) -> CommandResult<CleanUpReport> {
    let actor = desk.actor()?;
    Ok(desk.engine().clean_up(&actor).await?)
}

/// Adds a PC; the answer carries its token and agent command line, shown this once.
#[tauri::command]
pub async fn add_pc(
    desk: State<'_, Desk>,
    name: String,
    zone: String,
    os: String,
) -> CommandResult<AddedPcView> {
    let actor = desk.actor()?;
    let added = desk.engine().add_pc(&actor, &name, &zone, &os).await?;
    Ok(view(&desk, added))
}

/// Imports PCs from the text of a CSV file (`name,zone,os`); all or nothing.
#[tauri::command]
pub async fn import_pcs(desk: State<'_, Desk>, csv: String) -> CommandResult<Imported> {
    let actor = desk.actor()?;
    let added = desk.engine().import_pcs(&actor, &csv).await?;
    Ok(Imported {
        imported: added.into_iter().map(|pc| view(&desk, pc)).collect(),
    })
}

/// Puts a PC in repair (`repair`) or back in service (`active`).
#[tauri::command]
pub async fn set_pc_condition(
    desk: State<'_, Desk>,
    pc: String,
    condition: String,
) -> CommandResult<Pc> {
    let actor = desk.actor()?;
    let condition: Condition = condition.trim().parse()?;
    Ok(desk
        .engine()
        .set_pc_condition(&actor, &pc, condition)
        .await?)
}

/// The newest `limit` lines of the audit trail.
#[tauri::command]
pub async fn audit(desk: State<'_, Desk>, limit: u32) -> CommandResult<Vec<AuditEntry>> {
    let actor = desk.actor()?;
    Ok(desk.engine().audit(&actor, limit).await?)
}

/// The saved settings (what the settings screen edits).
#[tauri::command]
pub async fn get_settings(desk: State<'_, Desk>) -> CommandResult<Settings> {
    desk.actor()?;
    Ok(desk.settings_file().load()?)
}

/// Checks and saves the settings; admins only. They apply at the next start.
#[tauri::command]
pub async fn save_settings(desk: State<'_, Desk>, settings: Settings) -> CommandResult<Settings> {
    let actor = desk.actor()?;
    if actor.role() < Role::Admin {
        return Err(CommandError::new(
            403,
            "only admins change the settings; ask an admin",
        ));
    }
    let saved = desk.settings_file().save(settings)?;
    tracing::info!("settings saved; they apply at the next start");
    Ok(saved)
}

/// A positive number of minutes (fractions allowed) as a duration of whole seconds.
fn minutes_to_duration(minutes: f64) -> CommandResult<Duration> {
    let seconds = (minutes * 60.0).round();
    // A year is far beyond any session; the bound also keeps the cast below exact. NaN and
    // infinities fall outside the range too.
    if !(1.0..=366.0 * 24.0 * 3600.0).contains(&seconds) {
        return Err(CommandError::bad_request(format!(
            "{minutes} is not a usable number of minutes; give a number above zero"
        )));
    }
    Ok(Duration::seconds(seconds as i64))
}

/// An RFC 3339 instant from the console, in UTC.
fn instant(what: &str, text: &str) -> CommandResult<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text.trim())
        .map(|at| at.to_utc())
        .map_err(|_| {
            CommandError::bad_request(format!(
                "the {what} time {text:?} is not a date and time; use RFC 3339, e.g. \
             2026-12-04T14:30:00+01:00"
            ))
        })
}

/// A new PC with the command line that links it to this desk.
fn view(desk: &Desk, added: AddedPc) -> AddedPcView {
    let agent_command = format!(
        "labdesk-agent --desk {} --pc {} --token-file /path/to/token",
        desk.agent_url(),
        shell_word(&added.pc.name)
    );
    AddedPcView {
        pc: added.pc,
        token: added.token,
        agent_command,
    }
}

/// `word` quoted for a POSIX shell when it holds anything but safe characters.
fn shell_word(word: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "-_.:/@".contains(c);
    if !word.is_empty() && word.chars().all(safe) {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minutes_may_be_fractional_but_must_be_positive() {
        assert_eq!(minutes_to_duration(1.5).unwrap(), Duration::seconds(90));
        for bad in [0.0, -3.0, f64::NAN, f64::INFINITY, 0.001, 1e12] {
            let error = minutes_to_duration(bad).unwrap_err();
            assert_eq!(error.code, 400, "{bad} minutes must be refused");
        }
    }

    #[test]
    fn instants_take_any_offset_and_come_out_in_utc() {
        let at = instant("start", "2026-12-04T14:30:00+01:00").unwrap();
        assert_eq!(at.to_rfc3339(), "2026-12-04T13:30:00+00:00");
        let error = instant("end", "tomorrow").unwrap_err();
        assert_eq!(error.code, 400);
        assert!(error.message.contains("RFC 3339"), "{error}");
    }

    #[test]
    fn pc_names_are_quoted_for_the_shell_only_when_needed() {
        assert_eq!(shell_word("1-001"), "1-001");
        assert_eq!(shell_word("Room 2"), "'Room 2'");
        assert_eq!(shell_word("it's"), r"'it'\''s'");
    }
}
