//! Appeals: a commenter whose comment was rejected asks, once, for a person to review
//! it, from a link signed for that comment (nobody can appeal someone else's comment).
//! Moderators answer in the queue's Appeals tab, through the queue's own decision path
//! (events, lessons and audit stay as for any decision), and the answer is e-mailed.

use chrono::{Duration, NaiveDateTime};
use serde::Serialize;

use super::mail::{self, MailContext, token};
use super::queue::{self, CommentDetail, Decision, HouseRuleChoice, house_rule_menu, parse_hits};
use super::site::display_date;
use super::{ServiceError, ServiceResult, invalid};
use crate::domain::{AppealOutcome, CommentStatus};
use crate::moderation::HouseRule;
use crate::storage::moderation::{self as store, Audit};
use crate::storage::{DbConn, appeals, comments, posts, write_transaction};

/// The queue's tab of open appeals (`/admin/queue?tab=appeals`).
pub const APPEALS_TAB: &str = "appeals";
/// Longest explanation kept, in characters.
pub const MAX_EXPLANATION: usize = 3000;
/// Longest moderator's note kept, in characters.
const MAX_NOTE: usize = 1000;
/// Open appeals the tab lists at once.
const LISTED: i64 = 100;

/// The refusal of a second appeal against one comment.
pub const ALREADY_ASKED: &str = "You have already asked for a review of this comment. A moderator looks at each request once; if you left your e-mail address, the decision is sent to it.";

/// The address of the page where the writer of comment `comment_id` asks for a review.
pub fn link(secret: &[u8], comment_id: i64) -> String {
    format!("/appeal?token={}", token::issue_appeal(secret, comment_id))
}

fn comment_id_of(secret: &[u8], token_text: &str) -> ServiceResult<i64> {
    token::read_appeal(secret, token_text).ok_or_else(|| {
        invalid(
            "token",
            "This review link is not valid. Please use the link shown after you sent your comment.",
        )
    })
}

/// Why a comment was not published, as its writer may read it.
#[derive(Debug, Clone, Serialize)]
pub struct Explained {
    /// The house rule it breaks.
    pub house_rule: Option<HouseRule>,
    /// The reason, written for the commenter (no evidence, no moderators' notes).
    pub reason: Option<String>,
}

/// The house rule behind a comment's rejection: the latest moderator's decision that
/// cites one, else the rule whose hit decided the automatic verdict.
fn rejection(conn: &mut DbConn, c: &comments::CommentRow) -> ServiceResult<Explained> {
    let hits = parse_hits(&c.hits);
    let by_moderator = store::events_of(conn, c.id)?
        .into_iter()
        .rev()
        .find(|(e, _)| e.to_status == CommentStatus::Rejected && e.house_rule.is_some())
        .and_then(|(e, _)| store::house_rule_of(e.house_rule));
    let deciding = hits.first();
    Ok(match by_moderator {
        Some(h) if deciding.is_none_or(|d| d.house_rule != h) => Explained {
            house_rule: Some(h),
            reason: None,
        },
        _ => Explained {
            house_rule: deciding.map(|d| d.house_rule),
            reason: deciding.map(|d| d.reason.clone()),
        },
    })
}

/// The request for a review of comment `id`, if its writer made one (for the review
/// page and the comment's staff page).
pub fn of_comment(conn: &mut DbConn, id: i64) -> ServiceResult<Option<AppealState>> {
    Ok(appeals::for_comment(conn, id)?.map(|a| {
        let outcome = a.outcome();
        AppealState {
            asked: display_date(a.created_at),
            explanation: a.explanation,
            open: a.decided_at.is_none(),
            published: outcome == Some(AppealOutcome::Published),
            upheld: outcome == Some(AppealOutcome::Upheld),
            note: a.decision_note,
        }
    }))
}

/// What the review page shows its commenter.
#[derive(Debug, Clone, Serialize)]
pub struct AppealPage {
    /// The comment.
    pub comment_id: i64,
    /// Its post's title.
    pub post_title: String,
    /// Its post's address.
    pub post_url: String,
    /// The text as they sent it.
    pub body: String,
    /// Why it was not published.
    pub why: Explained,
    /// The comment is rejected and not yet appealed: the form is shown.
    pub can_ask: bool,
    /// Their appeal, once made.
    pub appeal: Option<AppealState>,
    /// The comment is on the site (nothing to review).
    pub published: bool,
}

/// An appeal as its writer sees it.
#[derive(Debug, Clone, Serialize)]
pub struct AppealState {
    /// When they asked.
    pub asked: String,
    /// What they wrote.
    pub explanation: String,
    /// Waiting for a moderator.
    pub open: bool,
    /// The comment was published after review.
    pub published: bool,
    /// The rejection was upheld.
    pub upheld: bool,
    /// The moderator's note.
    pub note: String,
}

/// The review page for the comment a token names.
pub fn page(conn: &mut DbConn, secret: &[u8], token_text: &str) -> ServiceResult<AppealPage> {
    let id = comment_id_of(secret, token_text)?;
    let c = comments::find(conn, id)?.ok_or(ServiceError::NotFound)?;
    let post = posts::find(conn, c.post_id)?.ok_or(ServiceError::NotFound)?;
    let appeal = of_comment(conn, id)?;
    Ok(AppealPage {
        comment_id: id,
        post_title: post.title,
        post_url: format!("/posts/{}", post.slug),
        why: rejection(conn, &c)?,
        can_ask: appeal.is_none() && c.status == CommentStatus::Rejected,
        published: c.status == CommentStatus::Published,
        appeal,
        body: c.body,
    })
}

/// Records a commenter's appeal against the rejection of the comment a token names.
/// One per comment; at most `per_day` a day from one e-mail key (0: no limit).
pub fn ask(
    conn: &mut DbConn,
    secret: &[u8],
    token_text: &str,
    explanation: &str,
    per_day: u32,
    now: NaiveDateTime,
) -> ServiceResult<i64> {
    let id = comment_id_of(secret, token_text)?;
    let explanation = explanation.trim();
    if explanation.is_empty() {
        return Err(invalid(
            "explanation",
            "Please say why you think your comment should be published.",
        ));
    }
    if explanation.chars().count() > MAX_EXPLANATION {
        return Err(invalid(
            "explanation",
            format!("Please keep your explanation under {MAX_EXPLANATION} characters."),
        ));
    }
    write_transaction(conn, |conn| {
        let c = comments::find(conn, id)?.ok_or(ServiceError::NotFound)?;
        if appeals::for_comment(conn, id)?.is_some() {
            return Err(ServiceError::Conflict(ALREADY_ASKED.to_owned()));
        }
        match c.status {
            CommentStatus::Rejected => {}
            CommentStatus::Published => {
                return Err(ServiceError::Conflict(
                    "This comment is published: there is nothing to review.".to_owned(),
                ));
            }
            CommentStatus::Held => {
                return Err(ServiceError::Conflict(
                    "This comment is already waiting for a moderator to review it.".to_owned(),
                ));
            }
        }
        if per_day > 0
            && appeals::count_by_email_key_since(conn, &c.email_key, now - Duration::days(1))?
                >= i64::from(per_day)
        {
            return Err(ServiceError::Throttled(
                "You have asked for several reviews today. Please try again tomorrow; your explanation is kept below.".to_owned(),
            ));
        }
        match appeals::insert(conn, id, explanation, now) {
            Ok(appeal) => Ok(appeal),
            // Two requests at once: the other one was first.
            Err(diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            )) => Err(ServiceError::Conflict(ALREADY_ASKED.to_owned())),
            Err(e) => Err(e.into()),
        }
    })
}

/// A moderator's answer to an appeal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppealDecision {
    /// Publish the comment after all.
    Publish,
    /// Keep it rejected, citing this house rule.
    Uphold {
        /// The rule it breaks.
        house_rule: HouseRule,
    },
}

impl AppealDecision {
    /// The form's value for publishing.
    pub const PUBLISH: &'static str = "publish";
    /// The form's value for upholding.
    pub const UPHOLD: &'static str = "uphold";

    /// The decision a form sent: `publish`, or `uphold` with the house rule it cites.
    pub fn from_form(outcome: &str, house_rule: Option<HouseRule>) -> ServiceResult<Self> {
        match outcome {
            Self::PUBLISH => Ok(AppealDecision::Publish),
            Self::UPHOLD => house_rule
                .map(|house_rule| AppealDecision::Uphold { house_rule })
                .ok_or_else(|| invalid("rule", "Choose the house rule it breaks.")),
            _ => Err(invalid(
                "outcome",
                "Publish the comment or uphold the rejection.",
            )),
        }
    }

    /// What is recorded on the appeal.
    pub fn outcome(self) -> AppealOutcome {
        match self {
            AppealDecision::Publish => AppealOutcome::Published,
            AppealDecision::Uphold { .. } => AppealOutcome::Upheld,
        }
    }
}

/// Decides an open appeal in one transaction: the comment's decision through
/// [`queue::decide`] (event, status, lessons, its audit entry, and the notices a
/// publication sets off), the appeal's outcome with its own audit entry, and the answer
/// queued for the commenter.
pub fn decide(
    conn: &mut DbConn,
    mail_ctx: &MailContext,
    actor: i64,
    appeal_id: i64,
    decision: AppealDecision,
    note: &str,
    now: NaiveDateTime,
) -> ServiceResult<AppealOutcome> {
    let note: String = note.trim().chars().take(MAX_NOTE).collect();
    let outcome = decision.outcome();
    write_transaction(conn, |conn| {
        let a = appeals::find(conn, appeal_id)?.ok_or(ServiceError::NotFound)?;
        if a.decided_at.is_some() {
            return Err(ServiceError::Conflict(
                "This appeal has already been decided.".to_owned(),
            ));
        }
        let on_comment = match decision {
            AppealDecision::Publish => Decision::Approve,
            AppealDecision::Uphold { house_rule } => Decision::Reject { house_rule },
        };
        // The answer to the appeal tells the commenter; the approval notice would say it
        // a second time.
        let quiet = MailContext {
            notify_on_approval: false,
            ..mail_ctx.clone()
        };
        queue::decide(conn, &quiet, actor, &[a.comment_id], on_comment, &note, now)?;
        if appeals::decide(conn, appeal_id, actor, outcome, &note, now)? == 0 {
            return Err(ServiceError::Conflict(
                "This appeal has already been decided.".to_owned(),
            ));
        }
        let audit = match outcome {
            AppealOutcome::Published => Audit::AppealPublished(a.comment_id),
            AppealOutcome::Upheld => Audit::AppealUpheld(a.comment_id),
        };
        store::audit(
            conn,
            Some(actor),
            audit,
            &format!("appeal {appeal_id}"),
            now,
        )?;
        mail::notify_appeal_decided(conn, mail_ctx, a.comment_id, outcome, &note, now)?;
        Ok(outcome)
    })
}

/// One open appeal in the Appeals tab: the comment with its verdict, evidence and
/// history, and what its writer says.
#[derive(Debug, Clone, Serialize)]
pub struct AppealItem {
    /// The appeal.
    pub id: i64,
    /// When it was made.
    pub asked: String,
    /// The commenter's explanation.
    pub explanation: String,
    /// The comment as the queue shows it, with its history.
    pub c: CommentDetail,
    /// The house-rule menu for upholding, the current rule chosen.
    pub rules: [HouseRuleChoice; 6],
}

/// How many appeals wait for a moderator.
pub fn open_count(conn: &mut DbConn) -> ServiceResult<i64> {
    Ok(appeals::open_count(conn)?)
}

/// The open appeals, oldest first.
pub fn open(conn: &mut DbConn, now: NaiveDateTime) -> ServiceResult<Vec<AppealItem>> {
    let mut items = Vec::new();
    for a in appeals::open(conn, LISTED)? {
        let c = comments::find(conn, a.comment_id)?.ok_or(ServiceError::NotFound)?;
        let cited = rejection(conn, &c)?.house_rule;
        items.push(AppealItem {
            id: a.id,
            asked: format!(
                "{} {}",
                display_date(a.created_at),
                a.created_at.format("%H:%M")
            ),
            explanation: a.explanation,
            c: queue::detail(conn, a.comment_id, now)?,
            rules: house_rule_menu(cited),
        });
    }
    Ok(items)
}
