//! What the link's tests share: a real desk (engine on a temp SQLite file with a hand-moved
//! clock, the WebSocket server on 127.0.0.1:0, the scheduler) and a small PC agent client.

#![allow(
    dead_code,
    reason = "each test file uses a different part of this module"
)]

use chrono::{DateTime, Duration, TimeZone, Utc};
use futures_util::{SinkExt, StreamExt};
use labdesk_core::{
    Actor, DeskEvent, Engine, EngineConfig, ManualClock, Role, Scheduler, SchedulerHandle, Session,
};
use labdesk_link::{Desk, DeskServer, LinkConfig};
use labdesk_proto::pc::{AgentFrame, DeskFrame};
use std::sync::Arc;
use std::time::Duration as StdDuration;
use tokio::net::TcpStream;
use tokio::sync::broadcast;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// How long a test waits for anything before it fails.
pub const PATIENCE: StdDuration = StdDuration::from_secs(20);

/// The instant every test desk starts at.
pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 4, 10, 0, 0).unwrap()
}

/// Fast heartbeats and time-outs so that silent sockets are found in seconds.
pub fn fast_config() -> LinkConfig {
    LinkConfig {
        ping_interval: StdDuration::from_millis(500),
        idle_timeout: StdDuration::from_secs(2),
        ack_timeout: StdDuration::from_secs(2),
        ..LinkConfig::default()
    }
}

/// A desk running on a temp store, with its admin.
pub struct TestDesk {
    pub engine: Engine,
    pub clock: ManualClock,
    pub server: Option<DeskServer>,
    pub scheduler: Option<SchedulerHandle>,
    pub admin: Actor,
    pub url: String,
    _dir: tempfile::TempDir,
}

impl TestDesk {
    /// A desk with the default 5-minute warning lead, a running scheduler and `config`.
    pub async fn start(config: LinkConfig) -> Self {
        let dir = tempfile::tempdir().expect("a temp dir for the store");
        let clock = ManualClock::new(t0());
        let leads = EngineConfig {
            warning_leads: vec![Duration::minutes(5)],
        };
        let engine = Engine::open(dir.path().join("desk.db"), Arc::new(clock.clone()), leads)
            .await
            .expect("the engine opens on a fresh store");
        let admin = engine
            .create_first_admin("admin", "admin-password")
            .await
            .unwrap();
        let server = Desk::bind(engine.clone(), "127.0.0.1:0", config)
            .await
            .unwrap();
        let url = format!("ws://{}", server.local_addr());
        let scheduler = Scheduler::new(engine.clone(), Arc::new(server.delivery()))
            .with_retry_interval(StdDuration::from_secs(1))
            .run();

        Self {
            engine,
            clock,
            server: Some(server),
            scheduler: Some(scheduler),
            admin: Actor::User {
                id: admin.id,
                role: Role::Admin,
            },
            url,
            _dir: dir,
        }
    }

    /// Adds a PC and returns its token.
    pub async fn add_pc(&self, name: &str) -> String {
        self.engine
            .add_pc(&self.admin, name, "lab", "linux")
            .await
            .unwrap()
            .token
    }

    /// Adds a patron.
    pub async fn add_patron(&self, username: &str) {
        self.engine
            .add_user(&self.admin, username, username, Role::Patron, None)
            .await
            .unwrap();
    }

    /// Starts a session now on `pc` for `user`.
    pub async fn start_session(&self, pc: &str, user: &str, minutes: i64) -> Session {
        self.engine
            .start_session(&self.admin, pc, user, Duration::minutes(minutes))
            .await
            .expect("the session starts")
    }

    /// The live session's booking on `pc`, if any.
    pub async fn live_on(&self, pc: &str) -> Option<Session> {
        self.engine.session_on_pc(pc).await.unwrap()
    }

    /// Stops the scheduler and the server.
    pub async fn stop(mut self) {
        if let Some(scheduler) = self.scheduler.take() {
            scheduler.stop().await;
        }
        if let Some(server) = self.server.take() {
            server.shutdown().await;
        }
    }
}

/// Waits for the first desk event that `wanted` accepts.
pub async fn wait_event(
    events: &mut broadcast::Receiver<DeskEvent>,
    what: &str,
    wanted: impl Fn(&DeskEvent) -> bool,
) -> DeskEvent {
    let found = async {
        loop {
            match events.recv().await {
                Ok(event) if wanted(&event) => return event,
                Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Err(broadcast::error::RecvError::Closed) => panic!("events closed"),
            }
        }
    };
    tokio::time::timeout(PATIENCE, found)
        .await
        .unwrap_or_else(|_| panic!("no {what} event within {PATIENCE:?}"))
}

pub type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// What a test agent read.
#[derive(Debug)]
pub enum Read {
    Frame(DeskFrame),
    Closed(Option<u16>),
}

/// A PC agent for tests: connects to `/pc`, reads frames, sends frames.
pub struct Agent {
    pub ws: Ws,
}

impl Agent {
    /// Opens a WebSocket to `path` on the desk without saying anything.
    pub async fn open(url: &str, path: &str) -> Ws {
        let (ws, _) = tokio_tungstenite::connect_async(format!("{url}{path}"))
            .await
            .expect("the desk accepts the upgrade");
        ws
    }

    /// Connects as `pc` with `token` and returns the agent and its welcome.
    pub async fn connect(url: &str, pc: &str, token: &str) -> (Agent, DeskFrame) {
        Self::connect_with(url, pc, token, false).await
    }

    /// Like [`Agent::connect`], for a one-shot connection when `one_shot`.
    pub async fn connect_with(
        url: &str,
        pc: &str,
        token: &str,
        one_shot: bool,
    ) -> (Agent, DeskFrame) {
        let mut agent = Agent {
            ws: Self::open(url, "/pc").await,
        };
        agent
            .send(&AgentFrame::Hello {
                pc: pc.into(),
                token: Some(token.into()),
                one_shot,
            })
            .await;
        let welcome = agent.frame().await;
        assert!(
            matches!(welcome, DeskFrame::Welcome { .. }),
            "hello must be answered with welcome, got {welcome:?}"
        );
        (agent, welcome)
    }

    /// Sends a frame.
    pub async fn send(&mut self, frame: &AgentFrame) {
        self.send_text(serde_json::to_string(frame).unwrap()).await;
    }

    /// Acknowledges the warning of `minutes_left` for `booking_id`.
    pub async fn ack(&mut self, booking_id: i64, minutes_left: u32) {
        self.send(&AgentFrame::Ack {
            booking_id,
            minutes_left,
        })
        .await;
    }

    /// Sends raw text.
    pub async fn send_text(&mut self, text: String) {
        self.ws
            .send(Message::text(text))
            .await
            .expect("the desk takes the frame");
    }

    /// The next text frame or the close, skipping pings (which the library answers).
    pub async fn read(&mut self) -> Read {
        read_ws(&mut self.ws).await
    }

    /// The next frame; fails the test on a close.
    pub async fn frame(&mut self) -> DeskFrame {
        match self.read().await {
            Read::Frame(frame) => frame,
            Read::Closed(code) => panic!("expected a frame, the desk closed with {code:?}"),
        }
    }

    /// Reads until the close and returns its code; fails the test on any frame.
    pub async fn closed(&mut self) -> Option<u16> {
        match self.read().await {
            Read::Closed(code) => code,
            Read::Frame(frame) => panic!("expected a close, got {frame:?}"),
        }
    }
}

/// Reads the next text frame or close on any desk socket.
pub async fn read_ws(ws: &mut Ws) -> Read {
    let next = async {
        loop {
            match ws.next().await {
                Some(Ok(Message::Text(text))) => {
                    let frame = DeskFrame::parse(&text).expect("the desk sends frames it defines");
                    return Read::Frame(frame);
                }
                Some(Ok(Message::Close(frame))) => {
                    return Read::Closed(frame.map(|f| u16::from(f.code)))
                }
                Some(Ok(_)) => continue,
                Some(Err(_)) | None => return Read::Closed(None),
            }
        }
    };
    tokio::time::timeout(PATIENCE, next)
        .await
        .expect("the desk answers within the patience")
}
