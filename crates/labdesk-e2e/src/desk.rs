//! The desk as the command line sees it: the `desk.json` the app writes into its data folder,
//! and `labdeskctl --data-dir DIR …` commands run against the running app.

use std::path::Path;
use std::time::Duration;

use serde_json::Value;
use tokio::process::Command;
use tokio::time::Instant;

use crate::error::{Error, Result};

/// Waits up to `limit` for the app to write `DIR/desk.json` and returns its content.
///
/// # Errors
/// [`Error::Timeout`] when the file does not appear; [`Error::Json`] when it is not JSON.
pub async fn wait_for_desk_file(data_dir: &Path, limit: Duration) -> Result<Value> {
    let path = data_dir.join("desk.json");
    let deadline = Instant::now() + limit;
    loop {
        // The app may be writing it right now: only a whole JSON object counts.
        if let Ok(text) = tokio::fs::read_to_string(&path).await {
            if let Ok(desk @ Value::Object(_)) = serde_json::from_str::<Value>(&text) {
                return Ok(desk);
            }
        }
        if Instant::now() >= deadline {
            return Err(Error::Timeout {
                what: format!("the app to write {}", path.display()),
                after: limit,
            });
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Runs `labdeskctl --data-dir DIR ARGS…` and returns its stdout parsed as JSON.
///
/// # Errors
/// [`Error::Failed`] when it exits non-zero; [`Error::Json`] when its output is not JSON.
pub async fn ctl_json(program: &Path, data_dir: &Path, args: &[&str]) -> Result<Value> {
    let out = Command::new(program)
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .output()
        .await
        .map_err(|source| Error::Spawn {
            what: "labdeskctl".to_owned(),
            source,
        })?;
    if !out.status.success() {
        return Err(Error::Failed {
            what: format!("labdeskctl {}", args.join(" ")),
            status: out.status,
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        });
    }

    Ok(serde_json::from_slice(&out.stdout)?)
}
