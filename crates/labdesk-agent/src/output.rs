//! The `--json` stream: each message from the desk as exactly one JSON line on stdout.
//!
//! Nothing else ever goes to stdout in that mode, so scripts can read it line by line; logs go
//! to stderr.

use std::io::Write;

/// Where received messages are echoed.
#[derive(Debug, Clone, Copy)]
pub struct Output {
    json: bool,
}

impl Output {
    /// Echoes messages as JSON lines when `json`, and not at all otherwise.
    pub fn new(json: bool) -> Self {
        Self { json }
    }

    /// Whether messages are echoed as JSON lines.
    pub fn is_json(&self) -> bool {
        self.json
    }

    /// Echoes one received text frame (compacted to a single line).
    pub fn message(&self, text: &str) {
        if !self.json {
            return;
        }
        let line = json_line(text);
        let mut stdout = std::io::stdout().lock();
        // A closed stdout (the reading script went away) must not stop the agent.
        if let Err(err) = writeln!(stdout, "{line}").and_then(|()| stdout.flush()) {
            tracing::debug!(cause = %err, "stdout is closed; message not echoed");
        }
    }
}

/// The frame as one line of JSON: as sent when it is JSON on one line (keeping the desk's
/// field order), compacted when it spans lines, and as a JSON string when it is not JSON.
pub fn json_line(text: &str) -> String {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(_) if !text.contains(['\n', '\r']) => text.trim().to_owned(),
        Ok(value) => value.to_string(),
        Err(_) => serde_json::Value::String(text.to_owned()).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pretty_json_becomes_one_line() {
        let line = json_line("{\n  \"session\": null\n}");
        assert_eq!(line, r#"{"session":null}"#);
        let sent = r#"{"type":"welcome","session":null}"#;
        assert_eq!(
            json_line(sent),
            sent,
            "a one-line frame keeps its field order"
        );
    }

    #[test]
    fn non_json_is_quoted_on_one_line() {
        assert_eq!(json_line("oops\nbad"), r#""oops\nbad""#);
    }
}
