//! Writing, publishing, scheduling, unpublishing and deleting posts.

use chrono::NaiveDateTime;

use super::{ServiceError, ServiceResult, invalid};
use crate::domain::html::markdown_plain_text;
use crate::domain::text::truncate_words;
use crate::domain::{PostDraft, PostStatus, Slug};
use crate::storage::moderation::{Audit, audit};
use crate::storage::posts::{self, PostRow, PostWrite};
use crate::storage::users::UserRow;
use crate::storage::write_transaction;
use crate::storage::{DbConn, comments};

/// Longest excerpt, in characters.
const EXCERPT_CHARS: usize = 280;

/// What the author asked the save to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaveAction {
    /// Keep the post's state (a draft stays a draft).
    Save,
    /// Publish now, or at the given time (scheduling).
    Publish,
    /// Take it off the site.
    Unpublish,
}

/// A post's state as the admin pages describe it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PostState {
    /// Not on the site.
    Draft,
    /// Will appear at its publication time.
    Scheduled,
    /// On the site.
    Published,
}

impl PostState {
    /// Its name, as the pages show it.
    pub fn as_str(self) -> &'static str {
        match self {
            PostState::Draft => "draft",
            PostState::Scheduled => "scheduled",
            PostState::Published => "published",
        }
    }
}

/// Pages get the name and one flag per state, so templates test a flag, never a name.
impl serde::Serialize for PostState {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(serde::Serialize)]
        struct Shown {
            name: &'static str,
            draft: bool,
            scheduled: bool,
            published: bool,
        }
        Shown {
            name: self.as_str(),
            draft: *self == PostState::Draft,
            scheduled: *self == PostState::Scheduled,
            published: *self == PostState::Published,
        }
        .serialize(s)
    }
}

/// Works out a stored post's state at a moment.
pub fn state(post: &PostRow, now: NaiveDateTime) -> PostState {
    match (post.status, post.published_at) {
        (PostStatus::Published, Some(t)) if t > now => PostState::Scheduled,
        (PostStatus::Published, _) => PostState::Published,
        _ => PostState::Draft,
    }
}

/// Loads a post the user may edit.
pub fn editable(conn: &mut DbConn, user: &UserRow, id: i64) -> ServiceResult<PostRow> {
    let post = posts::find(conn, id)?.ok_or(ServiceError::NotFound)?;
    let role = user.role;
    if !role.can_write() {
        return Err(ServiceError::Forbidden(
            "Your role cannot edit posts.".into(),
        ));
    }
    if post.author_id != user.id && !role.can_edit_any_post() {
        return Err(ServiceError::Forbidden(
            "You can only edit your own posts.".into(),
        ));
    }
    Ok(post)
}

/// Picks the slug: the one asked for (if free), the current one, or one derived from the title.
fn choose_slug(
    conn: &mut DbConn,
    draft: &PostDraft,
    existing: Option<&PostRow>,
) -> ServiceResult<Slug> {
    if let Some(asked) = &draft.slug {
        if posts::slug_taken(conn, asked.as_str(), existing.map(|p| p.id))? {
            return Err(invalid(
                "slug",
                format!(
                    "Another post uses the slug “{asked}”, or did and keeps it as an old address."
                ),
            ));
        }
        return Ok(asked.clone());
    }
    if let Some(s) = existing.and_then(|p| Slug::parse(&p.slug).ok()) {
        return Ok(s);
    }
    let base = Slug::from_text(&draft.title).unwrap_or_else(Slug::fallback);
    Ok(posts::free_slug(conn, &base)?)
}

/// Creates (`existing` = `None`) or updates a post, in one transaction.
pub fn save(
    conn: &mut DbConn,
    user: &UserRow,
    existing: Option<i64>,
    draft: &PostDraft,
    action: SaveAction,
    now: NaiveDateTime,
) -> ServiceResult<PostRow> {
    write_transaction(conn, |conn| {
        let current = match existing {
            Some(id) => Some(editable(conn, user, id)?),
            None => {
                if !user.role.can_write() {
                    return Err(ServiceError::Forbidden(
                        "Your role cannot write posts.".into(),
                    ));
                }
                None
            }
        };
        let slug = choose_slug(conn, draft, current.as_ref())?;
        let excerpt = truncate_words(&markdown_plain_text(&draft.body_markdown), EXCERPT_CHARS);
        let was_published = current
            .as_ref()
            .is_some_and(|p| p.status == PostStatus::Published);
        let (status, published_at) = match action {
            SaveAction::Publish => (
                PostStatus::Published,
                draft
                    .publish_at
                    .or_else(|| {
                        current
                            .as_ref()
                            .filter(|_| was_published)
                            .and_then(|p| p.published_at)
                    })
                    .or(Some(now)),
            ),
            SaveAction::Unpublish => (
                PostStatus::Draft,
                draft
                    .publish_at
                    .or(current.as_ref().and_then(|p| p.published_at)),
            ),
            SaveAction::Save => (
                if was_published {
                    PostStatus::Published
                } else {
                    PostStatus::Draft
                },
                draft
                    .publish_at
                    .or(current.as_ref().and_then(|p| p.published_at)),
            ),
        };
        let write = PostWrite {
            slug: slug.as_str(),
            title: &draft.title,
            body_markdown: &draft.body_markdown,
            excerpt: &excerpt,
            status: status.as_str(),
            published_at,
            updated_at: now,
        };
        let saved = match &current {
            Some(p) => posts::update(conn, p.id, &write)?,
            None => posts::insert(conn, &write, user.id, now)?,
        };
        posts::remove_redirect(conn, slug.as_str())?;
        if let Some(old) = current.as_ref().filter(|p| p.slug != saved.slug) {
            posts::add_redirect(conn, &old.slug, saved.id)?;
        }
        posts::set_tags(conn, saved.id, &draft.tags)?;
        let what = match (current.is_some(), action) {
            (_, SaveAction::Publish) => Audit::PostPublish(saved.id),
            (_, SaveAction::Unpublish) => Audit::PostUnpublish(saved.id),
            (false, SaveAction::Save) => Audit::PostCreate(saved.id),
            (true, SaveAction::Save) => Audit::PostEdit(saved.id),
        };
        audit(conn, Some(user.id), what, &saved.title, now)?;
        Ok(saved)
    })
}

/// Publishes now (or keeps the scheduled time) or unpublishes, from the post list.
pub fn set_published(
    conn: &mut DbConn,
    user: &UserRow,
    id: i64,
    publish: bool,
    now: NaiveDateTime,
) -> ServiceResult<PostRow> {
    write_transaction(conn, |conn| {
        let post = editable(conn, user, id)?;
        if publish {
            // A post keeps its date: a scheduled one stays scheduled, a new one goes out now.
            posts::set_status(
                conn,
                id,
                PostStatus::Published,
                Some(post.published_at.unwrap_or(now)),
                now,
            )?;
        } else {
            posts::set_status(conn, id, PostStatus::Draft, post.published_at, now)?;
        }
        let what = if publish {
            Audit::PostPublish(id)
        } else {
            Audit::PostUnpublish(id)
        };
        audit(conn, Some(user.id), what, &post.title, now)?;
        posts::find(conn, id)?.ok_or(ServiceError::NotFound)
    })
}

/// Why a post with comments cannot be deleted.
pub fn deletion_refusal(comments: i64) -> String {
    format!(
        "This post has {comments} comment{} and cannot be deleted: nothing readers wrote may be lost. \
         Unpublish it instead; it then leaves the site and its comments are kept.",
        if comments == 1 { "" } else { "s" }
    )
}

/// Deletes a post for good, unless it has comments (of any status).
pub fn delete(
    conn: &mut DbConn,
    user: &UserRow,
    id: i64,
    now: NaiveDateTime,
) -> ServiceResult<PostRow> {
    write_transaction(conn, |conn| {
        let post = editable(conn, user, id)?;
        let comments = comments::count_on_post(conn, id)?;
        if comments > 0 {
            return Err(ServiceError::Conflict(deletion_refusal(comments)));
        }
        posts::delete(conn, id)?;
        audit(conn, Some(user.id), Audit::PostDelete(id), &post.title, now)?;
        Ok(post)
    })
}
