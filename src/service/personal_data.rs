//! Readers' personal data under the UK GDPR: a copy of everything kept about one
//! e-mail ([`export`]), its erasure ([`erase`]), and the retention purge that forgets
//! what is past its time ([`purge`], run by the server's scheduled job). Export and
//! erasure go over the one list of tables that hold readers' data
//! ([`crate::storage::personal_data::PERSONAL_DATA`]), so a new table is one entry
//! there. Every use is audited: who did it and how much, never the data itself.

use std::collections::BTreeSet;

use chrono::{Duration, NaiveDateTime};
use serde::Serialize;
use serde_json::{Map, Value};

use super::{ServiceError, ServiceResult, invalid};
use crate::config::Settings;
use crate::domain::CommentStatus;
use crate::moderation::identity::email_key;
use crate::storage::moderation::{self as store, Audit};
use crate::storage::personal_data::{self as tables, Erase, PERSONAL_DATA, Person};
use crate::storage::{DbConn, comments, subscriptions, write_transaction};

/// The name a kept comment shows once its writer's data is erased.
pub const NAME_REMOVED: &str = "[name removed]";
/// What replaces the reader's e-mail, name and addresses in notes and message text.
const REMOVED: &str = "[removed]";
/// Names shorter than this are not searched for in free text: they would match inside
/// ordinary words.
const SHORTEST_NAME: usize = 3;
/// Rejected comments purged per pass at most, so one pass never runs for long.
const PURGE_BATCH: i64 = 500;

/// Which reader: from a comment's page, or an address typed on the command line.
#[derive(Debug, Clone)]
pub enum Whose {
    /// The writer of this comment.
    Comment(i64),
    /// Whoever used this address.
    Email(String),
}

/// The reader as the tables know them: their key, and (from a comment's page) the
/// comment the request came from.
fn resolve(conn: &mut DbConn, whose: &Whose) -> ServiceResult<(Person, Option<i64>)> {
    let (key, typed, comment) = match whose {
        Whose::Comment(id) => {
            let c = comments::find(conn, *id)?.ok_or(ServiceError::NotFound)?;
            if c.email_key.is_empty() {
                return Err(ServiceError::Conflict(
                    "This comment's writer is no longer known: their data was erased or purged."
                        .to_owned(),
                ));
            }
            (c.email_key, None, Some(*id))
        }
        Whose::Email(e) => {
            let e = e.trim();
            if !e.contains('@') {
                return Err(invalid("email", "Give the e-mail address the reader used."));
            }
            (email_key(e), Some(e.to_lowercase()), None)
        }
    };
    let mut emails: BTreeSet<String> = typed.into_iter().collect();
    emails.insert(key.clone());
    let mut addresses = BTreeSet::new();
    for (_, email, ip) in comments::identities_of(conn, &key)? {
        emails.insert(email.trim().to_lowercase());
        if let Some(ip) = ip {
            if let Ok(parsed) = ip.parse() {
                addresses.insert(crate::moderation::identity::address_key(parsed));
            }
            addresses.insert(ip);
        }
    }
    // A subscription may outlive every comment.
    emails.extend(
        subscriptions::emails_of(conn, &key)?
            .into_iter()
            .map(|e| e.trim().to_lowercase()),
    );
    emails.retain(|e| !e.is_empty());
    Ok((
        Person {
            email_key: key,
            emails: emails.into_iter().collect(),
            addresses: addresses.into_iter().collect(),
        },
        comment,
    ))
}

/// A reader's data, ready to hand over.
#[derive(Debug, Clone)]
pub struct Export {
    /// The folded e-mail it is about.
    pub email_key: String,
    /// The JSON document.
    pub json: String,
    /// Rows in it, all tables together.
    pub rows: usize,
}

/// Everything kept about one reader, as one JSON document: for each table of
/// [`PERSONAL_DATA`], every row that is theirs with every column. Audited with whose
/// data it was and how many rows, not the data.
pub fn export(
    conn: &mut DbConn,
    actor: Option<i64>,
    whose: &Whose,
    now: NaiveDateTime,
) -> ServiceResult<Export> {
    write_transaction(conn, |conn| {
        let (person, comment) = resolve(conn, whose)?;
        let mut by_table = Map::new();
        let mut rows = 0;
        for entry in PERSONAL_DATA.iter().filter(|e| !e.owners.is_empty()) {
            let list: Vec<Value> = tables::export_rows(conn, entry, &person)?
                .iter()
                .filter_map(|r| serde_json::from_str(r).ok())
                .collect();
            rows += list.len();
            by_table.insert(entry.table.to_owned(), Value::Array(list));
        }
        let doc = serde_json::json!({
            "about": "Everything this site keeps about one reader, by the e-mail address they gave.",
            "email_key": person.email_key,
            "emails": person.emails,
            "exported_at": super::site::iso(now),
            "tables": by_table,
        });
        let json = serde_json::to_string_pretty(&doc)
            .map_err(|e| ServiceError::Conflict(format!("the export could not be written: {e}")))?;
        store::audit(
            conn,
            actor,
            Audit::PersonalDataExport(comment),
            &format!("e-mail {}: {rows} rows", person.email_key),
            now,
        )?;
        Ok(Export {
            email_key: person.email_key,
            json,
            rows,
        })
    })
}

/// What happens to the reader's published comments when their data is erased.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PublishedComments {
    /// They are deleted (replies to them stand on their own).
    Remove,
    /// They stay on the site, under "[name removed]".
    Keep,
}

impl PublishedComments {
    /// The choice as forms and the command line name it.
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "remove" => Some(Self::Remove),
            "keep" => Some(Self::Keep),
            _ => None,
        }
    }
}

/// What an erasure did.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Erased {
    /// Comments deleted.
    pub removed: usize,
    /// Published comments kept under "[name removed]".
    pub kept: usize,
    /// Other rows deleted (subscriptions, bans, marks, mail…).
    pub rows: usize,
    /// Notes and messages where their e-mail, name or address was replaced.
    pub scrubbed: usize,
}

/// What erasing a reader's data would touch, for the confirmation step.
#[derive(Debug, Clone, Serialize)]
pub struct ErasePreview {
    /// The folded e-mail.
    pub email_key: String,
    /// Their published comments (the admin chooses what becomes of them).
    pub published: usize,
    /// Their other comments (held or rejected: deleted).
    pub unpublished: usize,
}

/// Counts what [`erase`] would touch, changing nothing.
pub fn erase_preview(conn: &mut DbConn, whose: &Whose) -> ServiceResult<ErasePreview> {
    let (person, _) = resolve(conn, whose)?;
    let list = comments::of_commenter(conn, &person.email_key)?;
    let published = list
        .iter()
        .filter(|(_, s, _)| *s == CommentStatus::Published)
        .count();
    Ok(ErasePreview {
        unpublished: list.len() - published,
        published,
        email_key: person.email_key,
    })
}

/// The hits with the evidence they matched taken out (it may quote the name, the
/// e-mail or the text), except evidence in the body when `keep_body`.
fn without_evidence(hits: &str, keep_body: bool) -> String {
    let Ok(Value::Array(mut list)) = serde_json::from_str::<Value>(hits) else {
        return "[]".to_owned();
    };
    for hit in &mut list {
        let in_body = hit["evidence"]["field"].as_str() == Some("body");
        if let Some(obj) = hit.as_object_mut()
            && !(keep_body && in_body)
        {
            obj.insert("evidence".to_owned(), Value::Null);
        }
    }
    Value::Array(list).to_string()
}

/// Erases one reader's personal data everywhere, in one transaction: their e-mail,
/// names, website, addresses and browser go from every table of [`PERSONAL_DATA`];
/// their held and rejected comments are deleted, their published ones removed or kept
/// under "[name removed]" as `published` says. The audit log records that an erasure
/// happened and what it counted, never whose.
pub fn erase(
    conn: &mut DbConn,
    actor: Option<i64>,
    whose: &Whose,
    published: PublishedComments,
    now: NaiveDateTime,
) -> ServiceResult<Erased> {
    write_transaction(conn, |conn| {
        let (person, comment) = resolve(conn, whose)?;
        let names: BTreeSet<String> = comments::identities_of(conn, &person.email_key)?
            .into_iter()
            .map(|(name, _, _)| name.trim().to_owned())
            .filter(|n| n.chars().count() >= SHORTEST_NAME && n != NAME_REMOVED)
            .collect();
        let mut done = Erased::default();

        let mut removed = Vec::new();
        for (id, status, hits) in comments::of_commenter(conn, &person.email_key)? {
            if status == CommentStatus::Published && published == PublishedComments::Keep {
                comments::anonymise(
                    conn,
                    id,
                    NAME_REMOVED,
                    &without_evidence(&hits, true),
                    None,
                    now,
                )?;
                done.kept += 1;
            } else {
                removed.push(id);
            }
        }
        // What names the removed comments goes first (foreign keys), then the comments.
        for entry in PERSONAL_DATA {
            let about = match (entry.erase, entry.owners.first()) {
                (Erase::WithComment, Some(tables::Owner::Comment(col))) => Some(*col),
                _ => entry.about_comment,
            };
            if let Some(col) = about {
                done.rows += tables::delete_about(conn, entry.table, col, &removed)?;
            }
        }
        comments::detach_replies(conn, &removed)?;
        done.removed = comments::delete_many(conn, &removed)?;

        for entry in PERSONAL_DATA.iter().filter(|e| e.erase == Erase::Delete) {
            done.rows += tables::delete_owned(conn, entry, &person)?;
        }
        let needles: BTreeSet<&str> = person
            .emails
            .iter()
            .chain(person.addresses.iter())
            .chain(names.iter())
            .map(String::as_str)
            .chain(std::iter::once(person.email_key.as_str()))
            .filter(|n| !n.is_empty())
            .collect();
        for entry in PERSONAL_DATA {
            for col in entry.mentions {
                for needle in &needles {
                    done.scrubbed += tables::scrub(conn, entry.table, col, needle, REMOVED)?;
                }
            }
        }
        store::audit(
            conn,
            actor,
            Audit::PersonalDataErase(comment.filter(|_| done.kept > 0)),
            &format!(
                "{} comments removed, {} kept under \"{NAME_REMOVED}\", {} other rows deleted, {} notes and messages cleaned",
                done.removed, done.kept, done.rows, done.scrubbed
            ),
            now,
        )?;
        Ok(done)
    })
}

/// How long each kind of personal data is kept, in days (from the settings).
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Retention {
    /// Full IP addresses.
    pub ip_days: u32,
    /// Browser descriptions.
    pub user_agent_days: u32,
    /// Rejected comments' text, name, e-mail and website.
    pub rejected_days: u32,
    /// Requests for reply e-mail never confirmed.
    pub unconfirmed_days: u32,
    /// Reporters' details on closed reports.
    pub report_days: u32,
}

impl From<&Settings> for Retention {
    fn from(s: &Settings) -> Self {
        Retention {
            ip_days: s.ip_retention_days,
            user_agent_days: s.user_agent_retention_days,
            rejected_days: s.rejected_retention_days,
            unconfirmed_days: s.unconfirmed_subscription_days,
            report_days: s.report_retention_days,
        }
    }
}

/// What one purge forgot.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Purged {
    /// Full IP addresses.
    pub addresses: usize,
    /// Browser descriptions.
    pub user_agents: usize,
    /// Rejected comments emptied of text and personal data.
    pub rejected: usize,
    /// Unconfirmed subscription requests.
    pub unconfirmed: usize,
    /// Reports whose reporter's details went.
    pub reports: usize,
}

impl Purged {
    fn any(&self) -> bool {
        *self != Purged::default()
    }
}

/// Forgets the reporter's name, e-mail and network on reports closed before `before`.
pub fn purge_reports(conn: &mut DbConn, before: NaiveDateTime) -> ServiceResult<usize> {
    Ok(crate::storage::reports::forget_reporters(conn, before)?)
}

/// Forgets, in one transaction, every piece of personal data older than its retention
/// period at `now`. A purged rejected comment keeps its verdict, rules, scores and
/// dates; only its text and what says who wrote it go. Harmless to run twice (several
/// app servers may), and audited when it forgot anything.
pub fn purge(conn: &mut DbConn, keep: &Retention, now: NaiveDateTime) -> ServiceResult<Purged> {
    let before = |days: u32| now - Duration::days(days.into());
    write_transaction(conn, |conn| {
        let mut done = Purged {
            addresses: comments::purge_ips(conn, before(keep.ip_days))?,
            user_agents: comments::purge_user_agents(conn, before(keep.user_agent_days))?,
            unconfirmed: subscriptions::purge_unconfirmed(conn, before(keep.unconfirmed_days))?,
            reports: purge_reports(conn, before(keep.report_days))?,
            ..Purged::default()
        };
        for (id, hits) in
            comments::rejected_kept_before(conn, before(keep.rejected_days), PURGE_BATCH)?
        {
            comments::anonymise(conn, id, "", &without_evidence(&hits, false), Some(""), now)?;
            store::forget_original_text(conn, id)?;
            crate::storage::appeals::forget_explanation(conn, id)?;
            done.rejected += 1;
        }
        if done.any() {
            store::audit(
                conn,
                None,
                Audit::PersonalDataPurge,
                &format!(
                    "{} addresses, {} browser descriptions, {} rejected comments, {} unconfirmed subscriptions, {} reporters' details",
                    done.addresses, done.user_agents, done.rejected, done.unconfirmed, done.reports
                ),
                now,
            )?;
        }
        Ok(done)
    })
}

/// How often the server's scheduled job purges.
pub const PURGE_EVERY: Duration = Duration::hours(1);

/// The server's purge schedule: due at start, then every [`PURGE_EVERY`] by the clock
/// it is given, so tests move time instead of waiting.
#[derive(Debug, Clone, Copy, Default)]
pub struct Schedule {
    next: Option<NaiveDateTime>,
}

impl Schedule {
    /// Purges if due at `now`; returns what was forgotten when it ran.
    pub fn tick(
        &mut self,
        conn: &mut DbConn,
        keep: &Retention,
        now: NaiveDateTime,
    ) -> ServiceResult<Option<Purged>> {
        if self.next.is_some_and(|next| now < next) {
            return Ok(None);
        }
        // A failed pass waits for the next turn too, rather than retrying every moment.
        self.next = Some(now + PURGE_EVERY);
        Ok(Some(purge(conn, keep, now)?))
    }

    /// True when the next [`Schedule::tick`] at `now` would purge (no database needed).
    pub fn due(&self, now: NaiveDateTime) -> bool {
        self.next.is_none_or(|next| now >= next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evidence_goes_and_rules_stay() {
        let hits = r#"[{"rule":"a","evidence":{"field":"author","start":0,"end":2,"text":"Al"}},{"rule":"b","evidence":{"field":"body","start":0,"end":2,"text":"hi"}}]"#;
        let kept = without_evidence(hits, true);
        assert!(
            !kept.contains("Al") && kept.contains("\"hi\"") && kept.contains("\"a\""),
            "{kept}"
        );
        let purged = without_evidence(hits, false);
        assert!(
            !purged.contains("\"hi\"") && purged.contains("\"b\""),
            "{purged}"
        );
    }

    #[test]
    fn the_schedule_runs_at_start_then_every_hour() {
        let t = chrono::DateTime::from_timestamp(1_800_000_000, 0)
            .map(|d| d.naive_utc())
            .unwrap_or_default();
        let mut s = Schedule::default();
        assert!(s.due(t));
        s.next = Some(t + PURGE_EVERY);
        assert!(!s.due(t + Duration::minutes(59)));
        assert!(s.due(t + Duration::minutes(60)));
    }
}
