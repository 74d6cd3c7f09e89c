//! The in-memory page cache (micro-caching) as readers and staff see it: a public page
//! is rendered once and then served from memory, a write on this server makes the next
//! reader see the change, refused requests do not empty it, and nothing for one browser
//! or for staff is ever kept.

use townhall::config::Settings;

use crate::both_backends;
use crate::comments::*;
use crate::support::*;

/// The comment tests' settings with the cache on, long enough that only a write (never
/// the clock) can make a page fresh during the test.
fn cached_settings(s: &mut Settings) {
    comment_settings(s);
    s.page_cache_seconds = 60;
}

/// GETs `path` as a new anonymous reader.
fn read(app: &TestApp, path: &str) -> Page {
    app.browser().get(path)
}

both_backends! {
    settings = cached_settings;

    fn public_pages_come_from_memory_until_something_changes(app) {
        let (id, slug) = housing_post(&app);

        let first = read(&app, "/");
        assert_eq!(first.status, 200);
        assert_eq!(first.header("x-page-cache"), "miss");
        let second = read(&app, "/");
        assert_eq!(second.header("x-page-cache"), "hit", "the second reader gets the kept page");
        assert_eq!(second.body, first.body, "the same page");
        assert_eq!(second.header("etag"), first.header("etag"));
        assert_eq!(second.header("cache-control"), "public, max-age=60");
        assert_eq!(second.header("set-cookie"), "", "a kept page sets no cookie");
        assert!(
            second.header("content-security-policy").contains("script-src 'self'"),
            "security headers on kept pages too"
        );
        let revalidated = Page::from(
            app.browser()
                .client
                .get(format!("{}/", app.base))
                .header("If-None-Match", first.header("etag"))
                .send()
                .expect("GET"),
        );
        assert_eq!(revalidated.status, 304, "a kept page answers If-None-Match");
        assert_eq!(revalidated.header("x-page-cache"), "hit");

        // Search results are the same for every reader: kept per query.
        assert_eq!(read(&app, "/search?q=housing").header("x-page-cache"), "miss");
        assert_eq!(read(&app, "/search?q=housing").header("x-page-cache"), "hit");
        assert_eq!(read(&app, "/search?q=hackney").header("x-page-cache"), "miss");

        // A refused write (no CSRF token) changed nothing, so the kept page stays.
        let refused = send(&app, &slug, id, "10.9.0.7", "", &fields(&reader(9), HOUSING_COMMENTS[1]), false);
        assert_eq!(refused.status, 403, "{}", refused.body);
        assert_eq!(read(&app, "/").header("x-page-cache"), "hit");

        // A published comment: the very next reader sees the new count.
        let count = |p: &Page| p.texts("a[href$='#comments']").join(" ");
        let before = count(&read(&app, "/"));
        publish(&app, &slug, id, &reader(1), HOUSING_COMMENTS[0], None);
        let after = read(&app, "/");
        assert_eq!(after.header("x-page-cache"), "miss", "the write emptied the cache");
        assert_ne!(count(&after), before, "the new comment is counted: {}", count(&after));
        assert_ne!(after.header("etag"), first.header("etag"));
        assert_eq!(read(&app, "/").header("x-page-cache"), "hit");

        // Pages for one browser are never kept: the open comment form has its tokens.
        let open = read(&app, &format!("/posts/{slug}"));
        assert_eq!(open.header("cache-control"), "private, no-store");
        assert_eq!(open.header("x-page-cache"), "");
        let open_again = read(&app, &format!("/posts/{slug}"));
        assert_ne!(open.csrf(), "", "the form has a token");
        assert_eq!(open_again.header("x-page-cache"), "");

        // Staff always get their own page, rendered for them.
        app.login_admin();
        let staff = app.get("/");
        assert_eq!(staff.header("x-page-cache"), "", "staff pages are not kept");
        assert_eq!(staff.header("cache-control"), "private, no-store");
    }
}
