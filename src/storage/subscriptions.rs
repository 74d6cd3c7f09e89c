//! Readers' requests for e-mail about new comments on a post.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::reply_subscriptions as subs;
use super::{DbConn, dispatch};

/// Subscribes an address to a post's new comments; a second request only refreshes the
/// address the messages go to.
pub fn subscribe(
    conn: &mut DbConn,
    email_key: &str,
    post_id: i64,
    email: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    dispatch!(conn, |c| diesel::insert_into(subs::table)
        .values((
            subs::email_key.eq(email_key),
            subs::post_id.eq(post_id),
            subs::email.eq(email),
            subs::created_at.eq(now),
        ))
        .on_conflict((subs::email_key, subs::post_id))
        .do_update()
        .set(subs::email.eq(email))
        .execute(c))
}

/// Ends a subscription; returns how many were removed (0 when there was none).
pub fn unsubscribe(conn: &mut DbConn, email_key: &str, post_id: i64) -> QueryResult<usize> {
    dispatch!(conn, |c| diesel::delete(
        subs::table
            .filter(subs::email_key.eq(email_key))
            .filter(subs::post_id.eq(post_id))
    )
    .execute(c))
}

/// Whether an address is subscribed to a post.
pub fn is_subscribed(conn: &mut DbConn, email_key: &str, post_id: i64) -> QueryResult<bool> {
    let n: i64 = dispatch!(conn, |c| subs::table
        .filter(subs::email_key.eq(email_key))
        .filter(subs::post_id.eq(post_id))
        .count()
        .get_result(c))?;
    Ok(n > 0)
}

/// A post's subscribers as `(email_key, email)`, except one key (the new comment's writer).
pub fn subscribers(
    conn: &mut DbConn,
    post_id: i64,
    except_key: &str,
) -> QueryResult<Vec<(String, String)>> {
    dispatch!(conn, |c| subs::table
        .filter(subs::post_id.eq(post_id))
        .filter(subs::email_key.ne(except_key))
        .order(subs::created_at.asc())
        .select((subs::email_key, subs::email))
        .load(c))
}
