//! `desk.json` in the data dir: where the local desk listens and an admin token for it.
//!
//! Written by the desk when it starts, readable by its owner only (mode 0600), so that
//! `labdeskctl --data-dir DIR …` finds and authenticates to the desk without flags.

use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The file's name inside the data dir.
pub const FILE_NAME: &str = "desk.json";

/// What local commands need to reach the desk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeskFile {
    /// The desk's base URL for local tools, e.g. `ws://127.0.0.1:7700`.
    pub url: String,
    /// An admin API token.
    pub token: String,
}

/// Why the desk file could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum DeskFileError {
    /// The file does not exist.
    #[error("{0} does not exist")]
    Missing(PathBuf),
    /// Reading or writing failed.
    #[error("cannot use {path}: {source}; check the data dir's permissions")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not the expected JSON.
    #[error("{path} is damaged ({source}); delete it and restart the desk to write it again")]
    Damaged {
        /// The file.
        path: PathBuf,
        /// Why.
        source: serde_json::Error,
    },
}

/// The desk file's path inside `data_dir`.
pub fn path_in(data_dir: &Path) -> PathBuf {
    data_dir.join(FILE_NAME)
}

impl DeskFile {
    /// Reads the desk file of `data_dir`.
    ///
    /// # Errors
    ///
    /// [`DeskFileError::Missing`] when there is none, [`DeskFileError::Io`] or
    /// [`DeskFileError::Damaged`] when it cannot be read.
    pub fn read(data_dir: &Path) -> Result<Self, DeskFileError> {
        let path = path_in(data_dir);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                return Err(DeskFileError::Missing(path))
            }
            Err(source) => return Err(DeskFileError::Io { path, source }),
        };

        serde_json::from_str(&text).map_err(|source| DeskFileError::Damaged { path, source })
    }

    /// Writes the desk file into `data_dir`, readable by its owner only, replacing any old one
    /// in a single step (a reader never sees half a file).
    ///
    /// # Errors
    ///
    /// [`DeskFileError::Io`] when the file cannot be written.
    pub fn write(&self, data_dir: &Path) -> Result<PathBuf, DeskFileError> {
        let path = path_in(data_dir);
        let partial = data_dir.join(format!(".{FILE_NAME}.partial"));
        let io = |source| DeskFileError::Io {
            path: path.clone(),
            source,
        };
        // A leftover from a crash may have other permissions; start from nothing.
        match std::fs::remove_file(&partial) {
            Ok(()) => {}
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
            Err(err) => return Err(io(err)),
        }
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(&partial).map_err(io)?;
        // Plain strings always serialise.
        let text = serde_json::to_string_pretty(self).expect("desk file always serialises");
        file.write_all(text.as_bytes()).map_err(io)?;
        file.sync_all().map_err(io)?;
        std::fs::rename(&partial, &path).map_err(io)?;

        Ok(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_is_private() {
        let dir = tempfile::tempdir().unwrap();
        let file = DeskFile {
            url: "ws://127.0.0.1:7700".into(),
            token: "secret".into(),
        };
        let path = file.write(dir.path()).unwrap();
        assert_eq!(DeskFile::read(dir.path()).unwrap(), file);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(
                mode, 0o600,
                "the admin token must be readable by its owner only"
            );
        }
        let newer = DeskFile {
            url: "ws://127.0.0.1:7701".into(),
            token: "secret".into(),
        };
        newer.write(dir.path()).unwrap();
        assert_eq!(
            DeskFile::read(dir.path()).unwrap(),
            newer,
            "a restart rewrites it"
        );
    }

    #[test]
    fn missing_and_damaged_files_are_told_apart() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            DeskFile::read(dir.path()),
            Err(DeskFileError::Missing(_))
        ));
        std::fs::write(path_in(dir.path()), "{").unwrap();
        let err = DeskFile::read(dir.path()).unwrap_err();
        assert!(err.to_string().contains("restart the desk"), "{err}");
    }
}
