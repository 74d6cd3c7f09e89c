//! WordPress authors, posts, pages and their terms into accounts, posts and tags.

use diesel::prelude::*;

use super::content::post_body;
use super::wxr::{Author, Item, POST_TEXT_CAP};
use super::{Run, cut_reason, item_name, wp_date};
use crate::domain::html::html_plain_text;
use crate::domain::post::{
    MAX_BODY, MAX_TAGS, MAX_TITLE, TagName, check_body, check_tag, check_title,
};
use crate::domain::text::truncate_words;
use crate::domain::user::{check_display_name, normalize_email};
use crate::domain::{CommentMode, PostStatus, Role, Slug};
use crate::storage::posts::{self, PostWrite};
use crate::storage::schema::tags;
use crate::storage::users::{self, NewUser};
use crate::storage::wordpress::{self, WpPostRow};
use crate::storage::{DbConn, dispatch, moderation};

/// Longest excerpt, in characters (as for posts written here).
const EXCERPT_CHARS: usize = 280;

/// How many tags exist.
pub(crate) fn tag_count(conn: &mut DbConn) -> QueryResult<i64> {
    dispatch!(conn, |c| tags::table.count().get_result(c))
}

/// Finds the account for a WordPress author by e-mail, or creates an author account
/// without a password (it cannot sign in until an admin sets one).
pub(crate) fn author(conn: &mut DbConn, run: &mut Run<'_>, a: &Author) -> QueryResult<i64> {
    if let Some(&id) = run.user_ids.get(&a.login) {
        return Ok(id);
    }
    let email = match normalize_email(&a.email) {
        Ok(e) => e,
        Err(_) => {
            let local = Slug::from_text(&a.login).unwrap_or_else(Slug::fallback);
            let made = format!("{local}@wordpress.invalid");
            run.report.warn(format!(
                "the author “{}” has no usable e-mail; their account is {made} until an admin changes it",
                a.login
            ));
            made
        }
    };
    let id = match users::find_by_email(conn, &email)? {
        Some(u) => {
            run.report.authors_matched += 1;
            u.id
        }
        None => {
            let name = check_display_name(&html_plain_text(&a.display_name))
                .or_else(|_| check_display_name(&a.login))
                .unwrap_or_else(|_| "WordPress author".to_owned());
            let now = run.opts.now;
            run.report.authors_created += 1;
            users::insert(
                conn,
                &NewUser {
                    email: &email,
                    display_name: &name,
                    role: Role::Author.as_str(),
                    password_hash: None,
                    disabled: false,
                    created_at: now,
                    updated_at: now,
                },
            )?
            .id
        }
    };
    run.user_ids.insert(a.login.clone(), id);
    Ok(id)
}

/// Percent-decodes a WordPress slug (non-ASCII slugs are stored encoded).
pub fn decode_slug(raw: &str) -> String {
    percent_encoding::percent_decode_str(raw.trim())
        .decode_utf8_lossy()
        .to_lowercase()
}

/// A free slug for the post: WordPress's own if it is a valid Townhall slug, else one
/// made from it or from the title, numbered if taken.
fn choose_slug(conn: &mut DbConn, wp_slug: &str, title: &str) -> QueryResult<Slug> {
    let base = Slug::parse(wp_slug)
        .ok()
        .or_else(|| Slug::from_text(wp_slug))
        .or_else(|| Slug::from_text(title))
        .unwrap_or_else(Slug::fallback);
    posts::free_slug(conn, &base)
}

/// The item's categories and tags as Townhall tags (one list: Townhall has only tags).
fn tag_names(run: &mut Run<'_>, item: &Item) -> Vec<TagName> {
    let mut out: Vec<TagName> = Vec::new();
    for term in &item.terms {
        if !matches!(term.domain.as_str(), "category" | "post_tag") {
            continue;
        }
        // WordPress files every post without a category under this one; it says nothing.
        if term.domain == "category" && term.nicename == "uncategorized" {
            continue;
        }
        let name = html_plain_text(&term.name).trim().to_owned();
        let from_name = match check_tag(&name) {
            Ok(slug) => slug,
            Err(message) => {
                run.report.fields_dropped += 1;
                run.report.refuse(format!(
                    "{}: the tag “{name}” left out: {message}",
                    item_name(item)
                ));
                continue;
            }
        };
        // WordPress's own slug keeps the old /category/… and /tag/… addresses working.
        let slug = Slug::parse(&decode_slug(&term.nicename)).unwrap_or(from_name);
        if !out.iter().any(|t| t.slug == slug) {
            out.push(TagName { name, slug });
        }
    }
    if out.len() > MAX_TAGS {
        run.report.fields_dropped += (out.len() - MAX_TAGS) as u64;
        run.report.refuse(format!(
            "{}: {} tags, only the first {MAX_TAGS} kept (a post can have at most {MAX_TAGS})",
            item_name(item),
            out.len()
        ));
        out.truncate(MAX_TAGS);
    }
    out
}

/// The title and body of a post, checked as the editor checks them; `None` (with a
/// report line per refused field) when the post cannot be imported. WordPress allowed
/// what the editor does not, so a title is made to fit (shortened, with a warning, or
/// "(untitled)") and an empty body is imported as it is.
fn checked(run: &mut Run<'_>, item: &Item) -> Option<(String, String)> {
    let mut refused: Vec<(&str, String)> = Vec::new();
    let mut title = html_plain_text(&item.title)
        .chars()
        .filter(|c| !c.is_control())
        .collect::<String>()
        .trim()
        .to_owned();
    if title.chars().count() > MAX_TITLE {
        run.report.warn(format!(
            "{}: the title was longer than {MAX_TITLE} characters and was shortened",
            item_name(item)
        ));
        title = title
            .chars()
            .take(MAX_TITLE)
            .collect::<String>()
            .trim()
            .to_owned();
    }
    if title.is_empty() {
        title = "(untitled)".to_owned();
    }
    if let Err(message) = check_title(&title) {
        refused.push(("title", message));
    }
    let body = if item.content_cut {
        refused.push(("body", cut_reason("The body", MAX_BODY, POST_TEXT_CAP)));
        String::new()
    } else {
        post_body(&item.content, &mut run.report.shortcodes)
    };
    if !body.trim().is_empty()
        && let Err(message) = check_body(&body)
    {
        refused.push(("body", message));
    }
    if refused.is_empty() {
        return Some((title, body));
    }
    run.report.refuse_fields(&item_name(item), &refused);
    run.report.posts_refused += 1;
    if !item.comments.is_empty() {
        *run.report
            .items_skipped
            .entry("comments on refused posts".to_owned())
            .or_default() += item.comments.len() as u64;
    }
    None
}

/// Imports one item if it is a post or page not imported before. Returns the Townhall
/// post its comments belong to (also for a post imported before, so a newer export's
/// comments are added), or `None` when the item brings no comments here.
pub(crate) fn item(conn: &mut DbConn, run: &mut Run<'_>, item: &Item) -> QueryResult<Option<i64>> {
    if !matches!(item.post_type.as_str(), "post" | "page") {
        let kind = if item.post_type.is_empty() {
            "items without a type"
        } else {
            &item.post_type
        };
        run.report.skip_item(kind);
        return Ok(None);
    }
    let (status, published) = match item.status.as_str() {
        "publish" => (PostStatus::Published, true),
        // Scheduled in WordPress: scheduled here too.
        "future" => (PostStatus::Published, true),
        "draft" | "pending" => (PostStatus::Draft, false),
        // Visible only to WordPress staff: kept, unpublished, with its date.
        "private" => (PostStatus::Draft, true),
        "trash" => {
            run.report.skip_item("trashed posts");
            return Ok(None);
        }
        "auto-draft" | "inherit" => {
            run.report.skip_item("automatic drafts and revisions");
            return Ok(None);
        }
        other => {
            run.report.warn(format!(
                "post {}: unknown status “{other}”, imported unpublished",
                item.post_id
            ));
            (PostStatus::Draft, false)
        }
    };
    if let Some(known) = wordpress::find_post(conn, item.post_id)? {
        run.report.already_imported += 1;
        if !known.guid.is_empty() && !item.guid.is_empty() && known.guid != item.guid {
            run.report.warn(format!(
                "post {}: imported before with the GUID {}, this export says {}; the earlier import is kept",
                item.post_id, known.guid, item.guid
            ));
        }
        return Ok(known.post_id);
    }

    // Checked before anything is written, so a refused post leaves no account or tag.
    let Some((title, body)) = checked(run, item) else {
        return Ok(None);
    };

    let creator = if item.creator.is_empty() {
        "wordpress"
    } else {
        item.creator.as_str()
    };
    let author = run.authors.get(creator).cloned().unwrap_or_else(|| Author {
        login: creator.to_owned(),
        email: String::new(),
        display_name: creator.to_owned(),
    });
    let author_id = self::author(conn, run, &author)?;

    let summary_source = if item.excerpt.trim().is_empty() {
        html_plain_text(&body)
    } else {
        html_plain_text(&item.excerpt)
    };
    let excerpt = truncate_words(&summary_source, EXCERPT_CHARS);
    let date = wp_date(&item.post_date_gmt)
        .or_else(|| wp_date(&item.post_date))
        .unwrap_or_else(|| {
            run.report
                .warn(format!("post {}: no date; dated now instead", item.post_id));
            run.opts.now
        });
    let updated = wp_date(&item.post_modified_gmt)
        .filter(|m| *m >= date)
        .unwrap_or(date);
    let wp_slug = decode_slug(&item.post_name);
    let slug = choose_slug(conn, &wp_slug, &title)?;
    let row = posts::insert(
        conn,
        &PostWrite {
            slug: slug.as_str(),
            title: &title,
            body_markdown: &body,
            excerpt: &excerpt,
            status: status.as_str(),
            published_at: published.then_some(date),
            updated_at: updated,
        },
        author_id,
        date,
    )?;
    if item.comment_status == "closed" {
        moderation::set_comment_mode(conn, row.id, CommentMode::Closed, None)?;
    }
    let tags = tag_names(run, item);
    posts::set_tags(conn, row.id, &tags)?;
    wordpress::add_post(
        conn,
        &WpPostRow {
            wp_id: item.post_id,
            post_id: Some(row.id),
            guid: item.guid.clone(),
            wp_slug,
            post_type: item.post_type.clone(),
        },
    )?;
    if item.post_type == "page" {
        run.report.pages += 1;
    } else {
        run.report.posts += 1;
    }
    if status != PostStatus::Published {
        run.report.unpublished += 1;
    }
    Ok(Some(row.id))
}
