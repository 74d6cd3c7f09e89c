//! The middleware around every route, and the one function that stacks them.

pub mod access_log;
pub mod body;
pub mod caching;
pub mod csrf;
pub mod error_pages;
pub mod head;
pub mod page_cache;
pub mod reader_tokens;
pub mod replica;
pub mod security;

use actix_web::App;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::{Compress, from_fn};

/// Wraps `app` in the middleware stack. Actix runs the last `wrap` first, so the list
/// below reads from the innermost layer (next to the handlers) to the outermost.
pub fn wrap<T, B>(
    app: App<T>,
    https: bool,
    image_hosts: Vec<String>,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
>
where
    T: ServiceFactory<
            ServiceRequest,
            Config = (),
            Response = ServiceResponse<B>,
            Error = actix_web::Error,
            InitError = (),
        > + 'static,
    B: MessageBody + 'static,
{
    app
        // Innermost: the page's caching headers and ETag are decided from what the
        // handler rendered, so the page cache below keeps them with the page.
        .wrap(from_fn(caching::cache_headers))
        // Marks a browser that wrote, inside the page cache so that the cache can see the
        // mark and skip a kept page that may predate the write.
        .wrap(from_fn(replica::remember_writes))
        // Keeps whole pages; inside the reader tokens, so one kept rendering serves every
        // reader and each copy gets its own tokens on the way out.
        .wrap(from_fn(page_cache::page_cache))
        // Fills each reader's CSRF and form tokens into open comment forms.
        .wrap(from_fn(reader_tokens::fill))
        // Refuses oversized or badly encoded bodies before any handler reads them.
        .wrap(from_fn(body::limit_size))
        // Gives every browser its CSRF cookie, outside the cache: a kept page is the same
        // for everyone, the cookie is not.
        .wrap(from_fn(csrf::ensure_cookie))
        // Turns bare errors from everything inside (handlers, size limit, CSRF) into the
        // styled page or JSON.
        .wrap(from_fn(error_pages::error_pages))
        // Security headers on every response, error pages included.
        .wrap(security::headers(https, &image_hosts))
        // Compresses the final body, error pages included.
        .wrap(Compress::default())
        // A HEAD is routed as a GET (the body is left out further out, by actix-http),
        // inside the log so the log says HEAD.
        .wrap(from_fn(head::as_get))
        // Logs each request once, with the status and time the client saw.
        .wrap(from_fn(access_log::access_log))
        // Outermost: a span with the request id around everything, the log line too.
        .wrap(tracing_actix_web::TracingLogger::default())
}
