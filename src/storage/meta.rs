//! Small site-wide facts: the signing secret, whether the first start has run.

use diesel::prelude::*;

use super::schema::site_meta;
use super::{DbConn, dispatch};

/// Reads a value.
pub fn get(conn: &mut DbConn, key: &str) -> QueryResult<Option<String>> {
    dispatch!(conn, |c| site_meta::table
        .find(key)
        .select(site_meta::value)
        .first(c)
        .optional())
}

/// Stores a value unless one is there already (safe when several servers start at once);
/// returns the value that is stored afterwards.
pub fn get_or_insert(conn: &mut DbConn, key: &str, value: &str) -> QueryResult<String> {
    dispatch!(conn, |c| diesel::insert_into(site_meta::table)
        .values((site_meta::key.eq(key), site_meta::value.eq(value)))
        .on_conflict_do_nothing()
        .execute(c))?;
    get(conn, key).map(|v| v.unwrap_or_else(|| value.to_owned()))
}

/// Stores a value, replacing any.
pub fn set(conn: &mut DbConn, key: &str, value: &str) -> QueryResult<usize> {
    dispatch!(conn, |c| diesel::insert_into(site_meta::table)
        .values((site_meta::key.eq(key), site_meta::value.eq(value)))
        .on_conflict(site_meta::key)
        .do_update()
        .set(site_meta::value.eq(value))
        .execute(c))
}

/// Adds `delta` to a count kept as text (never below zero) and returns the new count,
/// holding the row meanwhile: two moderators deciding at the same moment, on two app
/// servers, must not both read 5 and both write 6. PostgreSQL locks the row; on SQLite
/// the caller's write transaction already holds the single write lock. Call it inside
/// that transaction.
pub fn add_to_count(conn: &mut DbConn, key: &str, delta: i64) -> QueryResult<i64> {
    get_or_insert(conn, key, "0")?;
    let row = site_meta::table.find(key).select(site_meta::value);
    let current: String = match conn {
        DbConn::Postgres(c) => row.for_update().first(c)?,
        DbConn::Sqlite(c) => row.first(c)?,
    };
    let n = (current.parse::<i64>().unwrap_or(0) + delta).max(0);
    set(conn, key, &n.to_string())?;
    Ok(n)
}
