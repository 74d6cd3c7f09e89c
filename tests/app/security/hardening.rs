//! The breaks an adversarial review of the release build found (issue 18), each as a
//! test that failed before its fix.

use crate::both_backends;
use crate::comments::*;
use crate::queue::{act, held, staff, status_of};
use crate::support::*;

/// A sign-in as the admin sent with the given proxy headers, from `app`'s browser.
fn sign_in_with(app: &TestApp, headers: &[(&str, String)], password: &str) -> u16 {
    sign_in_from(&app.browser, headers, password)
}

/// A sign-in as the admin from a browser, with the given proxy headers.
fn sign_in_from(b: &Browser, headers: &[(&str, String)], password: &str) -> u16 {
    let token = b.get("/login").csrf();
    let mut req = b.client.post(format!("{}/login", b.base)).form(&[
        ("email", ADMIN_EMAIL),
        ("password", password),
        ("next", "/admin/posts"),
        ("csrf_token", &token),
    ]);
    for (name, value) in headers {
        req = req.header(*name, value);
    }
    req.send().expect("POST /login").status().as_u16()
}

both_backends! {
    settings = comment_settings;

    fn a_client_cannot_choose_its_address_behind_the_proxy(app) {
        // Each try claims another address in `Forwarded` and in the part of
        // X-Forwarded-For the client wrote; the proxy's own entry (last) is the same.
        for i in 0..5 {
            let headers = [
                ("Forwarded", format!("for=198.51.100.{i}")),
                ("X-Forwarded-For", format!("198.51.100.{i}, 203.0.113.50")),
            ];
            assert_eq!(sign_in_with(&app, &headers, "wrong password"), 401, "try {i}");
        }
        let forged = [
            ("Forwarded", "for=198.51.100.99".to_owned()),
            ("X-Forwarded-For", "198.51.100.99, 203.0.113.50".to_owned()),
        ];
        assert_eq!(sign_in_with(&app, &forged, ADMIN_PASSWORD), 429, "five failures from one address lock it");
        let elsewhere = [("X-Forwarded-For", "203.0.113.51".to_owned())];
        assert_eq!(sign_in_with(&app, &elsewhere, ADMIN_PASSWORD), 303, "another address is not locked");
    }

    fn a_line_break_in_the_queue_return_address_is_not_followed(app) {
        let (id, slug) = housing_post(&app);
        let comment = held(&app, &slug, id, &reader(1));
        let m = staff(&app, "moderator", 1);
        for back in ["/admin/queue\r\nSet-Cookie: x=1", "/admin/queue?q=caf\u{e9}"] {
            let done = act(&m, &[("act", &format!("approve:{comment}")), ("back", back)]);
            assert_eq!(done.status, 303, "{back:?}: {}", done.body);
            assert_eq!(done.location(), "/admin/queue?done=approve", "{back:?}");
            assert_eq!(done.header("set-cookie"), "", "{back:?}");
        }
        assert_eq!(status_of(&app, comment), "published");
    }
}

/// The failed sign-ins on the admin account recorded in the last hour.
fn admin_failures(app: &TestApp) -> i64 {
    let since = chrono::Utc::now().naive_utc() - chrono::Duration::hours(1);
    townhall::storage::throttle::failures_for_account(&mut app.db(), ADMIN_EMAIL, since)
        .expect("count")
}

fn from(ip: &str) -> [(&'static str, String); 1] {
    [("X-Forwarded-For", ip.to_owned())]
}

both_backends! {
    settings = comment_settings;

    fn concurrent_guesses_cannot_pass_the_same_count(app) {
        // Sixteen browsers from one address, fifteen wrong and one right, at once.
        let browsers: Vec<Browser> = (0..16).map(|_| app.browser()).collect();
        let barrier = std::sync::Barrier::new(browsers.len());
        let statuses: Vec<u16> = std::thread::scope(|s| {
            let running: Vec<_> = browsers
                .iter()
                .enumerate()
                .map(|(i, b)| {
                    let barrier = &barrier;
                    s.spawn(move || {
                        let token = b.get("/login").csrf();
                        let password = if i == 7 { ADMIN_PASSWORD } else { "wrong password" };
                        barrier.wait();
                        b.client
                            .post(format!("{}/login", b.base))
                            .header("X-Forwarded-For", "203.0.113.60")
                            .form(&[("email", ADMIN_EMAIL), ("password", password), ("next", "/admin/posts"), ("csrf_token", &token)])
                            .send()
                            .expect("POST /login")
                            .status()
                            .as_u16()
                    })
                })
                .collect();
            running.into_iter().map(|t| t.join().expect("a sign-in thread")).collect()
        });
        // The right password settles as a success and frees its place, so at most five
        // wrong guesses are checked (and the right one may be among those let through).
        let wrong_checked = statuses.iter().filter(|s| **s == 401).count();
        assert!(wrong_checked <= 5, "at most five wrong guesses were checked: {statuses:?}");
        assert!(statuses.iter().all(|s| [303, 401, 429].contains(s)), "{statuses:?}");
        assert!(admin_failures(&app) <= 5, "{} failures recorded", admin_failures(&app));
    }

    fn nobody_can_lock_staff_out_from_elsewhere(app) {
        assert_eq!(sign_in_with(&app, &from("203.0.113.10"), ADMIN_PASSWORD), 303, "a usual address");
        for i in 0..10 {
            let stranger = app.browser();
            assert_eq!(sign_in_from(&stranger, &from(&format!("198.51.100.{i}")), "wrong password"), 401, "try {i}");
        }
        assert_eq!(sign_in_from(&app.browser(), &from("198.51.100.200"), ADMIN_PASSWORD), 429, "a new address waits");
        assert_eq!(sign_in_from(&app.browser(), &from("203.0.113.10"), ADMIN_PASSWORD), 303, "the usual address still signs in");
    }

    fn a_flood_closes_the_thread_with_one_notice(app) {
        app.login_admin();
        let (id, slug) = post(&app, "Deportation flights and the right to appeal", FLIGHTS_BODY, "");
        let token = csrf(&app);
        // Fifteen near-identical comments: the fifth closes the thread, and the ten after
        // it are near-duplicates too.
        for i in 0..15u32 {
            let who = reader(40 + i);
            let body = format!("{} ({})", FLOOD_CAMPAIGN[i as usize % FLOOD_CAMPAIGN.len()], i + 1);
            let (status, v) = send_json(&app, &slug, id, &who, &token, &fields(&who, &body));
            assert_eq!(status, 201, "{v}");
        }
        let outbox = townhall::storage::outbox::all(&mut app.db()).expect("outbox");
        let notices = outbox.iter().filter(|m| m.kind == "flood").count();
        assert_eq!(notices, 1, "one closure, one notice for the one moderator: {outbox:?}");
    }

    fn an_unsubscribe_link_has_one_spelling(app) {
        let (id, _) = housing_post(&app);
        let token = townhall::service::mail::token::issue(SECRET.as_bytes(), "reader1@example.org", id);
        assert_eq!(app.browser().get(&format!("/unsubscribe?token={token}")).status, 200);
        let (_, rest) = token.split_once('.').expect("a token");
        for spelling in [format!("0{id}"), format!("%2B{id}"), format!("00{id}")] {
            let page = app.browser().get(&format!("/unsubscribe?token={spelling}.{rest}"));
            assert_eq!(page.status, 400, "{spelling}");
        }
    }

    fn head_answers_like_get_without_a_body(app) {
        let (_, slug) = housing_post(&app);
        for path in ["/".to_owned(), format!("/posts/{slug}"), "/feed.atom".to_owned(), "/healthz".to_owned(), "/no-such-page".to_owned()] {
            let get = app.browser().get(&path);
            let head = app.browser().client.head(format!("{}{path}", app.base)).send().expect("HEAD");
            assert_eq!(head.status().as_u16(), get.status, "{path}");
            assert_eq!(head.headers().get("content-type"), get.headers.get("content-type"), "{path}");
            assert!(head.headers().contains_key("content-security-policy"), "{path}");
            assert_eq!(head.bytes().expect("no body").len(), 0, "{path}");
        }
    }

    fn deeply_nested_markdown_is_refused_and_never_parsed(app) {
        app.login_admin();
        let deep = format!("{} deep", ">".repeat(25_000));
        for action in ["preview", "publish"] {
            let page = app.submit("/admin/posts/new", "/admin/posts/new", &[
                ("title", "Nested"), ("tags", ""), ("body", &deep), ("action", action), ("publish_at", ""), ("slug", ""),
            ]);
            assert_eq!(page.status, 422, "{action}");
            assert!(page.body.contains("nested at most 16 deep"), "{action}: {}", &page.body[..page.body.len().min(400)]);
        }
        // A post stored before the limit (or by another route) is shown as text.
        let (id, slug) = housing_post(&app);
        {
            use diesel::prelude::*;
            use townhall::storage::schema::posts;
            let mut conn = app.db();
            townhall::dispatch!(&mut *conn, |c| diesel::update(posts::table.find(id)).set(posts::body_markdown.eq(&deep)).execute(c)).expect("store");
        }
        let page = app.browser().get(&format!("/posts/{slug}"));
        assert_eq!(page.status, 200);
        assert!(page.body.contains("<pre>&gt;&gt;&gt;"), "shown as text");
        assert_eq!(app.browser().get("/feed.atom").status, 200);
    }

    fn an_unclosed_style_tag_swallows_nothing(app) {
        app.login_admin();
        let id = app.create_post("Unclosed", "", "Before <style> after.\n\nThe rest of the post.", "publish", "");
        let page = app.browser().get(&format!("/posts/{}", app.slug_of(id)));
        assert_eq!(page.status, 200);
        assert!(page.text("article").contains("The rest of the post."), "{}", page.body);
        assert!(!page.attrs("form.comment-form", "action").is_empty(), "the rest of the page is there");
    }

    fn another_author_cannot_take_over_an_old_address(app) {
        app.login_admin();
        let mine = app.create_post("Housing report", "", "Mine.", "publish", "");
        let edit = format!("/admin/posts/{mine}/edit");
        let moved = app.submit(&edit, &edit, &[("title", "Housing report"), ("slug", "housing-report-2026"), ("body", "Mine."), ("tags", ""), ("publish_at", ""), ("action", "publish")]);
        assert_eq!(moved.status, 303, "{}", moved.body);
        let author = app.browser();
        let password = crate::auth::add_staff(&app, "author@example.org", "Ann Author", "author");
        assert_eq!(author.login("author@example.org", &password).status, 303);
        let theirs = author.create_post("Something else", "", "Theirs.", "publish", "");
        let edit = format!("/admin/posts/{theirs}/edit");
        let grab = author.submit(&edit, &edit, &[("title", "Something else"), ("slug", "housing-report"), ("body", "Theirs."), ("tags", ""), ("publish_at", ""), ("action", "publish")]);
        assert_eq!(grab.status, 422);
        let old = app.browser().get("/posts/housing-report");
        assert_eq!((old.status, old.location()), (301, "/posts/housing-report-2026"), "the redirect is kept");
    }

    fn healthz_fails_when_the_database_refuses_writes(app) {
        assert_eq!(app.get("/healthz").status, 200);
        {
            use diesel::connection::SimpleConnection;
            let mut conn = app.db();
            match &mut *conn {
                townhall::storage::DbConn::Sqlite(c) => c.batch_execute(
                    "CREATE TRIGGER no_writes BEFORE INSERT ON site_meta BEGIN SELECT RAISE(ABORT, 'disk full'); END;
                     CREATE TRIGGER no_updates BEFORE UPDATE ON site_meta BEGIN SELECT RAISE(ABORT, 'disk full'); END;",
                ),
                townhall::storage::DbConn::Postgres(c) => c.batch_execute(
                    "CREATE FUNCTION no_writes() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'disk full'; END $$ LANGUAGE plpgsql;
                     CREATE TRIGGER no_writes BEFORE INSERT OR UPDATE ON site_meta FOR EACH ROW EXECUTE FUNCTION no_writes();",
                ),
            }
            .expect("refuse writes");
        }
        let sick = app.get("/healthz");
        assert_eq!(sick.status, 503, "{}", sick.body);
        assert!(sick.body.contains("unavailable"), "{}", sick.body);
        assert_eq!(app.get("/").status, 200, "reading still works");
    }

    fn answers_that_show_a_commenters_email_are_never_stored(app) {
        let (id, slug) = housing_post(&app);
        let token = csrf(&app);
        let who = reader(70);
        let held = "The council housing waiting list figures for Hackney are at https://data.example.org/housing and https://stats.example.net/waiting-list for families.";
        for json in [false, true] {
            let page = send(&app, &slug, id, &who.ip, &token, &fields(&who, held), json);
            assert!([201, 202].contains(&page.status), "{}: {}", page.status, page.body);
            assert_eq!(page.header("cache-control"), "no-store", "held, json {json}");
            let refused = send(&app, &slug, id, &who.ip, &token, &fields(&who, ""), json);
            assert_eq!(refused.status, 422);
            assert_eq!(refused.header("cache-control"), "no-store", "refused, json {json}");
        }
        let html = send(&app, &slug, id, &who.ip, &token, &fields(&who, held), false);
        assert!(html.body.contains(&who.email), "the held page shows the e-mail, so it must not be kept");
    }

    fn common_passwords_are_refused(app) {
        app.login_admin();
        let created = app.submit("/admin/users", "/admin/users", &[
            ("email", "new@example.org"), ("name", "New Person"), ("role", "author"), ("password", "password123456"),
        ]);
        assert_eq!(created.status, 422, "{}", created.body);
        assert!(created.text(".field-error").contains("too easy to guess"), "{}", created.body);
        let change = app.submit("/admin/account", "/admin/account/password", &[
            ("current_password", ADMIN_PASSWORD), ("new_password", "Summer2024!"), ("confirm_password", "Summer2024!"),
        ]);
        assert_eq!(change.status, 422);
        assert!(change.text(".field-error").contains("too easy to guess"), "{}", change.body);
        assert_eq!(app.browser().login(ADMIN_EMAIL, ADMIN_PASSWORD).status, 303, "the password is unchanged");
    }

    fn guessing_the_current_password_is_throttled(app) {
        app.login_admin();
        let change = |current: &str| {
            app.submit("/admin/account", "/admin/account/password", &[
                ("current_password", current),
                ("new_password", "a brand new passphrase"),
                ("confirm_password", "a brand new passphrase"),
            ])
        };
        for i in 0..5 {
            assert_eq!(change("wrong password").status, 422, "guess {i}");
        }
        let blocked = change(ADMIN_PASSWORD);
        assert_eq!(blocked.status, 429, "{}", blocked.body);
        assert!(blocked.body.contains("Too many failed sign-in attempts"), "{}", blocked.body);
        assert_eq!(admin_failures(&app), 5);
    }
}

both_backends! {
    settings = cached_settings;

    fn the_wrote_cookie_does_not_skip_the_cache_without_a_replica(app) {
        housing_post(&app);
        let read = || {
            Page::from(
                app.browser()
                    .client
                    .get(format!("{}/search?q=housing", app.base))
                    .header("Cookie", "townhall_wrote=0/16B3748")
                    .send()
                    .expect("GET"),
            )
        };
        assert_eq!(read().header("x-page-cache"), "miss");
        assert_eq!(read().header("x-page-cache"), "hit", "kept for every reader, cookie or not");
    }
}

/// The comment tests' settings with the page cache on.
fn cached_settings(s: &mut townhall::config::Settings) {
    comment_settings(s);
    s.page_cache_seconds = 60;
}

#[test]
fn settings_that_cannot_work_are_configuration_errors() {
    let dir = tempfile::tempdir().expect("a folder");
    let a_file = dir.path().join("rules.toml");
    std::fs::write(&a_file, "").expect("a file");
    let a_file = a_file.display().to_string();
    for (var, value, setting) in [
        ("TOWNHALL_WORKERS", "100000", "workers"),
        ("TOWNHALL_RULES_DIR", a_file.as_str(), "rules_dir"),
        ("TOWNHALL_IMAGE_HOSTS", "https: data:", "image_hosts"),
        (
            "TOWNHALL_IMAGE_HOSTS",
            "example.org; script-src *",
            "image_hosts",
        ),
    ] {
        let err = crate::cli::fails(dir.path(), &["migrate"], &[(var, value)], None);
        assert!(
            err.contains("configuration error")
                && err.contains(setting)
                && !err.contains("panicked"),
            "{var}={value}: {err}"
        );
    }
}

/// A header's RFC 2047 encoded words decoded, as a mail client shows it.
fn as_shown(header: &str) -> String {
    use base64::Engine;
    let mut out = String::new();
    let mut rest = header;
    while let Some(start) = rest.find("=?utf-8?b?") {
        out.push_str(&rest[..start]);
        let word = &rest[start + "=?utf-8?b?".len()..];
        let end = word.find("?=").expect("an encoded word ends");
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(&word[..end])
            .expect("base64");
        out.push_str(&String::from_utf8(bytes).expect("UTF-8"));
        // Whitespace between two encoded words is not shown.
        rest = word[end + 2..].trim_start_matches(' ');
        if !rest.starts_with("=?") {
            rest = &word[end + 2..];
        }
    }
    out.push_str(rest);
    out
}

both_backends! {
    settings = crate::mail::mail_settings;

    fn a_literal_encoded_word_in_a_title_reaches_the_subject_as_typed(app) {
        let sink = crate::mail::SmtpSink::start();
        let mailer = crate::mail::mailer(&app, Some(&sink));
        app.login_admin();
        let title = "Flights =?utf-8?b?SGFja2Vk?= and appeals";
        let (id, slug) = post(&app, title, FLIGHTS_BODY, "");
        for (i, body) in FLOOD_CAMPAIGN.iter().enumerate() {
            crate::mail::comment(&app, &slug, id, &reader(60 + i as u32), body, true, false);
        }
        crate::mail::tick(&app, &mailer, "w", crate::mail::now());
        let flood: Vec<_> = sink.messages().into_iter().filter(|m| m.header("x-townhall-kind") == "flood").collect();
        assert_eq!(flood.len(), 1);
        let subject = flood[0].header("subject");
        assert_eq!(as_shown(subject), format!("[Townhall] Comments closed on \"{title}\" after a flood"), "raw: {subject}");
    }
}

#[test]
fn rules_lint_refuses_patterns_that_can_never_match() {
    let dir = tempfile::tempdir().expect("a folder");
    let rules = dir.path().join("rules");
    std::fs::create_dir(&rules).expect("rules folder");
    for (pattern, says) in [
        ("buy now!", "`!` never occurs"),
        ("(?:cheap|free)$", "`$` follows a letter"),
    ] {
        std::fs::write(
            rules.join("house-rules.toml"),
            format!(
                "[engine]\nversion = \"t\"\n\n[[rule]]\nid = \"spam.shout\"\nhouse_rule = 3\nkind = \"patterns\"\npatterns = ['{pattern}']\naction = \"hold\"\nsummary = \"s\"\nreason = \"r\"\n"
            ),
        )
        .expect("a rule file");
        let err = crate::cli::fails(dir.path(), &["rules", "lint", "--dir", "rules"], &[], None);
        assert!(
            err.contains("house-rules.toml:8") && err.contains(says),
            "{pattern}: {err}"
        );
    }
}

/// Short body deadlines and a small body budget, so the tests need not wait long.
fn tight_body_settings(s: &mut townhall::config::Settings) {
    s.body_timeout_seconds = 2;
    s.body_buffer_mib = 2;
}

/// Opens a connection and sends a form's head and the first `sent` bytes of a
/// `declared`-byte body, leaving the rest unsent.
fn start_slow_post(app: &TestApp, declared: usize, sent: usize) -> std::net::TcpStream {
    use std::io::Write;
    let addr = app.base.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(addr).expect("connect");
    let head = format!(
        "POST /login HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {declared}\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).expect("head");
    stream
        .write_all(&vec![b'a'; sent])
        .expect("part of the body");
    stream
}

/// The status line of what the server answered on `stream`.
fn status_line(stream: &mut std::net::TcpStream) -> String {
    use std::io::Read;
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(30)))
        .expect("timeout");
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    while !got.windows(2).any(|w| w == b"\r\n") {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => got.extend_from_slice(&buf[..n]),
        }
    }
    String::from_utf8_lossy(&got)
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned()
}

both_backends! {
    settings = tight_body_settings;

    fn a_body_that_never_finishes_is_cut_off(app) {
        let mut slow = start_slow_post(&app, 1000, 10);
        assert_eq!(status_line(&mut slow), "HTTP/1.1 408 Request Timeout");
        assert_eq!(app.get("/healthz").status, 200);
    }

    fn bodies_held_at_once_are_bounded(app) {
        let token = app.get("/login").csrf();
        let pad = "x".repeat(600 * 1024);
        let sign_in = || {
            app.client
                .post(format!("{}/login", app.base))
                .form(&[("email", ADMIN_EMAIL), ("password", "wrong password"), ("csrf_token", &token), ("pad", &pad)])
                .send()
                .expect("POST")
                .status()
                .as_u16()
        };
        assert_eq!(sign_in(), 401, "alone, a 600 KiB form is read");
        // 1.8 MiB of an unfinished 2 MiB body held: no room for another 600 KiB.
        let slow = start_slow_post(&app, 2 * 1024 * 1024 - 1, 1800 * 1024);
        let refused = (0..200).map(|_| sign_in()).find(|s| *s == 503);
        assert_eq!(refused, Some(503), "a form that does not fit is refused while the slow one is held");
        drop(slow);
        let read = (0..200).map(|_| sign_in()).find(|s| *s != 503);
        // Read again (401, or 429 once the wrong passwords add up).
        assert!(matches!(read, Some(401 | 429)), "room again once the slow body is gone: {read:?}");
    }
}

/// The CSP's `img-src` sources on the home page.
fn image_sources(app: &TestApp) -> Vec<String> {
    let csp = app.get("/").header("content-security-policy").to_owned();
    csp.split(';')
        .map(str::trim)
        .find_map(|d| d.strip_prefix("img-src "))
        .unwrap_or_else(|| panic!("no img-src in {csp}"))
        .split_whitespace()
        .map(str::to_owned)
        .collect()
}

both_backends! {
    fn images_come_from_the_site_alone_by_default(app) {
        assert_eq!(image_sources(&app), ["'self'"]);
    }
}

both_backends! {
    settings = with_image_hosts;

    fn images_may_come_from_the_hosts_named_in_the_settings(app) {
        assert_eq!(image_sources(&app), ["'self'", "images.example.org", "https://cdn.example.net"]);
    }
}

fn with_image_hosts(s: &mut townhall::config::Settings) {
    s.image_hosts = "images.example.org, https://cdn.example.net".into();
}

/// The comment tests' settings with the anti-automation limits on, and small.
fn automation_settings(s: &mut townhall::config::Settings) {
    comment_settings(s);
    s.comments_per_email_minute = 3;
    s.comments_per_address_hour = 8;
    s.same_comment_per_hour = 3;
}

/// Comments stored on a post.
fn stored_on(app: &TestApp, post_id: i64) -> usize {
    townhall::storage::comments::recent_on_post(
        &mut app.db(),
        post_id,
        chrono::Utc::now().naive_utc() - chrono::Duration::days(1),
    )
    .expect("comments")
    .len()
}

both_backends! {
    settings = automation_settings;

    fn one_email_at_machine_speed_is_refused_with_its_text_kept(app) {
        let (id, slug) = housing_post(&app);
        let token = csrf(&app);
        let bot = reader(80);
        for (i, body) in HOUSING_COMMENTS.iter().take(3).enumerate() {
            let sent = send(&app, &slug, id, &bot.ip, &token, &fields(&bot, body), false);
            assert_ne!(sent.status, 429, "comment {i}");
        }
        let fourth = "Waiting lists in Hackney are longer than anywhere else in London, and the council knows it.";
        let refused = send(&app, &slug, id, &bot.ip, &token, &fields(&bot, fourth), false);
        assert_eq!(refused.status, 429, "{}", refused.body);
        assert_eq!(refused.header("retry-after"), "60");
        assert!(refused.text("[role=alert]").contains("several comments in the last minute"), "{}", refused.body);
        assert_eq!(refused.text("textarea[name=body]"), fourth, "the text is kept");
        let json = send(&app, &slug, id, &bot.ip, &token, &fields(&bot, fourth), true);
        assert_eq!(json.status, 429);
        assert!(json.body.contains("several comments"), "{}", json.body);
        assert_eq!(stored_on(&app, id), 3, "a script's comments are not stored");
    }

    fn an_office_behind_one_address_is_not_a_bot(app) {
        let (id, slug) = housing_post(&app);
        let token = csrf(&app);
        for n in 0..8u32 {
            let person = Reader { name: format!("Colleague {n}"), email: format!("colleague{n}@charity.example.org"), ip: "198.51.100.20".into() };
            let body = format!("{} (from desk {n})", HOUSING_COMMENTS[n as usize % HOUSING_COMMENTS.len()]);
            let sent = send(&app, &slug, id, &person.ip, &token, &fields(&person, &body), false);
            assert_ne!(sent.status, 429, "colleague {n}: {}", sent.body);
        }
        let ninth = Reader { name: "Colleague 8".into(), email: "colleague8@charity.example.org".into(), ip: "198.51.100.20".into() };
        let over = send(&app, &slug, id, &ninth.ip, &token, &fields(&ninth, "One more from the office about the housing waiting list."), false);
        assert_eq!(over.status, 429, "the hourly ceiling per address");
        assert!(over.text("[role=alert]").contains("from your network"), "{}", over.body);
    }

    fn the_same_text_at_machine_speed_is_refused(app) {
        let (id, slug) = housing_post(&app);
        let token = csrf(&app);
        let text = "Visit our page for cheap council housing advice and sign up today for updates on Hackney.";
        for n in 0..3u32 {
            let who = reader(90 + n);
            assert_ne!(send(&app, &slug, id, &who.ip, &token, &fields(&who, text), false).status, 429, "copy {n}");
        }
        let who = reader(99);
        let refused = send(&app, &slug, id, &who.ip, &token, &fields(&who, text), false);
        assert_eq!(refused.status, 429);
        assert!(refused.text("[role=alert]").contains("already been sent many times"), "{}", refused.body);
    }
}
