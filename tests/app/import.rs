//! `townhall import wordpress`: a hand-written WXR 1.2 export brought across, as readers,
//! moderators and the person running the import see it, on both backends.

use crate::both_backends;
use crate::cli::townhall;
use crate::support::*;

const HOUSING: &str = "/posts/housing-for-refugees-what-councils-must-do";
const UKRAINE: &str = "/posts/laskavo-prosimo";
const STATEMENT: &str = "/posts/statement-on-the-high-court-ruling";
const ARCHIVE_NOTE: &str = "Comments on older pieces are closed because our small team cannot moderate an archive of this size.";

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// Runs `townhall` against the app's database.
fn townhall_on(app: &TestApp, args: &[&str]) -> (i32, String, String) {
    let url = app.settings.database_url.clone().expect("a database URL");
    townhall(
        &app.settings.data_dir,
        args,
        &[("DATABASE_URL", &url)],
        None,
    )
}

/// Imports a fixture; returns the command's exit code, report and error output.
fn import(app: &TestApp, file: &str, extra: &[&str]) -> (i32, String, String) {
    let path = fixture(file);
    let mut args = vec!["import", "wordpress", path.as_str()];
    args.extend_from_slice(extra);
    townhall_on(app, &args)
}

/// Imports a fixture that must import; returns the report.
fn imported(app: &TestApp, file: &str) -> String {
    let (code, out, err) = import(app, file, &[]);
    assert_eq!(code, 0, "the import failed: {err}");
    out
}

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

/// Rows in every table an import writes (the audit log, which records each run, aside).
fn rows(app: &TestApp) -> Vec<(&'static str, i64)> {
    let mut conn = app.db();
    [
        "users",
        "posts",
        "tags",
        "post_tags",
        "comments",
        "wp_posts",
        "wp_comments",
    ]
    .into_iter()
    .map(|t| {
        let q = format!("SELECT COUNT(*) AS n FROM {t}");
        let c: Count = townhall::dispatch!(&mut *conn, |c| diesel::RunQueryDsl::get_result(
            diesel::sql_query(&q),
            c
        ))
        .expect("count rows");
        (t, c.n)
    })
    .collect()
}

fn report_line<'a>(report: &'a str, label: &str) -> &'a str {
    report
        .lines()
        .find(|l| l.trim_start().starts_with(label))
        .unwrap_or_else(|| panic!("no “{label}” line in the report:\n{report}"))
}

both_backends! {
    fn posts_pages_and_threads_arrive_as_readers_knew_them(app) {
        let report = imported(&app, "wordpress-export.xml");
        assert!(report_line(&report, "posts").contains("6 new (1 pages; 2 of them unpublished), 0 already imported"), "{report}");
        assert!(report_line(&report, "comments").contains("5 published, 1 held for moderation"), "{report}");
        assert!(report_line(&report, "authors").contains("2 new accounts (no password yet), 1 matched"), "{report}");
        assert!(report_line(&report, "tags").contains("3 new"), "{report}");
        let skipped = report_line(&report, "skipped");
        for s in ["1 spam comments", "1 trashed comments", "1 pingbacks and trackbacks", "1 attachment", "1 nav_menu_item", "1 trashed posts"] {
            assert!(skipped.contains(s), "{s} in {skipped}");
        }
        for s in [
            "[h4] ×1: converted to a heading",
            "[ul] ×1: converted to a list",
            "[caption] ×1: converted to a figure with its caption",
            "[embed] ×1: converted to a link to the embedded page",
            "[pullquote] ×1: removed, text kept",
        ] {
            assert!(report.contains(s), "{s} in the report:\n{report}");
        }
        assert!(report_line(&report, "warnings").contains('0'), "{report}");

        // The post: WordPress's paragraphs and theme shortcodes as HTML, cleaned.
        let p = app.get(HOUSING);
        assert_eq!(p.status, 200);
        assert_eq!(p.text("h1"), "Housing for refugees: what councils must do");
        assert_eq!(p.text("article h4"), "What councils must do");
        assert_eq!(
            p.texts(".post-body ul li"),
            ["Start housing support on the day a decision is made", "Keep families near their children's schools"]
        );
        assert_eq!(p.text("article figure figcaption"), "Our march to the town hall, February 2015");
        assert_eq!(p.attrs("article figure img", "alt"), ["Marchers outside the town hall"]);
        assert!(p.attrs("article a", "href").contains(&"https://video.example/watch?v=council-debate".to_owned()));
        assert!(p.body.contains("No one should sleep rough because of a deadline."));
        assert!(p.body.contains("<strong>28 days</strong>"), "{}", p.body);
        assert!(!p.body.contains("[pullquote]") && !p.body.contains("[h4]"));
        assert!(!p.body.contains("alert(\"x\")") && !p.body.contains("onclick"));

        // Approved comments with their threads; pending, spam, trash and pingbacks not shown.
        assert_eq!(p.text("#comments-heading"), "Comments (4)");
        assert_eq!(
            p.texts(".comment-list > li.comment > .comment-card .comment-author"),
            ["Jo Reader", "Deals4U"]
        );
        assert_eq!(p.texts(".comment-list > li.comment > .comment-replies > li.comment > .comment-card .comment-author"), ["Tom Ellis"]);
        assert_eq!(
            p.texts(".comment-replies .comment-replies .comment-author"),
            ["Sam Okafor"],
            "a reply listed before its parent in the export still hangs under it"
        );
        assert!(p.body.contains("I <em>agree</em>: twenty-eight days"), "{}", p.body);
        assert!(p.attrs(".comment-text a", "href").contains(&"https://gov.example/guidance".to_owned()));
        assert_eq!(p.attrs(".comment-author a", "href")[0], "https://jo.example");
        for hidden in ["28-day rule still in force", "Cheap pills", "editors binned", "Housing round-up"] {
            assert!(!p.body.contains(hidden), "{hidden} must not be shown");
        }
        // Archive mode: a 2015 post arrives with its comments closed.
        assert_eq!(p.text(".comments-closed"), ARCHIVE_NOTE);
        assert!(p.texts("form.comment-form").is_empty());

        // Non-ASCII title and slug, an HTML table, the excerpt WordPress had.
        let u = app.get(UKRAINE);
        assert_eq!(u.status, 200);
        assert_eq!(u.text("h1"), "Ласкаво просимо: welcoming Ukrainian families in Hackney");
        assert_eq!(u.texts("article table th"), ["Support", "Families helped"]);
        assert_eq!(u.texts("article table td"), ["English classes", "42", "School places", "17"]);
        assert!(u.body.contains("дякую"));
        assert_eq!(u.texts(".comment-author"), ["Zoë Ødegård"]);
        let tag = app.get("/tags/education");
        assert_eq!(tag.status, 200);
        assert!(tag.body.contains("Éducation &amp; langues"), "{}", tag.body);
        assert!(tag.body.contains("What helped Ukrainian families most"), "the WordPress excerpt: {}", tag.body);

        // Closed in WordPress: closed here.
        assert_eq!(app.get(STATEMENT).text(".comments-closed"), "Comments are closed on this post.");
        // The page came across; private and draft posts are unpublished.
        assert_eq!(app.get("/posts/about").status, 200);
        assert_eq!(app.get("/posts/board-minutes-spring-2018").status, 404);
        assert_eq!(app.get("/posts/winter-appeal-draft").status, 404);
        assert_eq!(app.get("/tags/legal-aid").status, 200);
        assert_eq!(app.get("/tags/uncategorized").status, 404, "WordPress's default category is not a tag");

        // Authors: accounts without passwords, waiting for an admin.
        let (code, list, _) = townhall_on(&app, &["user", "list"]);
        assert_eq!(code, 0);
        let amira = list.lines().find(|l| l.starts_with("amira@ngo.example")).expect("amira listed");
        assert!(amira.contains("author") && amira.contains("no login") && amira.contains("Amira Khan"), "{amira}");
        app.login_admin();
        let posts = app.get("/admin/posts");
        assert!(posts.body.contains("Board minutes, spring 2018") && posts.body.contains("Winter appeal (draft)"));

        // The pending comment waits in the queue, marked as imported, and can be approved.
        let q = app.get("/admin/queue");
        assert!(q.body.contains("Is the 28-day rule still in force"), "{}", q.body);
        assert_eq!(q.texts(".queue-imported"), ["(imported from WordPress, where it was awaiting moderation)"]);
        let id = q.attrs(".queue-item", "data-id").remove(0);
        let act = format!("approve:{id}");
        let done = app.submit("/admin/queue", "/admin/queue", &[("act", &act), ("back", "/admin/queue"), ("note", "")]);
        assert_eq!(done.status, 303, "{}", done.body);
        assert!(app.get(HOUSING).body.contains("Is the 28-day rule still in force"));
        // The run is in the audit log with its counts.
        let audit = app.get("/admin/audit?kind=import");
        assert_eq!(audit.texts(".audit-action"), ["import.wordpress"]);
        assert!(audit.body.contains("6 WordPress posts and 6 comments known"), "{}", audit.body);
    }

    fn old_wordpress_addresses_redirect_to_the_new_posts(app) {
        // Before the import these addresses are simply not found.
        assert_eq!(app.get("/housing-for-refugees-what-councils-must-do/").status, 404);
        assert_eq!(app.get("/?p=101").status, 404);
        imported(&app, "wordpress-export.xml");
        let moved = [
            ("/?p=101", HOUSING),
            ("/?page_id=105", "/posts/about"),
            ("/2015/03/10/housing-for-refugees-what-councils-must-do/", HOUSING),
            ("/2015/03/housing-for-refugees-what-councils-must-do/", HOUSING),
            ("/housing-for-refugees-what-councils-must-do/", HOUSING),
            ("/2019/07/01/%d0%bb%d0%b0%d1%81%d0%ba%d0%b0%d0%b2%d0%be-%d0%bf%d1%80%d0%be%d1%81%d0%b8%d0%bc%d0%be/", UKRAINE),
            ("/%D0%BB%D0%B0%D1%81%D0%BA%D0%B0%D0%B2%D0%BE-%D0%BF%D1%80%D0%BE%D1%81%D0%B8%D0%BC%D0%BE/", UKRAINE),
            ("/about/", "/posts/about"),
            ("/2017/09/statement-on-the-high-court-ruling/", STATEMENT),
            ("/feed/", "/feed.rss"),
            ("/feed", "/feed.rss"),
            ("/feed/rss2/", "/feed.rss"),
            ("/feed/atom/", "/feed.atom"),
            ("/?feed=rss2", "/feed.rss"),
            ("/?feed=atom", "/feed.atom"),
            ("/comments/feed/", "/feed.rss"),
            ("/housing-for-refugees-what-councils-must-do/feed/", "/feed.rss"),
            ("/category/housing/", "/tags/housing"),
            ("/category/housing/feed/", "/feed.rss"),
            ("/tag/legal-aid/", "/tags/legal-aid"),
            ("/2015/03/", "/archive/2015/03"),
            ("/page/1/", "/?page=1"),
            ("/?s=housing+rights", "/search?q=housing+rights"),
        ];
        for (old, new) in moved {
            let r = app.get(old);
            assert_eq!((r.status, r.location()), (301, new), "{old}");
            assert_eq!(app.get(new).status, 200, "{new}, from {old}");
        }
        // Drafts, private posts and unknown addresses stay not found; the site's own
        // pages are untouched.
        for missing in [
            "/?p=103",
            "/?p=104",
            "/?p=999",
            "/?p=abc",
            "/board-minutes-spring-2018/",
            "/no-such-post/",
            "/2015/03/no-such-post/",
            "/category/nothing/",
            "/tag/nothing/",
        ] {
            assert_eq!(app.get(missing).status, 404, "{missing}");
        }
        for own in ["/", "/tags", "/archive", "/feed.rss", "/feed.atom", "/search?q=housing"] {
            assert_eq!(app.get(own).status, 200, "{own}");
        }
    }

    fn importing_again_changes_nothing_and_a_newer_export_adds_only_what_is_new(app) {
        imported(&app, "wordpress-export.xml");
        let first = rows(&app);
        let page = app.get(HOUSING).body;

        let again = imported(&app, "wordpress-export.xml");
        assert!(report_line(&again, "posts").contains("0 new (0 pages; 0 of them unpublished), 6 already imported"), "{again}");
        assert!(report_line(&again, "comments").contains("0 published, 0 held for moderation, 6 already imported"), "{again}");
        assert!(report_line(&again, "authors").contains("0 new accounts"), "{again}");
        assert_eq!(rows(&app), first, "a second import of the same export changes nothing");
        assert_eq!(app.get(HOUSING).body, page);

        let newer = imported(&app, "wordpress-export-newer.xml");
        assert!(report_line(&newer, "posts").contains("1 new (0 pages; 0 of them unpublished), 6 already imported"), "{newer}");
        assert!(report_line(&newer, "comments").contains("2 published, 0 held for moderation, 6 already imported"), "{newer}");
        let grown = rows(&app);
        let diff: Vec<(&str, i64)> = first
            .iter()
            .zip(&grown)
            .map(|((t, a), (_, b))| (*t, b - a))
            .filter(|(_, d)| *d != 0)
            .collect();
        assert_eq!(
            diff,
            [("posts", 1), ("tags", 1), ("post_tags", 1), ("comments", 2), ("wp_posts", 1), ("wp_comments", 2)]
        );
        let new_post = app.get("/posts/a-new-year-of-campaigning");
        assert_eq!(new_post.status, 200);
        assert_eq!(new_post.text("article h3"), "Housing first");
        assert_eq!(new_post.texts(".comment-author"), ["Dev Patel"]);
        assert_eq!(app.get("/2024/01/10/a-new-year-of-campaigning/").location(), "/posts/a-new-year-of-campaigning");
        // The new reply on an old post hangs under the comment it answers.
        let p = app.get(HOUSING);
        assert_eq!(p.text("#comments-heading"), "Comments (5)");
        let replies = p.texts(".comment-list > li.comment > .comment-replies > li.comment > .comment-card .comment-text");
        assert!(replies.iter().any(|r| r.contains("extended the notice period to 56 days")), "{replies:?}");

        imported(&app, "wordpress-export-newer.xml");
        assert_eq!(rows(&app), grown, "the newer export again changes nothing");
    }

    fn a_broken_export_stops_at_its_line_and_changes_nothing(app) {
        app.login_admin();
        app.create_post("Our own first post", "housing", "Written in Townhall.", "publish", "");
        let before = rows(&app);

        let (code, out, err) = import(&app, "wordpress-truncated.xml", &[]);
        assert_ne!(code, 0, "{out}");
        assert!(err.contains("wordpress-truncated.xml, line 120:"), "{err}");
        assert!(err.contains("CDATA not closed") && err.contains("the database is unchanged"), "{err}");
        assert_eq!(rows(&app), before);
        assert_eq!(app.get(HOUSING).status, 404, "the items read before the error were rolled back");
        assert_eq!(app.get("/?p=101").status, 404);

        let (code, _, err) = import(&app, "wordpress-malformed.xml", &[]);
        assert_ne!(code, 0);
        assert!(err.contains("wordpress-malformed.xml, line 224:"), "{err}");
        assert!(err.contains("expected `</wp:post_name>`, but `</wp:post_nam>` was found"), "{err}");
        assert_eq!(rows(&app), before);

        let (code, _, err) = import(&app, "no-such-export.xml", &[]);
        assert_ne!(code, 0);
        assert!(err.contains("no-such-export.xml") && err.contains("No such file"), "{err}");

        let (code, out, err) = import(&app, "wordpress-export.xml", &["--dry-run"]);
        assert_eq!(code, 0, "{err}");
        assert!(out.starts_with("Dry run: nothing was saved."), "{out}");
        assert!(report_line(&out, "posts").contains("6 new"), "{out}");
        assert_eq!(rows(&app), before, "a dry run saves nothing");
        assert_eq!(app.get("/posts/our-own-first-post").status, 200);
    }

    fn the_rules_can_judge_imported_comments_without_changing_them(app) {
        imported(&app, "wordpress-export.xml");
        let before = rows(&app);
        let (code, out, err) = townhall_on(&app, &["rules", "check", "--from-db", "--imported"]);
        assert_eq!(code, 0, "{err}");
        let verdicts: Vec<serde_json::Value> = out
            .lines()
            .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
            .collect();
        assert_eq!(verdicts.len(), 6, "the 5 published and 1 held imported comments: {out}");
        assert!(verdicts.iter().all(|v| v["imported"] == true), "{out}");
        let held: Vec<&serde_json::Value> = verdicts.iter().filter(|v| v["stored_status"] == "held").collect();
        assert_eq!(held.len(), 1, "{out}");
        // WordPress's moderators approved the spam; the rules would reject it.
        let spam = verdicts
            .iter()
            .find(|v| v["hits"].as_array().is_some_and(|h| h.iter().any(|h| h["rule"] == "spam.phrases")))
            .unwrap_or_else(|| panic!("the viagra comment is caught: {out}"));
        assert_eq!(spam["action"], "reject");
        assert_eq!(spam["stored_status"], "published");
        // Nothing changed: the comment is still on the post.
        assert_eq!(rows(&app), before);
        assert!(app.get(HOUSING).body.contains("Buy viagra"));
        let (code, _, err) = townhall_on(&app, &["rules", "check", "--imported"]);
        assert_ne!(code, 0, "--imported needs --from-db");
        assert!(err.contains("--from-db"), "{err}");
    }
}

fn ten_year_archive(s: &mut townhall::config::Settings) {
    s.archive_after_days = 3650;
}

both_backends! {
    settings = ten_year_archive;

    fn archive_mode_closes_only_posts_older_than_the_setting(app) {
        imported(&app, "wordpress-export.xml");
        // 2015 is more than ten years ago: archived.
        assert_eq!(app.get(HOUSING).text(".comments-closed"), ARCHIVE_NOTE);
        // 2019 is not: its comments are open to readers.
        let u = app.get(UKRAINE);
        assert!(u.texts(".comments-closed").is_empty(), "{}", u.body);
        assert_eq!(u.texts("form.comment-form").len(), 1);
        // Closed in WordPress stays closed whatever its age.
        assert_eq!(app.get(STATEMENT).text(".comments-closed"), "Comments are closed on this post.");
    }
}

/// An export of one author and the given items, for tests that need what no fixture
/// should hold (a 50 MB post).
fn export_head() -> String {
    r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<wp:wxr_version>1.2</wp:wxr_version>
<wp:base_site_url>https://ngo.example</wp:base_site_url>
<wp:author><wp:author_login><![CDATA[amira]]></wp:author_login><wp:author_email><![CDATA[amira@ngo.example]]></wp:author_email><wp:author_display_name><![CDATA[Amira Khan]]></wp:author_display_name></wp:author>
"#
    .to_owned()
}

/// One published post item; `body` goes in a CDATA section.
fn post_item(id: i64, title: &str, slug: &str, body: &str, comments: &str) -> String {
    format!(
        "<item><title><![CDATA[{title}]]></title><dc:creator><![CDATA[amira]]></dc:creator>
<content:encoded><![CDATA[{body}]]></content:encoded><wp:post_id>{id}</wp:post_id>
<wp:post_date_gmt>2024-02-01 10:00:00</wp:post_date_gmt><wp:post_name>{slug}</wp:post_name>
<wp:status>publish</wp:status><wp:post_type>post</wp:post_type><wp:comment_status>open</wp:comment_status>
{comments}</item>\n"
    )
}

/// One approved comment; `email` is written as XML text, so it may hold references.
fn comment(id: i64, name: &str, email: &str, website: &str, text: &str) -> String {
    format!(
        "<wp:comment><wp:comment_id>{id}</wp:comment_id><wp:comment_author><![CDATA[{name}]]></wp:comment_author>
<wp:comment_author_email>{email}</wp:comment_author_email><wp:comment_author_url>{website}</wp:comment_author_url>
<wp:comment_date_gmt>2024-02-02 10:00:00</wp:comment_date_gmt><wp:comment_content><![CDATA[{text}]]></wp:comment_content>
<wp:comment_approved>1</wp:comment_approved><wp:comment_parent>0</wp:comment_parent></wp:comment>\n"
    )
}

/// Runs `townhall import wordpress FILE` and watches the process's peak resident memory
/// (VmHWM) while it runs; returns the exit code, the report, the error output and the
/// peak in MiB.
fn import_watching_memory(app: &TestApp, file: &std::path::Path) -> (i32, String, String, u64) {
    use std::process::{Command, Stdio};
    let url = app.settings.database_url.clone().expect("a database URL");
    let mut child = Command::new(env!("CARGO_BIN_EXE_townhall"))
        .args(["import", "wordpress"])
        .arg(file)
        .current_dir(&app.settings.data_dir)
        .env("TOWNHALL_DATA_DIR", &app.settings.data_dir)
        .env("TOWNHALL_LOG", "warn")
        .env("DATABASE_URL", &url)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run townhall");
    let status = format!("/proc/{}/status", child.id());
    let mut peak_kib = 0;
    while child.try_wait().expect("wait").is_none() {
        if let Ok(s) = std::fs::read_to_string(&status)
            && let Some(kib) = s
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        {
            peak_kib = peak_kib.max(kib);
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let out = child.wait_with_output().expect("output");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        peak_kib / 1024,
    )
}

/// The post body of the issue: 50 MB, 250 times what the editor accepts.
const HUGE_BODY_BYTES: usize = 50 * 1024 * 1024;

both_backends! {
    fn security_fields_the_web_forms_refuse_are_refused_with_a_line_each_and_the_rest_imported(app) {
        let paragraph = "<p>The council's letter, read out in full at the meeting, again and again.</p>\n";
        let huge = paragraph.repeat(HUGE_BODY_BYTES / paragraph.len() + 1);
        let long_comment = "x".repeat(100_008);
        let mut xml = export_head();
        xml.push_str(&post_item(
            901,
            "Hostel closures: our response",
            "hostel-closures",
            "<p>We oppose the closures.</p>",
            &[
                comment(9101, "Jo Reader", "jo@example.org", "https://jo.example", "Thank you for this."),
                comment(9102, "Mallory", "mallory@example.org&#13;&#10;Bcc: x@example.org", "", "Cheap watches"),
                comment(9103, "Long Winded", "long@example.org", "", &long_comment),
                comment(9104, "Sam", "sam@example.net", "javascript:alert(1)", "Where do I sign?"),
            ]
            .concat(),
        ));
        xml.push_str(&post_item(
            902,
            "Annual report",
            "annual-report",
            &huge,
            &comment(9105, "Priya", "priya@example.com", "", "Great report"),
        ));
        xml.push_str(&post_item(903, "After the big one", "after-the-big-one", "<p>Still read.</p>", ""));
        xml.push_str("</channel></rss>\n");
        drop(huge);
        let file = app.settings.data_dir.join("refusals.xml");
        std::fs::write(&file, &xml).expect("write the export");
        drop(xml);
        let before = rows(&app);

        let (code, report, err, peak_mib) = import_watching_memory(&app, &file);
        assert_eq!(code, 0, "the import failed: {err}");
        // Before the reader was bounded, a 50 MB body took 478 MB.
        assert!(peak_mib < 150, "the import peaked at {peak_mib} MiB for a 50 MB post body");

        assert!(report_line(&report, "posts").contains("2 new (0 pages; 0 of them unpublished)"), "{report}");
        assert!(report_line(&report, "comments").contains("2 published, 0 held"), "{report}");
        assert!(report_line(&report, "refused").contains("1 posts, 2 comments, 1 fields left out"), "{report}");
        assert!(report_line(&report, "skipped").contains("1 comments on refused posts"), "{report}");
        let lines: Vec<&str> = report.lines().filter(|l| l.starts_with("    - ")).collect();
        for expected in [
            r#"comment 9102 on post 901 “Hostel closures: our response” not imported: e-mail: “mallory@example.org\r\nBcc: x@example.org” is not an e-mail address."#,
            "comment 9103 on post 901 “Hostel closures: our response” not imported: text: A comment can be at most 5000 characters",
            "comment 9104 on post 901 “Hostel closures: our response”: the website “javascript:alert(1)” left out: Give your website as a full address",
            "post 902 “Annual report” not imported: body: The body can be at most 200000 characters",
        ] {
            assert_eq!(
                lines.iter().filter(|l| l.contains(expected)).count(),
                1,
                "one line “{expected}” in the report:\n{report}"
            );
        }
        assert_eq!(lines.len(), 4, "a line per refused field and no other: {report}");
        assert!(!report.contains("\r") && !report.lines().any(|l| l.starts_with("Bcc")), "{report}");

        // Nothing half-written: exactly the two good posts, their two good comments, and
        // no account, tag or record for what was refused.
        let after = rows(&app);
        let diff: Vec<(&str, i64)> = before
            .iter()
            .zip(&after)
            .map(|((t, a), (_, b))| (*t, b - a))
            .filter(|(_, d)| *d != 0)
            .collect();
        assert_eq!(diff, [("users", 1), ("posts", 2), ("comments", 2), ("wp_posts", 2), ("wp_comments", 2)]);
        let p = app.get("/posts/hostel-closures");
        assert_eq!(p.status, 200);
        assert_eq!(p.texts(".comment-author"), ["Jo Reader", "Sam"]);
        assert!(p.attrs(".comment-author a", "href") == ["https://jo.example"], "{}", p.body);
        assert!(!p.body.contains("Cheap watches") && !p.body.contains("xxxxxxxxxx"));
        assert_eq!(app.get("/posts/annual-report").status, 404);
        assert_eq!(app.get("/?p=902").status, 404);
        assert_eq!(app.get("/posts/after-the-big-one").status, 200, "the post after the huge one is read");

        // A second run refuses the same things again and adds nothing.
        let (code, again, err, _) = import_watching_memory(&app, &file);
        assert_eq!(code, 0, "{err}");
        assert!(report_line(&again, "refused").contains("1 posts, 2 comments, 0 fields left out"), "{again}");
        assert_eq!(rows(&app), after);
    }
}
