//! Each reader's own tokens in an open comment form, filled in as the page leaves.
//!
//! An open form carries two tokens made for one browser at one moment: the CSRF token
//! (bound to the browser's cookie) and the signed form token (the post, the time the form
//! was served and a one-time nonce). Everything else on a post page is the same for every
//! anonymous reader. So the handler renders the page with placeholders and marks the
//! response with [`Slots`]; the page cache keeps that one rendering, cut at the
//! placeholders (`page_parts`), and puts fresh tokens into every copy it sends. Pages it
//! does not keep get theirs from [`fill`], outside the cache. The response stays
//! `private, no-store` for browsers and proxies (see `http::caching`).
//!
//! The placeholders hold a random mark chosen when the process starts, so no text a
//! commenter writes can stand in for one.

use std::sync::LazyLock;

use actix_web::body::{BoxBody, MessageBody, to_bytes};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::web::Bytes;
use actix_web::{FromRequest, HttpRequest, web};
use aho_corasick::AhoCorasick;

use super::csrf::Csrf;
use crate::http::error::AppError;
use crate::http::now;
use crate::http::page_parts::PageParts;
use crate::http::state::AppState;
use crate::service::auth::random_token;
use crate::service::form_token;

/// Marks a response whose body holds the placeholders, for the comment form of a post.
#[derive(Clone, Copy, Debug)]
pub struct Slots {
    /// The post the form belongs to (the form token names it).
    pub post_id: i64,
}

/// The two placeholders (CSRF token, form token), and one automaton finding both.
struct Marks {
    csrf: String,
    form: String,
    finder: Option<AhoCorasick>,
}

static MARKS: LazyLock<Marks> = LazyLock::new(|| {
    // Letters and digits only: unchanged by HTML and JSON escaping.
    let mark: String = random_token()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    let csrf = format!("slot{mark}csrf");
    let form = format!("slot{mark}form");
    let finder = AhoCorasick::new([&csrf, &form]).ok();
    Marks { csrf, form, finder }
});

/// What a template gets in place of the CSRF token.
pub fn csrf_placeholder() -> &'static str {
    &MARKS.csrf
}

/// What a template gets in place of the comment form's token.
pub fn form_placeholder() -> &'static str {
    &MARKS.form
}

/// A rendered page cut at its placeholders.
pub fn cut(body: Bytes) -> PageParts {
    let found: Vec<(usize, usize, usize)> = MARKS.finder.as_ref().map_or_else(Vec::new, |f| {
        f.find_iter(&body[..])
            .map(|m| (m.start(), m.end(), m.pattern().as_usize()))
            .collect()
    });
    PageParts::cut(body, found)
}

/// This reader's tokens for a form on `post_id`, in the placeholders' order (CSRF, form).
pub async fn tokens(req: &HttpRequest, post_id: i64) -> Result<Vec<String>, AppError> {
    let csrf = Csrf::from_request(req, &mut Payload::None).await?;
    let secret = req
        .app_data::<web::Data<AppState>>()
        .map(|s| s.secret.clone())
        .ok_or_else(|| AppError::Internal("app state missing".into()))?;
    Ok(vec![
        csrf.token(),
        form_token::issue(&secret, post_id, now().and_utc().timestamp()),
    ])
}

/// Puts this reader's tokens into a response still marked with [`Slots`]: one the page
/// cache did not keep (a comment form shown again with its errors, say).
pub async fn fill(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let res = next.call(req).await?.map_into_boxed_body();
    let Some(slots) = res.response().extensions().get::<Slots>().copied() else {
        return Ok(res);
    };
    let (http_req, res) = res.into_parts();
    let tokens = tokens(&http_req, slots.post_id).await?;
    let (head, body) = res.into_parts();
    let body = to_bytes(body)
        .await
        .map_err(|e| AppError::Internal(format!("reading a page to fill its form: {e}")))?;
    let filled = cut(body).plain(&tokens);
    Ok(ServiceResponse::new(
        http_req,
        head.set_body(BoxBody::new(filled)),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_survive_escaping_and_differ() {
        for p in [csrf_placeholder(), form_placeholder()] {
            assert!(p.len() > 20, "{p}");
            assert!(p.chars().all(|c| c.is_ascii_alphanumeric()), "{p}");
        }
        assert_ne!(csrf_placeholder(), form_placeholder());
    }
}
