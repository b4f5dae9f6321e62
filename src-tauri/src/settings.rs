//! The desk's settings: where the PC link listens, how long before the end each PC is warned, and
//! the site's time zone. They live in `settings.json` in the app's config folder (or the
//! `--data-dir`), are checked before anything is written, and can be overridden per start by the
//! command line.

use std::io::ErrorKind;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// The file name of the settings inside the config folder.
pub const FILE_NAME: &str = "settings.json";

/// The longest warning lead accepted: a day. Longer leads are surely a typo.
const MAX_LEAD_SECS: i64 = 24 * 60 * 60;

/// What can go wrong with settings.
#[derive(Debug, Error)]
pub enum SettingsError {
    /// A value is not acceptable; nothing was written.
    #[error("{0}")]
    Invalid(String),
    /// The file exists but could not be read.
    #[error("could not read the settings file {path}: {source}; check its permissions")]
    Read {
        /// The settings file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not valid settings JSON.
    #[error(
        "the settings file {path} is not valid ({source}); fix it or delete it to use the defaults"
    )]
    Parse {
        /// The settings file.
        path: PathBuf,
        /// Why.
        source: serde_json::Error,
    },
    /// The file could not be written; the old one is unchanged.
    #[error("could not write the settings file {path}: {source}; check the folder's permissions")]
    Write {
        /// The settings file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

impl SettingsError {
    /// The HTTP-like code the console shows: 400 for a bad value, 500 for a file problem.
    pub fn code(&self) -> u16 {
        match self {
            SettingsError::Invalid(_) => 400,
            SettingsError::Read { .. }
            | SettingsError::Parse { .. }
            | SettingsError::Write { .. } => 500,
        }
    }
}

/// The desk's settings, as stored and as the console edits them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// The PC link's address, `IP:PORT` (default `0.0.0.0:7700`).
    pub listen: String,
    /// How long before a session's end each warning is sent, in seconds, longest first.
    pub warning_leads_secs: Vec<i64>,
    /// The site's IANA time zone, e.g. `Europe/Berlin`; the console shows times in it.
    pub time_zone: String,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            listen: "0.0.0.0:7700".to_owned(),
            warning_leads_secs: vec![300],
            time_zone: system_time_zone(),
        }
    }
}

impl Settings {
    /// Checks every value and returns the settings in their stored form (leads longest first,
    /// without repeats).
    ///
    /// # Errors
    /// [`SettingsError::Invalid`] naming the first bad value and what to enter instead.
    pub fn validated(mut self) -> Result<Self, SettingsError> {
        self.listen = self.listen.trim().to_owned();
        self.listen_addr()?;
        self.warning_leads_secs = check_leads(self.warning_leads_secs)?;
        self.time_zone = self.time_zone.trim().to_owned();
        if self.time_zone.parse::<chrono_tz::Tz>().is_err() {
            return Err(SettingsError::Invalid(format!(
                "unknown time zone {:?}; use an IANA name such as Europe/Berlin or UTC",
                self.time_zone
            )));
        }

        Ok(self)
    }

    /// The listen address as a socket address.
    ///
    /// # Errors
    /// [`SettingsError::Invalid`] when it is not `IP:PORT`.
    pub fn listen_addr(&self) -> Result<SocketAddr, SettingsError> {
        self.listen.trim().parse().map_err(|_| {
            SettingsError::Invalid(format!(
                "bad listen address {:?}; use IP:PORT, for example 0.0.0.0:7700",
                self.listen
            ))
        })
    }
}

/// Sorts leads longest first, drops repeats, and refuses an empty list or a lead that is not a
/// positive number of seconds up to a day.
fn check_leads(mut leads: Vec<i64>) -> Result<Vec<i64>, SettingsError> {
    if leads.is_empty() {
        return Err(SettingsError::Invalid(
            "the warning leads are empty; give at least one, for example 300 (5 minutes)".into(),
        ));
    }
    if let Some(bad) = leads
        .iter()
        .find(|lead| **lead <= 0 || **lead > MAX_LEAD_SECS)
    {
        return Err(SettingsError::Invalid(format!(
            "warning lead {bad} s is out of range; each lead must be 1 to {MAX_LEAD_SECS} seconds"
        )));
    }
    leads.sort_unstable_by(|a, b| b.cmp(a));
    leads.dedup();

    Ok(leads)
}

/// Parses the `--warn-before` list: leads like `60s`, `5m`, `1h` or plain seconds, separated by
/// commas.
///
/// # Errors
/// [`SettingsError::Invalid`] for an empty list, an unknown unit or a lead out of range.
pub fn parse_leads(text: &str) -> Result<Vec<i64>, SettingsError> {
    let mut leads = Vec::new();
    for part in text
        .split(',')
        .map(str::trim)
        .filter(|part| !part.is_empty())
    {
        let (number, unit) = match part.find(|c: char| !c.is_ascii_digit()) {
            Some(at) => part.split_at(at),
            None => (part, "s"),
        };
        let scale = match unit {
            "s" => 1,
            "m" => 60,
            "h" => 3600,
            _ => {
                return Err(SettingsError::Invalid(format!(
                    "bad warning lead {part:?}; write leads like 60s, 5m or 1h, separated by commas"
                )))
            }
        };
        let value: i64 = number.parse().map_err(|_| {
            SettingsError::Invalid(format!(
                "bad warning lead {part:?}; write leads like 60s, 5m or 1h, separated by commas"
            ))
        })?;
        leads.push(value.saturating_mul(scale));
    }

    check_leads(leads)
}

/// The machine's time zone, or `UTC` when it cannot be read or is not a known IANA name.
pub fn system_time_zone() -> String {
    iana_time_zone::get_timezone()
        .ok()
        .filter(|zone| zone.parse::<chrono_tz::Tz>().is_ok())
        .unwrap_or_else(|| "UTC".to_owned())
}

/// The settings file of one desk.
#[derive(Debug, Clone)]
pub struct SettingsFile {
    path: PathBuf,
}

impl SettingsFile {
    /// The settings file `settings.json` inside `dir`.
    pub fn in_dir(dir: &Path) -> Self {
        Self {
            path: dir.join(FILE_NAME),
        }
    }

    /// Where the file lives.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Reads the settings; a missing file gives the defaults.
    ///
    /// # Errors
    /// [`SettingsError::Read`] or [`SettingsError::Parse`] for an unreadable or broken file, and
    /// [`SettingsError::Invalid`] for a well-formed file with a bad value.
    pub fn load(&self) -> Result<Settings, SettingsError> {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(text) => text,
            Err(error) if error.kind() == ErrorKind::NotFound => return Ok(Settings::default()),
            Err(source) => {
                return Err(SettingsError::Read {
                    path: self.path.clone(),
                    source,
                })
            }
        };
        let settings: Settings =
            serde_json::from_str(&text).map_err(|source| SettingsError::Parse {
                path: self.path.clone(),
                source,
            })?;

        settings.validated()
    }

    /// Checks `settings` and, only if every value is good, replaces the file with them (written
    /// to a temporary file first, so a crash never leaves half a file).
    ///
    /// # Errors
    /// [`SettingsError::Invalid`] for a bad value (the file is untouched), or
    /// [`SettingsError::Write`].
    pub fn save(&self, settings: Settings) -> Result<Settings, SettingsError> {
        let settings = settings.validated()?;
        let write_error = |source| SettingsError::Write {
            path: self.path.clone(),
            source,
        };
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir).map_err(write_error)?;
        }
        // `to_string_pretty` of this plain struct cannot fail.
        let text = serde_json::to_string_pretty(&settings).expect("settings serialise to JSON");
        let partial = self.path.with_extension("json.partial");
        std::fs::write(&partial, text + "\n").map_err(write_error)?;
        std::fs::rename(&partial, &self.path).map_err(write_error)?;

        Ok(settings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> Settings {
        Settings {
            listen: "127.0.0.1:7700".into(),
            warning_leads_secs: vec![60, 300, 60],
            time_zone: "Europe/Berlin".into(),
        }
    }

    #[test]
    fn defaults_listen_on_7700_and_warn_five_minutes_before() {
        let settings = Settings::default();
        assert_eq!(settings.listen, "0.0.0.0:7700");
        assert_eq!(settings.warning_leads_secs, vec![300]);
        assert!(
            settings.time_zone.parse::<chrono_tz::Tz>().is_ok(),
            "the default zone must be a known IANA name, got {}",
            settings.time_zone
        );
    }

    #[test]
    fn leads_are_stored_longest_first_without_repeats() {
        let settings = good().validated().unwrap();
        assert_eq!(settings.warning_leads_secs, vec![300, 60]);
    }

    #[test]
    fn bad_values_are_refused_with_what_to_enter() {
        let cases = [
            (
                Settings {
                    listen: "localhost".into(),
                    ..good()
                },
                "use IP:PORT",
            ),
            (
                Settings {
                    warning_leads_secs: vec![],
                    ..good()
                },
                "at least one",
            ),
            (
                Settings {
                    warning_leads_secs: vec![300, 0],
                    ..good()
                },
                "1 to 86400 seconds",
            ),
            (
                Settings {
                    warning_leads_secs: vec![-60],
                    ..good()
                },
                "out of range",
            ),
            (
                Settings {
                    time_zone: "Mars/Olympus".into(),
                    ..good()
                },
                "IANA name",
            ),
        ];
        for (settings, hint) in cases {
            let error = settings.clone().validated().unwrap_err();
            assert_eq!(error.code(), 400, "{settings:?} is a bad request");
            assert!(
                error.to_string().contains(hint),
                "{error} should say {hint:?}"
            );
        }
    }

    #[test]
    fn command_line_leads_take_units() {
        assert_eq!(parse_leads("60s,5m").unwrap(), vec![300, 60]);
        assert_eq!(parse_leads(" 1h , 90 ").unwrap(), vec![3600, 90]);
        for bad in ["", "5x", "m", "0s", "-5m", "5m,,0"] {
            let error = parse_leads(bad).unwrap_err();
            assert_eq!(error.code(), 400, "{bad:?} must be refused");
        }
    }

    #[test]
    fn a_missing_file_gives_the_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let file = SettingsFile::in_dir(dir.path());
        assert_eq!(file.load().unwrap(), Settings::default());
        assert!(!file.path().exists(), "loading must not create the file");
    }

    #[test]
    fn saved_settings_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let file = SettingsFile::in_dir(&dir.path().join("config"));
        let saved = file.save(good()).unwrap();
        assert_eq!(
            file.load().unwrap(),
            saved,
            "load must give what save stored"
        );
    }

    #[test]
    fn a_bad_save_leaves_the_file_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let file = SettingsFile::in_dir(dir.path());
        file.save(good()).unwrap();
        let before = std::fs::read(file.path()).unwrap();

        let error = file
            .save(Settings {
                listen: "nowhere".into(),
                ..good()
            })
            .unwrap_err();
        assert_eq!(error.code(), 400);
        assert_eq!(
            std::fs::read(file.path()).unwrap(),
            before,
            "a refused save writes nothing"
        );
    }

    #[test]
    fn a_broken_file_says_how_to_recover() {
        let dir = tempfile::tempdir().unwrap();
        let file = SettingsFile::in_dir(dir.path());
        std::fs::write(file.path(), "{ not json").unwrap();
        let error = file.load().unwrap_err();
        assert!(error.to_string().contains("delete it"), "{error}");
    }
}
