//! The readable form of each command's answer: tables with local times, and the few answers
//! that read better as sentences (a new PC's token, a clean-up report).

use crate::cli::{Command, PcCommand, SessionCommand, UserCommand};
use crate::table::{render, text, time, yes_no, Column};
use serde_json::Value;

const PC_COLUMNS: &[Column] = &[
    text("NAME", "name"),
    text("ZONE", "zone"),
    text("OS", "os"),
    text("STATUS", "booking_status"),
    text("CONDITION", "condition"),
    yes_no("ONLINE", "online"),
    time("LAST SEEN", "last_seen"),
];

const USER_COLUMNS: &[Column] = &[
    text("ID", "id"),
    text("USERNAME", "username"),
    text("NAME", "display_name"),
    text("ROLE", "role"),
];

const SESSION_COLUMNS: &[Column] = &[
    text("ID", "booking_id"),
    text("PC", "pc"),
    text("USER", "user"),
    time("STARTED", "start_time"),
    time("ENDS", "end_time"),
    yes_no("PC ONLINE", "pc_online"),
    text("WARNED (MIN)", "warned_minutes"),
];

const BOOKING_COLUMNS: &[Column] = &[
    text("ID", "id"),
    text("PC", "pc"),
    text("USER", "user"),
    time("START", "start_time"),
    time("END", "end_time"),
    text("STATUS", "status"),
    text("REASON", "end_reason"),
    time("ENDED", "ended_at"),
];

const AUDIT_COLUMNS: &[Column] = &[
    text("ID", "id"),
    time("AT", "at"),
    text("ACTOR", "actor"),
    text("ACTION", "action"),
    text("BOOKING", "booking_id"),
    text("PC", "pc"),
    text("REASON", "reason"),
];

const IMPORT_COLUMNS: &[Column] = &[text("PC", "pc"), text("TOKEN", "token")];
const FREED_COLUMNS: &[Column] = &[text("BOOKING", "booking_id"), text("PC", "pc")];

/// The readable form of a command's answer.
pub fn render_answer(command: &Command, answer: &Value, desk: &str) -> String {
    let one = |columns| render(std::slice::from_ref(answer), columns, "");
    let list = |columns, empty| {
        render(
            answer.as_array().map_or(&[][..], Vec::as_slice),
            columns,
            empty,
        )
    };
    match command {
        Command::Serve(_) => String::new(),
        Command::Pc(PcCommand::Add { name, .. }) => added_pc(name, answer, desk),
        Command::Pc(PcCommand::Import { .. }) => {
            let rows = answer["imported"].as_array().map_or(&[][..], Vec::as_slice);
            let table = render(rows, IMPORT_COLUMNS, "");
            format!(
                "imported {} pcs; give each pc its token (labdesk-agent --token-file)\n{table}",
                rows.len()
            )
        }
        Command::Pc(PcCommand::List) => list(PC_COLUMNS, "no pcs yet; add one with `pc add NAME`"),
        Command::Pc(_) => one(PC_COLUMNS),
        Command::User(UserCommand::Add { .. }) => one(USER_COLUMNS),
        Command::User(UserCommand::List) => list(USER_COLUMNS, "no users"),
        Command::Session(SessionCommand::Start { .. } | SessionCommand::Extend { .. }) => {
            one(SESSION_COLUMNS)
        }
        Command::Session(SessionCommand::List) => list(SESSION_COLUMNS, "no live sessions"),
        Command::Session(_) => one(BOOKING_COLUMNS),
        Command::Cleanup => {
            let message = answer["message"].as_str().unwrap_or("clean-up done");
            let freed = answer["freed"].as_array().map_or(&[][..], Vec::as_slice);
            if freed.is_empty() {
                format!("{message}\n")
            } else {
                format!("{message}\n{}", render(freed, FREED_COLUMNS, ""))
            }
        }
        Command::Audit { .. } => list(AUDIT_COLUMNS, "no audit entries"),
    }
}

fn added_pc(name: &str, answer: &Value, desk: &str) -> String {
    let token = answer["token"].as_str().unwrap_or("-");
    let command = match answer["agent_command"].as_str() {
        Some(command) => command.to_owned(),
        None => format!(
            "labdesk-agent --desk {} --pc {name} --token-file /path/to/token",
            desk.trim_end_matches('/')
        ),
    };
    format!(
        "added pc {name}\ntoken: {token}\n\
         on the pc, save the token in a file only the agent can read, then run:\n  {command}\n\
         (replace the desk's address if this one only works on the desk itself)\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::Cli;
    use clap::Parser;
    use serde_json::json;

    fn cli(args: &[&str]) -> Cli {
        Cli::try_parse_from(["labdeskctl"].iter().chain(args)).unwrap()
    }

    #[test]
    fn session_list_renders_a_table() {
        let answer = json!([{
            "booking_id": 4, "pc": "1-001", "user": "ana", "display_name": "Ana",
            "start_time": "2026-12-04T10:00:00Z", "end_time": "2026-12-04T10:45:00Z",
            "pc_online": true, "warned_minutes": null
        }]);
        let out = render_answer(&cli(&["session", "list"]).command, &answer, "ws://h:1");
        let mut lines = out.lines();
        assert!(
            lines.next().unwrap().starts_with("ID  PC     USER"),
            "{out}"
        );
        assert!(lines.next().unwrap().starts_with("4   1-001  ana"), "{out}");
        let empty = render_answer(&cli(&["session", "list"]).command, &json!([]), "ws://h:1");
        assert_eq!(empty, "no live sessions\n");
    }

    #[test]
    fn pc_add_prints_the_token_and_the_agent_command() {
        let answer = json!({"pc": {"name": "PC-9"}, "token": "tok-9"});
        let out = render_answer(
            &cli(&["pc", "add", "PC-9"]).command,
            &answer,
            "ws://127.0.0.1:7700",
        );
        assert!(out.contains("token: tok-9"), "{out}");
        assert!(
            out.contains("labdesk-agent --desk ws://127.0.0.1:7700 --pc PC-9 --token-file"),
            "{out}"
        );
    }
}
