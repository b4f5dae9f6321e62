//! `serve`: a desk without a display. Opens the store in the data dir, makes sure an admin and
//! `desk.json` exist, runs the scheduler and the PC link, and stops cleanly on a signal.

use crate::desk_file::DeskFile;
use crate::error::CliError;
use labdesk_core::{Engine, EngineConfig, Role, Scheduler, SchedulerHandle, SystemClock};
use labdesk_link::{Desk, DeskServer, LinkConfig};
use rand::distributions::{Alphanumeric, DistString};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// The store's file name inside the data dir.
pub const DB_FILE: &str = "labdesk.db";

/// The username of the admin a new desk creates.
pub const FIRST_ADMIN: &str = "admin";

/// What `serve` needs.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The data dir (created if missing).
    pub data_dir: PathBuf,
    /// The address to listen on, e.g. `0.0.0.0:7700` or `127.0.0.1:0`.
    pub listen: String,
    /// Warning leads before each session's end.
    pub warning_leads: Vec<Duration>,
    /// The link's settings (time-outs, heartbeats).
    pub link: LinkConfig,
}

/// A desk that is running: store, scheduler and PC link.
pub struct RunningDesk {
    engine: Engine,
    server: DeskServer,
    scheduler: SchedulerHandle,
    url: String,
}

impl RunningDesk {
    /// Opens the store, makes sure an admin and `desk.json` exist, binds the link and starts the
    /// scheduler.
    ///
    /// # Errors
    ///
    /// [`CliError::Local`] when the data dir, the store or the listen address cannot be used.
    pub async fn start(options: ServeOptions) -> Result<Self, CliError> {
        create_data_dir(&options.data_dir)?;
        let leads = options
            .warning_leads
            .iter()
            .map(|lead| chrono::Duration::from_std(*lead))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| {
                CliError::Usage("a warning lead is too long; keep it under a day".into())
            })?;
        let db = options.data_dir.join(DB_FILE);
        let engine = Engine::open(
            &db,
            Arc::new(SystemClock),
            EngineConfig {
                warning_leads: leads,
            },
        )
        .await
        .map_err(|err| CliError::Local(format!("cannot open the store {}: {err}", db.display())))?;

        let server = Desk::bind(
            engine.clone(),
            options.listen.as_str(),
            options.link.clone(),
        )
        .await
        .map_err(|err| CliError::Local(format!("cannot listen on {}: {err}", options.listen)))?;
        let url = local_url(server.local_addr());
        let token = admin_token(&engine, &options.data_dir).await?;
        DeskFile {
            url: url.clone(),
            token,
        }
        .write(&options.data_dir)
        .map_err(|err| CliError::Local(err.to_string()))?;
        let scheduler = Scheduler::spawn(engine.clone(), Arc::new(server.delivery()));

        Ok(Self {
            engine,
            server,
            scheduler,
            url,
        })
    }

    /// The address the link listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.server.local_addr()
    }

    /// The URL local tools use, e.g. `ws://127.0.0.1:7700`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The engine (for tests that look at the store directly).
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Stops the scheduler, closes every connection with a close frame, and closes the store.
    pub async fn stop(self) {
        self.scheduler.stop().await;
        self.server.shutdown().await;
        self.engine.close().await;
        tracing::info!("desk stopped");
    }
}

/// Creates the data dir if missing, readable by its owner only: the store holds password and
/// token hashes.
fn create_data_dir(dir: &std::path::Path) -> Result<(), CliError> {
    let fail = |err: std::io::Error| {
        CliError::Local(format!(
            "cannot create the data dir {}: {err}; check the path and its permissions",
            dir.display()
        ))
    };
    if dir.is_dir() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }

    builder.create(dir).map_err(fail)
}

/// The URL local tools use to reach a desk listening on `addr`: a wildcard address becomes
/// the loopback address of its family.
pub fn local_url(addr: SocketAddr) -> String {
    let ip = match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };

    format!("ws://{}", SocketAddr::new(ip, addr.port()))
}

/// The admin token for `desk.json`: the one already there if it still works, else a new one
/// for an admin, creating the first admin (with a random password printed once) on a new desk.
async fn admin_token(engine: &Engine, data_dir: &std::path::Path) -> Result<String, CliError> {
    let store = |err: labdesk_core::Error| CliError::Local(format!("the store failed: {err}"));
    if let Ok(file) = DeskFile::read(data_dir) {
        if let Ok(user) = engine.authenticate_token(&file.token).await {
            if user.role == Role::Admin {
                return Ok(file.token);
            }
        }
    }
    if !engine.has_admin().await.map_err(store)? {
        let password = Alphanumeric.sample_string(&mut rand::thread_rng(), 20);
        engine
            .create_first_admin(FIRST_ADMIN, &password)
            .await
            .map_err(store)?;
        eprintln!(
            "created the first admin: username {FIRST_ADMIN}, password {password}\n\
             (shown only this once: write it down to sign in to the desk console)"
        );
    }
    let users = engine.list_users().await.map_err(store)?;
    let admin = users
        .iter()
        .find(|user| user.role == Role::Admin)
        .ok_or_else(|| CliError::Local("the desk has no admin; this should not happen".into()))?;

    engine.create_api_token(admin.id).await.map_err(store)
}

/// Runs a desk until SIGINT or SIGTERM, printing the bound address on stdout once listening.
///
/// # Errors
///
/// See [`RunningDesk::start`].
pub async fn serve(options: ServeOptions) -> Result<(), CliError> {
    let signals = StopSignals::install();
    let desk = RunningDesk::start(options).await?;
    {
        use std::io::Write;
        let mut stdout = std::io::stdout().lock();
        // Tests and scripts read these lines as soon as they appear; a closed stdout is no
        // reason to stop serving.
        let _ = writeln!(stdout, "listening on {}", desk.local_addr())
            .and_then(|()| writeln!(stdout, "desk url {}", desk.url()))
            .and_then(|()| stdout.flush());
    }

    signals.wait().await;
    tracing::info!("stopping on a signal");
    desk.stop().await;

    Ok(())
}

/// Stop signals, watched from the moment this is created so that a signal arriving early is
/// not lost (nor kills the process before the handler exists).
struct StopSignals {
    #[cfg(unix)]
    watched: Option<(tokio::signal::unix::Signal, tokio::signal::unix::Signal)>,
}

impl StopSignals {
    /// Starts watching SIGINT and SIGTERM (Ctrl-C elsewhere).
    fn install() -> Self {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            match (
                signal(SignalKind::interrupt()),
                signal(SignalKind::terminate()),
            ) {
                (Ok(int), Ok(term)) => Self {
                    watched: Some((int, term)),
                },
                (Err(err), _) | (_, Err(err)) => {
                    tracing::warn!(cause = %err, "cannot watch SIGINT and SIGTERM; only Ctrl-C stops this");
                    Self { watched: None }
                }
            }
        }
        #[cfg(not(unix))]
        {
            Self {}
        }
    }

    /// Waits for the first stop signal.
    async fn wait(self) {
        #[cfg(unix)]
        if let Some((mut int, mut term)) = self.watched {
            tokio::select! {
                _ = int.recv() => {}
                _ = term.recv() => {}
            }
            return;
        }
        let _ = tokio::signal::ctrl_c().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcard_addresses_become_loopback() {
        assert_eq!(
            local_url("0.0.0.0:7700".parse().unwrap()),
            "ws://127.0.0.1:7700"
        );
        assert_eq!(local_url("[::]:7700".parse().unwrap()), "ws://[::1]:7700");
        assert_eq!(
            local_url("127.0.0.1:41234".parse().unwrap()),
            "ws://127.0.0.1:41234"
        );
    }
}
