//! From settings to a serving app: pool → migrations → first start → templates → server.
//! `run` is what `townhall serve` and the integration tests both call.

use std::net::TcpListener;
use std::path::Path;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::{HttpServer, web};
use handlebars::Handlebars;
use rust_embed::RustEmbed;
use sha2::{Digest, Sha256};

use crate::config::Settings;
use crate::http::state::AppState;
use crate::service::mail::Mailer;
use crate::service::rules::{LiveRules, RulesError, RulesSource};
use crate::service::setup::FirstStart;
use crate::service::{ServiceError, setup};
use crate::storage;
use crate::storage::replica::Replica;

/// The templates shipped in the binary.
#[derive(RustEmbed)]
#[folder = "templates/"]
struct EmbeddedTemplates;

/// The CSS, scripts and icons shipped in the binary.
#[derive(RustEmbed)]
#[folder = "static/"]
pub struct StaticFiles;

/// Why the app could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    /// The database could not be opened or migrated.
    #[error(transparent)]
    Store(#[from] storage::OpenError),
    /// A setting is unusable.
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    /// First-start work failed.
    #[error("first-start setup failed: {0}")]
    Setup(#[from] ServiceError),
    /// A template did not compile.
    #[error("template {name}: {message}")]
    Template {
        /// Which template.
        name: String,
        /// What is wrong, with line and column.
        message: String,
    },
    /// The moderation rules are broken.
    #[error("moderation rules ({0}): {1}")]
    Rules(String, RulesError),
    /// The e-mail settings are unusable.
    #[error(transparent)]
    Mail(#[from] crate::service::mail::MailError),
    /// The template folder could not be read.
    #[error("cannot read the templates folder {0}: {1}")]
    TemplateDir(String, std::io::Error),
}

/// Compiles the shipped templates, then any overrides from `dir` under the same names.
pub fn load_templates(dir: Option<&Path>) -> Result<Handlebars<'static>, StartupError> {
    let mut hb = Handlebars::new();
    hb.set_strict_mode(true);
    for name in EmbeddedTemplates::iter() {
        let Some(stem) = name.strip_suffix(".hbs") else {
            continue;
        };
        let Some(file) = EmbeddedTemplates::get(&name) else {
            continue;
        };
        let text = String::from_utf8_lossy(&file.data);
        hb.register_template_string(stem, text.as_ref())
            .map_err(|e| StartupError::Template {
                name: name.to_string(),
                message: e.to_string(),
            })?;
    }
    if let Some(dir) = dir {
        register_dir(&mut hb, dir, dir)?;
    }
    Ok(hb)
}

fn register_dir(hb: &mut Handlebars<'static>, root: &Path, dir: &Path) -> Result<(), StartupError> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| StartupError::TemplateDir(dir.display().to_string(), e))?;
    for entry in entries {
        let path = entry
            .map_err(|e| StartupError::TemplateDir(dir.display().to_string(), e))?
            .path();
        if path.is_dir() {
            register_dir(hb, root, &path)?;
        } else if path.extension().is_some_and(|e| e == "hbs") {
            let rel = path.strip_prefix(root).unwrap_or(&path).with_extension("");
            let name = rel.to_string_lossy().replace('\\', "/");
            let text = std::fs::read_to_string(&path)
                .map_err(|e| StartupError::TemplateDir(path.display().to_string(), e))?;
            hb.register_template_string(&name, text)
                .map_err(|e| StartupError::Template {
                    name: path.display().to_string(),
                    message: e.to_string(),
                })?;
        }
    }
    Ok(())
}

fn static_version() -> String {
    let mut hasher = Sha256::new();
    for name in StaticFiles::iter() {
        if let Some(f) = StaticFiles::get(&name) {
            hasher.update(name.as_bytes());
            hasher.update(&f.data);
        }
    }
    hasher
        .finalize()
        .iter()
        .take(5)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Opens and migrates the store, does first-start work and compiles the templates.
pub fn prepare(settings: Settings) -> Result<(AppState, FirstStart), StartupError> {
    let target = settings.db_target()?;
    let templates = load_templates(settings.templates_dir.as_deref())?;
    let source = RulesSource::pick(&settings.rules_dir);
    let rules =
        LiveRules::load(source.clone()).map_err(|e| StartupError::Rules(source.describe(), e))?;
    tracing::info!(rules = %source.describe(), version = rules.current().version(), "moderation rules loaded");
    let mailer = Mailer::from_settings(&settings)?;
    tracing::info!(transport = %mailer.describe(), "e-mail");
    let applied = storage::migrate(&target)?;
    if !applied.is_empty() {
        tracing::info!(migrations = ?applied, "database migrated");
    }
    let pool = storage::open_pool(&target, settings.db_pool_size)?;
    let mut conn = pool.get().map_err(storage::OpenError::Pool)?;
    let secret = setup::secret(&mut conn, settings.secret_key.as_deref())?;
    let now = chrono::Utc::now().naive_utc();
    let first = setup::first_start(
        &mut conn,
        &settings.admin_email,
        settings.admin_password.as_deref(),
        settings.demo_content,
        now,
    )?;
    drop(conn);
    let replica = settings.replica_target()?.map(|target| {
        tracing::info!(replica = %target.redacted(), "readers' pages read from the replica");
        Arc::new(Replica::open(&target, settings.db_pool_size))
    });
    let state = AppState {
        pool,
        replica,
        settings: Arc::new(settings),
        templates: Arc::new(templates),
        secret: Arc::new(secret.into_bytes()),
        static_version: static_version(),
        rules: Arc::new(rules),
        mailer: Arc::new(mailer),
        body_bytes: Arc::default(),
        clock: crate::clock::Clock::system(),
    };
    Ok((state, first))
}

/// Starts serving on a bound listener; the returned server runs until stopped.
pub fn run(listener: TcpListener, state: AppState) -> std::io::Result<Server> {
    let workers = state
        .settings
        .workers
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()));
    crate::service::rules::watch(&state.rules, std::time::Duration::from_secs(2));
    let worker_alive = spawn_mail_worker(&state)?;
    let purge_alive = spawn_privacy_purge(&state)?;
    let pages = web::Data::new(crate::http::middleware::page_cache::PageCache::new(
        state.settings.page_cache_seconds,
    ));
    let blocking_threads = blocking_threads(
        state.settings.db_pool_size,
        state.replica.is_some(),
        workers,
    );
    let data = web::Data::new(state);
    let server = HttpServer::new(move || {
        // The worker runs while the server's app factories hold this sender.
        let _ = (&worker_alive, &purge_alive);
        crate::http::app(data.clone(), pages.clone())
    })
    .workers(workers)
    .worker_max_blocking_threads(blocking_threads)
    .listen(listener)?
    .run();
    Ok(server)
}

/// The threads each actix worker may block on. What runs there: database work, which
/// holds or waits for a pooled connection (any one worker's requests may need every
/// connection of the primary's pool, and of the replica's when there is one); and CPU
/// work (rendering templates, gzipping cached pages), which cannot use more threads than
/// there are cores, about one per worker. Actix's default (512 / workers) only adds
/// threads, and malloc arenas, that wait.
fn blocking_threads(db_pool_size: u32, replica: bool, workers: usize) -> usize {
    let connections = db_pool_size as usize * if replica { 2 } else { 1 };
    let cpu_work = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .div_ceil(workers.max(1));
    (connections + cpu_work).max(1)
}

/// Starts the outbox worker on a thread of its own: a pass every `mail_poll_seconds`
/// (delivery is blocking SMTP and diesel, so it stays off the async workers). It stops
/// when every clone of the returned sender is dropped, which happens when the server
/// that holds them stops; a delivery under way finishes first, and a claim left behind
/// by a crash is put back in the queue after a timeout.
fn spawn_mail_worker(state: &AppState) -> std::io::Result<std::sync::mpsc::Sender<()>> {
    let (alive, stopped) = std::sync::mpsc::channel::<()>();
    let pool = state.pool.clone();
    let mailer = state.mailer.clone();
    let ctx = state.mail_context();
    let every = std::time::Duration::from_secs(state.settings.mail_poll_seconds.into());
    let worker = crate::service::mail::worker::worker_id();
    std::thread::Builder::new()
        .name("mail-worker".into())
        .spawn(move || {
            tracing::info!(%worker, "e-mail worker started");
            // Anything but a time-out means the server stopped (the sender is gone).
            while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(every)
            {
                let now = chrono::Utc::now().naive_utc();
                let tick = pool
                    .get()
                    .map_err(ServiceError::Unavailable)
                    .and_then(|mut c| {
                        crate::service::mail::run_once(&mut c, &mailer, &ctx, &worker, now)
                    });
                if let Err(e) = tick {
                    tracing::warn!(error = %e, "e-mail worker pass failed; trying again next time");
                }
            }
            tracing::info!(%worker, "e-mail worker stopped");
        })?;
    Ok(alive)
}

/// How often the purge job looks at its clock (cheap: the database is only touched
/// when a purge is due, once an hour).
const PURGE_LOOK_EVERY: std::time::Duration = std::time::Duration::from_secs(1);

/// Starts the retention purge on a thread of its own: at start, then every hour by the
/// state's clock, it forgets personal data past its retention period
/// (`service::personal_data::purge`). It stops with the server, like the mail worker.
fn spawn_privacy_purge(state: &AppState) -> std::io::Result<std::sync::mpsc::Sender<()>> {
    use crate::service::personal_data::{Retention, Schedule};
    let (alive, stopped) = std::sync::mpsc::channel::<()>();
    let pool = state.pool.clone();
    let clock = state.clock.clone();
    let keep = Retention::from(state.settings.as_ref());
    std::thread::Builder::new()
        .name("privacy-purge".into())
        .spawn(move || {
            let mut schedule = Schedule::default();
            loop {
                let now = clock.now();
                if schedule.due(now) {
                    let pass = pool
                        .get()
                        .map_err(ServiceError::Unavailable)
                        .and_then(|mut c| schedule.tick(&mut c, &keep, now));
                    match pass {
                        Ok(Some(done)) => tracing::info!(?done, "retention purge"),
                        Ok(None) => {}
                        Err(e) => {
                            tracing::warn!(error = %e, "retention purge failed; trying again later")
                        }
                    }
                }
                if let Err(std::sync::mpsc::RecvTimeoutError::Disconnected) =
                    stopped.recv_timeout(PURGE_LOOK_EVERY)
                {
                    break;
                }
            }
        })?;
    Ok(alive)
}
