//! Personal data: reply subscriptions that wait for their reader's confirmation, the
//! export and erasure of everything kept about one e-mail, the retention purge on its
//! schedule, and the `/privacy` page. Mail goes over real SMTP to the tests' sink.


use crate::both_backends;
use crate::comments::*;
use crate::mail::{Received, SmtpSink, comment, mail_settings, mailer, now, tick};
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

pub(crate) fn amira() -> Reader {
    Reader {
        name: "Amira Haddad".into(),
        email: "Amira.Haddad@example.org".into(),
        ip: "203.0.113.41".into(),
    }
}

both_backends! {
    settings = mail_settings;

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
