//! Readers' reports (issue 19): the Report link and form, hiding a comment at once on a
//! defamatory report or on reports from enough networks (one network counts once), the
//! moderators' e-mail, the queue's Reported tab, dismissing or rejecting, the reporter
//! told the outcome, the CSRF check and the per-network limit. Mail goes over real SMTP.

use diesel::prelude::*;
use townhall::config::Settings;

use crate::both_backends;
use crate::comments::{HOUSING_COMMENTS, housing_post, publish, reader};
use crate::mail::{SmtpSink, mail_settings, mailer, now, tick};
use crate::support::*;

/// Reports from three networks hide a comment (the default); one network may send four
/// an hour; post pages are kept by the page cache, to show a report makes them fresh.
fn report_settings(s: &mut Settings) {
    mail_settings(s);
    s.reports_per_network_hour = 4;
    s.page_cache_seconds = 30;
}

/// A reader at `ip` opens the Report form of comment `id` and sends it with `fields`.
pub(crate) fn report(app: &TestApp, id: i64, ip: &str, fields: &[(&str, &str)]) -> Page {
    let b = app.browser();
    let form = b.get(&format!("/comments/{id}/report"));
    assert_eq!(form.status, 200, "{}", form.body);
    let token = form.csrf();
    let mut all = fields.to_vec();
    all.push(("csrf_token", &token));
    Page::from(
        b.client
            .post(format!("{}/comments/{id}/report", b.base))
            .header("X-Forwarded-For", ip)
            .form(&all)
            .send()
            .expect("POST a report"),
    )
}

/// The outcome of each report on a comment, oldest first (none while open).
fn outcomes(app: &TestApp, id: i64) -> Vec<Option<String>> {
    use townhall::storage::schema::reports;
    let mut conn = app.db();
    townhall::dispatch!(&mut *conn, |c| reports::table
        .filter(reports::comment_id.eq(id))
        .order(reports::id.asc())
        .select(reports::outcome)
        .load::<Option<String>>(c))
    .expect("the reports")
}

/// What a reader sees of comment `id` on the post.
fn shown(app: &TestApp, slug: &str, id: i64) -> String {
    app.browser()
        .get(&format!("/posts/{slug}"))
        .text(&format!("#comment-{id}"))
}

const HIDDEN: &str = "This comment is hidden while a moderator reviews it.";

both_backends! {
    settings = report_settings;

    fn a_defamation_notice_hides_the_comment_at_once_and_a_dismissal_shows_it_again(app) {
        let sink = SmtpSink::start();
        let mailer = mailer(&app, Some(&sink));
        let (post_id, slug) = housing_post(&app);
        let id = publish(&app, &slug, post_id, &reader(1), HOUSING_COMMENTS[0], None);

        // Every published comment has a Report link; the page is kept for the next reader.
        let page = app.browser().get(&format!("/posts/{slug}"));
        assert_eq!(page.attrs(&format!("#comment-{id} a.report-link"), "href"), vec![format!("/comments/{id}/report")]);
        assert_eq!(app.browser().get(&format!("/posts/{slug}")).header("x-page-cache"), "hit");
        let form = app.browser().get(&format!("/comments/{id}/report"));
        assert!(form.text("blockquote.report-quote").contains("spent two years in temporary accommodation"), "{}", form.body);
        assert_eq!(form.attrs("input[name=reason]", "value"), ["abusive", "spam", "off_topic", "unlawful", "other"]);

        // A legal notice must say what is wrong; the reader's text is kept.
        let refused = report(&app, id, "10.50.0.1", &[("reason", "unlawful"), ("detail", ""), ("name", "Sam"), ("email", "sam@example.org")]);
        assert_eq!(refused.status, 422, "{}", refused.body);
        assert!(refused.text("#detail-error").contains("defamatory or unlawful"), "{}", refused.body);
        assert_eq!(refused.attrs("#report-email", "value"), ["sam@example.org"]);
        assert!(outcomes(&app, id).is_empty(), "nothing stored");
        app.browser().get(&format!("/posts/{slug}"));
        assert_eq!(app.browser().get(&format!("/posts/{slug}")).header("x-page-cache"), "hit");

        let sent = report(&app, id, "10.50.0.1", &[
            ("reason", "unlawful"),
            ("detail", "It says my sister's landlord lied to the council, which is false."),
            ("name", "Sam"),
            ("email", "sam@example.org"),
        ]);
        assert_eq!((sent.status, sent.location()), (303, format!("/comments/{id}/report/sent").as_str()), "{}", sent.body);
        let thanks = app.browser().get(sent.location());
        assert!(thanks.text(".report-sent").contains("has reached our moderators"), "{}", thanks.body);
        // The form of a hidden comment serves nothing of it either.
        let again = app.browser().get(&format!("/comments/{id}/report"));
        assert!(again.text(".notice").contains("already hidden"), "{}", again.body);
        assert!(!again.body.contains("Reader 1") && !again.body.contains("temporary accommodation before"), "{}", again.body);

        // Hidden at once, although the post page was kept: only the note is served.
        let post = app.browser().get(&format!("/posts/{slug}"));
        assert_eq!(post.header("x-page-cache"), "miss", "the report made the page fresh");
        assert_eq!(post.text(&format!("#comment-{id}")), HIDDEN);
        assert!(!post.body.contains("temporary accommodation before"), "the text is not served");
        assert!(post.attrs(&format!("#comment-{id} a.report-link"), "href").is_empty());
        // The comment's staff page lists the report with who sent it.
        let staff_page = app.get(&format!("/admin/comments/{id}"));
        assert!(staff_page.text(".comment-reports").contains("Sam <sam@example.org>"), "{}", staff_page.body);
        assert!(staff_page.text(".comment-reports").contains("open"), "{}", staff_page.body);
        // Nor can a hand-made form reply to it while it is under review.
        let id_text = id.to_string();
        let replier = reader(2);
        let mut reply = crate::comments::fields(&replier, HOUSING_COMMENTS[1]);
        crate::comments::set(&mut reply, "reply_to", &id_text);
        let refused = crate::comments::send(&app, &slug, post_id, "10.60.0.1", &crate::comments::csrf(&app), &reply, false);
        assert_eq!(refused.status, 422, "{}", refused.body);
        assert!(refused.body.contains("You can only reply to a published comment on this post."), "{}", refused.body);

        // The moderators are e-mailed at once, not with the digest.
        tick(&app, &mailer, "w", now());
        let alert: Vec<_> = sink.messages().into_iter().filter(|m| m.header("x-townhall-kind") == "reported").collect();
        assert_eq!(alert.len(), 1, "to the one admin");
        assert_eq!(alert[0].rcpt, [ADMIN_EMAIL]);
        assert_eq!(alert[0].subject(), "[Townhall] A reported comment on \"Council housing waiting lists in Hackney\" is hidden");
        assert!(alert[0].body.contains("Defamatory or unlawful: It says my sister's landlord lied"), "{}", alert[0].body);
        assert!(alert[0].body.contains(&format!("{}/admin/queue/reported#q-{id}", app.base)), "{}", alert[0].body);

        // The Reported tab lists it with its reasons; the hiding is in the audit log.
        assert!(app.get("/admin/queue").texts(".queue-tabs a").contains(&"Reported (1)".to_owned()));
        let tab = app.get("/admin/queue/reported");
        assert_eq!(tab.status, 200, "{}", tab.body);
        let item = tab.text(&format!("#q-{id}"));
        assert!(item.contains("hidden from the public") && item.contains("Defamatory or unlawful: 1"), "{item}");
        assert!(item.contains("Sam <sam@example.org>") && item.contains("landlord lied"), "{item}");
        assert!(app.get("/admin/audit?action=comment.hidden_by_reports").body.contains(&format!("/admin/comments/{id}")));

        // Dismissed: shown again, the reporter told, the tab empty, audited.
        let done = app.submit("/admin/queue/reported", &format!("/admin/comments/{id}/reports/dismiss"), &[]);
        assert_eq!((done.status, done.location()), (303, "/admin/queue/reported?done=dismissed"), "{}", done.body);
        assert!(shown(&app, &slug, id).contains("spent two years in temporary accommodation"));
        assert_eq!(outcomes(&app, id), [Some("dismissed".to_owned())]);
        let tab = app.get("/admin/queue/reported?done=dismissed");
        assert!(tab.text(".notice").contains("Reports dismissed"));
        assert!(tab.texts(".reported-item").is_empty());
        assert!(app.get("/admin/audit?action=comment.reports_dismissed").body.contains(&format!("/admin/comments/{id}")));
        tick(&app, &mailer, "w", now());
        let told: Vec<_> = sink.messages().into_iter().filter(|m| m.header("x-townhall-kind") == "report_outcome").collect();
        assert_eq!(told.len(), 1);
        assert_eq!(told[0].rcpt, ["sam@example.org"]);
        assert!(told[0].body.starts_with("Hello Sam,") && told[0].body.contains("stays on the post"), "{}", told[0].body);
        // Twice is refused: nothing is open.
        let again = app.submit("/admin/queue/reported", &format!("/admin/comments/{id}/reports/dismiss"), &[]);
        assert_eq!(again.status, 409);
    }

    fn one_network_counts_once_and_three_networks_hide_until_a_rejection(app) {
        let sink = SmtpSink::start();
        let mailer = mailer(&app, Some(&sink));
        let (post_id, slug) = housing_post(&app);
        let id = publish(&app, &slug, post_id, &reader(1), HOUSING_COMMENTS[2], None);
        let text = "we see this every week";

        // Three readers behind one /24 network: one network.
        for ip in ["10.60.0.1", "10.60.0.2", "10.60.0.3"] {
            assert_eq!(report(&app, id, ip, &[("reason", "spam")]).status, 303);
        }
        assert!(shown(&app, &slug, id).contains(text), "one network is not enough");
        assert!(app.get("/admin/queue/reported").text(&format!("#q-{id} .reported-networks")) == "1");
        assert_eq!(report(&app, id, "10.61.0.1", &[("reason", "off_topic"), ("email", "second@example.org")]).status, 303);
        assert!(shown(&app, &slug, id).contains(text), "two networks are not enough");
        assert_eq!(report(&app, id, "10.62.0.1", &[("reason", "other"), ("detail", "It names a neighbour"), ("email", "third@example.org")]).status, 303);
        assert_eq!(shown(&app, &slug, id), HIDDEN, "three networks hide it");
        let item = app.get("/admin/queue/reported").text(&format!("#q-{id}"));
        assert!(item.contains("Spam or advertising: 1") && item.contains("Off-topic: 1") && item.contains("Something else: 1"), "{item}");
        tick(&app, &mailer, "w", now());
        assert_eq!(sink.messages().iter().filter(|m| m.header("x-townhall-kind") == "reported").count(), 1);

        // A rejection with the usual buttons closes every report and tells the reporters.
        let rejected = app.submit("/admin/queue/reported", "/admin/queue", &[
            ("act", &format!("reject:{id}")),
            (&format!("rule_{id}"), "1"),
            ("back", "/admin/queue/reported"),
        ]);
        assert_eq!((rejected.status, rejected.location()), (303, "/admin/queue/reported?done=reject"), "{}", rejected.body);
        let post = app.browser().get(&format!("/posts/{slug}"));
        assert!(post.texts(&format!("#comment-{id}")).is_empty(), "a rejected comment has no place on the post");
        assert_eq!(outcomes(&app, id), vec![Some("rejected".to_owned()); 5]);
        assert!(app.get("/admin/queue/reported").texts(".reported-item").is_empty());
        tick(&app, &mailer, "w", now());
        let mut told: Vec<String> = sink.messages().into_iter()
            .filter(|m| m.header("x-townhall-kind") == "report_outcome")
            .inspect(|m| assert!(m.body.contains("removed it"), "{}", m.body))
            .flat_map(|m| m.rcpt)
            .collect();
        told.sort();
        assert_eq!(told, ["second@example.org", "third@example.org"], "only those who left an e-mail");
    }

    fn reports_need_the_csrf_token_and_a_network_is_limited(app) {
        let (post_id, slug) = housing_post(&app);
        let id = publish(&app, &slug, post_id, &reader(1), HOUSING_COMMENTS[3], None);
        let b = app.browser();
        let forged = b.post(&format!("/comments/{id}/report"), &[("reason", "spam")]);
        assert_eq!(forged.status, 403, "no token");
        let forged = b.post(&format!("/comments/{id}/report"), &[("reason", "spam"), ("csrf_token", "forged")]);
        assert_eq!(forged.status, 403, "a bad token");
        assert!(outcomes(&app, id).is_empty());

        for _ in 0..4 {
            assert_eq!(report(&app, id, "10.70.0.1", &[("reason", "abusive")]).status, 303);
        }
        let limited = report(&app, id, "10.70.0.9", &[("reason", "other"), ("detail", "Please look at this one again")]);
        assert_eq!(limited.status, 429, "{}", limited.body);
        assert!(limited.text("#report-problem").contains("Many reports have come from your network"), "{}", limited.body);
        assert_eq!(limited.header("retry-after"), "3600");
        assert!(limited.text("#report-detail").contains("Please look at this one again"), "the text is kept");
        assert_eq!(outcomes(&app, id).len(), 4, "nothing more stored");
        assert_eq!(report(&app, id, "10.71.0.1", &[("reason", "abusive")]).status, 303, "another network still can");

        // Only published comments can be reported.
        let held = crate::mail::comment(&app, &slug, post_id, &reader(2), HOUSING_COMMENTS[4], false, false).0;
        assert_eq!(app.browser().get(&format!("/comments/{held}/report")).status, 404);
        assert_eq!(app.browser().get("/comments/999999/report").status, 404);
    }
}
