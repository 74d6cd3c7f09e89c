//! E-mail: what is sent to whom and when. Events queue messages in the `outbox` table,
//! inside the transaction of the event where there is one, and a background worker
//! ([`worker::run_once`]) delivers them over SMTP or into `.eml` files, with retries.
//!
//! - moderators: a digest of newly held comments ([`digest`]), and a notice at once when
//!   a flood closes a thread ([`notify_flood_closed`]) or readers' reports hide a
//!   comment ([`notify_reported`]);
//! - readers who reported a comment and left an e-mail: the outcome
//!   ([`notify_report_outcome`]);
//! - commenters: a notice when their held comment is approved
//!   ([`notify_comment_approved`]), the answer to their appeal
//!   ([`notify_appeal_decided`]), and new comments on threads they subscribed to,
//!   each with a one-click unsubscribe link ([`notify_comment_published`], [`token`]);
//!   a subscription asked for on the comment form starts with one message asking to
//!   confirm it, and nothing more goes to an address that never confirms;
//! - authors who opted in: new published comments on their posts.

pub mod compose;
pub mod digest;
pub mod token;
pub mod transport;
pub mod worker;

use chrono::NaiveDateTime;
use serde::Serialize;

use super::{ServiceError, ServiceResult};
use crate::config::Settings;
use crate::domain::html::markdown_plain_text;
use crate::domain::text::truncate_words;
use crate::domain::{AppealOutcome, CommentStatus};
use crate::storage::outbox::{self, NewMessage};
use crate::storage::{DbConn, comments, moderation, posts, subscriptions, users};
use compose::About;

pub use transport::{MailError, Mailer};
pub use worker::{Tick, run_once};

/// Longest excerpt of a comment quoted in a message, in characters.
const EXCERPT: usize = 300;

/// What composing messages needs from the settings, plus the signing key.
#[derive(Debug, Clone)]
pub struct MailContext {
    /// The site's public address, without a trailing slash; every link starts with it.
    pub base_url: String,
    /// The site's name, in subjects and signatures.
    pub site_title: String,
    /// Key for unsubscribe tokens (the site secret).
    pub secret: Vec<u8>,
    /// At most one digest per this many minutes.
    pub digest_minutes: u32,
    /// Tell commenters when their held comment is approved.
    pub notify_on_approval: bool,
    /// Days an unconfirmed request for reply e-mail is kept (said in its message).
    pub unconfirmed_days: u32,
}

impl MailContext {
    /// The context for these settings and signing key.
    pub fn new(settings: &Settings, secret: &[u8]) -> Self {
        MailContext {
            base_url: settings.base_url.clone(),
            site_title: settings.site_title.clone(),
            secret: secret.to_vec(),
            digest_minutes: settings.mail_digest_minutes,
            notify_on_approval: settings.mail_notify_on_approval,
            unconfirmed_days: settings.unconfirmed_subscription_days,
        }
    }

    /// An absolute link to a path on the site.
    pub fn link(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }
}

fn about(conn: &mut DbConn, ctx: &MailContext, comment_id: i64) -> ServiceResult<About> {
    let comment = comments::find(conn, comment_id)?.ok_or(ServiceError::NotFound)?;
    let post = posts::find(conn, comment.post_id)?.ok_or(ServiceError::NotFound)?;
    let permalink = ctx.link(&format!("/posts/{}#comment-{}", post.slug, comment.id));
    let excerpt = truncate_words(&markdown_plain_text(&comment.body), EXCERPT);
    Ok(About {
        comment,
        post,
        permalink,
        excerpt,
    })
}

/// The comment and its post, if the comment is published (nothing is announced otherwise).
fn published(
    conn: &mut DbConn,
    ctx: &MailContext,
    comment_id: i64,
) -> ServiceResult<Option<About>> {
    let a = about(conn, ctx, comment_id)?;
    Ok((a.comment.status == CommentStatus::Published).then_some(a))
}

/// Queues what a newly published comment sets off: a message to each reader subscribed
/// to the post's thread (except its writer), with an unsubscribe link, and to the
/// post's author if they opted in. Call it in the transaction that published the
/// comment, whether on submission or on a moderator's approval. Returns the number of
/// messages queued; a comment that is not published queues nothing.
pub fn notify_comment_published(
    conn: &mut DbConn,
    ctx: &MailContext,
    comment_id: i64,
    now: NaiveDateTime,
) -> ServiceResult<usize> {
    let Some(a) = published(conn, ctx, comment_id)? else {
        return Ok(0);
    };
    queue_published(conn, ctx, &a, now)
}

/// The messages a published comment sets off, for a comment already loaded.
fn queue_published(
    conn: &mut DbConn,
    ctx: &MailContext,
    a: &About,
    now: NaiveDateTime,
) -> ServiceResult<usize> {
    let mut messages = Vec::new();
    for (key, email) in subscriptions::subscribers(conn, a.post.id, &a.comment.email_key)? {
        let unsubscribe = ctx.link(&format!(
            "/unsubscribe?token={}",
            token::issue(&ctx.secret, &key, a.post.id)
        ));
        messages.push(compose::reply(ctx, &email, a, &unsubscribe, now));
    }
    if let Some(author) = users::find(conn, a.post.author_id)?
        && author.notify_new_comments
        && !author.disabled
        // Staff commenting on their own post need no notice of it.
        && author.email.to_lowercase() != a.comment.email_key
    {
        messages.push(compose::author(ctx, &author.email, a, now));
    }
    if a.comment.notify_replies
        && !a.comment.email.trim().is_empty()
        && let Some(m) = request_subscription(conn, ctx, a, now)?
    {
        messages.push(m);
    }
    Ok(outbox::insert(conn, &messages)?)
}

/// The confirmation message for the reply subscription a published comment asked for,
/// unless its address already asked (or subscribed) on this post.
fn request_subscription(
    conn: &mut DbConn,
    ctx: &MailContext,
    a: &About,
    now: NaiveDateTime,
) -> ServiceResult<Option<NewMessage>> {
    use chrono::SubsecRound;
    // Whole seconds: the confirmation link names the request by its time.
    let at = now.trunc_subsecs(0);
    let key = &a.comment.email_key;
    if subscriptions::request(conn, key, a.post.id, &a.comment.email, at)? == 0 {
        return Ok(None);
    }
    let link = ctx.link(&format!(
        "/subscriptions/confirm?token={}",
        token::issue_confirm(&ctx.secret, key, a.post.id, at.and_utc().timestamp())
    ));
    Ok(Some(compose::confirm(ctx, a, &link, now)))
}

/// Queues what a moderator's approval of a held comment sets off: the commenter's
/// notice that it is published (unless `mail_notify_on_approval` is off), then
/// everything [`notify_comment_published`] sends. Call it in the transaction that
/// changed the comment to `published`. Returns the number of messages queued.
pub fn notify_comment_approved(
    conn: &mut DbConn,
    ctx: &MailContext,
    comment_id: i64,
    now: NaiveDateTime,
) -> ServiceResult<usize> {
    let Some(a) = published(conn, ctx, comment_id)? else {
        return Ok(0);
    };
    let mut queued = 0;
    if ctx.notify_on_approval {
        let edited = was_edited(conn, comment_id)?;
        let m = compose::approved(ctx, &a, edited, now);
        queued += outbox::insert(conn, &[m])?;
    }
    Ok(queued + queue_published(conn, ctx, &a, now)?)
}

/// True when a moderator has edited the comment's text.
fn was_edited(conn: &mut DbConn, comment_id: i64) -> ServiceResult<bool> {
    Ok(!moderation::edited_among(conn, &[comment_id])?.is_empty())
}

/// Queues the answer to a commenter's appeal: what the moderator decided, with their
/// note. Call it in the transaction that decided the appeal. A comment without an
/// e-mail (one imported from WordPress, say) queues nothing. Returns the number queued.
pub fn notify_appeal_decided(
    conn: &mut DbConn,
    ctx: &MailContext,
    comment_id: i64,
    outcome: AppealOutcome,
    note: &str,
    now: NaiveDateTime,
) -> ServiceResult<usize> {
    let a = about(conn, ctx, comment_id)?;
    if a.comment.email.trim().is_empty() {
        return Ok(0);
    }
    let edited = was_edited(conn, comment_id)?;
    let m = compose::appeal_decided(ctx, &a, outcome, note, edited, now);
    Ok(outbox::insert(conn, &[m])?)
}

/// Queues the notice to every moderator and admin that a flood of similar comments
/// closed a post, to go out at once (not with the digest). `comment_id` is the
/// submission that tipped it over.
pub fn notify_flood_closed(
    conn: &mut DbConn,
    ctx: &MailContext,
    comment_id: i64,
    now: NaiveDateTime,
) -> ServiceResult<usize> {
    let a = about(conn, ctx, comment_id)?;
    let messages: Vec<NewMessage> = users::moderator_emails(conn)?
        .iter()
        .map(|to| compose::flood(ctx, to, &a, now))
        .collect();
    Ok(outbox::insert(conn, &messages)?)
}

/// Queues the notice to every moderator and admin that readers' reports hid a comment,
/// to go out at once (not with the digest). Call it in the transaction that hid it.
pub fn notify_reported(
    conn: &mut DbConn,
    ctx: &MailContext,
    comment_id: i64,
    reasons: &[String],
    now: NaiveDateTime,
) -> ServiceResult<usize> {
    let a = about(conn, ctx, comment_id)?;
    let messages: Vec<NewMessage> = users::moderator_emails(conn)?
        .iter()
        .map(|to| compose::reported(ctx, to, &a, reasons, now))
        .collect();
    Ok(outbox::insert(conn, &messages)?)
}

/// Queues, for each reader who reported a comment and left an e-mail (once per
/// address), what a moderator decided. Call it in the transaction that decided.
pub fn notify_report_outcome(
    conn: &mut DbConn,
    ctx: &MailContext,
    comment_id: i64,
    reporters: &[(Option<String>, String)],
    removed: bool,
    now: NaiveDateTime,
) -> ServiceResult<usize> {
    if reporters.is_empty() {
        return Ok(0);
    }
    let a = about(conn, ctx, comment_id)?;
    let mut seen = std::collections::HashSet::new();
    let messages: Vec<NewMessage> = reporters
        .iter()
        .filter(|(_, email)| seen.insert(email.to_lowercase()))
        .map(|(name, email)| compose::report_outcome(ctx, email, name.as_deref(), &a, removed, now))
        .collect();
    Ok(outbox::insert(conn, &messages)?)
}

/// Subscribes an address to new comments on a post as confirmed (for addresses whose
/// owner already confirmed elsewhere; the comment form's box asks first).
pub fn subscribe(
    conn: &mut DbConn,
    email_key: &str,
    email: &str,
    post_id: i64,
    now: NaiveDateTime,
) -> ServiceResult<()> {
    subscriptions::subscribe(conn, email_key, post_id, email, now)?;
    Ok(())
}

/// What the unsubscribe page shows.
#[derive(Debug, Clone, Serialize)]
pub struct Unsubscribe {
    /// The post's title.
    pub post_title: String,
    /// The post's address.
    pub post_url: String,
    /// The subscription exists (before a removal: it is still to be removed).
    pub subscribed: bool,
}

fn unsubscribe_target(
    conn: &mut DbConn,
    secret: &[u8],
    token_text: &str,
) -> ServiceResult<(String, posts::PostRow)> {
    let (key, post_id) = token::read(secret, token_text).ok_or_else(|| {
        super::invalid(
            "token",
            "This unsubscribe link is not valid. Please use the link from the most recent e-mail.",
        )
    })?;
    let post = posts::find(conn, post_id)?.ok_or(ServiceError::NotFound)?;
    Ok((key, post))
}

/// Looks up the subscription an unsubscribe link names, without changing anything.
pub fn unsubscribe_preview(
    conn: &mut DbConn,
    secret: &[u8],
    token_text: &str,
) -> ServiceResult<Unsubscribe> {
    let (key, post) = unsubscribe_target(conn, secret, token_text)?;
    Ok(Unsubscribe {
        subscribed: subscriptions::is_subscribed(conn, &key, post.id)?,
        post_url: format!("/posts/{}", post.slug),
        post_title: post.title,
    })
}

/// Ends the subscription an unsubscribe link names; doing it twice is harmless.
pub fn unsubscribe(
    conn: &mut DbConn,
    secret: &[u8],
    token_text: &str,
) -> ServiceResult<Unsubscribe> {
    let (key, post) = unsubscribe_target(conn, secret, token_text)?;
    let removed = subscriptions::unsubscribe(conn, &key, post.id)?;
    if removed > 0 {
        tracing::info!(post = post.id, "reply notifications unsubscribed");
    }
    Ok(Unsubscribe {
        subscribed: false,
        post_url: format!("/posts/{}", post.slug),
        post_title: post.title,
    })
}

/// Where a confirmation link stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ConfirmState {
    /// The request waits: the page offers the button.
    Waiting,
    /// Confirmed just now.
    Done,
    /// Already used, forgotten after the waiting time, or ended by an unsubscribe.
    Used,
}

/// What the confirmation page shows.
#[derive(Debug, Clone, Serialize)]
pub struct Confirmation {
    /// The post's title.
    pub post_title: String,
    /// The post's address.
    pub post_url: String,
    /// Where the link stands.
    pub state: ConfirmState,
    /// Once confirmed: the link that ends it.
    pub unsubscribe_url: Option<String>,
}

fn confirm_target(
    conn: &mut DbConn,
    secret: &[u8],
    token_text: &str,
) -> ServiceResult<(String, posts::PostRow, NaiveDateTime, bool)> {
    let (key, post_id, at) = token::read_confirm(secret, token_text).ok_or_else(|| {
        super::invalid(
            "token",
            "This confirmation link is not valid. Please use the link from the e-mail exactly as it was sent.",
        )
    })?;
    let post = posts::find(conn, post_id)?.ok_or(ServiceError::NotFound)?;
    let requested = chrono::DateTime::from_timestamp(at, 0)
        .map(|t| t.naive_utc())
        .ok_or(ServiceError::NotFound)?;
    let waiting = subscriptions::find(conn, &key, post_id)?
        .is_some_and(|s| s.confirmed_at.is_none() && s.created_at == requested);
    Ok((key, post, requested, waiting))
}

/// Looks up the request a confirmation link names, without changing anything (mail
/// scanners open links; only the page's button confirms).
pub fn confirm_preview(
    conn: &mut DbConn,
    secret: &[u8],
    token_text: &str,
) -> ServiceResult<Confirmation> {
    let (_, post, _, waiting) = confirm_target(conn, secret, token_text)?;
    Ok(Confirmation {
        post_url: format!("/posts/{}", post.slug),
        post_title: post.title,
        state: if waiting {
            ConfirmState::Waiting
        } else {
            ConfirmState::Used
        },
        unsubscribe_url: None,
    })
}

/// Confirms the request a link names; the link works once.
pub fn confirm(
    conn: &mut DbConn,
    secret: &[u8],
    token_text: &str,
    now: NaiveDateTime,
) -> ServiceResult<Confirmation> {
    crate::storage::write_transaction(conn, |conn| {
        let (key, post, requested, _) = confirm_target(conn, secret, token_text)?;
        let done = subscriptions::confirm(conn, &key, post.id, requested, now)? == 1;
        if done {
            tracing::info!(post = post.id, "reply notifications confirmed");
        }
        Ok(Confirmation {
            post_url: format!("/posts/{}", post.slug),
            unsubscribe_url: done
                .then(|| format!("/unsubscribe?token={}", token::issue(secret, &key, post.id))),
            post_title: post.title,
            state: if done {
                ConfirmState::Done
            } else {
                ConfirmState::Used
            },
        })
    })
}

/// Turns a staff member's notice of new comments on their posts on or off.
pub fn set_author_notices(conn: &mut DbConn, user_id: i64, on: bool) -> ServiceResult<()> {
    users::set_notify_new_comments(conn, user_id, on)?;
    Ok(())
}
