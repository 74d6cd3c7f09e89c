//! Readers' requests for e-mail about new comments on a post. A request made from the
//! comment form waits for its reader to confirm it (`confirmed_at`); only confirmed
//! subscriptions are sent anything but the one confirmation message.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::reply_subscriptions as subs;
use super::{DbConn, dispatch};

/// A subscription as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = subs)]
pub struct SubscriptionRow {
    /// Folded e-mail.
    pub email_key: String,
    /// The post.
    pub post_id: i64,
    /// The address as last typed, where messages go.
    pub email: String,
    /// Asked for.
    pub created_at: NaiveDateTime,
    /// Confirmed from the e-mail; `None` while waiting.
    pub confirmed_at: Option<NaiveDateTime>,
}

/// Subscribes an address whose owner has confirmed it; a second request only refreshes
/// the address the messages go to.
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
            subs::confirmed_at.eq(Some(now)),
        ))
        .on_conflict((subs::email_key, subs::post_id))
        .do_update()
        .set((subs::email.eq(email), subs::confirmed_at.eq(Some(now))))
        .execute(c))
}

/// Records a request waiting for confirmation, unless the address already has one (or a
/// subscription) for this post: returns 1 when a new request was stored.
pub fn request(
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
            subs::confirmed_at.eq(None::<NaiveDateTime>),
        ))
        .on_conflict((subs::email_key, subs::post_id))
        .do_nothing()
        .execute(c))
}

/// Confirms the request made at `requested`, if it is still waiting: 1 when confirmed.
pub fn confirm(
    conn: &mut DbConn,
    email_key: &str,
    post_id: i64,
    requested: NaiveDateTime,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    dispatch!(conn, |c| diesel::update(
        subs::table
            .filter(subs::email_key.eq(email_key))
            .filter(subs::post_id.eq(post_id))
            .filter(subs::created_at.eq(requested))
            .filter(subs::confirmed_at.is_null())
    )
    .set(subs::confirmed_at.eq(Some(now)))
    .execute(c))
}

/// The subscription or request of an address on a post.
pub fn find(
    conn: &mut DbConn,
    email_key: &str,
    post_id: i64,
) -> QueryResult<Option<SubscriptionRow>> {
    dispatch!(conn, |c| subs::table
        .find((email_key, post_id))
        .select(SubscriptionRow::as_select())
        .first(c)
        .optional())
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

/// Whether an address is subscribed to a post (confirmed).
pub fn is_subscribed(conn: &mut DbConn, email_key: &str, post_id: i64) -> QueryResult<bool> {
    let n: i64 = dispatch!(conn, |c| subs::table
        .filter(subs::email_key.eq(email_key))
        .filter(subs::post_id.eq(post_id))
        .filter(subs::confirmed_at.is_not_null())
        .count()
        .get_result(c))?;
    Ok(n > 0)
}

/// A post's confirmed subscribers as `(email_key, email)`, except one key (the new
/// comment's writer).
pub fn subscribers(
    conn: &mut DbConn,
    post_id: i64,
    except_key: &str,
) -> QueryResult<Vec<(String, String)>> {
    dispatch!(conn, |c| subs::table
        .filter(subs::post_id.eq(post_id))
        .filter(subs::email_key.ne(except_key))
        .filter(subs::confirmed_at.is_not_null())
        .order(subs::created_at.asc())
        .select((subs::email_key, subs::email))
        .load(c))
}

/// Forgets requests never confirmed, made before a time.
pub fn purge_unconfirmed(conn: &mut DbConn, before: NaiveDateTime) -> QueryResult<usize> {
    dispatch!(conn, |c| diesel::delete(
        subs::table
            .filter(subs::confirmed_at.is_null())
            .filter(subs::created_at.lt(before))
    )
    .execute(c))
}

/// The addresses an e-mail key's subscriptions send to.
pub fn emails_of(conn: &mut DbConn, email_key: &str) -> QueryResult<Vec<String>> {
    dispatch!(conn, |c| subs::table
        .filter(subs::email_key.eq(email_key))
        .select(subs::email)
        .distinct()
        .load(c))
}
