//! Starts the real app on a free port against a fresh database, and a cookie-keeping
//! client that does not follow redirects (so tests can see them).

use std::net::TcpListener;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc;
use std::thread::JoinHandle;

use diesel::{Connection, RunQueryDsl, pg::PgConnection};
use reqwest::blocking::{Client, Response};
use reqwest::header::HeaderMap;
use scraper::{Html, Selector};
use townhall::config::Settings;

/// The variable naming a PostgreSQL server the tests may create databases on.
pub const PG_VAR: &str = "TOWNHALL_TEST_POSTGRES_URL";
/// The first admin's credentials in every test app.
pub const ADMIN_EMAIL: &str = "admin@example.org";
/// See above.
pub const ADMIN_PASSWORD: &str = "test admin password";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A fresh PostgreSQL database, dropped when the test ends.
pub struct PgDb {
    server_url: String,
    name: String,
}

impl Drop for PgDb {
    fn drop(&mut self) {
        if let Ok(mut c) = PgConnection::establish(&self.server_url) {
            let _ = diesel::sql_query(format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ))
            .execute(&mut c);
        }
    }
}

/// Whether this run is CI's (`CI` set and not `false`): what tests would skip for lack
/// of a tool must fail there instead.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false")
}

fn pg_server() -> Option<String> {
    server_from(PG_VAR, "PostgreSQL run")
}

/// The URL of a test server named by `var` (set by `.ci/run`), or `None` when it is not
/// set locally: the `what` is skipped with a notice. CI fails instead.
pub fn server_from(var: &str, what: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            assert!(!in_ci(), "CI must run the {what}, but {var} is not set");
            eprintln!("notice: {what} skipped: set {var} (e.g. via .ci/run) to include it");
            None
        }
    }
}

/// A new, empty database on the test PostgreSQL server and its URL, or `None` when no
/// server is configured (locally only: CI fails instead).
pub fn fresh_pg_database() -> Option<(String, PgDb)> {
    static N: AtomicU32 = AtomicU32::new(0);
    let server_url = pg_server()?;
    let name = format!(
        "th_test_{}_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst),
        rand_suffix()
    );
    let mut conn =
        PgConnection::establish(&server_url).expect("connect to the test PostgreSQL server");
    diesel::sql_query(format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .expect("create a test database");
    let mut url = url::Url::parse(&server_url).expect("PostgreSQL URL");
    url.set_path(&name);
    Some((url.to_string(), PgDb { server_url, name }))
}

fn rand_suffix() -> u32 {
    use std::time::{SystemTime, UNIX_EPOCH};
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos())
}

/// A browser: its own cookies, no automatic redirects.
pub struct Browser {
    pub base: String,
    pub client: Client,
}

/// A response read in full.
pub struct Page {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: String,
}

impl Page {
    /// Reads a response in full.
    pub fn from(r: Response) -> Page {
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        let body = r.text().unwrap_or_default();
        Page {
            status,
            headers,
            body,
        }
    }

    /// The `Location` header.
    pub fn location(&self) -> &str {
        self.headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// A header's value.
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// The text of every element matching a CSS selector, whitespace folded.
    pub fn texts(&self, css: &str) -> Vec<String> {
        let doc = Html::parse_document(&self.body);
        let sel = Selector::parse(css).expect("selector");
        doc.select(&sel)
            .map(|e| {
                e.text()
                    .collect::<String>()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    }

    /// The first matching element's text, or "".
    pub fn text(&self, css: &str) -> String {
        self.texts(css).into_iter().next().unwrap_or_default()
    }

    /// An attribute of every element matching a selector.
    pub fn attrs(&self, css: &str, attr: &str) -> Vec<String> {
        let doc = Html::parse_document(&self.body);
        let sel = Selector::parse(css).expect("selector");
        doc.select(&sel)
            .filter_map(|e| e.value().attr(attr).map(str::to_owned))
            .collect()
    }

    /// An attribute inside the first table row whose text mentions `needle`.
    pub fn row_attr(&self, needle: &str, css: &str, attr: &str) -> Option<String> {
        let doc = Html::parse_document(&self.body);
        let rows = Selector::parse("tr").expect("selector");
        let sel = Selector::parse(css).expect("selector");
        doc.select(&rows)
            .find(|r| r.text().collect::<String>().contains(needle))
            .and_then(|r| r.select(&sel).next())
            .and_then(|e| e.value().attr(attr).map(str::to_owned))
    }

    /// The CSRF token of the first form on the page.
    pub fn csrf(&self) -> String {
        self.attrs("input[name=csrf_token]", "value")
            .into_iter()
            .next()
            .expect("a form with a CSRF token")
    }
}

impl Browser {
    pub fn new(base: &str) -> Browser {
        Self::build(base, Client::builder())
    }

    /// A browser that says it is `user_agent`.
    pub fn with_user_agent(base: &str, user_agent: &str) -> Browser {
        Self::build(base, Client::builder().user_agent(user_agent))
    }

    fn build(base: &str, client: reqwest::blocking::ClientBuilder) -> Browser {
        let client = client
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_secs(60))
            .build()
            .expect("http client");
        Browser {
            base: base.to_owned(),
            client,
        }
    }

    pub fn get(&self, path: &str) -> Page {
        Page::from(
            self.client
                .get(format!("{}{}", self.base, path))
                .send()
                .expect("GET"),
        )
    }

    pub fn get_json(&self, path: &str) -> Page {
        Page::from(
            self.client
                .get(format!("{}{}", self.base, path))
                .header("Accept", "application/json")
                .send()
                .expect("GET"),
        )
    }

    pub fn post(&self, path: &str, form: &[(&str, &str)]) -> Page {
        Page::from(
            self.client
                .post(format!("{}{}", self.base, path))
                .form(form)
                .send()
                .expect("POST"),
        )
    }

    /// Posts a form with the CSRF token taken from `form_page` (a GET of the page that shows the form).
    pub fn submit(&self, form_page: &str, action: &str, fields: &[(&str, &str)]) -> Page {
        let token = self.get(form_page).csrf();
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        all.push(("csrf_token", &token));
        self.post(action, &all)
    }

    pub fn login(&self, email: &str, password: &str) -> Page {
        self.submit(
            "/login",
            "/login",
            &[
                ("email", email),
                ("password", password),
                ("next", "/admin/posts"),
            ],
        )
    }

    pub fn login_admin(&self) {
        let p = self.login(ADMIN_EMAIL, ADMIN_PASSWORD);
        assert_eq!(p.status, 303, "admin sign-in should redirect: {}", p.body);
    }

    /// Creates a post through the editor and returns its id.
    pub fn create_post(
        &self,
        title: &str,
        tags: &str,
        body: &str,
        action: &str,
        publish_at: &str,
    ) -> i64 {
        let p = self.submit(
            "/admin/posts/new",
            "/admin/posts/new",
            &[
                ("title", title),
                ("tags", tags),
                ("body", body),
                ("action", action),
                ("publish_at", publish_at),
                ("slug", ""),
            ],
        );
        assert_eq!(
            p.status, 303,
            "saving a post should redirect, got {}: {}",
            p.status, p.body
        );
        post_id_from(p.location())
    }

    /// Looks a post's slug up on its edit page.
    pub fn slug_of(&self, id: i64) -> String {
        self.get(&format!("/admin/posts/{id}/edit"))
            .attrs("input[name=slug]", "value")
            .remove(0)
    }
}

/// The id in `/admin/posts/{id}/edit?...`.
pub fn post_id_from(location: &str) -> i64 {
    location
        .trim_start_matches("/admin/posts/")
        .split('/')
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no post id in {location}"))
}

/// A running app with its own database.
pub struct TestApp {
    pub backend: Backend,
    pub browser: Browser,
    pub settings: Settings,
    /// The time the server's scheduled jobs go by: it stands still until a test moves it.
    pub clock: townhall::clock::Clock,
    _dir: tempfile::TempDir,
    handle: Option<actix_web::dev::ServerHandle>,
    thread: Option<JoinHandle<()>>,
    _pg: Option<PgDb>,
}

impl std::ops::Deref for TestApp {
    type Target = Browser;
    fn deref(&self) -> &Browser {
        &self.browser
    }
}

impl TestApp {
    /// A fresh app, or `None` when PostgreSQL is wanted but not configured (locally only).
    pub fn spawn(backend: Backend) -> Option<TestApp> {
        Self::spawn_with(backend, |_| {})
    }

    /// As `spawn`, with settings adjusted first.
    pub fn spawn_with(backend: Backend, adjust: impl FnOnce(&mut Settings)) -> Option<TestApp> {
        let dir = tempfile::tempdir().expect("temp dir");
        let (database_url, pg) = match backend {
            Backend::Sqlite => (
                format!("sqlite://{}", dir.path().join("test.db").display()),
                None,
            ),
            Backend::Postgres => {
                let (url, db) = fresh_pg_database()?;
                (url, Some(db))
            }
        };
        Some(Self::spawn_in(backend, dir, database_url, pg, adjust))
    }

    /// A fresh app on a PostgreSQL database the test manages itself (a private server).
    pub fn spawn_on_postgres(database_url: &str, adjust: impl FnOnce(&mut Settings)) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        Self::spawn_in(
            Backend::Postgres,
            dir,
            database_url.to_owned(),
            None,
            adjust,
        )
    }

    fn spawn_in(
        backend: Backend,
        dir: tempfile::TempDir,
        database_url: String,
        pg: Option<PgDb>,
        adjust: impl FnOnce(&mut Settings),
    ) -> TestApp {
        let mut settings = Settings {
            data_dir: dir.path().to_path_buf(),
            database_url: Some(database_url),
            admin_email: ADMIN_EMAIL.into(),
            admin_password: Some(ADMIN_PASSWORD.into()),
            demo_content: false,
            workers: Some(1),
            db_pool_size: 4,
            log: "warn".into(),
            // Pages rendered afresh for every request, so a test sees a change made
            // behind the app's back (the clock, the command line) at once; the page cache
            // has its own tests (page_cache.rs).
            page_cache_seconds: 0,
            // Tests send comments at machine speed, which is what these limits refuse;
            // security::hardening turns them on to test them.
            comments_per_email_minute: 0,
            comments_per_address_hour: 0,
            same_comment_per_hour: 0,
            ..Settings::default()
        };
        adjust(&mut settings);
        let mut app = TestApp {
            backend,
            browser: Browser::new("http://unused"),
            settings,
            clock: townhall::clock::Clock::manual(chrono::Utc::now().naive_utc()),
            _dir: dir,
            handle: None,
            thread: None,
            _pg: pg,
        };
        app.start();
        app
    }

    fn start(&mut self) {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
        let port = listener.local_addr().expect("addr").port();
        // An https base URL is kept as https (to test Secure cookies); the test still speaks http.
        let scheme = if self.settings.base_url.starts_with("https:") {
            "https"
        } else {
            "http"
        };
        self.settings.base_url = format!("{scheme}://127.0.0.1:{port}");
        self.settings.bind = format!("127.0.0.1:{port}");
        let settings = self
            .settings
            .clone()
            .validated()
            .expect("valid test settings");
        let (mut state, _) = townhall::startup::prepare(settings).expect("app prepares");
        state.clock = self.clock.clone();
        let (tx, rx) = mpsc::channel();
        let thread = std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let server = townhall::startup::run(listener, state).expect("server starts");
                let _ = tx.send(server.handle());
                let _ = server.await;
            });
        });
        self.handle = Some(rx.recv().expect("server handle"));
        self.thread = Some(thread);
        self.browser = Browser::new(&format!("http://127.0.0.1:{port}"));
    }

    fn stop(&mut self) {
        if let Some(h) = self.handle.take() {
            actix_web::rt::System::new().block_on(h.stop(true));
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }

    /// Stops the server and starts it again on the same data (a second start).
    pub fn restart(&mut self) {
        self.stop();
        self.start();
    }

    /// A second browser with no cookies.
    pub fn browser(&self) -> Browser {
        Browser::new(&self.browser.base)
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Leaves the test settings as they are.
pub fn default_settings(_: &mut Settings) {}

impl TestApp {
    /// A connection to this app's database, to check what was stored.
    pub fn db(&self) -> townhall::storage::PooledConn {
        let url = self
            .settings
            .database_url
            .as_deref()
            .expect("a database URL");
        let target = townhall::storage::DbTarget::parse(url).expect("a database target");
        townhall::storage::open_pool(&target, 1)
            .expect("a pool")
            .get()
            .expect("a connection")
    }
}

/// Defines a test that runs once on SQLite and once on PostgreSQL; with
/// `settings = some_fn;` first, each app's settings are adjusted by `some_fn`.
#[macro_export]
macro_rules! both_backends {
    (settings = $adjust:path; $(fn $name:ident($app:ident) $body:block)*) => {
        $(
            mod $name {
                #[allow(unused_imports)]
                use super::*;
                #[allow(unused_mut)]
                fn run(mut $app: $crate::support::TestApp) $body
                #[test]
                fn sqlite() {
                    run($crate::support::TestApp::spawn_with($crate::support::Backend::Sqlite, $adjust).expect("SQLite always runs"));
                }
                #[test]
                fn postgres() {
                    if let Some(app) = $crate::support::TestApp::spawn_with($crate::support::Backend::Postgres, $adjust) {
                        run(app);
                    }
                }
            }
        )*
    };
    ($(fn $name:ident($app:ident) $body:block)*) => {
        $crate::both_backends! { settings = $crate::support::default_settings; $(fn $name($app) $body)* }
    };
}
