//! Nonces of comment-form tokens already used, so a replayed form can be recognised.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::form_nonces;
use super::{DbConn, dispatch};

/// Records a nonce as used; `false` when it had been used before.
pub fn claim(conn: &mut DbConn, nonce: &str, now: NaiveDateTime) -> QueryResult<bool> {
    let inserted = dispatch!(conn, |c| diesel::insert_into(form_nonces::table)
        .values((form_nonces::nonce.eq(nonce), form_nonces::used_at.eq(now)))
        .on_conflict_do_nothing()
        .execute(c))?;
    Ok(inserted == 1)
}

/// Forgets nonces used before a time.
pub fn purge(conn: &mut DbConn, before: NaiveDateTime) -> QueryResult<usize> {
    dispatch!(conn, |c| diesel::delete(
        form_nonces::table.filter(form_nonces::used_at.lt(before))
    )
    .execute(c))
}
