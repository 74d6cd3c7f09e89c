//! Readers' comments, stored whatever the engine decided.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::comments;
use super::{DbConn, dispatch};
use crate::domain::CommentStatus;

/// A comment as stored, with everything moderators may need.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = comments)]
pub struct CommentRow {
    /// Key.
    pub id: i64,
    /// The post it is on.
    pub post_id: i64,
    /// The comment it replies to.
    pub parent_id: Option<i64>,
    /// Name as given (trimmed).
    pub author_name: String,
    /// E-mail as typed (trimmed); never shown publicly.
    pub email: String,
    /// The e-mail folded for matching (see `moderation::identity::email_key`).
    pub email_key: String,
    /// Website as typed (trimmed), or empty.
    pub website: String,
    /// The text exactly as submitted.
    pub body: String,
    /// What readers see.
    #[diesel(deserialize_as = String)]
    pub status: CommentStatus,
    /// The engine's action: `publish`, `hold` or `reject`.
    pub auto_action: String,
    /// The engine's score.
    pub score: f64,
    /// JSON array of the verdict's hits.
    pub hits: String,
    /// The rule set's version.
    pub engine_version: String,
    /// Near-duplicate fingerprint (`Fingerprint::to_text`).
    pub fingerprint: String,
    /// Full address, until the retention period ends.
    pub ip: Option<String>,
    /// The address's network prefix (kept).
    pub network: String,
    /// The browser's `User-Agent`.
    pub user_agent: String,
    /// Seconds the form was open, when its token was valid.
    pub form_seconds: Option<f64>,
    /// `ok`, `missing`, `invalid` or `replayed`.
    pub form_check: String,
    /// The honeypot field as submitted.
    pub honeypot: String,
    /// Submitted.
    pub created_at: NaiveDateTime,
    /// Last changed.
    pub updated_at: NaiveDateTime,
    /// The writer asked for e-mail about replies (asked for once it is published).
    pub notify_replies: bool,
}

/// A new comment with its verdict.
#[derive(Debug, Insertable)]
#[diesel(table_name = comments)]
pub struct NewCommentRow<'a> {
    /// The post.
    pub post_id: i64,
    /// The parent comment.
    pub parent_id: Option<i64>,
    /// Name.
    pub author_name: &'a str,
    /// E-mail as typed.
    pub email: &'a str,
    /// Folded e-mail.
    pub email_key: &'a str,
    /// Website.
    pub website: &'a str,
    /// Body.
    pub body: &'a str,
    /// What readers see.
    pub status: &'a str,
    /// The engine's action.
    pub auto_action: &'a str,
    /// The engine's score.
    pub score: f64,
    /// JSON hits.
    pub hits: &'a str,
    /// Rule set version.
    pub engine_version: &'a str,
    /// Fingerprint text.
    pub fingerprint: &'a str,
    /// Full address.
    pub ip: Option<&'a str>,
    /// Network prefix.
    pub network: &'a str,
    /// User agent.
    pub user_agent: &'a str,
    /// Seconds the form was open.
    pub form_seconds: Option<f64>,
    /// Token check.
    pub form_check: &'a str,
    /// Honeypot.
    pub honeypot: &'a str,
    /// Now.
    pub created_at: NaiveDateTime,
    /// Now.
    pub updated_at: NaiveDateTime,
    /// The "e-mail me replies" box was ticked.
    pub notify_replies: bool,
}

/// The fields of a published comment that readers may see (no e-mail, no address).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = comments)]
pub struct PublicRow {
    /// Key.
    pub id: i64,
    /// The comment it replies to.
    pub parent_id: Option<i64>,
    /// Name.
    pub author_name: String,
    /// Website, or empty.
    pub website: String,
    /// Markdown source.
    pub body: String,
    /// Submitted.
    pub created_at: NaiveDateTime,
    /// Hidden by readers' reports until a moderator reviews it.
    pub hidden_at: Option<NaiveDateTime>,
}

/// What the engine needs to know about an earlier comment on the same post.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = comments)]
pub struct PriorRow {
    /// Name as typed.
    pub author_name: String,
    /// Folded e-mail.
    pub email_key: String,
    /// Network prefix.
    pub network: String,
    /// Submitted.
    pub created_at: NaiveDateTime,
    /// Fingerprint text.
    pub fingerprint: String,
    /// The engine's action then.
    pub auto_action: String,
}

/// Stores a comment; returns its id.
pub fn insert(conn: &mut DbConn, row: &NewCommentRow<'_>) -> QueryResult<i64> {
    dispatch!(conn, |c| diesel::insert_into(comments::table)
        .values(row)
        .returning(comments::id)
        .get_result(c))
}

/// Any comment by id.
pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<CommentRow>> {
    dispatch!(conn, |c| comments::table
        .find(id)
        .select(CommentRow::as_select())
        .first(c)
        .optional())
}

/// Comments by id, in no particular order (missing ids are left out).
pub fn find_many(conn: &mut DbConn, ids: &[i64]) -> QueryResult<Vec<CommentRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    dispatch!(conn, |c| comments::table
        .filter(comments::id.eq_any(ids))
        .select(CommentRow::as_select())
        .load(c))
}

/// Every comment on a post submitted since a time, whatever its status.
pub fn recent_on_post(
    conn: &mut DbConn,
    post_id: i64,
    since: NaiveDateTime,
) -> QueryResult<Vec<PriorRow>> {
    dispatch!(conn, |c| comments::table
        .filter(comments::post_id.eq(post_id))
        .filter(comments::created_at.ge(since))
        .select(PriorRow::as_select())
        .load(c))
}

/// Comments since a time, site-wide, from one e-mail key, from one exact address, and
/// with exactly this text: what the anti-automation limits count.
pub fn recent_counts(
    conn: &mut DbConn,
    since: (NaiveDateTime, NaiveDateTime),
    email_key: &str,
    ip: Option<&str>,
    body: &str,
) -> QueryResult<(i64, i64, i64)> {
    let (email_since, hour_since) = since;
    let by_email: i64 = dispatch!(conn, |c| comments::table
        .filter(comments::email_key.eq(email_key))
        .filter(comments::created_at.ge(email_since))
        .count()
        .get_result(c))?;
    let by_address: i64 = match ip {
        None => 0,
        Some(ip) => dispatch!(conn, |c| comments::table
            .filter(comments::ip.eq(ip))
            .filter(comments::created_at.ge(hour_since))
            .count()
            .get_result(c))?,
    };
    let same_text: i64 = dispatch!(conn, |c| comments::table
        .filter(comments::created_at.ge(hour_since))
        .filter(comments::body.eq(body))
        .count()
        .get_result(c))?;
    Ok((by_email, by_address, same_text))
}

/// A commenter's comments decided either way (published or rejected, as they stand now)
/// since `since`, newest first, at most `limit`: when each was written and whether it
/// stands rejected. For the rules that read a commenter's history.
pub fn decided_since(
    conn: &mut DbConn,
    email_key: &str,
    since: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<(NaiveDateTime, bool)>> {
    let decided = [CommentStatus::Published, CommentStatus::Rejected].map(CommentStatus::as_str);
    let rows: Vec<(NaiveDateTime, String)> = dispatch!(conn, |c| comments::table
        .filter(comments::email_key.eq(email_key))
        .filter(comments::status.eq_any(decided))
        .filter(comments::created_at.ge(since))
        .order(comments::created_at.desc())
        .limit(limit)
        .select((comments::created_at, comments::status))
        .load(c))?;
    Ok(rows
        .into_iter()
        .map(|(at, status)| {
            (
                at,
                CommentStatus::parse(&status) == Some(CommentStatus::Rejected),
            )
        })
        .collect())
}

/// A post's published comments, oldest first.
pub fn published_on_post(conn: &mut DbConn, post_id: i64) -> QueryResult<Vec<PublicRow>> {
    dispatch!(conn, |c| comments::table
        .filter(comments::post_id.eq(post_id))
        .filter(comments::status.eq(CommentStatus::Published.as_str()))
        .order((comments::created_at.asc(), comments::id.asc()))
        .select(PublicRow::as_select())
        .load(c))
}

/// Published comments per post, for a page of posts, in one grouped query.
pub fn published_counts(conn: &mut DbConn, post_ids: &[i64]) -> QueryResult<HashMap<i64, i64>> {
    if post_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(i64, i64)> = dispatch!(conn, |c| comments::table
        .filter(comments::post_id.eq_any(post_ids))
        .filter(comments::status.eq(CommentStatus::Published.as_str()))
        .group_by(comments::post_id)
        .select((comments::post_id, diesel::dsl::count(comments::id)))
        .load(c))?;
    Ok(rows.into_iter().collect())
}

/// Every comment, oldest first (for judging them again with `rules check --from-db`).
pub fn all_oldest_first(conn: &mut DbConn) -> QueryResult<Vec<CommentRow>> {
    dispatch!(conn, |c| comments::table
        .order((comments::created_at.asc(), comments::id.asc()))
        .select(CommentRow::as_select())
        .load(c))
}

/// Comments of any status on a post.
pub fn count_on_post(conn: &mut DbConn, post_id: i64) -> QueryResult<i64> {
    dispatch!(conn, |c| comments::table
        .filter(comments::post_id.eq(post_id))
        .count()
        .get_result(c))
}

/// Forgets the full address of comments submitted before a time (the network stays).
pub fn purge_ips(conn: &mut DbConn, before: NaiveDateTime) -> QueryResult<usize> {
    dispatch!(conn, |c| diesel::update(
        comments::table
            .filter(comments::ip.is_not_null())
            .filter(comments::created_at.lt(before))
    )
    .set(comments::ip.eq(None::<String>))
    .execute(c))
}

/// A held comment for the moderators' digest, with its post's title.
#[derive(Debug, Clone, Queryable)]
pub struct HeldRow {
    /// Key.
    pub id: i64,
    /// Name.
    pub author_name: String,
    /// Markdown source.
    pub body: String,
    /// The post's title.
    pub post_title: String,
}

/// Comments still held whose id is above `after`, oldest first.
pub fn held_after(conn: &mut DbConn, after: i64) -> QueryResult<Vec<HeldRow>> {
    use super::schema::posts;
    dispatch!(conn, |c| comments::table
        .inner_join(posts::table)
        .filter(comments::status.eq(CommentStatus::Held.as_str()))
        .filter(comments::id.gt(after))
        .order(comments::id.asc())
        .select((
            comments::id,
            comments::author_name,
            comments::body,
            posts::title
        ))
        .load(c))
}

/// A reader's comments as `(id, status, hits)`, by e-mail key.
pub fn of_commenter(
    conn: &mut DbConn,
    email_key: &str,
) -> QueryResult<Vec<(i64, CommentStatus, String)>> {
    let rows: Vec<(i64, String, String)> = dispatch!(conn, |c| comments::table
        .filter(comments::email_key.eq(email_key))
        .order(comments::id.asc())
        .select((comments::id, comments::status, comments::hits))
        .load(c))?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, s, h)| CommentStatus::try_from(s).ok().map(|s| (id, s, h)))
        .collect())
}

/// The names, addresses as typed and full IP addresses a reader's comments hold.
pub fn identities_of(
    conn: &mut DbConn,
    email_key: &str,
) -> QueryResult<Vec<(String, String, Option<String>)>> {
    dispatch!(conn, |c| comments::table
        .filter(comments::email_key.eq(email_key))
        .select((comments::author_name, comments::email, comments::ip))
        .distinct()
        .load(c))
}

/// Replies to these comments stand on their own (before the comments are deleted).
pub fn detach_replies(conn: &mut DbConn, ids: &[i64]) -> QueryResult<usize> {
    dispatch!(conn, |c| diesel::update(
        comments::table.filter(comments::parent_id.eq_any(ids))
    )
    .set(comments::parent_id.eq(None::<i64>))
    .execute(c))
}

/// Deletes comments (their events and other rows naming them must be gone first).
pub fn delete_many(conn: &mut DbConn, ids: &[i64]) -> QueryResult<usize> {
    dispatch!(conn, |c| diesel::delete(
        comments::table.filter(comments::id.eq_any(ids))
    )
    .execute(c))
}

/// Takes everything that says who wrote a comment off it: name (replaced by `name`),
/// e-mail, website, addresses, browser, honeypot; `hits` replaces the evidence. With
/// `body`, the text goes too.
pub fn anonymise(
    conn: &mut DbConn,
    id: i64,
    name: &str,
    hits: &str,
    body: Option<&str>,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let target = comments::table.find(id);
    let who = (
        comments::author_name.eq(name),
        comments::email.eq(""),
        comments::email_key.eq(""),
        comments::website.eq(""),
        comments::ip.eq(None::<String>),
        comments::network.eq(""),
        comments::user_agent.eq(""),
        comments::honeypot.eq(""),
        comments::hits.eq(hits),
        comments::notify_replies.eq(false),
        comments::updated_at.eq(now),
    );
    match body {
        Some(b) => dispatch!(conn, |c| diesel::update(target)
            .set((who, comments::body.eq(b)))
            .execute(c)),
        None => dispatch!(conn, |c| diesel::update(target).set(who).execute(c)),
    }
}

/// Rejected comments submitted before a time whose text is still kept, as `(id, hits)`.
pub fn rejected_kept_before(
    conn: &mut DbConn,
    before: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<(i64, String)>> {
    dispatch!(conn, |c| comments::table
        .filter(comments::status.eq(CommentStatus::Rejected.as_str()))
        .filter(comments::created_at.lt(before))
        .filter(comments::email_key.ne("").or(comments::body.ne("")))
        .order(comments::id.asc())
        .limit(limit)
        .select((comments::id, comments::hits))
        .load(c))
}

/// Forgets the browser description of comments submitted before a time.
pub fn purge_user_agents(conn: &mut DbConn, before: NaiveDateTime) -> QueryResult<usize> {
    dispatch!(conn, |c| diesel::update(
        comments::table
            .filter(comments::user_agent.ne(""))
            .filter(comments::created_at.lt(before))
    )
    .set(comments::user_agent.eq(""))
    .execute(c))
}
