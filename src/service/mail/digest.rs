//! The moderators' digest of newly held comments: at most one every
//! `mail_digest_minutes`, and only while something new is waiting.

use chrono::{Duration, NaiveDateTime};

use super::MailContext;
use super::compose::{self, HeldItem};
use crate::domain::html::markdown_plain_text;
use crate::domain::text::truncate_words;
use crate::service::ServiceResult;
use crate::storage::mail_state::{self, DIGEST};
use crate::storage::{DbConn, comments, outbox, users, write_transaction};

/// Most comments listed in one digest; the rest are counted.
const MAX_LISTED: usize = 50;
/// Longest excerpt of a held comment, in characters.
const EXCERPT: usize = 200;

/// Queues a digest for every moderator and admin if one is due: the last went out at
/// least `digest_minutes` ago and comments were held since. Several app servers may
/// call this at once; the conditional UPDATE on the digest row lets one of them win.
/// Returns the number of messages queued.
pub fn enqueue_if_due(
    conn: &mut DbConn,
    ctx: &MailContext,
    now: NaiveDateTime,
) -> ServiceResult<usize> {
    write_transaction(conn, |conn| {
        mail_state::lock(conn, DIGEST)?;
        let Some((last_sent, last_id)) = mail_state::get(conn, DIGEST)? else {
            return Ok(0);
        };
        if last_sent.is_some_and(|t| now < t + Duration::minutes(ctx.digest_minutes.into())) {
            return Ok(0);
        }
        let held = comments::held_after(conn, last_id)?;
        let Some(newest) = held.last().map(|h| h.id) else {
            return Ok(0);
        };
        if !mail_state::advance(conn, DIGEST, last_id, newest, now)? {
            return Ok(0);
        }
        let items: Vec<HeldItem> = held
            .iter()
            .take(MAX_LISTED)
            .map(|h| HeldItem {
                id: h.id,
                author: h.author_name.clone(),
                excerpt: truncate_words(&markdown_plain_text(&h.body), EXCERPT),
                post_title: h.post_title.clone(),
            })
            .collect();
        let more = held.len() - items.len();
        let messages: Vec<_> = users::moderator_emails(conn)?
            .iter()
            .map(|to| compose::digest(ctx, to, &items, more, now))
            .collect();
        tracing::info!(
            held = held.len(),
            recipients = messages.len(),
            "moderation digest queued"
        );
        Ok(outbox::insert(conn, &messages)?)
    })
}
