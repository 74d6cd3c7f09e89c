//! The embedded static files.

use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::Deserialize;

use crate::http::error::AppError;
use crate::http::middleware::caching::not_modified;
use crate::http::state::AppState;
use crate::startup::StaticFiles;

/// Registers `/static/…`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(static_file);
}

#[derive(Deserialize)]
struct Version {
    v: Option<String>,
}

#[get("/static/{path:.*}")]
async fn static_file(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    version: web::Query<Version>,
) -> Result<HttpResponse, AppError> {
    let file = StaticFiles::get(&path).ok_or(AppError::NotFound)?;
    let etag = format!(
        "\"{}\"",
        file.metadata
            .sha256_hash()
            .iter()
            .take(8)
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    );
    // Pages link to `?v=<hash of every static file>`: a changed file gets a new address,
    // so an address carrying this build's version never changes and may be kept a year.
    // Others (the favicon, old versions) are kept a day and revalidated by ETag.
    let cache = if version.v.as_deref() == Some(state.static_version.as_str()) {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=86400"
    };
    if not_modified(&req, &etag) {
        return Ok(HttpResponse::NotModified()
            .insert_header(("ETag", etag))
            .insert_header(("Cache-Control", cache))
            .finish());
    }
    let mime = mime_guess::from_path(path.as_str()).first_or_octet_stream();
    Ok(HttpResponse::Ok()
        .content_type(mime.as_ref())
        .insert_header(("Cache-Control", cache))
        .insert_header(("ETag", etag))
        .body(file.data.into_owned()))
}
