//! Two hundred readers send comments at the same moment: every acknowledged comment is
//! stored exactly once, and nobody sees a 5xx or SQLite's "database is locked".

use std::collections::HashMap;
use std::sync::{Arc, Barrier};
use std::time::Instant;

use diesel::prelude::*;
use townhall::config::Settings;
use townhall::storage::schema::comments;

use crate::both_backends;
use crate::comments::{
    HOUSING_COMMENTS, SECRET, comment_settings, fields, housing_post, post_comment, reader,
};
use crate::support::*;

const COMMENTERS: u32 = 200;

/// The production pool size and two HTTP workers, so requests really overlap.
fn crowd_settings(s: &mut Settings) {
    comment_settings(s);
    s.db_pool_size = 8;
    s.workers = Some(2);
}

/// What one commenter saw.
struct Outcome {
    body: String,
    status: u16,
    page: String,
}

impl Outcome {
    /// Published (303), held (202) or rejected (422 with the house rule named): the
    /// reader was told the comment was received, so it must be stored.
    fn acknowledged(&self) -> bool {
        matches!(self.status, 200..=399)
            || (self.status == 422 && self.page.contains("Your comment was not published"))
    }
}

/// The comment text of commenter `n`: one of the sample comments, made unique.
fn body_of(n: u32) -> String {
    format!(
        "{} (Reader {n} of {COMMENTERS}, writing from ward {}.)",
        HOUSING_COMMENTS[n as usize % HOUSING_COMMENTS.len()],
        n * 7 % 31
    )
}

/// The page's form token, re-signed as if the page had been opened a minute ago (people
/// take time to write; a form sent at once is held as a robot's). Its one-time nonce is
/// the page's own.
fn aged_form_token(page: &Page, post_id: i64) -> String {
    let token = page
        .attrs("input[name=form_token]", "value")
        .into_iter()
        .next()
        .expect("the comment form has a form token");
    let mut parts = token.split('.');
    let rendered: i64 = parts.nth(1).and_then(|t| t.parse().ok()).expect("a time");
    let nonce = parts.next().expect("a nonce");
    townhall::service::form_token::issue_with_nonce(
        SECRET.as_bytes(),
        post_id,
        rendered - 60,
        nonce,
    )
}

/// One reader: opens the post (its own cookies, CSRF and form token), waits for the
/// others, then sends the form as a browser does.
fn commenter(base: String, slug: String, post_id: i64, n: u32, start: Arc<Barrier>) -> Outcome {
    let browser = Browser::new(&base);
    let who = reader(n);
    let page = browser.get(&format!("/posts/{slug}"));
    assert_eq!(page.status, 200, "commenter {n} opens the post");
    let csrf = page.csrf();
    let token = aged_form_token(&page, post_id);
    let body = body_of(n);
    let mut form = fields(&who, &body);
    form.push(("csrf_token", &csrf));
    form.push(("form_token", &token));
    start.wait();
    match post_comment(&browser, &slug, &who.ip, &form, false) {
        Ok(r) => {
            let p = Page::from(r);
            Outcome {
                body,
                status: p.status,
                page: p.body,
            }
        }
        Err(e) => Outcome {
            body,
            status: 0,
            page: format!("no answer: {e}"),
        },
    }
}

both_backends! {
    settings = crowd_settings;

    fn two_hundred_concurrent_commenters_are_each_stored_exactly_once(app) {
        let (post_id, slug) = housing_post(&app);
        let start = Arc::new(Barrier::new(COMMENTERS as usize));
        let began = Instant::now();
        let threads: Vec<_> = (1..=COMMENTERS)
            .map(|n| {
                let (base, slug, start) = (app.base.clone(), slug.clone(), start.clone());
                std::thread::spawn(move || commenter(base, slug, post_id, n, start))
            })
            .collect();
        let outcomes: Vec<Outcome> = threads.into_iter().map(|t| t.join().expect("a commenter")).collect();
        let took = began.elapsed();

        for o in &outcomes {
            assert!(!o.page.contains("database is locked"), "a reader saw a lock error ({}): {}", o.status, o.page);
            assert!(o.acknowledged(), "every comment gets an outcome page, not {}: {}", o.status, o.page);
        }
        let mut stored: HashMap<String, usize> = HashMap::new();
        let bodies: Vec<String> = townhall::dispatch!(&mut *app.db(), |c| comments::table
            .filter(comments::post_id.eq(post_id))
            .select(comments::body)
            .load(c))
        .expect("read the comments");
        for b in bodies {
            *stored.entry(b).or_default() += 1;
        }
        for o in &outcomes {
            assert_eq!(stored.get(&o.body), Some(&1), "stored exactly once: {}", o.body);
        }
        assert_eq!(stored.len(), COMMENTERS as usize, "nothing else was stored");
        let count = |s: u16| outcomes.iter().filter(|o| o.status == s).count();
        eprintln!(
            "concurrency ({:?}): {COMMENTERS} commenters in {:.1} s: {} published, {} held, {} rejected; each stored once",
            app.backend, took.as_secs_f64(), count(303), count(202), count(422)
        );
    }
}
