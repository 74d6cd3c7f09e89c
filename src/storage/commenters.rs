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
