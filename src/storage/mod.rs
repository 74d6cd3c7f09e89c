//! The store: one connection type over SQLite and PostgreSQL, its pool and its queries.
//! Backend-specific SQL lives here only, behind `dispatch!`.

pub mod appeals;
pub mod commenters;
pub mod comments;
#[allow(missing_docs)]
mod connection;
pub mod form_nonces;
pub mod learned_tokens;
pub mod mail_state;
pub mod meta;
pub mod moderation;
pub mod outbox;
pub mod personal_data;
pub mod posts;
pub mod replica;
pub mod reports;
#[allow(missing_docs)]
pub mod schema;
pub mod sessions;
pub mod subscriptions;
pub mod throttle;
pub mod two_factor;
pub mod users;
pub mod wordpress;

use std::path::{Path, PathBuf};
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

pub use connection::DbConn;

/// SQLite migrations, embedded in the binary.
pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
/// PostgreSQL migrations, embedded in the binary.
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Runs the same diesel code against the concrete connection inside a `DbConn`,
/// so queries that need a backend's own features compile once per backend.
#[macro_export]
macro_rules! dispatch {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::storage::DbConn::Sqlite($c) => $body,
            $crate::storage::DbConn::Postgres($c) => $body,
        }
    };
}
pub use dispatch;

/// A pool of `DbConn`s.
pub type Pool = r2d2::Pool<Manager>;
/// A connection borrowed from the pool.
pub type PooledConn = r2d2::PooledConnection<Manager>;

/// Where the data lives, parsed from a database URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DbTarget {
    /// A SQLite file.
    Sqlite(PathBuf),
    /// A PostgreSQL connection string.
    Postgres(String),
}

/// Why a database URL was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DbUrlError {
    /// Neither sqlite nor postgres.
    #[error(
        "unsupported database scheme `{0}`: use `sqlite://PATH`, a file path, or `postgres://…`"
    )]
    Scheme(String),
    /// Nothing after the scheme.
    #[error("the database URL names no file or server")]
    Empty,
}

impl DbTarget {
    /// Picks the backend from the URL's scheme; a bare path means SQLite.
    pub fn parse(url: &str) -> Result<Self, DbUrlError> {
        let url = url.trim();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Self::Postgres(url.to_owned()));
        }
        let path = if let Some(rest) = url.strip_prefix("sqlite://") {
            rest
        } else if let Some(rest) = url.strip_prefix("sqlite:") {
            rest
        } else if let Some((scheme, _)) = url.split_once("://") {
            return Err(DbUrlError::Scheme(scheme.to_owned()));
        } else {
            url
        };
        if path.is_empty() {
            return Err(DbUrlError::Empty);
        }
        Ok(Self::Sqlite(PathBuf::from(path)))
    }

    /// A short name for logs and the health check.
    pub fn backend_name(&self) -> &'static str {
        match self {
            Self::Sqlite(_) => "sqlite",
            Self::Postgres(_) => "postgres",
        }
    }

    /// A description safe for logs: no password.
    pub fn redacted(&self) -> String {
        match self {
            Self::Sqlite(path) => format!("sqlite file {}", path.display()),
            Self::Postgres(url) => match url::Url::parse(url) {
                Ok(mut u) => {
                    if u.password().is_some() {
                        let _ = u.set_password(Some("***"));
                    }
                    u.to_string()
                }
                Err(_) => "postgres".to_owned(),
            },
        }
    }
}

/// Opens connections for the pool and applies the SQLite pragmas to each.
#[derive(Debug, Clone)]
pub struct Manager {
    target: DbTarget,
}

/// Applied in this order to every SQLite connection: wait rather than fail on a lock,
/// write-ahead logging so readers never block the writer, and enforced foreign keys.
const SQLITE_PRAGMAS: &str = "PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; \
     PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;";

impl Manager {
    /// A manager for this target.
    pub fn new(target: DbTarget) -> Self {
        Self { target }
    }

    fn open(&self) -> Result<DbConn, diesel::ConnectionError> {
        match &self.target {
            DbTarget::Sqlite(path) => {
                let mut conn = SqliteConnection::establish(&path.to_string_lossy())?;
                conn.batch_execute(SQLITE_PRAGMAS)
                    .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
                Ok(DbConn::Sqlite(conn))
            }
            DbTarget::Postgres(url) => Ok(DbConn::Postgres(PgConnection::establish(url)?)),
        }
    }
}

impl ManageConnection for Manager {
    type Connection = DbConn;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConn, r2d2::Error> {
        self.open().map_err(r2d2::Error::ConnectionError)
    }

    fn is_valid(&self, conn: &mut DbConn) -> Result<(), r2d2::Error> {
        conn.batch_execute("SELECT 1")
            .map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, _conn: &mut DbConn) -> bool {
        false
    }
}

/// Why the store could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// The SQLite file's folder could not be made.
    #[error("cannot create the folder {path} for the database: {source}")]
    CreateDir {
        /// The folder.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The database refused or could not be reached.
    #[error("cannot connect to the database ({target}): {source}")]
    Connect {
        /// Where we tried.
        target: String,
        /// What went wrong.
        source: diesel::ConnectionError,
    },
    /// A migration failed.
    #[error("database migration failed: {0}")]
    Migrate(String),
    /// The pool could not be built.
    #[error("cannot open the connection pool: {0}")]
    Pool(#[from] r2d2::PoolError),
}

/// Runs `f` in one transaction that writes. On SQLite it begins with `BEGIN IMMEDIATE`,
/// taking the single write lock up front: a deferred transaction that reads first fails
/// with "database is locked" (instead of waiting out `busy_timeout`) when it later tries
/// to write after another connection committed. Inside a transaction already, it nests
/// as a savepoint. PostgreSQL begins as usual; its row locks do the rest.
pub fn write_transaction<T, E, F>(conn: &mut DbConn, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConn) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    let outermost =
        <DbConn as Connection>::TransactionManager::transaction_manager_status_mut(conn)
            .transaction_depth()?
            .is_none();
    match conn {
        DbConn::Sqlite(c) if outermost => {
            AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?
        }
        _ => <DbConn as Connection>::TransactionManager::begin_transaction(conn)?,
    }
    // The rest is diesel's own `transaction`: commit on success, roll back on error and
    // report the caller's error rather than a rollback failure it caused.
    match f(conn) {
        Ok(value) => {
            <DbConn as Connection>::TransactionManager::commit_transaction(conn)?;
            Ok(value)
        }
        Err(error) => {
            match <DbConn as Connection>::TransactionManager::rollback_transaction(conn) {
                Ok(()) | Err(diesel::result::Error::BrokenTransactionManager) => Err(error),
                Err(rollback) => Err(rollback.into()),
            }
        }
    }
}

/// Makes the SQLite file's folder if it is missing.
fn ensure_parent_dir(target: &DbTarget) -> Result<(), OpenError> {
    if let DbTarget::Sqlite(path) = target
        && let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
    {
        std::fs::create_dir_all(dir).map_err(|source| OpenError::CreateDir {
            path: dir.to_path_buf(),
            source,
        })?;
    }
    Ok(())
}

/// Applies pending migrations on a connection of their own, before the pool serves.
/// Returns the names of the migrations applied.
pub fn migrate(target: &DbTarget) -> Result<Vec<String>, OpenError> {
    ensure_parent_dir(target)?;
    let mut conn = Manager::new(target.clone())
        .open()
        .map_err(|source| OpenError::Connect {
            target: target.redacted(),
            source,
        })?;
    let applied = match &mut conn {
        DbConn::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS),
        DbConn::Postgres(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS),
    }
    .map_err(|e| OpenError::Migrate(e.to_string()))?;
    Ok(applied.iter().map(|v| v.to_string()).collect())
}

/// Reverts every applied migration (used by the migration round-trip test).
pub fn revert_all(target: &DbTarget) -> Result<usize, OpenError> {
    let mut conn = Manager::new(target.clone())
        .open()
        .map_err(|source| OpenError::Connect {
            target: target.redacted(),
            source,
        })?;
    let reverted = match &mut conn {
        DbConn::Sqlite(c) => c.revert_all_migrations(SQLITE_MIGRATIONS),
        DbConn::Postgres(c) => c.revert_all_migrations(POSTGRES_MIGRATIONS),
    }
    .map_err(|e| OpenError::Migrate(e.to_string()))?;
    Ok(reverted.len())
}

/// Builds the pool, checking that one connection can be made now.
pub fn open_pool(target: &DbTarget, size: u32) -> Result<Pool, OpenError> {
    ensure_parent_dir(target)?;
    let pool = r2d2::Pool::builder()
        .max_size(size)
        .min_idle(Some(1))
        .connection_timeout(Duration::from_secs(5))
        .build(Manager::new(target.clone()))?;
    Ok(pool)
}

/// The SQLite file for a target, if it is one.
pub fn sqlite_path(target: &DbTarget) -> Option<&Path> {
    match target {
        DbTarget::Sqlite(p) => Some(p),
        DbTarget::Postgres(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scheme_picks_the_backend() {
        assert_eq!(
            DbTarget::parse("postgres://u@h/db").unwrap(),
            DbTarget::Postgres("postgres://u@h/db".into())
        );
        assert_eq!(
            DbTarget::parse("sqlite://data/t.db").unwrap(),
            DbTarget::Sqlite("data/t.db".into())
        );
        assert_eq!(
            DbTarget::parse("/var/lib/t.db").unwrap(),
            DbTarget::Sqlite("/var/lib/t.db".into())
        );
        assert_eq!(
            DbTarget::parse("mysql://x").unwrap_err(),
            DbUrlError::Scheme("mysql".into())
        );
        assert_eq!(DbTarget::parse("sqlite://").unwrap_err(), DbUrlError::Empty);
    }

    /// Two connections to one SQLite file: `a` in a write transaction that reads, then
    /// writes after `b` tried to write meanwhile. With a deferred BEGIN, `b`'s write
    /// commits and `a`'s write then fails with "database is locked" at once; with
    /// `write_transaction`, `a` holds the lock, `b` waits (here: gives up quickly) and
    /// `a`'s read-then-write goes through.
    #[test]
    fn a_write_transaction_that_reads_first_still_writes() {
        let dir = tempfile::tempdir().unwrap();
        let target = DbTarget::Sqlite(dir.path().join("t.db"));
        let manager = Manager::new(target);
        let mut a = manager.open().unwrap();
        let mut b = manager.open().unwrap();
        a.batch_execute("CREATE TABLE t (n INTEGER NOT NULL)")
            .unwrap();
        b.batch_execute("PRAGMA busy_timeout = 50").unwrap();
        let result = write_transaction(&mut a, |a| {
            a.batch_execute("SELECT count(*) FROM t")?;
            let other = b.batch_execute("INSERT INTO t VALUES (2)");
            assert!(other.is_err(), "the other connection waits for the lock");
            a.batch_execute("INSERT INTO t VALUES (1)")
        });
        assert!(result.is_ok(), "{result:?}");
        // Nested, it is a savepoint: the inner error rolls back the inner part only.
        let nested = write_transaction(&mut a, |a| {
            a.batch_execute("INSERT INTO t VALUES (3)")?;
            let inner: QueryResult<()> = write_transaction(a, |a| {
                a.batch_execute("INSERT INTO t VALUES (4)")?;
                Err(diesel::result::Error::RollbackTransaction)
            });
            assert!(inner.is_err());
            Ok::<_, diesel::result::Error>(())
        });
        assert!(nested.is_ok(), "{nested:?}");
        b.batch_execute("INSERT INTO t VALUES (5)").unwrap();
        let DbConn::Sqlite(c) = &mut a else {
            unreachable!()
        };
        #[derive(QueryableByName)]
        struct N {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let rows: Vec<N> = diesel::sql_query("SELECT n FROM t ORDER BY n")
            .load(c)
            .unwrap();
        assert_eq!(rows.iter().map(|r| r.n).collect::<Vec<_>>(), [1, 3, 5]);
    }

    /// `.cargo/config.toml` builds SQLite with the planner stability guarantee; without
    /// it every query with a LIMIT is compiled again at each execution (see there).
    #[test]
    fn sqlite_is_built_with_the_planner_stability_guarantee() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = Manager::new(DbTarget::Sqlite(dir.path().join("t.db")))
            .open()
            .unwrap();
        let DbConn::Sqlite(c) = &mut conn else {
            unreachable!()
        };
        #[derive(QueryableByName)]
        struct Opt {
            #[diesel(sql_type = diesel::sql_types::Text)]
            compile_options: String,
        }
        let options: Vec<Opt> =
            diesel::sql_query("SELECT compile_options FROM pragma_compile_options")
                .load(c)
                .unwrap();
        assert!(
            options.iter().any(|o| o.compile_options == "ENABLE_QPSG"),
            "compiled with {:?}",
            options
                .iter()
                .map(|o| &o.compile_options)
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn redacted_url_hides_the_password() {
        let t = DbTarget::parse("postgres://bob:secret@db.example/th").unwrap();
        assert!(!t.redacted().contains("secret"));
    }
}
