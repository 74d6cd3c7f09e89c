//! The security headers are on every page: a crawl follows every same-site link from the
//! public pages (as a reader) and from the staff bar (as an admin), and every answer,
//! error pages included, must carry a CSP whose scripts come from the site only (no
//! `'unsafe-inline'`), forbid framing, `X-Content-Type-Options: nosniff` and a
//! Referrer-Policy that keeps addresses on the site.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

use diesel::RunQueryDsl;
use scraper::{Html, Selector};

use crate::auth::add_staff;
use crate::both_backends;
use crate::comments::{
    HOUSING_COMMENTS, comment_settings, csrf, fields, housing_post, post, reader, send_json, set,
};
use crate::support::*;

/// Most pages one crawl visits, so that a link loop cannot run away.
const MAX_PAGES: usize = 400;

/// Referrer policies that never send a page's address to other sites in full.
const SAFE_REFERRER_POLICIES: &[&str] = &[
    "no-referrer",
    "same-origin",
    "strict-origin",
    "strict-origin-when-cross-origin",
];

/// Fails unless `page` (answered for `what`) carries every security header.
fn assert_security_headers(what: &str, page: &Page) {
    let csp = page.header("content-security-policy");
    let directives: HashMap<&str, Vec<&str>> = csp
        .split(';')
        .filter_map(|d| {
            let mut words = d.split_whitespace();
            Some((words.next()?, words.collect()))
        })
        .collect();
    let scripts = directives
        .get("script-src")
        .or_else(|| directives.get("default-src"))
        .unwrap_or_else(|| panic!("{what}: no script-src or default-src in CSP {csp:?}"));
    for loose in [
        "'unsafe-inline'",
        "'unsafe-eval'",
        "*",
        "data:",
        "http:",
        "https:",
    ] {
        assert!(
            !scripts.contains(&loose),
            "{what}: scripts allow {loose}: {csp:?}"
        );
    }
    assert_eq!(
        directives.get("object-src"),
        Some(&vec!["'none'"]),
        "{what}: no plugins: {csp:?}"
    );
    let framing = directives.get("frame-ancestors");
    let xfo = page.header("x-frame-options");
    assert!(
        matches!(framing.map(Vec::as_slice), Some(["'none'"] | ["'self'"]))
            || matches!(xfo, "DENY" | "SAMEORIGIN"),
        "{what}: framing is forbidden: CSP {csp:?}, X-Frame-Options {xfo:?}"
    );
    assert_eq!(
        page.header("x-content-type-options"),
        "nosniff",
        "{what}: X-Content-Type-Options"
    );
    let referrer = page.header("referrer-policy");
    assert!(
        SAFE_REFERRER_POLICIES.contains(&referrer),
        "{what}: Referrer-Policy {referrer:?}"
    );
}

/// Same-site links on a page (anchors, `<link>`s, scripts), without fragments; sign-out
/// is a form, so it is never followed.
fn links(page: &Page, base: &str) -> Vec<String> {
    if !page.header("content-type").starts_with("text/html") {
        return Vec::new();
    }
    let doc = Html::parse_document(&page.body);
    let sel = Selector::parse("a[href], link[href], script[src]").expect("selector");
    doc.select(&sel)
        .filter_map(|e| e.value().attr("href").or_else(|| e.value().attr("src")))
        .map(|href| href.strip_prefix(base).unwrap_or(href))
        .filter(|href| href.starts_with('/') && !href.starts_with("//"))
        .map(|href| href.split('#').next().unwrap_or_default().to_owned())
        .filter(|href| !href.is_empty())
        .collect()
}

/// Visits every page reachable from `seeds` and checks each one's headers; returns the
/// status of every address visited.
fn crawl(browser: &Browser, seeds: &[&str]) -> BTreeMap<String, u16> {
    let mut seen: BTreeSet<String> = seeds.iter().map(|s| (*s).to_owned()).collect();
    let mut todo: VecDeque<String> = seen.iter().cloned().collect();
    let mut visited = BTreeMap::new();
    while let Some(path) = todo.pop_front() {
        assert!(
            visited.len() < MAX_PAGES,
            "more than {MAX_PAGES} pages: a link loop?"
        );
        let page = browser.get(&path);
        assert!(
            page.status < 500,
            "{path} gave {}: {}",
            page.status,
            page.body
        );
        assert_security_headers(&path, &page);
        for link in links(&page, &browser.base) {
            if seen.insert(link.clone()) {
                todo.push_back(link);
            }
        }
        visited.insert(path, page.status);
    }
    visited
}

/// Fails unless the crawl fetched each path (with any query string) and got a page.
fn assert_visited(visited: &BTreeMap<String, u16>, paths: &[String]) {
    for path in paths {
        let status = visited
            .iter()
            .find(|(k, _)| *k == path || k.starts_with(&format!("{path}?")))
            .map(|(_, s)| *s);
        assert_eq!(
            status,
            Some(200),
            "the crawl reached {path} (visited: {:?})",
            visited.keys().collect::<Vec<_>>()
        );
    }
}

both_backends! {
    settings = comment_settings;

    fn every_page_carries_the_security_headers(app) {
        // A site with something on every kind of page: posts with tags and comments
        // (one published, one held), a draft, a second staff account.
        let (post_id, slug) = housing_post(&app);
        let (_, second) = post(&app, "Rents in London", "Private rents keep climbing.", "");
        let draft = app.create_post("A draft", "", "Not yet.", "save", "");
        let who = reader(1);
        let (status, v) = send_json(&app, &slug, post_id, &who, &csrf(&app), &fields(&who, HOUSING_COMMENTS[0]));
        assert_eq!((status, v["status"].as_str()), (201, Some("published")), "{v}");
        let published = v["id"].as_i64().expect("an id");
        let other = reader(2);
        let mut f = fields(&other, HOUSING_COMMENTS[1]);
        set(&mut f, "form_token", "");
        let (_, v) = send_json(&app, &slug, post_id, &other, &csrf(&app), &f);
        assert_eq!(v["status"], "held", "{v}");
        let held = v["id"].as_i64().expect("an id");
        add_staff(&app, "mod@example.org", "Mo Moderator", "moderator");

        let reader_pages = crawl(&app.browser(), &["/", "/house-rules", "/search?q=housing", "/login", "/robots.txt", "/sitemap.xml"]);
        let (year, month) = {
            let now = chrono::Utc::now();
            (now.format("%Y").to_string(), now.format("%m").to_string())
        };
        assert_visited(&reader_pages, &[
            "/".into(), format!("/posts/{slug}"), format!("/posts/{second}"), "/tags".into(), "/tags/housing".into(),
            "/archive".into(), format!("/archive/{year}/{month}"), "/feed.atom".into(), "/feed.rss".into(),
            "/house-rules".into(), "/static/site.css".into(), "/static/favicon.svg".into(),
        ]);

        // The admin starts from the staff bar and follows everything, public pages too.
        let admin = app.browser();
        assert_eq!(admin.login(ADMIN_EMAIL, ADMIN_PASSWORD).status, 303);
        let staff_bar = admin.get("/admin/posts").attrs(".admin-bar a", "href");
        assert!(staff_bar.len() >= 7, "the staff bar: {staff_bar:?}");
        let seeds: Vec<&str> = staff_bar.iter().map(String::as_str).collect();
        let admin_pages = crawl(&admin, &seeds);
        assert_visited(&admin_pages, &[
            "/admin/posts".into(), "/admin/posts/new".into(), "/admin/queue".into(), "/admin/threads".into(),
            "/admin/audit".into(), "/admin/users".into(), "/admin/account".into(),
            format!("/admin/posts/{post_id}/edit"), format!("/admin/posts/{draft}/edit"),
            format!("/admin/posts/{draft}/preview"), format!("/admin/posts/{draft}/delete"),
            format!("/admin/comments/{held}"), format!("/admin/comments/{published}"), "/static/queue.js".into(),
        ]);

        // Error pages, as pages and as JSON.
        let author = app.browser();
        assert_eq!(author.login("writer@example.org", &add_staff(&app, "writer@example.org", "Wren Writer", "author")).status, 303);
        let huge = "x".repeat(3 * 1024 * 1024);
        let anon = app.browser();
        let errors = [
            ("a missing page", anon.get("/no-such-page"), 404),
            ("a missing post", anon.get("/posts/no-such-post"), 404),
            ("a missing page, as JSON", anon.get_json("/no-such-page"), 404),
            ("a bad query", anon.get("/search?q=x&page=abc"), 400),
            ("a bad unsubscribe link", anon.get("/unsubscribe?token=nonsense"), 400),
            ("a form without a CSRF token", anon.post("/login", &[("email", ADMIN_EMAIL)]), 403),
            ("a page above the author's role", author.get("/admin/users"), 403),
            ("a staff page for a reader", anon.get("/admin/queue"), 303),
            ("an oversized form", admin.post("/admin/posts/new", &[("body", huge.as_str())]), 413),
        ];
        for (what, page, status) in &errors {
            assert_eq!(page.status, *status, "{what}: {}", page.body);
            assert_security_headers(what, page);
        }

        // A server error: the posts table is renamed away under the running app.
        let rename = |from: &str, to: &str| {
            let sql = format!("ALTER TABLE {from} RENAME TO {to}");
            townhall::dispatch!(&mut *app.db(), |c| diesel::sql_query(&sql).execute(c)).expect("rename the posts table");
        };
        rename("posts", "posts_gone");
        let broken = anon.get("/");
        rename("posts_gone", "posts");
        assert_eq!(broken.status, 500, "{}", broken.body);
        assert_eq!(broken.text("h1"), "Something went wrong");
        assert_security_headers("a server error", &broken);

        eprintln!(
            "security headers ({:?}): {} pages as a reader, {} as an admin, {} error answers",
            app.backend, reader_pages.len(), admin_pages.len(), errors.len() + 1
        );
    }
}
