//! Reader pages: home, post, tags, archive, search, health.

use actix_web::{HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::http::error::AppError;
use crate::http::middleware::replica::Reads;
use crate::http::now;
use crate::http::render::{Page, render};
use crate::http::state::AppState;
use crate::service::site::{self, ArchiveMonth, Paged, PostSummary, TagView};

/// A page of posts (the home page, a topic's) and the link to its other pages, without
/// the number.
#[derive(Serialize)]
struct PostsPage {
    list: Paged<PostSummary>,
    page_prefix: String,
}

/// Every topic.
#[derive(Serialize)]
struct TagsPage {
    tags: Vec<TagView>,
}

/// One topic's posts.
#[derive(Serialize)]
struct TagPage {
    tag: TagView,
    #[serde(flatten)]
    posts: PostsPage,
}

/// The archive's months.
#[derive(Serialize)]
struct ArchivePage {
    months: Vec<ArchiveMonth>,
}

/// One month's posts.
#[derive(Serialize)]
struct MonthPage {
    label: String,
    posts: Vec<PostSummary>,
}

/// The search form and, once asked, a page of results.
#[derive(Serialize)]
struct SearchPage {
    query: String,
    list: Option<Paged<PostSummary>>,
    page_prefix: String,
}

/// Registers the reader routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(home)
        .service(post)
        .service(tags_index)
        .service(tag)
        .service(archive)
        .service(archive_month)
        .service(search)
        .service(healthz);
}

#[derive(Deserialize)]
struct PageQuery {
    page: Option<u32>,
}

fn page_path(base: &str, page: u32) -> String {
    if page <= 1 {
        base.to_owned()
    } else {
        format!("{base}?page={page}")
    }
}

#[get("/")]
async fn home(
    state: web::Data<AppState>,
    reads: Reads,
    q: web::Query<PageQuery>,
    old: web::Query<super::wordpress::OldQuery>,
) -> Result<HttpResponse, AppError> {
    if old.is_old() {
        return super::wordpress::old_query(&state, old.into_inner()).await;
    }
    let page = q.page.unwrap_or(1);
    let per = state.settings.posts_per_page;
    let list = reads.db(move |c| site::home(c, page, per, now())).await?;
    let title = if page > 1 {
        format!("{} — page {page}", state.settings.site_title)
    } else {
        state.settings.site_title.clone()
    };
    render(
        &state,
        Page::new("public/home", title).canonical(page_path("/", page)),
        PostsPage {
            list,
            page_prefix: "/?page=".into(),
        },
    )
    .await
}

#[get("/posts/{slug}")]
async fn post(
    state: web::Data<AppState>,
    reads: Reads,
    slug: web::Path<String>,
    q: web::Query<super::comments::PostQuery>,
) -> Result<HttpResponse, AppError> {
    super::comments::post_page(state, reads, slug.into_inner(), q.into_inner()).await
}

#[get("/tags")]
async fn tags_index(state: web::Data<AppState>, reads: Reads) -> Result<HttpResponse, AppError> {
    let tags = reads.db(|c| site::tags(c, now())).await?;
    render(
        &state,
        Page::new("public/tags", "Topics").canonical("/tags"),
        TagsPage { tags },
    )
    .await
}

#[get("/tags/{slug}")]
async fn tag(
    state: web::Data<AppState>,
    reads: Reads,
    slug: web::Path<String>,
    q: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    let page = q.page.unwrap_or(1);
    let per = state.settings.posts_per_page;
    let slug = slug.into_inner();
    let (tag, list) = reads
        .db(move |c| site::tag(c, &slug, page, per, now()))
        .await?;
    let base = format!("/tags/{}", tag.slug);
    let p = Page::new("public/tag", format!("Posts tagged “{}”", tag.name))
        .canonical(page_path(&base, page));
    render(
        &state,
        p,
        TagPage {
            tag,
            posts: PostsPage {
                list,
                page_prefix: format!("{base}?page="),
            },
        },
    )
    .await
}

#[get("/archive")]
async fn archive(state: web::Data<AppState>, reads: Reads) -> Result<HttpResponse, AppError> {
    let months = reads.db(|c| site::archive(c, now())).await?;
    render(
        &state,
        Page::new("public/archive", "Archive").canonical("/archive"),
        ArchivePage { months },
    )
    .await
}

#[get("/archive/{year}/{month}")]
async fn archive_month(
    state: web::Data<AppState>,
    reads: Reads,
    path: web::Path<(i32, u32)>,
) -> Result<HttpResponse, AppError> {
    let (year, month) = path.into_inner();
    let (label, posts) = reads
        .db(move |c| site::archive_month(c, year, month, now()))
        .await?;
    let p = Page::new("public/archive_month", format!("Posts from {label}"))
        .canonical(format!("/archive/{year}/{month:02}"));
    render(&state, p, MonthPage { label, posts }).await
}

#[derive(Deserialize)]
struct SearchQuery {
    #[serde(default)]
    q: String,
    page: Option<u32>,
}

/// Longest search query we read, in characters.
const MAX_QUERY: usize = 200;

#[get("/search")]
async fn search(
    state: web::Data<AppState>,
    reads: Reads,
    q: web::Query<SearchQuery>,
) -> Result<HttpResponse, AppError> {
    let SearchQuery { q, page } = q.into_inner();
    let query: String = q.trim().chars().take(MAX_QUERY).collect();
    let page = page.unwrap_or(1);
    let per = state.settings.posts_per_page;
    let list = if query.is_empty() {
        None
    } else {
        let qq = query.clone();
        Some(
            reads
                .db(move |c| site::search(c, &qq, page, per, now()))
                .await?,
        )
    };
    let base = format!(
        "/search?q={}",
        url::form_urlencoded::byte_serialize(query.as_bytes()).collect::<String>()
    );
    let title = if query.is_empty() {
        "Search".to_owned()
    } else {
        format!("Search results for “{query}”")
    };
    let mut res = render(
        &state,
        Page::new("public/search", title).noindex(),
        SearchPage {
            query,
            list,
            page_prefix: format!("{base}&page="),
        },
    )
    .await?;
    // Kept out of search engines, but the same for every reader: the caching layer may
    // share it like any public page.
    res.headers_mut()
        .remove(actix_web::http::header::CACHE_CONTROL);
    Ok(res)
}

#[get("/healthz")]
async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    let backend = state
        .settings
        .db_target()
        .map(|t| t.backend_name())
        .unwrap_or("unknown");
    // A write, not just a read: a database that answers but refuses writes (a full
    // disk, a read-only file, a primary demoted to a replica) cannot take comments.
    let stamp = now().format("%Y-%m-%dT%H:%M:%S").to_string();
    let ok = state
        .db(move |c| {
            crate::storage::write_transaction(c, |c| {
                crate::storage::meta::set(c, "health_written_at", &stamp)
            })
            .map(|_| ())
            .map_err(crate::service::ServiceError::Db)
        })
        .await;
    // A replica that lags or is down slows nothing and takes no page down (its reads go
    // to the primary), so it is reported, not counted against the server's health.
    let replica = match state.replica.clone() {
        None => serde_json::Value::Null,
        Some(replica) => match web::block(move || replica.status()).await {
            Ok(Ok(Some(replayed))) => json!({ "status": "ok", "replayed": replayed.to_string() }),
            Ok(Ok(None)) => json!({ "status": "not a replica (not in recovery)" }),
            Ok(Err(e)) => json!({ "status": "unavailable", "error": e }),
            Err(e) => json!({ "status": "unavailable", "error": e.to_string() }),
        },
    };
    match ok {
        Ok(()) => HttpResponse::Ok()
            .insert_header(("Cache-Control", "no-store"))
            .json(json!({ "status": "ok", "database": backend, "replica": replica })),
        Err(e) => HttpResponse::ServiceUnavailable()
            .insert_header(("Cache-Control", "no-store"))
            .json(json!({ "status": "unavailable", "database": backend, "error": e.to_string() })),
    }
}
