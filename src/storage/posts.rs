//! Posts, their tags and the redirects left behind by changed slugs.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text, Timestamp};

use super::schema::{post_tags, posts, slug_redirects, tags, users};
use super::{DbConn, dispatch};
use crate::domain::post::TagName;
use crate::domain::{CommentMode, PostStatus, Slug};

/// A post as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = posts)]
pub struct PostRow {
    /// Key.
    pub id: i64,
    /// Its URL part.
    pub slug: String,
    /// Headline.
    pub title: String,
    /// Markdown source.
    pub body_markdown: String,
    /// Plain-text summary.
    pub excerpt: String,
    /// Who wrote it.
    pub author_id: i64,
    /// Out or not (see `published_at` for when).
    #[diesel(deserialize_as = String)]
    pub status: PostStatus,
    /// When it goes or went live; in the future means scheduled.
    pub published_at: Option<NaiveDateTime>,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Last edited.
    pub updated_at: NaiveDateTime,
    /// How it takes comments.
    #[diesel(deserialize_as = String)]
    pub comment_mode: CommentMode,
    /// Staff's own note for a post whose comments they closed.
    pub comments_closed_note: Option<String>,
    /// When a flood of near-identical comments closed the thread.
    pub flood_closed_at: Option<NaiveDateTime>,
}

/// A tag as stored.
#[derive(Debug, Clone, Queryable, Selectable, PartialEq, Eq)]
#[diesel(table_name = tags)]
pub struct TagRow {
    /// Key.
    pub id: i64,
    /// Its URL part.
    pub slug: String,
    /// As first typed.
    pub name: String,
}

/// The fields a save writes.
#[derive(Debug, Insertable, AsChangeset)]
#[diesel(table_name = posts)]
pub struct PostWrite<'a> {
    /// URL part.
    pub slug: &'a str,
    /// Headline.
    pub title: &'a str,
    /// Markdown.
    pub body_markdown: &'a str,
    /// Summary.
    pub excerpt: &'a str,
    /// `draft` or `published`.
    pub status: &'a str,
    /// Publication time.
    #[diesel(treat_none_as_null = true)]
    pub published_at: Option<NaiveDateTime>,
    /// Now.
    pub updated_at: NaiveDateTime,
}

/// Only published posts whose time has come.
macro_rules! public {
    ($now:expr) => {
        posts::status
            .eq($crate::domain::PostStatus::Published.as_str())
            .and(posts::published_at.le($now))
    };
}
pub(super) use public;

/// Creates a post.
pub fn insert(
    conn: &mut DbConn,
    w: &PostWrite<'_>,
    author_id: i64,
    now: NaiveDateTime,
) -> QueryResult<PostRow> {
    dispatch!(conn, |c| diesel::insert_into(posts::table)
        .values((w, posts::author_id.eq(author_id), posts::created_at.eq(now)))
        .returning(PostRow::as_returning())
        .get_result(c))
}

/// Saves changes to a post.
pub fn update(conn: &mut DbConn, id: i64, w: &PostWrite<'_>) -> QueryResult<PostRow> {
    dispatch!(conn, |c| diesel::update(posts::table.find(id))
        .set(w)
        .returning(PostRow::as_returning())
        .get_result(c))
}

/// Publishes (at a time) or unpublishes a post.
pub fn set_status(
    conn: &mut DbConn,
    id: i64,
    status: PostStatus,
    published_at: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    dispatch!(conn, |c| diesel::update(posts::table.find(id))
        .set((
            posts::status.eq(status.as_str()),
            posts::published_at.eq(published_at),
            posts::updated_at.eq(now),
        ))
        .execute(c))
}

/// Deletes a post, its tag links and its redirects.
pub fn delete(conn: &mut DbConn, id: i64) -> QueryResult<usize> {
    dispatch!(conn, |c| diesel::delete(posts::table.find(id)).execute(c))
}

/// Serialises comment submissions on one post, so volume and flood counts see every
/// earlier comment. PostgreSQL locks the post's row; SQLite needs nothing here because
/// the submission's transaction already holds the database's single write lock.
pub fn lock_for_comments(conn: &mut DbConn, id: i64) -> QueryResult<()> {
    match conn {
        DbConn::Postgres(c) => posts::table
            .find(id)
            .select(posts::id)
            .for_update()
            .first::<i64>(c)
            .map(|_| ()),
        DbConn::Sqlite(_) => Ok(()),
    }
}

/// Records that a flood closed the post's comments (the first time only).
pub fn set_flood_closed(conn: &mut DbConn, id: i64, now: NaiveDateTime) -> QueryResult<usize> {
    dispatch!(conn, |c| diesel::update(
        posts::table
            .find(id)
            .filter(posts::flood_closed_at.is_null())
    )
    .set(posts::flood_closed_at.eq(now))
    .execute(c))
}

/// Any post by id.
pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<PostRow>> {
    dispatch!(conn, |c| posts::table
        .find(id)
        .select(PostRow::as_select())
        .first(c)
        .optional())
}

/// Posts by id, whatever their state.
pub fn find_many(conn: &mut DbConn, ids: &[i64]) -> QueryResult<Vec<PostRow>> {
    dispatch!(conn, |c| posts::table
        .filter(posts::id.eq_any(ids))
        .select(PostRow::as_select())
        .load(c))
}

/// A post readers may see, by slug.
pub fn find_public_by_slug(
    conn: &mut DbConn,
    slug: &str,
    now: NaiveDateTime,
) -> QueryResult<Option<PostRow>> {
    dispatch!(conn, |c| posts::table
        .filter(posts::slug.eq(slug))
        .filter(public!(now))
        .select(PostRow::as_select())
        .first(c)
        .optional())
}

/// True when another post uses the slug, or used it and is redirected to from it: an
/// old address stays reserved for the post that had it, so nobody can take over its
/// links.
pub fn slug_taken(conn: &mut DbConn, slug: &str, except: Option<i64>) -> QueryResult<bool> {
    let other = except.unwrap_or(-1);
    dispatch!(conn, |c| diesel::select(
        diesel::dsl::exists(
            posts::table
                .filter(posts::slug.eq(slug))
                .filter(posts::id.ne(other))
        )
        .or(diesel::dsl::exists(
            slug_redirects::table
                .filter(slug_redirects::old_slug.eq(slug))
                .filter(slug_redirects::post_id.ne(other))
        ))
    )
    .get_result(c))
}

/// `base`, or `base` numbered (`-2`, `-3` …) until no post uses it.
pub fn free_slug(conn: &mut DbConn, base: &Slug) -> QueryResult<Slug> {
    let mut candidate = base.clone();
    let mut n = 2;
    while slug_taken(conn, candidate.as_str(), None)? {
        candidate = base.with_suffix(n);
        n += 1;
    }
    Ok(candidate)
}

/// The current slug of the post an old slug pointed to.
pub fn redirect_target(conn: &mut DbConn, old_slug: &str) -> QueryResult<Option<String>> {
    dispatch!(conn, |c| slug_redirects::table
        .inner_join(posts::table)
        .filter(slug_redirects::old_slug.eq(old_slug))
        .select(posts::slug)
        .first(c)
        .optional())
}

/// Remembers that an old slug now belongs to a post; a slug in use again stops redirecting.
pub fn add_redirect(conn: &mut DbConn, old_slug: &str, post_id: i64) -> QueryResult<usize> {
    dispatch!(conn, |c| diesel::insert_into(slug_redirects::table)
        .values((
            slug_redirects::old_slug.eq(old_slug),
            slug_redirects::post_id.eq(post_id)
        ))
        .on_conflict(slug_redirects::old_slug)
        .do_update()
        .set(slug_redirects::post_id.eq(post_id))
        .execute(c))
}

/// Drops the redirect from a slug that a live post now uses.
pub fn remove_redirect(conn: &mut DbConn, slug: &str) -> QueryResult<usize> {
    dispatch!(conn, |c| diesel::delete(slug_redirects::table.find(slug))
        .execute(c))
}

/// A page of public posts, newest first.
pub fn list_public(
    conn: &mut DbConn,
    now: NaiveDateTime,
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<PostRow>> {
    dispatch!(conn, |c| posts::table
        .filter(public!(now))
        .order((posts::published_at.desc(), posts::id.desc()))
        .offset(offset)
        .limit(limit)
        .select(PostRow::as_select())
        .load(c))
}

/// How many posts readers can see.
pub fn count_public(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<i64> {
    dispatch!(conn, |c| posts::table
        .filter(public!(now))
        .count()
        .get_result(c))
}

/// A page of public posts with a tag, newest first.
pub fn list_public_tagged(
    conn: &mut DbConn,
    tag_id: i64,
    now: NaiveDateTime,
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<PostRow>> {
    dispatch!(conn, |c| posts::table
        .inner_join(post_tags::table)
        .filter(post_tags::tag_id.eq(tag_id))
        .filter(public!(now))
        .order((posts::published_at.desc(), posts::id.desc()))
        .offset(offset)
        .limit(limit)
        .select(PostRow::as_select())
        .load(c))
}

/// How many public posts carry a tag.
pub fn count_public_tagged(conn: &mut DbConn, tag_id: i64, now: NaiveDateTime) -> QueryResult<i64> {
    dispatch!(conn, |c| posts::table
        .inner_join(post_tags::table)
        .filter(post_tags::tag_id.eq(tag_id))
        .filter(public!(now))
        .count()
        .get_result(c))
}

/// Public posts published in `[from, to)`, newest first.
pub fn list_public_between(
    conn: &mut DbConn,
    from: NaiveDateTime,
    to: NaiveDateTime,
    now: NaiveDateTime,
) -> QueryResult<Vec<PostRow>> {
    dispatch!(conn, |c| posts::table
        .filter(public!(now))
        .filter(posts::published_at.ge(from))
        .filter(posts::published_at.lt(to))
        .order((posts::published_at.desc(), posts::id.desc()))
        .select(PostRow::as_select())
        .load(c))
}

/// Publication times of every public post, for the archive index.
pub fn public_dates(
    conn: &mut DbConn,
    now: NaiveDateTime,
) -> QueryResult<Vec<Option<NaiveDateTime>>> {
    dispatch!(conn, |c| posts::table
        .filter(public!(now))
        .select(posts::published_at)
        .load(c))
}

/// One page of posts for the admin list, last changed first, with the author's name (optionally
/// one author's), and how many there are in all.
pub fn list_admin(
    conn: &mut DbConn,
    author: Option<i64>,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<(PostRow, String)>, i64)> {
    let rows = dispatch!(conn, |c| {
        let mut q = posts::table
            .inner_join(users::table)
            .select((PostRow::as_select(), users::display_name))
            .order((posts::updated_at.desc(), posts::id.desc()))
            .limit(limit)
            .offset(offset)
            .into_boxed();
        if let Some(a) = author {
            q = q.filter(posts::author_id.eq(a));
        }
        q.load(c)
    })?;
    let total = dispatch!(conn, |c| {
        let mut q = posts::table.count().into_boxed();
        if let Some(a) = author {
            q = q.filter(posts::author_id.eq(a));
        }
        q.get_result(c)
    })?;
    Ok((rows, total))
}

/// Display names of authors by id.
pub fn author_names(conn: &mut DbConn, ids: &[i64]) -> QueryResult<HashMap<i64, String>> {
    let rows: Vec<(i64, String)> = dispatch!(conn, |c| users::table
        .filter(users::id.eq_any(ids))
        .select((users::id, users::display_name))
        .load(c))?;
    Ok(rows.into_iter().collect())
}

/// Finds or creates each tag, then makes them the post's only tags.
pub fn set_tags(conn: &mut DbConn, post_id: i64, names: &[TagName]) -> QueryResult<()> {
    dispatch!(conn, |c| diesel::delete(
        post_tags::table.filter(post_tags::post_id.eq(post_id))
    )
    .execute(c))?;
    for t in names {
        dispatch!(conn, |c| diesel::insert_into(tags::table)
            .values((tags::slug.eq(t.slug.as_str()), tags::name.eq(&t.name)))
            .on_conflict_do_nothing()
            .execute(c))?;
        let tag_id: i64 = dispatch!(conn, |c| tags::table
            .filter(tags::slug.eq(t.slug.as_str()))
            .select(tags::id)
            .first(c))?;
        dispatch!(conn, |c| diesel::insert_into(post_tags::table)
            .values((post_tags::post_id.eq(post_id), post_tags::tag_id.eq(tag_id)))
            .on_conflict_do_nothing()
            .execute(c))?;
    }
    Ok(())
}

/// The tags of several posts, each post's in name order.
pub fn tags_for(conn: &mut DbConn, post_ids: &[i64]) -> QueryResult<HashMap<i64, Vec<TagRow>>> {
    let rows: Vec<(i64, TagRow)> = dispatch!(conn, |c| post_tags::table
        .inner_join(tags::table)
        .filter(post_tags::post_id.eq_any(post_ids))
        .order(tags::name.asc())
        .select((post_tags::post_id, TagRow::as_select()))
        .load(c))?;
    let mut out: HashMap<i64, Vec<TagRow>> = HashMap::new();
    for (post_id, tag) in rows {
        out.entry(post_id).or_default().push(tag);
    }
    Ok(out)
}

/// A tag by slug.
pub fn find_tag(conn: &mut DbConn, slug: &str) -> QueryResult<Option<TagRow>> {
    dispatch!(conn, |c| tags::table
        .filter(tags::slug.eq(slug))
        .select(TagRow::as_select())
        .first(c)
        .optional())
}

/// Tags with how many public posts carry each, most used first.
pub fn tags_in_use(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<Vec<(TagRow, i64)>> {
    let rows: Vec<(TagRow, i64)> = dispatch!(conn, |c| tags::table
        .inner_join(post_tags::table.inner_join(posts::table))
        .filter(public!(now))
        .group_by((tags::id, tags::slug, tags::name))
        .select((TagRow::as_select(), diesel::dsl::count(post_tags::post_id)))
        .load(c))?;
    let mut rows = rows;
    rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.name.cmp(&b.0.name)));
    Ok(rows)
}

/// The posts with these ids, in the order given (ids ranked by an earlier query).
fn find_in_order(conn: &mut DbConn, order: &[i64]) -> QueryResult<Vec<PostRow>> {
    let mut rows: Vec<PostRow> = dispatch!(conn, |c| posts::table
        .filter(posts::id.eq_any(order))
        .select(PostRow::as_select())
        .load(c))?;
    rows.sort_by_key(|p| order.iter().position(|id| *id == p.id));
    Ok(rows)
}

/// How many of each shared tag's newest posts `related` weighs: a tag can be carried by
/// thousands of posts, and ranking all of them cost tens of milliseconds a page view.
const RELATED_PER_TAG: i64 = 50;

/// Public posts sharing tags with a post, among each tag's newest posts: most shared
/// tags first, then newest.
pub fn related(
    conn: &mut DbConn,
    post_id: i64,
    now: NaiveDateTime,
    limit: usize,
) -> QueryResult<Vec<PostRow>> {
    let tag_ids: Vec<i64> = dispatch!(conn, |c| post_tags::table
        .filter(post_tags::post_id.eq(post_id))
        .select(post_tags::tag_id)
        .load(c))?;
    // Each query walks the publication-date index newest first and stops at the cap.
    let mut shared: HashMap<i64, (i64, Option<NaiveDateTime>)> = HashMap::new();
    for tag_id in tag_ids {
        let newest: Vec<(i64, Option<NaiveDateTime>)> = dispatch!(conn, |c| posts::table
            .inner_join(post_tags::table)
            .filter(post_tags::tag_id.eq(tag_id))
            .filter(posts::id.ne(post_id))
            .filter(public!(now))
            .order_by((posts::published_at.desc(), posts::id.desc()))
            .select((posts::id, posts::published_at))
            .limit(RELATED_PER_TAG)
            .load(c))?;
        for (id, published) in newest {
            shared.entry(id).or_insert((0, published)).0 += 1;
        }
    }
    let mut ranked: Vec<(i64, (i64, Option<NaiveDateTime>))> = shared.into_iter().collect();
    ranked.sort_by(|(a_id, (a_n, a_at)), (b_id, (b_n, b_at))| {
        b_n.cmp(a_n).then(b_at.cmp(a_at)).then(b_id.cmp(a_id))
    });
    ranked.truncate(limit);
    let order: Vec<i64> = ranked.iter().map(|(id, _)| *id).collect();
    let mut out = find_in_order(conn, &order)?;
    if out.len() < limit {
        let recent = list_public(conn, now, 0, (limit + out.len() + 1) as i64)?;
        for p in recent {
            if out.len() == limit {
                break;
            }
            if p.id != post_id && !out.iter().any(|o| o.id == p.id) {
                out.push(p);
            }
        }
    }
    Ok(out)
}

#[derive(QueryableByName)]
struct IdRow {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

#[derive(QueryableByName)]
struct CountRow {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Full-text search over public posts, best match first: SQLite FTS5 or PostgreSQL
/// `tsvector`. `words` must already be plain words (no query syntax).
pub fn search(
    conn: &mut DbConn,
    words: &[String],
    now: NaiveDateTime,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<PostRow>, i64)> {
    if words.is_empty() {
        return Ok((Vec::new(), 0));
    }
    let published = PostStatus::Published.as_str();
    let (ids, total): (Vec<IdRow>, Vec<CountRow>) = match conn {
        DbConn::Sqlite(c) => {
            // Each word quoted, so nothing a reader types is read as FTS5 syntax.
            let fts_query = words
                .iter()
                .map(|w| format!("\"{}\"", w.replace('"', "")))
                .collect::<Vec<_>>()
                .join(" ");
            let from = "FROM posts_fts JOIN posts ON posts.id = posts_fts.rowid \
                        WHERE posts_fts MATCH ? AND posts.status = ? AND posts.published_at <= ?";
            let ids = diesel::sql_query(format!(
                "SELECT posts.id AS id {from} ORDER BY bm25(posts_fts, 10.0, 1.0), posts.id DESC LIMIT ? OFFSET ?"
            ))
            .bind::<Text, _>(&fts_query)
            .bind::<Text, _>(published)
            .bind::<Timestamp, _>(now)
            .bind::<BigInt, _>(limit)
            .bind::<BigInt, _>(offset)
            .load(c)?;
            let total = diesel::sql_query(format!("SELECT COUNT(*) AS n {from}"))
                .bind::<Text, _>(&fts_query)
                .bind::<Text, _>(published)
                .bind::<Timestamp, _>(now)
                .load(c)?;
            (ids, total)
        }
        DbConn::Postgres(c) => {
            let text = words.join(" ");
            let from = "FROM posts WHERE search_vector @@ plainto_tsquery('english', $1) \
                        AND status = $2 AND published_at <= $3";
            let ids = diesel::sql_query(format!(
                "SELECT id {from} ORDER BY ts_rank(search_vector, plainto_tsquery('english', $1)) DESC, id DESC \
                 LIMIT $4 OFFSET $5"
            ))
            .bind::<Text, _>(&text)
            .bind::<Text, _>(published)
            .bind::<Timestamp, _>(now)
            .bind::<BigInt, _>(limit)
            .bind::<BigInt, _>(offset)
            .load(c)?;
            let total = diesel::sql_query(format!("SELECT COUNT(*) AS n {from}"))
                .bind::<Text, _>(&text)
                .bind::<Text, _>(published)
                .bind::<Timestamp, _>(now)
                .load(c)?;
            (ids, total)
        }
    };
    let order: Vec<i64> = ids.iter().map(|r| r.id).collect();
    let rows = find_in_order(conn, &order)?;
    Ok((rows, total.first().map_or(0, |r| r.n)))
}
