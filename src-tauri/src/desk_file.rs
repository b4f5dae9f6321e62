//! `desk.json` in the data folder: where this desk listens and an admin API token, readable by
//! its owner only, so that `labdeskctl --data-dir DIR …` works against the desktop app exactly
//! as against `labdeskctl serve`. Same shape as the file `serve` writes: `{ "url", "token" }`.

use std::io::Write;
use std::path::{Path, PathBuf};

use labdesk_core::{Engine, Role};
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// The file's name inside the data folder.
pub const FILE_NAME: &str = "desk.json";

/// Why `desk.json` could not be written.
#[derive(Debug, Error)]
pub enum DeskFileError {
    /// Writing the file failed.
    #[error("cannot write {path}: {source}; check the data folder's permissions")]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// What local tools need to reach and act on this desk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeskFile {
    /// The desk's base URL for local tools, e.g. `ws://127.0.0.1:7700`.
    pub url: String,
    /// An admin API token.
    pub token: String,
}

impl DeskFile {
    /// The file of `data_dir`, if it exists and reads as a desk file.
    pub fn read(data_dir: &Path) -> Option<DeskFile> {
        let text = std::fs::read_to_string(data_dir.join(FILE_NAME)).ok()?;
        serde_json::from_str(&text).ok()
    }

    /// Replaces the file in `data_dir` in one step, readable and writable by its owner only.
    ///
    /// # Errors
    /// [`DeskFileError::Write`] when the folder is not writable.
    pub fn write(&self, data_dir: &Path) -> Result<PathBuf, DeskFileError> {
        let path = data_dir.join(FILE_NAME);
        let partial = data_dir.join(format!(".{FILE_NAME}.partial"));
        let failed = |source| DeskFileError::Write {
            path: path.clone(),
            source,
        };
        // A leftover of a crash may carry wider permissions: start from nothing.
        match std::fs::remove_file(&partial) {
            Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
                return Err(failed(error))
            }
            _ => {}
        }
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(&partial).map_err(failed)?;
        // Two plain strings always serialise.
        let text = serde_json::to_string_pretty(self).expect("the desk file serialises");
        file.write_all(text.as_bytes()).map_err(failed)?;
        file.sync_all().map_err(failed)?;
        std::fs::rename(&partial, &path).map_err(failed)?;

        Ok(path)
    }
}

/// The admin token for `desk.json`: the one already in the file while it still belongs to an
/// admin, else a new token for the first admin; `None` while the desk has no admin.
///
/// TODO: the token acts as the first human admin, because the engine has no password-less
/// service account yet; local tools' changes show in the audit trail under that admin's name.
///
/// # Errors
/// The store failed.
pub async fn admin_token(
    engine: &Engine,
    data_dir: &Path,
) -> Result<Option<String>, labdesk_core::Error> {
    if let Some(file) = DeskFile::read(data_dir) {
        if let Ok(user) = engine.authenticate_token(&file.token).await {
            if user.role == Role::Admin {
                return Ok(Some(file.token));
            }
        }
    }
    let users = engine.list_users().await?;
    let Some(admin) = users
        .iter()
        .filter(|user| user.role == Role::Admin)
        .min_by_key(|u| u.id)
    else {
        return Ok(None);
    };

    engine.create_api_token(admin.id).await.map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_is_private_and_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let file = DeskFile {
            url: "ws://127.0.0.1:7700".into(),
            token: "secret".into(),
        };
        let path = file.write(dir.path()).unwrap();
        assert_eq!(DeskFile::read(dir.path()), Some(file.clone()));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(
                mode, 0o600,
                "the admin token must be readable by its owner only"
            );
        }

        let moved = DeskFile {
            url: "ws://127.0.0.1:7701".into(),
            ..file
        };
        moved.write(dir.path()).unwrap();
        assert_eq!(
            DeskFile::read(dir.path()),
            Some(moved),
            "a restart replaces the file"
        );
    }

    #[test]
    fn labdeskctl_reads_what_the_app_writes() {
        let dir = tempfile::tempdir().unwrap();
        let file = DeskFile {
            url: "ws://127.0.0.1:7700".into(),
            token: "secret".into(),
        };
        file.write(dir.path()).unwrap();
        let read = labdeskctl::desk_file::DeskFile::read(dir.path())
            .expect("labdeskctl must understand the app's desk.json");
        assert_eq!((read.url, read.token), (file.url, file.token));
    }
}
