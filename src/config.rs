//! Typed settings from `townhall.toml`, `TOWNHALL_*` variables and `DATABASE_URL`.
//! Passed in where needed; there is no global.

use std::net::{SocketAddr, ToSocketAddrs};
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

use crate::storage::DbTarget;

/// Every setting, with its default. docs/src/running/settings.md lists them.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// The site's name, in the header, titles and feeds.
    pub site_title: String,
    /// One line under the name, in feeds and meta tags.
    pub site_description: String,
    /// The public address, used for canonical links, feeds and the sitemap.
    pub base_url: String,
    /// Address and port to listen on.
    pub bind: String,
    /// `sqlite://PATH`, a file path, or `postgres://…`; default `<data_dir>/townhall.db`.
    pub database_url: Option<String>,
    /// A PostgreSQL streaming replica (`postgres://…`) for readers' pages; needs a
    /// PostgreSQL `database_url`. Staff pages and every write use the primary.
    pub database_replica_url: Option<String>,
    /// Where the SQLite database and other files live.
    pub data_dir: PathBuf,
    /// Posts on each page of the home, tag and search lists.
    pub posts_per_page: u32,
    /// Days after which a post's comments close (used from part 3 on).
    pub archive_after_days: u32,
    /// A folder of templates overriding the built-in ones, by the same names.
    pub templates_dir: Option<PathBuf>,
    /// Key for signing tokens; when unset, one is made and kept in the database.
    pub secret_key: Option<String>,
    /// E-mail of the admin account made at first start.
    pub admin_email: String,
    /// Password of that account; when unset a random one is printed once.
    pub admin_password: Option<String>,
    /// Load the demo posts into a new, empty site at first start.
    pub demo_content: bool,
    /// How long a staff sign-in lasts, in days.
    pub session_days: u32,
    /// Admins must set up two-factor sign-in before they can use the staff pages (other
    /// roles may choose it).
    pub require_two_factor_for_admins: bool,
    /// A staff session not used for this many minutes ends before `session_days` are up.
    pub session_idle_minutes: u32,
    /// Database connections per app server.
    pub db_pool_size: u32,
    /// HTTP worker threads; default one per core.
    pub workers: Option<usize>,
    /// Take the client address from `X-Forwarded-For` (only behind a trusted proxy).
    pub trust_proxy: bool,
    /// Log filter, e.g. `info` or `townhall=debug,info`.
    pub log: String,
    /// The folder of moderation rule files; when it does not exist the built-in rules are used.
    pub rules_dir: PathBuf,
    /// Days a commenter's full IP address is kept; after that only its network prefix remains.
    pub ip_retention_days: u32,
    /// Days a commenter's browser description (`User-Agent`) is kept.
    pub user_agent_retention_days: u32,
    /// Days a rejected comment keeps its text, name, e-mail and website; its verdict,
    /// rules and dates stay.
    pub rejected_retention_days: u32,
    /// Days a request for reply e-mail waits to be confirmed before it is forgotten.
    pub unconfirmed_subscription_days: u32,
    /// Days a closed reader report keeps the reporter's name, e-mail and network.
    pub report_retention_days: u32,
    /// Where readers ask for a copy or the erasure of their data (an e-mail address or a
    /// postal address), shown on `/privacy`; empty: `admin_email`.
    pub privacy_contact: String,
    /// SMTP server, e.g. `smtp://user:pass@mail.example.org:587?tls=required` or
    /// `smtps://…:465`; when unset, e-mail is written as `.eml` files to `<data_dir>/outbox/`.
    pub smtp_url: Option<String>,
    /// The sender of every message, e.g. `Townhall <noreply@example.org>`.
    pub mail_from: String,
    /// At most one digest of held comments per this many minutes.
    pub mail_digest_minutes: u32,
    /// Tell commenters by e-mail when their held comment is approved.
    pub mail_notify_on_approval: bool,
    /// Seconds between two passes of the outbox worker.
    pub mail_poll_seconds: u32,
    /// How long browsers and proxies may reuse a public page before asking again (seconds).
    pub public_cache_seconds: u32,
    /// How long this server keeps a rendered public page in memory for anonymous readers
    /// (seconds; 0 turns it off).
    pub page_cache_seconds: u32,
    /// How long a request body may take to arrive in full (seconds).
    pub body_timeout_seconds: u32,
    /// Request bodies this server holds in memory at once, all requests together (MiB).
    pub body_buffer_mib: u32,
    /// Comments one e-mail may send in a minute (0: no limit).
    pub comments_per_email_minute: u32,
    /// Comments one exact address may store in an hour (0: no limit).
    pub comments_per_address_hour: u32,
    /// Times the same comment text may be sent in an hour, site-wide (0: no limit).
    pub same_comment_per_hour: u32,
    /// Reviews of rejected comments one commenter (by e-mail) may ask for in a day (0: no
    /// limit).
    pub appeals_per_day: u32,
    /// Other hosts posts may show images from (the Content-Security-Policy's `img-src`),
    /// separated by spaces or commas, e.g. `images.example.org https://cdn.example.net`.
    pub image_hosts: String,
    /// Readers' reports from this many distinct networks hide a comment until a
    /// moderator reviews it (one defamatory or unlawful report is enough on its own).
    pub report_hide_networks: u32,
    /// Reports one network may send in an hour (0: no limit).
    pub reports_per_network_hour: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            site_title: "Townhall".into(),
            site_description: "News, analysis and stories on migration and integration in London."
                .into(),
            base_url: "http://127.0.0.1:8080".into(),
            bind: "127.0.0.1:8080".into(),
            database_url: None,
            database_replica_url: None,
            data_dir: PathBuf::from("data"),
            posts_per_page: 10,
            archive_after_days: 30,
            templates_dir: None,
            secret_key: None,
            admin_email: "admin@example.org".into(),
            admin_password: None,
            demo_content: true,
            session_days: 14,
            require_two_factor_for_admins: false,
            session_idle_minutes: 120,
            db_pool_size: 8,
            workers: None,
            trust_proxy: false,
            log: "info".into(),
            rules_dir: PathBuf::from("moderation-rules"),
            ip_retention_days: 7,
            user_agent_retention_days: 30,
            rejected_retention_days: 90,
            unconfirmed_subscription_days: 7,
            report_retention_days: 180,
            privacy_contact: String::new(),
            smtp_url: None,
            mail_from: "Townhall <noreply@localhost>".into(),
            mail_digest_minutes: 30,
            mail_notify_on_approval: true,
            mail_poll_seconds: 10,
            public_cache_seconds: 60,
            page_cache_seconds: 2,
            body_timeout_seconds: 10,
            body_buffer_mib: 64,
            image_hosts: String::new(),
            comments_per_email_minute: 5,
            comments_per_address_hour: 120,
            same_comment_per_hour: 10,
            report_hide_networks: 3,
            reports_per_network_hour: 10,
            appeals_per_day: 5,
        }
    }
}

/// The setting names, as `TOWNHALL_<NAME>` variables accept them.
const KEYS: &[&str] = &[
    "site_title",
    "site_description",
    "base_url",
    "bind",
    "database_url",
    "database_replica_url",
    "data_dir",
    "posts_per_page",
    "archive_after_days",
    "templates_dir",
    "secret_key",
    "admin_email",
    "admin_password",
    "demo_content",
    "session_days",
    "require_two_factor_for_admins",
    "session_idle_minutes",
    "db_pool_size",
    "workers",
    "trust_proxy",
    "log",
    "rules_dir",
    "ip_retention_days",
    "user_agent_retention_days",
    "rejected_retention_days",
    "unconfirmed_subscription_days",
    "report_retention_days",
    "privacy_contact",
    "smtp_url",
    "mail_from",
    "mail_digest_minutes",
    "mail_notify_on_approval",
    "mail_poll_seconds",
    "public_cache_seconds",
    "page_cache_seconds",
    "body_timeout_seconds",
    "body_buffer_mib",
    "image_hosts",
    "comments_per_email_minute",
    "comments_per_address_hour",
    "same_comment_per_hour",
    "report_hide_networks",
    "reports_per_network_hour",
    "appeals_per_day",
];

/// A setting that stops start-up, with what is wrong.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A value of the wrong type, or an unknown key in the file.
    #[error("configuration error: {0}")]
    Parse(String),
    /// A value of the right type that makes no sense.
    #[error("configuration error: setting `{key}` {problem}")]
    Invalid {
        /// The setting.
        key: &'static str,
        /// What is wrong.
        problem: String,
    },
    /// `--config FILE` named a file that is not there.
    #[error("configuration error: the file {0} does not exist")]
    MissingFile(PathBuf),
}

/// Names each bad setting in lower case with where it came from.
fn explain_figment(e: figment::Error) -> ConfigError {
    let parts: Vec<String> = e
        .into_iter()
        .map(|err| {
            let key = err.path.join(".").to_lowercase();
            let source = err
                .metadata
                .as_ref()
                .map(|m| format!(" (from {})", m.name))
                .unwrap_or_default();
            if key.is_empty() {
                format!("{}{source}", err.kind)
            } else {
                format!("setting `{key}`{source}: {}", err.kind)
            }
        })
        .collect();
    ConfigError::Parse(parts.join("; "))
}

impl Settings {
    /// Reads defaults, then the TOML file, then `DATABASE_URL`, then `TOWNHALL_*`.
    /// `file` is `--config`; without it `townhall.toml` is read if present.
    pub fn load(file: Option<&Path>) -> Result<Settings, ConfigError> {
        let mut fig = Figment::from(Serialized::defaults(Settings::default()));
        match file {
            Some(path) if !path.exists() => {
                return Err(ConfigError::MissingFile(path.to_path_buf()));
            }
            Some(path) => fig = fig.merge(Toml::file_exact(path)),
            None => fig = fig.merge(Toml::file("townhall.toml")),
        }
        fig = fig
            .merge(Env::raw().only(&["database_url"]))
            .merge(Env::prefixed("TOWNHALL_").only(KEYS));
        let settings: Settings = fig.extract().map_err(explain_figment)?;
        settings.validated()
    }

    /// The `image_hosts` setting as a list.
    pub fn image_host_list(&self) -> Vec<String> {
        self.image_hosts
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|h| !h.is_empty())
            .map(str::to_owned)
            .collect()
    }

    /// Checks values that parse but cannot work, and normalises the base URL.
    pub fn validated(mut self) -> Result<Settings, ConfigError> {
        fn invalid(key: &'static str, problem: impl Into<String>) -> ConfigError {
            ConfigError::Invalid {
                key,
                problem: problem.into(),
            }
        }
        let base = url::Url::parse(self.base_url.trim()).map_err(|e| {
            invalid(
                "base_url",
                format!("is not a URL ({e}): {:?}", self.base_url),
            )
        })?;
        if !matches!(base.scheme(), "http" | "https") || base.host_str().is_none() {
            return Err(invalid(
                "base_url",
                format!(
                    "must be an http:// or https:// address, got {:?}",
                    self.base_url
                ),
            ));
        }
        if base.query().is_some() || base.fragment().is_some() {
            return Err(invalid("base_url", "must not have a query or fragment"));
        }
        self.base_url = base.as_str().trim_end_matches('/').to_owned();
        self.bind_addr()?;
        if !(1..=100).contains(&self.posts_per_page) {
            return Err(invalid(
                "posts_per_page",
                format!("must be between 1 and 100, got {}", self.posts_per_page),
            ));
        }
        if !(1..=3650).contains(&self.archive_after_days) {
            return Err(invalid(
                "archive_after_days",
                format!(
                    "must be between 1 and 3650, got {}",
                    self.archive_after_days
                ),
            ));
        }
        if !(1..=365).contains(&self.session_days) {
            return Err(invalid(
                "session_days",
                format!("must be between 1 and 365, got {}", self.session_days),
            ));
        }
        // The last use is written once a minute, so a few minutes is the finest timeout
        // it can keep; beyond 30 days an idle limit no longer guards anything.
        if !(5..=43_200).contains(&self.session_idle_minutes) {
            return Err(invalid(
                "session_idle_minutes",
                format!(
                    "must be between 5 and 43200 (30 days), got {}",
                    self.session_idle_minutes
                ),
            ));
        }
        if !(1..=128).contains(&self.db_pool_size) {
            return Err(invalid(
                "db_pool_size",
                format!("must be between 1 and 128, got {}", self.db_pool_size),
            ));
        }
        if !(1..=365).contains(&self.ip_retention_days) {
            return Err(invalid(
                "ip_retention_days",
                format!("must be between 1 and 365, got {}", self.ip_retention_days),
            ));
        }
        for (key, days) in [
            ("user_agent_retention_days", self.user_agent_retention_days),
            ("rejected_retention_days", self.rejected_retention_days),
            (
                "unconfirmed_subscription_days",
                self.unconfirmed_subscription_days,
            ),
            ("report_retention_days", self.report_retention_days),
        ] {
            if !(1..=3650).contains(&days) {
                return Err(invalid(
                    key,
                    format!("must be between 1 and 3650, got {days}"),
                ));
            }
        }
        // Each worker is an OS thread with its own event loop and connections: far more
        // than a machine's cores only costs memory, and very many cannot be started.
        if let Some(w) = self.workers
            && !(1..=256).contains(&w)
        {
            return Err(invalid(
                "workers",
                format!("must be between 1 and 256, got {w}"),
            ));
        }
        // A missing rules folder means the rules built into the binary; anything else at
        // that path (a file, say) is a mistake that must not quietly do the same.
        if self.rules_dir.exists() && !self.rules_dir.is_dir() {
            return Err(invalid(
                "rules_dir",
                format!("{} is not a folder", self.rules_dir.display()),
            ));
        }
        if self.site_title.trim().is_empty() {
            return Err(invalid("site_title", "must not be empty"));
        }
        if self.secret_key.as_ref().is_some_and(|k| k.len() < 32) {
            return Err(invalid("secret_key", "must be at least 32 characters"));
        }
        crate::domain::user::normalize_email(&self.admin_email)
            .map_err(|e| invalid("admin_email", e))?;
        if let Some(pw) = &self.admin_password {
            crate::domain::user::check_password(pw).map_err(|e| invalid("admin_password", e))?;
        }
        if tracing_subscriber::EnvFilter::try_new(&self.log).is_err() {
            return Err(invalid(
                "log",
                format!("is not a log filter: {:?}", self.log),
            ));
        }
        if !(1..=1440).contains(&self.mail_digest_minutes) {
            return Err(invalid(
                "mail_digest_minutes",
                format!(
                    "must be between 1 and 1440, got {}",
                    self.mail_digest_minutes
                ),
            ));
        }
        if !(1..=3600).contains(&self.mail_poll_seconds) {
            return Err(invalid(
                "mail_poll_seconds",
                format!("must be between 1 and 3600, got {}", self.mail_poll_seconds),
            ));
        }
        if self.page_cache_seconds > 60 {
            return Err(invalid(
                "page_cache_seconds",
                format!(
                    "must be between 0 (off) and 60, got {}",
                    self.page_cache_seconds
                ),
            ));
        }
        if !(1..=300).contains(&self.body_timeout_seconds) {
            return Err(invalid(
                "body_timeout_seconds",
                format!(
                    "must be between 1 and 300, got {}",
                    self.body_timeout_seconds
                ),
            ));
        }
        // At least one whole body of the largest size accepted must fit.
        if !(2..=65_536).contains(&self.body_buffer_mib) {
            return Err(invalid(
                "body_buffer_mib",
                format!("must be between 2 and 65536, got {}", self.body_buffer_mib),
            ));
        }
        if let Some(bad) = self
            .image_host_list()
            .into_iter()
            .find(|h| !is_image_host(h))
        {
            return Err(invalid(
                "image_hosts",
                format!(
                    "{bad:?} is not a host name (like images.example.org or https://cdn.example.net)"
                ),
            ));
        }
        if !(1..=100).contains(&self.report_hide_networks) {
            return Err(invalid(
                "report_hide_networks",
                format!(
                    "must be between 1 and 100, got {}",
                    self.report_hide_networks
                ),
            ));
        }
        if self.public_cache_seconds > 86_400 {
            return Err(invalid(
                "public_cache_seconds",
                format!(
                    "must be between 0 and 86400 (a day), got {}",
                    self.public_cache_seconds
                ),
            ));
        }
        if self
            .smtp_url
            .as_deref()
            .is_some_and(|u| u.trim().is_empty())
        {
            self.smtp_url = None;
        }
        // The message never repeats the URL itself: it may carry a password.
        if let Some(url) = &self.smtp_url
            && let Err(problem) = crate::service::mail::transport::check_smtp_url(url)
        {
            return Err(invalid("smtp_url", format!("is not usable: {problem}")));
        }
        if let Err(e) = self.mail_from.parse::<lettre::message::Mailbox>() {
            return Err(invalid(
                "mail_from",
                format!(
                    "must be an address like `Townhall <noreply@example.org>` ({e}), got {:?}",
                    self.mail_from
                ),
            ));
        }
        if self
            .database_replica_url
            .as_deref()
            .is_some_and(|u| u.trim().is_empty())
        {
            self.database_replica_url = None;
        }
        self.db_target()?;
        self.replica_target()?;
        Ok(self)
    }

    /// The socket address to listen on.
    pub fn bind_addr(&self) -> Result<SocketAddr, ConfigError> {
        self.bind
            .to_socket_addrs()
            .ok()
            .and_then(|mut a| a.next())
            .ok_or_else(|| ConfigError::Invalid {
                key: "bind",
                problem: format!(
                    "must be HOST:PORT, like 127.0.0.1:8080, got {:?}",
                    self.bind
                ),
            })
    }

    /// Which database to use.
    pub fn db_target(&self) -> Result<DbTarget, ConfigError> {
        match &self.database_url {
            Some(url) => DbTarget::parse(url).map_err(|e| ConfigError::Invalid {
                key: "database_url",
                problem: e.to_string(),
            }),
            None => Ok(DbTarget::Sqlite(self.data_dir.join("townhall.db"))),
        }
    }

    /// The read replica, if one is set.
    pub fn replica_target(&self) -> Result<Option<DbTarget>, ConfigError> {
        let Some(url) = &self.database_replica_url else {
            return Ok(None);
        };
        let invalid = |problem: String| ConfigError::Invalid {
            key: "database_replica_url",
            problem,
        };
        match DbTarget::parse(url).map_err(|e| invalid(e.to_string()))? {
            replica @ DbTarget::Postgres(_) => match self.db_target()? {
                DbTarget::Postgres(_) => Ok(Some(replica)),
                DbTarget::Sqlite(_) => Err(invalid(
                    "needs a PostgreSQL database_url: SQLite has no replicas (copy the file \
                     for backups instead)"
                        .into(),
                )),
            },
            DbTarget::Sqlite(_) => Err(invalid(
                "must be a postgres:// URL of a streaming replica of database_url".into(),
            )),
        }
    }

    /// Where readers write about their personal data: `privacy_contact`, else `admin_email`.
    pub fn privacy_contact(&self) -> &str {
        match self.privacy_contact.trim() {
            "" => self.admin_email.trim(),
            contact => contact,
        }
    }

    /// True when the site is served over HTTPS (cookies get `Secure`, HSTS is sent).
    pub fn is_https(&self) -> bool {
        self.base_url.starts_with("https://")
    }
}

/// A host a CSP source list can name: `example.org`, `*.example.org` or
/// `https://example.org[:port]`, and nothing that could end the directive.
fn is_image_host(h: &str) -> bool {
    let bare = h.strip_prefix("https://").unwrap_or(h);
    let name = bare.strip_prefix("*.").unwrap_or(bare);
    let (name, port) = name.split_once(':').unwrap_or((name, "1"));
    !name.is_empty()
        && name.contains('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        && !port.is_empty()
        && port.chars().all(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(f: impl FnOnce(&mut Settings)) -> Result<Settings, ConfigError> {
        let mut s = Settings::default();
        f(&mut s);
        s.validated()
    }

    /// A setting missing from `KEYS` could be set in the file but silently not from the
    /// environment.
    #[test]
    fn every_setting_can_be_set_from_the_environment() {
        let value = serde_json::to_value(Settings::default()).unwrap();
        let mut fields: Vec<&str> = value
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut keys = KEYS.to_vec();
        fields.sort_unstable();
        keys.sort_unstable();
        assert_eq!(fields, keys);
    }

    #[test]
    fn defaults_are_valid() {
        let s = with(|_| {}).unwrap();
        assert_eq!(
            s.db_target().unwrap(),
            DbTarget::Sqlite("data/townhall.db".into())
        );
    }

    #[test]
    fn bad_values_name_the_setting() {
        let e = with(|s| s.posts_per_page = 0).unwrap_err().to_string();
        assert!(
            e.contains("posts_per_page") && e.contains("between 1 and 100"),
            "{e}"
        );
        let e = with(|s| s.base_url = "ftp://x".into())
            .unwrap_err()
            .to_string();
        assert!(e.contains("base_url"), "{e}");
        let e = with(|s| s.bind = "nonsense".into())
            .unwrap_err()
            .to_string();
        assert!(e.contains("bind"), "{e}");
        let e = with(|s| s.database_url = Some("mysql://x".into()))
            .unwrap_err()
            .to_string();
        assert!(e.contains("database_url") && e.contains("mysql"), "{e}");
        let e = with(|s| s.database_replica_url = Some("postgres://r/db".into()))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("database_replica_url") && e.contains("SQLite"),
            "{e}"
        );
        let e = with(|s| {
            s.database_url = Some("postgres://p/db".into());
            s.database_replica_url = Some("replica.db".into());
        })
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("database_replica_url") && e.contains("postgres://"),
            "{e}"
        );
        let ok = with(|s| {
            s.database_url = Some("postgres://p/db".into());
            s.database_replica_url = Some(" ".into());
        })
        .expect("a blank replica is none");
        assert_eq!(ok.database_replica_url, None);
        for bad in [4, 43_201] {
            let e = with(|s| s.session_idle_minutes = bad)
                .unwrap_err()
                .to_string();
            assert!(
                e.contains("session_idle_minutes") && e.contains("between 5 and 43200"),
                "{e}"
            );
        }
        let e = with(|s| s.mail_digest_minutes = 0).unwrap_err().to_string();
        assert!(e.contains("mail_digest_minutes"), "{e}");
        let e = with(|s| s.mail_from = "not an address".into())
            .unwrap_err()
            .to_string();
        assert!(e.contains("mail_from"), "{e}");
    }

    #[test]
    fn a_bad_smtp_url_is_named_without_its_password() {
        let e = with(|s| s.smtp_url = Some("http://bob:hunter2@mail.example.org".into()))
            .unwrap_err()
            .to_string();
        assert!(e.contains("smtp_url") && !e.contains("hunter2"), "{e}");
        let e =
            with(|s| s.smtp_url = Some("smtp://bob:hunter2@mail.example.org:587?tls=maybe".into()))
                .unwrap_err()
                .to_string();
        assert!(e.contains("smtp_url") && !e.contains("hunter2"), "{e}");
        let ok = with(|s| {
            s.smtp_url = Some("smtp://bob:hunter2@mail.example.org:587?tls=required".into())
        });
        assert!(ok.is_ok(), "{:?}", ok.err());
        assert!(with(|s| s.smtp_url = Some("smtps://mail.example.org".into())).is_ok());
    }

    #[test]
    fn base_url_loses_its_trailing_slash() {
        assert_eq!(
            with(|s| s.base_url = "https://blog.example.org/".into())
                .unwrap()
                .base_url,
            "https://blog.example.org"
        );
    }

    #[test]
    #[allow(clippy::result_large_err)]
    fn the_file_and_environment_are_read_in_order() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "townhall.toml",
                "site_title = \"From file\"\nposts_per_page = 7\n",
            )?;
            jail.set_env("TOWNHALL_POSTS_PER_PAGE", "3");
            jail.set_env("DATABASE_URL", "postgres://db.example/th");
            let s = Settings::load(None).map_err(|e| e.to_string())?;
            assert_eq!(s.site_title, "From file");
            assert_eq!(s.posts_per_page, 3);
            assert_eq!(
                s.db_target().unwrap(),
                DbTarget::Postgres("postgres://db.example/th".into())
            );
            jail.set_env("TOWNHALL_POSTS_PER_PAGE", "lots");
            let e = Settings::load(None).unwrap_err().to_string();
            assert!(e.contains("posts_per_page"), "{e}");
            jail.create_file("bad.toml", "no_such_setting = 1\n")?;
            let e = Settings::load(Some(Path::new("bad.toml")))
                .unwrap_err()
                .to_string();
            assert!(e.contains("no_such_setting"), "{e}");
            Ok(())
        });
    }
}
