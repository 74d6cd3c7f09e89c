//! Moderators' marks on commenters (trusted, banned), by e-mail key.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::commenters;
use super::{DbConn, dispatch};

/// A commenter's standing: `normal`, `trusted` or `banned`; `None` when never marked.
pub fn standing(conn: &mut DbConn, email_key: &str) -> QueryResult<Option<String>> {
    dispatch!(conn, |c| commenters::table
        .find(email_key)
        .select(commenters::standing)
        .first(c)
        .optional())
}

/// The standings of those of `email_keys` ever marked.
pub fn standings(
    conn: &mut DbConn,
    email_keys: &[String],
) -> QueryResult<std::collections::HashMap<String, String>> {
    if email_keys.is_empty() {
        return Ok(Default::default());
    }
    let rows: Vec<(String, String)> = dispatch!(conn, |c| commenters::table
        .filter(commenters::email_key.eq_any(email_keys))
        .select((commenters::email_key, commenters::standing))
        .load(c))?;
    Ok(rows.into_iter().collect())
}

/// Sets a commenter's standing and note.
pub fn set_standing(
    conn: &mut DbConn,
    email_key: &str,
    standing: &str,
    note: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    dispatch!(conn, |c| diesel::insert_into(commenters::table)
        .values((
            commenters::email_key.eq(email_key),
            commenters::standing.eq(standing),
            commenters::note.eq(note),
            commenters::updated_at.eq(now),
        ))
        .on_conflict(commenters::email_key)
        .do_update()
        .set((
            commenters::standing.eq(standing),
            commenters::note.eq(note),
            commenters::updated_at.eq(now),
        ))
        .execute(c))
}
