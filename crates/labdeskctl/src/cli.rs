//! The command line of `labdeskctl`.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// `labdeskctl`: run a Labdesk desk without a display, and drive a desk from a terminal.
///
/// Exit codes: 0 ok, 1 unexpected failure, 2 usage, 3 bad request, 4 not allowed, 5 not found,
/// 6 conflict, 7 desk unreachable.
#[derive(Debug, Parser)]
#[command(name = "labdeskctl", version, about, long_about = None)]
pub struct Cli {
    /// The desk's data dir: its store, and desk.json that tells local commands where the desk
    /// listens and how to authenticate.
    #[arg(long, global = true, env = "LABDESK_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    /// The desk's base URL, e.g. ws://desk:7700 (instead of desk.json).
    #[arg(long, global = true, env = "LABDESK_DESK", value_name = "URL")]
    pub desk: Option<String>,

    /// A staff or admin API token (instead of desk.json).
    #[arg(
        long,
        global = true,
        env = "LABDESK_TOKEN",
        value_name = "TOKEN",
        hide_env_values = true
    )]
    pub token: Option<String>,

    /// Print the desk's answer as one JSON document.
    #[arg(long, global = true)]
    pub json: bool,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a desk without a display: store, scheduler and PC link.
    Serve(ServeArgs),
    /// Manage PCs.
    #[command(subcommand)]
    Pc(PcCommand),
    /// Manage users.
    #[command(subcommand)]
    User(UserCommand),
    /// Start, book, extend, end and list sessions.
    #[command(subcommand)]
    Session(SessionCommand),
    /// Free every session whose time is up.
    Cleanup,
    /// Show the latest changes, newest first.
    Audit {
        /// How many entries to show.
        #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=10_000))]
        limit: u32,
    },
}

/// Options of `serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The address to listen on for PCs and staff tools.
    #[arg(long, default_value = "0.0.0.0:7700", value_name = "ADDR")]
    pub listen: String,
    /// When to warn a PC before its session ends, e.g. 5m,1m.
    #[arg(long, default_value = "5m", value_name = "LEADS")]
    pub warn_before: String,
}

/// `pc …`
#[derive(Debug, Subcommand)]
pub enum PcCommand {
    /// Add a PC and print its token and the agent's command line.
    Add {
        /// The PC's unique name, e.g. PC-07.
        name: String,
        /// Its zone, e.g. "1st Floor".
        #[arg(long)]
        zone: Option<String>,
        /// Its operating system, e.g. windows.
        #[arg(long)]
        os: Option<String>,
    },
    /// Add the PCs listed in a CSV file with the columns name, zone, os.
    Import {
        /// The CSV file.
        file: PathBuf,
    },
    /// List every PC.
    List,
    /// Take a PC out of service.
    Repair {
        /// The PC's name.
        name: String,
    },
    /// Put a PC back in service.
    Activate {
        /// The PC's name.
        name: String,
    },
}

/// A user's role on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RoleArg {
    /// Uses a PC.
    Patron,
    /// Runs sessions and clean-up.
    Staff,
    /// Also manages PCs, users and settings.
    Admin,
}

/// `user …`
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user.
    Add {
        /// The unique username.
        name: String,
        /// The user's role.
        #[arg(long, value_enum, default_value = "patron")]
        role: RoleArg,
        /// A file holding the password (required for staff and admins).
        #[arg(long, value_name = "FILE")]
        password_file: Option<PathBuf>,
        /// The name shown in the console.
        #[arg(long)]
        display_name: Option<String>,
    },
    /// List users.
    List,
}

/// `session …`
#[derive(Debug, Subcommand)]
pub enum SessionCommand {
    /// Start a session now on a free PC.
    Start {
        /// The PC's name.
        pc: String,
        /// The patron's username.
        user: String,
        /// How long, e.g. 90s, 45m, 2h.
        #[arg(long = "for", value_name = "DURATION", allow_hyphen_values = true)]
        duration: String,
    },
    /// Book a PC ahead.
    Book {
        /// The PC's name.
        pc: String,
        /// The patron's username.
        user: String,
        /// Start, RFC 3339 with any offset, e.g. 2026-12-04T15:00:00+01:00.
        #[arg(long, value_name = "TIME")]
        from: String,
        /// End, RFC 3339 with any offset.
        #[arg(long, value_name = "TIME")]
        until: String,
    },
    /// Give a live session more time.
    Extend {
        /// The booking id.
        id: i64,
        /// How much more, e.g. 15m.
        #[arg(long, value_name = "DURATION", allow_hyphen_values = true)]
        by: String,
    },
    /// End a live session now.
    End {
        /// The booking id.
        id: i64,
    },
    /// Cancel a booking that has not started.
    Cancel {
        /// The booking id.
        id: i64,
    },
    /// List live sessions.
    List,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn global_flags_work_after_the_command() {
        let cli =
            Cli::try_parse_from(["labdeskctl", "session", "list", "--json", "--data-dir", "d"])
                .unwrap();
        assert!(cli.json);
        assert_eq!(cli.data_dir, Some(PathBuf::from("d")));
        assert!(matches!(
            cli.command,
            Command::Session(SessionCommand::List)
        ));
    }

    #[test]
    fn session_start_takes_for() {
        let cli = Cli::try_parse_from([
            "labdeskctl",
            "session",
            "start",
            "PC-1",
            "ana",
            "--for",
            "45m",
        ])
        .unwrap();
        let Command::Session(SessionCommand::Start { duration, .. }) = cli.command else {
            panic!("parsed as another command");
        };
        assert_eq!(duration, "45m");
    }

    #[test]
    fn bad_role_and_missing_arguments_are_usage_errors() {
        let err =
            Cli::try_parse_from(["labdeskctl", "user", "add", "x", "--role", "boss"]).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        let err = Cli::try_parse_from(["labdeskctl", "session", "end"]).unwrap_err();
        assert_eq!(err.exit_code(), 2);
    }
}
