//! Sign-in attempts, counted in the database so the limits hold across app servers.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::login_attempts as la;
use super::{DbConn, dispatch};

/// Records one attempt.
pub fn record(
    conn: &mut DbConn,
    account: &str,
    ip: &str,
    succeeded: bool,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    dispatch!(conn, |c| diesel::insert_into(la::table)
        .values((
            la::account.eq(account),
            la::ip.eq(ip),
            la::succeeded.eq(succeeded),
            la::attempted_at.eq(now),
        ))
        .execute(c))
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

/// Forgets attempts older than a time.
pub fn purge(conn: &mut DbConn, before: NaiveDateTime) -> QueryResult<usize> {
    dispatch!(conn, |c| diesel::delete(
        la::table.filter(la::attempted_at.lt(before))
    )
    .execute(c))
}
