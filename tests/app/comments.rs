//! Readers' comments: the form, every outcome (published, held, rejected, refused), the
//! JSON answers, threads, closed and archived posts, volume and flood limits, and what
//! is stored. Readers are told apart by `X-Forwarded-For` (the apps here trust it).

use serde_json::Value;
use townhall::config::Settings;
use townhall::storage::{comments as stored, learned_tokens};

use crate::both_backends;
use crate::hostile::hostile_strings;
use crate::support::*;

/// The signing key of these apps, so tests can make comment-form tokens.
pub(crate) const SECRET: &str = "the comment tests' secret key, long enough for HMAC";

pub(crate) fn comment_settings(s: &mut Settings) {
    s.trust_proxy = true;
    s.secret_key = Some(SECRET.into());
}

/// A form token for a page opened a minute ago: people take time to write, and the
/// rules treat a form sent within seconds of loading as a robot's.
pub(crate) fn form_token(post_id: i64) -> String {
    let rendered = chrono::Utc::now().timestamp() - 60;
    townhall::service::form_token::issue(SECRET.as_bytes(), post_id, rendered)
}

pub(crate) const HOUSING_BODY: &str = "Hackney has one of the longest council housing waiting lists in London. \
More than eight thousand households are waiting for a home, and families with children \
spend years in temporary accommodation, often far from their schools and jobs.\n\n\
Migrant families are hit hardest: many cannot join the waiting list at all until their \
status is settled, and private rents keep climbing. The council says it will build more \
social housing, but the waiting list keeps growing.";

pub(crate) const FLIGHTS_BODY: &str = "Charter deportation flights leave from Stansted every month. \
People on these flights often have appeals still pending, and many have had no legal advice \
since they were detained.\n\nCampaigners want the flights stopped until everyone has had a \
fair chance to appeal, and they are asking readers to sign a petition and write to their MP.";

/// Comments a person might write under the housing post.
/// A local advert on the housing post, worded so the shipped spam model publishes it:
/// only moderators' decisions can teach the site what it is. The last one is the probe.
pub(crate) const LETTINGS_ADVERTS: [&str; 5] = [
    "Need a room while you wait for council housing? Bright Homes Lettings on Mare Street has rooms this week, ask for Delroy",
    "Families on the Hackney waiting list: Bright Homes Lettings has rooms now, ask for Delroy at the Mare Street office",
    "Bright Homes Lettings finds rooms for families stuck on the waiting list. Pop into Mare Street and ask for Delroy.",
    "Stuck in temporary accommodation? Delroy at Bright Homes Lettings, Mare Street, has rooms for families this month.",
    "Waiting for a council flat? Bright Homes Lettings on Mare Street has family rooms free, ask for Delroy.",
];

pub(crate) const HOUSING_COMMENTS: [&str; 7] = [
    "The waiting list for council housing in Hackney is far too long. My sister and her children spent two years in temporary accommodation before the council offered them a flat.",
    "Thank you for this article on housing. Do the figures for temporary accommodation include families the council has placed outside London?",
    "I volunteer at a housing advice centre and we see this every week: families on the waiting list for years while private rents keep climbing.",
    "Building more social housing is the only real answer to these waiting lists. The council should build homes on its own land in Hackney.",
    "I disagree with part of this: the housing shortage affects every family in Hackney, not only migrant families, and the article could say so.",
    "Our tenants association has asked the council to publish the housing waiting list figures for each ward, so families can see how long they will wait.",
    "Temporary accommodation far from school is hard on children. The council should count how many families on the waiting list have moved three times.",
];

/// Five near-identical comments: the fifth closes the thread (house rule 5).
pub(crate) const FLOOD_CAMPAIGN: [&str; 5] = [
    "Stop the deportation flights now! Everyone deserves a fair chance to appeal. Sign the petition and tell your MP #StopTheFlights",
    "stop the deportation flights now. everyone deserves a fair chance to appeal. sign the petition and tell your MP today",
    "Stop the deportation flights now!! Everyone deserves a fair chance to appeal 🙏 Sign the petition, tell your MP #StopTheFlights",
    "Please stop the deportation flights now. Everyone deserves a fair chance to appeal. Sign the petition and tell your MP.",
    "Stop the deportation flights now. Everyone deserves a fair chance to appeal! Sign the petition and tell your MP #StopTheFlights #FairAppeals",
];

/// A published post; returns its id and slug.
pub(crate) fn post(app: &TestApp, title: &str, body: &str, publish_at: &str) -> (i64, String) {
    let id = app.create_post(title, "housing, london", body, "publish", publish_at);
    (id, app.slug_of(id))
}

pub(crate) fn housing_post(app: &TestApp) -> (i64, String) {
    app.login_admin();
    post(
        app,
        "Council housing waiting lists in Hackney",
        HOUSING_BODY,
        "",
    )
}

/// Someone writing a comment: the fields they fill in and the address they write from.
pub(crate) struct Reader {
    pub name: String,
    pub email: String,
    pub ip: String,
}

pub(crate) fn reader(n: u32) -> Reader {
    Reader {
        name: format!("Reader {n}"),
        email: format!("reader{n}@example.org"),
        ip: format!("10.{n}.0.7"),
    }
}

/// The comment form's fields, filled in as a person would.
pub(crate) fn fields<'a>(who: &'a Reader, body: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("name", who.name.as_str()),
        ("email", who.email.as_str()),
        ("website", ""),
        ("body", body),
        ("reply_to", ""),
        ("agree", "yes"),
        ("homepage", ""),
    ]
}

pub(crate) fn set<'a>(fields: &mut Vec<(&'a str, &'a str)>, name: &'a str, value: &'a str) {
    fields.retain(|(k, _)| *k != name);
    fields.push((name, value));
}

fn remove(fields: &mut Vec<(&str, &str)>, name: &str) {
    fields.retain(|(k, _)| *k != name);
}

/// A CSRF token for this browser (the sign-in page has a form with one).
pub(crate) fn csrf(app: &TestApp) -> String {
    app.get("/login").csrf()
}

/// Sends the comment form from `ip`, as a browser (`json` false) or an API client.
/// A fresh form token is added unless `fields` has one.
pub(crate) fn send(
    app: &TestApp,
    slug: &str,
    post_id: i64,
    ip: &str,
    csrf: &str,
    fields: &[(&str, &str)],
    json: bool,
) -> Page {
    let token = form_token(post_id);
    let mut all: Vec<(&str, &str)> = fields.to_vec();
    if !all.iter().any(|(k, _)| *k == "form_token") {
        all.push(("form_token", &token));
    }
    if !csrf.is_empty() {
        all.push(("csrf_token", csrf));
    }
    Page::from(post_comment(app, slug, ip, &all, json).expect("POST a comment"))
}

/// Posts the comment form exactly as given from `browser`, as a reader at `ip`, as a
/// browser (`json` false) or an API client; `Err` when the server did not answer.
pub(crate) fn post_comment(
    browser: &Browser,
    slug: &str,
    ip: &str,
    form: &[(&str, &str)],
    json: bool,
) -> reqwest::Result<reqwest::blocking::Response> {
    let accept = if json {
        "application/json"
    } else {
        "text/html,application/xhtml+xml,*/*;q=0.8"
    };
    browser
        .client
        .post(format!("{}/posts/{slug}/comments", browser.base))
        .header("X-Forwarded-For", ip)
        .header("Accept", accept)
        .form(form)
        .send()
}

/// Sends a comment as JSON and returns the status and the answer.
pub(crate) fn send_json(
    app: &TestApp,
    slug: &str,
    post_id: i64,
    who: &Reader,
    csrf: &str,
    fields: &[(&str, &str)],
) -> (u16, Value) {
    let p = send(app, slug, post_id, &who.ip, csrf, fields, true);
    let v: Value = serde_json::from_str(&p.body)
        .unwrap_or_else(|e| panic!("JSON from {} ({e}): {}", p.status, p.body));
    (p.status, v)
}

/// Posts a comment that must be published; returns its id.
pub(crate) fn publish(
    app: &TestApp,
    slug: &str,
    post_id: i64,
    who: &Reader,
    body: &str,
    reply_to: Option<i64>,
) -> i64 {
    let token = csrf(app);
    let parent = reply_to.map(|id| id.to_string()).unwrap_or_default();
    let mut f = fields(who, body);
    set(&mut f, "reply_to", &parent);
    let (status, v) = send_json(app, slug, post_id, who, &token, &f);
    assert_eq!(status, 201, "{v}");
    assert_eq!(
        v["status"], "published",
        "{body:?} should be published: {v}"
    );
    v["id"].as_i64().expect("an id")
}

pub(crate) fn rules_fired(v: &Value) -> Vec<String> {
    v["hits"]
        .as_array()
        .map(|hits| {
            hits.iter()
                .filter_map(|h| h["rule"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// Comments of any status stored on a post.
fn stored_count(app: &TestApp, post_id: i64) -> i64 {
    stored::count_on_post(&mut app.db(), post_id).expect("count")
}

both_backends! {
    settings = comment_settings;

    fn a_published_comment_appears_with_its_permalink_and_counts(app) {
        let (id, slug) = housing_post(&app);
        let page = app.browser().get(&format!("/posts/{slug}"));
        assert_eq!(page.status, 200);
        assert_eq!(page.text("#comments-heading"), "Comments (0)");
        assert_eq!(page.attrs("form.comment-form", "action"), vec![format!("/posts/{slug}/comments#comments")]);
        for field in ["name", "email", "website", "body", "agree", "homepage", "form_token", "csrf_token"] {
            assert_eq!(page.attrs(&format!("form.comment-form [name={field}]"), "name").len(), 1, "the form has {field}");
        }
        assert_eq!(page.attrs("#comment-homepage", "tabindex"), vec!["-1"]);
        assert_eq!(page.attrs("#comment-homepage", "autocomplete"), vec!["off"]);
        assert!(page.text(".hp-field label").contains("Leave this field empty"));
        assert_eq!(page.attrs(".agree a", "href"), vec!["/house-rules"]);
        assert!(page.text("label[for=comment-email]").contains("never shown"));
        assert!(!page.body.contains("style="), "no inline styles (the CSP forbids them)");

        let amira = Reader { name: "Amira Haddad".into(), email: "Amira.Haddad+blog@example.org".into(), ip: "192.0.2.10".into() };
        let mut f = fields(&amira, HOUSING_COMMENTS[0]);
        set(&mut f, "website", "https://amira.example/blog");
        let token = app.get(&format!("/posts/{slug}")).csrf();
        let sent = send(&app, &slug, id, &amira.ip, &token, &f, false);
        assert_eq!(sent.status, 303, "{}", sent.body);
        let location = sent.location().to_owned();
        let comment: i64 = location
            .split("comment=")
            .nth(1)
            .and_then(|r| r.split('&').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("a comment id in {location}"));
        assert_eq!(location, format!("/posts/{slug}?comment={comment}&outcome=published#comment-{comment}"));

        let shown = app.browser().get(&location);
        assert_eq!(shown.status, 200);
        assert!(shown.text(".comment-outcome").contains("Your comment is published"), "{}", shown.body);
        assert_eq!(shown.attrs(".comment-outcome a", "href"), vec![format!("#comment-{comment}")]);
        let item = format!("li#comment-{comment}");
        assert_eq!(shown.text(&format!("{item} .comment-author")), "Amira Haddad");
        assert_eq!(shown.text(&format!("{item} .comment-text")), HOUSING_COMMENTS[0]);
        assert_eq!(shown.attrs(&format!("{item} .comment-author a"), "href"), vec!["https://amira.example/blog"]);
        assert_eq!(shown.attrs(&format!("{item} .comment-author a"), "rel"), vec!["nofollow ugc noopener"]);
        assert_eq!(shown.attrs(&format!("{item} .comment-permalink"), "href"), vec![format!("/posts/{slug}#comment-{comment}")]);
        assert_eq!(shown.text("#comments-heading"), "Comments (1)");
        assert!(!shown.body.to_lowercase().contains("amira.haddad"), "the e-mail is never shown");
        assert!(!shown.body.contains("192.0.2.10"), "nor the address");

        // A notice naming someone else's comment id, or an unknown outcome, shows nothing.
        assert!(app.browser().get(&format!("/posts/{slug}?comment=999999&outcome=published")).texts(".comment-outcome").is_empty());
        assert!(app.browser().get(&format!("/posts/{slug}?comment={comment}&outcome=whatever")).texts(".comment-outcome").is_empty());

        let home = app.browser().get("/");
        assert!(home.text(".post-card .meta").contains("Comments (1)"), "{}", home.text(".post-card .meta"));

        // JSON clients get the outcome as JSON, with the permalink.
        let (status, v) = send_json(&app, &slug, id, &reader(2), &token, &fields(&reader(2), HOUSING_COMMENTS[1]));
        assert_eq!(status, 201, "{v}");
        assert_eq!(v["status"], "published");
        assert_eq!(v["action"], "publish");
        assert_eq!(v["house_rule"], Value::Null);
        assert_eq!(v["message"], "Your comment is published.");
        let second = v["id"].as_i64().expect("id");
        assert_eq!(v["url"], format!("/posts/{slug}#comment-{second}"));
        assert!(app.browser().get("/").text(".post-card .meta").contains("Comments (2)"));

        // What is stored: the text exactly, the e-mail as typed, its key, the address and its network.
        let row = stored::find(&mut app.db(), comment).expect("query").expect("stored");
        assert_eq!(row.body, HOUSING_COMMENTS[0]);
        assert_eq!(row.email, "Amira.Haddad+blog@example.org");
        assert_eq!(row.email_key, "amira.haddad@example.org");
        assert_eq!(row.ip.as_deref(), Some("192.0.2.10"));
        assert_eq!(row.network, "192.0.2.0/24");
        assert_eq!(row.form_check, "ok");
        assert!(row.form_seconds.is_some_and(|s| (55.0..120.0).contains(&s)), "{:?}", row.form_seconds);
        assert_eq!((row.status.as_str(), row.auto_action.as_str()), ("published", "publish"));
        assert!(serde_json::from_str::<Vec<Value>>(&row.hits).is_ok(), "{}", row.hits);
        // A bottom-k sketch: up to 64 word hashes, 8 hex digits each.
        let sketch = row.fingerprint.len();
        assert!(sketch > 0 && sketch <= 512 && sketch.is_multiple_of(8), "{}", row.fingerprint);
        assert!(!row.engine_version.is_empty());
    }

    fn a_held_comment_is_stored_but_not_shown(app) {
        let (id, slug) = housing_post(&app);
        let token = csrf(&app);
        let jo = reader(1);
        for body in &HOUSING_COMMENTS[..5] {
            publish(&app, &slug, id, &jo, body, None);
        }
        // The sixth from the same person waits for a moderator.
        let (status, v) = send_json(&app, &slug, id, &jo, &token, &fields(&jo, HOUSING_COMMENTS[5]));
        assert_eq!(status, 201, "{v}");
        assert_eq!(v["status"], "held", "{v}");
        assert_eq!(v["action"], "hold");
        assert_eq!(v["url"], Value::Null);
        assert!(v["message"].as_str().unwrap_or("").starts_with("Thank you — your comment is awaiting review because "), "{v}");
        let held = v["id"].as_i64().expect("an id");
        let page = app.browser().get(&format!("/posts/{slug}"));
        assert!(page.attrs(&format!("#comment-{held}"), "id").is_empty(), "held comments are not shown");
        assert_eq!(page.text("#comments-heading"), "Comments (5)");
        let row = stored::find(&mut app.db(), held).expect("query").expect("stored");
        assert_eq!((row.status.as_str(), row.body.as_str()), ("held", HOUSING_COMMENTS[5]));
        for hit in v["hits"].as_array().expect("hits") {
            let keys: Vec<&String> = hit.as_object().expect("object").keys().collect();
            assert_eq!(keys, ["house_rule", "reason", "rule"], "only the commenter's own rule, number and reason");
        }

        // In a browser, the page says so, with a 202.
        let sent = send(&app, &slug, id, &jo.ip, &token, &fields(&jo, HOUSING_COMMENTS[6]), false);
        assert_eq!(sent.status, 202, "{}", sent.body);
        let notice = sent.text(".comment-outcome");
        assert!(notice.starts_with("Thank you — your comment is awaiting review because this article has had several comments from you today"), "{notice}");
        assert_eq!(sent.attrs("#comment-name", "value"), vec![jo.name.clone()], "who they are is kept for the next one");
        assert_eq!(stored_count(&app, id), 7);
    }

    fn the_sixth_comment_from_one_person_is_held_under_rule_4(app) {
        let (id, slug) = housing_post(&app);
        let token = csrf(&app);
        // One person, one e-mail (written differently each time), one network.
        let emails = ["jo@example.org", "Jo@Example.org", "jo+1@example.org", "JO@example.org", "jo+news@example.org", "jo@example.org"];
        for (i, email) in emails.iter().enumerate() {
            let jo = Reader { name: "Jo".into(), email: (*email).into(), ip: format!("198.51.100.{}", 10 + i) };
            let (status, v) = send_json(&app, &slug, id, &jo, &token, &fields(&jo, HOUSING_COMMENTS[i]));
            assert_eq!(status, 201, "{v}");
            if i < 5 {
                assert_eq!(v["status"], "published", "comment {} is within the limit: {v}", i + 1);
            } else {
                assert_eq!(v["status"], "held", "{v}");
                assert_eq!(v["house_rule"], 4, "{v}");
                assert!(rules_fired(&v).contains(&"volume.person".to_string()), "{v}");
            }
        }
        // Someone else is not affected.
        let other = reader(40);
        publish(&app, &slug, id, &other, HOUSING_COMMENTS[6], None);
    }

    fn rejected_comments_keep_the_text_and_say_which_rule(app) {
        let (id, slug) = housing_post(&app);
        let token = csrf(&app);
        let sam = Reader { name: "Sam".into(), email: "sam@example.org".into(), ip: "203.0.113.5".into() };
        let rude = "Oh fuck you, the housing waiting list in Hackney is not the council's fault.";
        let mut f = fields(&sam, rude);
        set(&mut f, "website", "https://sam.example");
        let sent = send(&app, &slug, id, &sam.ip, &token, &f, false);
        assert_eq!(sent.status, 422, "{}", sent.body);
        let notice = sent.text(".comment-outcome");
        assert!(notice.starts_with("Your comment was not published: it breaks house rule 1 — "), "{notice}");
        assert_eq!(sent.text("textarea#comment-body"), rude, "the text is kept");
        assert_eq!(sent.attrs("#comment-name", "value"), vec!["Sam"]);
        assert_eq!(sent.attrs("#comment-email", "value"), vec!["sam@example.org"]);
        assert_eq!(sent.attrs("#comment-website", "value"), vec!["https://sam.example"]);
        assert_eq!(sent.attrs("#comment-agree", "checked").len(), 1);
        assert!(sent.text(".comment-list").is_empty(), "nothing published");

        let (status, v) = send_json(&app, &slug, id, &sam, &token, &fields(&sam, rude));
        assert_eq!(status, 422, "{v}");
        assert_eq!((v["status"].as_str(), v["action"].as_str(), v["house_rule"].as_i64()), (Some("rejected"), Some("reject"), Some(1)), "{v}");
        assert!(v["id"].as_i64().is_some(), "rejected comments are stored too");
        assert!(!v.to_string().contains("evidence") && !v.to_string().contains("summary"), "{v}");
        assert_eq!(stored_count(&app, id), 2);
        assert!(app.browser().get(&format!("/posts/{slug}")).texts(".comment").is_empty());
    }

    fn a_filled_honeypot_is_rejected_under_rule_3(app) {
        let (id, slug) = housing_post(&app);
        let token = csrf(&app);
        let bot = reader(9);
        let mut f = fields(&bot, HOUSING_COMMENTS[2]);
        set(&mut f, "homepage", "http://cheap-pills.example/");
        let sent = send(&app, &slug, id, &bot.ip, &token, &f, false);
        assert_eq!(sent.status, 422, "{}", sent.body);
        assert!(sent.text(".comment-outcome").contains("it breaks house rule 3 — "), "{}", sent.text(".comment-outcome"));
        assert_eq!(sent.text("textarea#comment-body"), HOUSING_COMMENTS[2]);
        assert_eq!(sent.attrs("#comment-homepage", "value"), vec![""], "the trap is never filled back in");
        let (status, v) = send_json(&app, &slug, id, &bot, &token, &f);
        assert_eq!(status, 422, "{v}");
        assert_eq!(v["hits"][0]["rule"], "spam.honeypot", "{v}");
        assert_eq!(v["house_rule"], 3);
        let row = stored::find(&mut app.db(), v["id"].as_i64().expect("id")).expect("query").expect("stored");
        assert_eq!(row.honeypot, "http://cheap-pills.example/");
        assert_eq!(row.status.as_str(), "rejected");
    }

    fn field_errors_are_shown_beside_the_fields_with_the_text_kept(app) {
        let (id, slug) = housing_post(&app);
        let token = csrf(&app);
        let kim = Reader { name: "Kim".into(), email: "kim@example.org".into(), ip: "192.0.2.77".into() };
        let mut f = fields(&kim, HOUSING_COMMENTS[3]);
        set(&mut f, "website", "https://kim.example");
        remove(&mut f, "agree");
        let sent = send(&app, &slug, id, &kim.ip, &token, &f, false);
        assert_eq!(sent.status, 422, "{}", sent.body);
        assert_eq!(sent.text("#agree-error"), "Please confirm you have read the house rules.");
        assert_eq!(sent.attrs("#comment-agree", "aria-invalid"), vec!["true"]);
        assert_eq!(sent.text("textarea#comment-body"), HOUSING_COMMENTS[3]);
        assert_eq!(sent.attrs("#comment-name", "value"), vec!["Kim"]);
        assert_eq!(sent.attrs("#comment-email", "value"), vec!["kim@example.org"]);
        assert_eq!(sent.attrs("#comment-website", "value"), vec!["https://kim.example"]);

        let long = format!("{} {}", HOUSING_COMMENTS[3], "housing ".repeat(700));
        let mut f = fields(&kim, &long);
        set(&mut f, "email", "not an address");
        let sent = send(&app, &slug, id, &kim.ip, &token, &f, false);
        assert_eq!(sent.status, 422);
        assert!(sent.text("#body-error").contains("at most 5000 characters"), "{}", sent.text("#body-error"));
        assert!(sent.text("#email-error").contains("is not an e-mail address"));
        assert_eq!(sent.text("textarea#comment-body"), long.split_whitespace().collect::<Vec<_>>().join(" "));
        assert_eq!(sent.attrs("textarea#comment-body", "aria-invalid"), vec!["true"]);

        // A body that starts with a line break comes back exactly (the textarea keeps it).
        let mut f = fields(&kim, "\nLine one about housing.\r\n\r\nLine two.");
        set(&mut f, "name", "");
        let sent = send(&app, &slug, id, &kim.ip, &token, &f, false);
        assert_eq!(sent.status, 422);
        assert!(sent.body.contains("<textarea id=\"comment-body\" name=\"body\" rows=\"8\" required>\n\nLine one"), "the leading newline survives");

        let (status, v) = send_json(&app, &slug, id, &kim, &token, &[("name", ""), ("email", "x"), ("body", " ")]);
        assert_eq!(status, 422, "{v}");
        for field in ["name", "email", "body", "agree"] {
            assert!(v["errors"][field].is_string(), "{field}: {v}");
        }
        assert_eq!(stored_count(&app, id), 0, "nothing is stored");
    }

    fn replies_nest_three_levels_in_order(app) {
        let (id, slug) = housing_post(&app);
        let a = publish(&app, &slug, id, &reader(1), HOUSING_COMMENTS[0], None);
        let page = app.browser().get(&format!("/posts/{slug}"));
        let reply_link = format!("/posts/{slug}?reply_to={a}#comment-form");
        assert_eq!(page.attrs(&format!("#comment-{a} .reply-link"), "href"), vec![reply_link.clone()]);
        let replying = app.browser().get(&reply_link);
        assert_eq!(replying.attrs("form.comment-form input[name=reply_to]", "value"), vec![a.to_string()]);
        assert!(replying.text(".replying-to").starts_with("Replying to Reader 1:"), "{}", replying.text(".replying-to"));
        assert!(replying.text(".replying-to blockquote").starts_with("The waiting list for council housing"));

        let b = publish(&app, &slug, id, &reader(2), "I am sorry to hear about your sister. Did the council explain why the temporary accommodation took two years?", Some(a));
        let c = publish(&app, &slug, id, &reader(3), "They said the waiting list for family flats in Hackney is the longest in London, and the council had nothing else.", Some(b));
        let d = publish(&app, &slug, id, &reader(4), HOUSING_COMMENTS[1], None);
        let e = publish(&app, &slug, id, &reader(5), "Two years in temporary accommodation is far too long for children. The council should be ashamed of that waiting list.", Some(c));

        let page = app.browser().get(&format!("/posts/{slug}"));
        let top: Vec<String> = page.attrs(".comment-list > li.comment", "id");
        assert_eq!(top, vec![format!("comment-{a}"), format!("comment-{d}")], "top level, oldest first");
        let nested = format!("li#comment-{a} > ol.comment-replies > li#comment-{b} > ol.comment-replies > li#comment-{c}");
        assert_eq!(page.attrs(&nested, "id"), vec![format!("comment-{c}")], "three levels nested");
        // The fourth level is listed at the third, saying whom it answers.
        let fourth = format!("li#comment-{b} > ol.comment-replies > li#comment-{e}");
        assert_eq!(page.attrs(&fourth, "id"), vec![format!("comment-{e}")]);
        assert!(page.text(&format!("#comment-{e} .comment-in-reply")).contains("in reply to Reader 3"));
        assert_eq!(page.text("#comments-heading"), "Comments (5)");
    }

    fn replies_to_comments_on_another_post_are_refused(app) {
        let (first, first_slug) = housing_post(&app);
        let (second, second_slug) = post(&app, "Social housing in Hackney: a reply", HOUSING_BODY, "");
        let elsewhere = publish(&app, &first_slug, first, &reader(1), HOUSING_COMMENTS[0], None);
        let token = csrf(&app);
        let who = reader(2);
        let parent = elsewhere.to_string();
        let mut f = fields(&who, HOUSING_COMMENTS[1]);
        set(&mut f, "reply_to", &parent);
        let sent = send(&app, &second_slug, second, &who.ip, &token, &f, false);
        assert_eq!(sent.status, 422, "{}", sent.body);
        assert!(sent.text("#reply_to-error").contains("only reply to a published comment on this post"));
        assert_eq!(sent.text("textarea#comment-body"), HOUSING_COMMENTS[1]);
        let (status, v) = send_json(&app, &second_slug, second, &who, &token, &f);
        assert_eq!(status, 422);
        assert!(v["errors"]["reply_to"].is_string(), "{v}");
        let mut f = fields(&who, HOUSING_COMMENTS[1]);
        set(&mut f, "reply_to", "99999");
        assert_eq!(send_json(&app, &second_slug, second, &who, &token, &f).0, 422, "an unknown parent");
        assert_eq!(stored_count(&app, second), 0);
    }

    fn archived_and_closed_posts_show_a_note_and_refuse_comments(app) {
        app.login_admin();
        let (id, slug) = post(&app, "Housing waiting lists in 2020", HOUSING_BODY, "2020-01-01T09:00");
        let page = app.browser().get(&format!("/posts/{slug}"));
        assert_eq!(page.status, 200);
        assert!(page.attrs("form.comment-form", "action").is_empty(), "no form on an archived post");
        assert_eq!(page.text(".comments-closed"), "Comments on older pieces are closed because our small team cannot moderate an archive of this size.");
        let token = csrf(&app);
        let who = reader(1);
        let sent = send(&app, &slug, id, &who.ip, &token, &fields(&who, HOUSING_COMMENTS[0]), false);
        assert_eq!(sent.status, 409);
        assert!(sent.text("p").contains("Comments on this post are closed"), "{}", sent.body);
        let (status, v) = send_json(&app, &slug, id, &who, &token, &fields(&who, HOUSING_COMMENTS[0]));
        assert_eq!(status, 409);
        assert_eq!(v["error"]["message"], "Comments on this post are closed.");
        assert_eq!(stored_count(&app, id), 0, "nothing is stored");

        // Staff-closed comments work the same way (the controls come later; set it directly).
        let (open_id, open_slug) = post(&app, "Housing: closed for comments", HOUSING_BODY, "");
        {
            use diesel::prelude::*;
            use townhall::storage::schema::posts;
            let mut conn = app.db();
            townhall::dispatch!(&mut *conn, |c| diesel::update(posts::table.find(open_id)).set(posts::comment_mode.eq("closed")).execute(c)).expect("close");
        }
        let page = app.browser().get(&format!("/posts/{open_slug}"));
        assert_eq!(page.text(".comments-closed"), "Comments are closed on this post.");
        assert_eq!(send_json(&app, &open_slug, open_id, &who, &token, &fields(&who, HOUSING_COMMENTS[0])).0, 409);
    }

    fn a_flood_of_near_identical_comments_closes_the_thread(app) {
        app.login_admin();
        let (id, slug) = post(&app, "Deportation flights and the right to appeal", FLIGHTS_BODY, "");
        let token = csrf(&app);
        for (i, body) in FLOOD_CAMPAIGN.iter().enumerate() {
            let who = reader(10 + i as u32);
            let (status, v) = send_json(&app, &slug, id, &who, &token, &fields(&who, body));
            assert_eq!(status, 201, "{v}");
            if i < 4 {
                assert_ne!(v["house_rule"], 5, "copy {} is judged on its merits: {v}", i + 1);
            } else {
                assert_eq!(v["status"], "held", "{v}");
                assert_eq!(v["house_rule"], 5, "{v}");
                assert!(rules_fired(&v).contains(&"flood.near_duplicates".to_string()), "{v}");
            }
        }
        let page = app.browser().get(&format!("/posts/{slug}"));
        assert!(page.attrs("form.comment-form", "action").is_empty(), "the form is gone");
        assert_eq!(page.text(".comments-closed"), "Comments on this post are closed: it received a large number of similar comments. Further comments will not be published.");
        // A form opened before the flood still sends; the comment is kept but held.
        let late = reader(30);
        let (status, v) = send_json(&app, &slug, id, &late, &token, &fields(&late, "Is there any legal advice available for the people detained before these flights? The article says many have none."));
        assert_eq!(status, 201, "{v}");
        assert_eq!(v["status"], "held", "{v}");
        assert_eq!(v["house_rule"], 5);
        assert!(rules_fired(&v).contains(&"flood.thread_closed".to_string()), "{v}");
        assert_eq!(stored_count(&app, id), 6);
    }

    fn forms_without_a_csrf_token_are_refused(app) {
        let (id, slug) = housing_post(&app);
        let who = reader(1);
        let sent = send(&app, &slug, id, &who.ip, "", &fields(&who, HOUSING_COMMENTS[0]), false);
        assert_eq!(sent.status, 403);
        assert!(sent.text("p").contains("This form has expired"));
        let forged = send(&app, &slug, id, &who.ip, "Zm9yZ2Vk", &fields(&who, HOUSING_COMMENTS[0]), true);
        assert_eq!(forged.status, 403);
        assert_eq!(stored_count(&app, id), 0);
    }

    fn form_tokens_record_missing_forged_and_replayed_forms(app) {
        let (id, slug) = housing_post(&app);
        let token = csrf(&app);
        let replayed = form_token(id);
        let cases = [("", "missing"), ("1.2.3.4", "invalid"), (replayed.as_str(), "ok"), (replayed.as_str(), "replayed")];
        for (i, (form, check)) in cases.iter().enumerate() {
            let who = reader(20 + i as u32);
            let mut f = fields(&who, HOUSING_COMMENTS[i]);
            set(&mut f, "form_token", form);
            let (status, v) = send_json(&app, &slug, id, &who, &token, &f);
            assert_eq!(status, 201, "{v}");
            let row = stored::find(&mut app.db(), v["id"].as_i64().expect("id")).expect("query").expect("stored");
            assert_eq!(row.form_check, *check, "{form:?}");
            if *check != "ok" {
                assert_eq!(v["status"], "held", "not proven to come from the form: {v}");
            }
        }
        // A token made for another post does not count for this one.
        let (other, _) = post(&app, "Another housing post", HOUSING_BODY, "");
        let who = reader(30);
        let elsewhere = form_token(other);
        let mut f = fields(&who, HOUSING_COMMENTS[5]);
        set(&mut f, "form_token", &elsewhere);
        let (_, v) = send_json(&app, &slug, id, &who, &token, &f);
        let row = stored::find(&mut app.db(), v["id"].as_i64().expect("id")).expect("query").expect("stored");
        assert_eq!(row.form_check, "invalid");
    }

    fn full_addresses_are_forgotten_after_the_retention_period(app) {
        let (id, slug) = housing_post(&app);
        let old = publish(&app, &slug, id, &reader(1), HOUSING_COMMENTS[0], None);
        {
            use diesel::prelude::*;
            use townhall::storage::schema::comments;
            let mut conn = app.db();
            let long_ago = chrono::Utc::now().naive_utc() - chrono::Duration::days(8);
            townhall::dispatch!(&mut *conn, |c| diesel::update(comments::table.find(old)).set(comments::created_at.eq(long_ago)).execute(c)).expect("age it");
        }
        let new = publish(&app, &slug, id, &reader(2), HOUSING_COMMENTS[1], None);
        let mut conn = app.db();
        let keep = townhall::service::personal_data::Retention::from(&app.settings);
        townhall::service::personal_data::purge(&mut conn, &keep, chrono::Utc::now().naive_utc()).expect("the retention purge");
        let old_row = stored::find(&mut conn, old).expect("query").expect("stored");
        assert_eq!(old_row.ip, None, "the full address is gone after ip_retention_days (7)");
        assert_eq!(old_row.network, "10.1.0.0/24", "the network prefix stays");
        assert_eq!(stored::find(&mut conn, new).expect("query").expect("stored").ip.as_deref(), Some("10.2.0.7"));
    }

    fn a_post_with_comments_cannot_be_deleted(app) {
        let (id, slug) = housing_post(&app);
        publish(&app, &slug, id, &reader(1), HOUSING_COMMENTS[0], None);
        let confirm = app.get(&format!("/admin/posts/{id}/delete"));
        assert!(confirm.text(".notice-warning").contains("has 1 comment and cannot be deleted"), "{}", confirm.body);
        assert!(confirm.attrs("button.danger", "type").is_empty(), "no delete button");
        let token = confirm.csrf();
        let refused = app.post(&format!("/admin/posts/{id}/delete"), &[("csrf_token", &token)]);
        assert_eq!(refused.status, 409);
        assert!(refused.text("p").contains("Unpublish it instead"), "{}", refused.body);
        assert_eq!(app.browser().get(&format!("/posts/{slug}")).status, 200, "the post is still there");
        assert_eq!(stored_count(&app, id), 1);
    }

    fn the_house_rules_page_shows_the_policy(app) {
        let page = app.browser().get("/house-rules");
        assert_eq!(page.status, 200);
        assert_eq!(page.text("h1"), "Our house rules for comments");
        let headings = page.texts("h3");
        assert_eq!(headings.len(), 6, "{headings:?}");
        assert!(page.text(".post-body").contains("kept in full for 7 days"));
        assert!(page.text(".post-body").contains("never shown publicly"));
        assert_eq!(page.attrs("link[rel=canonical]", "href"), vec![format!("{}/house-rules", app.base)]);
        assert!(app.browser().get("/").attrs("footer a", "href").contains(&"/house-rules".to_string()));
    }

    fn the_lesson_store_counts_words_and_comments_per_lesson(app) {
        let mut conn = app.db();
        let words = |w: &[&str]| w.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        learned_tokens::train(&mut conn, "spam", &words(&["cheap", "pills", "cheap"]), true).expect("train");
        learned_tokens::train(&mut conn, "spam", &words(&["housing", "pills"]), false).expect("train");
        learned_tokens::train(&mut conn, "civility", &words(&["cheap"]), true).expect("train");
        let counts = learned_tokens::counts(&mut conn, "spam", &words(&["cheap", "pills", "housing", "unseen"])).expect("counts");
        assert_eq!(counts.get("cheap"), Some(&(1, 0)), "each word counts once per comment");
        assert_eq!(counts.get("pills"), Some(&(1, 1)));
        assert_eq!(counts.get("housing"), Some(&(0, 1)));
        assert_eq!(counts.get("unseen"), None);
        assert_eq!(learned_tokens::totals(&mut conn, "spam").expect("totals"), (1, 1));
        assert_eq!(learned_tokens::totals(&mut conn, "civility").expect("totals"), (1, 0), "lessons are kept apart");
        learned_tokens::untrain(&mut conn, "civility", &words(&["cheap"]), true).expect("untrain");
        assert_eq!(learned_tokens::totals(&mut conn, "civility").expect("totals"), (0, 0));
        assert_eq!(learned_tokens::counts(&mut conn, "spam", &words(&["cheap"])).expect("counts").get("cheap"), Some(&(1, 0)));
    }

    fn hostile_strings_as_comments_give_clean_outcomes_and_round_trip(app) {
        app.login_admin();
        let posts: Vec<(i64, String)> = (0..4)
            .map(|i| post(&app, &format!("Housing waiting lists, part {i}"), HOUSING_BODY, ""))
            .collect();
        let token = csrf(&app);
        let strings = hostile_strings();
        let (mut stored_n, mut refused) = (0, 0);
        let mut conn = app.db();
        for (i, s) in strings.iter().enumerate() {
            let (post_id, slug) = &posts[i % posts.len()];
            let ip = format!("10.{}.{}.9", (i / 250) % 250, i % 250);
            // As the name and the body, with a valid e-mail.
            let email = format!("hostile{i}@example.org");
            let f = [("name", s.as_str()), ("email", email.as_str()), ("body", s.as_str()), ("agree", "yes"), ("homepage", "")];
            let p = send(&app, slug, *post_id, &ip, &token, &f, true);
            let v: Value = serde_json::from_str(&p.body).unwrap_or_else(|e| panic!("{s:?} gave {} and no JSON ({e}): {}", p.status, p.body));
            match (p.status, v["id"].as_i64()) {
                (201 | 422, Some(id)) => {
                    stored_n += 1;
                    let row = stored::find(&mut conn, id).expect("query").expect("stored");
                    assert_eq!(row.body, *s, "the body is stored exactly");
                    assert_eq!(row.author_name, s.trim(), "the name is stored as given (trimmed)");
                }
                (422, None) => {
                    refused += 1;
                    assert!(v["errors"].as_object().is_some_and(|e| !e.is_empty()), "{s:?}: {v}");
                }
                (status, _) => panic!("{s:?} as a name and body gave {status}: {v}"),
            }
            // As the e-mail and the website, with an ordinary body.
            let body = format!("Comment {i} on the housing waiting list: families wait {} years in Hackney.", i % 9 + 2);
            let f = [("name", "Hostile tester"), ("email", s.as_str()), ("website", s.as_str()), ("body", body.as_str()), ("agree", "yes"), ("homepage", "")];
            let p = send(&app, slug, *post_id, &ip, &token, &f, true);
            let v: Value = serde_json::from_str(&p.body).unwrap_or_else(|e| panic!("{s:?} gave {} and no JSON ({e}): {}", p.status, p.body));
            match (p.status, v["id"].as_i64()) {
                (201 | 422, Some(id)) => {
                    let row = stored::find(&mut conn, id).expect("query").expect("stored");
                    assert_eq!(row.email, s.trim(), "the e-mail is stored as typed");
                    assert_eq!(row.website, s.trim());
                }
                (422, None) => assert!(v["errors"].is_object(), "{s:?}: {v}"),
                (status, _) => panic!("{s:?} as an e-mail and website gave {status}: {v}"),
            }
        }
        eprintln!("hostile comments ({:?}): {} strings, {stored_n} stored, {refused} refused with a reason", app.backend, strings.len());
        assert!(stored_n > strings.len() / 2, "most hostile strings are text people may write");
        // The pages with all those comments still render, with nothing raw in them.
        for (_, slug) in &posts {
            let page = app.browser().get(&format!("/posts/{slug}"));
            assert_eq!(page.status, 200);
            assert!(!page.body.contains("<script>alert"), "raw markup never reaches the page");
        }
    }
}
