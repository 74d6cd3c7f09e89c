//! E-mail waiting to be sent, and the claims workers take on it. A message is only ever
//! sent by the worker whose conditional UPDATE moved it from `pending` to `sending`.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::outbox;
use super::{DbConn, dispatch};

/// A message as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = outbox)]
pub struct OutboxRow {
    /// Key.
    pub id: i64,
    /// One address.
    pub recipient: String,
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub body_text: String,
    /// An HTML alternative, when there is one.
    pub body_html: Option<String>,
    /// `digest`, `flood`, `approved`, `reply` or `author`.
    pub kind: String,
    /// The comment it is about.
    pub comment_id: Option<i64>,
    /// The post it is about.
    pub post_id: Option<i64>,
    /// One-click unsubscribe address, sent as `List-Unsubscribe`.
    pub unsubscribe_url: Option<String>,
    /// `pending`, `sending`, `sent` or `failed`.
    pub status: String,
    /// Delivery attempts so far.
    pub attempts: i64,
    /// Not to be tried before this.
    pub next_attempt_at: NaiveDateTime,
    /// The worker holding the claim.
    pub claimed_by: Option<String>,
    /// When it was claimed.
    pub claimed_at: Option<NaiveDateTime>,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// Queued.
    pub created_at: NaiveDateTime,
    /// Delivered.
    pub sent_at: Option<NaiveDateTime>,
}

/// A message to queue.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = outbox)]
pub struct NewMessage {
    /// One address.
    pub recipient: String,
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub body_text: String,
    /// Optional HTML alternative.
    pub body_html: Option<String>,
    /// What kind of message.
    pub kind: &'static str,
    /// The comment it is about.
    pub comment_id: Option<i64>,
    /// The post it is about.
    pub post_id: Option<i64>,
    /// One-click unsubscribe address.
    pub unsubscribe_url: Option<String>,
    /// Due at once: now.
    pub next_attempt_at: NaiveDateTime,
    /// Now.
    pub created_at: NaiveDateTime,
}

/// Queues messages.
pub fn insert(conn: &mut DbConn, messages: &[NewMessage]) -> QueryResult<usize> {
    if messages.is_empty() {
        return Ok(0);
    }
    // One statement per message: SQLite's multi-row insert needs a batch-insert
    // feature diesel does not offer for it, and these lists are short.
    let mut n = 0;
    for m in messages {
        n += dispatch!(conn, |c| diesel::insert_into(outbox::table)
            .values(m)
            .execute(c))?;
    }
    Ok(n)
}

/// Ids of pending messages that are due, oldest first.
pub fn due(conn: &mut DbConn, now: NaiveDateTime, limit: i64) -> QueryResult<Vec<i64>> {
    dispatch!(conn, |c| outbox::table
        .filter(outbox::status.eq("pending"))
        .filter(outbox::next_attempt_at.le(now))
        .order(outbox::id.asc())
        .limit(limit)
        .select(outbox::id)
        .load(c))
}

/// Claims a pending message for a worker: true only for the one worker whose UPDATE
/// found it still pending (the database serialises the competing UPDATEs).
pub fn claim(conn: &mut DbConn, id: i64, worker: &str, now: NaiveDateTime) -> QueryResult<bool> {
    let n = dispatch!(conn, |c| diesel::update(
        outbox::table
            .filter(outbox::id.eq(id))
            .filter(outbox::status.eq("pending"))
    )
    .set((
        outbox::status.eq("sending"),
        outbox::claimed_by.eq(worker),
        outbox::claimed_at.eq(now),
        outbox::attempts.eq(outbox::attempts + 1),
    ))
    .execute(c))?;
    Ok(n == 1)
}

/// A message by id.
pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<OutboxRow>> {
    dispatch!(conn, |c| outbox::table
        .find(id)
        .select(OutboxRow::as_select())
        .first(c)
        .optional())
}

/// Records a delivery by the worker that holds the claim.
pub fn mark_sent(
    conn: &mut DbConn,
    id: i64,
    worker: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    dispatch!(conn, |c| diesel::update(
        outbox::table
            .filter(outbox::id.eq(id))
            .filter(outbox::claimed_by.eq(worker))
    )
    .set((
        outbox::status.eq("sent"),
        outbox::sent_at.eq(now),
        outbox::last_error.eq(None::<String>),
    ))
    .execute(c))
}

/// Records a failed attempt by the worker that holds the claim: back to `pending`
/// until `retry_at`, or `failed` for good when `retry_at` is `None`.
pub fn mark_failed(
    conn: &mut DbConn,
    id: i64,
    worker: &str,
    error: &str,
    retry_at: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let status = if retry_at.is_some() {
        "pending"
    } else {
        "failed"
    };
    dispatch!(conn, |c| diesel::update(
        outbox::table
            .filter(outbox::id.eq(id))
            .filter(outbox::claimed_by.eq(worker))
    )
    .set((
        outbox::status.eq(status),
        outbox::last_error.eq(error),
        outbox::next_attempt_at.eq(retry_at.unwrap_or(now)),
        outbox::claimed_by.eq(None::<String>),
        outbox::claimed_at.eq(None::<NaiveDateTime>),
    ))
    .execute(c))
}

/// Puts messages whose worker stopped mid-delivery (claimed before `before` and never
/// finished) back in the queue.
pub fn requeue_stale(conn: &mut DbConn, before: NaiveDateTime) -> QueryResult<usize> {
    dispatch!(conn, |c| diesel::update(
        outbox::table
            .filter(outbox::status.eq("sending"))
            .filter(outbox::claimed_at.lt(before))
    )
    .set((
        outbox::status.eq("pending"),
        outbox::claimed_by.eq(None::<String>),
        outbox::claimed_at.eq(None::<NaiveDateTime>),
    ))
    .execute(c))
}

/// Every message, oldest first (for tests and troubleshooting).
pub fn all(conn: &mut DbConn) -> QueryResult<Vec<OutboxRow>> {
    dispatch!(conn, |c| outbox::table
        .order(outbox::id.asc())
        .select(OutboxRow::as_select())
        .load(c))
}
