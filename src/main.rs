//! `townhall`: parse the command line, set up logging, dispatch.

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = townhall::cli::Cli::parse();
    let filter = std::env::var("RUST_LOG")
        .ok()
        .or_else(|| std::env::var("TOWNHALL_LOG").ok())
        .unwrap_or_else(|| "info".into());
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_new(&filter).unwrap_or_else(|_| "info".into()),
        )
        .with_target(false)
        .init();
    match townhall::cli::run(cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("townhall: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
