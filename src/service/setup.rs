//! First start: the signing secret, the first admin and the demo posts.

use chrono::{DateTime, Duration, NaiveDateTime};
use serde::Deserialize;

use super::posts::{SaveAction, save};
use super::users::Actor;
use super::{ServiceError, ServiceResult};
use crate::domain::{PostInput, Role};
use crate::storage::{DbConn, meta, posts, users, write_transaction};

/// The demo posts shipped in the binary (sample posts from the project's corpus).
const DEMO_POSTS: &str = include_str!("../../demo/posts.jsonl");
/// The account the demo posts are credited to; it cannot sign in.
const DEMO_AUTHOR_EMAIL: &str = "editorial@example.org";

/// What the first start did, for the console.
#[derive(Debug, Default)]
pub struct FirstStart {
    /// The admin account made, with the generated password if none was configured.
    pub admin_created: Option<(String, Option<String>)>,
    /// How many demo posts were loaded.
    pub demo_posts: usize,
}

/// The key for signing tokens: the configured one, or one made once and kept in the
/// database so that every app server shares it.
pub fn secret(conn: &mut DbConn, configured: Option<&str>) -> ServiceResult<String> {
    match configured {
        Some(k) => Ok(k.to_owned()),
        None => Ok(meta::get_or_insert(
            conn,
            "secret_key",
            &super::auth::random_token(),
        )?),
    }
}

/// Makes the first admin if there are no accounts, and loads the demo posts into a site
/// that has never started before. A later start changes nothing.
pub fn first_start(
    conn: &mut DbConn,
    admin_email: &str,
    admin_password: Option<&str>,
    demo: bool,
    now: NaiveDateTime,
) -> ServiceResult<FirstStart> {
    let mut done = FirstStart::default();
    if users::count(conn)? == 0 {
        let generated = admin_password.is_none().then(super::auth::random_password);
        let password = admin_password.or(generated.as_deref());
        let admin = super::users::create(
            conn,
            Actor::System,
            admin_email,
            "Site admin",
            Role::Admin,
            password,
            now,
        )?;
        done.admin_created = Some((admin.email, generated));
    }
    if meta::get(conn, "first_start_done")?.is_none() {
        if demo && posts::count_public(conn, now)? == 0 {
            done.demo_posts = load_demo(conn, now)?;
        }
        meta::set(conn, "first_start_done", &now.to_string())?;
    }
    Ok(done)
}

#[derive(Deserialize)]
struct DemoPost {
    slug: String,
    title: String,
    tags: Vec<String>,
    published_at: String,
    body: String,
}

/// Loads the demo posts, dated so the newest went out yesterday; refuses a site that has posts.
pub fn load_demo(conn: &mut DbConn, now: NaiveDateTime) -> ServiceResult<usize> {
    write_transaction(conn, |conn| {
        if posts::list_admin(conn, None, 0, 1)?.1 > 0 {
            return Err(super::invalid(
                "demo",
                "The site already has posts; demo content goes only into an empty site.",
            ));
        }
        let author = match users::find_by_email(conn, DEMO_AUTHOR_EMAIL)? {
            Some(u) => u,
            None => super::users::create(
                conn,
                Actor::System,
                DEMO_AUTHOR_EMAIL,
                "Editorial team",
                Role::Author,
                None,
                now,
            )?,
        };
        let demo: Vec<DemoPost> = DEMO_POSTS
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(serde_json::from_str)
            .collect::<Result<_, _>>()
            .map_err(|e| super::invalid("demo", format!("the demo content is damaged: {e}")))?;
        let dates: Vec<NaiveDateTime> = demo
            .iter()
            .map(|p| {
                DateTime::parse_from_rfc3339(&p.published_at)
                    .map(|d| d.naive_utc())
                    .unwrap_or(now)
            })
            .collect();
        let newest = dates.iter().copied().max().unwrap_or(now);
        let shift = (now - Duration::days(1)) - newest;
        for (p, date) in demo.iter().zip(dates) {
            let input = PostInput {
                title: p.title.clone(),
                slug: p.slug.clone(),
                tags: p.tags.join(", "),
                body: p.body.clone(),
                publish_at: (date + shift).format("%Y-%m-%dT%H:%M").to_string(),
            };
            let draft = input.validate().map_err(ServiceError::Invalid)?;
            save(conn, &author, None, &draft, SaveAction::Publish, now)?;
        }
        Ok(demo.len())
    })
}
