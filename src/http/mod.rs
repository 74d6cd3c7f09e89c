//! Thin handlers: extract, call a service inside one `web::block`, render.

pub mod access_log;
pub mod admin;
pub mod assets;
pub mod auth;
pub mod body;
pub mod caching;
pub mod comments;
pub mod csrf;
pub mod errors;
pub mod extractors;
pub mod feeds;
pub mod mail;
pub mod moderation;
pub mod page_cache;
pub mod page_parts;
pub mod public;
pub mod reader_tokens;
pub mod render;
pub mod replica;
pub mod security;
pub mod wordpress;

use actix_web::{HttpRequest, web};

use crate::error::AppError;

pub use body::MAX_BODY;

/// Every route.
pub fn routes(cfg: &mut web::ServiceConfig) {
    public::routes(cfg);
    comments::routes(cfg);
    mail::routes(cfg);
    feeds::routes(cfg);
    assets::routes(cfg);
    auth::routes(cfg);
    admin::routes(cfg);
    moderation::routes(cfg);
    // Last: old WordPress addresses only answer what nothing else does.
    wordpress::routes(cfg);
    cfg.default_service(web::to(not_found));
}

async fn not_found() -> Result<actix_web::HttpResponse, AppError> {
    Err(AppError::NotFound)
}

/// Bad query strings (a page number that is not a number, say) become 400 pages.
pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|e, _req: &HttpRequest| {
        AppError::BadRequest(format!("The address has a query we cannot read: {e}.")).into()
    })
}

/// Path segments that do not parse (a year that is not a number) are simply not found.
pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|_e, _req: &HttpRequest| AppError::NotFound.into())
}

/// The current time, in UTC, as the services take it.
pub fn now() -> chrono::NaiveDateTime {
    chrono::Utc::now().naive_utc()
}
