//! Caching headers as a browser or a reverse proxy sees them: public pages carry
//! `Cache-Control: public` and an `ETag`, `If-None-Match` gets 304, the tag changes when a
//! comment is published or removed or the post is edited, and nothing for one browser or
//! for staff is ever publicly cacheable.

use townhall::config::Settings;

use crate::both_backends;
use crate::comments::*;
use crate::support::*;

/// The comment tests' settings, with posts older than a day in archive mode (their page
/// has no form, so it is the same for every reader).
fn caching_settings(s: &mut Settings) {
    comment_settings(s);
    s.archive_after_days = 1;
}

/// GETs `path` as a new anonymous reader, sending `If-None-Match` when given.
fn fetch(app: &TestApp, path: &str, if_none_match: Option<&str>) -> Page {
    let mut req = app.browser().client.get(format!("{}{path}", app.base));
    if let Some(tag) = if_none_match {
        req = req.header("If-None-Match", tag);
    }
    Page::from(req.send().expect("GET"))
}

/// The ETag of a public page, checking the headers that go with it.
fn public_etag(app: &TestApp, path: &str) -> String {
    let page = fetch(app, path, None);
    assert_eq!(page.status, 200, "{path}: {}", page.body);
    assert_eq!(page.header("cache-control"), "public, max-age=60", "{path}");
    assert_eq!(
        page.header("set-cookie"),
        "",
        "{path}: a shared page sets no cookie"
    );
    let tag = page.header("etag").to_owned();
    assert!(tag.starts_with("W/\""), "{path}: {tag:?}");
    tag
}

both_backends! {
    settings = caching_settings;

    fn public_pages_revalidate_and_change_with_their_content(app) {
        app.login_admin();
        let (id, slug) = post(&app, "Council housing waiting lists in Hackney", HOUSING_BODY, "");
        let old = app.create_post("Housing in 2020", "housing", "An older piece about housing lists.", "publish", "2020-01-02T10:00");
        let old_path = format!("/posts/{}", app.slug_of(old));
        for path in ["/", "/tags", "/tags/housing", "/archive", "/archive/2020/01", "/feed.atom", "/feed.rss", "/sitemap.xml", "/robots.txt", "/house-rules", old_path.as_str()] {
            let tag = public_etag(&app, path);
            let again = fetch(&app, path, Some(&tag));
            assert_eq!(again.status, 304, "{path}");
            assert_eq!(again.body, "", "{path}: no body with a 304");
            assert_eq!(again.header("etag"), tag, "{path}");
            assert_eq!(fetch(&app, path, Some("W/\"something-else\"")).status, 200, "{path}");
        }

        // A post with an open comment form carries this browser's tokens: never shared.
        let open = fetch(&app, &format!("/posts/{slug}"), None);
        assert_eq!(open.status, 200);
        assert_eq!(open.header("cache-control"), "private, no-store");
        assert_eq!(open.header("etag"), "");
        assert!(open.header("set-cookie").contains("townhall_csrf="), "the form's cookie");

        // A published comment changes the home page (its count), so its tag.
        let before = public_etag(&app, "/");
        let comment = publish(&app, &slug, id, &reader(1), HOUSING_COMMENTS[0], None);
        let published = public_etag(&app, "/");
        assert_ne!(published, before, "a new comment invalidates the tag");
        assert_eq!(fetch(&app, "/", Some(&before)).status, 200, "the old tag is stale");
        // A moderator removing it changes it back to a page without it.
        let removed = app.submit("/admin/queue", "/admin/queue", &[("act", &format!("reject:{comment}")), (&format!("rule_{comment}"), "1")]);
        assert_eq!(removed.status, 303, "{}", removed.body);
        assert_ne!(public_etag(&app, "/"), published, "a removed comment invalidates the tag");

        // Editing a post changes its page.
        let old_tag = public_etag(&app, &old_path);
        let edited = app.submit(&format!("/admin/posts/{old}/edit"), &format!("/admin/posts/{old}/edit"), &[("title", "Housing in 2020"), ("slug", ""), ("body", "An older piece about housing lists, corrected."), ("tags", "housing"), ("publish_at", "2020-01-02T10:00"), ("action", "publish")]);
        assert_eq!(edited.status, 303, "{}", edited.body);
        assert_ne!(public_etag(&app, &old_path), old_tag, "an edit invalidates the tag");
    }

    fn staff_pages_and_signed_in_readers_are_never_shared(app) {
        app.login_admin();
        for path in ["/", "/tags", "/archive", "/feed.atom"] {
            let page = app.get(path);
            assert_eq!(page.status, 200, "{path}");
            assert_eq!(page.header("cache-control"), "private, no-store", "{path}: staff get no shared copy");
            assert_eq!(page.header("etag"), "", "{path}");
        }
        for path in ["/admin/posts", "/admin/queue", "/admin/posts/new", "/search?q=housing", "/login", "/healthz"] {
            let cc = app.get(path).header("cache-control").to_owned();
            assert!(cc.contains("no-store") && !cc.contains("public"), "{path}: {cc:?}");
        }
    }

    fn static_files_are_kept_long_under_a_versioned_address(app) {
        let home = fetch(&app, "/", None);
        let css = home.attrs("link[rel=stylesheet]", "href").remove(0);
        assert!(css.starts_with("/static/site.css?v="), "{css}");
        let file = fetch(&app, &css, None);
        assert_eq!(file.status, 200);
        assert_eq!(file.header("cache-control"), "public, max-age=31536000, immutable");
        let tag = file.header("etag").to_owned();
        assert_eq!(fetch(&app, &css, Some(&tag)).status, 304);
        let unversioned = fetch(&app, "/static/favicon.svg", None);
        assert_eq!(unversioned.header("cache-control"), "public, max-age=86400");
    }
}
