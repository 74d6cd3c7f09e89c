//! A PostgreSQL streaming replica for readers' pages.
//!
//! Reads that may come from the replica are the public pages; everything staff see and
//! everything that writes stays on the primary. A browser that has just written carries
//! the primary's WAL position of that write (see `http::replica`); its reads go to the
//! replica only once the replica has replayed that far, so a commenter always sees their
//! own comment. A replica that cannot be reached is left alone for `RETRY_AFTER` and its
//! reads go to the primary meanwhile: losing the replica slows nothing down for long and
//! takes no page down.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use diesel::QueryableByName;
use diesel::RunQueryDsl;
use diesel::r2d2;
use diesel::sql_types::Text;

use super::{DbConn, DbTarget, Manager, Pool, PooledConn};

/// How long a replica that failed is left alone before it is tried again.
pub const RETRY_AFTER: Duration = Duration::from_secs(5);
/// How long a reader waits for a replica connection before reading from the primary.
const CHECKOUT_TIMEOUT: Duration = Duration::from_millis(500);

/// A position in PostgreSQL's write-ahead log, comparable across primary and replica.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct WalPosition(u64);

impl WalPosition {
    /// Parses PostgreSQL's text form of an LSN, `16/B374D848` (two hex halves).
    pub fn parse(text: &str) -> Option<Self> {
        let (high, low) = text.split_once('/')?;
        let half = |s: &str| {
            (!s.is_empty() && s.len() <= 8 && s.bytes().all(|b| b.is_ascii_hexdigit()))
                .then(|| u32::from_str_radix(s, 16).ok())
                .flatten()
        };
        Some(Self((u64::from(half(high)?) << 32) | u64::from(half(low)?)))
    }
}

impl std::fmt::Display for WalPosition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:X}/{:X}", self.0 >> 32, self.0 & 0xFFFF_FFFF)
    }
}

#[derive(QueryableByName)]
struct Lsn {
    #[diesel(sql_type = diesel::sql_types::Nullable<Text>)]
    lsn: Option<String>,
}

fn query_position(
    conn: &mut DbConn,
    sql: &str,
) -> Result<Option<WalPosition>, diesel::result::Error> {
    let DbConn::Postgres(pg) = conn else {
        return Ok(None);
    };
    let row: Lsn = diesel::sql_query(sql).get_result(pg)?;
    Ok(row.lsn.as_deref().and_then(WalPosition::parse))
}

/// The primary's WAL position now: past every transaction committed before the call.
/// `None` on SQLite.
pub fn primary_position(conn: &mut DbConn) -> Result<Option<WalPosition>, diesel::result::Error> {
    // The insert position, not the flushed one: with asynchronous commit the commit
    // record may not be written yet, and the replica must replay past it.
    query_position(conn, "SELECT pg_current_wal_insert_lsn()::text AS lsn")
}

/// How far a replica has replayed the primary's WAL (`None` on a server not in recovery).
pub fn replayed_position(conn: &mut DbConn) -> Result<Option<WalPosition>, diesel::result::Error> {
    query_position(conn, "SELECT pg_last_wal_replay_lsn()::text AS lsn")
}

/// Connections to the replica, and whether it is currently worth asking.
pub struct Replica {
    pool: Pool,
    started: Instant,
    /// Milliseconds since `started` before which the replica is not asked (0: ask).
    resting_until: AtomicU64,
}

impl Replica {
    /// A pool for the replica at `target`. It connects lazily: a replica that is down at
    /// start-up only sends reads to the primary until it answers.
    /// (The settings allow only a PostgreSQL replica beside a PostgreSQL primary.)
    pub fn open(target: &DbTarget, size: u32) -> Self {
        let pool = r2d2::Pool::builder()
            .max_size(size)
            .min_idle(Some(0))
            .connection_timeout(CHECKOUT_TIMEOUT)
            .build_unchecked(Manager::new(target.clone()));
        Self {
            pool,
            started: Instant::now(),
            resting_until: AtomicU64::new(0),
        }
    }

    fn millis(&self) -> u64 {
        u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// True while the replica is being left alone after a failure.
    pub fn resting(&self) -> bool {
        self.millis() < self.resting_until.load(Ordering::Relaxed)
    }

    /// Leaves the replica alone for `RETRY_AFTER`.
    pub fn rest(&self) {
        let until = self.millis().saturating_add(RETRY_AFTER.as_millis() as u64);
        self.resting_until.store(until, Ordering::Relaxed);
    }

    /// A replica connection for a reader who has seen writes up to `seen` (if any): only
    /// when the replica is up and has replayed that far; otherwise `None` (read from the
    /// primary). A failure to connect or ask rests the replica.
    pub fn connection(&self, seen: Option<WalPosition>) -> Option<PooledConn> {
        if self.resting() {
            return None;
        }
        let Ok(mut conn) = self.pool.get() else {
            self.rest();
            return None;
        };
        let Some(seen) = seen else {
            return Some(conn);
        };
        match replayed_position(&mut conn) {
            Ok(Some(replayed)) if replayed >= seen => Some(conn),
            Ok(_) => None,
            Err(_) => {
                self.rest();
                None
            }
        }
    }

    /// What `/healthz` reports: how far the replica has replayed, or why it cannot say.
    pub fn status(&self) -> Result<Option<WalPosition>, String> {
        let mut conn = self.pool.get().map_err(|e| e.to_string())?;
        replayed_position(&mut conn).map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wal_positions_parse_compare_and_print_as_postgresql_does() {
        let a = WalPosition::parse("16/B374D848").expect("parses");
        let b = WalPosition::parse("17/0").expect("parses");
        assert!(a < b);
        assert_eq!(a.to_string(), "16/B374D848");
        assert_eq!(WalPosition::parse("0/1A").map(|p| p.0), Some(0x1A));
        for bad in [
            "",
            "16",
            "/1",
            "1/",
            "x/1",
            "1/2/3",
            "123456789/0",
            "+1/2",
            "1 /2",
        ] {
            assert_eq!(WalPosition::parse(bad), None, "{bad:?}");
        }
    }
}
