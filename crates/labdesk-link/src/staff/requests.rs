//! Turns each staff request into one engine call and its answer into JSON.

use crate::convert;
use labdesk_core::{Actor, Engine};
use labdesk_proto::staff::RequestBody;
use labdesk_proto::ErrorBody;
use serde::Serialize;
use serde_json::{json, Value};

/// Runs one request (anything but `subscribe`, which the connection handles) as `actor`.
///
/// # Errors
///
/// The engine's refusal as an error body (400, 403, 404, 409, 500).
pub(crate) async fn call(
    engine: &Engine,
    actor: &Actor,
    body: RequestBody,
) -> Result<Value, ErrorBody> {
    match body {
        RequestBody::AddPc { name, zone, os } => {
            let zone = zone.unwrap_or_default();
            let os = os.unwrap_or_default();
            answer(engine.add_pc(actor, &name, &zone, &os).await)
        }
        RequestBody::ImportPcs { csv } => {
            let imported = engine
                .import_pcs(actor, &csv)
                .await
                .map_err(|e| convert::error(&e))?;
            Ok(json!({ "imported": imported }))
        }
        RequestBody::ListPcs => answer(engine.list_pcs().await),
        RequestBody::RenamePc { pc, name } => answer(engine.rename_pc(actor, &pc, &name).await),
        RequestBody::SetPcCondition { pc, condition } => answer(
            engine
                .set_pc_condition(actor, &pc, convert::condition_in(condition))
                .await,
        ),
        RequestBody::AddUser {
            username,
            display_name,
            role,
            password,
        } => {
            let display_name = display_name.unwrap_or_else(|| username.clone());
            let role = convert::role_in(role.unwrap_or(labdesk_proto::Role::Patron));
            let added = engine
                .add_user(actor, &username, &display_name, role, password.as_deref())
                .await;
            answer(added)
        }
        RequestBody::ListUsers => answer(engine.list_users().await),
        RequestBody::StartSession {
            pc,
            user,
            duration_secs,
        } => {
            let duration = seconds(duration_secs, "duration_secs")?;
            answer(engine.start_session(actor, &pc, &user, duration).await)
        }
        RequestBody::BookSession {
            pc,
            user,
            start,
            end,
        } => answer(engine.book_session(actor, &pc, &user, start, end).await),
        RequestBody::ExtendSession {
            booking_id,
            by_secs,
        } => {
            let by = seconds(by_secs, "by_secs")?;
            answer(engine.extend_session(actor, booking_id, by).await)
        }
        RequestBody::EndSession { booking_id } => {
            answer(engine.end_session(actor, booking_id).await)
        }
        RequestBody::CancelBooking { booking_id } => {
            answer(engine.cancel_booking(actor, booking_id).await)
        }
        RequestBody::CleanUp => answer(engine.clean_up(actor).await),
        RequestBody::LiveSessions => answer(engine.live_sessions().await),
        RequestBody::Audit { limit } => answer(engine.audit(actor, limit).await),
        RequestBody::Subscribe => Ok(json!({ "subscribed": true })),
    }
}

/// A whole number of seconds as a duration.
fn seconds(secs: u64, field: &str) -> Result<chrono::Duration, ErrorBody> {
    i64::try_from(secs)
        .ok()
        .and_then(chrono::Duration::try_seconds)
        .ok_or_else(|| {
            ErrorBody::bad_request(format!("{field} is too large; give a number of seconds"))
        })
}

/// The engine's answer as a result value or an error body.
fn answer<T: Serialize>(result: labdesk_core::Result<T>) -> Result<Value, ErrorBody> {
    let value = result.map_err(|err| convert::error(&err))?;
    serde_json::to_value(value).map_err(|err| {
        tracing::error!(cause = %err, "could not encode an engine answer");
        ErrorBody::new(
            labdesk_proto::code::INTERNAL,
            "the desk could not encode its answer",
        )
    })
}
