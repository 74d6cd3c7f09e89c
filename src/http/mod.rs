//! The HTTP edge: thin handlers (`routes`) that extract, call a service inside one
//! `web::block` and render, wrapped in the middleware stack that [`app`] builds.

pub mod client_addr;
pub mod error;
pub mod extractors;
pub mod middleware;
pub mod page_parts;
pub mod render;
pub mod routes;
pub mod state;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::{App, HttpRequest, web};

use error::AppError;
use middleware::page_cache::PageCache;
use state::AppState;

pub use middleware::body::MAX_BODY;

/// The whole application for one actix worker: shared state, extractor settings, the
/// middleware stack and every route.
pub fn app(
    state: web::Data<AppState>,
    pages: web::Data<PageCache>,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let https = state.settings.is_https();
    let image_hosts = state.settings.image_host_list();
    let app = App::new()
        .app_data(state)
        .app_data(pages)
        .app_data(query_config())
        .app_data(path_config())
        .app_data(web::PayloadConfig::new(MAX_BODY))
        .configure(routes::routes);
    middleware::wrap(app, https, image_hosts)
}

/// Bad query strings (a page number that is not a number, say) become 400 pages.
fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|e, _req: &HttpRequest| {
        AppError::BadRequest(format!("The address has a query we cannot read: {e}.")).into()
    })
}

/// Path segments that do not parse (a year that is not a number) are simply not found.
fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|_e, _req: &HttpRequest| AppError::NotFound.into())
}

/// The current time, in UTC, as the services take it.
pub fn now() -> chrono::NaiveDateTime {
    chrono::Utc::now().naive_utc()
}
