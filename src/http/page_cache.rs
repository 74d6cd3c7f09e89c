//! Micro-caching: a whole public page, as an anonymous reader gets it, kept in memory for
//! `page_cache_seconds` (2 by default) so a storm of readers on one thread costs one
//! render a second, not one per reader.
//!
//! Only what `caching` already marked `public` is kept (the pages that are the same for
//! every anonymous reader, with no form token and no cookie); staff, and pages with an
//! open comment form, always render afresh. Every request that may have changed
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
    ACCEPT, CACHE_CONTROL, ETAG, HeaderMap, HeaderName, HeaderValue, SET_COOKIE,
};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::web::Bytes;
use actix_web::{HttpResponse, web};

use super::caching::not_modified;
use super::csrf::SESSION_COOKIE;
use crate::error::AppError;

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
    headers: Vec<(HeaderName, HeaderValue)>,
    body: Bytes,
}

impl Entry {
    /// A page every anonymous reader may be given.
    fn page(generation: u64, headers: Vec<(HeaderName, HeaderValue)>, body: Bytes) -> Self {
        Entry {
            stored: Instant::now(),
            generation,
            refreshing: AtomicBool::new(false),
            shareable: true,
            headers,
            body,
        }
    }

    /// A marker: this URL's page is rendered for every request for a while.
    fn marker(generation: u64) -> Self {
        Entry {
            shareable: false,
            ..Entry::page(generation, Vec::new(), Bytes::new())
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
        (key.len() + headers + entry.body.len() + 64) as u64
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

/// The cache key: the path and query, and what the reader accepts (a JSON request for
/// the same URL gets a different answer).
fn key_for(req: &ServiceRequest) -> Option<String> {
    if req.method() != Method::GET || req.cookie(SESSION_COOKIE).is_some() {
        return None;
    }
    let accept = req
        .headers()
        .get(ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    Some(format!("{}\n{accept}", req.uri()))
}

/// True for a response every anonymous reader may share: what `caching` made public,
/// with no cookie.
fn shareable(headers: &HeaderMap, status: StatusCode) -> bool {
    status == StatusCode::OK
        && !headers.contains_key(SET_COOKIE)
        && headers
            .get(CACHE_CONTROL)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("public"))
}

/// Refusals that wrote nothing (bad form, CSRF, no such page, too large, throttled), so
/// they need not empty the cache: a flood of them must not make every reader's page
/// render afresh.
fn refused_untouched(status: StatusCode) -> bool {
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
    let Some(key) = key_for(&req) else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    // Read before rendering: a write that lands during the render makes the page stale.
    let generation = cache.generation.load(Ordering::Acquire);
    let mut placeholder = None;
    match cache.lookup(&key) {
        Lookup::Serve(entry) => return Ok(serve(req, &entry)),
        Lookup::Render => {}
        Lookup::Absent => match cache.pages.get_value_or_guard_async(&key).await {
            Ok(entry) if entry.shareable && cache.current(&entry) => {
                return Ok(serve(req, &entry));
            }
            Ok(_) => {}
            Err(guard) => placeholder = Some(guard),
        },
    }
    let res = next.call(req).await?.map_into_boxed_body();
    let keep = |entry: Entry| match placeholder {
        Some(guard) => drop(guard.insert(Arc::new(entry))),
        None => cache.pages.insert(key, Arc::new(entry)),
    };
    if !shareable(res.headers(), res.status()) {
        // A page for one reader (an open comment form) or an error: readers waiting for
        // it render their own, and so do the next ones for a while.
        keep(Entry::marker(generation));
        return Ok(res);
    }
    let (http_req, res) = res.into_parts();
    let (mut head, body) = res.into_parts();
    let body = to_bytes(body)
        .await
        .map_err(|e| AppError::Internal(format!("reading a page to keep it: {e}")))?;
    if (body.len() as u64) < CAPACITY_BYTES / 8 {
        let headers = head
            .headers()
            .iter()
            .map(|(n, v)| (n.clone(), v.clone()))
            .collect();
        keep(Entry::page(generation, headers, body.clone()));
    } else {
        // Too big to keep: rendered for everyone, like a page for one reader.
        keep(Entry::marker(generation));
    }
    head.headers_mut()
        .insert(CACHE_STATUS, HeaderValue::from_static("miss"));
    Ok(ServiceResponse::new(
        http_req,
        head.set_body(BoxBody::new(body)),
    ))
}

/// A kept page as the answer to `req` (304 when the reader has it already).
fn serve(req: ServiceRequest, entry: &Entry) -> ServiceResponse<BoxBody> {
    let (http_req, _) = req.into_parts();
    let etag = entry
        .headers
        .iter()
        .find(|(n, _)| n == ETAG)
        .and_then(|(_, v)| v.to_str().ok());
    let unchanged = etag.is_some_and(|tag| not_modified(&http_req, tag));
    let mut res = if unchanged {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    for (name, value) in &entry.headers {
        res.insert_header((name.clone(), value.clone()));
    }
    res.insert_header((CACHE_STATUS, HeaderValue::from_static("hit")));
    let res = if unchanged {
        res.finish()
    } else {
        res.body(entry.body.clone())
    };
    ServiceResponse::new(http_req, res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_cookieless_successes_are_shared() {
        let mut h = HeaderMap::new();
        assert!(
            !shareable(&h, StatusCode::OK),
            "no Cache-Control: not public"
        );
        h.insert(
            CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=60"),
        );
        assert!(shareable(&h, StatusCode::OK));
        assert!(!shareable(&h, StatusCode::NOT_FOUND));
        h.insert(SET_COOKIE, HeaderValue::from_static("a=b"));
        assert!(!shareable(&h, StatusCode::OK), "a cookie is one reader's");
        let mut private = HeaderMap::new();
        private.insert(CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
        assert!(!shareable(&private, StatusCode::OK));
    }

    #[test]
    fn a_write_makes_every_kept_page_stale_and_time_makes_one_refresh() {
        let cache = PageCache::new(60);
        let fresh = |key: &str| matches!(cache.lookup(key), Lookup::Serve(_));
        let entry = |generation| {
            Arc::new(Entry::page(
                generation,
                Vec::new(),
                Bytes::from_static(b"page"),
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
                Bytes::from_static(b"page"),
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
