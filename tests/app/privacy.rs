//! Personal data: reply subscriptions that wait for their reader's confirmation, the
//! export and erasure of everything kept about one e-mail, the retention purge on its
//! schedule, and the `/privacy` page. Mail goes over real SMTP to the tests' sink.

use chrono::Duration;
use diesel::prelude::*;
use serde_json::Value;
use townhall::config::Settings;
use townhall::service::personal_data::{self, PublishedComments, Whose};
use townhall::storage::personal_data as catalog;

use crate::appeals::{EXPLANATION, RUDE, ask, rejected_by_form};
use crate::both_backends;
use crate::comments::*;
use crate::mail::{Received, SmtpSink, comment, confirm_all, mail_settings, mailer, now, tick};
use crate::reports::report;
use crate::support::*;

/// The path of the first link in a message's body that starts with `prefix`.
fn link_in(app: &TestApp, m: &Received, prefix: &str) -> String {
    let start = m
        .body
        .find(&format!("{}{prefix}", app.base))
        .unwrap_or_else(|| panic!("no {prefix} link in {}", m.body));
    let url: String = m.body[start..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect();
    url.trim_start_matches(&app.base).to_owned()
}

fn to<'a>(messages: &'a [Received], who: &str) -> Vec<&'a Received> {
    messages.iter().filter(|m| m.rcpt == [who]).collect()
}

fn bruno() -> Reader {
    Reader {
        name: "Bruno Okafor".into(),
        email: "bruno.okafor@example.net".into(),
        ip: "198.51.100.23".into(),
    }
}

/// What is stored about Amira and Bruno: published and held comments, Bruno's reply to
/// Amira, confirmed subscriptions with mail about each other's comments, reports each
/// made on the other's comment (with name and e-mail), Amira's rejected comment and her
/// request for its review, an edit with a note naming her, a trust mark, bans by e-mail
/// and by address. Returns Amira's published comment, her held one and Bruno's reply.
fn two_commenters(app: &TestApp, sink: &SmtpSink) -> (i64, i64, i64, String) {
    let mailer = mailer(app, Some(sink));
    let (id, slug) = housing_post(app);
    let (a, status) = comment(app, &slug, id, &amira(), HOUSING_COMMENTS[0], true, true);
    assert_eq!(status, "published");
    let (_, status) = comment(app, &slug, id, &bruno(), HOUSING_COMMENTS[1], true, true);
    assert_eq!(status, "published");
    tick(app, &mailer, "w", now());
    confirm_all(app, sink);
    let b = publish(app, &slug, id, &bruno(), HOUSING_COMMENTS[2], Some(a));
    let (held, status) = comment(app, &slug, id, &amira(), HOUSING_COMMENTS[3], false, false);
    assert_eq!(status, "held");
    comment(app, &slug, id, &bruno(), HOUSING_COMMENTS[4], false, false);
    let link = rejected_by_form(app, &slug, id, &amira(), RUDE);
    assert_eq!(ask(&app.browser(), &link, EXPLANATION).status, 303);
    for (on, who, detail) in [
        (
            b,
            amira(),
            "Bruno Okafor keeps replying to me; Amira Haddad",
        ),
        (a, bruno(), "Off-topic, says Bruno Okafor"),
    ] {
        let sent = report(
            app,
            on,
            &who.ip,
            &[
                ("reason", "other"),
                ("detail", detail),
                ("name", &who.name),
                ("email", &who.email),
            ],
        );
        assert_eq!(sent.status, 303, "{}", sent.body);
    }
    tick(app, &mailer, "w", now());
    let page = format!("/admin/comments/{a}");
    let edited = app.submit(
        &page,
        &format!("{page}/edit"),
        &[
            ("body", HOUSING_COMMENTS[0]),
            ("note", "Amira Haddad asked us to fix a typo"),
        ],
    );
    assert_eq!(edited.status, 303, "{}", edited.body);
    assert_eq!(
        app.submit(&page, &format!("{page}/trust"), &[("trusted", "1")])
            .status,
        303
    );
    let banned = app.submit(
        &page,
        &format!("{page}/ban"),
        &[
            ("by_email", "1"),
            ("by_address", "1"),
            ("days", "3"),
            ("note", "cooling off"),
        ],
    );
    assert_eq!(banned.status, 303, "{}", banned.body);
    let bpage = format!("/admin/comments/{b}");
    assert_eq!(
        app.submit(&bpage, &format!("{bpage}/trust"), &[("trusted", "1")])
            .status,
        303
    );
    (a, held, b, slug)
}

/// Every (table, text column) of the database holding `needle`, from the catalog.
fn holding(app: &TestApp, needle: &str) -> Vec<String> {
    let mut conn = app.db();
    let columns = catalog::text_columns(&mut conn).expect("the catalog");
    assert!(
        columns.iter().any(|(t, c)| t == "comments" && c == "email"),
        "{columns:?}"
    );
    columns
        .into_iter()
        .filter(|(t, c)| catalog::count_holding(&mut conn, t, c, needle).expect("a scan") > 0)
        .map(|(t, c)| format!("{t}.{c}"))
        .collect()
}

fn audit_actions(app: &TestApp) -> Vec<(String, String)> {
    use townhall::storage::schema::audit_log;
    let mut conn = app.db();
    townhall::dispatch!(&mut *conn, |c| audit_log::table
        .order(audit_log::id.asc())
        .select((audit_log::action, audit_log::detail))
        .load(c))
    .expect("the audit log")
}

pub(crate) fn amira() -> Reader {
    Reader {
        name: "Amira Haddad".into(),
        email: "Amira.Haddad@example.org".into(),
        ip: "203.0.113.41".into(),
    }
}

both_backends! {
    settings = mail_settings;

    fn an_export_holds_everything_of_one_reader_and_nothing_of_another(app) {
        let sink = SmtpSink::start();
        let (a, _, _, _) = two_commenters(&app, &sink);
        let page = format!("/admin/comments/{a}");
        assert_eq!(app.get(&page).attrs("form.export-form", "action"), vec![format!("{page}/export")]);
        let got = app.submit(&page, &format!("{page}/export"), &[]);
        assert_eq!(got.status, 200, "{}", got.body);
        assert!(got.header("content-disposition").starts_with("attachment;"), "a file download");
        assert_eq!(got.header("cache-control"), "no-store");
        let doc: Value = serde_json::from_str(&got.body).expect("JSON");
        assert_eq!(doc["email_key"], "amira.haddad@example.org");
        let rows = |t: &str| doc["tables"][t].as_array().cloned().unwrap_or_default();
        let comments = rows("comments");
        assert_eq!(comments.len(), 3, "published, held and rejected");
        assert!(comments.iter().all(|c| c["email_key"] == "amira.haddad@example.org"));
        assert!(comments.iter().any(|c| c["ip"] == "203.0.113.41"), "the address still kept");
        assert!(comments.iter().any(|c| c["hits"].is_string() && c["auto_action"].is_string()), "with the verdict");
        for table in ["comment_events", "reply_subscriptions", "bans", "commenters", "commenter_history", "outbox", "appeals", "reports"] {
            assert!(!rows(table).is_empty(), "{table}: {}", got.body);
        }
        // The report she made is hers; the one Bruno made about her comment is his.
        assert!(rows("reports").iter().all(|r| r["reporter_email"] == "Amira.Haddad@example.org"), "{:?}", rows("reports"));
        assert!(rows("appeals").iter().all(|r| r["explanation"] == EXPLANATION));
        assert!(rows("outbox").iter().all(|m| m["recipient"].as_str().is_some_and(|r| r.eq_ignore_ascii_case("amira.haddad@example.org"))));
        // Mail sent to her quotes Bruno's published comment as she received it; nothing
        // else of his (his e-mail, his address, his rows) is in her copy.
        assert!(got.body.contains("Bruno Okafor commented"), "the reply notice she received");
        for other in ["bruno.okafor@example.net", "198.51.100.23"] {
            assert!(!got.body.to_lowercase().contains(other), "{other} is someone else's: {}", got.body);
        }
        // Audited: who exported whose data, not the data.
        let log = audit_actions(&app);
        let entry = log.iter().find(|(a, _)| a == "personal_data.export").expect("audited");
        assert!(entry.1.contains("amira.haddad@example.org") && !entry.1.contains("sister"), "{}", entry.1);
        // The command line's export, by the address in any spelling, holds the same.
        let by_email = personal_data::export(&mut app.db(), None, &Whose::Email("AMIRA.Haddad@example.org".into()), now()).expect("export");
        let doc2: Value = serde_json::from_str(&by_email.json).expect("JSON");
        assert_eq!(doc2["tables"], doc["tables"]);
        // Moderators may export; only admins erase.
        let moderator = app.browser();
        townhall::storage::users::insert(&mut app.db(), &townhall::storage::users::NewUser {
            email: "mod@example.org", display_name: "Mod", role: "moderator",
            password_hash: Some(&townhall::service::auth::hash_password("moderator password 1").expect("hash")),
            disabled: false, created_at: now(), updated_at: now(),
        }).expect("a moderator");
        assert_eq!(moderator.login("mod@example.org", "moderator password 1").status, 303);
        assert!(moderator.get(&page).attrs("a.erase-link", "href").is_empty());
        assert_eq!(moderator.get(&format!("{page}/erase")).status, 403);
        assert_eq!(moderator.submit(&page, &format!("{page}/export"), &[]).status, 200);
    }

    fn erasing_removes_published_comments_when_asked(app) {
        erased_without_a_trace(&app, "remove");
    }

    fn erasing_keeps_published_comments_without_the_name_when_asked(app) {
        erased_without_a_trace(&app, "keep");
    }

    fn the_retention_purge_runs_on_schedule(app) {
        let (id, slug) = housing_post(&app);
        let amira = amira();
        let (kept, _) = comment(&app, &slug, id, &amira, HOUSING_COMMENTS[0], true, true);
        let (rejected, status) = comment(&app, &slug, id, &amira, HOUSING_COMMENTS[1], false, false);
        assert_eq!(status, "held");
        let r = app.submit("/admin/queue", "/admin/queue", &[("act", &format!("reject:{rejected}")), (&format!("rule_{rejected}"), "1")]);
        assert_eq!(r.status, 303);
        {
            use townhall::storage::schema::comments;
            let mut conn = app.db();
            townhall::dispatch!(&mut *conn, |c| diesel::update(comments::table).set(comments::user_agent.eq("TestBrowser/1.0")).execute(c)).expect("a browser");
        }
        // Its writer asked for a review (the rejection stands).
        townhall::storage::appeals::insert(&mut app.db(), rejected, "Amira Haddad here: please read it again.", now()).expect("an appeal");
        let explanation = |app: &TestApp| townhall::storage::appeals::for_comment(&mut app.db(), rejected).expect("query").expect("the appeal").explanation;
        let find = |id: i64| townhall::storage::comments::find(&mut app.db(), id).expect("query").expect("kept");
        let before = find(rejected);
        let subscribed = |app: &TestApp| townhall::storage::subscriptions::find(&mut app.db(), "amira.haddad@example.org", id).expect("query").is_some();
        assert!(subscribed(&app), "asked for, not confirmed");
        // A reader's report on the published comment, dismissed by a moderator.
        let reporter = bruno();
        let sent = report(&app, kept, &reporter.ip, &[("reason", "off_topic"), ("name", &reporter.name), ("email", &reporter.email)]);
        assert_eq!(sent.status, 303, "{}", sent.body);
        let dismissed = app.submit("/admin/queue/reported", &format!("/admin/comments/{kept}/reports/dismiss"), &[]);
        assert_eq!(dismissed.status, 303, "{}", dismissed.body);
        let reporters = |app: &TestApp| {
            use townhall::storage::schema::reports;
            let mut conn = app.db();
            townhall::dispatch!(&mut *conn, |c| reports::table.select((reports::reporter_name, reports::reporter_email, reports::network)).load::<(Option<String>, Option<String>, String)>(c)).expect("the reports")
        };
        assert_eq!(reporters(&app), [(Some(reporter.name.clone()), Some(reporter.email.clone()), "198.51.100.0/24".to_owned())]);
        // The job waits for the clock: nothing goes before its time.
        std::thread::sleep(std::time::Duration::from_millis(1500));
        assert!(find(kept).ip.is_some());
        let wait_for = |what: &str, done: &dyn Fn() -> bool| {
            for _ in 0..50 {
                if done() {
                    return;
                }
                std::thread::sleep(std::time::Duration::from_millis(200));
            }
            panic!("the scheduled purge did not forget {what}");
        };
        app.clock.advance(Duration::days(8));
        wait_for("the full address after 7 days", &|| find(kept).ip.is_none());
        assert!(!subscribed(&app), "unconfirmed after 7 days");
        assert_eq!(find(kept).network, "203.0.113.0/24", "the network stays");
        assert_eq!(find(kept).user_agent, "TestBrowser/1.0", "kept 30 days");
        assert!(!find(rejected).body.is_empty(), "kept 90 days");
        assert!(!explanation(&app).is_empty(), "kept with the comment's text");
        app.clock.advance(Duration::days(23));
        wait_for("the browser after 30 days", &|| find(kept).user_agent.is_empty());
        app.clock.advance(Duration::days(60));
        wait_for("the rejected comment after 90 days", &|| find(rejected).body.is_empty());
        assert_eq!(explanation(&app), "", "the request for a review goes with the text");
        let after = find(rejected);
        assert_eq!((after.author_name.as_str(), after.email.as_str(), after.email_key.as_str(), after.website.as_str()), ("", "", "", ""));
        assert_eq!((after.status, after.auto_action.as_str(), after.created_at, after.score), (before.status, before.auto_action.as_str(), before.created_at, before.score), "the verdict and dates stay");
        assert_eq!(find(kept).body, HOUSING_COMMENTS[0], "published comments are not touched");
        assert_eq!(reporters(&app).len(), 1, "a closed report keeps its reporter for 180 days");
        assert!(reporters(&app)[0].1.is_some());
        app.clock.advance(Duration::days(100));
        wait_for("the reporter after 180 days", &|| reporters(&app) == [(None, None, String::new())]);
        assert!(audit_actions(&app).iter().any(|(a, _)| a == "personal_data.purge"));
        // The service itself, at a chosen time: nothing more to forget.
        let keep = personal_data::Retention::from(&app.settings);
        let again = personal_data::purge(&mut app.db(), &keep, now() + Duration::days(400)).expect("purge");
        assert_eq!(again, personal_data::Purged::default());
    }

    fn a_reply_subscription_waits_for_its_confirmation(app) {
        let sink = SmtpSink::start();
        let mailer = mailer(&app, Some(&sink));
        let (id, slug) = housing_post(&app);
        let amira = amira();
        let (_, status) = comment(&app, &slug, id, &amira, HOUSING_COMMENTS[0], true, true);
        assert_eq!(status, "published");
        assert_eq!(tick(&app, &mailer, "w", now()).sent, 1, "one message: the confirmation");
        let got = sink.messages();
        assert_eq!(got[0].rcpt, ["Amira.Haddad@example.org"]);
        assert_eq!(got[0].header("x-townhall-kind"), "confirm");
        assert!(got[0].header("subject").contains("Please confirm"), "{}", got[0].header("subject"));
        let confirm = link_in(&app, &got[0], "/subscriptions/confirm?token=");

        // Not confirmed: a new comment sends Amira nothing, and asking again sends no
        // second confirmation.
        comment(&app, &slug, id, &reader(2), HOUSING_COMMENTS[1], true, false);
        comment(&app, &slug, id, &amira, HOUSING_COMMENTS[2], true, true);
        assert_eq!(tick(&app, &mailer, "w", now()).sent, 0, "nothing before confirming");

        // The link shows a button (mail scanners open links), the button confirms, once.
        let page = app.browser().get(&confirm);
        assert_eq!(page.status, 200);
        assert!(page.text("h1").contains("Confirm your e-mail"), "{}", page.body);
        assert_eq!(page.attrs("main form", "action"), vec![confirm.clone()]);
        assert_eq!(app.browser().get("/subscriptions/confirm?token=1.2.YWJj.Zm9yZ2Vk").status, 400);
        let done = app.browser().post(&confirm, &[]);
        assert_eq!(done.status, 200, "{}", done.body);
        assert!(done.text("h1").contains("you are subscribed"), "{}", done.body);
        let again = app.browser().post(&confirm, &[]);
        assert!(again.text("h1").contains("no longer works"), "{}", again.body);
        assert!(app.browser().get(&confirm).text("h1").contains("no longer works"));

        // Confirmed: the next comment reaches Amira, with its unsubscribe link.
        let (third, _) = comment(&app, &slug, id, &reader(3), HOUSING_COMMENTS[3], true, false);
        assert_eq!(tick(&app, &mailer, "w", now()).sent, 1);
        let got = sink.messages();
        let reply = got.last().expect("the reply notice");
        assert_eq!(reply.rcpt, ["Amira.Haddad@example.org"]);
        assert!(reply.body.contains(&format!("#comment-{third}")), "{}", reply.body);

        // Once unsubscribed, the old confirmation link does not bring the e-mail back.
        let unsubscribe = link_in(&app, reply, "/unsubscribe?token=");
        assert_eq!(app.browser().post(&unsubscribe, &[]).status, 200);
        assert!(app.browser().post(&confirm, &[]).text("h1").contains("no longer works"));
        comment(&app, &slug, id, &reader(4), HOUSING_COMMENTS[4], true, false);
        assert_eq!(tick(&app, &mailer, "w", now()).sent, 0);

        // A reader who ticks the box in the page is told that a confirmation link is on
        // its way, and that nothing else comes before they confirm.
        let reader5 = reader(5);
        let mut form = fields(&reader5, HOUSING_COMMENTS[5]);
        set(&mut form, "notify_replies", "1");
        let sent = send(&app, &slug, id, &reader5.ip, &csrf(&app), &form, false);
        assert_eq!(sent.status, 303, "{}", sent.body);
        assert!(sent.location().contains("replies=asked"), "{}", sent.location());
        let shown = app.browser().get(sent.location());
        assert!(shown.text(".replies-note").contains("nothing more is sent until you confirm"), "{}", shown.body);
    }

    fn a_held_or_rejected_comment_asks_only_once_published(app) {
        let sink = SmtpSink::start();
        let mailer = mailer(&app, Some(&sink));
        let (id, slug) = housing_post(&app);
        let (held, status) = comment(&app, &slug, id, &reader(1), HOUSING_COMMENTS[0], false, true);
        assert_eq!(status, "held");
        tick(&app, &mailer, "w", now());
        assert!(to(&sink.messages(), "reader1@example.org").is_empty(), "held: nothing to the commenter");
        // Rejected by a moderator: still nothing.
        let rejected = app.submit("/admin/queue", "/admin/queue", &[("act", &format!("reject:{held}")), (&format!("rule_{held}"), "1")]);
        assert_eq!(rejected.status, 303, "{}", rejected.body);
        tick(&app, &mailer, "w", now());
        assert!(to(&sink.messages(), "reader1@example.org").is_empty(), "rejected: nothing");
        // Approved after all: the approval notice and the one confirmation go now.
        let approved = app.submit("/admin/queue", "/admin/queue", &[("act", &format!("approve:{held}"))]);
        assert_eq!(approved.status, 303, "{}", approved.body);
        tick(&app, &mailer, "w", now());
        let got = sink.messages();
        let mine = to(&got, "reader1@example.org");
        let kinds: Vec<&str> = mine.iter().map(|m| m.header("x-townhall-kind")).collect();
        assert_eq!(kinds.len(), 2, "{kinds:?}");
        assert!(kinds.contains(&"approved") && kinds.contains(&"confirm"), "{kinds:?}");
    }
}

fn erased_without_a_trace(app: &TestApp, choice: &str) {
    let sink = SmtpSink::start();
    let (a, held, b, slug) = two_commenters(app, &sink);
    let amira = amira();
    let before = holding(app, "amira.haddad@example.org");
    assert!(
        before.contains(&"comments.email".to_owned())
            && before.contains(&"outbox.recipient".to_owned())
            && before.contains(&"audit_log.detail".to_owned()),
        "{before:?}"
    );
    assert!(!holding(app, &amira.ip).is_empty());

    // Admins only, after a confirmation page that counts what goes.
    let page = app.get(&format!("/admin/comments/{a}/erase"));
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(page.text("#erase-published"), "1");
    assert_eq!(page.text("#erase-unpublished"), "2");
    assert!(
        app.get(&format!("/admin/comments/{a}"))
            .attrs("a.erase-link", "href")
            .contains(&format!("/admin/comments/{a}/erase"))
    );
    let unchosen = app.submit(
        &format!("/admin/comments/{a}/erase"),
        &format!("/admin/comments/{a}/erase"),
        &[],
    );
    assert_eq!(unchosen.status, 400, "the admin must choose");
    let done = app.submit(
        &format!("/admin/comments/{a}/erase"),
        &format!("/admin/comments/{a}/erase"),
        &[("published", choice)],
    );
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(done.location(), "/admin/queue?done=erased");

    // Nothing anywhere holds her e-mail, name or address: every text column of every
    // table, from the database's own catalog.
    for needle in [
        "amira.haddad@example.org",
        "Amira Haddad",
        amira.ip.as_str(),
    ] {
        assert_eq!(
            holding(app, needle),
            Vec::<String>::new(),
            "{needle} is still kept"
        );
    }
    // Bruno's data is untouched.
    assert!(holding(app, "bruno.okafor@example.net").contains(&"comments.email".to_owned()));
    assert!(holding(app, &bruno().ip).contains(&"comments.ip".to_owned()));
    let mut conn = app.db();
    assert!(
        townhall::storage::comments::find(&mut conn, held)
            .expect("query")
            .is_none(),
        "a held comment goes"
    );
    let kept = townhall::storage::comments::find(&mut conn, a).expect("query");
    let post = app.browser().get(&format!("/posts/{slug}"));
    assert!(post.body.contains("Bruno Okafor"), "Bruno's reply stays");
    assert!(
        townhall::storage::comments::find(&mut conn, b)
            .expect("query")
            .is_some()
    );
    match choice {
        "keep" => {
            let kept = kept.expect("kept");
            assert_eq!(
                (kept.author_name.as_str(), kept.status.as_str()),
                ("[name removed]", "published")
            );
            assert!(post.body.contains("[name removed]"), "{}", post.body);
            assert!(
                post.body.contains("My sister and her children"),
                "the text stays"
            );
        }
        _ => {
            assert!(kept.is_none(), "removed");
            assert!(
                !post.body.contains("My sister and her children"),
                "the text is gone"
            );
        }
    }
    // The audit log says that it happened, not whose.
    let log = audit_actions(app);
    let erase = log
        .iter()
        .find(|(a, _)| a == "personal_data.erase")
        .expect("the erasure is audited");
    assert!(erase.1.contains("comments removed"), "{}", erase.1);
    // A second erasure finds nothing more.
    let again = personal_data::erase(
        &mut conn,
        None,
        &Whose::Email(amira.email.clone()),
        PublishedComments::Remove,
        now(),
    )
    .expect("erase again");
    assert_eq!((again.removed, again.kept, again.rows), (0, 0, 0));
}

fn privacy_settings(s: &mut Settings) {
    mail_settings(s);
    s.ip_retention_days = 5;
    s.rejected_retention_days = 60;
    s.user_agent_retention_days = 21;
    s.privacy_contact = "privacy@ngo.example".into();
}

both_backends! {
    settings = privacy_settings;

    fn the_privacy_page_shows_the_settings(app) {
        let page = app.browser().get("/privacy");
        assert_eq!(page.status, 200);
        assert_eq!(page.text("#keep-ip"), "5");
        assert_eq!(page.text("#keep-rejected"), "60");
        assert_eq!(page.text("#keep-user-agent"), "21");
        assert_eq!(page.text("#keep-unconfirmed"), "7");
        assert_eq!(page.text("#privacy-contact"), "privacy@ngo.example");
        assert_eq!(page.attrs("#privacy-contact", "href"), vec!["mailto:privacy@ngo.example"]);
        let (_, slug) = housing_post(&app);
        let post = app.browser().get(&format!("/posts/{slug}"));
        assert_eq!(post.attrs("a.privacy-link", "href"), vec!["/privacy"], "linked from the comment form");
    }
}

#[test]
fn the_command_line_exports_erases_and_purges() {
    let app = TestApp::spawn_with(Backend::Sqlite, mail_settings).expect("SQLite always runs");
    let (id, slug) = housing_post(&app);
    publish(&app, &slug, id, &amira(), HOUSING_COMMENTS[0], None);
    let url = app.settings.database_url.clone().expect("a database URL");
    let dir = tempfile::tempdir().expect("a folder");
    let env = [("TOWNHALL_DATABASE_URL", url.as_str())];
    let run = |args: &[&str]| crate::cli::townhall(dir.path(), args, &env, None);

    let (code, out, err) = run(&["commenter", "export", "AMIRA.Haddad@example.org"]);
    assert_eq!(code, 0, "{err}");
    let doc: Value = serde_json::from_str(&out).expect("JSON on standard output");
    assert_eq!(doc["tables"]["comments"].as_array().map(Vec::len), Some(1));

    let err = crate::cli::fails(
        dir.path(),
        &[
            "commenter",
            "erase",
            "amira.haddad@example.org",
            "--published",
            "keep",
        ],
        &env,
        None,
    );
    assert!(err.contains("--yes"), "{err}");
    let err = crate::cli::fails(
        dir.path(),
        &[
            "commenter",
            "erase",
            "amira.haddad@example.org",
            "--published",
            "maybe",
            "--yes",
        ],
        &env,
        None,
    );
    assert!(err.contains("remove") && err.contains("keep"), "{err}");
    let (code, out, err) = run(&[
        "commenter",
        "erase",
        "amira.haddad@example.org",
        "--published",
        "keep",
        "--yes",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("0 comments removed, 1 kept"), "{out}");
    assert_eq!(
        holding(&app, "amira.haddad@example.org"),
        Vec::<String>::new()
    );

    let (code, out, err) = run(&["privacy", "purge"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("Forgot "), "{out}");
}
