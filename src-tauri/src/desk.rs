//! The desk inside the app: the engine (store and rules), the scheduler and the PC link, owned by
//! this one process exactly as `labdeskctl serve` owns them, plus who is signed in at the
//! console. Started once at launch; shut down once at quit, closing every PC connection with a
//! close frame.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use labdesk_core::{
    Actor, Clock, DeskEvent, Engine, EngineConfig, Scheduler, SchedulerHandle, User,
};
use labdesk_link::{Desk as Link, DeskServer, LinkConfig};
use thiserror::Error;
use tokio::sync::broadcast::Receiver;
use tokio::sync::Mutex as AsyncMutex;

use crate::cli::Options;
use crate::desk_file;
use crate::error::CommandError;
use crate::live::LiveBoard;
use crate::settings::{Settings, SettingsError, SettingsFile};

/// The store's file name inside the data folder.
pub const DB_FILE: &str = "labdesk.db";

/// Why the desk could not start.
#[derive(Debug, Error)]
pub enum DeskError {
    /// The data folder could not be made.
    #[error("cannot create the data folder {path}: {source}; check the path and its permissions")]
    DataDir {
        /// The folder.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The settings file is unreadable or holds a bad value.
    #[error(transparent)]
    Settings(#[from] SettingsError),
    /// The store could not be opened.
    #[error("cannot open the store {path}: {source}")]
    Store {
        /// The store file.
        path: PathBuf,
        /// Why.
        source: labdesk_core::Error,
    },
    /// The PC link could not listen.
    #[error("cannot listen for PCs on {listen}: {source}; is another desk running?")]
    Listen {
        /// The address from the settings.
        listen: String,
        /// Why.
        source: labdesk_link::LinkError,
    },
    /// `desk.json` could not be written.
    #[error(transparent)]
    DeskFile(#[from] desk_file::DeskFileError),
    /// The store failed while preparing the desk.
    #[error("the store failed while starting the desk: {0}")]
    Engine(#[from] labdesk_core::Error),
}

/// Where and how to start the desk.
#[derive(Clone)]
pub struct DeskConfig {
    /// The store (`labdesk.db`) and `desk.json` live here.
    pub data_dir: PathBuf,
    /// `settings.json` lives here.
    pub config_dir: PathBuf,
    /// Command-line overrides of the saved settings.
    pub options: Options,
    /// The clock the engine reads (the wall clock, or a test's hand-moved clock).
    pub clock: Arc<dyn Clock>,
    /// Time-outs and heartbeats of the PC link.
    pub link: LinkConfig,
}

/// The parts that run in the background until shutdown.
struct Running {
    server: DeskServer,
    scheduler: SchedulerHandle,
}

/// The running desk. Managed as Tauri state; every command reaches the engine through it.
pub struct Desk {
    engine: Engine,
    data_dir: PathBuf,
    settings_file: SettingsFile,
    in_force: Settings,
    listen: SocketAddr,
    running: AsyncMutex<Option<Running>>,
    signed_in: Mutex<Option<User>>,
    live: Mutex<LiveBoard>,
    events: Mutex<Option<Receiver<DeskEvent>>>,
}

impl Desk {
    /// Opens the store, binds the PC link, starts the scheduler and writes `desk.json` (once an
    /// admin exists).
    ///
    /// # Errors
    /// [`DeskError`] saying which part could not start and what to check.
    pub async fn start(config: DeskConfig) -> Result<Desk, DeskError> {
        let DeskConfig {
            data_dir,
            config_dir,
            options,
            clock,
            link,
        } = config;
        for dir in [&data_dir, &config_dir] {
            std::fs::create_dir_all(dir).map_err(|source| DeskError::DataDir {
                path: dir.clone(),
                source,
            })?;
        }
        let settings_file = SettingsFile::in_dir(&config_dir);
        let in_force = options.apply(settings_file.load()?).validated()?;
        let listen_at = in_force.listen_addr()?;

        let db = data_dir.join(DB_FILE);
        let leads = in_force
            .warning_leads_secs
            .iter()
            .map(|secs| chrono::Duration::seconds(*secs));
        let engine_config = EngineConfig {
            warning_leads: leads.collect(),
        };
        let engine = Engine::open(&db, clock, engine_config)
            .await
            .map_err(|source| DeskError::Store {
                path: db.clone(),
                source,
            })?;
        let server = Link::bind(engine.clone(), listen_at, link)
            .await
            .map_err(|source| DeskError::Listen {
                listen: in_force.listen.clone(),
                source,
            })?;
        let listen = server.local_addr();
        // Subscribe before the scheduler runs and before the board is read, so that the
        // console misses nothing that changes the board.
        let events = engine.subscribe();
        let scheduler = Scheduler::spawn(engine.clone(), Arc::new(server.delivery()));
        let live = LiveBoard::from_sessions(&engine.live_sessions().await?);
        tracing::info!(%listen, live = live.len(), "desk started");

        let desk = Desk {
            engine,
            data_dir,
            settings_file,
            in_force,
            listen,
            running: AsyncMutex::new(Some(Running { server, scheduler })),
            signed_in: Mutex::new(None),
            live: Mutex::new(live),
            events: Mutex::new(Some(events)),
        };
        desk.write_desk_file().await?;

        Ok(desk)
    }

    /// Writes `desk.json` with a working admin token, once the desk has an admin; before that
    /// there is nobody local tools could act as.
    ///
    /// # Errors
    /// The store failed, or the file could not be written.
    pub async fn write_desk_file(&self) -> Result<(), DeskError> {
        let url = local_url(self.listen);
        match desk_file::admin_token(&self.engine, &self.data_dir).await? {
            Some(token) => {
                desk_file::DeskFile { url, token }.write(&self.data_dir)?;
            }
            None => tracing::info!("no admin yet; desk.json is written once the first exists"),
        }
        Ok(())
    }

    /// The engine.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Where the store and `desk.json` live.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// The address the PC link really listens on (the port is known even if 0 was asked).
    pub fn listen(&self) -> SocketAddr {
        self.listen
    }

    /// The URL PC agents use: the machine's host name when listening on every address.
    pub fn agent_url(&self) -> String {
        agent_url(self.listen, host_name().as_deref())
    }

    /// The settings in force for this run (saved settings with command-line overrides).
    pub fn settings_in_force(&self) -> &Settings {
        &self.in_force
    }

    /// The settings file (what the settings screen edits; changes apply at the next start).
    pub fn settings_file(&self) -> &SettingsFile {
        &self.settings_file
    }

    /// Who is signed in at the console.
    pub fn signed_in(&self) -> Option<User> {
        self.signed_in
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Signs `user` in at the console (or out, with `None`).
    pub fn set_signed_in(&self, user: Option<User>) {
        *self
            .signed_in
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = user;
    }

    /// The signed-in user as the engine's actor.
    ///
    /// # Errors
    /// 401 when nobody is signed in.
    pub fn actor(&self) -> Result<Actor, CommandError> {
        self.signed_in()
            .map(|user| Actor::User {
                id: user.id,
                role: user.role,
            })
            .ok_or_else(CommandError::not_signed_in)
    }

    /// Runs `change` on the live board and returns what it returns.
    pub fn with_live<T>(&self, change: impl FnOnce(&mut LiveBoard) -> T) -> T {
        change(&mut self.live.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// The desk events since start, for the one task that forwards them; `None` once taken.
    pub fn take_events(&self) -> Option<Receiver<DeskEvent>> {
        self.events
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
    }

    /// Stops the scheduler, closes every PC and staff connection with a close frame and closes
    /// the store. Later calls do nothing.
    pub async fn shutdown(&self) {
        let Some(Running { server, scheduler }) = self.running.lock().await.take() else {
            return;
        };
        scheduler.stop().await;
        server.shutdown().await;
        self.engine.close().await;
        tracing::info!("desk stopped");
    }
}

/// The URL local tools use: a wildcard address becomes the loopback address of its family.
pub fn local_url(addr: SocketAddr) -> String {
    let ip = match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    format!("ws://{}", SocketAddr::new(ip, addr.port()))
}

/// The URL PCs use: for a wildcard address, the desk machine's host name (PCs on the LAN
/// cannot use loopback); else the address itself.
fn agent_url(addr: SocketAddr, host: Option<&str>) -> String {
    match host {
        Some(host) if addr.ip().is_unspecified() => format!("ws://{host}:{}", addr.port()),
        _ => local_url(addr),
    }
}

/// This machine's host name, if it can be read.
fn host_name() -> Option<String> {
    let name = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("COMPUTERNAME").ok())?;
    let name = name.trim();
    (!name.is_empty()).then(|| name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_tools_reach_a_wildcard_desk_on_loopback() {
        let any: SocketAddr = "0.0.0.0:7700".parse().unwrap();
        assert_eq!(local_url(any), "ws://127.0.0.1:7700");
        let v6: SocketAddr = "[::]:7700".parse().unwrap();
        assert_eq!(local_url(v6), "ws://[::1]:7700");
        let fixed: SocketAddr = "192.168.1.5:7701".parse().unwrap();
        assert_eq!(local_url(fixed), "ws://192.168.1.5:7701");
    }

    #[test]
    fn pcs_reach_a_wildcard_desk_by_host_name() {
        let any: SocketAddr = "0.0.0.0:7700".parse().unwrap();
        assert_eq!(agent_url(any, Some("frontdesk")), "ws://frontdesk:7700");
        assert_eq!(
            agent_url(any, None),
            "ws://127.0.0.1:7700",
            "no name: loopback at least"
        );
        let fixed: SocketAddr = "192.168.1.5:7700".parse().unwrap();
        assert_eq!(agent_url(fixed, Some("frontdesk")), "ws://192.168.1.5:7700");
    }
}
