//! Resilience: many commenters at once, a server killed mid-stream, the database going
//! away and coming back, oversized and malformed requests on every route.

mod concurrency;
mod crash;
mod database_down;
mod limits;

use crate::support::Page;

/// The site's own error page (layout, stylesheet, heading) with this status, not a bare
/// text answer from a layer below the app.
pub fn assert_styled_error(page: &Page, status: u16, what: &str) {
    assert_eq!(page.status, status, "{what}: {}", page.body);
    assert!(
        page.header("content-type").starts_with("text/html"),
        "{what}: an HTML page, not {:?}",
        page.header("content-type")
    );
    assert!(
        !page.texts(".error-page h1").is_empty()
            && !page.attrs("link[rel=stylesheet]", "href").is_empty(),
        "{what}: the styled error page: {}",
        page.body
    );
}
