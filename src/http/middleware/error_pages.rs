//! Turns bare error responses into the styled error page, or JSON for API clients.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{ACCEPT, CONTENT_TYPE};
use actix_web::middleware::Next;
use actix_web::{HttpResponse, web};
use serde_json::json;

use crate::http::error::ErrorMessage;
use crate::http::render::{Page, render_string};
use crate::http::state::AppState;

/// True when the client's `Accept` header ranks JSON above HTML. Wildcards
/// do not count for HTML, so `application/json, */*` (as API clients send) means JSON,
/// while browsers, which name `text/html` first, get pages.
pub fn wants_json(req: &actix_web::HttpRequest) -> bool {
    let Some(accept) = req.headers().get(ACCEPT).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let (mut json, mut html) = (0.0f32, 0.0f32);
    for range in accept.split(',') {
        let mut params = range.split(';');
        let mime = params.next().unwrap_or("").trim().to_ascii_lowercase();
        let q = params
            .find_map(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .and_then(|v| v.parse::<f32>().ok())
            })
            .unwrap_or(1.0);
        match mime.as_str() {
            "application/json" => json = json.max(q),
            "text/html" | "application/xhtml+xml" => html = html.max(q),
            _ => {}
        }
    }
    json > html
}

/// Renders every 4xx/5xx response that is not already a page of its own.
pub async fn error_pages(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let res = next.call(req).await?.map_into_boxed_body();
    let status = res.status();
    let already_rendered = res
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("text/html") || ct.starts_with("application/json"));
    if !(status.is_client_error() || status.is_server_error()) || already_rendered {
        return Ok(res);
    }
    let message = res
        .response()
        .extensions()
        .get::<ErrorMessage>()
        .map(|m| m.0.clone())
        .unwrap_or_else(|| status.canonical_reason().unwrap_or("Error").to_owned());
    let (req, old) = res.into_parts();
    let mut builder = HttpResponse::build(status);
    for (name, value) in old.headers() {
        if name != CONTENT_TYPE && name != actix_web::http::header::CONTENT_LENGTH {
            builder.append_header((name.clone(), value.clone()));
        }
    }
    let title = match status.as_u16() {
        404 => "Page not found".to_owned(),
        403 => "Not allowed".to_owned(),
        429 => "Too many attempts".to_owned(),
        503 => "Temporarily unavailable".to_owned(),
        s if s >= 500 => "Something went wrong".to_owned(),
        _ => status.canonical_reason().unwrap_or("Error").to_owned(),
    };
    let new = if wants_json(&req) {
        builder
            .json(json!({"error": {"status": status.as_u16(), "title": title, "message": message}}))
    } else {
        let html = req.app_data::<web::Data<AppState>>().and_then(|state| {
            let page = Page::new("public/error", title.clone()).noindex();
            render_string(
                state,
                &page,
                json!({"status": status.as_u16(), "title": title, "message": message}),
            )
            .map_err(|e| tracing::error!(error = %e, "error page failed to render"))
            .ok()
        });
        match html {
            Some(html) => builder.content_type("text/html; charset=utf-8").body(html),
            None => builder
                .content_type("text/plain; charset=utf-8")
                .body(message),
        }
    };
    Ok(ServiceResponse::new(req, new))
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn json_only_when_ranked_above_html() {
        let with = |accept: &str| {
            wants_json(
                &TestRequest::default()
                    .insert_header((ACCEPT, accept))
                    .to_http_request(),
            )
        };
        assert!(with("application/json"));
        assert!(with("application/json, text/plain, */*"));
        assert!(with("text/html;q=0.5, application/json"));
        assert!(!with(
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
        ));
        assert!(!with("application/json;q=0.5, text/html"));
        assert!(!with("*/*"));
        assert!(!wants_json(&TestRequest::default().to_http_request()));
    }
}
