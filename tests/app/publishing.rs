//! Writing, previewing, publishing, scheduling, unpublishing, slugs and deleting.

use crate::both_backends;

both_backends! {
    fn a_draft_is_private_until_published(app) {
        app.login_admin();
        let id = app.create_post("Waiting lists for ESOL", "esol, adult learning", "Classes are *full*.", "save", "");
        let slug = app.slug_of(id);
        assert_eq!(app.browser().get(&format!("/posts/{slug}")).status, 404, "drafts are not public");
        assert!(app.browser().get("/").texts(".post-card h2").is_empty());
        let list = app.get("/admin/posts");
        assert_eq!(list.row_attr("Waiting lists for ESOL", ".state", "class").as_deref(), Some("state state-draft"));
        let preview = app.get(&format!("/admin/posts/{id}/preview"));
        assert_eq!(preview.status, 200);
        assert!(preview.text(".notice-warning").starts_with("Preview"));
        assert_eq!(preview.text(".post-body em"), "full");
        assert_eq!(app.browser().get(&format!("/admin/posts/{id}/preview")).status, 303, "previews need a sign-in");
        let published = app.submit("/admin/posts", &format!("/admin/posts/{id}/publish"), &[]);
        assert_eq!(published.location(), "/admin/posts?done=published");
        assert_eq!(app.get("/admin/posts?done=published").text(".notice-ok"), "Published.");
        let page = app.browser().get(&format!("/posts/{slug}"));
        assert_eq!(page.status, 200);
        assert_eq!(page.text("article h1"), "Waiting lists for ESOL");
        let un = app.submit("/admin/posts", &format!("/admin/posts/{id}/unpublish"), &[]);
        assert_eq!(un.status, 303);
        assert_eq!(app.browser().get(&format!("/posts/{slug}")).status, 404, "unpublished posts leave the site");
    }

    fn the_editor_previews_without_saving_and_keeps_input_on_errors(app) {
        app.login_admin();
        let preview = app.submit("/admin/posts/new", "/admin/posts/new", &[("title", "Preview me"), ("body", "**Strong** words"), ("tags", ""), ("slug", ""), ("publish_at", ""), ("action", "preview")]);
        assert_eq!(preview.status, 200);
        assert_eq!(preview.text(".preview .post-body strong"), "Strong");
        assert_eq!(preview.text("textarea#body"), "**Strong** words");
        assert!(app.get("/admin/posts").texts("tbody tr").is_empty(), "a preview saves nothing");
        let bad = app.submit("/admin/posts/new", "/admin/posts/new", &[("title", ""), ("body", "Kept body text"), ("tags", "ok"), ("slug", "Bad Slug!"), ("publish_at", "next tuesday"), ("action", "publish")]);
        assert_eq!(bad.status, 422);
        let errors = bad.texts(".field-error");
        assert_eq!(errors.len(), 3, "{errors:?}");
        assert!(bad.text("#title-error").contains("Give the post a title"));
        assert!(bad.text("#slug-error").contains("lower-case letters"));
        assert!(bad.text("#publish_at-error").contains("2026-12-01T09:30"));
        assert_eq!(bad.text("textarea#body"), "Kept body text", "the author's text is kept");
        assert_eq!(bad.attrs("#slug", "value"), vec!["Bad Slug!"]);
    }

    fn slugs_are_unique_and_old_slugs_redirect(app) {
        app.login_admin();
        let a = app.create_post("Same title", "", "One.", "publish", "2026-01-01T10:00");
        let b = app.create_post("Same title", "", "Two.", "publish", "2026-01-02T10:00");
        assert_eq!(app.slug_of(a), "same-title");
        assert_eq!(app.slug_of(b), "same-title-2");
        let taken = app.submit(&format!("/admin/posts/{b}/edit"), &format!("/admin/posts/{b}/edit"), &[("title", "Same title"), ("slug", "same-title"), ("body", "Two."), ("tags", ""), ("publish_at", ""), ("action", "save")]);
        assert_eq!(taken.status, 422);
        assert!(taken.text("#slug-error").contains("Another post uses the slug"));
        let moved = app.submit(&format!("/admin/posts/{a}/edit"), &format!("/admin/posts/{a}/edit"), &[("title", "Same title, renamed"), ("slug", "a-better-slug"), ("body", "One."), ("tags", ""), ("publish_at", "2026-01-01T10:00"), ("action", "save")]);
        assert_eq!(moved.status, 303, "{}", moved.body);
        let old = app.browser().get("/posts/same-title");
        assert_eq!(old.status, 301);
        assert_eq!(old.location(), "/posts/a-better-slug");
        assert_eq!(app.browser().get("/posts/a-better-slug").text("article h1"), "Same title, renamed");
        // The old slug stays the renamed post's: another post cannot take it (its links
        // would then lead elsewhere), but the post itself can take it back.
        let c = app.create_post("Fresh", "", "Three.", "publish", "2026-01-03T10:00");
        let reuse = app.submit(&format!("/admin/posts/{c}/edit"), &format!("/admin/posts/{c}/edit"), &[("title", "Fresh"), ("slug", "same-title"), ("body", "Three."), ("tags", ""), ("publish_at", "2026-01-03T10:00"), ("action", "save")]);
        assert_eq!(reuse.status, 422);
        assert!(reuse.text("#slug-error").contains("keeps it as an old address"), "{}", reuse.body);
        assert_eq!(app.browser().get("/posts/same-title").location(), "/posts/a-better-slug");
        let back = app.submit(&format!("/admin/posts/{a}/edit"), &format!("/admin/posts/{a}/edit"), &[("title", "Same title"), ("slug", "same-title"), ("body", "One."), ("tags", ""), ("publish_at", "2026-01-01T10:00"), ("action", "save")]);
        assert_eq!(back.status, 303, "{}", back.body);
        assert_eq!(app.browser().get("/posts/same-title").text("article h1"), "Same title");
        assert_eq!(app.browser().get("/posts/a-better-slug").location(), "/posts/same-title");
    }

    fn scheduled_posts_wait_for_their_time(app) {
        app.login_admin();
        let id = app.create_post("Budget day analysis", "budget", "Coming soon.", "publish", "2099-03-01T09:00");
        let edit = app.get(&format!("/admin/posts/{id}/edit?done=scheduled"));
        assert!(edit.text(".notice-ok").starts_with("Scheduled"));
        assert_eq!(edit.text(".meta strong.state"), "scheduled");
        let slug = app.slug_of(id);
        assert_eq!(app.browser().get(&format!("/posts/{slug}")).status, 404);
        assert!(!app.browser().get("/feed.atom").body.contains("Budget day analysis"));
        assert!(!app.browser().get("/sitemap.xml").body.contains(&slug));
        // Moving the time into the past publishes it.
        let now = app.submit(&format!("/admin/posts/{id}/edit"), &format!("/admin/posts/{id}/edit"), &[("title", "Budget day analysis"), ("slug", &slug), ("body", "Out now."), ("tags", "budget"), ("publish_at", "2020-03-01T09:00"), ("action", "publish")]);
        assert_eq!(now.status, 303);
        assert_eq!(app.browser().get(&format!("/posts/{slug}")).status, 200);
    }

    fn deleting_a_post_removes_it(app) {
        app.login_admin();
        let id = app.create_post("Short-lived", "temp", "Gone soon.", "publish", "");
        let slug = app.slug_of(id);
        let confirm = app.get(&format!("/admin/posts/{id}/delete"));
        assert!(confirm.text("h1").contains("Short-lived"));
        let del = app.submit(&format!("/admin/posts/{id}/delete"), &format!("/admin/posts/{id}/delete"), &[]);
        assert_eq!(del.location(), "/admin/posts?done=deleted");
        assert_eq!(app.browser().get(&format!("/posts/{slug}")).status, 404);
        assert_eq!(app.get(&format!("/admin/posts/{id}/edit")).status, 404);
        assert_eq!(app.browser().get("/tags/temp").status, 404, "an unused tag has no page");
    }
}
