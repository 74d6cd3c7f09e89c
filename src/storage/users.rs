//! Staff accounts.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::users;
use super::{DbConn, dispatch};
use crate::domain::Role;

/// A staff account as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct UserRow {
    /// Key.
    pub id: i64,
    /// Sign-in address, lower-case.
    pub email: String,
    /// Shown on posts.
    pub display_name: String,
    /// What they may do (stored as its lower-case name).
    #[diesel(deserialize_as = String)]
    pub role: Role,
    /// Argon2id PHC string; `None` for accounts that cannot sign in yet.
    pub password_hash: Option<String>,
    /// Disabled accounts cannot sign in.
    pub disabled: bool,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Last changed.
    pub updated_at: NaiveDateTime,
    /// Wants an e-mail when a comment is published on one of their posts.
    pub notify_new_comments: bool,
}

/// A new account.
#[derive(Debug, Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    /// Sign-in address, already normalised.
    pub email: &'a str,
    /// Shown on posts.
    pub display_name: &'a str,
    /// Role name.
    pub role: &'a str,
    /// Hash, if the account can sign in.
    pub password_hash: Option<&'a str>,
    /// Disabled flag.
    pub disabled: bool,
    /// Now.
    pub created_at: NaiveDateTime,
    /// Now.
    pub updated_at: NaiveDateTime,
}

/// How many accounts exist.
pub fn count(conn: &mut DbConn) -> QueryResult<i64> {
    dispatch!(conn, |c| users::table.count().get_result(c))
}

/// Creates an account.
pub fn insert(conn: &mut DbConn, new: &NewUser<'_>) -> QueryResult<UserRow> {
    dispatch!(conn, |c| diesel::insert_into(users::table)
        .values(new)
        .returning(UserRow::as_returning())
        .get_result(c))
}

/// Finds an account by sign-in address.
pub fn find_by_email(conn: &mut DbConn, email: &str) -> QueryResult<Option<UserRow>> {
    dispatch!(conn, |c| users::table
        .filter(users::email.eq(email))
        .select(UserRow::as_select())
        .first(c)
        .optional())
}

/// Finds an account by id.
pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<UserRow>> {
    dispatch!(conn, |c| users::table
        .find(id)
        .select(UserRow::as_select())
        .first(c)
        .optional())
}

/// Every account, by e-mail.
pub fn list(conn: &mut DbConn) -> QueryResult<Vec<UserRow>> {
    dispatch!(conn, |c| users::table
        .order(users::email.asc())
        .select(UserRow::as_select())
        .load(c))
}

/// Replaces an account's password hash.
pub fn set_password(
    conn: &mut DbConn,
    id: i64,
    hash: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    dispatch!(conn, |c| diesel::update(users::table.find(id))
        .set((users::password_hash.eq(hash), users::updated_at.eq(now)))
        .execute(c))
}

/// Disables or re-enables an account.
pub fn set_disabled(
    conn: &mut DbConn,
    id: i64,
    disabled: bool,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    dispatch!(conn, |c| diesel::update(users::table.find(id))
        .set((users::disabled.eq(disabled), users::updated_at.eq(now)))
        .execute(c))
}

/// Every account's display name (commenters may not pass themselves off as staff).
pub fn display_names(conn: &mut DbConn) -> QueryResult<Vec<String>> {
    dispatch!(conn, |c| users::table.select(users::display_name).load(c))
}

/// Turns the notice of new comments on one's posts on or off.
pub fn set_notify_new_comments(conn: &mut DbConn, id: i64, on: bool) -> QueryResult<usize> {
    dispatch!(conn, |c| diesel::update(users::table.find(id))
        .set(users::notify_new_comments.eq(on))
        .execute(c))
}

/// The addresses of enabled moderators and admins: whoever reads the comment queue.
pub fn moderator_emails(conn: &mut DbConn) -> QueryResult<Vec<String>> {
    dispatch!(conn, |c| users::table
        .filter(users::role.eq_any(["admin", "moderator"]))
        .filter(users::disabled.eq(false))
        .order(users::id.asc())
        .select(users::email)
        .load(c))
}
