//! Commenters' appeals against a rejection, and moderators' decisions on them.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{appeals, comments};
use super::{DbConn, dispatch};
use crate::domain::AppealOutcome;

/// An appeal as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = appeals)]
pub struct AppealRow {
    /// Key.
    pub id: i64,
    /// The rejected comment.
    pub comment_id: i64,
    /// The commenter's explanation.
    pub explanation: String,
    /// Asked at.
    pub created_at: NaiveDateTime,
    /// Decided at (none while open).
    pub decided_at: Option<NaiveDateTime>,
    /// The moderator who decided.
    pub decided_by: Option<i64>,
    /// The decision's stored name (see [`AppealRow::outcome`]).
    pub outcome: Option<String>,
    /// The moderator's note to the commenter.
    pub decision_note: String,
}

impl AppealRow {
    /// The decision, once made (a name no outcome has reads as none).
    pub fn outcome(&self) -> Option<AppealOutcome> {
        self.outcome.as_deref().and_then(AppealOutcome::parse)
    }
}

/// Stores a new, open appeal; returns its id.
pub fn insert(
    conn: &mut DbConn,
    comment_id: i64,
    explanation: &str,
    now: NaiveDateTime,
) -> QueryResult<i64> {
    dispatch!(conn, |c| diesel::insert_into(appeals::table)
        .values((
            appeals::comment_id.eq(comment_id),
            appeals::explanation.eq(explanation),
            appeals::created_at.eq(now),
        ))
        .returning(appeals::id)
        .get_result(c))
}

/// Forgets what the writer of comment `comment_id` said in asking for its review (the
/// retention purge, with the rejected comment's own text); the decision stays.
pub fn forget_explanation(conn: &mut DbConn, comment_id: i64) -> QueryResult<usize> {
    dispatch!(conn, |c| diesel::update(
        appeals::table
            .filter(appeals::comment_id.eq(comment_id))
            .filter(appeals::explanation.ne(""))
    )
    .set(appeals::explanation.eq(""))
    .execute(c))
}

/// An appeal by its key.
pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<AppealRow>> {
    dispatch!(conn, |c| appeals::table
        .find(id)
        .select(AppealRow::as_select())
        .first(c)
        .optional())
}

/// The appeal against a comment, if one was made.
pub fn for_comment(conn: &mut DbConn, comment_id: i64) -> QueryResult<Option<AppealRow>> {
    dispatch!(conn, |c| appeals::table
        .filter(appeals::comment_id.eq(comment_id))
        .select(AppealRow::as_select())
        .first(c)
        .optional())
}

/// Open appeals, oldest first, at most `limit`.
pub fn open(conn: &mut DbConn, limit: i64) -> QueryResult<Vec<AppealRow>> {
    dispatch!(conn, |c| appeals::table
        .filter(appeals::decided_at.is_null())
        .order((appeals::created_at.asc(), appeals::id.asc()))
        .limit(limit)
        .select(AppealRow::as_select())
        .load(c))
}

/// Open appeals in all (for the tab's label).
pub fn open_count(conn: &mut DbConn) -> QueryResult<i64> {
    dispatch!(conn, |c| appeals::table
        .filter(appeals::decided_at.is_null())
        .count()
        .get_result(c))
}

/// Appeals made since `since` against comments written under this folded e-mail.
pub fn count_by_email_key_since(
    conn: &mut DbConn,
    email_key: &str,
    since: NaiveDateTime,
) -> QueryResult<i64> {
    dispatch!(conn, |c| appeals::table
        .inner_join(comments::table)
        .filter(comments::email_key.eq(email_key))
        .filter(appeals::created_at.ge(since))
        .count()
        .get_result(c))
}

/// Records the decision on an open appeal; returns 0 when it was already decided.
pub fn decide(
    conn: &mut DbConn,
    id: i64,
    by: i64,
    outcome: AppealOutcome,
    note: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    dispatch!(conn, |c| diesel::update(
        appeals::table
            .find(id)
            .filter(appeals::decided_at.is_null())
    )
    .set((
        appeals::decided_at.eq(Some(now)),
        appeals::decided_by.eq(Some(by)),
        appeals::outcome.eq(Some(outcome.as_str())),
        appeals::decision_note.eq(note),
    ))
    .execute(c))
}
