//! The admin commands: each turns its arguments into one `/staff` request; the answer is
//! printed by [`crate::render`] (or as it is with `--json`).

use crate::cli::{Cli, Command, PcCommand, RoleArg, SessionCommand, UserCommand};
use crate::desk_file::{DeskFile, DeskFileError};
use crate::duration::parse_duration;
use crate::error::CliError;
use crate::render::render_answer;
use chrono::{DateTime, Utc};
use labdesk_link::client::StaffClient;
use labdesk_proto::staff::{Credentials, RequestBody};
use labdesk_proto::{PcCondition, Role};
use std::path::Path;

/// Finds the desk and the credentials: `--desk` and `--token` when given, else `desk.json` in
/// the data dir.
///
/// # Errors
///
/// [`CliError::Usage`] when neither is given, [`CliError::NoDesk`] when the data dir has no desk
/// file, [`CliError::Local`] when it cannot be read.
pub fn resolve_desk(cli: &Cli) -> Result<(String, Credentials), CliError> {
    if let (Some(desk), Some(token)) = (&cli.desk, &cli.token) {
        return Ok((
            desk.clone(),
            Credentials::Token {
                token: token.clone(),
            },
        ));
    }
    let Some(dir) = &cli.data_dir else {
        return Err(CliError::Usage(
            "no desk given; pass --data-dir DIR of a running desk, or --desk URL --token TOKEN"
                .to_owned(),
        ));
    };
    let file = DeskFile::read(dir).map_err(|err| match err {
        DeskFileError::Missing(path) => CliError::NoDesk { path },
        other => CliError::Local(other.to_string()),
    })?;
    let desk = cli.desk.clone().unwrap_or(file.url);
    let token = cli.token.clone().unwrap_or(file.token);

    Ok((desk, Credentials::Token { token }))
}

/// The request a command sends; `None` for `serve`.
///
/// # Errors
///
/// [`CliError::Usage`] for a bad duration or time, or a file that cannot be read.
pub fn request_for(command: &Command) -> Result<Option<RequestBody>, CliError> {
    let body = match command {
        Command::Serve(_) => return Ok(None),
        Command::Pc(pc) => match pc {
            PcCommand::Add { name, zone, os } => RequestBody::AddPc {
                name: name.clone(),
                zone: zone.clone(),
                os: os.clone(),
            },
            PcCommand::Import { file } => RequestBody::ImportPcs {
                csv: read_file(file, "csv file")?,
            },
            PcCommand::List => RequestBody::ListPcs,
            PcCommand::Repair { name } => RequestBody::SetPcCondition {
                pc: name.clone(),
                condition: PcCondition::Repair,
            },
            PcCommand::Activate { name } => RequestBody::SetPcCondition {
                pc: name.clone(),
                condition: PcCondition::Active,
            },
        },
        Command::User(UserCommand::Add {
            name,
            role,
            password_file,
            display_name,
        }) => {
            let password = match password_file {
                Some(path) => Some(read_password(path)?),
                None => None,
            };
            RequestBody::AddUser {
                username: name.clone(),
                display_name: display_name.clone(),
                role: Some(match role {
                    RoleArg::Patron => Role::Patron,
                    RoleArg::Staff => Role::Staff,
                    RoleArg::Admin => Role::Admin,
                }),
                password,
            }
        }
        Command::User(UserCommand::List) => RequestBody::ListUsers,
        Command::Session(session) => session_request(session)?,
        Command::Cleanup => RequestBody::CleanUp,
        Command::Audit { limit } => RequestBody::Audit { limit: *limit },
    };

    Ok(Some(body))
}

fn session_request(command: &SessionCommand) -> Result<RequestBody, CliError> {
    let secs = |text: &str| {
        parse_duration(text)
            .map(|d| d.as_secs())
            .map_err(|err| CliError::Usage(err.to_string()))
    };
    Ok(match command {
        SessionCommand::Start { pc, user, duration } => RequestBody::StartSession {
            pc: pc.clone(),
            user: user.clone(),
            duration_secs: secs(duration)?,
        },
        SessionCommand::Book {
            pc,
            user,
            from,
            until,
        } => RequestBody::BookSession {
            pc: pc.clone(),
            user: user.clone(),
            start: parse_time(from, "--from")?,
            end: parse_time(until, "--until")?,
        },
        SessionCommand::Extend { id, by } => RequestBody::ExtendSession {
            booking_id: *id,
            by_secs: secs(by)?,
        },
        SessionCommand::End { id } => RequestBody::EndSession { booking_id: *id },
        SessionCommand::Cancel { id } => RequestBody::CancelBooking { booking_id: *id },
        SessionCommand::List => RequestBody::LiveSessions,
    })
}

/// Reads an RFC 3339 instant with any offset.
///
/// # Errors
///
/// [`CliError::Usage`] naming the flag and showing an example.
pub fn parse_time(text: &str, flag: &str) -> Result<DateTime<Utc>, CliError> {
    DateTime::parse_from_rfc3339(text.trim())
        .map(|instant| instant.with_timezone(&Utc))
        .map_err(|err| {
            CliError::Usage(format!(
                "{flag} {text:?} is not an RFC 3339 time ({err}); write it like 2026-12-04T15:00:00+01:00 or 2026-12-04T14:00:00Z"
            ))
        })
}

fn read_file(path: &Path, what: &str) -> Result<String, CliError> {
    std::fs::read_to_string(path).map_err(|err| {
        CliError::Usage(format!(
            "cannot read the {what} {}: {err}; check the path",
            path.display()
        ))
    })
}

fn read_password(path: &Path) -> Result<String, CliError> {
    let text = read_file(path, "password file")?;
    let password = text.trim_end_matches(['\n', '\r']);
    if password.is_empty() {
        return Err(CliError::Usage(format!(
            "the password file {} is empty; put the password on its first line",
            path.display()
        )));
    }

    Ok(password.to_owned())
}

/// Connects to the desk, runs the command's request and returns what to print.
///
/// # Errors
///
/// Any [`CliError`]; its exit code tells the kinds apart.
pub async fn run_remote(cli: &Cli) -> Result<String, CliError> {
    let Some(body) = request_for(&cli.command)? else {
        return Err(CliError::Usage("serve does not talk to a desk".to_owned()));
    };
    let (desk, credentials) = resolve_desk(cli)?;
    let mut client = StaffClient::connect(&desk, credentials).await?;
    let answer = client.request(body).await;
    client.close().await;
    let answer = answer?;

    if cli.json {
        // A `Value` always serialises.
        let text = serde_json::to_string_pretty(&answer).expect("json values serialise");
        return Ok(format!("{text}\n"));
    }

    Ok(render_answer(&cli.command, &answer, &desk))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn cli(args: &[&str]) -> Cli {
        Cli::try_parse_from(["labdeskctl"].iter().chain(args)).unwrap()
    }

    #[test]
    fn durations_become_seconds_and_bad_ones_are_usage_errors() {
        let body = request_for(&cli(&["session", "start", "PC-1", "ana", "--for", "45m"]).command)
            .unwrap();
        let want = RequestBody::StartSession {
            pc: "PC-1".into(),
            user: "ana".into(),
            duration_secs: 2700,
        };
        assert_eq!(body, Some(want));
        for bad in ["0m", "-5m", "5x"] {
            let err = request_for(&cli(&["session", "start", "P", "u", "--for", bad]).command)
                .unwrap_err();
            assert_eq!(err.exit_code(), 2, "{bad}: {err}");
        }
    }

    #[test]
    fn book_reads_any_offset_as_utc() {
        let command = cli(&[
            "session",
            "book",
            "PC-1",
            "ana",
            "--from",
            "2026-12-04T15:00:00+01:00",
            "--until",
            "2026-12-04T14:30:00Z",
        ])
        .command;
        let Some(RequestBody::BookSession { start, end, .. }) = request_for(&command).unwrap()
        else {
            panic!("book must send book_session");
        };
        assert_eq!(start.to_rfc3339(), "2026-12-04T14:00:00+00:00");
        assert_eq!(end.to_rfc3339(), "2026-12-04T14:30:00+00:00");
        let err = parse_time("tomorrow", "--from").unwrap_err();
        assert!(err.to_string().contains("RFC 3339"), "{err}");
    }

    #[test]
    fn desk_comes_from_flags_or_the_data_dir() {
        let flags = cli(&["pc", "list", "--desk", "ws://h:1", "--token", "t"]);
        let (desk, _) = resolve_desk(&flags).unwrap();
        assert_eq!(desk, "ws://h:1");

        let dir = tempfile::tempdir().unwrap();
        let data_dir = dir.path().to_str().unwrap();
        let err = resolve_desk(&cli(&["pc", "list", "--data-dir", data_dir])).unwrap_err();
        assert_eq!(
            err.exit_code(),
            7,
            "no desk file means no desk is running: {err}"
        );

        let file = DeskFile {
            url: "ws://127.0.0.1:7700".into(),
            token: "admin-token".into(),
        };
        file.write(dir.path()).unwrap();
        let (desk, credentials) =
            resolve_desk(&cli(&["pc", "list", "--data-dir", data_dir])).unwrap();
        assert_eq!(desk, "ws://127.0.0.1:7700");
        assert_eq!(
            credentials,
            Credentials::Token {
                token: "admin-token".into()
            }
        );
    }

    #[test]
    fn unreadable_files_are_usage_errors() {
        let err = request_for(&cli(&["pc", "import", "/nonexistent/pcs.csv"]).command).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(err.to_string().contains("/nonexistent/pcs.csv"), "{err}");
    }
}
