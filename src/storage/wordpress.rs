//! What was imported from WordPress: the old ids of posts and comments, so a second
//! import recognises them and old WordPress addresses find their posts.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::posts::public;
use super::schema::{comments, posts, wp_comments, wp_posts};
use super::{DbConn, dispatch};
use crate::domain::CommentStatus;

/// An imported WordPress post or page.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = wp_posts)]
pub struct WpPostRow {
    /// `wp:post_id`.
    pub wp_id: i64,
    /// The Townhall post; `None` once it was deleted here.
    pub post_id: Option<i64>,
    /// `guid`.
    pub guid: String,
    /// The WordPress slug, percent-decoded.
    pub wp_slug: String,
    /// `post` or `page`.
    pub post_type: String,
}

/// A WordPress post by its old id, if it was imported before.
pub fn find_post(conn: &mut DbConn, wp_id: i64) -> QueryResult<Option<WpPostRow>> {
    dispatch!(conn, |c| wp_posts::table
        .find(wp_id)
        .select(WpPostRow::as_select())
        .first(c)
        .optional())
}

/// Remembers where a WordPress post went.
pub fn add_post(conn: &mut DbConn, row: &WpPostRow) -> QueryResult<usize> {
    dispatch!(conn, |c| diesel::insert_into(wp_posts::table)
        .values((
            wp_posts::wp_id.eq(row.wp_id),
            wp_posts::post_id.eq(row.post_id),
            wp_posts::guid.eq(&row.guid),
            wp_posts::wp_slug.eq(&row.wp_slug),
            wp_posts::post_type.eq(&row.post_type),
        ))
        .execute(c))
}

/// How many WordPress posts and comments were imported so far.
pub fn counts(conn: &mut DbConn) -> QueryResult<(i64, i64)> {
    let posts = dispatch!(conn, |c| wp_posts::table.count().get_result(c))?;
    let comments = dispatch!(conn, |c| wp_comments::table.count().get_result(c))?;
    Ok((posts, comments))
}

/// Of these WordPress comment ids, the ones imported before: their Townhall id and status.
pub fn known_comments(
    conn: &mut DbConn,
    wp_ids: &[i64],
) -> QueryResult<HashMap<i64, (i64, CommentStatus)>> {
    if wp_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(i64, i64, String)> = dispatch!(conn, |c| wp_comments::table
        .inner_join(comments::table)
        .filter(wp_comments::wp_id.eq_any(wp_ids))
        .select((wp_comments::wp_id, comments::id, comments::status))
        .load(c))?;
    Ok(rows
        .into_iter()
        // A status this version does not know reads as waiting for a moderator.
        .map(|(wp, id, status)| (wp, (id, CommentStatus::parse(&status).unwrap_or_default())))
        .collect())
}

/// Remembers where a WordPress comment went.
pub fn add_comment(conn: &mut DbConn, wp_id: i64, comment_id: i64) -> QueryResult<usize> {
    dispatch!(conn, |c| diesel::insert_into(wp_comments::table)
        .values((
            wp_comments::wp_id.eq(wp_id),
            wp_comments::comment_id.eq(comment_id)
        ))
        .execute(c))
}

/// The slug of the public post a WordPress post id now is.
pub fn public_slug_for_id(
    conn: &mut DbConn,
    wp_id: i64,
    now: NaiveDateTime,
) -> QueryResult<Option<String>> {
    dispatch!(conn, |c| wp_posts::table
        .inner_join(posts::table)
        .filter(wp_posts::wp_id.eq(wp_id))
        .filter(public!(now))
        .select(posts::slug)
        .first(c)
        .optional())
}

/// The slug of the public post that had this WordPress slug.
pub fn public_slug_for_wp_slug(
    conn: &mut DbConn,
    wp_slug: &str,
    now: NaiveDateTime,
) -> QueryResult<Option<String>> {
    dispatch!(conn, |c| wp_posts::table
        .inner_join(posts::table)
        .filter(wp_posts::wp_slug.eq(wp_slug))
        .filter(public!(now))
        .order(wp_posts::wp_id.asc())
        .select(posts::slug)
        .first(c)
        .optional())
}

/// Which of `ids` came from WordPress (a comment did when it has a WordPress id).
pub fn imported_among(
    conn: &mut DbConn,
    ids: &[i64],
) -> QueryResult<std::collections::HashSet<i64>> {
    if ids.is_empty() {
        return Ok(Default::default());
    }
    let found: Vec<i64> = dispatch!(conn, |c| wp_comments::table
        .filter(wp_comments::comment_id.eq_any(ids))
        .select(wp_comments::comment_id)
        .load(c))?;
    Ok(found.into_iter().collect())
}

/// Ids of every comment that came from WordPress.
pub fn imported_comment_ids(conn: &mut DbConn) -> QueryResult<Vec<i64>> {
    dispatch!(conn, |c| wp_comments::table
        .select(wp_comments::comment_id)
        .load(c))
}
