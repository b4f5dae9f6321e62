//! The `labdesk-agent` binary: parses the command line, sets up logging and runs the agent.
//!
//! Exit codes: 0 stopped by a signal or session ended, 1 other failure, 2 usage, 3 bad
//! request, 4 refused (4401 / 403), 5 not found or no live session, 6 conflict or replaced by
//! another agent (4409), 7 desk unreachable (`--end-session` only).

use clap::Parser;
use labdesk_agent::args::Args;
use labdesk_agent::link::{self, LinkConfig};
use labdesk_agent::notify::Notifier;
use labdesk_agent::oneshot;
use labdesk_agent::output::Output;
use std::io::IsTerminal;
use std::process::ExitCode;
use tokio::sync::watch;

fn main() -> ExitCode {
    let args = Args::parse();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();

    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("error: cannot start the agent's runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err((code, message)) => {
            eprintln!("error: {message}");
            ExitCode::from(code)
        }
    }
}

async fn run(args: Args) -> Result<(), (u8, String)> {
    let token = args.read_token().map_err(|err| (2, err.to_string()))?;
    let url = link::pc_url(&args.desk).map_err(|err| (err.exit_code(), err.to_string()))?;
    let config = LinkConfig {
        url,
        pc: args.pc.clone(),
        token,
    };
    let output = Output::new(args.json);

    if args.end_session {
        let ended = oneshot::end_session(&config, output)
            .await
            .map_err(|err| (err.exit_code(), err.to_string()))?;
        if !output.is_json() {
            println!(
                "ended session {} on {} ({:?})",
                ended.booking_id, config.pc, ended.reason
            );
        }
        return Ok(());
    }

    let (stop_tx, stop_rx) = watch::channel(false);
    let signals = StopSignals::install();
    tokio::spawn(async move {
        signals.wait().await;
        tracing::info!("stopping on a signal");
        let _ = stop_tx.send(true);
    });
    let notifier = Notifier::new(!args.no_notify);

    link::run(&config, notifier, output, stop_rx)
        .await
        .map_err(|err| (err.exit_code(), err.to_string()))
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
