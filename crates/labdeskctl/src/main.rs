//! The `labdeskctl` binary: parses the command line, runs the command, maps errors to exit
//! codes.

use clap::Parser;
use labdeskctl::cli::{Cli, Command};
use labdeskctl::commands;
use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let serving = matches!(cli.command, Command::Serve(_));
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| {
                tracing_subscriber::EnvFilter::new(if serving { "info" } else { "warn" })
            }),
        )
        .init();

    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("error: cannot start the runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        match &cli.command {
            Command::Serve(_) => Err(labdeskctl::error::CliError::Usage(
                "serve is not built yet".into(),
            )),
            _ => commands::run_remote(&cli).await,
        }
    });
    match result {
        Ok(text) => {
            let mut stdout = std::io::stdout().lock();
            // A closed stdout (a pipe whose reader left) is no reason to fail the command.
            let _ = stdout
                .write_all(text.as_bytes())
                .and_then(|()| stdout.flush());
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::from(err.exit_code())
        }
    }
}
