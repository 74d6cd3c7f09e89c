//! The moderators' records: decisions on comments, bans, the audit log and the queue's
//! lists. Events and audit rows are only ever inserted, never changed or deleted.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::comments::CommentRow;
use super::posts::PostRow;
use super::schema::{audit_log, bans, comment_events, commenter_history, comments, posts, users};
use super::{DbConn, dispatch};
use crate::domain::{AuditTarget, CommentMode, CommentStatus, PostStatus};
use crate::moderation::HouseRule;
use crate::moderation::lessons::Decided;

/// A human action on a comment.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = comment_events)]
pub struct EventRow {
    /// Key.
    pub id: i64,
    /// The comment.
    pub comment_id: i64,
    /// Who acted.
    pub actor_id: Option<i64>,
    /// `approve`, `reject`, `spam` or `edit`.
    pub action: String,
    /// Status before.
    #[diesel(deserialize_as = String)]
    pub from_status: CommentStatus,
    /// Status after.
    #[diesel(deserialize_as = String)]
    pub to_status: CommentStatus,
    /// The house rule a rejection cites.
    pub house_rule: Option<i32>,
    /// The moderator's note.
    pub note: String,
    /// For edits: the text before.
    pub original_body: Option<String>,
    /// When.
    pub created_at: NaiveDateTime,
}

/// A new event.
#[derive(Debug, Insertable)]
#[diesel(table_name = comment_events)]
pub struct NewEvent<'a> {
    /// The comment.
    pub comment_id: i64,
    /// Who acted.
    pub actor_id: Option<i64>,
    /// What they did.
    pub action: &'a str,
    /// Status before.
    pub from_status: &'a str,
    /// Status after.
    pub to_status: &'a str,
    /// The house rule cited.
    pub house_rule: Option<i32>,
    /// Note.
    pub note: &'a str,
    /// Original text, for edits.
    pub original_body: Option<&'a str>,
    /// When.
    pub created_at: NaiveDateTime,
}

/// The name a moderator's edit of a comment's text is recorded under.
pub const EDIT: &str = "edit";

/// Which of these comments a moderator has edited (their text is no longer only the
/// commenter's, and readers are told so).
pub fn edited_among(conn: &mut DbConn, ids: &[i64]) -> QueryResult<std::collections::HashSet<i64>> {
    if ids.is_empty() {
        return Ok(std::collections::HashSet::new());
    }
    let rows: Vec<i64> = dispatch!(conn, |c| comment_events::table
        .filter(comment_events::action.eq(EDIT))
        .filter(comment_events::comment_id.eq_any(ids))
        .select(comment_events::comment_id)
        .distinct()
        .load(c))?;
    Ok(rows.into_iter().collect())
}

/// A stored house-rule number, read back (`None` for none, or a number that is no rule).
pub fn house_rule_of(stored: Option<i32>) -> Option<HouseRule> {
    stored
        .and_then(|n| u8::try_from(n).ok())
        .and_then(HouseRule::new)
}

/// Records a decision on a comment.
pub fn add_event(conn: &mut DbConn, e: &NewEvent<'_>) -> QueryResult<usize> {
    dispatch!(conn, |c| diesel::insert_into(comment_events::table)
        .values(e)
        .execute(c))
}

/// A comment's events, oldest first, with the actor's name.
pub fn events_of(
    conn: &mut DbConn,
    comment_id: i64,
) -> QueryResult<Vec<(EventRow, Option<String>)>> {
    dispatch!(conn, |c| comment_events::table
        .left_join(users::table.on(users::id.nullable().eq(comment_events::actor_id)))
        .filter(comment_events::comment_id.eq(comment_id))
        .order((comment_events::created_at.asc(), comment_events::id.asc()))
        .select((EventRow::as_select(), users::display_name.nullable()))
        .load(c))
}

/// Each decided comment's latest moderator decision (`approve`, `spam` or `reject`, with
/// the house rule a rejection cites), by comment id: what `rules train --from-db` learns.
pub fn latest_decisions(conn: &mut DbConn) -> QueryResult<HashMap<i64, Decided>> {
    let rows: Vec<(i64, String, Option<i32>)> = dispatch!(conn, |c| comment_events::table
        .filter(comment_events::action.eq_any(Decided::NAMES))
        .order((comment_events::created_at.asc(), comment_events::id.asc()))
        .select((
            comment_events::comment_id,
            comment_events::action,
            comment_events::house_rule,
        ))
        .load(c))?;
    // Later rows replace earlier ones: a reversal is the decision that stands.
    Ok(rows
        .into_iter()
        .filter_map(|(id, action, rule)| Some((id, Decided::parse(&action, house_rule_of(rule))?)))
        .collect())
}

/// Sets a comment's status (and optionally its body).
pub fn set_comment(
    conn: &mut DbConn,
    id: i64,
    status: CommentStatus,
    body: Option<&str>,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    match body {
        Some(b) => dispatch!(conn, |c| diesel::update(comments::table.find(id))
            .set((
                comments::status.eq(status.as_str()),
                comments::body.eq(b),
                comments::updated_at.eq(now)
            ))
            .execute(c)),
        None => dispatch!(conn, |c| diesel::update(comments::table.find(id))
            .set((
                comments::status.eq(status.as_str()),
                comments::updated_at.eq(now)
            ))
            .execute(c)),
    }
}

/// A rule, or a house rule, that a listed comment's verdict must name.
#[derive(Debug, Clone)]
pub enum HitFilter {
    /// A rule id such as `spam.links`.
    Rule(String),
    /// A house rule.
    HouseRule(HouseRule),
}

impl HitFilter {
    /// The text a stored hit contains when it matches: hits are kept as JSON, so the
    /// filter looks for the exact key and value, its wildcards escaped for `LIKE`.
    fn like_pattern(&self) -> String {
        let needle = match self {
            HitFilter::Rule(r) => format!("\"rule\":{}", serde_json::Value::from(r.as_str())),
            HitFilter::HouseRule(h) => format!("\"house_rule\":{h},"),
        };
        let escaped = needle
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        format!("%{escaped}%")
    }
}

/// Which comments the queue lists.
#[derive(Debug, Clone, Default)]
pub struct QueueFilter {
    /// The queue's tab.
    pub status: CommentStatus,
    /// Only on this post.
    pub post_id: Option<i64>,
    /// Only by this folded e-mail.
    pub email_key: Option<String>,
    /// Only those with a hit of this rule or house rule.
    pub hit: Option<HitFilter>,
    /// How many to skip (earlier pages).
    pub offset: i64,
    /// How many to return at most.
    pub limit: i64,
}

/// Comments for the queue with their post's title and slug: held oldest first, the
/// other tabs newest first.
pub fn queue(conn: &mut DbConn, f: &QueueFilter) -> QueryResult<Vec<(CommentRow, String, String)>> {
    dispatch!(conn, |c| {
        let mut q = comments::table
            .inner_join(posts::table)
            .filter(comments::status.eq(f.status.as_str()))
            .select((CommentRow::as_select(), posts::title, posts::slug))
            .limit(f.limit)
            .offset(f.offset)
            .into_boxed();
        if let Some(p) = f.post_id {
            q = q.filter(comments::post_id.eq(p));
        }
        if let Some(e) = &f.email_key {
            q = q.filter(comments::email_key.eq(e.clone()));
        }
        if let Some(h) = &f.hit {
            q = q.filter(comments::hits.like(h.like_pattern()).escape('\\'));
        }
        q = if f.status == CommentStatus::Held {
            q.order((comments::created_at.asc(), comments::id.asc()))
        } else {
            q.order((comments::updated_at.desc(), comments::id.desc()))
        };
        q.load(c)
    })
}

/// Held comments in all (for the navigation).
pub fn held_count(conn: &mut DbConn) -> QueryResult<i64> {
    dispatch!(conn, |c| comments::table
        .filter(comments::status.eq(CommentStatus::Held.as_str()))
        .count()
        .get_result(c))
}

/// Per e-mail key: (published, held, rejected) counts and the first comment's time, as
/// the database's triggers keep them (migration 9).
pub fn history(
    conn: &mut DbConn,
    email_keys: &[String],
) -> QueryResult<HashMap<String, ([i64; 3], NaiveDateTime)>> {
    if email_keys.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(String, i64, i64, i64, NaiveDateTime)> =
        dispatch!(conn, |c| commenter_history::table
            .filter(commenter_history::email_key.eq_any(email_keys))
            .select((
                commenter_history::email_key,
                commenter_history::published,
                commenter_history::held,
                commenter_history::rejected,
                commenter_history::first_at,
            ))
            .load(c))?;
    Ok(rows
        .into_iter()
        .map(|(key, published, held, rejected, first)| (key, ([published, held, rejected], first)))
        .collect())
}

/// A ban.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = bans)]
pub struct BanRow {
    /// Key.
    pub id: i64,
    /// Folded e-mail banned.
    pub email_key: Option<String>,
    /// Network prefix banned.
    pub network: Option<String>,
    /// Ends at.
    pub expires_at: Option<NaiveDateTime>,
    /// Why.
    pub note: String,
    /// Who.
    pub created_by: Option<i64>,
    /// When.
    pub created_at: NaiveDateTime,
    /// Lifted at.
    pub lifted_at: Option<NaiveDateTime>,
    /// Exact address banned (see `moderation::identity::address_key`).
    pub address: Option<String>,
}

/// What a ban reaches: any of an e-mail key, a network prefix and an exact address.
#[derive(Debug, Clone, Copy, Default)]
pub struct BanTarget<'a> {
    /// Folded e-mail.
    pub email_key: Option<&'a str>,
    /// Network prefix.
    pub network: Option<&'a str>,
    /// Exact address.
    pub address: Option<&'a str>,
}

/// Adds a ban; returns its id.
pub fn add_ban(
    conn: &mut DbConn,
    target: BanTarget<'_>,
    expires_at: Option<NaiveDateTime>,
    note: &str,
    by: i64,
    now: NaiveDateTime,
) -> QueryResult<i64> {
    dispatch!(conn, |c| diesel::insert_into(bans::table)
        .values((
            bans::email_key.eq(target.email_key),
            bans::network.eq(target.network),
            bans::address.eq(target.address),
            bans::expires_at.eq(expires_at),
            bans::note.eq(note),
            bans::created_by.eq(Some(by)),
            bans::created_at.eq(now),
        ))
        .returning(bans::id)
        .get_result(c))
}

/// Lifts a ban (kept for the record).
pub fn lift_ban(conn: &mut DbConn, id: i64, now: NaiveDateTime) -> QueryResult<usize> {
    dispatch!(conn, |c| diesel::update(bans::table.find(id))
        .set(bans::lifted_at.eq(Some(now)))
        .execute(c))
}

/// Bans in force now on this e-mail key or network.
pub fn active_bans(
    conn: &mut DbConn,
    email_key: &str,
    network: &str,
    now: NaiveDateTime,
) -> QueryResult<Vec<BanRow>> {
    active_bans_at(conn, email_key, network, None, now)
}

/// Bans in force now on this e-mail key, network or exact address.
pub fn active_bans_at(
    conn: &mut DbConn,
    email_key: &str,
    network: &str,
    address: Option<&str>,
    now: NaiveDateTime,
) -> QueryResult<Vec<BanRow>> {
    let addresses: Vec<String> = address.map(str::to_owned).into_iter().collect();
    active_bans_any(
        conn,
        &[email_key.to_owned()],
        &[network.to_owned()],
        &addresses,
        now,
    )
}

/// Bans in force on any of these e-mail keys, networks or exact addresses (a ban's
/// empty network or address never matches), for a page of comments at once.
pub fn active_bans_any(
    conn: &mut DbConn,
    email_keys: &[String],
    networks: &[String],
    addresses: &[String],
    now: NaiveDateTime,
) -> QueryResult<Vec<BanRow>> {
    if email_keys.is_empty() && networks.is_empty() && addresses.is_empty() {
        return Ok(Vec::new());
    }
    dispatch!(conn, |c| bans::table
        .filter(
            bans::email_key
                .eq_any(email_keys)
                .or(bans::network.eq_any(networks).and(bans::network.ne("")))
                .or(bans::address.eq_any(addresses).and(bans::address.ne(""))),
        )
        .filter(bans::lifted_at.is_null())
        .filter(bans::expires_at.is_null().or(bans::expires_at.gt(now)))
        .select(BanRow::as_select())
        .load(c))
}

impl BanRow {
    /// True when this ban covers a commenter with this e-mail key, network and (when
    /// still known) exact address.
    pub fn covers(&self, email_key: &str, network: &str, address: Option<&str>) -> bool {
        self.email_key.as_deref() == Some(email_key)
            || (!network.is_empty() && self.network.as_deref() == Some(network))
            || address.is_some_and(|a| !a.is_empty() && self.address.as_deref() == Some(a))
    }
}

/// The other e-mail keys that commented from `network` since `since` (in order, at most
/// `limit`): who else a network ban would reach. Unknown networks have none.
pub fn email_keys_on_network(
    conn: &mut DbConn,
    network: &str,
    except: &str,
    since: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<String>> {
    if network.is_empty() {
        return Ok(Vec::new());
    }
    dispatch!(conn, |c| comments::table
        .filter(comments::network.eq(network))
        .filter(comments::created_at.ge(since))
        .filter(comments::email_key.ne(except))
        .select(comments::email_key)
        .distinct()
        .order(comments::email_key.asc())
        .limit(limit)
        .load(c))
}

/// An audit entry.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = audit_log)]
pub struct AuditRow {
    /// Key.
    pub id: i64,
    /// Who.
    pub actor_id: Option<i64>,
    /// What, e.g. `comment.approve`.
    pub action: String,
    /// What kind of thing it was done to.
    #[diesel(deserialize_as = String)]
    pub target_kind: AuditTarget,
    /// Which.
    pub target_id: Option<i64>,
    /// Details.
    pub detail: String,
    /// When.
    pub created_at: NaiveDateTime,
}

/// What an audit entry records: one constructor per action, each with its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audit {
    /// A post written and saved for the first time.
    PostCreate(i64),
    /// A reader's personal data exported (from a comment's page, or the command line).
    PersonalDataExport(Option<i64>),
    /// A reader's personal data erased (the detail counts what went, never whose).
    PersonalDataErase(Option<i64>),
    /// The retention purge removed data past its time.
    PersonalDataPurge,
    /// A post's saved edit.
    PostEdit(i64),
    /// A post published (or scheduled).
    PostPublish(i64),
    /// A post taken off the site.
    PostUnpublish(i64),
    /// A post deleted.
    PostDelete(i64),
    /// A post's comment mode set.
    PostCommentMode(i64, CommentMode),
    /// A flood closure lifted.
    PostFloodLifted(i64),
    /// A comment approved.
    CommentApprove(i64),
    /// A comment rejected.
    CommentReject(i64),
    /// A comment marked as spam.
    CommentSpam(i64),
    /// A comment edited.
    CommentEdit(i64),
    /// A published comment hidden by readers' reports until a moderator reviews it.
    CommentHiddenByReports(i64),
    /// A comment's reports dismissed (the comment stays, shown again).
    ReportsDismissed(i64),
    /// The author of a comment banned.
    CommenterBan(i64),
    /// A ban lifted.
    CommenterUnban(i64),
    /// The author of a comment trusted.
    CommenterTrust(i64),
    /// The author of a comment no longer trusted.
    CommenterUntrust(i64),
    /// Every comment form closed by the site-wide switch.
    CommentsPaused,
    /// The site-wide switch turned off.
    CommentsResumed,
    /// Every comment held for a moderator by the site-wide switch.
    CommentsHeldAll,
    /// The site-wide hold turned off.
    CommentsHeldAllOff,
    /// A WordPress export imported.
    ImportWordpress,
    /// A staff account created.
    UserCreate(i64),
    /// A staff account's password changed.
    UserPassword(i64),
    /// A staff account disabled.
    UserDisable(i64),
    /// A staff account enabled again.
    UserEnable(i64),
    /// Two-factor sign-in turned on by the account's owner.
    TwoFactorOn(i64),
    /// Two-factor sign-in turned off by the account's owner.
    TwoFactorOff(i64),
    /// A new set of recovery codes made (the old ones no longer work).
    RecoveryCodesNew(i64),
    /// A recovery code used to sign in.
    RecoveryCodeUsed(i64),
    /// Every session of a staff account but the one asking ended by its owner.
    UserSignOutOthers(i64),
    /// A commenter's appeal against the rejection of a comment decided: the rejection
    /// upheld.
    AppealUpheld(i64),
    /// A commenter's appeal decided: the comment published.
    AppealPublished(i64),
}

impl Audit {
    /// The action's stored name, e.g. `comment.approve`.
    pub fn action(self) -> &'static str {
        match self {
            Audit::PostCreate(_) => "post.create",
            Audit::PersonalDataExport(_) => "personal_data.export",
            Audit::PersonalDataErase(_) => "personal_data.erase",
            Audit::PersonalDataPurge => "personal_data.purge",
            Audit::PostEdit(_) => "post.edit",
            Audit::PostPublish(_) => "post.publish",
            Audit::PostUnpublish(_) => "post.unpublish",
            Audit::PostDelete(_) => "post.delete",
            Audit::PostCommentMode(_, CommentMode::Auto) => "post.comments_auto",
            Audit::PostCommentMode(_, CommentMode::Open) => "post.comments_open",
            Audit::PostCommentMode(_, CommentMode::Closed) => "post.comments_closed",
            Audit::PostCommentMode(_, CommentMode::Held) => "post.comments_held",
            Audit::PostFloodLifted(_) => "post.flood_lifted",
            Audit::CommentApprove(_) => "comment.approve",
            Audit::CommentReject(_) => "comment.reject",
            Audit::CommentSpam(_) => "comment.spam",
            Audit::CommentEdit(_) => "comment.edit",
            Audit::CommentHiddenByReports(_) => "comment.hidden_by_reports",
            Audit::ReportsDismissed(_) => "comment.reports_dismissed",
            Audit::CommenterBan(_) => "commenter.ban",
            Audit::CommenterUnban(_) => "commenter.unban",
            Audit::CommenterTrust(_) => "commenter.trust",
            Audit::CommenterUntrust(_) => "commenter.untrust",
            Audit::CommentsPaused => "setting.comments_paused",
            Audit::CommentsResumed => "setting.comments_resumed",
            Audit::CommentsHeldAll => "setting.comments_held",
            Audit::CommentsHeldAllOff => "setting.comments_unheld",
            Audit::ImportWordpress => "import.wordpress",
            Audit::UserCreate(_) => "user.create",
            Audit::UserPassword(_) => "user.password",
            Audit::UserDisable(_) => "user.disable",
            Audit::UserEnable(_) => "user.enable",
            Audit::TwoFactorOn(_) => "user.two_factor_on",
            Audit::TwoFactorOff(_) => "user.two_factor_off",
            Audit::RecoveryCodesNew(_) => "user.recovery_codes_new",
            Audit::RecoveryCodeUsed(_) => "user.recovery_code_used",
            Audit::UserSignOutOthers(_) => "user.sign_out_others",
            Audit::AppealUpheld(_) => "appeal.upheld",
            Audit::AppealPublished(_) => "appeal.published",
        }
    }

    /// What the action was done to: its kind and its id.
    pub fn target(self) -> (AuditTarget, Option<i64>) {
        match self {
            Audit::PostCreate(id)
            | Audit::PostEdit(id)
            | Audit::PostPublish(id)
            | Audit::PostUnpublish(id)
            | Audit::PostDelete(id)
            | Audit::PostCommentMode(id, _)
            | Audit::PostFloodLifted(id) => (AuditTarget::Post, Some(id)),
            // A ban and a trust mark are recorded against the comment they were given on.
            Audit::CommentApprove(id)
            | Audit::CommentReject(id)
            | Audit::CommentSpam(id)
            | Audit::CommentEdit(id)
            | Audit::CommentHiddenByReports(id)
            | Audit::ReportsDismissed(id)
            | Audit::CommenterBan(id)
            | Audit::CommenterTrust(id)
            | Audit::CommenterUntrust(id)
            // An appeal is recorded against the comment it was about.
            | Audit::AppealUpheld(id)
            | Audit::AppealPublished(id) => (AuditTarget::Comment, Some(id)),
            Audit::CommenterUnban(ban) => (AuditTarget::Ban, Some(ban)),
            Audit::PersonalDataExport(comment) | Audit::PersonalDataErase(comment) => {
                (AuditTarget::Comment, comment)
            }
            Audit::PersonalDataPurge
            | Audit::CommentsPaused
            | Audit::CommentsResumed
            | Audit::CommentsHeldAll
            | Audit::CommentsHeldAllOff => (AuditTarget::Setting, None),
            Audit::ImportWordpress => (AuditTarget::Import, None),
            Audit::UserCreate(id)
            | Audit::UserPassword(id)
            | Audit::UserDisable(id)
            | Audit::UserEnable(id)
            | Audit::TwoFactorOn(id)
            | Audit::TwoFactorOff(id)
            | Audit::RecoveryCodesNew(id)
            | Audit::RecoveryCodeUsed(id)
            | Audit::UserSignOutOthers(id) => (AuditTarget::User, Some(id)),
        }
    }
}

/// Records a staff action (`actor` none for the system or the command line).
pub fn audit(
    conn: &mut DbConn,
    actor_id: Option<i64>,
    what: Audit,
    detail: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let (kind, target) = what.target();
    dispatch!(conn, |c| diesel::insert_into(audit_log::table)
        .values((
            audit_log::actor_id.eq(actor_id),
            audit_log::action.eq(what.action()),
            audit_log::target_kind.eq(kind.as_str()),
            audit_log::target_id.eq(target),
            audit_log::detail.eq(detail),
            audit_log::created_at.eq(now),
        ))
        .execute(c))
}

/// Which audit entries to list.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// By this account.
    pub actor_id: Option<i64>,
    /// Of this kind of target.
    pub target_kind: Option<AuditTarget>,
    /// On this target.
    pub target_id: Option<i64>,
    /// Actions starting with this.
    pub action: Option<String>,
}

/// An audit entry and the name of the staff member behind it (none for the system).
pub type AuditEntry = (AuditRow, Option<String>);

/// One page of audit entries, newest first, with the actor's name, and how many entries
/// match the filter in all.
pub fn audit_list(
    conn: &mut DbConn,
    f: &AuditFilter,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<AuditEntry>, i64)> {
    // The same filters on the page's query and on the count.
    macro_rules! filtered {
        ($query:expr) => {{
            let mut q = $query;
            if let Some(a) = f.actor_id {
                q = q.filter(audit_log::actor_id.eq(a));
            }
            if let Some(k) = &f.target_kind {
                q = q.filter(audit_log::target_kind.eq(k.as_str()));
            }
            if let Some(t) = f.target_id {
                q = q.filter(audit_log::target_id.eq(t));
            }
            if let Some(a) = &f.action {
                q = q.filter(audit_log::action.eq(a.clone()));
            }
            q
        }};
    }
    let rows = dispatch!(conn, |c| filtered!(
        audit_log::table
            .left_join(users::table.on(users::id.nullable().eq(audit_log::actor_id)))
            .select((AuditRow::as_select(), users::display_name.nullable()))
            .order((audit_log::created_at.desc(), audit_log::id.desc()))
            .limit(limit)
            .offset(offset)
            .into_boxed()
    )
    .load(c))?;
    let total = dispatch!(conn, |c| filtered!(audit_log::table.count().into_boxed())
        .get_result(c))?;
    Ok((rows, total))
}

/// Sets a post's comment mode and note.
pub fn set_comment_mode(
    conn: &mut DbConn,
    post_id: i64,
    mode: CommentMode,
    note: Option<&str>,
) -> QueryResult<usize> {
    dispatch!(conn, |c| diesel::update(posts::table.find(post_id))
        .set((
            posts::comment_mode.eq(mode.as_str()),
            posts::comments_closed_note.eq(note)
        ))
        .execute(c))
}

/// Lifts a flood closure.
pub fn lift_flood(conn: &mut DbConn, post_id: i64) -> QueryResult<usize> {
    dispatch!(conn, |c| diesel::update(posts::table.find(post_id))
        .set(posts::flood_closed_at.eq(None::<NaiveDateTime>))
        .execute(c))
}

/// Published posts whose comments a flood closed (newest first): id, title and slug.
pub fn flooded_threads(conn: &mut DbConn) -> QueryResult<Vec<(i64, String, String)>> {
    dispatch!(conn, |c| posts::table
        .filter(posts::status.eq(PostStatus::Published.as_str()))
        .filter(posts::flood_closed_at.is_not_null())
        .order(posts::published_at.desc())
        .select((posts::id, posts::title, posts::slug))
        .load(c))
}

/// One page of published posts (newest first) for the thread controls, and how many
/// there are in all.
pub fn threads(conn: &mut DbConn, offset: i64, limit: i64) -> QueryResult<(Vec<PostRow>, i64)> {
    let published = posts::status.eq(PostStatus::Published.as_str());
    let rows = dispatch!(conn, |c| posts::table
        .filter(published)
        .order((posts::published_at.desc(), posts::id.desc()))
        .limit(limit)
        .offset(offset)
        .select(PostRow::as_select())
        .load(c))?;
    let total = dispatch!(conn, |c| posts::table
        .filter(published)
        .count()
        .get_result(c))?;
    Ok((rows, total))
}

/// Forgets the text a comment had before moderators' edits (its history keeps who
/// edited and when).
pub fn forget_original_text(conn: &mut DbConn, comment_id: i64) -> QueryResult<usize> {
    dispatch!(conn, |c| diesel::update(
        comment_events::table
            .filter(comment_events::comment_id.eq(comment_id))
            .filter(comment_events::original_body.is_not_null())
    )
    .set(comment_events::original_body.eq(None::<String>))
    .execute(c))
}
