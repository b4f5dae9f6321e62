//! A real `labdesk-agent --json` process for one PC: the test reads the messages it prints,
//! one JSON object a line, as the PC received them from the desk.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use serde_json::Value;
use tokio::process::Command;

use crate::error::{Error, Result};
use crate::lines::LineReader;
use crate::process::ProcessGuard;

/// A running agent and the messages it has printed.
#[derive(Debug)]
pub struct Agent {
    pc: String,
    lines: LineReader,
    // Declared last: the process ends after the reader is dropped.
    _process: ProcessGuard,
}

impl Agent {
    /// Starts `labdesk-agent --desk DESK --pc PC --token TOKEN --json`; its stdout is read on a
    /// task and copied to `agent-PC.log`, its stderr goes to `agent-PC.stderr.log`, both in
    /// `out_dir`.
    ///
    /// # Errors
    /// [`Error::Spawn`] or [`Error::Io`] when it cannot be started or its logs created.
    pub async fn start(
        program: &Path,
        desk_url: &str,
        pc: &str,
        token: &str,
        out_dir: &Path,
    ) -> Result<Self> {
        let stderr = std::fs::File::create(out_dir.join(format!("agent-{pc}.stderr.log")))?;
        let mut cmd = Command::new(program);
        cmd.args(["--desk", desk_url, "--pc", pc, "--token", token, "--json"])
            .env("RUST_LOG", "info")
            .stdout(Stdio::piped())
            .stderr(stderr);
        let mut process = ProcessGuard::spawn(&format!("labdesk-agent for {pc}"), &mut cmd)?;
        let out = process
            .child_mut()
            .stdout
            .take()
            .ok_or_else(|| Error::Unexpected("the agent's output was not piped".to_owned()))?;
        let log = out_dir.join(format!("agent-{pc}.log"));
        let lines = LineReader::attach(&format!("the agent of {pc}"), out, &log).await?;

        Ok(Self {
            pc: pc.to_owned(),
            lines,
            _process: process,
        })
    }

    /// The PC this agent speaks for.
    pub fn pc(&self) -> &str {
        &self.pc
    }

    /// Waits up to `limit` for the next printed message of type `kind` and returns it.
    ///
    /// # Errors
    /// [`Error::Timeout`] or [`Error::Closed`] when none comes; [`Error::Unexpected`] when the
    /// agent printed a line that is not a JSON object.
    pub async fn wait_for(&mut self, kind: &str, limit: Duration) -> Result<Value> {
        let awaited = format!("a {kind} message");
        let mut bad_line = None;
        let found = self
            .lines
            .wait_for(&awaited, limit, |line| match parse(line) {
                Some(msg) => type_of(&msg) == Some(kind),
                None => {
                    bad_line.get_or_insert_with(|| line.to_owned());
                    true
                }
            })
            .await?;

        if let Some(line) = bad_line {
            return Err(Error::Unexpected(format!(
                "the agent of {} printed a line that is not a JSON object under --json: {line}",
                self.pc
            )));
        }
        parse(&found).ok_or_else(|| Error::Unexpected(format!("not JSON: {found}")))
    }

    /// Every message of type `kind` printed so far, including ones not yet awaited.
    pub fn received(&mut self, kind: &str) -> Vec<Value> {
        self.lines.take_ready();
        self.lines
            .seen()
            .iter()
            .filter_map(|line| parse(line))
            .filter(|msg| type_of(msg) == Some(kind))
            .collect()
    }
}

/// The line as a JSON object, if it is one.
fn parse(line: &str) -> Option<Value> {
    serde_json::from_str::<Value>(line)
        .ok()
        .filter(Value::is_object)
}

/// The `type` field of a message.
fn type_of(msg: &Value) -> Option<&str> {
    msg.get("type").and_then(Value::as_str)
}
