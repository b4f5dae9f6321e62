//! The desk console's screens as the test drives them: one function per staff action, with the
//! UI's stable `data-testid` selectors kept in this one place.

use std::time::Duration;

use fantoccini::{Client, Locator};

use crate::error::{ensure, Result};
use crate::ui;

/// Limit for the page to react to a click or an event from the desk.
pub const REACT: Duration = Duration::from_secs(30);

/// The live-session row of `pc`.
pub fn session_row(pc: &str) -> String {
    format!(r#"tr[data-testid="session-row"][data-pc="{pc}"]"#)
}

/// The status badge of `pc` on the PC board.
pub fn pc_status(pc: &str) -> String {
    format!(r#"tr[data-testid="pc-row"][data-pc="{pc}"] [data-testid="pc-status"]"#)
}

/// Waits up to `limit` for the first-run form and creates the admin account through it; the
/// console then shows its screens.
///
/// # Errors
/// A timeout when the form or the signed-in console does not show, or a driver error.
pub async fn create_admin(
    client: &Client,
    user: &str,
    password: &str,
    limit: Duration,
) -> Result<()> {
    ui::text(client, "#sign-in-title", limit, |t| {
        t.contains("Create the admin account")
    })
    .await?;
    fill(client, r#"[data-testid="username"]"#, user).await?;
    fill(client, r#"[data-testid="password"]"#, password).await?;
    fill(client, r#"[data-testid="password-again"]"#, password).await?;
    click(client, r#"[data-testid="sign-in"]"#).await?;

    ui::element(client, r#"[data-testid="nav-sessions"]"#, limit).await?;
    Ok(())
}

/// Opens one of the console's screens: `sessions`, `pcs`, `activity` or `settings`.
///
/// # Errors
/// A timeout or driver error when the navigation button cannot be clicked.
pub async fn open(client: &Client, screen: &str) -> Result<()> {
    click(client, &format!(r#"[data-testid="nav-{screen}"]"#)).await
}

/// Starts a session of `minutes` on `pc` for a new walk-in patron `user` through the start
/// form, and waits for its row.
///
/// # Errors
/// A timeout when the PC is never offered as free or the row never shows.
pub async fn start_walk_in(client: &Client, pc: &str, user: &str, minutes: &str) -> Result<()> {
    // The PC is offered once the console knows it is free (imported and not in use).
    let option = format!(r#"[data-testid="start-pc"] option[value="{pc}"]"#);
    ui::element(client, &option, REACT).await?;
    let select = ui::element(client, r#"[data-testid="start-pc"]"#, REACT).await?;
    select.select_by_value(pc).await?;
    // WebKitWebDriver 2.50 shows the second choice made in this select but the page does not
    // always see a change event for it; announce the change the way a user's pick would.
    let select_json = serde_json::to_value(&select)
        .map_err(|err| crate::Error::Unexpected(format!("element reference: {err}")))?;
    client
        .execute(
            "arguments[0].dispatchEvent(new Event('change', { bubbles: true }));",
            vec![select_json],
        )
        .await?;

    fill(client, r#"[data-testid="start-user"]"#, user).await?;
    fill(client, r#"[data-testid="start-minutes"]"#, minutes).await?;
    let patron = ui::element(client, r#"[data-testid="start-create-patron"]"#, REACT).await?;
    if !patron.is_selected().await? {
        patron.click().await?;
    }
    click(client, r#"[data-testid="start-submit"]"#).await?;

    ui::element(client, &session_row(pc), REACT).await?;
    // The form is usable again once the PC is no longer offered as free: choosing the next PC
    // while the list is still being redrawn can leave the choice unseen by the form.
    ui::gone(client, &option, REACT).await?;
    Ok(())
}

/// Clicks End Session on the row of `pc` and waits for the confirmation dialog.
///
/// # Errors
/// A timeout when the row or the dialog does not show.
pub async fn ask_to_end(client: &Client, pc: &str) -> Result<()> {
    let row = ui::element(client, &session_row(pc), REACT).await?;
    row.find(Locator::Css(r#"[data-testid="end-session"]"#))
        .await?
        .click()
        .await?;
    let confirm = ui::element(client, r#"[data-testid="confirm-end"]"#, REACT).await?;
    ensure(confirm.is_displayed().await?, || {
        "the End Session confirmation is not visible".to_owned()
    })
}

/// Confirms the open End Session dialog.
///
/// # Errors
/// A driver error when the button cannot be clicked.
pub async fn confirm_end(client: &Client) -> Result<()> {
    click(client, r#"[data-testid="confirm-end"]"#).await
}

/// Clicks Clean Up and returns the status text once it reports the result.
///
/// # Errors
/// A timeout when the status region never reports on the clean-up.
pub async fn clean_up(client: &Client) -> Result<String> {
    click(client, r#"[data-testid="clean-up"]"#).await?;
    ui::text(client, r#"[data-testid="status"]"#, REACT, |t| {
        t.contains("clean-up") || t.contains("Clean-up")
    })
    .await
}

/// Clicks the element matching `css` once it is there.
async fn click(client: &Client, css: &str) -> Result<()> {
    ui::element(client, css, REACT).await?.click().await?;
    Ok(())
}

/// Replaces the value of the input matching `css` with `value`, as typed.
async fn fill(client: &Client, css: &str, value: &str) -> Result<()> {
    let input = ui::element(client, css, REACT).await?;
    input.clear().await?;
    input.send_keys(value).await?;
    Ok(())
}
