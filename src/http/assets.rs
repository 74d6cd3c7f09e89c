//! The embedded static files.

use actix_web::{HttpRequest, HttpResponse, get, web};

use crate::error::AppError;
use crate::startup::StaticFiles;

/// Registers `/static/…`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(static_file);
}

#[get("/static/{path:.*}")]
async fn static_file(req: HttpRequest, path: web::Path<String>) -> Result<HttpResponse, AppError> {
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
    if req
        .headers()
        .get("If-None-Match")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == etag)
    {
        return Ok(HttpResponse::NotModified()
            .insert_header(("ETag", etag))
            .finish());
    }
    let mime = mime_guess::from_path(path.as_str()).first_or_octet_stream();
    // URLs carry a version, so a changed file gets a new URL; a day's caching is safe.
    Ok(HttpResponse::Ok()
        .content_type(mime.as_ref())
        .insert_header(("Cache-Control", "public, max-age=86400"))
        .insert_header(("ETag", etag))
        .body(file.data.into_owned()))
}
