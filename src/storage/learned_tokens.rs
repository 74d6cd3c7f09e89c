//! What moderators' decisions taught each learned score (a "lesson", e.g. `spam` or
//! `civility`): for each word, in how many comments judged positive and negative it
//! appeared, and how many comments of each kind were counted (kept in `site_meta`). The
//! engine's naive-Bayes adjustment reads these; every app server shares them.

use std::collections::{BTreeSet, HashMap};

use diesel::prelude::*;

use super::schema::learned_tokens;
use super::{DbConn, dispatch, meta};

fn total_key(lesson: &str, positive: bool) -> String {
    format!(
        "lesson.{lesson}.{}",
        if positive { "positive" } else { "negative" }
    )
}

/// Counts one judged comment under `lesson`: each distinct token once, and the comment in
/// the totals. Call inside the transaction that records the moderator's decision.
pub fn train(
    conn: &mut DbConn,
    lesson: &str,
    tokens: &[String],
    positive: bool,
) -> QueryResult<()> {
    let distinct: BTreeSet<&str> = tokens.iter().map(String::as_str).collect();
    let (p, n) = if positive { (1i64, 0i64) } else { (0, 1) };
    for token in distinct {
        dispatch!(conn, |c| diesel::insert_into(learned_tokens::table)
            .values((
                learned_tokens::lesson.eq(lesson),
                learned_tokens::token.eq(token),
                learned_tokens::positive.eq(p),
                learned_tokens::negative.eq(n),
            ))
            .on_conflict((learned_tokens::lesson, learned_tokens::token))
            .do_update()
            .set((
                learned_tokens::positive.eq(learned_tokens::positive + p),
                learned_tokens::negative.eq(learned_tokens::negative + n),
            ))
            .execute(c))?;
    }
    meta::add_to_count(conn, &total_key(lesson, positive), 1)?;
    Ok(())
}

/// Takes back one earlier `train` of the same lesson, tokens and label (a moderator
/// changed their mind), never going below zero.
pub fn untrain(
    conn: &mut DbConn,
    lesson: &str,
    tokens: &[String],
    positive: bool,
) -> QueryResult<()> {
    let distinct: Vec<&str> = tokens
        .iter()
        .map(String::as_str)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let rows = learned_tokens::table
        .filter(learned_tokens::lesson.eq(lesson))
        .filter(learned_tokens::token.eq_any(&distinct));
    if positive {
        dispatch!(conn, |c| diesel::update(
            rows.filter(learned_tokens::positive.gt(0))
        )
        .set(learned_tokens::positive.eq(learned_tokens::positive - 1))
        .execute(c))?;
    } else {
        dispatch!(conn, |c| diesel::update(
            rows.filter(learned_tokens::negative.gt(0))
        )
        .set(learned_tokens::negative.eq(learned_tokens::negative - 1))
        .execute(c))?;
    }
    meta::add_to_count(conn, &total_key(lesson, positive), -1)?;
    Ok(())
}

/// `(positive, negative)` counts under `lesson` of the tokens that have any.
pub fn counts(
    conn: &mut DbConn,
    lesson: &str,
    tokens: &[String],
) -> QueryResult<HashMap<String, (i64, i64)>> {
    let rows: Vec<(String, i64, i64)> = dispatch!(conn, |c| learned_tokens::table
        .filter(learned_tokens::lesson.eq(lesson))
        .filter(learned_tokens::token.eq_any(tokens))
        .select((
            learned_tokens::token,
            learned_tokens::positive,
            learned_tokens::negative
        ))
        .load(c))?;
    Ok(rows.into_iter().map(|(t, p, n)| (t, (p, n))).collect())
}

/// `(positive, negative)` comments counted so far under `lesson`.
pub fn totals(conn: &mut DbConn, lesson: &str) -> QueryResult<(i64, i64)> {
    let mut read = |positive| -> QueryResult<i64> {
        Ok(meta::get(conn, &total_key(lesson, positive))?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0))
    };
    Ok((read(true)?, read(false)?))
}
