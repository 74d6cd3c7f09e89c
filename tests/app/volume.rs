//! House rule 4 over HTTP: strangers who share a network are not one person, one
//! person's similar names on one network are; the commenter's reason never names or
//! counts anyone else, and moderators see what linked the comments. The ban form warns
//! that a network ban reaches everyone on it, lists who else wrote from there, and offers
//! an exact-address ban.

use crate::both_backends;
use crate::comments::*;
use crate::support::*;

fn person(name: &str, email: &str, ip: &str) -> Reader {
    Reader {
        name: name.into(),
        email: email.into(),
        ip: ip.into(),
    }
}

/// Sends a comment as JSON; returns (status, id, the commenter's message).
fn send_comment(
    app: &TestApp,
    slug: &str,
    post_id: i64,
    who: &Reader,
    body: &str,
) -> (String, i64, String) {
    let token = csrf(app);
    let (_, v) = send_json(app, slug, post_id, who, &token, &fields(who, body));
    let id = v["id"].as_i64().unwrap_or_else(|| panic!("an id: {v}"));
    (
        v["status"].as_str().unwrap_or_default().to_owned(),
        id,
        v["message"].as_str().unwrap_or_default().to_owned(),
    )
}

/// A moderator's browser (the admin may moderate).
fn moderator(app: &TestApp) -> Browser {
    let m = app.browser();
    m.login_admin();
    m
}

both_backends! {
    settings = comment_settings;

    fn strangers_on_one_network_do_not_count_as_one_person(app) {
        let (id, slug) = housing_post(&app);
        // An office: five colleagues behind one /24, each with their own comment.
        let colleagues = [
            person("Priya Shah", "priya@example.org", "10.20.0.5"),
            person("Tom Baker", "tom.baker@example.net", "10.20.0.6"),
            person("Anonymous", "anon1@example.com", "10.20.0.7"),
            person("Sam", "sam@example.org", "10.20.0.8"),
            person("J. Okafor", "okafor@example.org", "10.20.0.5"),
        ];
        for (who, body) in colleagues.iter().zip(HOUSING_COMMENTS) {
            let (status, _, message) = send_comment(&app, &slug, id, who, body);
            assert_eq!(status, "published", "{}: {message}", who.name);
        }
        // A sixth person writes for the first time, from the very same address as two of
        // them: published.
        let stranger = person("Sam Reader", "reader.sam@example.org", "10.20.0.5");
        let (status, _, message) = send_comment(&app, &slug, id, &stranger, HOUSING_COMMENTS[5]);
        assert_eq!(status, "published", "a shared network alone links nobody: {message}");
    }

    fn one_person_under_similar_names_on_one_network_is_held_without_naming_anyone(app) {
        let (id, slug) = housing_post(&app);
        let names = ["Maryam Hosseini", "Maryam H", "M. Hosseini", "MH", "maryam hosseini"];
        for (i, (name, body)) in names.iter().zip(HOUSING_COMMENTS).enumerate() {
            let who = person(name, &format!("mh{i}@example.org"), &format!("10.30.0.{}", 10 + i));
            let (status, _, message) = send_comment(&app, &slug, id, &who, body);
            assert_eq!(status, "published", "comment {} is within the limit: {message}", i + 1);
        }
        let sixth = person("Maryam H.", "maryam.new@example.org", "10.30.0.99");
        let (status, held, message) = send_comment(&app, &slug, id, &sixth, HOUSING_COMMENTS[5]);
        assert_eq!(status, "held", "{message}");
        assert!(message.starts_with("Thank you — your comment is awaiting review because this article has had several comments from you today"), "{message}");
        for other in ["Hosseini", "MH", "mh0@", "10.30", "5", "five", "group"] {
            assert!(!message.contains(other), "the reason names or counts no one else ({other}): {message}");
        }
        // Moderators see which signals linked them.
        let m = moderator(&app);
        let page = m.get(&format!("/admin/comments/{held}"));
        assert_eq!(page.status, 200);
        let hits = page.text(".queue-hits");
        assert!(hits.contains("volume.person") && hits.contains("linked by: similar name ‘M. Hosseini’ on 10.30.0.0/24"), "{hits}");
        let queue = m.get("/admin/queue");
        assert!(queue.body.contains("similar name ‘Maryam Hosseini’ on 10.30.0.0/24"), "the queue shows the evidence too");
    }

    fn the_ban_form_warns_about_network_bans_and_bans_an_exact_address(app) {
        let (id, slug) = housing_post(&app);
        let ann = person("Ann", "ann@example.org", "10.40.0.1");
        let (_, ann_id, _) = send_comment(&app, &slug, id, &ann, HOUSING_COMMENTS[0]);
        for (who, body) in [
            (person("Bob", "Bob+news@example.org", "10.40.0.2"), HOUSING_COMMENTS[1]),
            (person("Cat", "cat@example.net", "10.40.0.3"), HOUSING_COMMENTS[2]),
            (person("Old", "old@example.net", "10.40.0.4"), HOUSING_COMMENTS[3]),
            (person("Dan", "dan@example.org", "10.41.0.1"), HOUSING_COMMENTS[4]),
            (person("Ann again", "ANN@example.org", "10.40.0.1"), HOUSING_COMMENTS[5]),
        ] {
            let (status, cid, message) = send_comment(&app, &slug, id, &who, body);
            assert_eq!(status, "published", "{message}");
            if who.name == "Old" {
                // Written 100 days ago: outside the 90 days the form looks back.
                use diesel::prelude::*;
                use townhall::storage::schema::comments;
                let mut conn = app.db();
                let long_ago = chrono::Utc::now().naive_utc() - chrono::Duration::days(100);
                townhall::dispatch!(&mut *conn, |c| diesel::update(comments::table.find(cid)).set(comments::created_at.eq(long_ago)).execute(c)).expect("age it");
            }
        }
        let m = moderator(&app);
        let page = m.get(&format!("/admin/comments/{ann_id}"));
        assert_eq!(page.status, 200);
        let warning = page.text("#ban-network-warning");
        assert!(warning.contains("A network ban reaches everyone on 10.40.0.0/24"), "{warning}");
        assert_eq!(page.texts("#ban-network-others li"), ["bob@example.org", "cat@example.net"], "the others on the network lately, not Ann herself, not older ones, not other networks");
        assert_eq!(page.attrs("input[name=by_address]", "value"), ["1"], "an exact-address ban is offered");
        assert!(page.text(".ban-form").contains("Ban the exact address 10.40.0.1"));

        // A commenter alone on a network is told so.
        let dan_id = stored_id(&app, "dan@example.org");
        let alone = m.get(&format!("/admin/comments/{dan_id}"));
        assert!(alone.text("#ban-network-alone").starts_with("No other e-mail address"), "{}", alone.body);

        // The exact-address ban: anyone at that address is refused, the rest of the
        // network is not.
        let b = m.submit(&format!("/admin/comments/{ann_id}"), &format!("/admin/comments/{ann_id}/ban"), &[("by_address", "1"), ("note", "abuse from one address")]);
        assert_eq!(b.status, 303, "{}", b.body);
        let after = m.get(&format!("/admin/comments/{ann_id}"));
        assert_eq!(after.text("#standing"), "banned");
        assert!(after.text(".bans").contains("address 10.40.0.1"), "{}", after.text(".bans"));
        let (status, _, message) = send_comment(&app, &slug, id, &person("Eve", "eve@example.org", "10.40.0.1"), HOUSING_COMMENTS[6]);
        assert_eq!(status, "rejected", "{message}");
        let (status, _, message) = send_comment(&app, &slug, id, &person("Fay", "fay@example.org", "10.40.0.9"), HOUSING_COMMENTS[6]);
        assert_eq!(status, "published", "the rest of the network is not banned: {message}");
        assert!(audit_detail(&app).contains("address 10.40.0.1"));
    }
}

/// The id of the one comment stored under this e-mail key.
fn stored_id(app: &TestApp, email_key: &str) -> i64 {
    use diesel::prelude::*;
    use townhall::storage::schema::comments;
    let mut conn = app.db();
    townhall::dispatch!(&mut *conn, |c| comments::table
        .filter(comments::email_key.eq(email_key))
        .select(comments::id)
        .first::<i64>(c))
    .expect("the comment")
}

/// The newest ban's audit detail.
fn audit_detail(app: &TestApp) -> String {
    use diesel::prelude::*;
    use townhall::storage::schema::audit_log;
    let mut conn = app.db();
    townhall::dispatch!(&mut *conn, |c| audit_log::table
        .filter(audit_log::action.eq("commenter.ban"))
        .order(audit_log::id.desc())
        .select(audit_log::detail)
        .first::<String>(c))
    .expect("the audit entry")
}
