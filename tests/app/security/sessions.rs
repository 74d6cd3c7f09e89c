//! Issue 18's staff sessions (ASVS level 2): a session unused for `session_idle_minutes`
//! ends and its row goes; the account page lists the account's live sessions with their
//! browser and address, and "Sign out everywhere else" ends all but this browser's (and
//! is audited); under https both cookies carry the `__Host-` prefix and are read under
//! that name only, over http their names are unchanged.

use chrono::{Duration, NaiveDateTime, Utc};
use diesel::prelude::*;
use reqwest::blocking::Client;
use townhall::config::Settings;
use townhall::http::middleware::csrf::{CookieNames, cookie_names};
use townhall::storage::schema::sessions;

use super::cookies::{https_site, set_cookie, set_cookies};
use crate::auth::add_staff;
use crate::both_backends;
use crate::support::*;

const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
const CHROME: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

fn now() -> NaiveDateTime {
    Utc::now().naive_utc()
}

/// Every session's last use, in the database.
fn last_seen(app: &TestApp) -> Vec<NaiveDateTime> {
    let mut conn = app.db();
    townhall::dispatch!(&mut *conn, |c| sessions::table
        .select(sessions::last_seen_at)
        .load(c))
    .expect("read sessions")
}

/// Moves every session's last use back to `at`, as if it had not been used since.
fn set_last_seen(app: &TestApp, at: NaiveDateTime) {
    let mut conn = app.db();
    townhall::dispatch!(&mut *conn, |c| diesel::update(sessions::table)
        .set(sessions::last_seen_at.eq(at))
        .execute(c))
    .expect("age the sessions");
}

/// A five-minute idle timeout (the least allowed).
fn short_idle(s: &mut Settings) {
    s.session_idle_minutes = 5;
}

both_backends! {
    settings = short_idle;

    fn an_idle_session_ends_and_its_row_is_removed(app) {
        app.login_admin();
        assert_eq!(app.get("/admin/account").status, 200);
        let signed_in = last_seen(&app);
        assert_eq!(signed_in.len(), 1, "one session");
        assert_eq!(app.get("/admin/account").status, 200);
        assert_eq!(last_seen(&app), signed_in, "a use within the minute writes nothing");

        // Four idle minutes: still signed in, and this use is recorded.
        set_last_seen(&app, now() - Duration::minutes(4));
        assert_eq!(app.get("/admin/account").status, 200, "within the idle time");
        let touched = last_seen(&app)[0];
        assert!(touched > now() - Duration::minutes(1), "the use was recorded: {touched}");

        // Six idle minutes: the next request is signed out and the session is gone.
        set_last_seen(&app, now() - Duration::minutes(6));
        let p = app.get("/admin/account");
        assert_eq!(p.status, 303, "idle too long: {}", p.body);
        assert_eq!(p.location(), "/login?next=%2Fadmin%2Faccount");
        assert!(last_seen(&app).is_empty(), "the idle session's row is removed");
        assert_eq!(app.get("/admin/posts").status, 303, "and it stays ended");
    }
}

both_backends! {
    fn the_account_page_lists_sessions_and_signs_out_the_others(app) {
        app.login_admin();
        let writer_password = add_staff(&app, "writer@example.org", "Wren Writer", "author");
        let writer = app.browser();
        assert_eq!(writer.login("writer@example.org", &writer_password).status, 303);
        let firefox = Browser::with_user_agent(&app.base, FIREFOX);
        firefox.login_admin();
        let chrome = Browser::with_user_agent(&app.base, CHROME);
        chrome.login_admin();

        // The admin's three sessions (the test's own browser added the writer), each
        // browser marked as itself; the writer's session is not among them.
        let page = firefox.get("/admin/account");
        assert_eq!(page.status, 200);
        let rows = page.texts("table.sessions tbody tr");
        assert_eq!(rows.len(), 3, "{rows:?}");
        let mine: Vec<&String> = rows.iter().filter(|r| r.contains("(this browser)")).collect();
        assert_eq!(mine.len(), 1, "{rows:?}");
        assert!(mine[0].contains("Firefox on Linux") && mine[0].contains("127.0.0.1"), "{rows:?}");
        assert!(rows.iter().any(|r| r.contains("Chrome on Windows") && !r.contains("this browser")), "{rows:?}");
        assert_eq!(page.attrs("table.sessions span[title]", "title").iter().filter(|t| *t == FIREFOX).count(), 1);
        let chrome_rows = chrome.get("/admin/account").texts("table.sessions tbody tr");
        assert!(chrome_rows.iter().any(|r| r.contains("Chrome on Windows") && r.contains("(this browser)")), "{chrome_rows:?}");

        let p = firefox.submit("/admin/account", "/admin/account/sessions/sign-out-others", &[]);
        assert_eq!(p.status, 303, "{}", p.body);
        assert_eq!(p.location(), "/admin/account?done=signed-out-others");
        let after = firefox.get(p.location());
        assert_eq!(after.status, 200, "this browser stays signed in");
        assert!(after.text(".notice-ok").contains("Every other session"), "{}", after.body);
        let rows = after.texts("table.sessions tbody tr");
        assert_eq!(rows.len(), 1, "{rows:?}");
        assert!(rows[0].contains("(this browser)"), "{rows:?}");
        assert_eq!(chrome.get("/admin/account").status, 303, "the other browser is signed out");
        assert_eq!(app.get("/admin/account").status, 303, "and so is the first");
        assert_eq!(writer.get("/admin/posts").status, 200, "another account's session is untouched");

        let audit = firefox.get("/admin/audit?action=user.sign_out_others");
        let entries = audit.texts("table.audit-table tbody tr");
        assert_eq!(entries.len(), 1, "{entries:?}");
        assert!(entries[0].contains("user.sign_out_others") && entries[0].contains("2 other sessions ended"), "{entries:?}");
    }
}

/// Signs in and out, checking each cookie the site sets has the name the settings say,
/// and the attributes a `__Host-` cookie needs when that is its name. Returns the
/// session's token.
fn visit(app: &TestApp, want: CookieNames, https: bool) -> String {
    let form = app.get("/login");
    let csrf = set_cookie(&form, want.csrf);
    let signed_in = app.login(ADMIN_EMAIL, ADMIN_PASSWORD);
    assert_eq!(signed_in.status, 303, "{}", signed_in.body);
    let session = set_cookie(&signed_in, want.session);
    let page = app.get("/admin/account");
    assert_eq!(page.status, 200, "the session is read under its own name");
    for cookie in [&csrf, &session] {
        assert_eq!(cookie.secure().unwrap_or(false), https, "{cookie}");
        assert_eq!(cookie.path(), Some("/"), "{cookie}");
        assert_eq!(cookie.domain(), None, "{cookie}");
    }
    for page in [&form, &signed_in] {
        let names: Vec<String> = set_cookies(page)
            .iter()
            .map(|c| c.name().to_owned())
            .collect();
        assert!(
            names.iter().all(|n| n == want.csrf || n == want.session),
            "{names:?}"
        );
    }
    session.value().to_owned()
}

both_backends! {
    settings = https_site;

    fn under_https_both_cookies_have_host_prefixed_names(app) {
        let want = cookie_names(&app.settings);
        assert_eq!((want.session, want.csrf), ("__Host-townhall_session", "__Host-townhall_csrf"));
        let token = visit(&app, want, true);

        // The plain name is not read any more: the same token under it signs nobody in.
        let plain = Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
        let p = Page::from(plain.get(format!("{}/admin/account", app.base)).header("Cookie", format!("townhall_session={token}")).send().expect("GET"));
        assert_eq!(p.status, 303, "a townhall_session cookie is ignored under https");
        let p = Page::from(plain.get(format!("{}/admin/account", app.base)).header("Cookie", format!("__Host-townhall_session={token}")).send().expect("GET"));
        assert_eq!(p.status, 200, "the __Host- name is");

        let out = app.submit("/admin/account", "/logout", &[]);
        assert_eq!(out.status, 303, "the CSRF cookie is read under its __Host- name too");
        let cleared = set_cookie(&out, want.session);
        assert_eq!((cleared.value(), cleared.secure()), ("", Some(true)), "{cleared}");
    }
}

both_backends! {
    fn over_http_the_cookie_names_are_unchanged(app) {
        let want = cookie_names(&app.settings);
        assert_eq!((want.session, want.csrf), ("townhall_session", "townhall_csrf"));
        visit(&app, want, false);
        assert_eq!(app.get("/admin/account").status, 200);
    }
}
