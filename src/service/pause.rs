//! The site-wide switches (Threads page): one closes every comment form at once, one holds
//! every comment for a moderator. Read by the comment form and the submission, set by an
//! admin with an audit entry.

use chrono::NaiveDateTime;

use super::ServiceResult;
use crate::storage::moderation::{self as store, Audit};
use crate::storage::{DbConn, meta, write_transaction};

/// `site_meta` key of the site-wide switch that closes every comment form at once.
pub const COMMENTS_PAUSED: &str = "comments_paused";
/// Shown in place of every form while the site-wide switch is on.
pub const PAUSED_NOTE: &str = "Comments are closed across the site for the moment.";
/// `site_meta` key of the site-wide switch that holds every comment for a moderator.
pub const COMMENTS_HELD: &str = "comments_held";

/// True when an admin has closed comments across the site.
pub fn comments_paused(conn: &mut DbConn) -> ServiceResult<bool> {
    switch_on(conn, COMMENTS_PAUSED)
}

/// Turns the site-wide switch on (every comment form closed) or off.
pub fn set_paused(
    conn: &mut DbConn,
    actor: i64,
    paused: bool,
    now: NaiveDateTime,
) -> ServiceResult<()> {
    let audit = if paused {
        Audit::CommentsPaused
    } else {
        Audit::CommentsResumed
    };
    set_switch(conn, actor, COMMENTS_PAUSED, paused, audit, now)
}

/// True when an admin has asked for every comment on the site to be read before it
/// appears.
pub fn comments_held(conn: &mut DbConn) -> ServiceResult<bool> {
    switch_on(conn, COMMENTS_HELD)
}

/// Turns the site-wide hold on (every comment the engine would publish is held) or off.
pub fn set_held(
    conn: &mut DbConn,
    actor: i64,
    held: bool,
    now: NaiveDateTime,
) -> ServiceResult<()> {
    let audit = if held {
        Audit::CommentsHeldAll
    } else {
        Audit::CommentsHeldAllOff
    };
    set_switch(conn, actor, COMMENTS_HELD, held, audit, now)
}

fn switch_on(conn: &mut DbConn, key: &str) -> ServiceResult<bool> {
    Ok(meta::get(conn, key)?.as_deref() == Some("1"))
}

fn set_switch(
    conn: &mut DbConn,
    actor: i64,
    key: &str,
    on: bool,
    audit: Audit,
    now: NaiveDateTime,
) -> ServiceResult<()> {
    write_transaction(conn, |conn| {
        meta::set(conn, key, if on { "1" } else { "0" })?;
        store::audit(conn, Some(actor), audit, key, now)?;
        Ok(())
    })
}
