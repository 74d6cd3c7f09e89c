//! Caching headers for the public pages, decided in this one place rather than per handler.
//!
//! Anonymous readers get `Cache-Control: public, max-age=<public_cache_seconds>` and an
//! `ETag`; a request whose `If-None-Match` names the current tag gets `304 Not Modified`.
//! Signed-in staff, and any page carrying a form token for one browser (an open comment
//! form), get `private, no-store`: a shared cache must never hand one browser's tokens to
//! another, and a stale page must never reuse a form token that was already spent.
//!
//! The validator is a hash of the rendered body. A site-wide "content version" counter
//! would let a server answer 304 without rendering, but it would have to be bumped by
//! every change *and* by time alone (a scheduled post appearing, a post passing into
//! archive mode), by edits of `house-rules.md` and of template overrides; forgetting one
//! serves a stale page. The body hash is always right, costs one SHA-256 of a page (tens
//! of microseconds next to the milliseconds of the page itself), and is the same on every
//! app server for the same content, so a proxy may revalidate against any of them. What it
//! saves is bandwidth and the browser's or proxy's work, not the server's rendering.

use actix_web::body::{BoxBody, MessageBody, to_bytes};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{CACHE_CONTROL, ETAG, HeaderValue, IF_NONE_MATCH};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{HttpRequest, web};
use sha2::{Digest, Sha256};

use super::csrf::{session_token, token_issued};
use super::reader_tokens::Slots;
use crate::http::error::AppError;
use crate::http::state::AppState;

/// What pages with one reader's tokens, and every page for signed-in staff, carry.
const PRIVATE: &str = "private, no-store";

/// The reader pages that are the same for every anonymous reader.
fn is_public_page(path: &str) -> bool {
    matches!(
        path,
        "/" | "/tags"
            | "/archive"
            | "/house-rules"
            | "/feed.atom"
            | "/feed.rss"
            | "/sitemap.xml"
            | "/robots.txt"
            | "/search"
    ) || ["/posts/", "/tags/", "/archive/"]
        .iter()
        .any(|prefix| path.starts_with(prefix))
}

/// A weak tag from the first 16 bytes of the body's SHA-256 (weak, because compression
/// between here and the reader changes the bytes but not the page).
pub fn body_etag(body: &[u8]) -> String {
    let hash = Sha256::digest(body);
    let hex: String = hash.iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!("W/\"{hex}\"")
}

/// True when the request's `If-None-Match` names `etag` (weak comparison, as RFC 9110
/// asks for this header) or is `*`.
pub fn not_modified(req: &HttpRequest, etag: &str) -> bool {
    let bare = |t: &str| t.trim().trim_start_matches("W/").to_owned();
    let want = bare(etag);
    req.headers()
        .get_all(IF_NONE_MATCH)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|t| t.trim() == "*" || bare(t) == want)
}

/// Adds the caching headers to successful GETs of public pages (see the module notes).
/// Responses that already say how to cache them (staff pages, health) are left
/// as their handler made them. The answer to a write (a comment held or refused, shown
/// with the commenter's name and e-mail) is `no-store`: no cache may keep it.
pub async fn cache_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let candidate = req.method() == Method::GET && is_public_page(req.path());
    let write = !matches!(*req.method(), Method::GET | Method::HEAD);
    let staff = session_token(req.request()).is_some();
    let max_age = req
        .app_data::<web::Data<AppState>>()
        .map_or(0, |s| s.settings.public_cache_seconds);
    let mut res = next.call(req).await?.map_into_boxed_body();
    if write && !res.headers().contains_key(CACHE_CONTROL) {
        res.headers_mut()
            .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
        return Ok(res);
    }
    if !candidate || res.status() != StatusCode::OK || res.headers().contains_key(CACHE_CONTROL) {
        return Ok(res);
    }
    let per_reader = res.response().extensions().contains::<Slots>();
    if staff || per_reader || token_issued(res.request()) {
        res.headers_mut()
            .insert(CACHE_CONTROL, HeaderValue::from_static(PRIVATE));
        return Ok(res);
    }
    let (req, res) = res.into_parts();
    let (head, body) = res.into_parts();
    let bytes = to_bytes(body)
        .await
        .map_err(|e| AppError::Internal(format!("reading a page to tag it: {e}")))?;
    let etag = body_etag(&bytes);
    let fresh = not_modified(&req, &etag);
    let mut res = if fresh {
        let mut r = head.set_body(BoxBody::new(()));
        *r.status_mut() = StatusCode::NOT_MODIFIED;
        r
    } else {
        head.set_body(BoxBody::new(bytes))
    };
    let headers = res.headers_mut();
    headers.insert(
        CACHE_CONTROL,
        HeaderValue::from_str(&format!("public, max-age={max_age}"))
            .map_err(|e| AppError::Internal(e.to_string()))?,
    );
    headers.insert(
        ETAG,
        HeaderValue::from_str(&etag).map_err(|e| AppError::Internal(e.to_string()))?,
    );
    Ok(ServiceResponse::new(req, res))
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn if_none_match_compares_weakly_and_takes_lists_and_stars() {
        let tag = body_etag(b"<p>hello</p>");
        assert!(tag.starts_with("W/\"") && tag.len() == 36, "{tag}");
        assert_ne!(tag, body_etag(b"<p>hello!</p>"));
        let with = |v: &str| {
            not_modified(
                &TestRequest::default()
                    .insert_header((IF_NONE_MATCH, v))
                    .to_http_request(),
                &tag,
            )
        };
        assert!(with(&tag));
        assert!(with(tag.trim_start_matches("W/")));
        assert!(with(&format!("\"other\", {tag}")));
        assert!(with("*"));
        assert!(!with("\"other\""));
        assert!(!not_modified(
            &TestRequest::default().to_http_request(),
            &tag
        ));
    }

    #[test]
    fn only_reader_pages_are_public() {
        for p in [
            "/",
            "/posts/a",
            "/tags",
            "/tags/x",
            "/archive",
            "/archive/2025/01",
            "/feed.atom",
            "/sitemap.xml",
            "/search",
        ] {
            assert!(is_public_page(p), "{p}");
        }
        for p in [
            "/admin/posts",
            "/login",
            "/healthz",
            "/unsubscribe",
            "/static/site.css",
        ] {
            assert!(!is_public_page(p), "{p}");
        }
    }
}
