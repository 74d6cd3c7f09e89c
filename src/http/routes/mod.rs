//! The handlers, one module per area of the site.

pub mod account;
pub mod admin;
pub mod appeals;
pub mod assets;
pub mod auth;
pub mod comments;
pub mod feeds;
pub mod mail;
pub mod moderation;
pub mod personal_data;
pub mod public;
pub mod reports;
pub mod staff;
pub mod two_factor;
pub mod wordpress;

use actix_web::web;

use super::error::AppError;

/// Every route.
pub fn routes(cfg: &mut web::ServiceConfig) {
    public::routes(cfg);
    comments::routes(cfg);
    reports::routes(cfg);
    appeals::routes(cfg);
    mail::routes(cfg);
    feeds::routes(cfg);
    assets::routes(cfg);
    auth::routes(cfg);
    admin::routes(cfg);
    two_factor::routes(cfg);
    moderation::routes(cfg);
    personal_data::routes(cfg);
    // Last: old WordPress addresses only answer what nothing else does.
    wordpress::routes(cfg);
    cfg.default_service(web::to(not_found));
}

async fn not_found() -> Result<actix_web::HttpResponse, AppError> {
    Err(AppError::NotFound)
}
