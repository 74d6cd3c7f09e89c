//! Signed-in staff sessions, kept in the database so every app server sees them.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{sessions, users};
use super::users::UserRow;
use super::{DbConn, dispatch};

/// A session: what the idle check and the account page's list need.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = sessions)]
pub struct SessionRow {
    /// The SHA-256 of its token (never the token itself).
    pub token_hash: String,
    /// When it began.
    pub created_at: NaiveDateTime,
    /// When it ends whatever happens (`session_days` after it began).
    pub expires_at: NaiveDateTime,
    /// When it was last used (to the minute: see `touch`).
    pub last_seen_at: NaiveDateTime,
    /// The browser's `User-Agent` at sign-in, cut to `USER_AGENT_CHARS`.
    pub user_agent: String,
    /// The address it signed in from.
    pub ip: String,
}

/// A new session: its token's hash, its account, and where it signed in from.
pub struct NewSession<'a> {
    /// The SHA-256 of its token.
    pub token_hash: &'a str,
    /// The account.
    pub user_id: i64,
    /// The browser's `User-Agent`.
    pub user_agent: &'a str,
    /// The client's address.
    pub ip: &'a str,
}

/// Records a new session under the hash of its token.
pub fn create(
    conn: &mut DbConn,
    new: &NewSession,
    now: NaiveDateTime,
    expires_at: NaiveDateTime,
) -> QueryResult<usize> {
    dispatch!(conn, |c| diesel::insert_into(sessions::table)
        .values((
            sessions::token_hash.eq(new.token_hash),
            sessions::user_id.eq(new.user_id),
            sessions::created_at.eq(now),
            sessions::expires_at.eq(expires_at),
            sessions::last_seen_at.eq(now),
            sessions::user_agent.eq(new.user_agent),
            sessions::ip.eq(new.ip),
        ))
        .execute(c))
}

/// A session by its token's hash, with its account (enabled or not).
pub fn find(conn: &mut DbConn, token_hash: &str) -> QueryResult<Option<(SessionRow, UserRow)>> {
    dispatch!(conn, |c| sessions::table
        .inner_join(users::table)
        .filter(sessions::token_hash.eq(token_hash))
        .select((SessionRow::as_select(), UserRow::as_select()))
        .first(c)
        .optional())
}

/// Marks a session used at `now`, unless it already was since `since`: concurrent
/// requests of one browser then write it once.
pub fn touch(
    conn: &mut DbConn,
    token_hash: &str,
    since: NaiveDateTime,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    dispatch!(conn, |c| diesel::update(
        sessions::table
            .filter(sessions::token_hash.eq(token_hash))
            .filter(sessions::last_seen_at.lt(since))
    )
    .set(sessions::last_seen_at.eq(now))
    .execute(c))
}

/// The live sessions of one account, the most recently used first.
pub fn list_for_user(
    conn: &mut DbConn,
    user_id: i64,
    now: NaiveDateTime,
    idle_since: NaiveDateTime,
) -> QueryResult<Vec<SessionRow>> {
    dispatch!(conn, |c| sessions::table
        .filter(sessions::user_id.eq(user_id))
        .filter(sessions::expires_at.gt(now))
        .filter(sessions::last_seen_at.gt(idle_since))
        .order((sessions::last_seen_at.desc(), sessions::created_at.desc()))
        .select(SessionRow::as_select())
        .load(c))
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

/// Ends every session of one account but the one with `keep` as its token's hash.
pub fn delete_others(conn: &mut DbConn, user_id: i64, keep: &str) -> QueryResult<usize> {
    dispatch!(conn, |c| diesel::delete(
        sessions::table
            .filter(sessions::user_id.eq(user_id))
            .filter(sessions::token_hash.ne(keep))
    )
    .execute(c))
}

/// Forgets sessions that have expired or have not been used since `idle_since`.
pub fn purge_ended(
    conn: &mut DbConn,
    now: NaiveDateTime,
    idle_since: NaiveDateTime,
) -> QueryResult<usize> {
    dispatch!(conn, |c| diesel::delete(
        sessions::table.filter(
            sessions::expires_at
                .le(now)
                .or(sessions::last_seen_at.le(idle_since))
        )
    )
    .execute(c))
}
