//! Signed-in staff sessions, kept in the database so every app server sees them.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{sessions, users};
use super::users::UserRow;
use super::{DbConn, dispatch};

/// Records a new session under the hash of its token.
pub fn create(
    conn: &mut DbConn,
    token_hash: &str,
    user_id: i64,
    now: NaiveDateTime,
    expires_at: NaiveDateTime,
) -> QueryResult<usize> {
    dispatch!(conn, |c| diesel::insert_into(sessions::table)
        .values((
            sessions::token_hash.eq(token_hash),
            sessions::user_id.eq(user_id),
            sessions::created_at.eq(now),
            sessions::expires_at.eq(expires_at),
        ))
        .execute(c))
}

/// The enabled account behind a live session.
pub fn find_user(
    conn: &mut DbConn,
    token_hash: &str,
    now: NaiveDateTime,
) -> QueryResult<Option<UserRow>> {
    dispatch!(conn, |c| sessions::table
        .inner_join(users::table)
        .filter(sessions::token_hash.eq(token_hash))
        .filter(sessions::expires_at.gt(now))
        .filter(users::disabled.eq(false))
        .select(UserRow::as_select())
        .first(c)
        .optional())
}

/// Ends one session.
pub fn delete(conn: &mut DbConn, token_hash: &str) -> QueryResult<usize> {
    dispatch!(conn, |c| diesel::delete(sessions::table.find(token_hash))
        .execute(c))
}

/// Ends every session of one account (after a password change or when disabled).
pub fn delete_for_user(conn: &mut DbConn, user_id: i64) -> QueryResult<usize> {
    dispatch!(conn, |c| diesel::delete(
        sessions::table.filter(sessions::user_id.eq(user_id))
    )
    .execute(c))
}

/// Forgets expired sessions.
pub fn purge_expired(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<usize> {
    dispatch!(conn, |c| diesel::delete(
        sessions::table.filter(sessions::expires_at.le(now))
    )
    .execute(c))
}
