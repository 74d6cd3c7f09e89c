//! Moderators' marks on commenters (trusted, banned), by e-mail key.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::commenters;
use super::{DbConn, dispatch};
use crate::moderation::Standing;

/// A stored standing; a name this version does not know counts as no mark.
fn read(name: &str) -> Standing {
    Standing::parse(name).unwrap_or_default()
}

/// A commenter's standing; `None` when never marked.
pub fn standing(conn: &mut DbConn, email_key: &str) -> QueryResult<Option<Standing>> {
    let name: Option<String> = dispatch!(conn, |c| commenters::table
        .find(email_key)
        .select(commenters::standing)
        .first(c)
        .optional())?;
    Ok(name.as_deref().map(read))
}

/// The standings of those of `email_keys` ever marked.
pub fn standings(
    conn: &mut DbConn,
    email_keys: &[String],
) -> QueryResult<std::collections::HashMap<String, Standing>> {
    if email_keys.is_empty() {
        return Ok(Default::default());
    }
    let rows: Vec<(String, String)> = dispatch!(conn, |c| commenters::table
        .filter(commenters::email_key.eq_any(email_keys))
        .select((commenters::email_key, commenters::standing))
        .load(c))?;
    Ok(rows.into_iter().map(|(k, s)| (k, read(&s))).collect())
}

/// Sets a commenter's standing and note.
pub fn set_standing(
    conn: &mut DbConn,
    email_key: &str,
    standing: Standing,
    note: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    dispatch!(conn, |c| diesel::insert_into(commenters::table)
        .values((
            commenters::email_key.eq(email_key),
            commenters::standing.eq(standing.as_str()),
            commenters::note.eq(note),
            commenters::updated_at.eq(now),
        ))
        .on_conflict(commenters::email_key)
        .do_update()
        .set((
            commenters::standing.eq(standing.as_str()),
            commenters::note.eq(note),
            commenters::updated_at.eq(now),
        ))
        .execute(c))
}
