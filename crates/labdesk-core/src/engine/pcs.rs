//! PC rules: add, import, list, rename, condition, agent sign-in and online state.

use sqlx::SqliteConnection;

use crate::error::{Error, Result};
use crate::events::DeskEvent;
use crate::model::{Actor, AddedPc, Condition, Pc};
use crate::secret::{hash_token, new_token, same_hash};
use crate::store::ts;

use super::access::{actor_label, require_admin};
use super::audit::{record, Note};
use super::pc_input::{check_name, check_new_pc, parse_csv, NewPc};
use super::rows::{PcRow, PC_COLUMNS};
use super::Engine;

impl Engine {
    /// Adds a PC and issues its agent token, shown this once. Admins only.
    ///
    /// # Errors
    /// 403 for non-admins, 400 for a bad name, 409 if the name is taken.
    pub async fn add_pc(&self, actor: &Actor, name: &str, zone: &str, os: &str) -> Result<AddedPc> {
        require_admin(actor, "add PCs")?;
        let pc = check_new_pc(name, zone, os).map_err(Error::BadRequest)?;
        let mut added = self.insert_pcs(actor, vec![pc]).await?;
        // Cannot fail: one PC went in, one came out.
        Ok(added.pop().expect("one added PC"))
    }

    /// Imports PCs from CSV text with the header `name,zone,os`. Every bad row is reported
    /// with its line number, and nothing is imported unless every row is good. Admins only.
    ///
    /// # Errors
    /// 403 for non-admins; 400 listing each bad line (missing name, wrong column count, a name
    /// twice in the file or already in the store).
    pub async fn import_pcs(&self, actor: &Actor, csv_text: &str) -> Result<Vec<AddedPc>> {
        require_admin(actor, "import PCs")?;
        let pcs = parse_csv(csv_text).map_err(|problems| {
            Error::bad(format!(
                "nothing was imported; fix these lines and retry: {}",
                problems.join("; ")
            ))
        })?;
        if pcs.is_empty() {
            return Err(Error::bad(
                "the file has no PCs after its header; add one PC a line",
            ));
        }
        self.insert_pcs(actor, pcs).await
    }

    async fn insert_pcs(&self, actor: &Actor, pcs: Vec<NewPc>) -> Result<Vec<AddedPc>> {
        let now = self.now();
        let mut tx = self.begin_write().await?;
        let label = actor_label(&mut tx, actor).await?;
        let taken: Vec<String> = taken_names(&mut tx, &pcs).await?;
        if !taken.is_empty() {
            return Err(taken_error(&pcs, &taken));
        }

        let mut added = Vec::with_capacity(pcs.len());
        for pc in pcs {
            let token = new_token();
            let row: PcRow = sqlx::query_as(&format!(
                "INSERT INTO pcs (name, zone, os, token_hash, created_at) VALUES (?, ?, ?, ?, ?) \
                 RETURNING {PC_COLUMNS}"
            ))
            .bind(&pc.name)
            .bind(&pc.zone)
            .bind(&pc.os)
            .bind(hash_token(&token))
            .bind(ts(now))
            .fetch_one(&mut *tx)
            .await?;
            let note = Note {
                action: "pc_added",
                pc: Some(&pc.name),
                ..Note::default()
            };
            record(&mut tx, now, &label, note).await?;
            added.push(AddedPc {
                pc: row.into_pc(self)?,
                token,
            });
        }
        tx.commit().await?;
        tracing::info!(count = added.len(), "PCs added");

        for item in &added {
            self.publish(DeskEvent::PcChanged {
                pc: item.pc.clone(),
            });
        }
        Ok(added)
    }

    /// Every PC, by name.
    ///
    /// # Errors
    /// The store failed.
    pub async fn list_pcs(&self) -> Result<Vec<Pc>> {
        let rows: Vec<PcRow> =
            sqlx::query_as(&format!("SELECT {PC_COLUMNS} FROM pcs ORDER BY name"))
                .fetch_all(self.pool())
                .await?;
        rows.into_iter().map(|row| row.into_pc(self)).collect()
    }

    /// One PC by name.
    ///
    /// # Errors
    /// 404 if there is no such PC.
    pub async fn pc(&self, name: &str) -> Result<Pc> {
        find_pc(self.pool().acquire().await?.as_mut(), name)
            .await?
            .into_pc(self)
    }

    /// Renames a PC. Admins only.
    ///
    /// # Errors
    /// 403 for non-admins, 400 for a bad name, 404 for an unknown PC, 409 if the name is taken.
    pub async fn rename_pc(&self, actor: &Actor, pc: &str, new_name: &str) -> Result<Pc> {
        require_admin(actor, "rename PCs")?;
        let new_name = check_name(new_name).map_err(Error::BadRequest)?;
        let now = self.now();
        let mut tx = self.begin_write().await?;
        let label = actor_label(&mut tx, actor).await?;
        let old = find_pc(&mut tx, pc).await?;
        if old.name != new_name && find_pc(&mut tx, &new_name).await.is_ok() {
            return Err(Error::conflict(format!(
                "a PC named {new_name} exists already; pick another name"
            )));
        }
        let row: PcRow = sqlx::query_as(&format!(
            "UPDATE pcs SET name = ? WHERE id = ? RETURNING {PC_COLUMNS}"
        ))
        .bind(&new_name)
        .bind(old.id)
        .fetch_one(&mut *tx)
        .await?;
        let note = Note {
            action: "pc_renamed",
            pc: Some(&new_name),
            detail: Some(format!("was {}", old.name)),
            ..Note::default()
        };
        record(&mut tx, now, &label, note).await?;
        tx.commit().await?;

        let pc = row.into_pc(self)?;
        self.publish(DeskEvent::PcChanged { pc: pc.clone() });
        Ok(pc)
    }

    /// Puts a PC in service or in repair. A PC in repair cannot be booked; a session already
    /// running on it goes on. Admins only.
    ///
    /// # Errors
    /// 403 for non-admins, 404 for an unknown PC.
    pub async fn set_pc_condition(
        &self,
        actor: &Actor,
        pc: &str,
        condition: Condition,
    ) -> Result<Pc> {
        require_admin(actor, "change a PC's condition")?;
        let now = self.now();
        let mut tx = self.begin_write().await?;
        let label = actor_label(&mut tx, actor).await?;
        let old = find_pc(&mut tx, pc).await?;
        let row: PcRow = sqlx::query_as(&format!(
            "UPDATE pcs SET condition = ? WHERE id = ? RETURNING {PC_COLUMNS}"
        ))
        .bind(condition.as_str())
        .bind(old.id)
        .fetch_one(&mut *tx)
        .await?;
        let note = Note {
            action: "pc_condition_set",
            pc: Some(&old.name),
            reason: Some(condition.as_str()),
            ..Note::default()
        };
        record(&mut tx, now, &label, note).await?;
        tx.commit().await?;

        let pc = row.into_pc(self)?;
        self.publish(DeskEvent::PcChanged { pc: pc.clone() });
        Ok(pc)
    }

    /// Checks a PC agent's token. The answer never says whether the name or the token was
    /// wrong.
    ///
    /// # Errors
    /// 401 for an unknown PC or a wrong token.
    pub async fn authenticate_pc(&self, name: &str, token: &str) -> Result<Pc> {
        let found: Option<(i64, String)> =
            sqlx::query_as("SELECT id, token_hash FROM pcs WHERE name = ?")
                .bind(name)
                .fetch_optional(self.pool())
                .await?;
        let refused = || {
            Error::Unauthorized(
                "unknown PC or wrong token; check the agent's token file".to_owned(),
            )
        };
        let (id, stored) = found.ok_or_else(refused)?;
        if !same_hash(&stored, &hash_token(token)) {
            tracing::warn!(pc_id = id, "PC agent presented a wrong token");
            return Err(refused());
        }
        let row: PcRow = sqlx::query_as(&format!("SELECT {PC_COLUMNS} FROM pcs WHERE id = ?"))
            .bind(id)
            .fetch_one(self.pool())
            .await?;
        row.into_pc(self)
    }

    /// Records that a PC's agent connected or went away (kept in memory, plus `last_seen` in
    /// the store). Publishes `pc_online` / `pc_offline` on a change; going online wakes the
    /// scheduler so that a pending warning is sent at once.
    ///
    /// # Errors
    /// 404 for an unknown PC.
    pub async fn set_pc_online(&self, name: &str, online: bool) -> Result<()> {
        let id: i64 =
            sqlx::query_scalar("UPDATE pcs SET last_seen = ? WHERE name = ? RETURNING id")
                .bind(ts(self.now()))
                .bind(name)
                .fetch_optional(self.pool())
                .await?
                .ok_or_else(|| unknown_pc(name))?;
        if self.set_online_state(id, online) {
            tracing::info!(pc_id = id, online, "PC connection changed");
            let pc = name.to_owned();
            self.publish(if online {
                DeskEvent::PcOnline { pc }
            } else {
                DeskEvent::PcOffline { pc }
            });
        }
        if online {
            self.wake_scheduler();
        }
        Ok(())
    }
}

/// The refusal for names already in the store: per CSV line for an import (400), or a
/// conflict (409) for a PC typed in directly.
fn taken_error(pcs: &[NewPc], taken: &[String]) -> Error {
    let lines: Vec<String> = pcs
        .iter()
        .filter(|pc| pc.line > 0 && taken.contains(&pc.name))
        .map(|pc| format!("line {}: a PC named {} exists already", pc.line, pc.name))
        .collect();
    if lines.is_empty() {
        Error::conflict(format!(
            "a PC named {} exists already; pick another name",
            taken.join(", ")
        ))
    } else {
        Error::bad(format!(
            "nothing was imported; fix these lines and retry: {}",
            lines.join("; ")
        ))
    }
}

pub(crate) fn unknown_pc(name: &str) -> Error {
    Error::not_found(format!(
        "there is no PC named {name:?}; check the name in the PC list"
    ))
}

/// The PC named `name`.
pub(crate) async fn find_pc(conn: &mut SqliteConnection, name: &str) -> Result<PcRow> {
    sqlx::query_as(&format!("SELECT {PC_COLUMNS} FROM pcs WHERE name = ?"))
        .bind(name.trim())
        .fetch_optional(conn)
        .await?
        .ok_or_else(|| unknown_pc(name))
}

async fn taken_names(conn: &mut SqliteConnection, pcs: &[NewPc]) -> Result<Vec<String>> {
    let names: Vec<&str> = pcs.iter().map(|pc| pc.name.as_str()).collect();
    let json = serde_json::to_string(&names).map_err(|err| Error::Internal(err.to_string()))?;
    Ok(sqlx::query_scalar(
        "SELECT name FROM pcs WHERE name IN (SELECT value FROM json_each(?)) ORDER BY name",
    )
    .bind(json)
    .fetch_all(conn)
    .await?)
}
