//! Micro-caching: a whole public page, as an anonymous reader gets it, kept in memory for
//! `page_cache_seconds` (2 by default) so a storm of readers on one thread costs one
//! render a second, not one per reader.
//!
//! Only pages that are the same for every anonymous reader are kept: what `caching`
//! marked `public`, and post pages with an open comment form, whose two per-reader
//! tokens are placeholders filled in as each copy leaves (`reader_tokens`). A signed-in
//! browser's HTML pages (the moderation queue, say) are kept for that browser alone,
//! under a hash of its session and CSRF cookies; once older than the cache's seconds,
//! only served after its session is checked again (see `may_see`). Pages that set a
//! cookie always render afresh, and so do pages for a browser that has just written
//! while a read replica may lag behind it (`replica`). Every request that may have changed
//! something (any method but GET and HEAD, unless it was refused) empties this server's
//! cache, so a commenter or a moderator sees their own change on their next page. Other
//! app servers sharing the database, and changes that come with time alone (a scheduled
//! post appearing), show within the cache's seconds; browsers and proxies are already
//! told they may reuse a page for `public_cache_seconds`, which is longer.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use actix_web::body::{BoxBody, MessageBody, to_bytes};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{
    ACCEPT, ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_TYPE, ETAG, HeaderMap,
    HeaderName, HeaderValue, SET_COOKIE, VARY,
};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, web};

use super::caching::not_modified;
use super::csrf::cookie_names_for;
use super::reader_tokens::{self, Slots};
use crate::http::error::AppError;
use crate::http::now;
use crate::http::page_parts::PageParts;
use crate::http::state::AppState;
use crate::service::auth::{self, token_hash};

/// The most memory the pages may take, in bytes (pages larger than an eighth of it are
/// not kept).
const CAPACITY_BYTES: u64 = 32 * 1024 * 1024;

/// Tells whether a response came from the cache (`hit`) or was rendered (`miss`).
pub const CACHE_STATUS: HeaderName = HeaderName::from_static("x-page-cache");

/// How long past its seconds a page may still be served while one request renders its
/// replacement (if that request fails, everyone renders again after this).
const STALE_GRACE: Duration = Duration::from_secs(10);

/// One kept page.
struct Entry {
    stored: Instant,
    generation: u64,
    /// Set by the one request that renders the replacement of an expired page.
    refreshing: AtomicBool,
    /// False for a marker saying "this URL gave a page for one reader": each request
    /// renders its own until the marker expires.
    shareable: bool,
    /// The page has placeholders for each reader's form tokens (`reader_tokens`).
    slots: Option<Slots>,
    headers: Vec<(HeaderName, HeaderValue)>,
    page: Arc<PageParts>,
}

impl Entry {
    /// A page every anonymous reader may be given (with their own tokens in its slots).
    fn page(
        generation: u64,
        headers: Vec<(HeaderName, HeaderValue)>,
        page: PageParts,
        slots: Option<Slots>,
    ) -> Self {
        Entry {
            stored: Instant::now(),
            generation,
            refreshing: AtomicBool::new(false),
            shareable: true,
            slots,
            headers,
            page: Arc::new(page),
        }
    }

    /// A marker: this URL's page is rendered for every request for a while.
    fn marker(generation: u64) -> Self {
        Entry {
            shareable: false,
            ..Entry::page(
                generation,
                Vec::new(),
                PageParts::cut(Bytes::new(), []),
                None,
            )
        }
    }
}

/// What the cache has for a request.
enum Lookup {
    /// A page to serve.
    Serve(Arc<Entry>),
    /// Render (and keep the result if it may be shared).
    Render,
    /// Nothing kept: the first request renders, the others wait for its page.
    Absent,
}

/// A page's weight: its body and headers, never zero.
#[derive(Clone)]
struct ByBytes;

impl quick_cache::Weighter<String, Arc<Entry>> for ByBytes {
    fn weight(&self, key: &String, entry: &Arc<Entry>) -> u64 {
        let headers: usize = entry
            .headers
            .iter()
            .map(|(n, v)| n.as_str().len() + v.len())
            .sum();
        (key.len() + headers + entry.page.len() + 64) as u64
    }
}

/// The pages of one app server.
pub struct PageCache {
    ttl: Duration,
    /// Bumped by every request that may write; pages kept under an older one are stale.
    generation: AtomicU64,
    pages: quick_cache::sync::Cache<String, Arc<Entry>, ByBytes>,
}

impl PageCache {
    /// A cache keeping pages for `seconds` (0: nothing is kept).
    pub fn new(seconds: u32) -> Self {
        PageCache {
            ttl: Duration::from_secs(seconds.into()),
            generation: AtomicU64::new(0),
            pages: quick_cache::sync::Cache::with_weighter(1024, CAPACITY_BYTES, ByBytes),
        }
    }

    /// A page within its seconds is served. Once it expires, the first request renders
    /// the new one while the others are still served the old one ("stale while
    /// revalidate"), so a crowd of readers never renders the same page at once. A page
    /// from before a write is never served.
    fn lookup(&self, key: &str) -> Lookup {
        let Some(entry) = self.pages.get(key) else {
            return Lookup::Absent;
        };
        let age = entry.stored.elapsed();
        if !self.current(&entry) || (!entry.shareable && age >= self.ttl) {
            self.pages.remove(key);
            return Lookup::Absent;
        }
        if !entry.shareable {
            return Lookup::Render;
        }
        if age < self.ttl {
            return Lookup::Serve(entry);
        }
        if age < self.ttl + STALE_GRACE && entry.refreshing.swap(true, Ordering::AcqRel) {
            return Lookup::Serve(entry);
        }
        Lookup::Render
    }

    /// True when no write happened since the entry was rendered.
    fn current(&self, entry: &Entry) -> bool {
        entry.generation == self.generation.load(Ordering::Acquire)
    }

    /// Forgets every page (something may have changed).
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        self.pages.clear();
    }
}

/// Who a kept page is for.
enum Audience {
    /// Every anonymous reader.
    Everyone,
    /// One signed-in browser: its session token, checked again before each kept page.
    Session(String),
}

/// The cache key: the path and query, what the reader accepts (a JSON request for the
/// same URL gets a different answer) and, for staff, a hash of the browser's session and
/// CSRF cookies (their pages carry tokens bound to both).
fn key_for(req: &ServiceRequest) -> Option<(String, Audience)> {
    if req.method() != Method::GET || super::replica::wrote_recently(req) {
        return None;
    }
    let accept = req
        .headers()
        .get(ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let key = format!("{}\n{accept}", req.uri());
    let names = cookie_names_for(req.request());
    match req.cookie(names.session) {
        None => Some((key, Audience::Everyone)),
        Some(session) => {
            let seed = req.cookie(names.csrf);
            let browser = token_hash(&format!(
                "{}\n{}",
                session.value(),
                seed.as_ref().map_or("", |c| c.value())
            ));
            Some((
                format!("{key}\n{browser}"),
                Audience::Session(session.value().to_owned()),
            ))
        }
    }
}

/// True when a kept page may go to this request: always for anonymous readers. A
/// signed-in browser's page goes to it without a database round trip while the page is
/// younger than the cache's seconds: the handler that rendered it for these very cookies
/// checked the session then, and a sign-out, password change or disabled account on this
/// server empties the cache. An older page (served while its replacement renders) goes
/// only once the session is checked again, as it may have ended on another app server or
/// expired meanwhile. So such an ending reaches this server's kept pages within
/// `page_cache_seconds`; every action (a POST) checks the session in the database.
async fn may_see(req: &ServiceRequest, audience: &Audience, entry: &Entry, ttl: Duration) -> bool {
    let Audience::Session(token) = audience else {
        return true;
    };
    if entry.stored.elapsed() < ttl {
        return true;
    }
    let Some(state) = req.app_data::<web::Data<AppState>>() else {
        return false;
    };
    let token = token.clone();
    let limits = auth::SessionLimits::of(&state.settings);
    state
        .db(move |c| auth::session_user(c, &token, now(), limits))
        .await
        .is_ok_and(|user| user.is_some())
}

/// True for a response every anonymous reader may share: what `caching` made public, or
/// a page whose only per-reader parts are its token slots; with no cookie.
fn shareable(headers: &HeaderMap, status: StatusCode, slots: bool) -> bool {
    status == StatusCode::OK
        && !headers.contains_key(SET_COOKIE)
        && (slots
            || headers
                .get(CACHE_CONTROL)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.starts_with("public")))
}

/// True for a staff page that may be kept for its own browser: an HTML page (not a
/// download) that sets no cookie.
fn keepable_for_session(headers: &HeaderMap, status: StatusCode) -> bool {
    status == StatusCode::OK
        && !headers.contains_key(SET_COOKIE)
        && headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html"))
}

/// Refusals that wrote nothing (bad form, CSRF, no such page, too large, throttled), so
/// they need not empty the cache: a flood of them must not make every reader's page
/// render afresh.
pub(super) fn refused_untouched(status: StatusCode) -> bool {
    matches!(status.as_u16(), 400 | 403 | 404 | 405 | 413 | 429)
}

/// Serves kept pages, keeps new ones and forgets them all on any write (module notes).
pub async fn page_cache(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let Some(cache) = req
        .app_data::<web::Data<PageCache>>()
        .cloned()
        .filter(|c| !c.ttl.is_zero())
    else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    if !matches!(*req.method(), Method::GET | Method::HEAD) {
        // Once the write is done: a page rendered meanwhile was stored under the old
        // generation, so it is stale from here on too.
        let res = next.call(req).await?.map_into_boxed_body();
        if !refused_untouched(res.status()) {
            cache.invalidate();
        }
        return Ok(res);
    }
    let Some((key, audience)) = key_for(&req) else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    // Read before rendering: a write that lands during the render makes the page stale.
    let generation = cache.generation.load(Ordering::Acquire);
    let mut placeholder = None;
    let kept = match cache.lookup(&key) {
        Lookup::Serve(entry) => Some(entry),
        Lookup::Render => None,
        Lookup::Absent => match cache.pages.get_value_or_guard_async(&key).await {
            Ok(entry) if entry.shareable && cache.current(&entry) => Some(entry),
            Ok(_) => None,
            Err(guard) => {
                placeholder = Some(guard);
                None
            }
        },
    };
    if let Some(entry) = kept {
        if may_see(&req, &audience, &entry, cache.ttl).await {
            return serve(req.into_parts().0, &entry, "hit").await;
        }
        // Signed out or expired: the handler says so (a sign-in redirect).
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    let res = next.call(req).await?.map_into_boxed_body();
    let keep = |entry: Arc<Entry>| match placeholder {
        Some(guard) => drop(guard.insert(entry)),
        None => cache.pages.insert(key, entry),
    };
    let slots = res.response().extensions().get::<Slots>().copied();
    let keepable = match audience {
        Audience::Everyone => shareable(res.headers(), res.status(), slots.is_some()),
        Audience::Session(_) => keepable_for_session(res.headers(), res.status()),
    };
    if !keepable {
        // A page for one request (one that set a cookie, say) or an error: requests
        // waiting for it render their own, and so do the next ones for a while.
        keep(Arc::new(Entry::marker(generation)));
        return Ok(res);
    }
    let (http_req, res) = res.into_parts();
    let (head, body) = res.into_parts();
    let body = to_bytes(body)
        .await
        .map_err(|e| AppError::Internal(format!("reading a page to keep it: {e}")))?;
    if body.len() as u64 >= CAPACITY_BYTES / 8 {
        // Too big to keep: rendered for everyone, like a page for one reader (its tokens
        // go in outside, in `reader_tokens::fill`).
        keep(Arc::new(Entry::marker(generation)));
        let mut res = head.set_body(BoxBody::new(body));
        if let Some(slots) = slots {
            res.extensions_mut().insert(slots);
        }
        return Ok(ServiceResponse::new(http_req, res));
    }
    let headers = head
        .headers()
        .iter()
        .map(|(n, v)| (n.clone(), v.clone()))
        .collect();
    let entry = Arc::new(Entry::page(
        generation,
        headers,
        reader_tokens::cut(body),
        slots,
    ));
    // Compressed before it is kept, by the request that rendered it, so readers arriving
    // later never wait for the deflating (a crowd of them used to, each holding one of
    // the blocking threads the database calls need too).
    gzip_for(&http_req, &entry.page).await?;
    keep(entry.clone());
    serve(http_req, &entry, "miss").await
}

/// Pages shorter than this are sent as they are (compressing them saves too little).
const MIN_GZIP: usize = 1024;

/// True when the request accepts gzip (and does not refuse it with `q=0`).
fn accepts_gzip(req: &HttpRequest) -> bool {
    req.headers()
        .get_all(ACCEPT_ENCODING)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|item| {
            let mut params = item.split(';');
            let name = params.next().unwrap_or("").trim();
            let refused = params.any(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            name.eq_ignore_ascii_case("gzip") && !refused
        })
}

/// True when this reader gets the page gzipped, once it is compressed (on the blocking
/// pool: milliseconds for a long page).
async fn gzip_for(req: &HttpRequest, page: &Arc<PageParts>) -> Result<bool, AppError> {
    if page.len() < MIN_GZIP || !accepts_gzip(req) {
        return Ok(false);
    }
    if !page.is_compressed() {
        let page = page.clone();
        web::block(move || page.compress()).await?;
    }
    Ok(true)
}

/// A kept page as the answer to `req` (304 when the reader has it already), with this
/// reader's tokens in its places, gzip-compressed once per page when the reader accepts
/// it (see `page_parts`).
async fn serve(
    req: HttpRequest,
    entry: &Entry,
    how: &'static str,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let etag = entry
        .headers
        .iter()
        .find(|(n, _)| n == ETAG)
        .and_then(|(_, v)| v.to_str().ok());
    let unchanged = etag.is_some_and(|tag| not_modified(&req, tag));
    let mut res = if unchanged {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    for (name, value) in &entry.headers {
        res.insert_header((name.clone(), value.clone()));
    }
    res.insert_header((CACHE_STATUS, HeaderValue::from_static(how)));
    if unchanged {
        return Ok(ServiceResponse::new(req, res.finish()));
    }
    let tokens = match entry.slots {
        Some(slots) => reader_tokens::tokens(&req, slots.post_id).await?,
        None => Vec::new(),
    };
    let page = &entry.page;
    if gzip_for(&req, page).await?
        && let Some(gz) = page.gzipped(&tokens)
    {
        res.insert_header((CONTENT_ENCODING, HeaderValue::from_static("gzip")));
        res.insert_header((VARY, HeaderValue::from_static("accept-encoding")));
        return Ok(ServiceResponse::new(req, res.body(gz)));
    }
    Ok(ServiceResponse::new(req, res.body(page.plain(&tokens))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_cookieless_successes_are_shared() {
        let mut h = HeaderMap::new();
        assert!(
            !shareable(&h, StatusCode::OK, false),
            "no Cache-Control: not public"
        );
        h.insert(
            CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=60"),
        );
        assert!(shareable(&h, StatusCode::OK, false));
        assert!(!shareable(&h, StatusCode::NOT_FOUND, false));
        h.insert(SET_COOKIE, HeaderValue::from_static("a=b"));
        assert!(
            !shareable(&h, StatusCode::OK, false),
            "a cookie is one reader's"
        );
        let mut private = HeaderMap::new();
        private.insert(CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
        assert!(!shareable(&private, StatusCode::OK, false));
        assert!(
            shareable(&private, StatusCode::OK, true),
            "a page whose only per-reader parts are its slots is shared"
        );
        assert!(!shareable(&private, StatusCode::ACCEPTED, true));
    }

    #[test]
    fn a_write_makes_every_kept_page_stale_and_time_makes_one_refresh() {
        let cache = PageCache::new(60);
        let fresh = |key: &str| matches!(cache.lookup(key), Lookup::Serve(_));
        let entry = |generation| {
            Arc::new(Entry::page(
                generation,
                Vec::new(),
                reader_tokens::cut(Bytes::from_static(b"page")),
                None,
            ))
        };
        cache.pages.insert("/".into(), entry(0));
        assert!(fresh("/"));
        cache.invalidate();
        assert!(!fresh("/"));
        // A page rendered before the write but stored after it is stale too.
        cache.pages.insert("/".into(), entry(0));
        assert!(!fresh("/"));
        // And a page older than the cache's seconds.
        let expired = |age| {
            let mut e = Entry::page(
                cache.generation.load(Ordering::Acquire),
                Vec::new(),
                reader_tokens::cut(Bytes::from_static(b"page")),
                None,
            );
            e.stored = Instant::now() - Duration::from_secs(age);
            Arc::new(e)
        };
        // Expired: the first request renders, the others get the old page meanwhile.
        cache.pages.insert("/old".into(), expired(61));
        assert!(!fresh("/old"), "the first renders");
        assert!(fresh("/old"), "the second is served the old page");
        assert!(fresh("/old"));
        // ... but not for ever, should the renderer never come back.
        cache.pages.insert("/older".into(), expired(60 + 11));
        assert!(!fresh("/older"));
        assert!(!fresh("/older"));
    }
}
