//! Reads a child's output line by line on a task and hands the lines to the test through a
//! channel, keeping every line seen (and a copy in a log file) for later checks and for
//! whoever reads a failed run.

use std::path::Path;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWriteExt, BufReader};
use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::error::{Error, Result};

/// Lines of one process's output, in order, as they arrive.
#[derive(Debug)]
pub struct LineReader {
    what: String,
    rx: mpsc::UnboundedReceiver<String>,
    seen: Vec<String>,
}

impl LineReader {
    /// Starts a task that reads `output` line by line, copies each line to `log` and sends it
    /// to the returned reader. `what` names the process in messages.
    ///
    /// # Errors
    /// [`Error::Io`] when the log file cannot be created.
    pub async fn attach<R>(what: &str, output: R, log: &Path) -> Result<Self>
    where
        R: AsyncRead + Unpin + Send + 'static,
    {
        let mut log = tokio::fs::File::create(log).await?;
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            let mut lines = BufReader::new(output).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                // The log is a debugging aid; a failed write must not hide the line itself.
                let _ = log.write_all(format!("{line}\n").as_bytes()).await;
                let _ = log.flush().await;
                if tx.send(line).is_err() {
                    break;
                }
            }
        });

        Ok(Self {
            what: what.to_owned(),
            rx,
            seen: Vec::new(),
        })
    }

    /// Every line received so far (by [`Self::wait_for`] or [`Self::take_ready`]).
    pub fn seen(&self) -> &[String] {
        &self.seen
    }

    /// Moves the lines that have already arrived into [`Self::seen`] without waiting.
    pub fn take_ready(&mut self) {
        while let Ok(line) = self.rx.try_recv() {
            self.seen.push(line);
        }
    }

    /// Waits up to `limit` for the next line that satisfies `wanted` and returns it; the lines
    /// before it are kept in [`Self::seen`] too. `awaited` describes the line in messages.
    ///
    /// # Errors
    /// [`Error::Timeout`] when no such line comes in time; [`Error::Closed`] when the output
    /// ends first.
    pub async fn wait_for<F>(
        &mut self,
        awaited: &str,
        limit: Duration,
        mut wanted: F,
    ) -> Result<String>
    where
        F: FnMut(&str) -> bool,
    {
        let deadline = Instant::now() + limit;
        loop {
            let line = match tokio::time::timeout_at(deadline, self.rx.recv()).await {
                Ok(Some(line)) => line,
                Ok(None) => {
                    return Err(Error::Closed {
                        what: self.what.clone(),
                        awaited: awaited.to_owned(),
                    })
                }
                Err(_) => {
                    return Err(Error::Timeout {
                        what: format!("{awaited} from {}", self.what),
                        after: limit,
                    })
                }
            };
            self.seen.push(line.clone());
            if wanted(&line) {
                return Ok(line);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Stdio;

    #[tokio::test]
    async fn lines_arrive_in_order_and_are_logged() {
        let dir = tempfile::tempdir().expect("the temp folder is writable");
        let log = dir.path().join("printf.log");
        let mut child = tokio::process::Command::new("printf")
            .arg("one\\ntwo\\nthree\\n")
            .stdout(Stdio::piped())
            .spawn()
            .expect("printf is part of coreutils");
        let out = child.stdout.take().expect("stdout was piped");
        let mut reader = LineReader::attach("printf", out, &log)
            .await
            .expect("log opens");

        let line = reader
            .wait_for("the line two", Duration::from_secs(20), |l| l == "two")
            .await
            .expect("printf prints two");
        assert_eq!(line, "two", "the matching line is returned");
        assert_eq!(
            reader.seen(),
            ["one", "two"],
            "earlier lines are kept in order"
        );

        let err = reader
            .wait_for("a line four", Duration::from_secs(20), |l| l == "four")
            .await
            .expect_err("printf never prints four");
        assert!(
            matches!(err, Error::Closed { .. }),
            "the output ends first: {err}"
        );
        assert_eq!(reader.seen().len(), 3, "the line three was still recorded");
        let logged = std::fs::read_to_string(&log).expect("the log exists");
        assert_eq!(
            logged, "one\ntwo\nthree\n",
            "every line is copied to the log"
        );
        let _ = child.wait().await;
    }

    #[tokio::test]
    async fn a_silent_process_times_out() {
        let dir = tempfile::tempdir().expect("the temp folder is writable");
        let mut cmd = tokio::process::Command::new("sleep");
        cmd.arg("600").stdout(Stdio::piped());
        let mut guard =
            crate::process::ProcessGuard::spawn("sleep", &mut cmd).expect("sleep starts");
        let out = guard.child_mut().stdout.take().expect("stdout was piped");
        let mut reader = LineReader::attach("sleep", out, &dir.path().join("sleep.log"))
            .await
            .expect("log opens");

        let err = reader
            .wait_for("any line", Duration::from_millis(300), |_| true)
            .await
            .expect_err("sleep prints nothing");
        assert!(
            err.to_string().contains("timed out") && err.to_string().contains("sleep"),
            "the timeout names what was awaited and from whom: {err}"
        );
    }
}
