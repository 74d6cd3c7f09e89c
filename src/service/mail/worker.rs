//! The outbox worker. One tick ([`run_once`]) puts back stale claims, queues a digest
//! if one is due and delivers what is due. Each message is claimed by a conditional
//! UPDATE before it is sent, so with several app servers running it still goes out
//! once. Failures are retried with exponential backoff until [`MAX_ATTEMPTS`].

use chrono::{Duration, NaiveDateTime};
use rand::RngCore;

use super::transport::Mailer;
use super::{MailContext, digest};
use crate::service::ServiceResult;
use crate::storage::{DbConn, outbox};

/// Attempts before a message is marked `failed` (about 8½ hours of retrying in all).
pub const MAX_ATTEMPTS: i64 = 10;
/// The wait after the first failed attempt; it doubles after each further one.
pub const FIRST_RETRY_SECONDS: i64 = 60;
/// The longest wait between two attempts.
const MAX_RETRY_SECONDS: i64 = 6 * 3600;
/// A claim older than this is taken to belong to a worker that stopped mid-delivery.
pub const STALE_CLAIM_MINUTES: i64 = 10;
/// Messages delivered per tick at most, so one tick never runs for long.
const BATCH: i64 = 100;

/// What one tick did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tick {
    /// Stale claims put back in the queue.
    pub requeued: usize,
    /// Digest messages queued.
    pub digests: usize,
    /// Messages delivered by this worker.
    pub sent: usize,
    /// Messages that failed and will be tried again.
    pub retrying: usize,
    /// Messages that failed for good.
    pub failed: usize,
}

/// A name for a worker, unique across app servers, recorded in `claimed_by`.
pub fn worker_id() -> String {
    let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "host".to_owned());
    format!(
        "{host}-{}-{:08x}",
        std::process::id(),
        rand::rngs::OsRng.next_u32()
    )
}

/// How long to wait after the `attempts`-th failed attempt.
pub fn backoff(attempts: i64) -> Duration {
    let doublings = attempts.clamp(1, 20) - 1;
    Duration::seconds((FIRST_RETRY_SECONDS << doublings).min(MAX_RETRY_SECONDS))
}

/// One pass of the worker, at `now`. Tests call it directly (with a moved clock)
/// instead of waiting for the background loop.
pub fn run_once(
    conn: &mut DbConn,
    mailer: &Mailer,
    ctx: &MailContext,
    worker: &str,
    now: NaiveDateTime,
) -> ServiceResult<Tick> {
    let mut tick = Tick {
        requeued: outbox::requeue_stale(conn, now - Duration::minutes(STALE_CLAIM_MINUTES))?,
        digests: digest::enqueue_if_due(conn, ctx, now)?,
        ..Tick::default()
    };
    if tick.requeued > 0 {
        tracing::warn!(
            messages = tick.requeued,
            "e-mail claimed by a stopped worker was put back in the queue"
        );
    }
    for id in outbox::due(conn, now, BATCH)? {
        // Another worker may have taken it since the list was read: then skip it.
        if !outbox::claim(conn, id, worker, now)? {
            continue;
        }
        let Some(row) = outbox::find(conn, id)? else {
            continue;
        };
        match mailer.send(&row) {
            Ok(()) => {
                outbox::mark_sent(conn, id, worker, now)?;
                tracing::info!(message = id, kind = %row.kind, "e-mail sent");
                tick.sent += 1;
            }
            Err(e) if e.permanent || row.attempts >= MAX_ATTEMPTS => {
                outbox::mark_failed(conn, id, worker, &e.message, None, now)?;
                tracing::error!(message = id, kind = %row.kind, attempts = row.attempts, error = %e, "e-mail failed for good");
                tick.failed += 1;
            }
            Err(e) => {
                let at = now + backoff(row.attempts);
                outbox::mark_failed(conn, id, worker, &e.message, Some(at), now)?;
                tracing::warn!(message = id, kind = %row.kind, attempts = row.attempts, retry_at = %at, error = %e, "e-mail not sent; will retry");
                tick.retrying += 1;
            }
        }
    }
    Ok(tick)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_exponentially_up_to_a_cap() {
        assert_eq!(backoff(1), Duration::minutes(1));
        assert_eq!(backoff(2), Duration::minutes(2));
        assert_eq!(backoff(4), Duration::minutes(8));
        assert_eq!(backoff(12), Duration::hours(6));
        assert_eq!(backoff(1000), Duration::hours(6));
    }
}
