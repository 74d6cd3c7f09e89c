//! The public site: first start, pages, errors, health, headers.

use crate::both_backends;
use crate::support::*;

both_backends! {
    fn home_lists_published_posts_with_pagination(app) {
        app.login_admin();
        for i in 1..=12 {
            app.create_post(&format!("Community note number {i}"), "notes", "A short note about the week.", "publish", &format!("2026-01-{i:02}T09:00"));
        }
        let home = app.browser().get("/");
        assert_eq!(home.status, 200);
        let titles = home.texts("article.post-card h2");
        assert_eq!(titles.len(), 10, "ten posts per page by default");
        assert_eq!(titles[0], "Community note number 12", "newest first");
        assert!(home.text(".pagination").contains("Page 1 of 2"));
        let page2 = app.browser().get("/?page=2");
        assert_eq!(page2.texts("article.post-card h2"), vec!["Community note number 2", "Community note number 1"]);
        assert_eq!(app.browser().get("/?page=3").status, 404);
        let bad = app.browser().get("/?page=abc");
        assert_eq!(bad.status, 400);
        assert!(bad.text("h1").contains("Bad Request"), "styled error page: {}", bad.body);
        assert!(home.text(".post-card .meta").contains("Comments (0)"));
    }

    fn a_post_page_shows_the_post_and_related_reading(app) {
        app.login_admin();
        let id = app.create_post("Housing and the hostile environment", "housing, law", "## Why it matters\n\nRenters face *checks*.", "publish", "2026-02-01T10:00");
        app.create_post("A second housing story", "housing", "More on renting.", "publish", "2026-02-02T10:00");
        app.create_post("Unrelated recipes", "food", "Soup.", "publish", "2026-02-03T10:00");
        let slug = app.slug_of(id);
        assert_eq!(slug, "housing-and-the-hostile-environment");
        let excerpts = app.browser().get("/").texts(".post-card .excerpt");
        assert_eq!(excerpts[2], "Renters face checks.", "excerpts leave headings out");
        let page = app.browser().get(&format!("/posts/{slug}"));
        assert_eq!(page.status, 200);
        assert_eq!(page.text("article.post h1"), "Housing and the hostile environment");
        assert_eq!(page.text(".post-body h2"), "Why it matters");
        assert_eq!(page.text(".post-body em"), "checks");
        assert_eq!(page.texts("article.post .tags a"), vec!["housing", "law"]);
        let related = page.texts(".related li a");
        assert_eq!(related[0], "A second housing story", "shared tags first: {related:?}");
        assert!(related.contains(&"Unrelated recipes".to_string()), "then recent posts");
        assert_eq!(page.attrs("link[rel=canonical]", "href"), vec![format!("{}/posts/{slug}", app.base)]);
        assert_eq!(page.attrs("meta[property='og:type']", "content"), vec!["article"]);
        assert_eq!(page.attrs("meta[property='og:title']", "content"), vec!["Housing and the hostile environment"]);
    }

    fn tags_and_the_archive_group_posts(app) {
        app.login_admin();
        app.create_post("March post", "Refugee Week, london", "Body.", "publish", "2026-03-10T10:00");
        app.create_post("April post", "london", "Body.", "publish", "2026-04-10T10:00");
        app.create_post("Draft post", "london", "Body.", "save", "");
        let tags = app.browser().get("/tags");
        assert_eq!(tags.texts(".tag-cloud li"), vec!["london (2)", "Refugee Week (1)"]);
        let tag = app.browser().get("/tags/refugee-week");
        assert_eq!(tag.text("h1"), "Posts tagged “Refugee Week”");
        assert_eq!(tag.texts(".post-card h2"), vec!["March post"]);
        assert_eq!(app.browser().get("/tags/no-such-tag").status, 404);
        let archive = app.browser().get("/archive");
        assert_eq!(archive.texts(".archive-list li"), vec!["April 2026 (1)", "March 2026 (1)"]);
        let month = app.browser().get("/archive/2026/3");
        assert_eq!(month.texts(".post-card h2"), vec!["March post"]);
        assert_eq!(app.browser().get("/archive/2026/13").status, 404);
        assert_eq!(app.browser().get("/archive/2025/3").status, 404);
        assert_eq!(app.browser().get("/archive/year/3").status, 404);
    }

    fn search_finds_published_posts_only(app) {
        app.login_admin();
        app.create_post("Landlords as border guards", "housing", "Right to Rent checks make letting agents wary of tenants.", "publish", "2026-05-01T10:00");
        app.create_post("English classes", "esol", "Waiting lists for ESOL are long.", "publish", "2026-05-02T10:00");
        app.create_post("Secret landlord draft", "housing", "Not yet public: landlords.", "save", "");
        let r = app.browser().get("/search?q=landlord");
        assert_eq!(r.status, 200);
        assert_eq!(r.texts(".post-card h2"), vec!["Landlords as border guards"], "stemming matches landlord/landlords; drafts hidden");
        assert!(r.text(".result-count").starts_with("1 result"));
        let r = app.browser().get("/search?q=tenant+checks");
        assert_eq!(r.texts(".post-card h2"), vec!["Landlords as border guards"]);
        let none = app.browser().get("/search?q=zebra");
        assert!(none.body.contains("Nothing matched"));
        let empty = app.browser().get("/search");
        assert_eq!(empty.status, 200);
        assert_eq!(empty.attrs("meta[name=robots]", "content"), vec!["noindex"]);
    }

    fn unknown_pages_get_a_styled_404_and_json_clients_get_json(app) {
        let p = app.get("/no/such/page");
        assert_eq!(p.status, 404);
        assert_eq!(p.text("h1"), "Page not found");
        assert!(p.header("content-type").starts_with("text/html"));
        assert_eq!(p.attrs("link[rel=stylesheet]", "href").len(), 1, "the error page uses the site layout");
        let j = app.get_json("/posts/nothing-here");
        assert_eq!(j.status, 404);
        let v: serde_json::Value = serde_json::from_str(&j.body).expect("json error");
        assert_eq!(v["error"]["status"], 404);
    }

    fn health_robots_and_request_ids(app) {
        let h = app.get("/healthz");
        assert_eq!(h.status, 200);
        let v: serde_json::Value = serde_json::from_str(&h.body).unwrap();
        assert_eq!(v["status"], "ok");
        // The security headers on every page are checked by security::headers.
        for path in ["/", "/login", "/healthz", "/missing", "/feed.atom", "/static/site.css"] {
            assert!(!app.get(path).header("x-request-id").is_empty(), "{path} carries a request id");
        }
        let robots = app.get("/robots.txt");
        assert!(robots.body.contains(&format!("Sitemap: {}/sitemap.xml", app.base)));
        assert!(robots.body.contains("Disallow: /admin"));
    }
}

/// First start with demo content: the admin exists, demo posts are up; a second start on
/// the same data creates nothing new, even after the demo posts were deleted.
fn first_start(backend: Backend) {
    let Some(mut app) = TestApp::spawn_with(backend, |s| s.demo_content = true) else {
        return;
    };
    let home = app.get("/");
    let titles = home.texts("article.post-card h2");
    assert_eq!(titles.len(), 8, "eight demo posts: {titles:?}");
    app.login_admin();
    let admin_posts = app.get("/admin/posts");
    assert_eq!(admin_posts.texts("tbody tr").len(), 8);
    // Delete one; a restart must not bring it back.
    let first_edit = admin_posts.attrs("tbody th a", "href").remove(0);
    let id = first_edit
        .trim_start_matches("/admin/posts/")
        .trim_end_matches("/edit")
        .to_owned();
    let del = app.submit(
        &format!("/admin/posts/{id}/delete"),
        &format!("/admin/posts/{id}/delete"),
        &[],
    );
    assert_eq!(del.status, 303);
    app.restart();
    assert_eq!(
        app.get("/").texts("article.post-card h2").len(),
        7,
        "a second start changes nothing"
    );
    app.login_admin();
    let users = app.get("/admin/users");
    assert_eq!(
        users.texts("tbody tr").len(),
        2,
        "the admin and the demo author, no duplicates"
    );
}

#[test]
fn first_start_sqlite() {
    first_start(Backend::Sqlite);
}

#[test]
fn first_start_postgres() {
    first_start(Backend::Postgres);
}
