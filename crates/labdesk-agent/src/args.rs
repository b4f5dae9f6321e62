//! The agent's command line, and reading its token from a flag or a file.

use clap::Parser;
use std::path::PathBuf;

/// `labdesk-agent`: keeps this PC linked to its Labdesk desk.
#[derive(Debug, Clone, Parser)]
#[command(name = "labdesk-agent", version, about)]
pub struct Args {
    /// The desk's base URL, e.g. ws://desk.local:7700 (the agent adds /pc).
    #[arg(long, env = "LABDESK_DESK", value_name = "URL")]
    pub desk: String,

    /// This PC's name as the desk knows it, e.g. PC-07.
    #[arg(long, env = "LABDESK_PC", value_name = "NAME")]
    pub pc: String,

    /// This PC's token (visible to every user of the PC in the process list: prefer
    /// --token-file).
    #[arg(
        long,
        env = "LABDESK_PC_TOKEN",
        value_name = "TOKEN",
        hide_env_values = true
    )]
    pub token: Option<String>,

    /// A file holding this PC's token (surrounding white space is ignored).
    #[arg(long, value_name = "PATH", conflicts_with = "token")]
    pub token_file: Option<PathBuf>,

    /// Print each message from the desk as one JSON line on stdout.
    #[arg(long)]
    pub json: bool,

    /// End this PC's live session, print the desk's answer and exit.
    #[arg(long)]
    pub end_session: bool,

    /// Do not show desktop notifications (messages are still logged).
    #[arg(long)]
    pub no_notify: bool,
}

/// Why the token could not be read.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    /// Neither `--token` nor `--token-file` was given.
    #[error("no token given; pass --token-file PATH (or --token TOKEN) with the token the desk printed for this pc")]
    Missing,
    /// The token file could not be read.
    #[error("cannot read the token file {path}: {source}; check the path and its permissions")]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The token (from the flag or the file) is empty.
    #[error("the token is empty; put the token the desk printed for this pc in the file")]
    Empty,
}

impl Args {
    /// The PC's token, from `--token` or the contents of `--token-file`.
    ///
    /// # Errors
    ///
    /// [`TokenError`] when neither is given, the file cannot be read, or the token is empty.
    pub fn read_token(&self) -> Result<String, TokenError> {
        let raw = match (&self.token, &self.token_file) {
            (Some(token), _) => token.clone(),
            (None, Some(path)) => {
                std::fs::read_to_string(path).map_err(|source| TokenError::Unreadable {
                    path: path.clone(),
                    source,
                })?
            }
            (None, None) => return Err(TokenError::Missing),
        };
        let token = raw.trim();
        if token.is_empty() {
            return Err(TokenError::Empty);
        }

        Ok(token.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Args, clap::Error> {
        Args::try_parse_from(["labdesk-agent"].iter().chain(args))
    }

    #[test]
    fn token_comes_from_the_flag() {
        let args = parse(&[
            "--desk",
            "ws://127.0.0.1:7700",
            "--pc",
            "PC-1",
            "--token",
            "t1",
        ])
        .expect("valid arguments");
        assert_eq!(args.read_token().unwrap(), "t1");
        assert!(!args.json && !args.end_session);
    }

    #[test]
    fn token_comes_from_a_file_trimmed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("token");
        std::fs::write(&path, "  secret-token\n").unwrap();
        let file = path.to_str().unwrap();
        let args = parse(&["--desk", "ws://h:1", "--pc", "PC-1", "--token-file", file]).unwrap();
        assert_eq!(args.read_token().unwrap(), "secret-token");
    }

    #[test]
    fn missing_or_empty_tokens_are_explained() {
        let args = parse(&["--desk", "ws://h:1", "--pc", "PC-1"]).unwrap();
        let err = args.read_token().unwrap_err();
        assert!(err.to_string().contains("--token-file"), "{err}");

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("token");
        std::fs::write(&path, "\n").unwrap();
        let file = path.to_str().unwrap();
        let args = parse(&["--desk", "ws://h:1", "--pc", "PC-1", "--token-file", file]).unwrap();
        assert!(matches!(args.read_token(), Err(TokenError::Empty)));

        let missing = dir.path().join("nope");
        let file = missing.to_str().unwrap();
        let args = parse(&["--desk", "ws://h:1", "--pc", "PC-1", "--token-file", file]).unwrap();
        let err = args.read_token().unwrap_err();
        assert!(
            err.to_string().contains("cannot read the token file"),
            "{err}"
        );
    }

    #[test]
    fn token_and_token_file_conflict() {
        let err = parse(&[
            "--desk",
            "ws://h:1",
            "--pc",
            "P",
            "--token",
            "a",
            "--token-file",
            "f",
        ])
        .unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::ArgumentConflict);
    }
}
