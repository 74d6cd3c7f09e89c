//! Two-factor sign-in: each account's TOTP secret, its recovery codes (by hash), and
//! sign-ins that passed the password and wait for a code.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{pending_sign_ins as pending, recovery_codes as rc, two_factor as tf};
use super::{DbConn, dispatch};

/// An account's TOTP secret and whether it is in use yet.
#[derive(Clone, Queryable, Selectable)]
#[diesel(table_name = tf)]
pub struct TwoFactorRow {
    /// The account.
    pub user_id: i64,
    /// Base32 secret.
    pub secret: String,
    /// False while being set up.
    pub enabled: bool,
    /// The last accepted 30-second step.
    pub last_step: Option<i64>,
}

// Written by hand so that a stray `{:?}` can never put a secret in the log.
impl std::fmt::Debug for TwoFactorRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TwoFactorRow")
            .field("user_id", &self.user_id)
            .field("enabled", &self.enabled)
            .finish_non_exhaustive()
    }
}

/// The account's two-factor row, set up or being set up.
pub fn find(conn: &mut DbConn, user_id: i64) -> QueryResult<Option<TwoFactorRow>> {
    dispatch!(conn, |c| tf::table
        .find(user_id)
        .select(TwoFactorRow::as_select())
        .first(c)
        .optional())
}

/// Whether the account signs in with a code.
pub fn is_enabled(conn: &mut DbConn, user_id: i64) -> QueryResult<bool> {
    dispatch!(conn, |c| diesel::select(diesel::dsl::exists(
        tf::table
            .filter(tf::user_id.eq(user_id))
            .filter(tf::enabled.eq(true))
    ))
    .get_result(c))
}

/// Replaces a not-yet-enabled row with a new secret (an enabled one is left alone).
pub fn start_setup(
    conn: &mut DbConn,
    user_id: i64,
    secret: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    dispatch!(conn, |c| diesel::delete(
        tf::table
            .filter(tf::user_id.eq(user_id))
            .filter(tf::enabled.eq(false))
    )
    .execute(c))?;
    dispatch!(conn, |c| diesel::insert_into(tf::table)
        .values((
            tf::user_id.eq(user_id),
            tf::secret.eq(secret),
            tf::enabled.eq(false),
            tf::created_at.eq(now),
        ))
        .on_conflict_do_nothing()
        .execute(c))?;
    Ok(())
}

/// Turns the secret being set up on.
pub fn enable(conn: &mut DbConn, user_id: i64) -> QueryResult<usize> {
    dispatch!(conn, |c| diesel::update(tf::table.find(user_id))
        .set(tf::enabled.eq(true))
        .execute(c))
}

/// Takes step `step` as used, unless it or a later one already was: one statement, so
/// two requests with the same code cannot both pass. True when it was taken.
pub fn use_step(conn: &mut DbConn, user_id: i64, step: i64) -> QueryResult<bool> {
    let changed = dispatch!(conn, |c| diesel::update(
        tf::table
            .filter(tf::user_id.eq(user_id))
            .filter(tf::last_step.is_null().or(tf::last_step.lt(step)))
    )
    .set(tf::last_step.eq(step))
    .execute(c))?;
    Ok(changed == 1)
}

/// Forgets the account's secret and recovery codes.
pub fn remove(conn: &mut DbConn, user_id: i64) -> QueryResult<()> {
    dispatch!(conn, |c| diesel::delete(tf::table.find(user_id)).execute(c))?;
    delete_recovery_codes(conn, user_id)
}

/// Forgets the account's recovery codes.
pub fn delete_recovery_codes(conn: &mut DbConn, user_id: i64) -> QueryResult<()> {
    dispatch!(conn, |c| diesel::delete(
        rc::table.filter(rc::user_id.eq(user_id))
    )
    .execute(c))?;
    Ok(())
}

/// Adds recovery codes to the account, by their hashes.
pub fn add_recovery_codes(
    conn: &mut DbConn,
    user_id: i64,
    hashes: &[String],
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let rows: Vec<_> = hashes
        .iter()
        .map(|h| {
            (
                rc::user_id.eq(user_id),
                rc::code_hash.eq(h),
                rc::created_at.eq(now),
            )
        })
        .collect();
    dispatch!(conn, |c| diesel::insert_into(rc::table)
        .values(&rows)
        .execute(c))
}

/// Uses up a recovery code: true when the account had it (it is then gone).
pub fn use_recovery_code(conn: &mut DbConn, user_id: i64, code_hash: &str) -> QueryResult<bool> {
    let deleted = dispatch!(conn, |c| diesel::delete(
        rc::table
            .filter(rc::user_id.eq(user_id))
            .filter(rc::code_hash.eq(code_hash))
    )
    .execute(c))?;
    Ok(deleted > 0)
}

/// How many recovery codes the account has left.
pub fn recovery_codes_left(conn: &mut DbConn, user_id: i64) -> QueryResult<i64> {
    dispatch!(conn, |c| rc::table
        .filter(rc::user_id.eq(user_id))
        .count()
        .get_result(c))
}

/// Records a sign-in that waits for its code, under the hash of its token.
pub fn create_pending(
    conn: &mut DbConn,
    token_hash: &str,
    user_id: i64,
    now: NaiveDateTime,
    expires_at: NaiveDateTime,
) -> QueryResult<usize> {
    dispatch!(conn, |c| diesel::delete(
        pending::table.filter(pending::expires_at.le(now))
    )
    .execute(c))?;
    dispatch!(conn, |c| diesel::insert_into(pending::table)
        .values((
            pending::token_hash.eq(token_hash),
            pending::user_id.eq(user_id),
            pending::created_at.eq(now),
            pending::expires_at.eq(expires_at),
        ))
        .execute(c))
}

/// The account a live pending sign-in is for.
pub fn find_pending(
    conn: &mut DbConn,
    token_hash: &str,
    now: NaiveDateTime,
) -> QueryResult<Option<i64>> {
    dispatch!(conn, |c| pending::table
        .filter(pending::token_hash.eq(token_hash))
        .filter(pending::expires_at.gt(now))
        .select(pending::user_id)
        .first(c)
        .optional())
}

/// Ends a pending sign-in (it became a session, or was abandoned).
pub fn delete_pending(conn: &mut DbConn, token_hash: &str) -> QueryResult<usize> {
    dispatch!(conn, |c| diesel::delete(pending::table.find(token_hash))
        .execute(c))
}

/// Ends every pending sign-in of one account (after a password change).
pub fn delete_pending_for_user(conn: &mut DbConn, user_id: i64) -> QueryResult<usize> {
    dispatch!(conn, |c| diesel::delete(
        pending::table.filter(pending::user_id.eq(user_id))
    )
    .execute(c))
}
