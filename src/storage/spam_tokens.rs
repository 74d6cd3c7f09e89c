//! The store behind a spam score learned from moderators' decisions: for each word, in
//! how many comments judged spam and judged not spam it appeared, and how many comments
//! of each kind were counted (kept in `site_meta`). Naive-Bayes style scoring reads these.

use std::collections::{BTreeSet, HashMap};

use diesel::prelude::*;

use super::schema::spam_tokens;
use super::{DbConn, dispatch, meta};

/// `site_meta` key: comments counted as spam.
pub const SPAM_DOCS: &str = "spam_docs";
/// `site_meta` key: comments counted as not spam.
pub const HAM_DOCS: &str = "ham_docs";

/// Counts one judged comment: each distinct token once, and the comment in the totals.
/// Call inside the transaction that records the moderator's decision.
pub fn train(conn: &mut DbConn, tokens: &[String], spam: bool) -> QueryResult<()> {
    let distinct: BTreeSet<&str> = tokens.iter().map(String::as_str).collect();
    let (s, h) = if spam { (1i64, 0i64) } else { (0, 1) };
    for token in distinct {
        dispatch!(conn, |c| diesel::insert_into(spam_tokens::table)
            .values((
                spam_tokens::token.eq(token),
                spam_tokens::spam_count.eq(s),
                spam_tokens::ham_count.eq(h),
            ))
            .on_conflict(spam_tokens::token)
            .do_update()
            .set((
                spam_tokens::spam_count.eq(spam_tokens::spam_count + s),
                spam_tokens::ham_count.eq(spam_tokens::ham_count + h),
            ))
            .execute(c))?;
    }
    meta::add_to_count(conn, if spam { SPAM_DOCS } else { HAM_DOCS }, 1)?;
    Ok(())
}

/// Takes back one earlier `train` of the same tokens and label (a moderator changed
/// their mind), never going below zero.
pub fn untrain(conn: &mut DbConn, tokens: &[String], spam: bool) -> QueryResult<()> {
    let distinct: Vec<&str> = tokens
        .iter()
        .map(String::as_str)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let rows = spam_tokens::table.filter(spam_tokens::token.eq_any(&distinct));
    if spam {
        dispatch!(conn, |c| diesel::update(
            rows.filter(spam_tokens::spam_count.gt(0))
        )
        .set(spam_tokens::spam_count.eq(spam_tokens::spam_count - 1))
        .execute(c))?;
    } else {
        dispatch!(conn, |c| diesel::update(
            rows.filter(spam_tokens::ham_count.gt(0))
        )
        .set(spam_tokens::ham_count.eq(spam_tokens::ham_count - 1))
        .execute(c))?;
    }
    meta::add_to_count(conn, if spam { SPAM_DOCS } else { HAM_DOCS }, -1)?;
    Ok(())
}

/// `(spam, ham)` counts of the tokens that have any.
pub fn counts(conn: &mut DbConn, tokens: &[String]) -> QueryResult<HashMap<String, (i64, i64)>> {
    let rows: Vec<(String, i64, i64)> = dispatch!(conn, |c| spam_tokens::table
        .filter(spam_tokens::token.eq_any(tokens))
        .select((
            spam_tokens::token,
            spam_tokens::spam_count,
            spam_tokens::ham_count
        ))
        .load(c))?;
    Ok(rows.into_iter().map(|(t, s, h)| (t, (s, h))).collect())
}

/// `(spam, ham)` comments counted so far.
pub fn totals(conn: &mut DbConn) -> QueryResult<(i64, i64)> {
    let read = |conn: &mut DbConn, key| -> QueryResult<i64> {
        Ok(meta::get(conn, key)?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0))
    };
    Ok((read(conn, SPAM_DOCS)?, read(conn, HAM_DOCS)?))
}
