//! The site-wide switch that closes every comment form at once (Threads page), read by
//! the comment form and the submission, set by an admin with an audit entry.

use chrono::NaiveDateTime;

use super::ServiceResult;
use crate::storage::moderation::{self as store, Audit};
use crate::storage::{DbConn, meta, write_transaction};

/// `site_meta` key of the site-wide switch that closes every comment form at once.
pub const COMMENTS_PAUSED: &str = "comments_paused";
/// Shown in place of every form while the site-wide switch is on.
pub const PAUSED_NOTE: &str = "Comments are closed across the site for the moment.";

/// True when an admin has closed comments across the site.
pub fn comments_paused(conn: &mut DbConn) -> ServiceResult<bool> {
    Ok(meta::get(conn, COMMENTS_PAUSED)?.as_deref() == Some("1"))
}

/// Turns the site-wide switch on (every comment form closed) or off.
pub fn set_paused(
    conn: &mut DbConn,
    actor: i64,
    paused: bool,
    now: NaiveDateTime,
) -> ServiceResult<()> {
    write_transaction(conn, |conn| {
        meta::set(conn, COMMENTS_PAUSED, if paused { "1" } else { "0" })?;
        store::audit(
            conn,
            Some(actor),
            if paused {
                Audit::CommentsPaused
            } else {
                Audit::CommentsResumed
            },
            COMMENTS_PAUSED,
            now,
        )?;
        Ok(())
    })
}
