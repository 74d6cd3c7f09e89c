//! The in-memory page cache (micro-caching) as readers and staff see it: a public page
//! is rendered once and then served from memory, a write on this server makes the next
//! reader see the change, refused requests do not empty it, each reader's form tokens
//! are their own, and a staff page is kept only for its own browser while signed in.

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

        // A post page with an open form is kept too, but every copy carries its reader's
        // own tokens, and browsers and proxies are told not to keep it.
        let path = format!("/posts/{slug}");
        let (alice, bob) = (app.browser(), app.browser());
        let first = alice.get(&path);
        assert_eq!(first.header("x-page-cache"), "miss");
        assert_eq!(first.header("cache-control"), "private, no-store");
        assert_eq!(first.header("etag"), "", "no validator for a page with tokens");
        assert!(first.header("set-cookie").contains("townhall_csrf="), "a new browser gets its cookie");
        let second = bob.get(&path);
        assert_eq!(second.header("x-page-cache"), "hit", "the second reader gets the kept page");
        assert_eq!(second.header("cache-control"), "private, no-store");
        assert!(second.header("set-cookie").contains("townhall_csrf="), "from a kept page too");
        let token = |p: &Page, name: &str| {
            p.attrs(&format!("#comment-form input[name={name}]"), "value")
                .into_iter()
                .next()
                .unwrap_or_default()
        };
        for name in ["csrf_token", "form_token"] {
            let (a, b) = (token(&first, name), token(&second, name));
            assert!(a.len() > 20 && b.len() > 20, "{name}: {a:?} {b:?}");
            assert_ne!(a, b, "each reader has their own {name}");
            assert!(!second.body.contains("value=\"slot"), "no placeholder left in the page");
        }
        assert_eq!(
            second.texts("li.comment").len(),
            first.texts("li.comment").len(),
            "the same thread"
        );
        let again = bob.get(&path);
        assert_eq!(again.header("set-cookie"), "", "a browser gets its cookie once");
        assert_eq!(token(&again, "csrf_token"), token(&second, "csrf_token"));
        assert_ne!(token(&again, "form_token"), token(&second, "form_token"), "a fresh nonce");

        // The tokens of a kept page are as good as those of a fresh one: the comment is
        // accepted with no hit for a bad or reused form token.
        let form_token = token(&second, "form_token");
        let csrf_token = token(&second, "csrf_token");
        let commenter = reader(4);
        let mut f = fields(&commenter, HOUSING_COMMENTS[2]);
        set(&mut f, "form_token", &form_token);
        set(&mut f, "csrf_token", &csrf_token);
        let res = Page::from(post_comment(&bob, &slug, "10.4.0.7", &f, true).expect("POST"));
        assert!(matches!(res.status, 201 | 202), "{}", res.body);
        assert!(!res.body.contains("spam.form_token"), "{}", res.body);
        assert_eq!(alice.get(&path).header("x-page-cache"), "miss", "the comment emptied the cache");

        // Readers whose browser accepts gzip (all of them) get the kept page compressed
        // once, with their own tokens inside, in one valid gzip stream.
        let gzipped = |browser: &Browser, path: &str| {
            let res = browser
                .client
                .get(format!("{}{path}", browser.base))
                .header("Accept-Encoding", "br;q=1.0, gzip;q=0.8, *;q=0.1")
                .send()
                .expect("GET");
            let encoding = res.headers().get("content-encoding").map(|v| v.to_str().unwrap_or("").to_owned());
            let vary = res.headers().get("vary").map(|v| v.to_str().unwrap_or("").to_owned());
            let bytes = res.bytes().expect("body");
            let mut text = String::new();
            std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&bytes[..]), &mut text)
                .unwrap_or_else(|e| panic!("{path}: not valid gzip ({e})"));
            assert_eq!(encoding.as_deref(), Some("gzip"), "{path}");
            assert_eq!(vary.as_deref(), Some("accept-encoding"), "{path}");
            assert!(bytes.len() * 2 < text.len(), "{path}: compressed, {} of {}", bytes.len(), text.len());
            text
        };
        let home = read(&app, "/");
        assert_eq!(gzipped(&app.browser(), "/"), home.body, "the same page, compressed");
        let (carol, dan) = (app.browser(), app.browser());
        let (c, d) = (gzipped(&carol, &path), gzipped(&dan, &path));
        let form_token = |html: &str| {
            scraper::Html::parse_document(html)
                .select(&scraper::Selector::parse("#comment-form input[name=form_token]").expect("selector"))
                .next()
                .and_then(|e| e.value().attr("value").map(str::to_owned))
                .unwrap_or_default()
        };
        assert!(form_token(&c).len() > 20, "a token in the compressed page");
        assert_ne!(form_token(&c), form_token(&d), "each reader's own");
        assert!(!c.contains("value=\"slot"), "no placeholder left");
        assert!(
            read(&app, &path).body.len().abs_diff(c.len()) < 200,
            "the same page as uncompressed, apart from its tokens"
        );

        // Staff pages are kept for the browser they were rendered for, never shared.
        app.login_admin();
        let queue = app.get("/admin/queue");
        assert_eq!(queue.status, 200);
        assert_eq!(queue.header("x-page-cache"), "miss");
        assert!(queue.header("cache-control").contains("no-store"));
        let kept = app.get("/admin/queue");
        assert_eq!(kept.header("x-page-cache"), "hit", "the same browser's queue again");
        assert_eq!(kept.body, queue.body);
        assert_eq!(app.get("/").header("cache-control"), "private, no-store");
        let colleague = app.browser();
        colleague.login_admin();
        assert_eq!(
            colleague.get("/admin/queue").header("x-page-cache"),
            "miss",
            "another browser gets its own page, with its own tokens"
        );
        assert_eq!(read(&app, "/admin/queue").status, 303, "never to a reader without a session");

    }
}

/// The cache on for one second: a session's ending on another app server must reach
/// this server's kept pages within that.
fn one_second_cache(s: &mut Settings) {
    comment_settings(s);
    s.page_cache_seconds = 1;
}

both_backends! {
    settings = one_second_cache;

    fn a_session_ended_elsewhere_ends_within_the_cache_seconds(app) {
        app.login_admin();
        assert_eq!(app.get("/admin/queue").status, 200);
        // Ended where this server did not see it (another app server, or an expiry).
        let mut conn = app.db();
        townhall::dispatch!(&mut *conn, |c| diesel::RunQueryDsl::execute(
            diesel::sql_query("DELETE FROM sessions"),
            c
        ))
        .expect("end every session");
        // Every action is checked in the database: refused at once.
        let action = app.submit("/admin/queue", "/admin/queue", &[("act", "approve:selected")]);
        assert_eq!(action.status, 303, "{}", action.body);
        assert!(action.location().starts_with("/login"), "{}", action.location());
        // Kept pages stop within the cache's second: then the sign-in redirect.
        let started = std::time::Instant::now();
        loop {
            let page = app.get("/admin/queue");
            if page.status == 303 {
                assert!(page.location().starts_with("/login"), "{}", page.location());
                break;
            }
            assert_eq!(page.header("x-page-cache"), "hit", "only a kept copy, never a new page");
            assert!(started.elapsed() < std::time::Duration::from_secs(10), "still served after 10 s");
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }
}
