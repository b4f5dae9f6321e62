//! The `labdeskctl` binary: parses the command line, runs the command, maps errors to exit
//! codes.

use clap::Parser;
use labdeskctl::cli::{Cli, Command, ServeArgs};
use labdeskctl::commands;
use labdeskctl::duration::parse_leads;
use labdeskctl::error::CliError;
use labdeskctl::serve::ServeOptions;
use std::io::IsTerminal;
use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let serving = matches!(cli.command, Command::Serve(_));
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
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
            Command::Serve(args) => serve(&cli, args).await.map(|()| String::new()),
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

async fn serve(cli: &Cli, args: &ServeArgs) -> Result<(), CliError> {
    let Some(data_dir) = cli.data_dir.clone() else {
        return Err(CliError::Usage(
            "serve needs a data dir for its store; pass --data-dir DIR".to_owned(),
        ));
    };
    let warning_leads = parse_leads(&args.warn_before)
        .map_err(|err| CliError::Usage(format!("--warn-before: {err}")))?;
    let options = ServeOptions {
        data_dir,
        listen: args.listen.clone(),
        warning_leads,
        link: labdesk_link::LinkConfig::default(),
    };

    labdeskctl::serve::serve(options).await
}
