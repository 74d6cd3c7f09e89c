//! What the staff pages share: rendering with the signed-in user and a CSRF token,
//! redirects after a form, the notices after an action and the lists' paging.

use actix_web::HttpResponse;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::http::error::AppError;
use crate::http::extractors::{Permission, RequireRole};
use crate::http::middleware::csrf::Csrf;
use crate::http::render::{Page, page_data, render_value};
use crate::http::state::AppState;
use crate::service::ServiceResult;
use crate::storage::DbConn;

/// Renders a staff page with the signed-in user and a CSRF token in the context.
pub(crate) async fn admin_render<P: Permission>(
    state: &AppState,
    who: &RequireRole<P>,
    csrf: &Csrf,
    page: Page,
    data: impl Serialize,
) -> Result<HttpResponse, AppError> {
    let mut data = page_data(data)?;
    if let Value::Object(map) = &mut data {
        map.insert("user".into(), json!(who.view()));
        map.insert("csrf".into(), json!(csrf.token()));
        map.entry("notice").or_insert(Value::Null);
    }
    render_value(state, page.noindex(), data).await
}

/// Whether `path` is an address on this site under `prefix` that can go back out in a
/// `Location` header as it is: no other host (`//`, `\\`), and only visible ASCII, so a
/// typed CR/LF or other byte can neither split the header nor fail the response.
pub(crate) fn is_local_path(path: &str, prefix: &str) -> bool {
    path.starts_with(prefix)
        && !path.starts_with("//")
        && !path.contains('\\')
        && path.bytes().all(|b| b.is_ascii_graphic())
}

/// A 303 to `to`, after a form did what it asked.
pub(crate) fn see_other(to: impl Into<String>) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header(("Location", to.into()))
        .finish()
}

/// The message shown after a staff action, chosen from a fixed list by the `done`
/// query parameter so that nothing typed is reflected.
pub(super) fn notice(done: Option<&str>) -> Option<&'static str> {
    Some(match done? {
        "saved" => "Saved.",
        "published" => "Published.",
        "scheduled" => "Scheduled: the post will appear at its publication time.",
        "unpublished" => "Unpublished: the post is no longer on the site.",
        "deleted" => "Deleted.",
        "password" => "Your password has been changed. Other sessions have been signed out.",
        "notifications" => "Your e-mail settings are saved.",
        "two-factor-required" => {
            "This site asks admins to sign in with a code as well as a password. Set up \
             two-factor sign-in below to use the staff pages."
        }
        "two-factor-off" => "Two-factor sign-in is off: you sign in with your password alone.",
        "signed-out-others" => "Every other session of your account has been signed out.",
        "user-created" => "Account created.",
        "user-disabled" => "Account disabled and signed out.",
        "user-enabled" => "Account enabled.",
        "approve" => "Approved and published.",
        "reject" => "Rejected.",
        "spam" => "Marked as spam; the spam score has learned from it.",
        "edit" => "Edited; the original is kept in the history.",
        "ban" => "Banned: their next comments will not be published.",
        "unban" => "Ban lifted.",
        "trust" => "Trusted: their comments skip the soft rules.",
        "untrust" => "No longer trusted.",
        "dismissed" => {
            "Reports dismissed: the comment stays on the post, and each reader who left an e-mail is told."
        }
        "erased" => "The reader's personal data is erased.",
        "thread" => "Thread setting saved.",
        "flood" => "Flood closure lifted: comments are open again.",
        "paused" => "Comments are now closed across the whole site.",
        "resumed" => "Comments are open again across the site.",
        "appeal-published" => "Appeal decided: the comment is published, and its writer is told.",
        "appeal-upheld" => "Appeal decided: the rejection stands, and its writer is told.",
        "held" => "Every comment across the site is now held for a moderator before it appears.",
        "unheld" => "Comments follow each post's setting again: the site-wide hold is off.",
        _ => return None,
    })
}

/// A staff page's query when it only says what was just done.
#[derive(Deserialize)]
pub(super) struct DoneQuery {
    pub(super) done: Option<String>,
}

/// A staff list's query: which page, and what was just done.
#[derive(Deserialize)]
pub(super) struct ListQuery {
    pub(super) done: Option<String>,
    pub(super) page: Option<u32>,
}

/// Rows on each page of the staff lists (posts, threads).
pub(super) const ADMIN_PER_PAGE: u32 = 50;

/// A query parameter's trimmed value, if it has one.
pub(super) fn non_empty(v: &Option<String>) -> Option<String> {
    v.as_ref()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
}

/// `path?filters&page=`: the link to another page of a filtered staff list, the filters
/// that are set kept, the page number to be added.
pub(super) fn page_prefix(path: &str, filters: &[(&str, &Option<String>)]) -> String {
    let set: Vec<(&str, &str)> = filters
        .iter()
        .filter_map(|&(name, value)| Some((name, value.as_deref()?.trim())))
        .filter(|(_, v)| !v.is_empty())
        .collect();
    match serde_urlencoded::to_string(set) {
        Ok(query) if !query.is_empty() => format!("{path}?{query}&page="),
        _ => format!("{path}?page="),
    }
}

/// The counts on the queue's Reported and Appeals tabs, which every queue tab shows.
#[derive(Serialize)]
pub(super) struct QueueTabs {
    /// Comments with open reports.
    reported: i64,
    /// Appeals waiting for a moderator.
    appeals_open: i64,
}

impl QueueTabs {
    /// Counts them now.
    pub(super) fn load(conn: &mut DbConn) -> ServiceResult<QueueTabs> {
        Ok(QueueTabs {
            reported: crate::service::reports::reported_count(conn)?,
            appeals_open: crate::service::appeals::open_count(conn)?,
        })
    }
}
