//! Who may do what, and how an actor is named in the audit trail.

use sqlx::SqliteConnection;

use crate::error::{Error, Result};
use crate::model::{Actor, Role};

/// Refuses anyone below staff.
pub(crate) fn require_staff(actor: &Actor, what: &str) -> Result<()> {
    if actor.role() >= Role::Staff {
        Ok(())
    } else {
        Err(Error::forbidden(format!(
            "only staff may {what}; ask at the desk"
        )))
    }
}

/// Refuses anyone below admin.
pub(crate) fn require_admin(actor: &Actor, what: &str) -> Result<()> {
    if actor.role() >= Role::Admin {
        Ok(())
    } else {
        Err(Error::forbidden(format!(
            "only an admin may {what}; ask an admin to do it"
        )))
    }
}

/// The actor's name in the audit trail: a username, `pc:NAME` or `system`.
///
/// # Errors
/// 401 when the acting user or PC no longer exists.
pub(crate) async fn actor_label(conn: &mut SqliteConnection, actor: &Actor) -> Result<String> {
    match actor {
        Actor::System => Ok("system".to_owned()),
        Actor::User { id, .. } => sqlx::query_scalar("SELECT username FROM users WHERE id = ?")
            .bind(id)
            .fetch_optional(conn)
            .await?
            .ok_or_else(|| {
                Error::Unauthorized("your account no longer exists; sign in again".to_owned())
            }),
        Actor::Pc { id } => sqlx::query_scalar::<_, String>("SELECT name FROM pcs WHERE id = ?")
            .bind(id)
            .fetch_optional(conn)
            .await?
            .map(|name| format!("pc:{name}"))
            .ok_or_else(|| {
                Error::Unauthorized("this PC is no longer known to the desk; re-add it".to_owned())
            }),
    }
}
