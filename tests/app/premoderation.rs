//! Pre-moderation: a post whose every comment is held for a moderator, the site-wide
//! switch that holds every comment, and the rules that read a commenter's history
//! (first-time commenters, and commenters whose recent comments were mostly rejected).

use townhall::config::Settings;

use crate::both_backends;
use crate::comments::*;
use crate::queue::{act, audit_actions, comment, staff, status_of};
use crate::rules::copy_dir;
use crate::support::*;

const POST_NOTICE: &str = "Comments on this post are read by a moderator before they appear.";
const SITE_NOTICE: &str =
    "Comments on this site are read by a moderator before they appear, for the moment.";

/// The notice above the comment form of a post ("" when there is none).
fn form_notice(app: &TestApp, slug: &str) -> String {
    app.browser()
        .get(&format!("/posts/{slug}"))
        .text(".premoderation-notice")
}

fn shown(app: &TestApp, slug: &str, id: i64) -> bool {
    !app.browser()
        .get(&format!("/posts/{slug}"))
        .attrs(&format!("#comment-{id}"), "id")
        .is_empty()
}

fn set_mode(app: &TestApp, id: i64, mode: &str) -> Page {
    app.submit(
        "/admin/threads",
        &format!("/admin/posts/{id}/comments"),
        &[("mode", mode), ("note", "")],
    )
}

fn approve(m: &Browser, id: i64) {
    let done = act(
        m,
        &[("act", &format!("approve:{id}")), ("back", "/admin/queue")],
    );
    assert_eq!(done.status, 303, "{}", done.body);
}

/// The comment tests' settings, with the shipped rules copied into a folder of their own
/// where the first-time-commenter rule asks for two published comments.
fn newcomer_rule_on(s: &mut Settings) {
    comment_settings(s);
    let dir = tempfile::tempdir().expect("temp dir").keep();
    copy_dir(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("moderation-rules"),
        &dir,
    );
    let file = dir.join("house-rules.toml");
    let rules = std::fs::read_to_string(&file).expect("house-rules.toml");
    let on = rules.replace("until_approved = 0", "until_approved = 2");
    assert_ne!(rules, on, "history.newcomer's until_approved was not found");
    std::fs::write(&file, on).expect("write house-rules.toml");
    s.rules_dir = dir;
}

both_backends! {
    settings = comment_settings;

    fn a_held_post_holds_a_civil_comment_until_a_moderator_approves_it(app) {
        let (id, slug) = housing_post(&app);
        assert_eq!(form_notice(&app, &slug), "", "no notice while comments publish at once");
        assert_eq!(set_mode(&app, id, "held").status, 303);
        assert_eq!(
            app.get("/admin/threads").attrs(&format!("#mode-{id} option[selected]"), "value"),
            ["held"]
        );
        assert_eq!(app.get("/admin/threads").text(&format!("#thread-{id} .thread-state")), "open, every comment held");
        // The form stays open and says what happens.
        assert_eq!(app.browser().get(&format!("/posts/{slug}")).attrs("form.comment-form", "action").len(), 1);
        assert_eq!(form_notice(&app, &slug), POST_NOTICE);

        let (status, first, v) = comment(&app, &slug, id, &reader(1), HOUSING_COMMENTS[0]);
        assert_eq!(status, "held", "{v}");
        assert_eq!(v["action"], "hold");
        assert_eq!(rules_fired(&v), ["premoderation.post"], "the engine found nothing else");
        assert_eq!(v["house_rule"], 2);
        assert_eq!(
            v["message"],
            "Thank you — your comment is awaiting review because comments on this post are read by a moderator before they appear."
        );
        assert!(!shown(&app, &slug, first));

        // From the form, the reader is told the same on the page.
        let who = reader(2);
        let token = csrf(&app);
        let mut form = fields(&who, HOUSING_COMMENTS[1]);
        set(&mut form, "notify_replies", "yes");
        let page = send(&app, &slug, id, &who.ip, &token, &form, false);
        assert_eq!(page.status, 202, "{}", page.body);
        assert!(page.text(".comment-outcome").contains("because comments on this post are read by a moderator before they appear"), "{}", page.text(".comment-outcome"));
        // Reply e-mails wait for the moderator too, and then for the reader's confirmation.
        assert!(page.text(".replies-note").starts_with("If a moderator publishes your comment, we will e-mail you a link to confirm"), "{}", page.body);

        // A comment the engine rejects stays rejected.
        let (status, _, v) = comment(&app, &slug, id, &reader(3), "The housing officer is a fucking disgrace.");
        assert_eq!(status, "rejected", "{v}");
        assert!(!rules_fired(&v).iter().any(|r| r.starts_with("premoderation")), "{v}");

        // Moderators see why it is held, and approving publishes it.
        let m = staff(&app, "moderator", 1);
        let queue = m.get("/admin/queue");
        assert!(queue.body.contains("Pre-moderation: every comment on this post is held for a moderator."), "{}", queue.body);
        approve(&m, first);
        assert_eq!(status_of(&app, first), "published");
        assert!(shown(&app, &slug, first));

        // Back to open: the next comment publishes at once, and the notice goes.
        app.login_admin();
        assert_eq!(set_mode(&app, id, "open").status, 303);
        assert_eq!(form_notice(&app, &slug), "");
        let (status, next, v) = comment(&app, &slug, id, &reader(4), HOUSING_COMMENTS[2]);
        assert_eq!(status, "published", "{v}");
        assert!(shown(&app, &slug, next));
        let audit = audit_actions(&app);
        assert!(audit.iter().any(|a| a == "post.comments_held"), "{audit:?}");
    }

    fn the_site_wide_hold_holds_every_post_and_is_audited(app) {
        let (housing, housing_slug) = housing_post(&app);
        let (flights, flights_slug) = post(&app, "Charter deportation flights", FLIGHTS_BODY, "");
        // Only admins hold the whole site.
        let m = staff(&app, "moderator", 1);
        let refused = m.submit("/admin/threads", "/admin/site/held", &[("held", "1")]);
        assert_eq!(refused.status, 403);

        app.login_admin();
        let on = app.submit("/admin/threads", "/admin/site/held", &[("held", "1")]);
        assert_eq!(on.status, 303, "{}", on.body);
        assert_eq!(on.location(), "/admin/threads?done=held");
        let threads = app.get(on.location());
        assert_eq!(threads.texts(".site-held").len(), 1);
        assert_eq!(threads.text(".notice-ok"), "Every comment across the site is now held for a moderator before it appears.");
        assert_eq!(app.get("/admin/queue").texts(".site-held").len(), 1, "the queue says so too");
        for slug in [&housing_slug, &flights_slug] {
            assert_eq!(form_notice(&app, slug), SITE_NOTICE);
        }
        let (status, a, v) = comment(&app, &housing_slug, housing, &reader(1), HOUSING_COMMENTS[0]);
        assert_eq!((status.as_str(), rules_fired(&v)), ("held", vec!["premoderation.site".to_owned()]), "{v}");
        assert!(v["message"].as_str().unwrap_or_default().contains("comments on this site are read by a moderator before they appear"), "{v}");
        let (status, _, v) = comment(&app, &flights_slug, flights, &reader(2), "Are the people on these flights told about their appeal rights before they are detained?");
        assert_eq!(status, "held", "{v}");
        assert!(!shown(&app, &housing_slug, a));

        // A post set to hold gives its own reason under the switch too.
        assert_eq!(set_mode(&app, flights, "held").status, 303);
        assert_eq!(form_notice(&app, &flights_slug), POST_NOTICE);

        let off = app.submit("/admin/threads", "/admin/site/held", &[("held", "0")]);
        assert_eq!(off.status, 303);
        assert!(app.get("/admin/queue").texts(".site-held").is_empty());
        assert_eq!(form_notice(&app, &housing_slug), "");
        let (status, _, v) = comment(&app, &housing_slug, housing, &reader(3), HOUSING_COMMENTS[1]);
        assert_eq!(status, "published", "{v}");
        let audit = audit_actions(&app);
        for action in ["setting.comments_held", "setting.comments_unheld"] {
            assert_eq!(audit.iter().filter(|a| *a == action).count(), 1, "{action} in {audit:?}");
        }
        let page = app.get("/admin/audit?action=setting.comments_held");
        assert_eq!(page.status, 200);
        assert!(page.body.contains("setting.comments_held"));
    }

    fn a_commenter_with_two_of_three_recent_comments_rejected_is_held(app) {
        let (id, slug) = housing_post(&app);
        let who = reader(1);
        let ids: Vec<i64> = HOUSING_COMMENTS[..3].iter().map(|body| publish(&app, &slug, id, &who, body, None)).collect();
        let m = staff(&app, "moderator", 1);
        for c in &ids[..2] {
            let done = act(&m, &[("act", &format!("reject:{c}")), (&format!("rule_{c}"), "1"), ("note", "insulting")]);
            assert_eq!(done.status, 303, "{}", done.body);
        }
        let (status, held, v) = comment(&app, &slug, id, &who, HOUSING_COMMENTS[3]);
        assert_eq!(status, "held", "{v}");
        assert_eq!(rules_fired(&v), ["history.rejections"]);
        assert_eq!(
            v["message"],
            "Thank you — your comment is awaiting review because several of your recent comments were not published, so a moderator reads yours before they appear."
        );
        let detail = m.get(&format!("/admin/comments/{held}"));
        assert!(detail.body.contains("2 of their 3 comments decided in the last 90 days were rejected"), "{}", detail.body);
        // Someone else is not touched by it.
        publish(&app, &slug, id, &reader(2), HOUSING_COMMENTS[4], None);
        // A rejection reversed stops counting: 1 of 4 decided is no pattern.
        approve(&m, ids[0]);
        approve(&m, held);
        let (status, _, v) = comment(&app, &slug, id, &who, HOUSING_COMMENTS[5]);
        assert_eq!(status, "published", "{v}");
    }
}

both_backends! {
    settings = newcomer_rule_on;

    fn first_time_commenters_are_held_until_two_comments_are_approved(app) {
        let (id, slug) = housing_post(&app);
        let who = reader(1);
        let m = staff(&app, "moderator", 1);
        for (n, body) in HOUSING_COMMENTS[..2].iter().enumerate() {
            let (status, c, v) = comment(&app, &slug, id, &who, body);
            assert_eq!(status, "held", "comment {n}: {v}");
            assert_eq!(rules_fired(&v), ["history.newcomer"]);
            assert_eq!(
                v["message"],
                "Thank you — your comment is awaiting review because comments from people new to this site are read by a moderator before they appear."
            );
            approve(&m, c);
        }
        let (status, c, v) = comment(&app, &slug, id, &who, HOUSING_COMMENTS[2]);
        assert_eq!(status, "published", "after two approvals: {v}");
        assert!(shown(&app, &slug, c));
        // Another newcomer is still held.
        let (status, _, v) = comment(&app, &slug, id, &reader(2), HOUSING_COMMENTS[3]);
        assert_eq!(status, "held", "{v}");
    }
}
