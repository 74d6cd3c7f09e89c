//! Old WordPress addresses: which Townhall page each now leads to. Only public posts
//! are pointed to, so an old address never reveals a draft; anything unknown is the
//! ordinary "not found".

use chrono::NaiveDateTime;

use super::{ServiceError, ServiceResult};
use crate::import::posts::decode_slug;
use crate::storage::{DbConn, posts, wordpress};

/// The slug of the public post a WordPress post id (`/?p=ID`) became.
pub fn post_for_id(conn: &mut DbConn, wp_id: i64, now: NaiveDateTime) -> ServiceResult<String> {
    wordpress::public_slug_for_id(conn, wp_id, now)?.ok_or(ServiceError::NotFound)
}

/// The slug of the public post an old permalink's slug (`/2019/05/slug/`, `/slug/`)
/// leads to: an imported post's WordPress slug, an old Townhall slug, or a current one.
pub fn post_for_slug(conn: &mut DbConn, slug: &str, now: NaiveDateTime) -> ServiceResult<String> {
    let wp_slug = decode_slug(slug);
    if let Some(s) = wordpress::public_slug_for_wp_slug(conn, &wp_slug, now)? {
        return Ok(s);
    }
    let current = match posts::redirect_target(conn, &wp_slug)? {
        Some(moved) => moved,
        None => wp_slug,
    };
    posts::find_public_by_slug(conn, &current, now)?
        .map(|p| p.slug)
        .ok_or(ServiceError::NotFound)
}

/// The slug of an existing tag (WordPress categories and tags both became tags).
pub fn tag(conn: &mut DbConn, slug: &str) -> ServiceResult<String> {
    posts::find_tag(conn, &decode_slug(slug))?
        .map(|t| t.slug)
        .ok_or(ServiceError::NotFound)
}
