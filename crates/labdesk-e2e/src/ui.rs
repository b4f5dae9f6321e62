//! Waiting on the console's page: an element to appear, to go, or to show some text; and
//! saving screenshots. Each wait polls the page's state until a generous limit.

use std::path::{Path, PathBuf};
use std::time::Duration;

use fantoccini::elements::Element;
use fantoccini::{Client, Locator};
use tokio::time::Instant;

use crate::error::{Error, Result};

/// How often a wait looks at the page again.
const POLL: Duration = Duration::from_millis(200);

/// Waits up to `limit` for an element matching `css` and returns it.
///
/// # Errors
/// [`Error::Timeout`] when none appears.
pub async fn element(client: &Client, css: &str, limit: Duration) -> Result<Element> {
    client
        .wait()
        .at_most(limit)
        .every(POLL)
        .for_element(Locator::Css(css))
        .await
        .map_err(|err| match err {
            fantoccini::error::CmdError::WaitTimeout => Error::Timeout {
                what: format!("the element {css}"),
                after: limit,
            },
            other => Error::Command(other),
        })
}

/// Waits up to `limit` until no element matches `css`.
///
/// # Errors
/// [`Error::Timeout`] when one is still there.
pub async fn gone(client: &Client, css: &str, limit: Duration) -> Result<()> {
    let deadline = Instant::now() + limit;
    loop {
        if client.find_all(Locator::Css(css)).await?.is_empty() {
            return Ok(());
        }
        if Instant::now() >= deadline {
            return Err(Error::Timeout {
                what: format!("the element {css} to go"),
                after: limit,
            });
        }
        tokio::time::sleep(POLL).await;
    }
}

/// Waits up to `limit` until the element matching `css` has text for which `wanted` holds,
/// and returns the text.
///
/// # Errors
/// [`Error::Timeout`] naming the last text seen.
pub async fn text<F>(client: &Client, css: &str, limit: Duration, wanted: F) -> Result<String>
where
    F: Fn(&str) -> bool,
{
    let deadline = Instant::now() + limit;
    let mut last = String::new();
    loop {
        if let Ok(el) = client.find(Locator::Css(css)).await {
            // The element may be replaced between find and read; read again next time.
            if let Ok(t) = el.text().await {
                if wanted(&t) {
                    return Ok(t);
                }
                last = t;
            }
        }
        if Instant::now() >= deadline {
            return Err(Error::Timeout {
                what: format!("{css} to show the expected text (last seen: {last:?})"),
                after: limit,
            });
        }
        tokio::time::sleep(POLL).await;
    }
}

/// Saves a PNG of the whole screen (the app's window and any notification popup) as
/// `<out_dir>/<name>.png` with ImageMagick's `import`, and returns its path.
///
/// WebDriver's own Take Screenshot is not used: with WebKitWebDriver 2.50 under Xvfb the
/// second screenshot of a session never answers, and every later command waits behind it.
///
/// # Errors
/// [`Error::MissingProgram`] without ImageMagick; [`Error::Failed`] when `import` fails.
pub async fn screenshot(out_dir: &Path, name: &str) -> Result<PathBuf> {
    let path = out_dir.join(format!("{name}.png"));
    let out = tokio::process::Command::new("import")
        .args(["-window", "root"])
        .arg(&path)
        .output()
        .await
        .map_err(|_| Error::MissingProgram {
            name: "import",
            path: PathBuf::from("PATH"),
            hint: "apt-get install imagemagick",
        })?;
    if !out.status.success() {
        return Err(Error::Failed {
            what: format!("import -window root {}", path.display()),
            status: out.status,
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        });
    }
    Ok(path)
}
