//! The moderators' queue over HTTP: every action, role checks, CSRF on every queue
//! route, reversals, bans and trust changing the next verdict, edits keeping the
//! original, hostile text highlighted safely, the spam score learning, thread controls,
//! archive mode and the site-wide switch, and the audit log.

use serde_json::Value;
use townhall::storage::comments as stored;
use townhall::storage::moderation as records;

use crate::both_backends;
use crate::comments::*;
use crate::hostile::hostile_strings;
use crate::support::*;

/// A body with two links: the soft `spam.links` rule holds it for a moderator.
const TWO_LINKS: &str = "The council housing waiting list figures for Hackney are at https://data.example.org/housing and https://stats.example.net/waiting-list for families.";

/// Sends a comment as JSON; returns (status, id, answer).
pub(crate) fn comment(
    app: &TestApp,
    slug: &str,
    post_id: i64,
    who: &Reader,
    body: &str,
) -> (String, i64, Value) {
    let token = csrf(app);
    let (_, v) = send_json(app, slug, post_id, who, &token, &fields(who, body));
    let id = v["id"].as_i64().unwrap_or_else(|| panic!("an id: {v}"));
    (v["status"].as_str().unwrap_or_default().to_owned(), id, v)
}

/// A comment that the engine holds (two links).
pub(crate) fn held(app: &TestApp, slug: &str, post_id: i64, who: &Reader) -> i64 {
    let (status, id, v) = comment(app, slug, post_id, who, TWO_LINKS);
    assert_eq!(status, "held", "{v}");
    id
}

pub(crate) fn status_of(app: &TestApp, id: i64) -> String {
    stored::find(&mut app.db(), id)
        .expect("query")
        .expect("stored")
        .status
        .as_str()
        .to_owned()
}

/// The actions in a comment's history, oldest first.
pub(crate) fn events(app: &TestApp, id: i64) -> Vec<String> {
    records::events_of(&mut app.db(), id)
        .expect("events")
        .into_iter()
        .map(|(e, _)| e.action)
        .collect()
}

/// A queue action from the queue page's own form (so its CSRF token).
pub(crate) fn act(app: &Browser, fields: &[(&str, &str)]) -> Page {
    app.submit("/admin/queue", "/admin/queue", fields)
}

/// A signed-in staff member with a role, created by the admin.
pub(crate) fn staff(app: &TestApp, role: &str, n: u32) -> Browser {
    app.login_admin();
    let email = format!("{role}{n}@example.org");
    let created = app.submit(
        "/admin/users",
        "/admin/users",
        &[
            ("email", &email),
            ("name", &format!("Staff {role} {n}")),
            ("role", role),
            ("password", "a long staff password"),
        ],
    );
    assert_eq!(created.status, 200, "{}", created.body);
    let b = app.browser();
    assert_eq!(b.login(&email, "a long staff password").status, 303);
    b
}

/// Every audit entry's action, newest first.
pub(crate) fn audit_actions(app: &TestApp) -> Vec<String> {
    records::audit_list(&mut app.db(), &records::AuditFilter::default(), 0, 10_000)
        .expect("audit")
        .0
        .into_iter()
        .map(|(a, _)| a.action)
        .collect()
}

both_backends! {
    settings = comment_settings;

    fn held_comments_are_listed_with_evidence_and_history(app) {
        let (id, slug) = housing_post(&app);
        let first = held(&app, &slug, id, &reader(1));
        let second = held(&app, &slug, id, &reader(2));
        let moderator = staff(&app, "moderator", 1);
        let page = moderator.get("/admin/queue");
        assert_eq!(page.status, 200, "{}", page.body);
        assert_eq!(page.header("cache-control"), "no-store");
        assert_eq!(page.attrs(".queue-item", "data-id"), vec![first.to_string(), second.to_string()], "oldest first");
        assert_eq!(page.text("#nav-waiting"), "2");
        let item = format!("#q-{first}");
        assert_eq!(page.attrs(&format!("{item} .queue-post"), "href"), vec![format!("/posts/{slug}")]);
        assert_eq!(page.text(&format!("{item} .queue-body")), TWO_LINKS);
        assert!(page.text(&format!("{item} .queue-hits")).contains("spam.links"));
        assert!(page.text(&format!("{item} .queue-hits")).contains("house rule 3"));
        let who = page.text(&format!("{item} .queue-commenter"));
        assert!(who.contains("reader1@example.org") && who.contains("10.1.0.0/24") && who.contains("0 published, 1 held, 0 rejected"), "{who}");
        assert!(page.text(&format!("{item} .queue-waiting")).contains("minute"));
        // Keyboard help and the script that adds the keys (no inline script).
        assert!(page.body.contains("<script src=\"/static/queue.js"));
        assert!(!page.body.contains("<script>"));
        let js = moderator.get("/static/queue.js");
        assert_eq!(js.status, 200);
        assert!(js.body.contains("keydown"));
        // Filters: by rule, by house rule, by commenter, by post.
        assert_eq!(moderator.get("/admin/queue?rule=spam.links").texts(".queue-item").len(), 2);
        assert_eq!(moderator.get("/admin/queue?rule=civility.slur").texts(".queue-item").len(), 0);
        assert_eq!(moderator.get("/admin/queue?house_rule=3").texts(".queue-item").len(), 2);
        assert_eq!(moderator.get("/admin/queue?house_rule=1").texts(".queue-item").len(), 0);
        assert_eq!(moderator.get("/admin/queue?commenter=reader2@example.org").attrs(".queue-item", "data-id"), vec![second.to_string()]);
        assert_eq!(moderator.get(&format!("/admin/queue?post={id}")).texts(".queue-item").len(), 2);
        assert_eq!(moderator.get("/admin/queue?post=999999").texts(".queue-item").len(), 0);
    }

    fn approve_reject_spam_and_bulk_actions_record_history(app) {
        let (id, slug) = housing_post(&app);
        let a = held(&app, &slug, id, &reader(1));
        let b = held(&app, &slug, id, &reader(2));
        let c = held(&app, &slug, id, &reader(3));
        let d = held(&app, &slug, id, &reader(4));
        let m = staff(&app, "moderator", 1);
        let done = act(&m, &[("act", &format!("approve:{a}")), ("back", "/admin/queue")]);
        assert_eq!(done.status, 303, "{}", done.body);
        assert_eq!(done.location(), "/admin/queue?done=approve");
        assert_eq!(status_of(&app, a), "published");
        assert!(app.browser().get(&format!("/posts/{slug}")).attrs(&format!("#comment-{a}"), "id").len() == 1, "approved comments appear");

        assert_eq!(act(&m, &[("act", &format!("reject:{b}")), (&format!("rule_{b}"), "1"), ("note", "insulting")]).status, 303);
        assert_eq!(status_of(&app, b), "rejected");
        let ev = records::events_of(&mut app.db(), b).expect("events");
        assert_eq!((ev[0].0.action.as_str(), ev[0].0.house_rule, ev[0].0.note.as_str()), ("reject", Some(1), "insulting"));

        // A bulk action covers the ticked comments, in one transaction.
        let bulk = act(&m, &[("act", "spam:selected"), (&format!("sel_{c}"), "1"), (&format!("sel_{d}"), "1")]);
        assert_eq!(bulk.status, 303, "{}", bulk.body);
        assert_eq!((status_of(&app, c), status_of(&app, d)), ("rejected".into(), "rejected".into()));
        assert_eq!(events(&app, c), ["spam"]);

        // A selection naming an unknown comment changes nothing at all.
        let e = held(&app, &slug, id, &reader(5));
        let failed = act(&m, &[("act", "approve:selected"), (&format!("sel_{e}"), "1"), ("sel_999999", "1")]);
        assert_eq!(failed.status, 404);
        assert_eq!(status_of(&app, e), "held");
        assert!(events(&app, e).is_empty());
        // Nothing selected, or a rejection without a house rule, is refused.
        assert_eq!(act(&m, &[("act", "approve:selected")]).status, 400);
        assert_eq!(act(&m, &[("act", &format!("reject:{e}")), (&format!("rule_{e}"), "9")]).status, 400, "refused as a bad request");
        assert_eq!(status_of(&app, e), "held");

        let audit = audit_actions(&app);
        for action in ["comment.approve", "comment.reject", "comment.spam"] {
            assert!(audit.iter().any(|a| a == action), "{action} in {audit:?}");
        }
        let page = m.get("/admin/audit?action=comment.reject");
        assert_eq!(page.texts(".audit-action"), vec!["comment.reject"]);
        assert!(page.body.contains("Staff moderator 1"));
    }

    fn the_queue_comes_in_pages_with_its_filters(app) {
        let (id, slug) = housing_post(&app);
        let first = held(&app, &slug, id, &reader(1));
        // 150 more waiting, copies of the first made in the database (through the form,
        // the volume and flood rules would step in long before).
        let copy = format!(
            "INSERT INTO comments (post_id, parent_id, author_name, email, email_key, website, body, \
               status, auto_action, score, hits, engine_version, fingerprint, ip, network, user_agent, \
               form_seconds, form_check, honeypot, created_at, updated_at) \
             SELECT post_id, parent_id, author_name, email, email_key, website, body, status, \
               auto_action, score, hits, engine_version, fingerprint, ip, network, user_agent, \
               form_seconds, form_check, honeypot, created_at, updated_at FROM comments WHERE id = {first}"
        );
        for _ in 0..150 {
            townhall::dispatch!(&mut *app.db(), |c| diesel::RunQueryDsl::execute(diesel::sql_query(&copy), c)).expect("copy");
        }
        let m = staff(&app, "moderator", 1);
        let page = m.get("/admin/queue?rule=spam.links");
        assert_eq!(page.texts(".queue-item").len(), 100, "a hundred to a page");
        assert_eq!(page.attrs(".queue-item", "data-id")[0], first.to_string(), "oldest first");
        assert_eq!(page.attrs(".pagination a[rel=next]", "href"), ["/admin/queue?tab=held&rule=spam.links&page=2"]);
        assert!(page.attrs(".pagination a[rel=prev]", "href").is_empty());
        let second = m.get("/admin/queue?tab=held&rule=spam.links&page=2");
        assert_eq!(second.texts(".queue-item").len(), 51);
        assert!(second.attrs(".pagination a[rel=next]", "href").is_empty());
        assert_eq!(second.attrs(".pagination a[rel=prev]", "href"), ["/admin/queue?tab=held&rule=spam.links&page=1"]);
        // An action taken on page 2 comes back to page 2.
        let target = second.attrs(".queue-item", "data-id")[0].clone();
        let back = second.attrs("#queue-form input[name=back]", "value");
        assert_eq!(back, ["/admin/queue?tab=held&rule=spam.links&page=2"]);
        let done = m.submit(
            "/admin/queue?tab=held&rule=spam.links&page=2",
            "/admin/queue",
            &[("act", &format!("approve:{target}")), ("back", &back[0])],
        );
        assert_eq!(done.status, 303, "{}", done.body);
        assert_eq!(done.location(), "/admin/queue?tab=held&rule=spam.links&page=2&done=approve");
        assert_eq!(m.get(done.location()).texts(".queue-item").len(), 50);
        // A page past the end says so and links back, rather than failing.
        let past = m.get("/admin/queue?page=9");
        assert_eq!(past.status, 200);
        assert_eq!(past.attrs(".queue-empty a", "href"), ["/admin/queue?tab=held&page=1"]);
        assert_eq!(m.get("/admin/queue?page=x").status, 400);
    }

    fn each_commenters_history_follows_every_change(app) {
        let (id, slug) = housing_post(&app);
        let one = reader(1);
        let a = held(&app, &slug, id, &one);
        let b = held(&app, &slug, id, &one);
        publish(&app, &slug, id, &one, HOUSING_COMMENTS[0], None);
        held(&app, &slug, id, &reader(2));
        let m = staff(&app, "moderator", 1);
        let line = |page: &Page| page.text(&format!("#q-{b} .queue-commenter"));
        assert!(line(&m.get("/admin/queue")).contains("1 published, 2 held, 0 rejected"), "{}", line(&m.get("/admin/queue")));
        act(&m, &[("act", &format!("reject:{a}")), (&format!("rule_{a}"), "3")]);
        assert!(line(&m.get("/admin/queue")).contains("1 published, 1 held, 1 rejected"));
        // Reversed, and marked as spam (counted with the rejected, as the queue shows it).
        act(&m, &[("act", &format!("approve:{a}"))]);
        act(&m, &[("act", &format!("spam:{b}"))]);
        let rejected = m.get(&format!("/admin/queue?tab=rejected&commenter={}", one.email));
        assert!(line(&rejected).contains("2 published, 0 held, 1 rejected"), "{}", line(&rejected));
        assert!(line(&rejected).contains(&format!("first seen {}", chrono::Utc::now().format("%-d %B %Y"))), "{}", line(&rejected));

        // The kept counts are exactly what counting every comment again gives.
        #[derive(diesel::QueryableByName, Debug, PartialEq)]
        struct Counts {
            #[diesel(sql_type = diesel::sql_types::Text)]
            email_key: String,
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            published: i64,
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            held: i64,
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            rejected: i64,
            #[diesel(sql_type = diesel::sql_types::Timestamp)]
            first_at: chrono::NaiveDateTime,
        }
        let load = |sql: &str| -> Vec<Counts> {
            townhall::dispatch!(&mut *app.db(), |c| diesel::RunQueryDsl::load(diesel::sql_query(sql), c)).expect("counts")
        };
        let kept = load("SELECT email_key, published, held, rejected, first_at FROM commenter_history ORDER BY email_key");
        let recounted = load(
            "SELECT email_key, \
               SUM(CASE WHEN status = 'published' THEN 1 ELSE 0 END) AS published, \
               SUM(CASE WHEN status = 'held' THEN 1 ELSE 0 END) AS held, \
               SUM(CASE WHEN status NOT IN ('published', 'held') THEN 1 ELSE 0 END) AS rejected, \
               MIN(created_at) AS first_at \
             FROM comments GROUP BY email_key ORDER BY email_key",
        );
        assert_eq!(kept.len(), 2, "{kept:?}");
        assert_eq!(kept, recounted);
    }

    fn decisions_can_be_reversed_and_history_is_kept(app) {
        let (id, slug) = housing_post(&app);
        let a = held(&app, &slug, id, &reader(1));
        let m = staff(&app, "moderator", 1);
        act(&m, &[("act", &format!("approve:{a}"))]);
        let published = m.get("/admin/queue?tab=published");
        assert_eq!(published.attrs(".queue-item", "data-id"), vec![a.to_string()]);
        // Reverse from the published tab.
        assert_eq!(act(&m, &[("act", &format!("reject:{a}")), (&format!("rule_{a}"), "3")]).status, 303);
        assert_eq!(status_of(&app, a), "rejected");
        assert_eq!(m.get("/admin/queue?tab=rejected").attrs(".queue-item", "data-id"), vec![a.to_string()]);
        assert!(app.browser().get(&format!("/posts/{slug}")).attrs(&format!("#comment-{a}"), "id").is_empty());
        // And back again: every step stays in the history.
        act(&m, &[("act", &format!("approve:{a}"))]);
        assert_eq!(status_of(&app, a), "published");
        assert_eq!(events(&app, a), ["approve", "reject", "approve"]);
        let page = m.get(&format!("/admin/comments/{a}"));
        assert_eq!(page.status, 200);
        let history = page.texts(".comment-history li");
        assert_eq!(history.len(), 4, "{history:?}");
        assert!(history[0].contains("automatic verdict: hold"), "{history:?}");
        assert!(history[2].contains("rejected") && history[2].contains("house rule 3"), "{history:?}");
        // An automatic rejection can be reversed too.
        let sam = Reader { name: "Sam".into(), email: "sam@example.org".into(), ip: "10.9.0.1".into() };
        let (status, rude, _) = comment(&app, &slug, id, &sam, "You are a fucking idiot.");
        assert_eq!(status, "rejected");
        act(&m, &[("act", &format!("approve:{rude}"))]);
        assert_eq!(status_of(&app, rude), "published");
    }

    fn edits_keep_the_original(app) {
        let (id, slug) = housing_post(&app);
        let a = held(&app, &slug, id, &reader(1));
        let m = staff(&app, "moderator", 1);
        let form = format!("/admin/comments/{a}");
        let fixed = "The council housing waiting list in Hackney is far too long.";
        let sent = m.submit(&form, &format!("/admin/comments/{a}/edit"), &[("body", fixed), ("note", "links removed"), ("approve", "1")]);
        assert_eq!(sent.status, 303, "{}", sent.body);
        let row = stored::find(&mut app.db(), a).expect("q").expect("row");
        assert_eq!((row.status.as_str(), row.body.as_str()), ("published", fixed));
        assert_eq!(events(&app, a), ["edit", "approve"]);
        let ev = records::events_of(&mut app.db(), a).expect("events");
        assert_eq!(ev[0].0.original_body.as_deref(), Some(TWO_LINKS));
        let page = m.get(&form);
        assert_eq!(page.text(".original-body"), TWO_LINKS);
        let public = app.browser().get(&format!("/posts/{slug}"));
        assert_eq!(public.text(&format!("#comment-{a} .comment-text")), fixed);
        // An empty edit is refused and changes nothing.
        assert_eq!(m.submit(&form, &format!("/admin/comments/{a}/edit"), &[("body", "  ")]).status, 400, "refused as a bad request");
        assert_eq!(events(&app, a).len(), 2);
    }

    fn bans_and_trust_change_the_next_verdict(app) {
        let (id, slug) = housing_post(&app);
        let m = staff(&app, "moderator", 1);
        // Trust: the soft two-links rule no longer holds them; hard rules still apply.
        let jo = reader(1);
        let first = held(&app, &slug, id, &jo);
        let t = m.submit(&format!("/admin/comments/{first}"), &format!("/admin/comments/{first}/trust"), &[("trusted", "1")]);
        assert_eq!(t.status, 303, "{}", t.body);
        assert_eq!(m.get(&format!("/admin/comments/{first}")).text("#standing"), "trusted");
        let (status, _, v) = comment(&app, &slug, id, &jo, TWO_LINKS);
        assert_eq!(status, "published", "trusted commenters skip soft rules: {v}");
        let token = csrf(&app);
        let mut f = fields(&jo, HOUSING_COMMENTS[2]);
        set(&mut f, "form_token", "forged");
        let (_, v) = send_json(&app, &slug, id, &jo, &token, &f);
        assert_eq!(v["status"], "held", "never the hard ones: {v}");

        // A ban by e-mail: the next comment from that address is not published.
        let ann = reader(2);
        let (_, a, _) = comment(&app, &slug, id, &ann, HOUSING_COMMENTS[0]);
        let b = m.submit(&format!("/admin/comments/{a}"), &format!("/admin/comments/{a}/ban"), &[("by_email", "1"), ("days", "30"), ("note", "abuse by e-mail")]);
        assert_eq!(b.status, 303, "{}", b.body);
        let (status, _, v) = comment(&app, &slug, id, &ann, HOUSING_COMMENTS[1]);
        assert_eq!(status, "rejected", "{v}");
        assert!(rules_fired(&v).contains(&"standing.banned".to_owned()), "{v}");
        assert_eq!(m.get(&format!("/admin/comments/{a}")).text("#standing"), "banned", "the ban shows on the commenter");
        // A ban by network catches another e-mail on the same network.
        let bob = reader(3);
        let (_, bid, _) = comment(&app, &slug, id, &bob, HOUSING_COMMENTS[3]);
        m.submit(&format!("/admin/comments/{bid}"), &format!("/admin/comments/{bid}/ban"), &[("by_network", "1")]);
        let other = Reader { name: "Other".into(), email: "other@example.org".into(), ip: "10.3.0.99".into() };
        let (status, oid, v) = comment(&app, &slug, id, &other, HOUSING_COMMENTS[4]);
        assert_eq!(status, "rejected", "{v}");
        assert_eq!(m.get(&format!("/admin/comments/{oid}")).text("#standing"), "banned", "banned by network");
        assert!(m.get("/admin/queue?tab=rejected").body.contains("network 10.3.0.0/24"), "the rejected tab lists them");
        // Lifting the ban lets them comment again.
        let bans = records::active_bans(&mut app.db(), "other@example.org", "10.3.0.0/24", chrono::Utc::now().naive_utc()).expect("bans");
        assert_eq!(bans.len(), 1);
        let lift = m.submit(&format!("/admin/comments/{bid}"), &format!("/admin/comments/{bid}/bans/{}/lift", bans[0].id), &[]);
        assert_eq!(lift.status, 303);
        let (status, _, v) = comment(&app, &slug, id, &other, HOUSING_COMMENTS[5]);
        assert_eq!(status, "published", "{v}");
        assert_eq!(m.get(&format!("/admin/comments/{oid}")).text("#standing"), "normal", "the ban is lifted");

        // A held reply shows what it answers, in the queue and on its own page.
        let parent = publish(&app, &slug, id, &reader(5), HOUSING_COMMENTS[6], None);
        let replier = reader(6);
        let mut f = fields(&replier, TWO_LINKS);
        let parent_id = parent.to_string();
        set(&mut f, "reply_to", &parent_id);
        let (_, v) = send_json(&app, &slug, id, &replier, &csrf(&app), &f);
        assert_eq!(v["status"], "held", "{v}");
        let quoted = format!("In reply to Reader 5: {}", HOUSING_COMMENTS[6]);
        assert!(m.get("/admin/queue").texts(".queue-parent").contains(&quoted), "{quoted}");
        let reply = v["id"].as_i64().expect("an id");
        assert_eq!(m.get(&format!("/admin/comments/{reply}")).text(".queue-parent"), quoted);
        // Neither box ticked is refused.
        assert_eq!(m.submit(&format!("/admin/comments/{bid}"), &format!("/admin/comments/{bid}/ban"), &[("note", "x")]).status, 400, "refused as a bad request");
        let audit = audit_actions(&app);
        for action in ["commenter.trust", "commenter.ban", "commenter.unban"] {
            assert!(audit.iter().any(|a| a == action), "{action} in {audit:?}");
        }
    }

    fn evidence_is_highlighted_and_hostile_text_escaped(app) {
        let (id, slug) = housing_post(&app);
        let hostile = hostile_strings()
            .into_iter()
            .find(|s| s.contains("<script") && !s.contains('\0') && s.len() < 200)
            .expect("a script payload in badinput");
        let body = format!("{hostile} The council housing waiting list is crap.");
        let who = reader(1);
        let (_, cid, _) = comment(&app, &slug, id, &who, &body);
        let m = staff(&app, "moderator", 1);
        let page = m.get(&format!("/admin/comments/{cid}"));
        assert_eq!(page.status, 200);
        assert!(page.texts(".queue-body mark").contains(&"crap".to_owned()), "{:?}", page.texts(".queue-body mark"));
        assert_eq!(page.text(".queue-body"), body, "every piece is shown, as text");
        assert!(!page.body.contains(&hostile), "the payload is escaped, never raw HTML");
        assert_eq!(m.get("/admin/queue?tab=").status, 200);
    }

    fn moderators_decisions_teach_the_spam_model(app) {
        let (id, slug) = housing_post(&app);
        let m = staff(&app, "moderator", 1);
        // A local advert the shipped spam model has never seen: published on day one.
        let (adverts, probe) = (&LETTINGS_ADVERTS[..4], LETTINGS_ADVERTS[4]);
        let (before, _, v) = comment(&app, &slug, id, &reader(90), probe);
        assert_eq!(before, "published", "{v}");
        let spam_ids: Vec<i64> = adverts.iter().enumerate().map(|(n, a)| comment(&app, &slug, id, &reader(10 + n as u32), a).1).collect();
        let ham_ids: Vec<i64> = (0..5).map(|n| comment(&app, &slug, id, &reader(20 + n), HOUSING_COMMENTS[n as usize]).1).collect();
        let sel = |ids: &[i64]| ids.iter().map(|i| format!("sel_{i}")).collect::<Vec<_>>();
        let spam_sel = sel(&spam_ids);
        let mut f: Vec<(&str, &str)> = spam_sel.iter().map(|k| (k.as_str(), "1")).collect();
        f.push(("act", "spam:selected"));
        assert_eq!(act(&m, &f).status, 303);
        let ham_sel = sel(&ham_ids);
        let mut f: Vec<(&str, &str)> = ham_sel.iter().map(|k| (k.as_str(), "1")).collect();
        f.push(("act", "approve:selected"));
        assert_eq!(act(&m, &f).status, 303);
        let totals = |app: &TestApp, lesson| townhall::storage::learned_tokens::totals(&mut app.db(), lesson).expect("totals");
        assert_eq!(totals(&app, "spam"), (4, 5));
        assert_eq!(totals(&app, "civility"), (0, 5), "an approval tells every score \"not this\"");
        // A reversal takes back what the earlier decision taught: each comment counts once.
        act(&m, &[("act", &format!("approve:{}", spam_ids[0]))]);
        assert_eq!(totals(&app, "spam"), (3, 6));
        act(&m, &[("act", &format!("approve:{}", spam_ids[0]))]);
        assert_eq!(totals(&app, "spam"), (3, 6), "the same decision twice teaches once");
        // A rule-1 rejection of an advert the spam model held teaches spam, not civility.
        act(&m, &[("act", &format!("reject:{}", spam_ids[0])), (&format!("rule_{}", spam_ids[0]), "1")]);
        assert_eq!(totals(&app, "spam"), (3, 5), "the approval is taken back");
        assert_eq!(totals(&app, "civility"), (1, 5), "no spam rule decided it, so a rule-1 rejection teaches civility");
        act(&m, &[("act", &format!("spam:{}", spam_ids[0]))]);
        assert_eq!(totals(&app, "spam"), (4, 5));
        assert_eq!(totals(&app, "civility"), (0, 5), "marked as spam, it teaches spam only");
        // The state is in the database: it survives a restart, and the next advert is held.
        app.restart();
        let (status, after_id, after) = comment(&app, &slug, id, &reader(91), probe);
        assert_eq!(status, "held", "{after}");
        assert!(rules_fired(&after).contains(&"spam.model".to_owned()), "{after}");
        app.login_admin();
        let page = app.get(&format!("/admin/comments/{after_id}"));
        assert!(page.body.contains("learned from 9 moderator decisions on this site"), "{}", page.text("main"));
        let (ham, _, v) = comment(&app, &slug, id, &reader(92), HOUSING_COMMENTS[6]);
        assert_eq!(ham, "published", "{v}");
    }

    fn fine_tuning_on_the_site_s_decisions_writes_a_rules_folder_that_holds_the_next_advert(app) {
        let (id, slug) = housing_post(&app);
        let m = staff(&app, "moderator", 1);
        let (probe, mut adverts) = (LETTINGS_ADVERTS[4], LETTINGS_ADVERTS[..4].to_vec());
        adverts.push("Bright Homes Lettings, Mare Street: rooms for families on the council list, ask Delroy today.");
        for (n, text) in adverts.iter().enumerate() {
            let cid = comment(&app, &slug, id, &reader(10 + n as u32), text).1;
            act(&m, &[("act", &format!("spam:{cid}"))]);
        }
        for n in 0..5 {
            let cid = comment(&app, &slug, id, &reader(20 + n), HOUSING_COMMENTS[n as usize]).1;
            act(&m, &[("act", &format!("approve:{cid}"))]);
        }
        let url = app.settings.database_url.clone().expect("a database URL");
        let dir = &app.settings.data_dir;
        let (code, out, err) = crate::cli::townhall(dir, &["rules", "train", "--from-db", "--date", "2026-12-06"], &[("DATABASE_URL", &url)], None);
        assert_eq!(code, 0, "{out}{err}");
        assert!(out.contains("models/spam.model: fine-tuned"), "{out}");
        assert!(out.contains("models/civility.model: left as it is: 0 decisions teach `civility` positive and 5 negative"), "{out}");
        let folder = dir.join("moderation-rules");
        let manifest = std::fs::read_to_string(folder.join("models/spam.model")).expect("the tuned manifest");
        assert!(manifest.contains("[fine_tuned]") && manifest.contains("decisions = 10"), "{manifest}");
        // A complete rules folder: it lints, and the server could load it from rules_dir.
        let folder_arg = folder.to_string_lossy().into_owned();
        let (code, out, err) = crate::cli::townhall(dir, &["rules", "lint", "--dir", &folder_arg], &[], None);
        assert_eq!(code, 0, "{out}{err}");
        // The tuned model alone (no word counts from the database) holds the next advert;
        // the shipped one publishes it.
        let posts = dir.join("posts.jsonl");
        let post = serde_json::json!({"id": "p1", "title": "Council housing waiting lists", "tags": ["housing"],
            "body": HOUSING_COMMENTS.join(" ")});
        std::fs::write(&posts, format!("{post}\n")).expect("write posts");
        let posts = posts.to_string_lossy().into_owned();
        let line = serde_json::json!({"id": "probe", "post": "p1", "author": "Lettings", "email": "lets@mail.example.com",
            "ip": "203.0.113.9", "seconds_on_page": 90, "honeypot": "", "body": probe}).to_string();
        let (_, tuned, terr) = crate::cli::townhall(dir, &["rules", "check", "--posts", &posts, "--dir", &folder_arg], &[], Some(&line));
        assert!(tuned.contains("\"spam.model\"") && tuned.contains("\"action\":\"hold\""), "{tuned}{terr}");
        let elsewhere = tempfile::tempdir().expect("tempdir");
        let (_, shipped, _) = crate::cli::townhall(elsewhere.path(), &["rules", "check", "--posts", &posts], &[], Some(&line));
        assert!(shipped.contains("\"action\":\"publish\""), "{shipped}");
        // Never into a source checkout.
        std::fs::write(elsewhere.path().join("Cargo.toml"), "[package]\n").expect("write");
        let into = elsewhere.path().join("moderation-rules").to_string_lossy().into_owned();
        let (code, _, err) = crate::cli::townhall(dir, &["rules", "train", "--from-db", "--out", &into], &[("DATABASE_URL", &url)], None);
        assert_ne!(code, 0);
        assert!(err.contains("is in a source checkout; point rules_dir (or --out) at the site's own rules folder"), "{err}");
    }

    fn moderators_decisions_teach_the_civility_models(app) {
        let (id, slug) = housing_post(&app);
        let m = staff(&app, "moderator", 1);
        // Sharp but civil criticism the shipped abuse model holds.
        let criticism = [
            "Every time the cabinet member smiles for a photo at a new block, remember the four hundred families still in temporary rooms. Nobody in that photo will ever wait like they do.",
            "Every time a councillor smiles for a photo at a ribbon cutting, remember the families still in one damp room. Nobody in that photo has ever waited like they do.",
            "Each time the housing lead smiles for the cameras at a show flat, think of the children in B&Bs. Nobody in those pictures will ever wait the way they do.",
        ];
        let probe = "Every time the mayor smiles for a photo outside a new estate, remember the thousands on the waiting list. Nobody in that photo will ever queue like they do.";
        let (before, _, v) = comment(&app, &slug, id, &reader(90), probe);
        assert_eq!(before, "held", "{v}");
        assert!(rules_fired(&v).contains(&"civility.abuse_model".to_owned()), "{v}");
        for (n, text) in criticism.iter().enumerate() {
            let (status, cid, v) = comment(&app, &slug, id, &reader(10 + n as u32), text);
            assert_eq!(status, "held", "{v}");
            act(&m, &[("act", &format!("approve:{cid}"))]);
        }
        let insults = [
            "These councillors are bloody useless, a right bunch of muppets about housing.",
            "The housing officers are muppets and idiots, every single one of them.",
        ];
        for (n, text) in insults.iter().enumerate() {
            let (status, cid, v) = comment(&app, &slug, id, &reader(30 + n as u32), text);
            assert_ne!(status, "published", "{v}");
            act(&m, &[("act", &format!("reject:{cid}")), (&format!("rule_{cid}"), "1")]);
        }
        let totals = |lesson| townhall::storage::learned_tokens::totals(&mut app.db(), lesson).expect("totals");
        assert_eq!(totals("civility"), (2, 3));
        let (after, after_id, v) = comment(&app, &slug, id, &reader(91), probe);
        assert_eq!(after, "published", "the site's approvals released it: {v}");
        // Moderators see what their decisions released.
        let page = m.get(&format!("/admin/comments/{after_id}"));
        assert!(page.body.contains("learned from 5 moderator decisions on this site, which moved this score down"), "{}", page.text("main"));
        // Abuse is still held.
        let (status, _, v) = comment(&app, &slug, id, &reader(92), "The housing officers are muppets, the lot of them.");
        assert_ne!(status, "published", "{v}");
    }

    fn authors_cannot_moderate_and_every_action_needs_a_token(app) {
        let (id, slug) = housing_post(&app);
        let a = held(&app, &slug, id, &reader(1));
        let author = staff(&app, "author", 1);
        assert_eq!(author.get("/admin/queue").status, 403);
        assert_eq!(author.get(&format!("/admin/comments/{a}")).status, 403);
        assert_eq!(author.get("/admin/audit").status, 403);
        assert_eq!(author.get("/admin/threads").status, 403);
        let token = author.get("/admin/posts").csrf();
        let routes = [
            ("/admin/queue".to_owned(), vec![("act", format!("approve:{a}"))]),
            (format!("/admin/comments/{a}/edit"), vec![("body", "changed".to_owned()), ("approve", "1".to_owned())]),
            (format!("/admin/comments/{a}/ban"), vec![("by_email", "1".to_owned())]),
            (format!("/admin/comments/{a}/trust"), vec![("trusted", "1".to_owned())]),
            (format!("/admin/posts/{id}/comments"), vec![("mode", "closed".to_owned())]),
            (format!("/admin/posts/{id}/lift-flood"), vec![]),
            ("/admin/site/comments".to_owned(), vec![("paused", "1".to_owned())]),
            (format!("/admin/comments/{a}/bans/1/lift"), vec![]),
        ];
        for (route, fields) in &routes {
            let mut f: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            f.push(("csrf_token", &token));
            assert_eq!(author.post(route, &f).status, 403, "an author on {route}");
        }
        // A moderator without a token, or with a bad one, is refused too.
        let m = staff(&app, "moderator", 1);
        for (route, fields) in &routes {
            let f: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            assert_eq!(m.post(route, &f).status, 403, "no token on {route}");
            let mut bad = f.clone();
            bad.push(("csrf_token", "not-a-token"));
            assert_eq!(m.post(route, &bad).status, 403, "bad token on {route}");
        }
        // The site-wide switch is for admins only.
        let mtoken = m.get("/admin/queue").csrf();
        assert_eq!(m.post("/admin/site/comments", &[("paused", "1"), ("csrf_token", &mtoken)]).status, 403);
        // Nothing changed.
        let row = stored::find(&mut app.db(), a).expect("q").expect("row");
        assert_eq!((row.status.as_str(), row.body.as_str()), ("held", TWO_LINKS));
        assert!(events(&app, a).is_empty());
        assert!(records::active_bans(&mut app.db(), "reader1@example.org", "10.1.0.0/24", chrono::Utc::now().naive_utc()).expect("bans").is_empty());
        assert_eq!(app.browser().get(&format!("/posts/{slug}")).attrs("form.comment-form", "action").len(), 1);
        assert!(!audit_actions(&app).iter().any(|a| a.starts_with("comment.") || a.starts_with("setting.") || a.starts_with("commenter.")));
    }
}
