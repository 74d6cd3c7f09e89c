//! What readers see: post lists, a post, tags, the archive, search and feeds.
//! Each function returns view models ready for a template.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use serde::Serialize;

use super::{ServiceError, ServiceResult};
use crate::domain::SafeHtml;
use crate::domain::text::search_words;
use crate::storage::posts::{self, PostRow, TagRow};
use crate::storage::{DbConn, comments};

/// How many related posts a post page offers.
const RELATED: usize = 4;
/// How many entries the feeds carry.
pub const FEED_ENTRIES: i64 = 20;

/// A tag as shown.
#[derive(Debug, Clone, Serialize)]
pub struct TagView {
    /// Name.
    pub name: String,
    /// URL part.
    pub slug: String,
    /// Public posts with it (on the tag index only).
    pub count: i64,
}

/// A post in a list.
#[derive(Debug, Clone, Serialize)]
pub struct PostSummary {
    /// Key.
    pub id: i64,
    /// Headline.
    pub title: String,
    /// URL part.
    pub slug: String,
    /// Author's display name.
    pub author: String,
    /// RFC 3339, for `<time datetime>` and feeds.
    pub published_iso: String,
    /// "17 November 2026".
    pub published_display: String,
    /// RFC 3339 of the last edit.
    pub updated_iso: String,
    /// Plain-text summary.
    pub excerpt: String,
    /// Its tags.
    pub tags: Vec<TagView>,
    /// Published comments.
    pub comment_count: i64,
}

/// A whole post.
#[derive(Debug, Clone, Serialize)]
pub struct PostPage {
    /// The list fields.
    #[serde(flatten)]
    pub summary: PostSummary,
    /// Rendered, cleaned body.
    pub body_html: SafeHtml,
    /// "Other readers went on to read".
    pub related: Vec<PostSummary>,
}

/// One page of a list.
#[derive(Debug, Clone, Serialize)]
pub struct Paged<T> {
    /// The items.
    pub items: Vec<T>,
    /// 1-based page number.
    pub page: u32,
    /// Pages in all (at least 1).
    pub total_pages: u32,
    /// Items in all.
    pub total: i64,
    /// Previous page number, if any.
    pub prev: Option<u32>,
    /// Next page number, if any.
    pub next: Option<u32>,
}

/// One month in the archive index.
#[derive(Debug, Clone, Serialize)]
pub struct ArchiveMonth {
    /// Year.
    pub year: i32,
    /// Month 1–12.
    pub month: u32,
    /// "November 2026".
    pub label: String,
    /// Posts that month.
    pub count: usize,
}

/// Formats a date for readers.
pub fn display_date(t: NaiveDateTime) -> String {
    t.format("%-d %B %Y").to_string()
}

/// Formats a date and time for staff pages, e.g. `7 December 2026, 14:05 UTC`.
pub fn display_time(t: NaiveDateTime) -> String {
    t.format("%-d %B %Y, %H:%M UTC").to_string()
}

/// Formats a time as RFC 3339 UTC.
pub fn iso(t: NaiveDateTime) -> String {
    t.and_utc()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Turns rows into list entries with their authors, tags and published comment counts,
/// in three queries whatever the number of rows.
pub fn summaries(conn: &mut DbConn, rows: &[PostRow]) -> ServiceResult<Vec<PostSummary>> {
    let ids: Vec<i64> = rows.iter().map(|p| p.id).collect();
    let mut author_ids: Vec<i64> = rows.iter().map(|p| p.author_id).collect();
    author_ids.sort_unstable();
    author_ids.dedup();
    let authors = posts::author_names(conn, &author_ids)?;
    let mut tags = posts::tags_for(conn, &ids)?;
    let counts = comments::published_counts(conn, &ids)?;
    Ok(rows
        .iter()
        .map(|p| summary(p, &authors, &mut tags, &counts))
        .collect())
}

fn summary(
    p: &PostRow,
    authors: &HashMap<i64, String>,
    tags: &mut HashMap<i64, Vec<TagRow>>,
    comment_counts: &HashMap<i64, i64>,
) -> PostSummary {
    let published = p.published_at.unwrap_or(p.created_at);
    PostSummary {
        id: p.id,
        title: p.title.clone(),
        slug: p.slug.clone(),
        author: authors.get(&p.author_id).cloned().unwrap_or_default(),
        published_iso: iso(published),
        published_display: display_date(published),
        updated_iso: iso(p.updated_at.max(published)),
        excerpt: p.excerpt.clone(),
        tags: tags
            .remove(&p.id)
            .unwrap_or_default()
            .into_iter()
            .map(|t| TagView {
                name: t.name,
                slug: t.slug,
                count: 0,
            })
            .collect(),
        comment_count: comment_counts.get(&p.id).copied().unwrap_or(0),
    }
}

/// One page of a list, refusing pages past the end (a 404).
pub fn paged<T>(items: Vec<T>, page: u32, per_page: u32, total: i64) -> ServiceResult<Paged<T>> {
    let total_pages = ((total.max(0) as u64).div_ceil(u64::from(per_page))).max(1) as u32;
    if page == 0 || page > total_pages {
        return Err(ServiceError::NotFound);
    }
    Ok(Paged {
        items,
        page,
        total_pages,
        total,
        prev: (page > 1).then(|| page - 1),
        next: (page < total_pages).then(|| page + 1),
    })
}

/// Where a 1-based page starts.
pub fn offset(page: u32, per_page: u32) -> i64 {
    i64::from(page.saturating_sub(1)) * i64::from(per_page)
}

/// The home page list.
pub fn home(
    conn: &mut DbConn,
    page: u32,
    per_page: u32,
    now: NaiveDateTime,
) -> ServiceResult<Paged<PostSummary>> {
    let total = posts::count_public(conn, now)?;
    let rows = posts::list_public(conn, now, offset(page, per_page), per_page.into())?;
    let items = summaries(conn, &rows)?;
    paged(items, page, per_page, total)
}

/// What a post URL leads to.
#[derive(Debug)]
pub enum PostLookup {
    /// The post.
    Found(Box<PostPage>),
    /// The slug changed: go to the new one.
    Moved(String),
}

/// A public post by slug, or where its old slug now leads.
pub fn post(conn: &mut DbConn, slug: &str, now: NaiveDateTime) -> ServiceResult<PostLookup> {
    let Some(row) = posts::find_public_by_slug(conn, slug, now)? else {
        return match posts::redirect_target(conn, slug)? {
            Some(new_slug)
                if new_slug != slug
                    && posts::find_public_by_slug(conn, &new_slug, now)?.is_some() =>
            {
                Ok(PostLookup::Moved(new_slug))
            }
            _ => Err(ServiceError::NotFound),
        };
    };
    Ok(PostLookup::Found(Box::new(page_for(conn, &row, now)?)))
}

/// A full post page for a row (also used for staff previews of drafts).
pub fn page_for(conn: &mut DbConn, row: &PostRow, now: NaiveDateTime) -> ServiceResult<PostPage> {
    let summary = summaries(conn, std::slice::from_ref(row))?
        .pop()
        .ok_or(ServiceError::NotFound)?;
    let related_rows = posts::related(conn, row.id, now, RELATED)?;
    Ok(PostPage {
        summary,
        body_html: SafeHtml::from_markdown(&row.body_markdown),
        related: summaries(conn, &related_rows)?,
    })
}

/// A tag and a page of its posts.
pub fn tag(
    conn: &mut DbConn,
    slug: &str,
    page: u32,
    per_page: u32,
    now: NaiveDateTime,
) -> ServiceResult<(TagView, Paged<PostSummary>)> {
    let tag = posts::find_tag(conn, slug)?.ok_or(ServiceError::NotFound)?;
    let total = posts::count_public_tagged(conn, tag.id, now)?;
    if total == 0 {
        return Err(ServiceError::NotFound);
    }
    let rows =
        posts::list_public_tagged(conn, tag.id, now, offset(page, per_page), per_page.into())?;
    let items = summaries(conn, &rows)?;
    let view = TagView {
        name: tag.name,
        slug: tag.slug,
        count: total,
    };
    Ok((view, paged(items, page, per_page, total)?))
}

/// Every tag in use, most used first.
pub fn tags(conn: &mut DbConn, now: NaiveDateTime) -> ServiceResult<Vec<TagView>> {
    Ok(posts::tags_in_use(conn, now)?
        .into_iter()
        .map(|(t, count)| TagView {
            name: t.name,
            slug: t.slug,
            count,
        })
        .collect())
}

fn month_label(year: i32, month: u32) -> String {
    NaiveDate::from_ymd_opt(year, month, 1)
        .map(|d| d.format("%B %Y").to_string())
        .unwrap_or_default()
}

/// Months that have posts, newest first.
pub fn archive(conn: &mut DbConn, now: NaiveDateTime) -> ServiceResult<Vec<ArchiveMonth>> {
    let mut counts: BTreeMap<(i32, u32), usize> = BTreeMap::new();
    for t in posts::public_dates(conn, now)?.into_iter().flatten() {
        *counts.entry((t.year(), t.month())).or_default() += 1;
    }
    Ok(counts
        .into_iter()
        .rev()
        .map(|((year, month), count)| ArchiveMonth {
            year,
            month,
            label: month_label(year, month),
            count,
        })
        .collect())
}

/// The posts of one month.
pub fn archive_month(
    conn: &mut DbConn,
    year: i32,
    month: u32,
    now: NaiveDateTime,
) -> ServiceResult<(String, Vec<PostSummary>)> {
    let start = NaiveDate::from_ymd_opt(year, month, 1).ok_or(ServiceError::NotFound)?;
    let end = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    }
    .ok_or(ServiceError::NotFound)?;
    let rows = posts::list_public_between(
        conn,
        start.and_hms_opt(0, 0, 0).ok_or(ServiceError::NotFound)?,
        end.and_hms_opt(0, 0, 0).ok_or(ServiceError::NotFound)?,
        now,
    )?;
    if rows.is_empty() {
        return Err(ServiceError::NotFound);
    }
    Ok((month_label(year, month), summaries(conn, &rows)?))
}

/// Search results; an empty or wordless query gives an empty first page.
pub fn search(
    conn: &mut DbConn,
    query: &str,
    page: u32,
    per_page: u32,
    now: NaiveDateTime,
) -> ServiceResult<Paged<PostSummary>> {
    let words = search_words(query, 12);
    let (rows, total) = posts::search(conn, &words, now, offset(page, per_page), per_page.into())?;
    let items = summaries(conn, &rows)?;
    paged(items, page, per_page, total)
}

/// The newest public posts with their bodies, for the feeds.
pub fn feed(conn: &mut DbConn, now: NaiveDateTime) -> ServiceResult<Vec<(PostSummary, SafeHtml)>> {
    let rows = posts::list_public(conn, now, 0, FEED_ENTRIES)?;
    let items = summaries(conn, &rows)?;
    Ok(items
        .into_iter()
        .zip(rows.iter())
        .map(|(s, r)| (s, SafeHtml::from_markdown(&r.body_markdown)))
        .collect())
}

/// Every public post (slug and last change) for the sitemap.
pub fn sitemap(
    conn: &mut DbConn,
    now: NaiveDateTime,
) -> ServiceResult<(Vec<PostSummary>, Vec<TagView>)> {
    let total = posts::count_public(conn, now)?;
    let rows = posts::list_public(conn, now, 0, total)?;
    let items = rows
        .iter()
        .map(|p| summary(p, &HashMap::new(), &mut HashMap::new(), &HashMap::new()))
        .collect();
    Ok((items, tags(conn, now)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_past_the_end_are_not_found() {
        assert!(paged(Vec::<u8>::new(), 1, 10, 0).is_ok());
        assert!(paged(Vec::<u8>::new(), 2, 10, 10).is_err());
        assert!(paged(Vec::<u8>::new(), 0, 10, 10).is_err());
        let p = paged(vec![1u8], 2, 10, 25).unwrap();
        assert_eq!((p.prev, p.next, p.total_pages), (Some(1), Some(3), 3));
    }

    #[test]
    fn dates_read_well() {
        let t = NaiveDate::from_ymd_opt(2026, 11, 7)
            .unwrap()
            .and_hms_opt(9, 5, 0)
            .unwrap();
        assert_eq!(display_date(t), "7 November 2026");
        assert_eq!(iso(t), "2026-11-07T09:05:00Z");
    }
}
