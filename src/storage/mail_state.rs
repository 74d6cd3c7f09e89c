//! Progress of periodic mail (the moderators' digest), one row per job.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::mail_state;
use super::{DbConn, dispatch};

/// The digest's row.
pub const DIGEST: &str = "digest";

/// When a job last sent and the newest comment it covered.
pub fn get(conn: &mut DbConn, name: &str) -> QueryResult<Option<(Option<NaiveDateTime>, i64)>> {
    dispatch!(conn, |c| mail_state::table
        .find(name)
        .select((mail_state::last_sent_at, mail_state::last_comment_id))
        .first(c)
        .optional())
}

/// Takes the job's row lock before reading it, so competing app servers queue up here
/// (on SQLite a transaction that writes first cannot fail later on a lock upgrade).
pub fn lock(conn: &mut DbConn, name: &str) -> QueryResult<usize> {
    dispatch!(conn, |c| diesel::update(mail_state::table.find(name))
        .set(mail_state::name.eq(name))
        .execute(c))
}

/// Moves the job on, only if nobody else did since `seen_last_id` was read: true when
/// this caller won and should send.
pub fn advance(
    conn: &mut DbConn,
    name: &str,
    seen_last_id: i64,
    new_last_id: i64,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let n = dispatch!(conn, |c| diesel::update(
        mail_state::table
            .filter(mail_state::name.eq(name))
            .filter(mail_state::last_comment_id.eq(seen_last_id))
    )
    .set((
        mail_state::last_sent_at.eq(now),
        mail_state::last_comment_id.eq(new_last_id),
    ))
    .execute(c))?;
    Ok(n == 1)
}
