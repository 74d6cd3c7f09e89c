//! Where readers' personal data lives, one entry per table ([`PERSONAL_DATA`]), and the
//! generic queries export and erasure run over it. A table added later that holds a
//! reader's data needs one entry here: export and erasure then cover it.
//!
//! Table and column names come only from this list (never from input); every value is
//! a bound parameter.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use super::{DbConn, dispatch};

/// How a table's rows are known to be one reader's.
#[derive(Debug, Clone, Copy)]
pub enum Owner {
    /// The column holds the folded e-mail.
    EmailKey(&'static str),
    /// The column holds an address as typed (compared without case).
    Email(&'static str),
    /// The column holds a full IP address.
    Address(&'static str),
    /// The column holds the id of one of the reader's comments.
    Comment(&'static str),
}

/// What erasure does with a table's rows that are the reader's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Erase {
    /// They are deleted.
    Delete,
    /// The comments themselves: removed, or kept under "[name removed]" (the admin
    /// chooses, for published ones).
    Comments,
    /// They go with a removed comment and stay with a kept one (their free text
    /// scrubbed).
    WithComment,
    /// They stay; only the free text in `mentions` is scrubbed.
    Keep,
}

/// One table that may hold a reader's personal data.
#[derive(Debug, Clone, Copy)]
pub struct PersonalTable {
    /// The table.
    pub table: &'static str,
    /// Which rows are the reader's (any of these); empty: none are, only `mentions`.
    pub owners: &'static [Owner],
    /// What erasure does with them.
    pub erase: Erase,
    /// Free-text columns that may name anyone (notes, message text): erasure replaces
    /// the reader's e-mail, name and addresses in them, in every row.
    pub mentions: &'static [&'static str],
    /// A column naming a comment the row is about without being the reader's (mail to
    /// other readers quoting it): such rows go when that comment is removed.
    pub about_comment: Option<&'static str>,
}

/// Every table holding readers' personal data. Staff accounts, sessions and sign-in
/// attempts are staff data, not readers'.
pub const PERSONAL_DATA: &[PersonalTable] = &[
    PersonalTable {
        table: "comments",
        owners: &[Owner::EmailKey("email_key")],
        erase: Erase::Comments,
        mentions: &[],
        about_comment: None,
    },
    PersonalTable {
        table: "comment_events",
        owners: &[Owner::Comment("comment_id")],
        erase: Erase::WithComment,
        mentions: &["note"],
        about_comment: None,
    },
    PersonalTable {
        table: "wp_comments",
        owners: &[Owner::Comment("comment_id")],
        erase: Erase::WithComment,
        mentions: &[],
        about_comment: None,
    },
    PersonalTable {
        table: "appeals",
        owners: &[Owner::Comment("comment_id")],
        erase: Erase::WithComment,
        mentions: &["explanation", "decision_note"],
        about_comment: None,
    },
    // The reports a reader made are theirs; reports others made about the reader's
    // comment are the reporters' (they go if the comment is removed).
    PersonalTable {
        table: "reports",
        owners: &[Owner::Email("reporter_email")],
        erase: Erase::Delete,
        mentions: &["detail"],
        about_comment: Some("comment_id"),
    },
    PersonalTable {
        table: "reply_subscriptions",
        owners: &[Owner::EmailKey("email_key")],
        erase: Erase::Delete,
        mentions: &[],
        about_comment: None,
    },
    PersonalTable {
        table: "bans",
        owners: &[Owner::EmailKey("email_key"), Owner::Address("address")],
        erase: Erase::Delete,
        mentions: &["note"],
        about_comment: None,
    },
    PersonalTable {
        table: "commenters",
        owners: &[Owner::EmailKey("email_key")],
        erase: Erase::Delete,
        mentions: &["note"],
        about_comment: None,
    },
    PersonalTable {
        table: "commenter_history",
        owners: &[Owner::EmailKey("email_key")],
        erase: Erase::Delete,
        mentions: &[],
        about_comment: None,
    },
    PersonalTable {
        table: "outbox",
        owners: &[Owner::Email("recipient")],
        erase: Erase::Delete,
        mentions: &[
            "subject",
            "body_text",
            "body_html",
            "unsubscribe_url",
            "last_error",
        ],
        about_comment: Some("comment_id"),
    },
    PersonalTable {
        table: "audit_log",
        owners: &[],
        erase: Erase::Keep,
        mentions: &["detail"],
        about_comment: None,
    },
];

/// Who a reader is, as the tables store it.
#[derive(Debug, Clone, Default)]
pub struct Person {
    /// The folded e-mail.
    pub email_key: String,
    /// Every spelling of the address seen, in lower case.
    pub emails: Vec<String>,
    /// Every full IP address still kept.
    pub addresses: Vec<String>,
}

/// A value bound into a generated query.
enum Bind {
    Text(String),
    Int(i64),
}

/// A `WHERE` condition with its values, written for one backend's placeholders.
struct Condition {
    sql: String,
    binds: Vec<Bind>,
}

struct Placeholders {
    postgres: bool,
    n: usize,
}

impl Placeholders {
    fn next(&mut self) -> String {
        self.n += 1;
        if self.postgres {
            format!("${}", self.n)
        } else {
            "?".to_owned()
        }
    }

    fn list(&mut self, n: usize) -> String {
        (0..n).map(|_| self.next()).collect::<Vec<_>>().join(", ")
    }
}

fn placeholders(conn: &DbConn) -> Placeholders {
    Placeholders {
        postgres: matches!(conn, DbConn::Postgres(_)),
        n: 0,
    }
}

/// The rows of `owners` that are `person`'s.
fn owned(p: &mut Placeholders, owners: &[Owner], person: &Person) -> Condition {
    let mut parts = Vec::new();
    let mut binds = Vec::new();
    for owner in owners {
        match *owner {
            Owner::EmailKey(col) => {
                parts.push(format!("{col} = {}", p.next()));
                binds.push(Bind::Text(person.email_key.clone()));
            }
            Owner::Email(col) if !person.emails.is_empty() => {
                parts.push(format!("lower({col}) IN ({})", p.list(person.emails.len())));
                binds.extend(person.emails.iter().cloned().map(Bind::Text));
            }
            Owner::Address(col) if !person.addresses.is_empty() => {
                parts.push(format!("{col} IN ({})", p.list(person.addresses.len())));
                binds.extend(person.addresses.iter().cloned().map(Bind::Text));
            }
            Owner::Comment(col) => {
                parts.push(format!(
                    "{col} IN (SELECT id FROM comments WHERE email_key = {})",
                    p.next()
                ));
                binds.push(Bind::Text(person.email_key.clone()));
            }
            Owner::Email(_) | Owner::Address(_) => {}
        }
    }
    if parts.is_empty() {
        parts.push("1 = 0".to_owned());
    }
    Condition {
        sql: format!("({})", parts.join(" OR ")),
        binds,
    }
}

/// Rows whose `col` is one of `ids`.
fn among(p: &mut Placeholders, col: &str, ids: &[i64]) -> Condition {
    if ids.is_empty() {
        return Condition {
            sql: "1 = 0".to_owned(),
            binds: Vec::new(),
        };
    }
    Condition {
        sql: format!("{col} IN ({})", p.list(ids.len())),
        binds: ids.iter().copied().map(Bind::Int).collect(),
    }
}

macro_rules! run_bound {
    ($c:ident, $sql:expr, $binds:expr, |$q:ident| $finish:expr) => {{
        let mut $q = diesel::sql_query($sql).into_boxed();
        for b in $binds {
            $q = match b {
                Bind::Text(s) => $q.bind::<Text, _>(s),
                Bind::Int(n) => $q.bind::<BigInt, _>(n),
            };
        }
        $finish
    }};
}

fn execute(conn: &mut DbConn, sql: String, binds: Vec<Bind>) -> QueryResult<usize> {
    dispatch!(conn, |c| run_bound!(c, sql, binds, |q| q.execute(c)))
}

#[derive(QueryableByName)]
struct JsonRow {
    #[diesel(sql_type = Text)]
    json: String,
}

#[derive(QueryableByName)]
struct ColumnName {
    #[diesel(sql_type = Text)]
    name: String,
}

/// A table's rows as JSON objects (every column), in the database's own JSON.
fn rows_as_json(conn: &mut DbConn, table: &str, condition: Condition) -> QueryResult<Vec<String>> {
    let sql = match conn {
        DbConn::Postgres(_) => format!(
            "SELECT row_to_json(t)::text AS json FROM {table} t WHERE {}",
            condition.sql
        ),
        DbConn::Sqlite(c) => {
            let columns: Vec<ColumnName> =
                diesel::sql_query("SELECT name FROM pragma_table_info(?) ORDER BY cid")
                    .bind::<Text, _>(table)
                    .load(c)?;
            let pairs: Vec<String> = columns
                .iter()
                .map(|col| format!("'{0}', \"{0}\"", col.name.replace(['\'', '"'], "")))
                .collect();
            format!(
                "SELECT json_object({}) AS json FROM {table} WHERE {}",
                pairs.join(", "),
                condition.sql
            )
        }
    };
    let rows: Vec<JsonRow> =
        dispatch!(conn, |c| run_bound!(c, sql, condition.binds, |q| q.load(c)))?;
    Ok(rows.into_iter().map(|r| r.json).collect())
}

/// The rows of one table that are `person`'s, as JSON objects.
pub fn export_rows(
    conn: &mut DbConn,
    entry: &PersonalTable,
    person: &Person,
) -> QueryResult<Vec<String>> {
    let mut p = placeholders(conn);
    let condition = owned(&mut p, entry.owners, person);
    rows_as_json(conn, entry.table, condition)
}

/// Deletes the rows of one table that are `person`'s.
pub fn delete_owned(
    conn: &mut DbConn,
    entry: &PersonalTable,
    person: &Person,
) -> QueryResult<usize> {
    let mut p = placeholders(conn);
    let c = owned(&mut p, entry.owners, person);
    execute(
        conn,
        format!("DELETE FROM {} WHERE {}", entry.table, c.sql),
        c.binds,
    )
}

/// Deletes the rows of a table whose `col` names one of `comment_ids`.
pub fn delete_about(
    conn: &mut DbConn,
    table: &str,
    col: &str,
    comment_ids: &[i64],
) -> QueryResult<usize> {
    let mut p = placeholders(conn);
    let c = among(&mut p, col, comment_ids);
    execute(
        conn,
        format!("DELETE FROM {table} WHERE {}", c.sql),
        c.binds,
    )
}

/// Replaces every occurrence of `needle` in a text column, in every row.
pub fn scrub(
    conn: &mut DbConn,
    table: &str,
    col: &str,
    needle: &str,
    with: &str,
) -> QueryResult<usize> {
    let mut p = placeholders(conn);
    let (a, b, c) = (p.next(), p.next(), p.next());
    execute(
        conn,
        format!("UPDATE {table} SET {col} = replace({col}, {a}, {b}) WHERE {col} LIKE {c}"),
        vec![
            Bind::Text(needle.to_owned()),
            Bind::Text(with.to_owned()),
            Bind::Text(format!("%{needle}%")),
        ],
    )
}

/// Every table and text column of the database, from its catalog (for checks that
/// must also cover tables added later).
pub fn text_columns(conn: &mut DbConn) -> QueryResult<Vec<(String, String)>> {
    #[derive(QueryableByName)]
    struct Col {
        #[diesel(sql_type = Text)]
        table_name: String,
        #[diesel(sql_type = Text)]
        column_name: String,
    }
    let cols: Vec<Col> = match conn {
        DbConn::Postgres(c) => diesel::sql_query(
            "SELECT table_name::text AS table_name, column_name::text AS column_name \
             FROM information_schema.columns WHERE table_schema = current_schema() \
             AND data_type IN ('text', 'character varying', 'character', 'json', 'jsonb') \
             ORDER BY table_name, column_name",
        )
        .load(c)?,
        DbConn::Sqlite(c) => diesel::sql_query(
            "SELECT m.name AS table_name, p.name AS column_name \
             FROM sqlite_master m JOIN pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' \
             AND (upper(p.type) LIKE '%TEXT%' OR upper(p.type) LIKE '%CHAR%' OR p.type = '') \
             ORDER BY m.name, p.name",
        )
        .load(c)?,
    };
    Ok(cols
        .into_iter()
        .map(|c| (c.table_name, c.column_name))
        .collect())
}

/// How many rows of `table` hold `needle` in text column `col`.
pub fn count_holding(conn: &mut DbConn, table: &str, col: &str, needle: &str) -> QueryResult<i64> {
    #[derive(QueryableByName)]
    struct N {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let mut p = placeholders(conn);
    let sql = format!(
        "SELECT COUNT(*) AS n FROM \"{table}\" WHERE lower(CAST(\"{col}\" AS TEXT)) LIKE {}",
        p.next()
    );
    let binds = vec![Bind::Text(format!("%{}%", needle.to_lowercase()))];
    let rows: Vec<N> = dispatch!(conn, |c| run_bound!(c, sql, binds, |q| q.load(c)))?;
    Ok(rows.first().map_or(0, |r| r.n))
}
