//! Every POST route refuses a request that lacks a valid CSRF token, even from a signed-in
//! admin, and changes nothing. The list of routes is checked against the `#[post(...)]`
//! attributes in `src/`, so a POST route added later fails here until it is listed (and so
//! tested). Two routes have other authority, on purpose:
//!
//! - `/unsubscribe` is RFC 8058 one-click unsubscribe: mail clients POST without cookies,
//!   so the HMAC-signed token in the address is the authority. A missing, forged or
//!   tampered token must be refused and leave the subscription in place.
//! - `/subscriptions/confirm` confirms a request for reply e-mail from the link in the
//!   one message it sets off, the same way: its signed token is the authority, and a
//!   missing, forged or altered one confirms nothing.
//! - `/posts/{slug}/comments` needs the CSRF token like any form. Its separate signed
//!   *form token* (`src/service/form_token.rs`) is evidence for the moderation engine, not
//!   authority: a comment without one is stored but held for a person (`spam.form_token`),
//!   never published as if it had come from the form.

use std::collections::BTreeSet;
use std::path::Path;

use regex::Regex;
use serde_json::Value;
use townhall::storage::comments as stored;

use crate::auth::add_staff;
use crate::both_backends;
use crate::comments::{
    HOUSING_COMMENTS, Reader, SECRET, comment_settings, csrf, fields, housing_post, reader,
    send_json, set,
};
use crate::support::*;

/// Every POST route in `src/http`, exactly as its attribute spells it.
const POST_ROUTES: &[&str] = &[
    "/login",
    "/login/two-factor",
    "/logout",
    "/admin/posts/new",
    "/admin/posts/{id}/edit",
    "/admin/posts/{id}/publish",
    "/admin/posts/{id}/unpublish",
    "/admin/posts/{id}/delete",
    "/admin/account/notifications",
    "/admin/account/password",
    "/admin/account/two-factor/setup",
    "/admin/account/two-factor/enable",
    "/admin/account/two-factor/disable",
    "/admin/account/two-factor/recovery-codes",
    "/admin/account/sessions/sign-out-others",
    "/admin/users",
    "/admin/users/{id}/disable",
    "/admin/users/{id}/enable",
    "/posts/{slug}/comments",
    "/unsubscribe",
    "/subscriptions/confirm",
    "/admin/queue",
    "/admin/comments/{id}/edit",
    "/admin/comments/{id}/ban",
    "/admin/comments/{id}/bans/{ban}/lift",
    "/admin/comments/{id}/trust",
    "/admin/comments/{id}/export",
    "/admin/comments/{id}/erase",
    "/admin/posts/{id}/comments",
    "/admin/posts/{id}/lift-flood",
    "/admin/site/comments",
    "/admin/site/held",
    "/comments/{id}/report",
    "/admin/comments/{id}/reports/dismiss",
    "/appeal",
    "/admin/appeals/{id}",
];

/// POST routes authorised by a signed token in the address instead (see the module note).
const SIGNED_LINK_ROUTES: &[&str] = &["/unsubscribe", "/subscriptions/confirm"];

/// Fields that would make each route do something if its CSRF check were missing.
const PLAUSIBLE_FIELDS: &[(&str, &str)] = &[
    ("title", "Changed by a forged form"),
    ("body", "Changed by a forged form."),
    ("tags", ""),
    ("slug", ""),
    ("publish_at", ""),
    ("action", "publish"),
    ("email", ADMIN_EMAIL),
    ("password", ADMIN_PASSWORD),
    ("name", "Forged"),
    ("role", "admin"),
    ("current_password", ADMIN_PASSWORD),
    ("new_password", "a forged new passphrase"),
    ("confirm_password", "a forged new passphrase"),
    ("code", "123456"),
    ("notify_new_comments", "yes"),
    ("trusted", "yes"),
    ("mode", "closed"),
    ("paused", "yes"),
    ("note", "forged"),
    ("website", ""),
    ("reply_to", ""),
    ("agree", "yes"),
    ("homepage", ""),
    ("reason", "unlawful"),
    ("detail", "Forged."),
    ("explanation", "Forged appeal."),
    ("outcome", "publish"),
    ("published", "remove"),
];

fn source_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            source_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The POST routes declared in `src/`, read from the source. Any other way of declaring
/// a state-changing route fails here, so that this reading stays complete.
fn post_routes_in_source() -> BTreeSet<String> {
    let post = Regex::new(r#"#\[post\(\s*"([^"]+)""#).expect("regex");
    let other = Regex::new(
        r"#\[(put|patch|delete|route|routes)\(|web::(post|put|patch|delete|route|resource)\(|Method::(POST|PUT|PATCH|DELETE)|guard::(Post|Put|Patch|Delete)\(",
    )
    .expect("regex");
    let mut files = Vec::new();
    source_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    let mut found = BTreeSet::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("read a source file");
        if let Some(m) = other.find(&text) {
            panic!(
                "{} declares a route with `{}`: teach post_routes_in_source to read it",
                file.display(),
                m.as_str()
            );
        }
        found.extend(post.captures_iter(&text).map(|c| c[1].to_owned()));
    }
    found
}

#[test]
fn the_post_route_list_matches_the_source() {
    let listed: BTreeSet<String> = POST_ROUTES.iter().map(|r| (*r).to_owned()).collect();
    assert_eq!(listed.len(), POST_ROUTES.len(), "no route listed twice");
    let declared = post_routes_in_source();
    let unlisted: Vec<_> = declared.difference(&listed).collect();
    let gone: Vec<_> = listed.difference(&declared).collect();
    assert!(
        unlisted.is_empty() && gone.is_empty(),
        "POST routes in src/ but not in POST_ROUTES (add them, and check they refuse a request without a CSRF token): {unlisted:?}; listed but no longer in src/: {gone:?}"
    );
}

/// A reader who asked for e-mail about replies.
fn subscriber() -> Reader {
    Reader {
        name: "Sam Subscriber".into(),
        email: "sam@example.org".into(),
        ip: "10.77.0.7".into(),
    }
}

fn is_subscribed(app: &TestApp, email: &str, post_id: i64) -> bool {
    let key = townhall::moderation::identity::email_key(email);
    townhall::storage::subscriptions::is_subscribed(&mut app.db(), &key, post_id)
        .expect("query subscriptions")
}

both_backends! {
    settings = comment_settings;

    fn every_post_route_refuses_a_missing_or_forged_csrf_token(app) {
        // Something for each route to act on: a post, a held comment, a second account.
        let (post_id, slug) = housing_post(&app);
        let who = reader(1);
        let (status, v) = send_json(&app, &slug, post_id, &who, &csrf(&app), &fields(&who, HOUSING_COMMENTS[0]));
        assert_eq!(status, 201, "{v}");
        let comment_id = v["id"].as_i64().expect("a comment id");
        let writer_password = add_staff(&app, "writer@example.org", "Wren Writer", "author");
        let disable = app.get("/admin/users").row_attr("writer@example.org", "form[action$='/disable']", "action").expect("a disable button");
        let user_id = disable.trim_start_matches("/admin/users/").trim_end_matches("/disable").to_owned();

        // A second session of the admin, which "sign out everywhere else" would end.
        let elsewhere = app.browser();
        elsewhere.login_admin();

        let foreign = app.browser().get("/login").csrf();
        let mut checked = 0;
        for route in POST_ROUTES.iter().filter(|r| !SIGNED_LINK_ROUTES.contains(r)) {
            let id = if route.starts_with("/admin/posts/") {
                post_id.to_string()
            } else if route.starts_with("/admin/users/") {
                user_id.clone()
            } else {
                comment_id.to_string()
            };
            let act = format!("approve:{comment_id}");
            let path = route.replace("{id}", &id).replace("{slug}", &slug).replace("{ban}", "1");
            let mut form: Vec<(&str, &str)> = PLAUSIBLE_FIELDS.to_vec();
            form.push(("act", &act));
            for (case, token) in [("no", None), ("a forged", Some("Zm9yZ2VkLXRva2Vu")), ("another browser's", Some(foreign.as_str()))] {
                let mut sent = form.clone();
                if let Some(t) = token {
                    sent.push(("csrf_token", t));
                }
                let p = app.post(&path, &sent);
                assert_eq!(p.status, 403, "POST {path} with {case} CSRF token: {}", p.body);
                assert!(p.text("main").contains("This form has expired"), "POST {path} with {case} token explains itself: {}", p.body);
                assert!(p.header("content-type").starts_with("text/html"), "{path}");
            }
            checked += 1;
        }
        assert_eq!(checked, POST_ROUTES.len() - SIGNED_LINK_ROUTES.len());

        // Nothing changed: the admin is still signed in with the same password, the post,
        // comment and account are as they were, and comments are still open.
        let edit = app.get(&format!("/admin/posts/{post_id}/edit"));
        assert_eq!(edit.status, 200, "still signed in, the post still there");
        assert_eq!(edit.attrs("input[name=title]", "value"), vec!["Council housing waiting lists in Hackney"]);
        let row = stored::find(&mut app.db(), comment_id).expect("query").expect("the comment");
        assert_eq!((row.status.as_str(), row.body.as_str()), ("published", HOUSING_COMMENTS[0]));
        assert_eq!(stored::count_on_post(&mut app.db(), post_id).expect("count"), 1, "no comment was added");
        assert!(townhall::storage::reports::open_on(&mut app.db(), &[comment_id]).expect("reports").is_empty(), "no report was stored");
        assert_eq!(app.browser().login("writer@example.org", &writer_password).status, 303, "the account is still enabled");
        assert!(!app.get("/admin/users").body.contains("Forged"), "no account was created");
        assert!(app.get("/admin/account").body.contains("Set up two-factor sign-in"), "two-factor was not started");
        assert_eq!(app.browser().login(ADMIN_EMAIL, ADMIN_PASSWORD).status, 303, "the password is unchanged");
        assert_eq!(elsewhere.get("/admin/account").status, 200, "the admin's other session is not ended");
        assert_eq!(app.browser().get(&format!("/posts/{slug}")).attrs("form.comment-form", "action").len(), 1, "comments are still open");
    }

    fn a_comment_without_its_form_token_is_held_not_taken_as_genuine(app) {
        let (post_id, slug) = housing_post(&app);
        let who = reader(2);
        let mut f = fields(&who, HOUSING_COMMENTS[2]);
        set(&mut f, "form_token", "");
        let (status, v) = send_json(&app, &slug, post_id, &who, &csrf(&app), &f);
        assert_eq!((status, v["status"].as_str()), (201, Some("held")), "{v}");
        let rules: Vec<&str> = v["hits"].as_array().into_iter().flatten().filter_map(|h| h["rule"].as_str()).collect();
        assert!(rules.contains(&"spam.form_token"), "held for the missing form token: {v}");
        let page = app.browser().get(&format!("/posts/{slug}"));
        assert!(page.texts(".comment-list .comment").is_empty(), "not shown to readers");
    }

    fn signed_links_refuse_a_missing_forged_or_altered_token(app) {
        let (post_id, slug) = housing_post(&app);
        let sam = subscriber();
        let mut f = fields(&sam, HOUSING_COMMENTS[3]);
        set(&mut f, "notify_replies", "yes");
        let (status, v): (u16, Value) = send_json(&app, &slug, post_id, &sam, &csrf(&app), &f);
        assert_eq!((status, v["status"].as_str()), (201, Some("published")), "{v}");
        assert!(!is_subscribed(&app, &sam.email, post_id), "not before confirming");
        let key = townhall::moderation::identity::email_key(&sam.email);
        let encode = |t: &str| url::form_urlencoded::byte_serialize(t.as_bytes()).collect::<String>();
        let request = townhall::storage::subscriptions::find(&mut app.db(), &key, post_id).expect("query").expect("the request");
        let at = request.created_at.and_utc().timestamp();
        let confirm = townhall::service::mail::token::issue_confirm(SECRET.as_bytes(), &key, post_id, at);
        let forged = townhall::service::mail::token::issue_confirm(b"somebody else's secret, long enough", &key, post_id, at);
        let other_time = townhall::service::mail::token::issue_confirm(SECRET.as_bytes(), &key, post_id, at - 1);
        for (case, path) in [
            ("no token", "/subscriptions/confirm".to_owned()),
            ("a forged token", format!("/subscriptions/confirm?token={}", encode(&forged))),
            ("a cut token", format!("/subscriptions/confirm?token={}", encode(&confirm[..confirm.len() - 3]))),
        ] {
            let p = app.browser().post(&path, &[]);
            assert_eq!(p.status, 400, "{case}: {}", p.body);
            assert!(p.text("main").contains("not valid"), "{case} explains itself: {}", p.body);
            assert!(!is_subscribed(&app, &sam.email, post_id), "{case} confirms nothing");
        }
        let p = app.browser().post(&format!("/subscriptions/confirm?token={}", encode(&other_time)), &[]);
        assert!(p.text("h1").contains("no longer works"), "a link for another request: {}", p.body);
        assert!(!is_subscribed(&app, &sam.email, post_id));
        let p = app.browser().post(&format!("/subscriptions/confirm?token={}", encode(&confirm)), &[]);
        assert_eq!(p.status, 200, "{}", p.body);
        assert!(is_subscribed(&app, &sam.email, post_id), "the genuine link, with no cookie and no CSRF token");

        let genuine = townhall::service::mail::token::issue(SECRET.as_bytes(), &key, post_id);
        let forged = townhall::service::mail::token::issue(b"somebody else's secret, long enough", &key, post_id);
        let other_post = genuine.replacen(&format!("{post_id}."), &format!("{}.", post_id + 1), 1);
        for (case, path) in [
            ("no token", "/unsubscribe".to_owned()),
            ("an empty token", "/unsubscribe?token=".to_owned()),
            ("a forged token", format!("/unsubscribe?token={}", encode(&forged))),
            ("a token moved to another post", format!("/unsubscribe?token={}", encode(&other_post))),
            ("a cut token", format!("/unsubscribe?token={}", encode(&genuine[..genuine.len() - 3]))),
        ] {
            let p = app.browser().post(&path, &[("List-Unsubscribe", "One-Click")]);
            assert_eq!(p.status, 400, "{case}: {}", p.body);
            assert!(p.text("main").contains("not valid"), "{case} explains itself: {}", p.body);
            assert!(is_subscribed(&app, &sam.email, post_id), "{case} leaves the subscription");
        }
        // The exemption is exactly this: the genuine link works with no cookie and no CSRF token.
        let p = app.browser().post(&format!("/unsubscribe?token={}", encode(&genuine)), &[("List-Unsubscribe", "One-Click")]);
        assert_eq!(p.status, 200, "{}", p.body);
        assert!(!is_subscribed(&app, &sam.email, post_id));
    }
}
