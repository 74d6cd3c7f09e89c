//! The moderators' queue: held comments with their evidence, decisions on one comment
//! or a selection (each in one transaction), bans, trust, edits, what decisions teach
//! the learned scores, thread controls, the site-wide switch and the audit log.

use std::collections::HashMap;

use crate::service::mail::MailContext;
use chrono::{Duration, NaiveDateTime};
use serde::Serialize;

use super::site::{display_date, offset};
use super::{ServiceError, ServiceResult, invalid};
use crate::domain::CommentMode;
use crate::domain::CommentStatus;
use crate::domain::text::truncate_words;
use crate::moderation::lessons::{self, Decided};
use crate::moderation::{Field, Hit, HouseRule, Standing};
use crate::storage::comments::{self as comment_store, CommentRow};
use crate::storage::moderation::{self as store, Audit, NewEvent, QueueFilter};
use crate::storage::{DbConn, commenters, learned_tokens, posts as post_store, write_transaction};

/// Longest moderator's note kept, in characters.
const MAX_NOTE: usize = 1000;

/// What a moderator decides about a comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Publish it.
    Approve,
    /// Do not publish it, citing a house rule.
    Reject {
        /// The rule it breaks.
        house_rule: HouseRule,
    },
    /// Reject it as spam (house rule 3) and teach the spam score.
    Spam,
}

impl Decision {
    /// The audit entry for this decision on comment `id`.
    pub fn audit(self, id: i64) -> Audit {
        match self {
            Decision::Approve => Audit::CommentApprove(id),
            Decision::Reject { .. } => Audit::CommentReject(id),
            Decision::Spam => Audit::CommentSpam(id),
        }
    }

    /// The decision as the lessons learn from it (a spam mark cites house rule 3).
    pub fn decided(self) -> Decided {
        match self {
            Decision::Approve => Decided::Approve,
            Decision::Reject { house_rule } => Decided::Reject(Some(house_rule)),
            Decision::Spam => Decided::Spam,
        }
    }

    /// The name recorded in events.
    pub fn as_str(self) -> &'static str {
        self.decided().as_str()
    }

    /// The house rule it cites.
    fn house_rule(self) -> Option<HouseRule> {
        match self {
            Decision::Approve => None,
            Decision::Reject { house_rule } => Some(house_rule),
            Decision::Spam => Some(HouseRule::SPAM),
        }
    }

    fn status(self) -> CommentStatus {
        match self {
            Decision::Approve => CommentStatus::Published,
            _ => CommentStatus::Rejected,
        }
    }
}

/// One choice of a house-rule menu (the queue's filter, an appeal's rule to uphold).
#[derive(Debug, Clone, Copy, Serialize)]
pub struct HouseRuleChoice {
    /// The rule.
    pub value: HouseRule,
    /// The one chosen now.
    pub selected: bool,
}

/// Every house rule as a menu, `chosen` selected.
pub fn house_rule_menu(chosen: Option<HouseRule>) -> [HouseRuleChoice; 6] {
    HouseRule::ALL.map(|h| HouseRuleChoice {
        value: h,
        selected: Some(h) == chosen,
    })
}

fn clean_note(note: &str) -> String {
    note.trim().chars().take(MAX_NOTE).collect()
}

/// Applies one decision to every listed comment, in one transaction: each gets an event
/// (history is never rewritten, so a reversal is just another decision), its new status,
/// an audit entry, and what it teaches the learned scores ([`lessons::taught_by`]).
pub fn decide(
    conn: &mut DbConn,
    mail: &MailContext,
    actor: i64,
    ids: &[i64],
    decision: Decision,
    note: &str,
    now: NaiveDateTime,
) -> ServiceResult<usize> {
    if ids.is_empty() {
        return Err(invalid("ids", "Select at least one comment."));
    }
    let note = clean_note(note);
    write_transaction(conn, |conn| {
        let mut approved = Vec::new();
        for &id in ids {
            let c = comment_store::find(conn, id)?.ok_or(ServiceError::NotFound)?;
            let to = decision.status();
            // What this comment last taught (before this event is added): a reversal takes
            // it back before teaching the new lesson.
            let deciding_rule = deciding_rule(&c);
            let taught = store::events_of(conn, id)?
                .into_iter()
                .rev()
                .find_map(|(e, _)| Decided::parse(&e.action, store::house_rule_of(e.house_rule)))
                .map(|d| lessons::taught_by(d, deciding_rule.as_deref()))
                .unwrap_or_default();
            let house_rule = decision.house_rule();
            let teaches = lessons::taught_by(decision.decided(), deciding_rule.as_deref());
            store::add_event(
                conn,
                &NewEvent {
                    comment_id: id,
                    actor_id: Some(actor),
                    action: decision.as_str(),
                    from_status: c.status.as_str(),
                    to_status: to.as_str(),
                    house_rule: house_rule.map(|h| i32::from(h.number())),
                    note: &note,
                    original_body: None,
                    created_at: now,
                },
            )?;

            store::set_comment(conn, id, to, None, now)?;
            retrain(conn, &c.body, &taught, &teaches)?;
            let detail = match decision {
                Decision::Reject { house_rule } => {
                    format!("{} → {to}; house rule {house_rule}", c.status)
                }
                _ => format!("{} → {to}", c.status),
            };
            store::audit(conn, Some(actor), decision.audit(id), &detail, now)?;
            super::reports::close_on_decision(conn, mail, actor, id, decision, now)?;
            if decision == Decision::Approve && c.status != CommentStatus::Published {
                approved.push(id);
            }
        }
        for id in approved {
            after_approval(conn, mail, id, now)?;
        }
        Ok(ids.len())
    })
}

/// Keeps each comment counted at most once per lesson, under its latest label: a
/// reversal takes back what the earlier decision taught before teaching the new one.
fn retrain(
    conn: &mut DbConn,
    body: &str,
    was: &[(&'static str, bool)],
    now: &[(&'static str, bool)],
) -> ServiceResult<()> {
    if was == now {
        return Ok(());
    }
    let words = lessons::tokens(body);
    for &(lesson, positive) in was {
        learned_tokens::untrain(conn, lesson, &words, positive)?;
    }
    for &(lesson, positive) in now {
        learned_tokens::train(conn, lesson, &words, positive)?;
    }
    Ok(())
}

/// The rule whose hit decided the automatic verdict (hits are stored deciding first).
pub(crate) fn deciding_rule(c: &CommentRow) -> Option<String> {
    let hits: Vec<Hit> = serde_json::from_str(&c.hits).ok()?;
    hits.into_iter().next().map(|h| h.rule)
}

/// Runs once a comment becomes published by a moderator's decision, inside the
/// decision's transaction.
pub fn after_approval(
    conn: &mut DbConn,
    mail: &MailContext,
    comment_id: i64,
    now: NaiveDateTime,
) -> ServiceResult<()> {
    // Queued in the same transaction: the approval and its e-mails land together or not at all.
    crate::service::mail::notify_comment_approved(conn, mail, comment_id, now)?;
    Ok(())
}

/// Replaces a comment's text (a typo, a sentence removed), keeping the original in its
/// history; with `approve`, publishes it in the same transaction.
#[allow(clippy::too_many_arguments)]
pub fn edit(
    conn: &mut DbConn,
    mail: &MailContext,
    actor: i64,
    id: i64,
    body: &str,
    note: &str,
    approve: bool,
    now: NaiveDateTime,
) -> ServiceResult<()> {
    let body = body.trim();
    if body.is_empty() {
        return Err(invalid("body", "The comment cannot be empty."));
    }
    if body.chars().count() > crate::domain::comment::MAX_BODY {
        return Err(invalid("body", "The comment is too long."));
    }
    let note = clean_note(note);
    write_transaction(conn, |conn| {
        let c = comment_store::find(conn, id)?.ok_or(ServiceError::NotFound)?;
        store::add_event(
            conn,
            &NewEvent {
                comment_id: id,
                actor_id: Some(actor),
                action: store::EDIT,
                from_status: c.status.as_str(),
                to_status: c.status.as_str(),
                house_rule: None,
                note: &note,
                original_body: Some(&c.body),
                created_at: now,
            },
        )?;
        store::set_comment(conn, id, c.status, Some(body), now)?;
        store::audit(conn, Some(actor), Audit::CommentEdit(id), "", now)?;
        if approve {
            decide(conn, mail, actor, &[id], Decision::Approve, &note, now)?;
        }
        Ok(())
    })
}

/// What a ban on a comment's author reaches (any of the three).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BanScope {
    /// The e-mail key: the person.
    pub email: bool,
    /// The exact address the comment came from: everyone behind it (one household, one
    /// office's shared address).
    pub address: bool,
    /// The network prefix (/24 or /64): everyone on it, an office, a library, a mobile
    /// carrier's customers.
    pub network: bool,
}

/// The address as bans compare it, from a comment's stored text.
fn stored_address(ip: Option<&str>) -> Option<String> {
    let ip = ip?.trim();
    if ip.is_empty() {
        return None;
    }
    Some(
        ip.parse()
            .map_or_else(|_| ip.to_owned(), crate::moderation::identity::address_key),
    )
}

/// Bans a comment's author by e-mail, exact address and/or network, optionally for
/// some days.
pub fn ban(
    conn: &mut DbConn,
    actor: i64,
    comment_id: i64,
    scope: BanScope,
    days: Option<i64>,
    note: &str,
    now: NaiveDateTime,
) -> ServiceResult<i64> {
    if scope == BanScope::default() {
        return Err(invalid(
            "ban",
            "Ban the e-mail, the exact address, the network, or more than one.",
        ));
    }
    if days.is_some_and(|d| !(1..=3650).contains(&d)) {
        return Err(invalid(
            "days",
            "A ban lasts 1 to 3650 days, or leave it empty.",
        ));
    }
    let note = clean_note(note);
    write_transaction(conn, |conn| {
        let c = comment_store::find(conn, comment_id)?.ok_or(ServiceError::NotFound)?;
        let network = Some(c.network.as_str()).filter(|n| scope.network && !n.is_empty());
        if scope.network && network.is_none() {
            return Err(invalid("ban", "This comment has no network to ban."));
        }
        let address = stored_address(c.ip.as_deref()).filter(|_| scope.address);
        if scope.address && address.is_none() {
            return Err(invalid(
                "ban",
                "This comment's exact address is no longer kept (addresses are erased after the retention period).",
            ));
        }
        let email_key = scope.email.then_some(c.email_key.as_str());
        let expires = days.map(|d| now + Duration::days(d));
        let id = store::add_ban(
            conn,
            store::BanTarget {
                email_key,
                network,
                address: address.as_deref(),
            },
            expires,
            &note,
            actor,
            now,
        )?;
        let detail = format!(
            "{}{}{}{}",
            email_key
                .map(|e| format!("e-mail {e}; "))
                .unwrap_or_default(),
            address
                .as_deref()
                .map(|a| format!("address {a}; "))
                .unwrap_or_default(),
            network
                .map(|n| format!("network {n}; "))
                .unwrap_or_default(),
            expires.map_or("no expiry".to_owned(), |e| format!(
                "until {}",
                display_date(e)
            ))
        );
        store::audit(
            conn,
            Some(actor),
            Audit::CommenterBan(comment_id),
            &detail,
            now,
        )?;
        Ok(id)
    })
}

/// Lifts a ban (kept for the record).
pub fn lift_ban(
    conn: &mut DbConn,
    actor: i64,
    ban_id: i64,
    now: NaiveDateTime,
) -> ServiceResult<()> {
    write_transaction(conn, |conn| {
        if store::lift_ban(conn, ban_id, now)? == 0 {
            return Err(ServiceError::NotFound);
        }
        store::audit(conn, Some(actor), Audit::CommenterUnban(ban_id), "", now)?;
        Ok(())
    })
}

/// Marks a comment's author as trusted (future comments skip the soft rules) or normal.
pub fn trust(
    conn: &mut DbConn,
    actor: i64,
    comment_id: i64,
    trusted: bool,
    now: NaiveDateTime,
) -> ServiceResult<()> {
    write_transaction(conn, |conn| {
        let c = comment_store::find(conn, comment_id)?.ok_or(ServiceError::NotFound)?;
        let standing = if trusted {
            Standing::Trusted
        } else {
            Standing::Normal
        };
        commenters::set_standing(conn, &c.email_key, standing, "", now)?;
        store::audit(
            conn,
            Some(actor),
            if trusted {
                Audit::CommenterTrust(comment_id)
            } else {
                Audit::CommenterUntrust(comment_id)
            },
            &format!("e-mail {}", c.email_key),
            now,
        )?;
        Ok(())
    })
}

/// Sets a post's comment mode (as the form names it), with an optional note.
pub fn set_comment_mode(
    conn: &mut DbConn,
    actor: i64,
    post_id: i64,
    mode: &str,
    note: &str,
    now: NaiveDateTime,
) -> ServiceResult<()> {
    let Some(mode) = CommentMode::parse(mode) else {
        return Err(invalid(
            "mode",
            "Choose open, closed or follow the archive rule.",
        ));
    };
    let note = clean_note(note);
    write_transaction(conn, |conn| {
        post_store::find(conn, post_id)?.ok_or(ServiceError::NotFound)?;
        let kept = (mode == CommentMode::Closed && !note.is_empty()).then_some(note.as_str());
        store::set_comment_mode(conn, post_id, mode, kept)?;
        store::audit(
            conn,
            Some(actor),
            Audit::PostCommentMode(post_id, mode),
            &note,
            now,
        )?;
        Ok(())
    })
}

/// Reopens a post a flood closed.
pub fn lift_flood(
    conn: &mut DbConn,
    actor: i64,
    post_id: i64,
    now: NaiveDateTime,
) -> ServiceResult<()> {
    write_transaction(conn, |conn| {
        post_store::find(conn, post_id)?.ok_or(ServiceError::NotFound)?;
        store::lift_flood(conn, post_id)?;
        store::audit(conn, Some(actor), Audit::PostFloodLifted(post_id), "", now)?;
        Ok(())
    })
}

/// A piece of a field's text, marked when a rule matched it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Segment {
    /// The text (escaped by the template like everything else).
    pub text: String,
    /// Evidence a rule matched.
    pub mark: bool,
}

/// Cuts `text` at the evidence spans the hits hold for `field`, so the template can wrap
/// the matched pieces in `<mark>`. Spans that overlap are merged; spans that do not fall
/// on character boundaries (text edited since) are skipped rather than trusted.
pub fn segments(text: &str, hits: &[Hit], field: Field) -> Vec<Segment> {
    let mut spans: Vec<(usize, usize)> = hits
        .iter()
        .filter_map(|h| h.evidence.as_ref())
        .filter(|e| e.field == field && e.start < e.end && e.end <= text.len())
        .filter(|e| text.is_char_boundary(e.start) && text.is_char_boundary(e.end))
        .map(|e| (e.start, e.end))
        .collect();
    spans.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (s, e) in spans {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    let mut out = Vec::new();
    let mut at = 0;
    for (s, e) in merged {
        if s > at {
            out.push(Segment {
                text: text[at..s].to_owned(),
                mark: false,
            });
        }
        out.push(Segment {
            text: text[s..e].to_owned(),
            mark: true,
        });
        at = e;
    }
    if at < text.len() || out.is_empty() {
        out.push(Segment {
            text: text[at..].to_owned(),
            mark: false,
        });
    }
    out
}

/// A rule that fired, as moderators see it.
#[derive(Debug, Clone, Serialize)]
pub struct HitView {
    /// Rule id.
    pub rule: String,
    /// The house rule.
    pub house_rule: HouseRule,
    /// What the rule asked for.
    pub action: String,
    /// For moderators.
    pub summary: String,
    /// Evidence text (context facts, or the matched words).
    pub evidence: Option<String>,
}

/// The commenter behind a comment, as moderators see them.
#[derive(Debug, Clone, Serialize)]
pub struct CommenterView {
    /// Name given.
    pub name: String,
    /// E-mail as typed.
    pub email: String,
    /// Folded e-mail (filter key).
    pub email_key: String,
    /// Network prefix.
    pub network: String,
    /// Comments published.
    pub published: i64,
    /// Comments held.
    pub held: i64,
    /// Comments rejected.
    pub rejected: i64,
    /// First comment.
    pub first_seen: String,
    /// `normal`, `trusted` or `banned`.
    pub standing: &'static str,
    /// Marked trusted (the page offers to stop trusting).
    pub trusted: bool,
}

/// One comment in the queue.
#[derive(Debug, Clone, Serialize)]
pub struct QueueItem {
    /// Key.
    pub id: i64,
    /// Status.
    pub status: CommentStatus,
    /// Waiting for a moderator (for the templates, which do not compare names).
    pub is_held: bool,
    /// On the post.
    pub is_published: bool,
    /// Rejected.
    pub is_rejected: bool,
    /// The engine's action.
    pub auto_action: String,
    /// Came from WordPress, already moderated there (the engine never judged it).
    pub imported: bool,
    /// Post id.
    pub post_id: i64,
    /// Post title.
    pub post_title: String,
    /// Post address.
    pub post_url: String,
    /// The parent comment (for replies): author and start of text.
    pub parent: Option<(String, String)>,
    /// The body, cut at the evidence.
    pub body: Vec<Segment>,
    /// The name, cut at the evidence.
    pub author: Vec<Segment>,
    /// Every rule that fired.
    pub hits: Vec<HitView>,
    /// Who wrote it.
    pub commenter: CommenterView,
    /// "3 h 20 min".
    pub waiting: String,
    /// Submitted.
    pub submitted: String,
}

fn waiting(from: NaiveDateTime, now: NaiveDateTime) -> String {
    let m = (now - from).num_minutes().max(0);
    match m {
        0 => "less than a minute".to_owned(),
        1..=59 => format!("{m} min"),
        60..=1439 => format!("{} h {} min", m / 60, m % 60),
        _ => format!("{} days", m / 1440),
    }
}

/// Parses stored hits; a row written by an older engine that no longer parses shows none.
pub fn parse_hits(json: &str) -> Vec<Hit> {
    serde_json::from_str(json).unwrap_or_default()
}

/// What the queue shows beside each comment (parent, history, bans, standing, whether it
/// came from WordPress), loaded for a whole page in one query each rather than a few per
/// comment.
struct Surroundings {
    history: HashMap<String, ([i64; 3], NaiveDateTime)>,
    parents: HashMap<i64, (String, String)>,
    bans: Vec<store::BanRow>,
    standings: HashMap<String, Standing>,
    /// The comments that came from WordPress (their verdicts are WordPress's).
    imported: std::collections::HashSet<i64>,
}

impl Surroundings {
    fn load<'a>(
        conn: &mut DbConn,
        rows: impl Iterator<Item = &'a CommentRow> + Clone,
        now: NaiveDateTime,
    ) -> ServiceResult<Surroundings> {
        let distinct = |values: Vec<String>| {
            let mut v = values;
            v.sort();
            v.dedup();
            v
        };
        let keys = distinct(rows.clone().map(|c| c.email_key.clone()).collect());
        let networks = distinct(rows.clone().map(|c| c.network.clone()).collect());
        let addresses = distinct(
            rows.clone()
                .filter_map(|c| stored_address(c.ip.as_deref()))
                .collect(),
        );
        let ids: Vec<i64> = rows.clone().map(|c| c.id).collect();
        let parent_ids: Vec<i64> = rows.filter_map(|c| c.parent_id).collect();
        let parents = comment_store::find_many(conn, &parent_ids)?
            .into_iter()
            .map(|p| (p.id, (p.author_name, truncate_words(&p.body, 200))))
            .collect();
        Ok(Surroundings {
            history: store::history(conn, &keys)?,
            parents,
            bans: store::active_bans_any(conn, &keys, &networks, &addresses, now)?,
            standings: commenters::standings(conn, &keys)?,
            imported: crate::storage::wordpress::imported_among(conn, &ids)?,
        })
    }
}

fn item(
    c: CommentRow,
    post_title: String,
    post_slug: String,
    around: &Surroundings,
    now: NaiveDateTime,
) -> QueueItem {
    let hits = parse_hits(&c.hits);
    let parent = c.parent_id.and_then(|p| around.parents.get(&p).cloned());
    let (counts, first) = around
        .history
        .get(&c.email_key)
        .copied()
        .unwrap_or(([0; 3], c.created_at));
    let banned = around.bans.iter().any(|b| {
        b.covers(
            &c.email_key,
            &c.network,
            stored_address(c.ip.as_deref()).as_deref(),
        )
    });
    let standing = if banned {
        Standing::Banned
    } else {
        around
            .standings
            .get(&c.email_key)
            .copied()
            .unwrap_or_default()
    };
    QueueItem {
        id: c.id,
        body: segments(&c.body, &hits, Field::Body),
        author: segments(&c.author_name, &hits, Field::Author),
        hits: hits
            .iter()
            .map(|h| HitView {
                rule: h.rule.clone(),
                house_rule: h.house_rule,
                action: h.action.as_str().to_owned(),
                summary: h.summary.clone(),
                evidence: h.evidence.as_ref().map(|e| e.text.clone()),
            })
            .collect(),
        commenter: CommenterView {
            name: c.author_name.clone(),
            email: c.email.clone(),
            email_key: c.email_key.clone(),
            network: c.network.clone(),
            published: counts[0],
            held: counts[1],
            rejected: counts[2],
            first_seen: display_date(first),
            standing: standing.as_str(),
            trusted: standing == Standing::Trusted,
        },
        waiting: waiting(c.created_at, now),
        submitted: format!(
            "{} {}",
            display_date(c.created_at),
            c.created_at.format("%H:%M")
        ),
        imported: around.imported.contains(&c.id),
        status: c.status,
        is_held: c.status == CommentStatus::Held,
        is_published: c.status == CommentStatus::Published,
        is_rejected: c.status == CommentStatus::Rejected,
        auto_action: c.auto_action,
        post_id: c.post_id,
        post_title,
        post_url: format!("/posts/{post_slug}"),
        parent,
    }
}

/// Comments on each page of the queue.
pub const QUEUE_PAGE: u32 = 100;

/// One page (1-based) of the queue's comments for a filter, and whether more follow.
pub fn list(
    conn: &mut DbConn,
    filter: QueueFilter,
    page: u32,
    now: NaiveDateTime,
) -> ServiceResult<(Vec<QueueItem>, bool)> {
    let filter = QueueFilter {
        offset: offset(page, QUEUE_PAGE),
        // One more than a page: it tells whether there is a next one.
        limit: i64::from(QUEUE_PAGE) + 1,
        ..filter
    };
    let mut rows = store::queue(conn, &filter)?;
    let more = rows.len() > QUEUE_PAGE as usize;
    rows.truncate(QUEUE_PAGE as usize);
    Ok((items(conn, rows, now)?, more))
}

/// Comments (with their post's title and slug) as the queue shows them.
pub fn items(
    conn: &mut DbConn,
    rows: Vec<(CommentRow, String, String)>,
    now: NaiveDateTime,
) -> ServiceResult<Vec<QueueItem>> {
    let around = Surroundings::load(conn, rows.iter().map(|r| &r.0), now)?;
    Ok(rows
        .into_iter()
        .map(|(c, title, slug)| item(c, title, slug, &around, now))
        .collect())
}

/// One entry of a comment's history.
#[derive(Debug, Clone, Serialize)]
pub struct EventView {
    /// What happened.
    pub action: String,
    /// Who ("the house-rules engine" for the automatic verdict).
    pub actor: String,
    /// Status before (none for the automatic verdict).
    pub from_status: Option<CommentStatus>,
    /// Status after.
    pub to_status: CommentStatus,
    /// The house rule cited.
    pub house_rule: Option<HouseRule>,
    /// The note.
    pub note: String,
    /// For edits: the text before.
    pub original_body: Option<String>,
    /// When.
    pub at: String,
}

/// A comment with its full history, for `/admin/comments/{id}`.
#[derive(Debug, Clone, Serialize)]
pub struct CommentDetail {
    /// The comment as the queue shows it.
    pub item: QueueItem,
    /// The raw text (for the edit form).
    pub body_text: String,
    /// The automatic verdict, then every human action, oldest first.
    pub events: Vec<EventView>,
    /// Bans in force on this commenter.
    pub bans: Vec<(i64, String)>,
    /// The ban form's choices and what each would reach.
    pub ban_form: BanFormView,
}

/// How far back the ban form looks for the others a network ban would reach.
pub const NETWORK_SEEN_DAYS: i64 = 90;
/// How many of those it lists.
const NETWORK_SEEN_SHOWN: i64 = 50;

/// The ban form: a network ban reaches everyone on the network, so the form says who
/// else wrote from it lately, and offers the exact address instead.
#[derive(Debug, Clone, Serialize)]
pub struct BanFormView {
    /// The network prefix (empty when unknown).
    pub network: String,
    /// The exact address, while it is kept.
    pub address: Option<String>,
    /// Other e-mail keys seen on the network in the last [`NETWORK_SEEN_DAYS`] days.
    pub others: Vec<String>,
    /// More than the ones listed.
    pub others_more: bool,
    /// [`NETWORK_SEEN_DAYS`].
    pub days: i64,
}

/// A comment with its history.
pub fn detail(conn: &mut DbConn, id: i64, now: NaiveDateTime) -> ServiceResult<CommentDetail> {
    let c = comment_store::find(conn, id)?.ok_or(ServiceError::NotFound)?;
    let post = post_store::find(conn, c.post_id)?.ok_or(ServiceError::NotFound)?;
    let around = Surroundings::load(conn, std::iter::once(&c), now)?;
    let (action, actor) = if around.imported.contains(&c.id) {
        (
            format!("imported from WordPress: {}", c.auto_action),
            "the WordPress import".to_owned(),
        )
    } else {
        (
            format!("automatic verdict: {}", c.auto_action),
            format!("the house-rules engine ({})", c.engine_version),
        )
    };
    let mut events = vec![EventView {
        action,
        actor,
        from_status: None,
        to_status: CommentStatus::from(
            crate::moderation::Action::parse(&c.auto_action)
                .unwrap_or(crate::moderation::Action::Hold),
        ),
        house_rule: None,
        note: format!("score {:.1}", c.score),
        original_body: None,
        at: format!(
            "{} {}",
            display_date(c.created_at),
            c.created_at.format("%H:%M")
        ),
    }];
    for (e, actor) in store::events_of(conn, id)? {
        events.push(EventView {
            action: e.action,
            actor: actor.unwrap_or_else(|| "the system".to_owned()),
            from_status: Some(e.from_status),
            to_status: e.to_status,
            house_rule: store::house_rule_of(e.house_rule),
            note: e.note,
            original_body: e.original_body,
            at: format!(
                "{} {}",
                display_date(e.created_at),
                e.created_at.format("%H:%M")
            ),
        });
    }
    // The same bans the queue's standing comes from.
    let bans = around
        .bans
        .clone()
        .into_iter()
        .map(|b| {
            let what = [
                b.email_key.map(|e| format!("e-mail {e}")),
                b.address.map(|a| format!("address {a}")),
                b.network.map(|n| format!("network {n}")),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", ");
            let until = b.expires_at.map_or("no expiry".to_owned(), |e| {
                format!("until {}", display_date(e))
            });
            (
                b.id,
                format!("{what} ({until}) {}", b.note).trim().to_owned(),
            )
        })
        .collect();
    let mut others = store::email_keys_on_network(
        conn,
        &c.network,
        &c.email_key,
        now - Duration::days(NETWORK_SEEN_DAYS),
        NETWORK_SEEN_SHOWN + 1,
    )?;
    let others_more = others.len() > NETWORK_SEEN_SHOWN as usize;
    others.truncate(NETWORK_SEEN_SHOWN as usize);
    let ban_form = BanFormView {
        network: c.network.clone(),
        address: stored_address(c.ip.as_deref()),
        others,
        others_more,
        days: NETWORK_SEEN_DAYS,
    };
    let body_text = c.body.clone();
    let item = item(c, post.title, post.slug, &around, now);
    Ok(CommentDetail {
        item,
        body_text,
        events,
        bans,
        ban_form,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::moderation::{Action, Evidence};

    fn hit(field: Field, start: usize, end: usize) -> Hit {
        Hit {
            rule: "r".into(),
            house_rule: HouseRule::CIVILITY,
            action: Action::Hold,
            evidence: Some(Evidence {
                field,
                start,
                end,
                text: String::new(),
            }),
            summary: String::new(),
            reason: String::new(),
        }
    }

    fn marked(segs: &[Segment]) -> Vec<(&str, bool)> {
        segs.iter().map(|s| (s.text.as_str(), s.mark)).collect()
    }

    #[test]
    fn evidence_spans_cut_the_text() {
        let hits = [
            hit(Field::Body, 6, 10),
            hit(Field::Body, 8, 12),
            hit(Field::Author, 0, 2),
        ];
        assert_eq!(
            marked(&segments("<b>x </b> tail", &hits, Field::Body)),
            [("<b>x <", false), ("/b> ta", true), ("il", false)]
        );
    }

    #[test]
    fn spans_off_the_text_or_inside_a_character_are_ignored() {
        let hits = [hit(Field::Body, 1, 2), hit(Field::Body, 3, 99)];
        assert_eq!(marked(&segments("é!", &hits, Field::Body)), [("é!", false)]);
        assert_eq!(marked(&segments("", &[], Field::Body)), [("", false)]);
    }
}
