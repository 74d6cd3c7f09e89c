//! Readers' reports on comments, and the mark that hides a reported comment from the
//! public while a moderator reviews it.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::comments::CommentRow;
use super::schema::{comments, posts, reports};
use super::{DbConn, dispatch};
use crate::domain::{ReportOutcome, ReportReason};

/// A report as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = reports)]
pub struct ReportRow {
    /// Key.
    pub id: i64,
    /// The comment reported.
    pub comment_id: i64,
    /// Why.
    #[diesel(deserialize_as = String)]
    pub reason: ReportReason,
    /// What is wrong, in the reader's words.
    pub detail: String,
    /// The reporter's name, if given.
    pub reporter_name: Option<String>,
    /// The reporter's e-mail, if given (told the outcome).
    pub reporter_email: Option<String>,
    /// The reporter's network prefix.
    pub network: String,
    /// When.
    pub created_at: NaiveDateTime,
    /// How it ended (none while open).
    pub outcome: Option<String>,
    /// The moderator who ended it.
    pub resolved_by: Option<i64>,
    /// When it ended.
    pub resolved_at: Option<NaiveDateTime>,
}

/// A new report.
#[derive(Debug, Insertable)]
#[diesel(table_name = reports)]
pub struct NewReport<'a> {
    /// The comment.
    pub comment_id: i64,
    /// Why (`ReportReason::as_str`).
    pub reason: &'a str,
    /// What is wrong.
    pub detail: &'a str,
    /// Name, if given.
    pub reporter_name: Option<&'a str>,
    /// E-mail, if given.
    pub reporter_email: Option<&'a str>,
    /// Network prefix.
    pub network: &'a str,
    /// Now.
    pub created_at: NaiveDateTime,
}

/// Stores a report; returns its id.
pub fn insert(conn: &mut DbConn, r: &NewReport<'_>) -> QueryResult<i64> {
    dispatch!(conn, |c| diesel::insert_into(reports::table)
        .values(r)
        .returning(reports::id)
        .get_result(c))
}

/// Reports sent from a network since a time (what the per-network limit counts).
pub fn from_network_since(
    conn: &mut DbConn,
    network: &str,
    since: NaiveDateTime,
) -> QueryResult<i64> {
    dispatch!(conn, |c| reports::table
        .filter(reports::network.eq(network))
        .filter(reports::created_at.ge(since))
        .count()
        .get_result(c))
}

/// Every report on one comment, open or closed, oldest first.
pub fn on_comment(conn: &mut DbConn, comment_id: i64) -> QueryResult<Vec<ReportRow>> {
    dispatch!(conn, |c| reports::table
        .filter(reports::comment_id.eq(comment_id))
        .order((reports::created_at.asc(), reports::id.asc()))
        .select(ReportRow::as_select())
        .load(c))
}

/// The open reports on some comments, oldest first.
pub fn open_on(conn: &mut DbConn, comment_ids: &[i64]) -> QueryResult<Vec<ReportRow>> {
    if comment_ids.is_empty() {
        return Ok(Vec::new());
    }
    dispatch!(conn, |c| reports::table
        .filter(reports::comment_id.eq_any(comment_ids))
        .filter(reports::resolved_at.is_null())
        .order((reports::created_at.asc(), reports::id.asc()))
        .select(ReportRow::as_select())
        .load(c))
}

/// Ends a comment's open reports; returns the ones it ended.
pub fn close(
    conn: &mut DbConn,
    comment_id: i64,
    outcome: ReportOutcome,
    by: i64,
    now: NaiveDateTime,
) -> QueryResult<Vec<ReportRow>> {
    let open = open_on(conn, &[comment_id])?;
    if open.is_empty() {
        return Ok(open);
    }
    dispatch!(conn, |c| diesel::update(
        reports::table
            .filter(reports::comment_id.eq(comment_id))
            .filter(reports::resolved_at.is_null())
    )
    .set((
        reports::outcome.eq(Some(outcome.as_str())),
        reports::resolved_by.eq(Some(by)),
        reports::resolved_at.eq(Some(now)),
    ))
    .execute(c))?;
    Ok(open)
}

/// Forgets who sent the reports closed before `before` (name, e-mail and network; the
/// reason, the reader's text and the outcome stay, as the comment's record). Returns how
/// many reports it changed.
pub fn forget_reporters(conn: &mut DbConn, before: NaiveDateTime) -> QueryResult<usize> {
    dispatch!(conn, |c| diesel::update(
        reports::table
            .filter(reports::resolved_at.lt(before))
            .filter(
                reports::reporter_name
                    .is_not_null()
                    .or(reports::reporter_email.is_not_null())
                    .or(reports::network.ne("")),
            )
    )
    .set((
        reports::reporter_name.eq(None::<String>),
        reports::reporter_email.eq(None::<String>),
        reports::network.eq(""),
    ))
    .execute(c))
}

/// Locks a comment's row for the rest of the transaction, so that two reports arriving
/// together are counted one after the other and only one of them hides the comment
/// (SQLite's `BEGIN IMMEDIATE` already holds the whole database).
pub fn lock_comment(conn: &mut DbConn, comment_id: i64) -> QueryResult<()> {
    match conn {
        DbConn::Postgres(c) => comments::table
            .find(comment_id)
            .select(comments::id)
            .for_update()
            .first::<i64>(c)
            .optional()
            .map(|_| ()),
        DbConn::Sqlite(_) => Ok(()),
    }
}

/// Hides a comment from the public (`Some`) or shows it again (`None`).
pub fn set_hidden(
    conn: &mut DbConn,
    comment_id: i64,
    hidden_at: Option<NaiveDateTime>,
) -> QueryResult<usize> {
    dispatch!(conn, |c| diesel::update(comments::table.find(comment_id))
        .set(comments::hidden_at.eq(hidden_at))
        .execute(c))
}

/// When a comment was hidden, if it is.
pub fn hidden_at(conn: &mut DbConn, comment_id: i64) -> QueryResult<Option<NaiveDateTime>> {
    let found: Option<Option<NaiveDateTime>> = dispatch!(conn, |c| comments::table
        .find(comment_id)
        .select(comments::hidden_at)
        .first(c)
        .optional())?;
    Ok(found.flatten())
}

/// A reported comment with its post's title and slug, and when reports hid it.
pub type ReportedRow = (CommentRow, String, String, Option<NaiveDateTime>);

/// One page of the comments with open reports (most recently reported first), with
/// their post's title and slug and when each was hidden.
pub fn reported(conn: &mut DbConn, offset: i64, limit: i64) -> QueryResult<Vec<ReportedRow>> {
    let ids: Vec<(i64, Option<NaiveDateTime>)> = dispatch!(conn, |c| reports::table
        .filter(reports::resolved_at.is_null())
        .group_by(reports::comment_id)
        .select((reports::comment_id, diesel::dsl::max(reports::created_at)))
        .order((
            diesel::dsl::max(reports::created_at).desc(),
            reports::comment_id.desc(),
        ))
        .limit(limit)
        .offset(offset)
        .load(c))?;
    let order: Vec<i64> = ids.into_iter().map(|(id, _)| id).collect();
    let mut rows: Vec<ReportedRow> = dispatch!(conn, |c| comments::table
        .inner_join(posts::table)
        .filter(comments::id.eq_any(&order))
        .select((
            CommentRow::as_select(),
            posts::title,
            posts::slug,
            comments::hidden_at
        ))
        .load(c))?;
    rows.sort_by_key(|r| order.iter().position(|&id| id == r.0.id));
    Ok(rows)
}

/// Comments with open reports, for the queue's tab.
pub fn reported_count(conn: &mut DbConn) -> QueryResult<i64> {
    let ids: Vec<i64> = dispatch!(conn, |c| reports::table
        .filter(reports::resolved_at.is_null())
        .select(reports::comment_id)
        .distinct()
        .load(c))?;
    Ok(ids.len() as i64)
}
