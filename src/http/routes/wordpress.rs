//! Old WordPress addresses, answered with a permanent redirect to the page they now
//! are: `/?p=ID`, date and plain permalinks, category and tag pages, date archives and
//! the feeds. These routes are registered after every other, so they never shadow one.

use actix_web::http::header::LOCATION;
use actix_web::{HttpRequest, HttpResponse, get, routes, web};
use serde::Deserialize;

use crate::http::error::AppError;
use crate::http::now;
use crate::http::state::AppState;
use crate::service::wordpress;

/// Registers the old-address routes (after the site's own).
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(feed)
        .service(feed_kind)
        .service(comments_feed)
        .service(term_feed)
        .service(post_feed)
        .service(category_page)
        .service(tag_page)
        .service(paged)
        .service(year)
        .service(month)
        .service(day)
        .service(permalink);
}

/// A 301 to a path on this site.
pub fn moved(to: impl Into<String>) -> HttpResponse {
    HttpResponse::MovedPermanently()
        .insert_header((LOCATION, to.into()))
        .finish()
}

fn to_post(slug: &str) -> HttpResponse {
    moved(format!("/posts/{slug}"))
}

/// The query parameters WordPress addresses carry on the home page.
#[derive(Debug, Default, Deserialize)]
pub struct OldQuery {
    /// `/?p=ID`: a post.
    p: Option<String>,
    /// `/?page_id=ID`: a page.
    page_id: Option<String>,
    /// `/?feed=rss2` and friends.
    feed: Option<String>,
    /// `/?s=words`: a search.
    s: Option<String>,
    /// `/?tag=slug`.
    tag: Option<String>,
}

impl OldQuery {
    /// True when the home page was asked for with a WordPress query.
    pub fn is_old(&self) -> bool {
        self.p.is_some()
            || self.page_id.is_some()
            || self.feed.is_some()
            || self.s.is_some()
            || self.tag.is_some()
    }
}

fn feed_path(kind: &str) -> &'static str {
    if kind.contains("atom") {
        "/feed.atom"
    } else {
        "/feed.rss"
    }
}

/// Answers a home-page request that carries a WordPress query.
pub async fn old_query(state: &web::Data<AppState>, q: OldQuery) -> Result<HttpResponse, AppError> {
    if let Some(kind) = q.feed {
        return Ok(moved(feed_path(&kind)));
    }
    if let Some(words) = q.s {
        let words: String = url::form_urlencoded::byte_serialize(words.as_bytes()).collect();
        return Ok(moved(format!("/search?q={words}")));
    }
    if let Some(t) = q.tag {
        let slug = state.db(move |c| wordpress::tag(c, &t)).await?;
        return Ok(moved(format!("/tags/{slug}")));
    }
    let id =
        q.p.or(q.page_id)
            .and_then(|id| id.trim().parse::<i64>().ok())
            .ok_or(AppError::NotFound)?;
    let slug = state
        .db(move |c| wordpress::post_for_id(c, id, now()))
        .await?;
    Ok(to_post(&slug))
}

#[get("/feed{tail:/?}")]
async fn feed() -> HttpResponse {
    moved("/feed.rss")
}

#[get("/feed/{kind}{tail:/?}")]
async fn feed_kind(kind: web::Path<(String, String)>) -> HttpResponse {
    moved(feed_path(&kind.0))
}

#[get("/comments/feed{tail:(/[a-z0-9-]+)?/?}")]
async fn comments_feed() -> HttpResponse {
    moved("/feed.rss")
}

#[get("/{taxonomy:category|tag}/{slug}/feed{tail:(/[a-z0-9-]+)?/?}")]
async fn term_feed() -> HttpResponse {
    moved("/feed.rss")
}

#[get("/{slug}/feed{tail:(/[a-z0-9-]+)?/?}")]
async fn post_feed() -> HttpResponse {
    moved("/feed.rss")
}

async fn to_tag(state: web::Data<AppState>, slug: String) -> Result<HttpResponse, AppError> {
    let slug = state.db(move |c| wordpress::tag(c, &slug)).await?;
    Ok(moved(format!("/tags/{slug}")))
}

#[get("/category/{slug:.+?}{tail:/?}")]
async fn category_page(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    // Nested categories (`/category/parent/child/`): the last one is the tag.
    let slug = path.0.rsplit('/').next().unwrap_or_default().to_owned();
    to_tag(state, slug).await
}

#[get("/tag/{slug}{tail:/?}")]
async fn tag_page(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    to_tag(state, path.into_inner().0).await
}

#[get("/page/{n:\\d+}{tail:/?}")]
async fn paged(path: web::Path<(u32, String)>) -> HttpResponse {
    moved(format!("/?page={}", path.0))
}

#[get("/{year:\\d{4}}/")]
async fn year() -> HttpResponse {
    moved("/archive")
}

#[get("/{year:\\d{4}}/{month:\\d{2}}/")]
async fn month(path: web::Path<(u32, u32)>) -> HttpResponse {
    moved(format!("/archive/{}/{:02}", path.0, path.1))
}

#[get("/{year:\\d{4}}/{month:\\d{2}}/{day:\\d{2}}/")]
async fn day(path: web::Path<(u32, u32, u32)>) -> HttpResponse {
    moved(format!("/archive/{}/{:02}", path.0, path.1))
}

/// A post's permalink in any of WordPress's shapes: `/2019/05/04/slug/`,
/// `/2019/05/slug/`, `/parent-page/slug/` and `/slug/`.
#[routes]
#[get("/{year:\\d{4}}/{month:\\d{2}}/{day:\\d{2}}/{slug}{tail:/?}")]
#[get("/{year:\\d{4}}/{month:\\d{2}}/{slug}{tail:/?}")]
#[get("/{parent}/{slug}/")]
#[get("/{slug}/")]
async fn permalink(state: web::Data<AppState>, req: HttpRequest) -> Result<HttpResponse, AppError> {
    let slug = req.match_info().query("slug").to_owned();
    let slug = state
        .db(move |c| wordpress::post_for_slug(c, &slug, now()))
        .await?;
    Ok(to_post(&slug))
}
