//! PC link benchmark: connects 5,000 PC agents to one desk on loopback, reports the desk's
//! memory per connection, and times 1,000 warnings due in the same second until every one is
//! acknowledged by its PC.
//!
//! Run with `cargo bench -p labdesk-link --bench pc_link` (optionally `-- --pcs N --warned M`).
//! The agents run in a child process (this same binary with `--agents FILE URL`) so that the
//! desk's resident memory counts the desk alone.

use chrono::{Duration, TimeZone, Utc};
use futures_util::{SinkExt, StreamExt};
use labdesk_core::{Actor, DeskEvent, Engine, EngineConfig, ManualClock, Role, Scheduler};
use labdesk_link::{Desk, LinkConfig};
use labdesk_proto::pc::{AgentFrame, DeskFrame};
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration as StdDuration, Instant};
use tokio::sync::Semaphore;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message;

/// Connections the agent process opens at once.
const CONNECTING_AT_ONCE: usize = 200;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    raise_fd_limit();
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    if let Some(at) = args.iter().position(|arg| arg == "--agents") {
        runtime.block_on(run_agents(&args[at + 1], &args[at + 2]));
    } else {
        let pcs = flag(&args, "--pcs").unwrap_or(5_000);
        let warned = flag(&args, "--warned").unwrap_or(1_000).min(pcs);
        runtime.block_on(run_desk(pcs, warned));
    }
}

fn flag(args: &[String], name: &str) -> Option<usize> {
    let at = args.iter().position(|arg| arg == name)?;
    args.get(at + 1)?.parse().ok()
}

/// Lets this process (and the agent process it starts) hold thousands of sockets.
fn raise_fd_limit() {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit and setrlimit only read and write the struct passed by pointer.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) == 0 && limit.rlim_cur < limit.rlim_max
        {
            limit.rlim_cur = limit.rlim_max;
            libc::setrlimit(libc::RLIMIT_NOFILE, &limit);
        }
    }
}

/// The desk's resident memory in KiB, from `/proc/self/status`.
fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let line = status
        .lines()
        .find(|line| line.starts_with("VmRSS:"))
        .expect("a VmRSS line");
    line.split_whitespace()
        .nth(1)
        .and_then(|kib| kib.parse().ok())
        .expect("VmRSS in kB")
}

async fn run_desk(pcs: usize, warned: usize) {
    let dir = tempfile::tempdir().expect("a temp dir");
    let start = Utc.with_ymd_and_hms(2026, 12, 4, 10, 0, 0).unwrap();
    let clock = ManualClock::new(start);
    let config = EngineConfig {
        warning_leads: vec![Duration::minutes(5)],
    };
    let engine = Engine::open(dir.path().join("desk.db"), Arc::new(clock.clone()), config)
        .await
        .expect("the engine opens");
    let admin = engine
        .create_first_admin("admin", "bench-password")
        .await
        .unwrap();
    let admin = Actor::User {
        id: admin.id,
        role: Role::Admin,
    };

    let names: Vec<String> = (1..=pcs).map(|i| format!("PC-{i:05}")).collect();
    let csv = std::iter::once("name,zone,os".to_owned())
        .chain(names.iter().map(|name| format!("{name},bench,linux")))
        .collect::<Vec<_>>()
        .join("\n");
    let added = engine
        .import_pcs(&admin, &csv)
        .await
        .expect("the PCs import");
    let tokens = dir.path().join("tokens.txt");
    let mut file = std::fs::File::create(&tokens).unwrap();
    for pc in &added {
        writeln!(file, "{} {}", pc.pc.name, pc.token).unwrap();
    }
    for name in &names[..warned] {
        let user = format!("u-{name}");
        engine
            .add_user(&admin, &user, &user, Role::Patron, None)
            .await
            .unwrap();
        engine
            .start_session(&admin, name, &user, Duration::minutes(10))
            .await
            .unwrap();
    }

    let server = Desk::bind(engine.clone(), "127.0.0.1:0", LinkConfig::default())
        .await
        .unwrap();
    let scheduler = Scheduler::spawn(engine.clone(), Arc::new(server.delivery()));
    let url = format!("ws://{}/pc", server.local_addr());
    let before = rss_kib();

    let connecting = Instant::now();
    let mut agents = Command::new(std::env::current_exe().unwrap())
        .args(["--agents", tokens.to_str().unwrap(), &url])
        .stdout(Stdio::piped())
        .spawn()
        .expect("the agent process starts");
    let mut report = BufReader::new(agents.stdout.take().unwrap()).lines();
    let ready = tokio::task::spawn_blocking(move || report.next())
        .await
        .unwrap();
    assert_eq!(
        ready.and_then(Result::ok).as_deref(),
        Some("connected"),
        "agents connected"
    );
    while server.connected_pcs() < pcs {
        tokio::time::sleep(StdDuration::from_millis(50)).await;
    }
    let connect_time = connecting.elapsed();
    // Let the last online marks and their events settle before reading the memory.
    tokio::time::sleep(StdDuration::from_secs(1)).await;
    let after = rss_kib();
    let per_pc = (after.saturating_sub(before)) as f64 * 1024.0 / pcs as f64;

    let mut events = engine.subscribe();
    let due = Instant::now();
    clock.advance(Duration::minutes(5));
    let mut acknowledged = 0;
    while acknowledged < warned {
        match tokio::time::timeout(StdDuration::from_secs(60), events.recv()).await {
            Ok(Ok(DeskEvent::SessionWarned { .. })) => acknowledged += 1,
            Ok(Ok(_)) | Ok(Err(tokio::sync::broadcast::error::RecvError::Lagged(_))) => {}
            other => panic!("warnings stopped after {acknowledged}: {other:?}"),
        }
    }
    let warn_time = due.elapsed();

    println!("PC link benchmark (release build, loopback, agents in a separate process)");
    println!(
        "  PCs connected:              {pcs} in {:.2} s",
        connect_time.as_secs_f64()
    );
    println!("  desk RSS before / after:    {before} KiB / {after} KiB");
    println!("  memory per connected PC:    {:.1} KiB", per_pc / 1024.0);
    println!(
        "  {warned} warnings due at once: all acknowledged in {} ms",
        warn_time.as_millis()
    );

    // The agent process is ours; end it by its handle.
    let _ = agents.kill();
    let _ = agents.wait();
    scheduler.stop().await;
    server.shutdown().await;
}

/// The agent process: connects every PC in `tokens`, acknowledges every warning.
async fn run_agents(tokens: &str, url: &str) {
    let text = std::fs::read_to_string(tokens).expect("the token file");
    let pcs: Vec<(String, String)> = text
        .lines()
        .filter_map(|line| line.split_once(' '))
        .map(|(name, token)| (name.to_owned(), token.to_owned()))
        .collect();
    let gate = Arc::new(Semaphore::new(CONNECTING_AT_ONCE));
    let (welcomed_tx, mut welcomed) = tokio::sync::mpsc::unbounded_channel();
    for (name, token) in pcs.iter().cloned() {
        let (url, gate, welcomed) = (url.to_owned(), gate.clone(), welcomed_tx.clone());
        tokio::spawn(async move {
            let permit = gate.acquire_owned().await.expect("the gate stays open");
            let config = WebSocketConfig::default()
                .read_buffer_size(4096)
                .write_buffer_size(0);
            let (mut ws, _) =
                tokio_tungstenite::connect_async_with_config(&url, Some(config), true)
                    .await
                    .expect("the desk accepts the agent");
            let hello = AgentFrame::Hello {
                pc: name,
                token: Some(token),
                one_shot: false,
            };
            ws.send(Message::text(serde_json::to_string(&hello).unwrap()))
                .await
                .unwrap();
            while let Some(Ok(message)) = ws.next().await {
                let Message::Text(text) = message else {
                    continue;
                };
                match DeskFrame::parse(&text) {
                    Ok(DeskFrame::Welcome { .. }) => {
                        drop(permit);
                        let _ = welcomed.send(());
                        break;
                    }
                    other => panic!("expected welcome, got {other:?}"),
                }
            }
            while let Some(Ok(message)) = ws.next().await {
                let Message::Text(text) = message else {
                    continue;
                };
                if let Ok(DeskFrame::SessionWarning {
                    booking_id,
                    minutes_left,
                    ..
                }) = DeskFrame::parse(&text)
                {
                    let ack = AgentFrame::Ack {
                        booking_id,
                        minutes_left,
                    };
                    let _ = ws
                        .send(Message::text(serde_json::to_string(&ack).unwrap()))
                        .await;
                }
            }
        });
    }
    drop(welcomed_tx);
    for _ in 0..pcs.len() {
        welcomed.recv().await.expect("every agent is welcomed");
    }
    println!("connected");
    std::future::pending::<()>().await;
}
