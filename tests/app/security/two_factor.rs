//! Issue 18, two-factor sign-in: staff set up a TOTP app from their account page with a
//! current code, then sign in with password and code (or a one-time recovery code);
//! wrong codes share the password throttle, no code is taken twice, turning it off needs
//! the password and a code, and a site can require it of admins.

use std::time::{SystemTime, UNIX_EPOCH};

use totp_rs::{Algorithm, Secret, TOTP};

use crate::auth::add_staff;
use crate::both_backends;
use crate::cli::townhall;
use crate::support::*;

/// The member's authenticator app: makes the code of a step not used before, as a person
/// typing a fresh code would (the site takes each 30-second step once).
struct App {
    totp: TOTP,
    last_step: Option<u64>,
}

fn now_step() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_secs()
        / 30
}

impl App {
    fn new(secret: &str) -> App {
        let bytes = Secret::Encoded(secret.to_owned())
            .to_bytes()
            .expect("a base32 secret");
        let totp = TOTP::new(Algorithm::SHA1, 6, 1, 30, bytes, None, String::new())
            .expect("a valid secret");
        App {
            totp,
            last_step: None,
        }
    }

    /// A code the site accepts now (one step either side) and has not seen.
    fn fresh_code(&mut self) -> String {
        let now = now_step();
        let step = self.last_step.map_or(now - 1, |s| (s + 1).max(now - 1));
        assert!(
            step <= now + 1,
            "the test used more codes than the clock allows"
        );
        self.last_step = Some(step);
        self.totp.generate(step * 30)
    }

    /// The code just used again.
    fn last_code(&self) -> String {
        self.totp
            .generate(self.last_step.expect("a code was used") * 30)
    }
}

/// A code the site never accepts now (none of the three steps it checks).
fn wrong_code(app: &App) -> String {
    let now = now_step();
    let taken: Vec<String> = (now - 1..=now + 1)
        .map(|s| app.totp.generate(s * 30))
        .collect();
    (0..1_000_000)
        .map(|n| format!("{n:06}"))
        .find(|c| !taken.contains(c))
        .expect("a wrong code")
}

/// Sets up two-factor for whoever `b` is signed in as: returns their app and the
/// recovery codes shown once.
fn enrol(b: &Browser) -> (App, Vec<String>) {
    let start = b.submit("/admin/account", "/admin/account/two-factor/setup", &[]);
    assert_eq!(start.status, 303, "{}", start.body);
    let page = b.get("/admin/account");
    let secret = page.text("#two-factor-secret");
    assert_eq!(
        secret.len(),
        32,
        "a 160-bit base32 key is shown: {}",
        page.body
    );
    let uri = page.text("#two-factor-uri");
    assert!(uri.starts_with("otpauth://totp/"), "{uri}");
    assert!(uri.contains(&format!("secret={secret}")), "{uri}");
    let mut app = App::new(&secret);
    let on = b.submit(
        "/admin/account",
        "/admin/account/two-factor/enable",
        &[("code", &app.fresh_code())],
    );
    assert_eq!(on.status, 200, "{}", on.body);
    assert!(
        on.text(".notice-ok").contains("Two-factor sign-in is on"),
        "{}",
        on.body
    );
    let codes = on.texts(".recovery-codes code");
    assert_eq!(codes.len(), 10, "{}", on.body);
    (app, codes)
}

/// The second step's form, sent from the page a browser is on after its password.
fn send_code(b: &Browser, code: &str) -> Page {
    b.submit(
        "/login/two-factor?next=%2Fadmin%2Fposts",
        "/login/two-factor",
        &[("code", code), ("next", "/admin/posts")],
    )
}

/// A new browser that typed the admin's right password: it waits for a code.
fn password_only(app: &TestApp) -> Browser {
    let b = app.browser();
    let first = b.login(ADMIN_EMAIL, ADMIN_PASSWORD);
    assert_eq!(first.status, 303, "{}", first.body);
    assert_eq!(first.location(), "/login/two-factor?next=%2Fadmin%2Fposts");
    let cookies: Vec<&str> = first
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    assert!(
        !cookies.iter().any(|c| c.starts_with("townhall_session=")),
        "no session yet: {cookies:?}"
    );
    let pending = cookies
        .iter()
        .find(|c| c.starts_with("townhall_pending="))
        .expect("a pending sign-in cookie");
    for flag in ["HttpOnly", "SameSite=Strict", "Path=/login", "Max-Age=300"] {
        assert!(pending.contains(flag), "{flag} in {pending}");
    }
    b
}

fn audit_actions(app: &TestApp) -> Vec<String> {
    app.get("/admin/audit?kind=user").texts(".audit-action")
}

/// Settings for a site that requires two-factor of its admins.
fn admins_need_two_factor(s: &mut townhall::config::Settings) {
    s.require_two_factor_for_admins = true;
}

both_backends! {
    fn setting_up_needs_a_current_code_and_then_signing_in_needs_one_too(app) {
        app.login_admin();
        let off = app.get("/admin/account");
        assert!(off.body.contains("Set up two-factor sign-in"), "{}", off.body);
        let started = app.submit("/admin/account", "/admin/account/two-factor/setup", &[]);
        assert_eq!(started.status, 303);
        let secret = app.get("/admin/account").text("#two-factor-secret");
        let wrong = app.submit("/admin/account", "/admin/account/two-factor/enable", &[("code", &wrong_code(&App::new(&secret)))]);
        assert_eq!(wrong.status, 422, "{}", wrong.body);
        assert!(wrong.text(".field-error").contains("not right"), "{}", wrong.body);
        assert_eq!(app.browser().login(ADMIN_EMAIL, ADMIN_PASSWORD).location(), "/admin/posts", "not on until a code confirms it");

        let (mut phone, _codes) = enrol(&app);
        assert!(app.get("/admin/account").body.contains("10 unused recovery codes"));
        assert_eq!(audit_actions(&app)[0], "user.two_factor_on");

        // The right password alone gives a pending sign-in, not a session.
        let b = password_only(&app);
        assert_eq!(b.get("/admin/posts").status, 303, "no session before the code");
        let wrong = send_code(&b, &wrong_code(&phone));
        assert_eq!(wrong.status, 401, "{}", wrong.body);
        assert!(wrong.text("#code-error").contains("not right"));
        let code = phone.fresh_code();
        let done = send_code(&b, &code);
        assert_eq!(done.status, 303, "{}", done.body);
        assert_eq!(done.location(), "/admin/posts");
        assert!(done.header("set-cookie").contains("townhall_session="), "a session now");
        assert_eq!(b.get("/admin/posts").status, 200);

        // The same code cannot be typed again, even by someone who has the password.
        let again = send_code(&password_only(&app), &phone.last_code());
        assert_eq!(again.status, 401, "{}", again.body);
        // Without a pending sign-in there is no second step.
        assert_eq!(app.browser().get("/login/two-factor").location(), "/login?next=%2Fadmin");
        let stray = app.browser();
        let token = stray.get("/login").csrf();
        let p = stray.post("/login/two-factor", &[("code", &phone.fresh_code()), ("csrf_token", &token)]);
        assert_eq!(p.status, 303);
        assert!(p.location().starts_with("/login?"), "{}", p.location());
        assert_eq!(stray.get("/admin/posts").status, 303);
    }

    fn wrong_codes_are_refused_and_throttled_like_passwords(app) {
        app.login_admin();
        let (phone, _) = enrol(&app);
        let b = password_only(&app);
        for _ in 0..5 {
            assert_eq!(send_code(&b, &wrong_code(&phone)).status, 401);
        }
        // Five failures from this address: even a right code waits, and so does the password.
        let mut phone = phone;
        let blocked = send_code(&b, &phone.fresh_code());
        assert_eq!(blocked.status, 429, "{}", blocked.body);
        assert!(blocked.text("#code-error").contains("Too many failed sign-in attempts"));
        assert_eq!(app.browser().login(ADMIN_EMAIL, ADMIN_PASSWORD).status, 429);
        assert_eq!(b.get("/admin/posts").status, 303, "never signed in");
    }

    fn a_recovery_code_works_once_and_new_ones_replace_the_old(app) {
        app.login_admin();
        let (mut phone, codes) = enrol(&app);
        let b = password_only(&app);
        let used = send_code(&b, &codes[0].to_uppercase());
        assert_eq!(used.status, 303, "{}", used.body);
        assert_eq!(b.get("/admin/posts").status, 200);
        assert_eq!(audit_actions(&app)[0], "user.recovery_code_used");
        assert!(app.get("/admin/account").body.contains("9 unused recovery codes"));
        assert_eq!(send_code(&password_only(&app), &codes[0]).status, 401, "used up");

        let wrong = app.submit("/admin/account", "/admin/account/two-factor/recovery-codes", &[("code", &wrong_code(&phone))]);
        assert_eq!(wrong.status, 422, "{}", wrong.body);
        let fresh = app.submit("/admin/account", "/admin/account/two-factor/recovery-codes", &[("code", &phone.fresh_code())]);
        assert_eq!(fresh.status, 200, "{}", fresh.body);
        let new_codes = fresh.texts(".recovery-codes code");
        assert_eq!(new_codes.len(), 10);
        assert!(new_codes.iter().all(|c| !codes.contains(c)));
        assert_eq!(audit_actions(&app)[0], "user.recovery_codes_new");
        assert_eq!(send_code(&password_only(&app), &codes[1]).status, 401, "the old codes are gone");
        assert_eq!(send_code(&password_only(&app), &new_codes[1]).status, 303);
    }

    fn turning_two_factor_off_needs_the_password_and_a_code(app) {
        app.login_admin();
        let (mut phone, _) = enrol(&app);
        let off = |password: &str, code: &str| app.submit("/admin/account", "/admin/account/two-factor/disable", &[("current_password", password), ("code", code)]);
        let no_password = off("not my password", &phone.fresh_code());
        assert_eq!(no_password.status, 422, "{}", no_password.body);
        assert!(no_password.text(".field-error").contains("password is not right"));
        let no_code = off(ADMIN_PASSWORD, &wrong_code(&phone));
        assert_eq!(no_code.status, 422, "{}", no_code.body);
        assert!(no_code.text(".field-error").contains("code is not right"));
        assert_eq!(password_only(&app).get("/admin/posts").status, 303, "still on");

        // The code typed with the wrong password was not used up by it.
        let done = off(ADMIN_PASSWORD, &phone.last_code());
        assert_eq!(done.status, 303, "{}", done.body);
        assert_eq!(done.location(), "/admin/account?done=two-factor-off#two-factor");
        assert_eq!(audit_actions(&app)[0], "user.two_factor_off");
        assert_eq!(app.browser().login(ADMIN_EMAIL, ADMIN_PASSWORD).location(), "/admin/posts", "a password alone again");
    }

    fn someone_locked_out_is_reset_from_the_command_line(app) {
        app.login_admin();
        enrol(&app);
        password_only(&app);
        let url = app.settings.database_url.clone().expect("a database URL");
        let dir = tempfile::tempdir().expect("temp dir");
        let (code, out, err) = townhall(dir.path(), &["user", "reset-two-factor", ADMIN_EMAIL], &[("DATABASE_URL", &url)], None);
        assert_eq!(code, 0, "{out}{err}");
        assert!(out.contains("Two-factor sign-in is off"), "{out}");
        assert_eq!(app.browser().login(ADMIN_EMAIL, ADMIN_PASSWORD).location(), "/admin/posts");
        let audit = app.get("/admin/audit?kind=user");
        assert_eq!(audit.texts(".audit-action")[0], "user.two_factor_off");
        assert!(audit.text("tbody").contains("from the command line"), "{}", audit.body);
    }
}

both_backends! {
    settings = admins_need_two_factor;

    fn admins_must_set_up_two_factor_when_the_site_requires_it(app) {
        let first = app.login(ADMIN_EMAIL, ADMIN_PASSWORD);
        assert_eq!(first.status, 303);
        assert_eq!(first.location(), "/admin/account?done=two-factor-required#two-factor");
        for page in ["/admin", "/admin/posts", "/admin/users", "/admin/queue", "/admin/audit"] {
            assert_eq!(app.get(page).location(), "/admin/account?done=two-factor-required#two-factor", "{page}");
        }
        let account = app.get("/admin/account?done=two-factor-required");
        assert_eq!(account.status, 200);
        assert!(account.text(".notice-ok").contains("asks admins to sign in with a code"));
        enrol(&app);
        assert_eq!(app.get("/admin/posts").status, 200, "set up: the staff pages open");

        // Other roles may choose it.
        let password = add_staff(&app, "author@example.org", "Ann Author", "author");
        let author = app.browser();
        assert_eq!(author.login("author@example.org", &password).location(), "/admin/posts");
        assert_eq!(author.get("/admin/posts").status, 200);
    }
}
