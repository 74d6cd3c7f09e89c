//! `townhall`: parse the command line, set up logging, dispatch.

use clap::Parser;

/// Caps glibc's malloc at two arenas. By default it keeps up to eight per core, one per
/// busy thread, each holding on to the memory it freed, so peak memory grows with the
/// connections served (bench/RESULTS.md, "History"). `MALLOC_ARENA_MAX` in the
/// environment still wins.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn limit_malloc_arenas() {
    if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
        // SAFETY: called first thing in main, before any other thread exists; mallopt
        // only changes a tuning parameter and reports failure by its return value.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, 2);
        }
    }
}

/// Other C libraries have their own allocator policies: nothing to tune.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn limit_malloc_arenas() {}

fn main() -> std::process::ExitCode {
    limit_malloc_arenas();
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
        // The reader of our output went away (`townhall rules test … | head`): nothing
        // failed that anyone is waiting to hear about.
        Err(e)
            if e.chain().any(|c| {
                let kind = c
                    .downcast_ref::<std::io::Error>()
                    .map(std::io::Error::kind)
                    .or_else(|| {
                        c.downcast_ref::<serde_json::Error>()
                            .and_then(serde_json::Error::io_error_kind)
                    });
                kind == Some(std::io::ErrorKind::BrokenPipe)
            }) =>
        {
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("townhall: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
