//! The two cookies the site sets, the per-browser CSRF seed and the staff session, are
//! out of scripts' reach (HttpOnly), not sent on cross-site requests that change things
//! (SameSite), and, when the site is served over https, never sent in clear (Secure,
//! with HSTS on every response; their names then carry the `__Host-` prefix, see
//! `sessions.rs`).

use actix_web::cookie::{Cookie, SameSite};
use townhall::config::Settings;
use townhall::http::middleware::csrf::cookie_names;

use crate::both_backends;
use crate::support::*;

/// Every cookie a response sets.
pub(super) fn set_cookies(page: &Page) -> Vec<Cookie<'static>> {
    page.headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| Cookie::parse(v.to_owned()).ok())
        .collect()
}

/// The cookie named `name` among a response's `Set-Cookie` headers.
pub(super) fn set_cookie(page: &Page, name: &str) -> Cookie<'static> {
    set_cookies(page)
        .into_iter()
        .find(|c| c.name() == name)
        .unwrap_or_else(|| panic!("no {name} cookie set: {:?}", page.headers))
}

/// Checks the attributes every cookie of the site must carry.
fn assert_guarded(cookie: &Cookie, https: bool) {
    let name = cookie.name();
    assert_eq!(
        cookie.http_only(),
        Some(true),
        "{name} is HttpOnly: {cookie}"
    );
    assert!(
        matches!(cookie.same_site(), Some(SameSite::Lax | SameSite::Strict)),
        "{name} is SameSite=Lax or Strict: {cookie}"
    );
    assert_eq!(cookie.path(), Some("/"), "{name} covers the site: {cookie}");
    assert_eq!(
        cookie.secure().unwrap_or(false),
        https,
        "{name} is Secure exactly when the site is https: {cookie}"
    );
}

/// The cookies through a whole visit: a public page (no cookie, so proxies may cache
/// it), the first page with a form, sign-in, sign-out.
fn check_cookies(app: &TestApp, https: bool) {
    let home = app.get("/");
    assert_eq!(home.status, 200);
    assert_eq!(
        home.header("set-cookie"),
        "",
        "a public page sets no cookie"
    );
    let first = app.get("/login");
    assert_eq!(first.status, 200);
    let names = cookie_names(&app.settings);
    assert_guarded(&set_cookie(&first, names.csrf), https);

    let signed_in = app.login(ADMIN_EMAIL, ADMIN_PASSWORD);
    assert_eq!(signed_in.status, 303, "{}", signed_in.body);
    let session = set_cookie(&signed_in, names.session);
    assert_guarded(&session, https);
    assert!(session.value().len() >= 32, "a long random session id");

    let out = app.submit("/admin/account", "/logout", &[]);
    assert_eq!(out.status, 303);
    let cleared = set_cookie(&out, names.session);
    assert_eq!(cleared.value(), "", "sign-out clears the session cookie");
    assert_guarded(&cleared, https);
}

/// Makes the app believe it is served over https (the test still speaks http to it).
pub(super) fn https_site(s: &mut Settings) {
    s.base_url = "https://blog.example.org".into();
}

both_backends! {
    fn cookies_are_http_only_and_same_site(app) {
        check_cookies(&app, false);
        assert_eq!(app.get("/").header("strict-transport-security"), "", "no HSTS over plain http");
    }
}

both_backends! {
    settings = https_site;

    fn under_https_cookies_are_secure_and_hsts_is_sent(app) {
        check_cookies(&app, true);
        for path in ["/", "/login", "/no-such-page", "/feed.atom", "/static/site.css"] {
            let hsts = app.get(path).header("strict-transport-security").to_owned();
            assert!(hsts.contains("max-age=31536000") && hsts.contains("includeSubDomains"), "{path}: {hsts:?}");
        }
    }
}
