//! Thread controls: comments open, closed with a note, or following the archive rule;
//! archive mode by age with a per-post override; the site-wide switch; lifting a flood
//! closure; and the audit log of post actions.

use crate::both_backends;
use crate::comments::*;
use crate::queue::audit_actions;
use crate::support::*;

const ARCHIVE_NOTE: &str = "Comments on older pieces are closed because our small team cannot moderate an archive of this size.";

fn form_count(app: &TestApp, slug: &str) -> usize {
    app.browser()
        .get(&format!("/posts/{slug}"))
        .attrs("form.comment-form", "action")
        .len()
}

fn set_mode(app: &TestApp, id: i64, mode: &str, note: &str) -> Page {
    app.submit(
        "/admin/threads",
        &format!("/admin/posts/{id}/comments"),
        &[("mode", mode), ("note", note)],
    )
}

both_backends! {
    settings = comment_settings;

    fn archive_mode_closes_old_posts_unless_kept_open(app) {
        app.login_admin();
        let (old, old_slug) = post(&app, "Housing waiting lists in 2020", HOUSING_BODY, "2020-01-01T09:00");
        let (new, new_slug) = post(&app, "Housing waiting lists now", HOUSING_BODY, "");
        assert_eq!(app.browser().get(&format!("/posts/{old_slug}")).text(".comments-closed"), ARCHIVE_NOTE);
        assert_eq!(form_count(&app, &new_slug), 1);
        let threads = app.get("/admin/threads");
        assert_eq!(threads.text(&format!("#thread-{old} .thread-state")), "archived");
        assert_eq!(threads.text(&format!("#thread-{new} .thread-state")), "open");

        // The per-post override keeps a chosen older post open.
        assert_eq!(set_mode(&app, old, "open", "").status, 303);
        assert_eq!(form_count(&app, &old_slug), 1);
        let who = reader(1);
        let token = csrf(&app);
        let (status, _) = send_json(&app, &old_slug, old, &who, &token, &fields(&who, HOUSING_COMMENTS[0]));
        assert_eq!(status, 201);

        // Closed with a note, shown in place of the form; submissions refused.
        assert_eq!(set_mode(&app, new, "closed", "Closed while we check the facts.").status, 303);
        assert_eq!(app.browser().get(&format!("/posts/{new_slug}")).text(".comments-closed"), "Closed while we check the facts.");
        let (status, _) = send_json(&app, &new_slug, new, &who, &token, &fields(&who, HOUSING_COMMENTS[1]));
        assert_eq!(status, 409);
        // Back to the archive rule: the old post closes again, the new one reopens.
        set_mode(&app, old, "auto", "");
        set_mode(&app, new, "auto", "");
        assert_eq!(form_count(&app, &old_slug), 0);
        assert_eq!(form_count(&app, &new_slug), 1);
        assert_eq!(set_mode(&app, new, "sideways", "").status, 400, "refused as a bad request");
        let audit = audit_actions(&app);
        for action in ["post.comments_open", "post.comments_closed", "post.comments_auto"] {
            assert!(audit.iter().any(|a| a == action), "{action} in {audit:?}");
        }
    }

    fn the_site_wide_switch_closes_every_thread(app) {
        app.login_admin();
        let (id, slug) = post(&app, "Housing now", HOUSING_BODY, "");
        let on = app.submit("/admin/threads", "/admin/site/comments", &[("paused", "1")]);
        assert_eq!(on.status, 303, "{}", on.body);
        assert_eq!(form_count(&app, &slug), 0);
        assert_eq!(app.browser().get(&format!("/posts/{slug}")).text(".comments-closed"), "Comments are closed across the site for the moment.");
        let who = reader(1);
        let token = csrf(&app);
        assert_eq!(send_json(&app, &slug, id, &who, &token, &fields(&who, HOUSING_COMMENTS[0])).0, 409);
        assert_eq!(app.get("/admin/queue").texts(".site-paused").len(), 1);
        // Stored in the database: a restart keeps it.
        app.restart();
        assert_eq!(form_count(&app, &slug), 0);
        app.login_admin();
        assert_eq!(app.submit("/admin/threads", "/admin/site/comments", &[("paused", "0")]).status, 303);
        assert_eq!(form_count(&app, &slug), 1);
        let audit = audit_actions(&app);
        assert!(audit.contains(&"setting.comments_paused".to_owned()) && audit.contains(&"setting.comments_resumed".to_owned()), "{audit:?}");
    }

    fn a_flood_closure_shows_on_the_queue_and_can_be_lifted(app) {
        app.login_admin();
        let (id, slug) = post(&app, "Housing now", HOUSING_BODY, "");
        {
            use diesel::prelude::*;
            use townhall::storage::schema::posts;
            let mut conn = app.db();
            let now = chrono::Utc::now().naive_utc();
            townhall::dispatch!(&mut *conn, |c| diesel::update(posts::table.find(id)).set(posts::flood_closed_at.eq(Some(now))).execute(c)).expect("flood");
        }
        assert_eq!(form_count(&app, &slug), 0);
        let queue = app.get("/admin/queue");
        assert!(queue.text(".flood-closed").contains("Housing now"), "{}", queue.body);
        let lifted = app.submit("/admin/threads", &format!("/admin/posts/{id}/lift-flood"), &[]);
        assert_eq!(lifted.status, 303);
        assert_eq!(form_count(&app, &slug), 1);
        assert!(app.get("/admin/queue").texts(".flood-closed").is_empty());
        assert!(audit_actions(&app).contains(&"post.flood_lifted".to_owned()));
    }

    fn post_and_account_actions_are_audited(app) {
        app.login_admin();
        let id = app.create_post("Audited", "x", "Body text here.", "save", "");
        app.submit("/admin/posts", &format!("/admin/posts/{id}/publish"), &[]);
        app.submit("/admin/posts", &format!("/admin/posts/{id}/unpublish"), &[]);
        app.submit(&format!("/admin/posts/{id}/delete"), &format!("/admin/posts/{id}/delete"), &[]);
        let audit = audit_actions(&app);
        for action in ["post.create", "post.publish", "post.unpublish", "post.delete"] {
            assert!(audit.contains(&action.to_owned()), "{action} in {audit:?}");
        }
        let page = app.get(&format!("/admin/audit?kind=post&target={id}"));
        assert_eq!(page.status, 200);
        assert_eq!(page.texts(".audit-action").len(), 4);
        assert_eq!(app.get("/admin/audit?kind=setting").texts(".audit-action").len(), 0);
    }

    fn long_staff_lists_come_in_pages(app) {
        app.login_admin();
        let ids: Vec<i64> = (1..=52)
            .map(|n| app.create_post(&format!("Post number {n}"), "", "A short body.", "publish", ""))
            .collect();
        let rows = |p: &Page, table: &str| p.texts(&format!("{table} tbody tr")).len();

        let first = app.get("/admin/threads");
        assert_eq!(rows(&first, ".threads-table"), 50, "fifty threads a page");
        assert_eq!(first.text(".pagination span"), "Page 1 of 2");
        assert_eq!(first.attrs(".pagination a[rel=next]", "href"), ["/admin/threads?page=2"]);
        assert!(first.body.contains(&format!("id=\"thread-{}\"", ids[51])), "newest first");
        let second = app.get("/admin/threads?page=2");
        assert_eq!(rows(&second, ".threads-table"), 2);
        assert!(second.body.contains(&format!("id=\"thread-{}\"", ids[0])));
        assert_eq!(app.get("/admin/threads?page=3").status, 404);
        assert_eq!(app.get("/admin/threads?page=two").status, 400);

        // A thread changed on page 2 comes back to page 2, changed.
        let done = app.submit(
            "/admin/threads?page=2",
            &format!("/admin/posts/{}/comments", ids[0]),
            &[("mode", "closed"), ("note", "Closed for now."), ("back", "/admin/threads?page=2")],
        );
        assert_eq!(done.status, 303, "{}", done.body);
        assert!(done.location().starts_with("/admin/threads?page=2&done="), "{}", done.location());
        let back = app.get(done.location());
        assert_eq!(back.text(&format!("#thread-{} .thread-state", ids[0])), "closed");

        let posts = app.get("/admin/posts");
        assert_eq!(rows(&posts, "table"), 50, "fifty posts a page");
        assert_eq!(posts.text(".pagination span"), "Page 1 of 2");
        assert_eq!(rows(&app.get("/admin/posts?page=2"), "table"), 2);
        assert_eq!(app.get("/admin/posts?page=3").status, 404);

        // The audit log, a hundred entries a page, keeps its filter from page to page.
        use townhall::storage::moderation::{Audit, audit};
        let t0 = chrono::Utc::now().naive_utc();
        for n in 1..=150 {
            let at = t0 + chrono::Duration::seconds(n);
            audit(&mut app.db(), None, Audit::UserEnable(n), "x", at).expect("audit entry");
        }
        let audit = app.get("/admin/audit?kind=user&action=user.enable");
        assert_eq!(rows(&audit, ".audit-table"), 100, "a hundred entries a page");
        assert_eq!(audit.text(".pagination span"), "Page 1 of 2");
        let next = audit.attrs(".pagination a[rel=next]", "href");
        assert_eq!(next, ["/admin/audit?action=user.enable&kind=user&page=2"]);
        assert!(audit.text(".audit-table tbody tr").contains("user 150"), "newest first");
        let older = app.get(&next[0]);
        assert_eq!(rows(&older, ".audit-table"), 50);
        let last = older.texts(".audit-table tbody tr").pop().unwrap_or_default();
        assert!(last.ends_with("user 1x"), "{last}");
        assert_eq!(app.get("/admin/audit?kind=user&action=user.enable&page=3").status, 404);
    }

}
