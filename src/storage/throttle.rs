//! Sign-in attempts, counted in the database so the limits hold across app servers.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::login_attempts as la;
use super::{DbConn, dispatch};

/// Takes the table's write lock for the rest of the transaction, so that counting the
/// recent failures and adding an attempt happen as one step across app servers
/// (SQLite's `BEGIN IMMEDIATE` already holds it).
pub fn lock(conn: &mut DbConn) -> QueryResult<()> {
    match conn {
        DbConn::Postgres(c) => diesel::sql_query("LOCK TABLE login_attempts IN EXCLUSIVE MODE")
            .execute(c)
            .map(|_| ()),
        DbConn::Sqlite(_) => Ok(()),
    }
}

/// Records one attempt as a failure until [`settle`] says otherwise, so a guess being
/// checked counts against the limits; returns its id.
pub fn record(conn: &mut DbConn, account: &str, ip: &str, now: NaiveDateTime) -> QueryResult<i64> {
    dispatch!(conn, |c| diesel::insert_into(la::table)
        .values((
            la::account.eq(account),
            la::ip.eq(ip),
            la::succeeded.eq(false),
            la::attempted_at.eq(now),
        ))
        .returning(la::id)
        .get_result(c))
}

/// Marks an attempt as having succeeded (or not).
pub fn settle(conn: &mut DbConn, id: i64, succeeded: bool) -> QueryResult<usize> {
    dispatch!(conn, |c| diesel::update(la::table.find(id))
        .set(la::succeeded.eq(succeeded))
        .execute(c))
}

/// Failed attempts on an account from one address since a time.
pub fn failures_for_pair(
    conn: &mut DbConn,
    account: &str,
    ip: &str,
    since: NaiveDateTime,
) -> QueryResult<i64> {
    dispatch!(conn, |c| la::table
        .filter(la::account.eq(account))
        .filter(la::ip.eq(ip))
        .filter(la::attempted_at.gt(since))
        .filter(la::succeeded.eq(false))
        .count()
        .get_result(c))
}

/// Whether the account was signed in to from this address since a time.
pub fn succeeded_from(
    conn: &mut DbConn,
    account: &str,
    ip: &str,
    since: NaiveDateTime,
) -> QueryResult<bool> {
    dispatch!(conn, |c| diesel::select(diesel::dsl::exists(
        la::table
            .filter(la::account.eq(account))
            .filter(la::ip.eq(ip))
            .filter(la::attempted_at.gt(since))
            .filter(la::succeeded.eq(true))
    ))
    .get_result(c))
}

/// Failed attempts on an account since a time.
pub fn failures_for_account(
    conn: &mut DbConn,
    account: &str,
    since: NaiveDateTime,
) -> QueryResult<i64> {
    dispatch!(conn, |c| la::table
        .filter(la::account.eq(account))
        .filter(la::attempted_at.gt(since))
        .filter(la::succeeded.eq(false))
        .count()
        .get_result(c))
}

/// Failed attempts from an address since a time.
pub fn failures_for_ip(conn: &mut DbConn, ip: &str, since: NaiveDateTime) -> QueryResult<i64> {
    dispatch!(conn, |c| la::table
        .filter(la::ip.eq(ip))
        .filter(la::attempted_at.gt(since))
        .filter(la::succeeded.eq(false))
        .count()
        .get_result(c))
}

/// Forgets failures older than `failures_before` and successes older than
/// `successes_before` (kept longer: they make an address known to an account).
pub fn purge(
    conn: &mut DbConn,
    failures_before: NaiveDateTime,
    successes_before: NaiveDateTime,
) -> QueryResult<usize> {
    dispatch!(conn, |c| diesel::delete(
        la::table.filter(
            la::attempted_at
                .lt(failures_before)
                .and(la::succeeded.eq(false))
                .or(la::attempted_at.lt(successes_before))
        )
    )
    .execute(c))
}
