//! Readers' reports on published comments: the report form's checks, storing a report
//! (limited per network), hiding a comment at once when the reports call for it (and
//! telling the moderators), the queue's Reported tab, dismissing reports, and telling
//! each reader who left an e-mail what a moderator decided. One transaction each.

use std::collections::{BTreeSet, HashMap};

use chrono::{Duration, NaiveDateTime};
use serde::{Deserialize, Serialize};

use super::mail::{self, MailContext};
use super::queue::{self, Decision, QueueItem};
use super::site::{display_date, offset};
use super::{ServiceError, ServiceResult};
use crate::config::Settings;
use crate::domain::comment::{check_email, check_name};
use crate::domain::html::markdown_plain_text;
use crate::domain::text::{has_forbidden_controls, truncate_words};
use crate::domain::{
    CommentStatus, FieldErrors, MenuOption, PostStatus, ReportOutcome, ReportReason,
};
use crate::storage::moderation::{self as moderation_store, Audit};
use crate::storage::reports::{self as store, NewReport, ReportRow};
use crate::storage::{DbConn, comments, posts, write_transaction};

/// What the public page shows in place of a hidden comment.
pub const HIDDEN_NOTE: &str = "This comment is hidden while a moderator reviews it.";
/// Longest "what is wrong" kept, in characters.
pub const MAX_DETAIL: usize = 5000;
/// Longest excerpt of a report quoted to moderators, in characters.
const DETAIL_EXCERPT: usize = 300;
/// Comments on each page of the Reported tab.
pub const REPORTED_PAGE: u32 = 50;

/// The settings reports depend on.
#[derive(Debug, Clone, Copy)]
pub struct ReportSettings {
    /// Reports from this many distinct networks hide a comment.
    pub hide_networks: u32,
    /// Reports one network may send in an hour (0: no limit).
    pub per_network_hour: u32,
}

impl From<&Settings> for ReportSettings {
    fn from(s: &Settings) -> Self {
        ReportSettings {
            hide_networks: s.report_hide_networks,
            per_network_hour: s.reports_per_network_hour,
        }
    }
}

/// The report form as sent (and shown again with a problem).
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
pub struct ReportInput {
    /// A [`ReportReason`] name.
    #[serde(default)]
    pub reason: String,
    /// What is wrong.
    #[serde(default)]
    pub detail: String,
    /// The reader's name (optional).
    #[serde(default)]
    pub name: String,
    /// The reader's e-mail (optional).
    #[serde(default)]
    pub email: String,
}

/// A report that passed its checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidReport {
    /// Why.
    pub reason: ReportReason,
    /// What is wrong (may be empty when the reason needs none).
    pub detail: String,
    /// The reader's name, if given.
    pub name: Option<String>,
    /// The reader's e-mail, if given.
    pub email: Option<String>,
}

impl ReportInput {
    /// Checks the form: a reason from the list, the detail it needs, and a usable
    /// e-mail when one is given.
    pub fn validate(&self) -> Result<ValidReport, FieldErrors> {
        let mut errors = FieldErrors::default();
        let reason = ReportReason::parse(self.reason.trim());
        let detail = self.detail.trim();
        let name = self.name.trim();
        let email = self.email.trim();
        match reason {
            None => errors.add("reason", "Please choose what is wrong with the comment."),
            Some(r) if r.needs_detail() && detail.is_empty() => errors.add(
                "detail",
                match r {
                    ReportReason::Unlawful => {
                        "Please say what is defamatory or unlawful in the comment, and why."
                    }
                    _ => "Please say what is wrong with the comment.",
                },
            ),
            Some(_) => {}
        }
        if detail.chars().count() > MAX_DETAIL {
            errors.add(
                "detail",
                format!("Please keep this to {MAX_DETAIL} characters."),
            );
        } else if has_forbidden_controls(detail) {
            errors.add("detail", "This text contains control characters.");
        }
        // Optional here, but checked as the comment form checks it when given.
        if !name.is_empty()
            && let Err(e) = check_name(name)
        {
            errors.add("name", e);
        }
        if !email.is_empty()
            && let Err(e) = check_email(email)
        {
            errors.add("email", e);
        }
        match reason {
            Some(reason) if errors.is_empty() => Ok(ValidReport {
                reason,
                detail: detail.to_owned(),
                name: Some(name.to_owned()).filter(|n| !n.is_empty()),
                email: Some(email.to_owned()).filter(|e| !e.is_empty()),
            }),
            _ => Err(errors),
        }
    }
}

/// The reasons as the form's choices, the given one chosen.
pub fn reason_options(chosen: &str) -> Vec<MenuOption> {
    ReportReason::ALL
        .into_iter()
        .map(|r| MenuOption {
            value: r.as_str(),
            label: r.label(),
            selected: r.as_str() == chosen,
        })
        .collect()
}

/// The comment a report form is about, as the form shows it.
#[derive(Debug, Clone, Serialize)]
pub struct ReportTarget {
    /// The comment.
    pub comment_id: i64,
    /// Its author's name (empty once hidden).
    pub author: String,
    /// The start of its text (the hidden note once hidden).
    pub excerpt: String,
    /// The post's title.
    pub post_title: String,
    /// The comment's place on the post.
    pub comment_url: String,
    /// Already hidden while a moderator reviews it.
    pub hidden: bool,
}

/// A published comment on a public post, or not found: nothing else can be reported.
pub fn target(
    conn: &mut DbConn,
    comment_id: i64,
    now: NaiveDateTime,
) -> ServiceResult<ReportTarget> {
    let c = comments::find(conn, comment_id)?
        .filter(|c| c.status == CommentStatus::Published)
        .ok_or(ServiceError::NotFound)?;
    let post = posts::find(conn, c.post_id)?
        .filter(|p| p.status == PostStatus::Published && p.published_at.is_some_and(|at| at <= now))
        .ok_or(ServiceError::NotFound)?;
    // Nothing of a hidden comment is served to the public, here neither.
    let hidden = store::hidden_at(conn, comment_id)?.is_some();
    let (author, excerpt) = if hidden {
        (String::new(), HIDDEN_NOTE.to_owned())
    } else {
        (
            c.author_name,
            truncate_words(&markdown_plain_text(&c.body), 300),
        )
    };
    Ok(ReportTarget {
        comment_id,
        author,
        excerpt,
        post_title: post.title,
        comment_url: format!("/posts/{}#comment-{comment_id}", post.slug),
        hidden,
    })
}

/// True when a comment's open reports call for hiding it: one defamatory or unlawful
/// report, or reports from `networks` distinct networks (a network counts once).
pub fn hides(open: &[ReportRow], networks: u32) -> bool {
    let distinct: BTreeSet<&str> = open.iter().map(|r| r.network.as_str()).collect();
    open.iter().any(|r| r.reason.hides_at_once()) || distinct.len() >= networks as usize
}

/// One line per report, for the moderators' e-mail.
fn report_lines(open: &[ReportRow]) -> Vec<String> {
    open.iter()
        .map(|r| {
            let detail = truncate_words(&r.detail, DETAIL_EXCERPT);
            if detail.is_empty() {
                r.reason.label().to_owned()
            } else {
                format!("{}: {detail}", r.reason.label())
            }
        })
        .collect()
}

/// Stores a reader's report on a published comment, in one transaction. Over the
/// per-network limit it is refused (nothing stored). When the comment's open reports
/// now call for it ([`hides`]), the comment is hidden from the public at once, the
/// hiding is audited as the system's, and every moderator is e-mailed at once.
/// Returns whether the comment is hidden now.
pub fn submit(
    conn: &mut DbConn,
    settings: &ReportSettings,
    mail_ctx: &MailContext,
    comment_id: i64,
    report: &ValidReport,
    network: &str,
    now: NaiveDateTime,
) -> ServiceResult<bool> {
    write_transaction(conn, |conn| {
        store::lock_comment(conn, comment_id)?;
        target(conn, comment_id, now)?;
        if settings.per_network_hour > 0
            && store::from_network_since(conn, network, now - Duration::hours(1))?
                >= i64::from(settings.per_network_hour)
        {
            return Err(ServiceError::Throttled(
                "Many reports have come from your network in the last hour, so this one was not sent. \
                 Please try again later; what you wrote is kept in the form below."
                    .to_owned(),
            ));
        }
        store::insert(
            conn,
            &NewReport {
                comment_id,
                reason: report.reason.as_str(),
                detail: &report.detail,
                reporter_name: report.name.as_deref(),
                reporter_email: report.email.as_deref(),
                network,
                created_at: now,
            },
        )?;
        if store::hidden_at(conn, comment_id)?.is_some() {
            return Ok(true);
        }
        let open = store::open_on(conn, &[comment_id])?;
        if !hides(&open, settings.hide_networks) {
            return Ok(false);
        }
        store::set_hidden(conn, comment_id, Some(now))?;
        let networks: BTreeSet<&str> = open.iter().map(|r| r.network.as_str()).collect();
        moderation_store::audit(
            conn,
            None,
            Audit::CommentHiddenByReports(comment_id),
            &format!(
                "{} report(s) from {} network(s): {}",
                open.len(),
                networks.len(),
                open.iter()
                    .map(|r| r.reason.as_str())
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            now,
        )?;
        mail::notify_reported(conn, mail_ctx, comment_id, &report_lines(&open), now)?;
        Ok(true)
    })
}

/// Ends a comment's open reports with `outcome`, shows it again if they hid it, and
/// queues each reporter's e-mail: part of the moderator's transaction. Returns how many
/// reports it ended.
fn close(
    conn: &mut DbConn,
    mail_ctx: &MailContext,
    actor: i64,
    comment_id: i64,
    outcome: ReportOutcome,
    now: NaiveDateTime,
) -> ServiceResult<usize> {
    let closed = store::close(conn, comment_id, outcome, actor, now)?;
    if closed.is_empty() {
        return Ok(0);
    }
    store::set_hidden(conn, comment_id, None)?;
    let reporters: Vec<(Option<String>, String)> = closed
        .iter()
        .filter_map(|r| Some((r.reporter_name.clone(), r.reporter_email.clone()?)))
        .collect();
    mail::notify_report_outcome(
        conn,
        mail_ctx,
        comment_id,
        &reporters,
        outcome.removed(),
        now,
    )?;
    Ok(closed.len())
}

/// A moderator's decision on a comment ends its open reports (inside the decision's
/// transaction, see `queue::decide`).
pub fn close_on_decision(
    conn: &mut DbConn,
    mail_ctx: &MailContext,
    actor: i64,
    comment_id: i64,
    decision: Decision,
    now: NaiveDateTime,
) -> ServiceResult<usize> {
    let outcome = match decision {
        Decision::Approve => ReportOutcome::Approved,
        Decision::Reject { .. } => ReportOutcome::Rejected,
        Decision::Spam => ReportOutcome::Spam,
    };
    close(conn, mail_ctx, actor, comment_id, outcome, now)
}

/// A moderator dismisses a comment's reports: the comment stays, and is shown again if
/// they hid it. One transaction, audited; each reporter who left an e-mail is told.
pub fn dismiss(
    conn: &mut DbConn,
    mail_ctx: &MailContext,
    actor: i64,
    comment_id: i64,
    now: NaiveDateTime,
) -> ServiceResult<usize> {
    write_transaction(conn, |conn| {
        store::lock_comment(conn, comment_id)?;
        comments::find(conn, comment_id)?.ok_or(ServiceError::NotFound)?;
        let was_hidden = store::hidden_at(conn, comment_id)?.is_some();
        let n = close(
            conn,
            mail_ctx,
            actor,
            comment_id,
            ReportOutcome::Dismissed,
            now,
        )?;
        if n == 0 {
            return Err(ServiceError::Conflict(
                "This comment has no open reports: another moderator may have dealt with them."
                    .to_owned(),
            ));
        }
        let shown = if was_hidden { "; shown again" } else { "" };
        moderation_store::audit(
            conn,
            Some(actor),
            Audit::ReportsDismissed(comment_id),
            &format!("{n} report(s) dismissed{shown}"),
            now,
        )?;
        Ok(n)
    })
}

/// How many distinct networks reported a comment for one reason.
#[derive(Debug, Clone, Serialize)]
pub struct ReasonCount {
    /// The reason, as the form says it.
    pub label: &'static str,
    /// Distinct networks.
    pub networks: usize,
}

/// One report, as moderators see it.
#[derive(Debug, Clone, Serialize)]
pub struct ReportView {
    /// The reason.
    pub reason: &'static str,
    /// What the reader wrote.
    pub detail: String,
    /// Name and e-mail, when given.
    pub reporter: Option<String>,
    /// The reporter's network.
    pub network: String,
    /// When.
    pub at: String,
    /// How it ended (`dismissed`, `approved`, `rejected`, `spam`), once it has.
    pub outcome: Option<&'static str>,
}

impl ReportView {
    /// The view of a stored report.
    fn of(r: &ReportRow) -> ReportView {
        ReportView {
            reason: r.reason.label(),
            detail: r.detail.clone(),
            reporter: match (&r.reporter_name, &r.reporter_email) {
                (None, None) => None,
                (name, email) => Some(
                    format!(
                        "{} {}",
                        name.as_deref().unwrap_or(""),
                        email
                            .as_deref()
                            .map(|e| format!("<{e}>"))
                            .unwrap_or_default()
                    )
                    .trim()
                    .to_owned(),
                ),
            },
            network: r.network.clone(),
            at: format!(
                "{} {}",
                display_date(r.created_at),
                r.created_at.format("%H:%M")
            ),
            outcome: r
                .outcome
                .as_deref()
                .and_then(ReportOutcome::parse)
                .map(ReportOutcome::as_str),
        }
    }
}

/// Every report on one comment, open or closed, oldest first (for its staff page).
pub fn on_comment(conn: &mut DbConn, comment_id: i64) -> ServiceResult<Vec<ReportView>> {
    Ok(store::on_comment(conn, comment_id)?
        .iter()
        .map(ReportView::of)
        .collect())
}

/// A comment in the Reported tab.
#[derive(Debug, Clone, Serialize)]
pub struct ReportedItem {
    /// The comment as the queue shows it.
    pub item: QueueItem,
    /// Hidden from the public while it waits.
    pub hidden: bool,
    /// Distinct networks that reported it.
    pub networks: usize,
    /// Counts by reason (distinct networks each).
    pub reasons: Vec<ReasonCount>,
    /// Every open report, oldest first.
    pub reports: Vec<ReportView>,
}

/// One page (1-based) of the comments with open reports, most recently reported first,
/// and whether more follow.
pub fn reported(
    conn: &mut DbConn,
    page: u32,
    now: NaiveDateTime,
) -> ServiceResult<(Vec<ReportedItem>, bool)> {
    let mut rows = store::reported(
        conn,
        offset(page, REPORTED_PAGE),
        i64::from(REPORTED_PAGE) + 1,
    )?;
    let more = rows.len() > REPORTED_PAGE as usize;
    rows.truncate(REPORTED_PAGE as usize);
    let ids: Vec<i64> = rows.iter().map(|r| r.0.id).collect();
    let mut by_comment: HashMap<i64, Vec<ReportRow>> = HashMap::new();
    for r in store::open_on(conn, &ids)? {
        by_comment.entry(r.comment_id).or_default().push(r);
    }
    let hidden: HashMap<i64, bool> = rows.iter().map(|r| (r.0.id, r.3.is_some())).collect();
    let items = queue::items(
        conn,
        rows.into_iter()
            .map(|(c, title, slug, _)| (c, title, slug))
            .collect(),
        now,
    )?;
    let out = items
        .into_iter()
        .map(|item| {
            let open = by_comment.remove(&item.id).unwrap_or_default();
            let networks: BTreeSet<&str> = open.iter().map(|r| r.network.as_str()).collect();
            let reasons = ReportReason::ALL
                .into_iter()
                .filter_map(|reason| {
                    let n = open
                        .iter()
                        .filter(|r| r.reason == reason)
                        .map(|r| r.network.as_str())
                        .collect::<BTreeSet<_>>()
                        .len();
                    (n > 0).then_some(ReasonCount {
                        label: reason.label(),
                        networks: n,
                    })
                })
                .collect();
            let reports = open.iter().map(ReportView::of).collect();
            ReportedItem {
                hidden: hidden.get(&item.id).copied().unwrap_or(false),
                networks: networks.len(),
                reasons,
                reports,
                item,
            }
        })
        .collect();
    Ok((out, more))
}

/// Comments with open reports (for the queue's tab).
pub fn reported_count(conn: &mut DbConn) -> ServiceResult<i64> {
    Ok(store::reported_count(conn)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(reason: &str, detail: &str, email: &str) -> ReportInput {
        ReportInput {
            reason: reason.into(),
            detail: detail.into(),
            name: String::new(),
            email: email.into(),
        }
    }

    #[test]
    fn a_legal_notice_says_what_is_wrong() {
        let e = input("unlawful", " ", "").validate().unwrap_err();
        assert!(e.0.contains_key("detail"), "{e:?}");
        let ok = input("unlawful", "It says X stole money.", "a@example.org")
            .validate()
            .unwrap();
        assert_eq!(ok.reason, ReportReason::Unlawful);
        assert_eq!(ok.email.as_deref(), Some("a@example.org"));
        assert!(
            input("spam", "", "").validate().is_ok(),
            "spam needs no note"
        );
        assert!(input("other", "", "").validate().is_err());
        assert!(
            input("rude", "", "")
                .validate()
                .unwrap_err()
                .0
                .contains_key("reason")
        );
        assert!(
            input("spam", "", "not an address")
                .validate()
                .unwrap_err()
                .0
                .contains_key("email")
        );
    }

    #[test]
    fn one_network_counts_once() {
        let row = |network: &str, reason| ReportRow {
            id: 0,
            comment_id: 1,
            reason,
            detail: String::new(),
            reporter_name: None,
            reporter_email: None,
            network: network.into(),
            created_at: NaiveDateTime::default(),
            outcome: None,
            resolved_by: None,
            resolved_at: None,
        };
        let same = [
            row("10.1.0.0/24", ReportReason::Spam),
            row("10.1.0.0/24", ReportReason::Abusive),
        ];
        assert!(!hides(&same, 2));
        let two = [
            row("10.1.0.0/24", ReportReason::Spam),
            row("10.2.0.0/24", ReportReason::Spam),
        ];
        assert!(hides(&two, 2));
        assert!(hides(&[row("10.1.0.0/24", ReportReason::Unlawful)], 3));
    }
}
