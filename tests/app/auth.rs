//! Staff sign-in, sessions, throttling and roles (CSRF and cookie flags: security.rs).

use crate::both_backends;
use crate::support::*;

/// Adds a staff account through the admin page and returns its password.
pub(crate) fn add_staff(app: &TestApp, email: &str, name: &str, role: &str) -> String {
    let password = format!("{role} password 123");
    let p = app.submit(
        "/admin/users",
        "/admin/users",
        &[
            ("email", email),
            ("name", name),
            ("role", role),
            ("password", &password),
        ],
    );
    assert_eq!(p.status, 200, "{}", p.body);
    assert!(
        p.text(".notice-ok").contains("Account created"),
        "{}",
        p.body
    );
    password
}

both_backends! {
    fn sign_in_sets_a_safe_cookie_and_sign_out_ends_the_session(app) {
        let anon = app.get("/admin/posts");
        assert_eq!(anon.status, 303);
        assert_eq!(anon.location(), "/login?next=%2Fadmin%2Fposts");
        assert_eq!(anon.header("set-cookie"), "", "no cookie until a page has a form");
        assert_eq!(app.get("/login").status, 200);
        let ok = app.login(ADMIN_EMAIL, ADMIN_PASSWORD);
        assert_eq!(ok.status, 303);
        assert_eq!(ok.location(), "/admin/posts");
        let admin = app.get("/admin/posts");
        assert_eq!(admin.status, 200);
        assert!(admin.text(".admin-bar").contains("Signed in as Site admin (admin)"));
        assert_eq!(admin.header("cache-control"), "no-store");
        let out = app.submit("/admin/posts", "/logout", &[]);
        assert_eq!(out.status, 303);
        assert_eq!(app.get("/admin/posts").status, 303, "signed out");
    }

    fn a_wrong_password_is_refused_and_repeated_failures_are_throttled(app) {
        let bad = app.login(ADMIN_EMAIL, "wrong password");
        assert_eq!(bad.status, 401);
        assert!(bad.text("#login-error").contains("do not match"));
        assert_eq!(bad.attrs("#email", "value"), vec![ADMIN_EMAIL], "the e-mail is kept");
        for _ in 0..4 {
            assert_eq!(app.login(ADMIN_EMAIL, "wrong password").status, 401);
        }
        // Five failures: even the right password waits, and a second browser (same address) too.
        let blocked = app.browser().login(ADMIN_EMAIL, ADMIN_PASSWORD);
        assert_eq!(blocked.status, 429);
        assert!(blocked.text("#login-error").contains("Too many failed sign-in attempts"));
        assert_eq!(app.login("nobody@example.org", "whatever pass").status, 401, "other accounts are not locked");
    }

    fn roles_limit_what_staff_can_do(app) {
        app.login_admin();
        let author_pw = add_staff(&app, "author@example.org", "Ann Author", "author");
        let mod_pw = add_staff(&app, "mod@example.org", "Mo Moderator", "moderator");
        let admins_post = app.create_post("Admin's post", "", "Body.", "save", "");

        let author = app.browser();
        assert_eq!(author.login("author@example.org", &author_pw).status, 303);
        assert_eq!(author.get("/admin/posts").status, 200);
        assert_eq!(author.get("/admin/users").status, 403);
        assert_eq!(author.get(&format!("/admin/posts/{admins_post}/edit")).status, 403, "authors edit only their own posts");
        let own = author.create_post("Author's post", "", "Mine.", "publish", "");
        assert!(author.get("/admin/posts").texts("tbody th").iter().all(|t| t == "Author's post"), "authors see only their posts");
        assert_eq!(app.get(&format!("/admin/posts/{own}/edit")).status, 200, "admins edit every post");

        let moderator = app.browser();
        assert_eq!(moderator.login("mod@example.org", &mod_pw).status, 303);
        let denied = moderator.get("/admin/posts");
        assert_eq!(denied.status, 403);
        assert!(denied.text("p").contains("Only authors and admins"));
        assert_eq!(moderator.get("/admin/posts/new").status, 403);
        assert_eq!(moderator.get("/admin").location(), "/admin/account");

        // Disabling an account signs it out at once.
        let users = app.get("/admin/users");
        let action = users.row_attr("author@example.org", "form[action$='/disable']", "action").expect("a disable button");
        assert_eq!(app.submit("/admin/users", &action, &[]).status, 303);
        assert_eq!(author.get("/admin/posts").status, 303, "the disabled author is signed out");
        assert_eq!(author.login("author@example.org", &author_pw).status, 401, "and cannot sign in again");
        assert_eq!(moderator.get("/admin/account").status, 200, "others stay signed in");

        // Each change to an account is in the audit log under the admin who made it.
        let audit = app.get("/admin/audit?kind=user");
        let entries = audit.texts(".audit-action");
        assert_eq!(entries[..3], ["user.disable", "user.create", "user.create"], "{}", audit.body);
        assert!(audit.text("tbody").contains("author@example.org"), "{}", audit.body);
        // Nobody disables their own account (the page offers no button; a forged post is
        // refused); nothing is written when they try.
        assert!(users.row_attr(ADMIN_EMAIL, "form[action$='/disable']", "action").is_none());
        let me = townhall::storage::users::find_by_email(&mut app.db(), ADMIN_EMAIL).expect("query").expect("the admin");
        let refused = app.submit("/admin/users", &format!("/admin/users/{}/disable", me.id), &[]);
        assert_eq!(refused.status, 409, "{}", refused.body);
        assert!(refused.body.contains("You cannot disable your own account."));
        assert_eq!(app.get("/admin/audit?kind=user").texts(".audit-action"), entries);
    }

    fn staff_can_change_their_password(app) {
        app.login_admin();
        let wrong = app.submit("/admin/account", "/admin/account/password", &[("current_password", "nope"), ("new_password", "a brand new passphrase"), ("confirm_password", "a brand new passphrase")]);
        assert_eq!(wrong.status, 422);
        assert!(wrong.text(".field-error").contains("current password is not right"));
        let short = app.submit("/admin/account", "/admin/account/password", &[("current_password", ADMIN_PASSWORD), ("new_password", "short"), ("confirm_password", "short")]);
        assert_eq!(short.status, 422);
        assert!(short.text(".field-error").contains("at least 10 characters"));
        let ok = app.submit("/admin/account", "/admin/account/password", &[("current_password", ADMIN_PASSWORD), ("new_password", "a brand new passphrase"), ("confirm_password", "a brand new passphrase")]);
        assert_eq!(ok.status, 303);
        assert_eq!(app.get("/admin/posts").status, 303, "sessions end after a password change");
        assert_eq!(app.login(ADMIN_EMAIL, ADMIN_PASSWORD).status, 401);
        assert_eq!(app.login(ADMIN_EMAIL, "a brand new passphrase").status, 303);
        let entries = app.get("/admin/audit?kind=user").texts(".audit-action");
        assert_eq!(entries.iter().filter(|a| *a == "user.password").count(), 1, "one entry, for the change that happened: {entries:?}");
        assert_eq!(entries[0], "user.password");
    }

    fn sign_in_never_redirects_off_site(app) {
        let token = app.get("/login").csrf();
        let p = app.post("/login", &[("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD), ("next", "//evil.example/"), ("csrf_token", &token)]);
        assert_eq!(p.status, 303);
        assert_eq!(p.location(), "/admin");
    }
}
