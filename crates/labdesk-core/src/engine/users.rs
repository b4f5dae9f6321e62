//! User rules: add and list users, passwords, API tokens, and the first admin.

use crate::error::{Error, Result};
use crate::model::{Actor, Role, User};
use crate::secret::{hash_password, hash_token, new_token, verify_password};
use crate::store::ts;

use super::access::{actor_label, require_admin, require_staff};
use super::audit::{record, Note};
use super::rows::{UserRow, USER_COLUMNS};
use super::Engine;

const MAX_USERNAME: usize = 64;
const MIN_PASSWORD: usize = 8;

fn check_username(username: &str) -> Result<String> {
    let username = username.trim();
    if username.is_empty()
        || username.chars().count() > MAX_USERNAME
        || username
            .chars()
            .any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(Error::bad(format!(
            "the username {username:?} is not usable; use 1 to {MAX_USERNAME} characters \
             without spaces"
        )));
    }
    Ok(username.to_owned())
}

fn check_password(role: Role, password: Option<&str>) -> Result<Option<String>> {
    match (role, password) {
        (Role::Patron, None) => Ok(None),
        (Role::Patron, Some(_)) => Err(Error::bad(
            "patrons have no password (they use the desk's PCs); leave the password empty",
        )),
        (_, None) => Err(Error::bad(format!("a {role} needs a password; give one"))),
        (_, Some(pw)) if pw.chars().count() < MIN_PASSWORD => Err(Error::bad(format!(
            "the password is too short; use at least {MIN_PASSWORD} characters"
        ))),
        (_, Some(pw)) => Ok(Some(pw.to_owned())),
    }
}

impl Engine {
    /// Adds a user. Staff may add patrons (walk-ins); only admins add staff and admins, who
    /// need a password. Patrons have none.
    ///
    /// # Errors
    /// 403 when the actor may not add this role, 400 for a bad username or password, 409 if
    /// the username is taken.
    pub async fn add_user(
        &self,
        actor: &Actor,
        username: &str,
        display_name: &str,
        role: Role,
        password: Option<&str>,
    ) -> Result<User> {
        if role == Role::Patron {
            require_staff(actor, "add patrons")?;
        } else {
            require_admin(actor, "add staff or admins")?;
        }
        self.insert_user(Some(actor), username, display_name, role, password)
            .await
    }

    async fn insert_user(
        &self,
        actor: Option<&Actor>,
        username: &str,
        display_name: &str,
        role: Role,
        password: Option<&str>,
    ) -> Result<User> {
        let username = check_username(username)?;
        let display_name = match display_name.trim() {
            "" => username.clone(),
            name => name.to_owned(),
        };
        let hash = match check_password(role, password)? {
            Some(pw) => Some(hash_password(pw).await?),
            None => None,
        };

        let now = self.now();
        let mut tx = self.begin_write().await?;
        let label = match actor {
            Some(actor) => actor_label(&mut tx, actor).await?,
            None => username.clone(),
        };
        if role == Role::Admin && actor.is_none() {
            let admins: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE role = 'admin'")
                .fetch_one(&mut *tx)
                .await?;
            if admins > 0 {
                return Err(Error::conflict(
                    "an admin exists already; sign in as that admin",
                ));
            }
        }
        let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE username = ?")
            .bind(&username)
            .fetch_optional(&mut *tx)
            .await?;
        if taken.is_some() {
            return Err(Error::conflict(format!(
                "the username {username} is taken; pick another or use the existing user"
            )));
        }
        let row: UserRow = sqlx::query_as(&format!(
            "INSERT INTO users (username, display_name, role, password_hash, created_at) \
             VALUES (?, ?, ?, ?, ?) RETURNING {USER_COLUMNS}"
        ))
        .bind(&username)
        .bind(&display_name)
        .bind(role.as_str())
        .bind(hash)
        .bind(ts(now))
        .fetch_one(&mut *tx)
        .await?;
        let note = Note {
            action: "user_added",
            reason: Some(role.as_str()),
            detail: Some(username.clone()),
            ..Note::default()
        };
        record(&mut tx, now, &label, note).await?;
        tx.commit().await?;
        tracing::info!(user_id = row.id, %role, "user added");

        row.into_user()
    }

    /// Every user, by username.
    ///
    /// # Errors
    /// The store failed.
    pub async fn list_users(&self) -> Result<Vec<User>> {
        let rows: Vec<UserRow> = sqlx::query_as(&format!(
            "SELECT {USER_COLUMNS} FROM users ORDER BY username"
        ))
        .fetch_all(self.pool())
        .await?;
        rows.into_iter().map(UserRow::into_user).collect()
    }

    /// One user by username.
    ///
    /// # Errors
    /// 404 if there is no such user.
    pub async fn user(&self, username: &str) -> Result<User> {
        let row: Option<UserRow> = sqlx::query_as(&format!(
            "SELECT {USER_COLUMNS} FROM users WHERE username = ?"
        ))
        .bind(username.trim())
        .fetch_optional(self.pool())
        .await?;
        row.ok_or_else(|| unknown_user(username))?.into_user()
    }

    /// Checks a staff member's or admin's password.
    ///
    /// # Errors
    /// 401 for an unknown user, a patron, or a wrong password (the message does not say which).
    pub async fn authenticate_password(&self, username: &str, password: &str) -> Result<User> {
        let found: Option<(i64, Option<String>)> =
            sqlx::query_as("SELECT id, password_hash FROM users WHERE username = ?")
                .bind(username.trim())
                .fetch_optional(self.pool())
                .await?;
        let refused =
            || Error::Unauthorized("wrong username or password; check them and retry".to_owned());
        let (id, hash) = found.ok_or_else(refused)?;
        let hash = hash.ok_or_else(refused)?;
        if !verify_password(hash, password.to_owned()).await {
            tracing::warn!(user_id = id, "wrong password");
            return Err(refused());
        }
        self.user_by_id(id).await
    }

    /// Issues a new API token for a user (for the CLI's credentials file and staff tools).
    /// Only its hash is stored; the token is returned this once.
    ///
    /// # Errors
    /// 404 for an unknown user.
    pub async fn create_api_token(&self, user_id: i64) -> Result<String> {
        let user = self.user_by_id(user_id).await?;
        let token = new_token();
        let now = self.now();
        let mut tx = self.begin_write().await?;
        sqlx::query("INSERT INTO api_tokens (user_id, token_hash, created_at) VALUES (?, ?, ?)")
            .bind(user.id)
            .bind(hash_token(&token))
            .bind(ts(now))
            .execute(&mut *tx)
            .await?;
        let note = Note {
            action: "api_token_created",
            ..Note::default()
        };
        record(&mut tx, now, &user.username, note).await?;
        tx.commit().await?;

        Ok(token)
    }

    /// The user an API token belongs to.
    ///
    /// # Errors
    /// 401 for an unknown token.
    pub async fn authenticate_token(&self, token: &str) -> Result<User> {
        let row: Option<UserRow> = sqlx::query_as(
            "SELECT u.id, u.username, u.display_name, u.role FROM api_tokens t \
             JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?",
        )
        .bind(hash_token(token))
        .fetch_optional(self.pool())
        .await?;
        row.ok_or_else(|| {
            Error::Unauthorized("the token is not valid; sign in again for a new one".to_owned())
        })?
        .into_user()
    }

    /// Whether any admin exists (if not, the desk asks for the first one).
    ///
    /// # Errors
    /// The store failed.
    pub async fn has_admin(&self) -> Result<bool> {
        let admins: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE role = 'admin'")
            .fetch_one(self.pool())
            .await?;
        Ok(admins > 0)
    }

    /// Creates the first admin of a new desk.
    ///
    /// # Errors
    /// 409 if an admin exists already; 400 for a bad username or password.
    pub async fn create_first_admin(&self, username: &str, password: &str) -> Result<User> {
        self.insert_user(None, username, "", Role::Admin, Some(password))
            .await
    }

    pub(crate) async fn user_by_id(&self, id: i64) -> Result<User> {
        let row: Option<UserRow> =
            sqlx::query_as(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?"))
                .bind(id)
                .fetch_optional(self.pool())
                .await?;
        row.ok_or_else(|| Error::not_found(format!("there is no user with id {id}")))?
            .into_user()
    }
}

pub(crate) fn unknown_user(username: &str) -> Error {
    Error::not_found(format!(
        "there is no user named {username:?}; add them first (staff may add patrons)"
    ))
}
