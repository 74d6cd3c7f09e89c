//! Readers' comments: submitting one (judged by the house-rules engine, stored whatever
//! the outcome) and the public thread under a post.

use std::collections::HashMap;
use std::net::IpAddr;

use chrono::{Duration, NaiveDateTime};
use serde::Serialize;

use super::form_token::{self, NONCE_DAYS, TokenCheck};
use super::mail::{self, MailContext};
use super::premoderation::Premoderation;
use super::site::{display_date, iso};
use super::{ServiceError, ServiceResult, invalid};
use crate::config::Settings;
use crate::domain::comment::check_website;
use crate::domain::html::markdown_plain_text;
use crate::domain::text::truncate_words;
use crate::domain::{CommentMode, CommentStatus, NewComment, SafeHtml};
use crate::moderation::{
    self, Action, Decided, Facts, Fingerprint, History, Hit, HouseRule, Identity, Lessons,
    PostContext, Prior, RuleSet, Standing, Submission,
};
use crate::storage::comments::{self, NewCommentRow, PublicRow};
use crate::storage::moderation as moderation_store;
use crate::storage::posts::{self, PostRow};
use crate::storage::write_transaction;
use crate::storage::{DbConn, commenters, form_nonces, learned_tokens, reports, users};

/// Shown when staff closed a post's comments without a note of their own.
pub const CLOSED_NOTE: &str = "Comments are closed on this post.";
/// Shown on posts older than `archive_after_days`.
pub const ARCHIVE_NOTE: &str = "Comments on older pieces are closed because our small team cannot moderate an archive of this size.";
/// Shown once a flood of similar comments closed a post (house rule 5).
pub const FLOOD_NOTE: &str = "Comments on this post are closed: it received a large number of similar comments. Further comments will not be published.";
/// The refusal when someone submits to a closed or archived post.
pub const REFUSED_CLOSED: &str = "Comments on this post are closed.";

/// Replies nest this many levels below a top-level comment; deeper replies are listed
/// at the last level, marked with whom they answer, so threads stay readable on a phone.
const MAX_NESTING: usize = 2;
/// Longest excerpt of the comment being replied to, in characters.
const REPLY_EXCERPT: usize = 160;
/// Longest `User-Agent` kept, in characters.
const MAX_USER_AGENT: usize = 500;
/// Longest honeypot value kept, in characters (bots may fill it with anything).
const MAX_HONEYPOT: usize = 2000;
/// Most recent decided comments of one commenter handed to the history rules: enough for
/// any share, and a prolific spammer's thousands are not read on every submission.
const MAX_HISTORY: i64 = 500;

/// The settings comment submission depends on.
#[derive(Debug, Clone, Copy)]
pub struct CommentSettings {
    /// Posts older than this many days close to comments (in `auto` mode).
    pub archive_after_days: u32,
    /// Limits on submission speed that people never reach and scripts do.
    pub automation: AutomationLimits,
}

/// Comments refused before they are judged because only a script sends them this fast
/// (0 turns a limit off). Each counts what a bot repeats and a crowd does not: many
/// people behind one office or mobile-carrier address each send a few comments under
/// their own e-mail, so the per-address limit is an hourly ceiling far above them.
#[derive(Debug, Clone, Copy)]
pub struct AutomationLimits {
    /// Comments one e-mail may send in a minute.
    pub per_email_minute: u32,
    /// Comments one exact address may store in an hour.
    pub per_address_hour: u32,
    /// Times the same text may be sent in an hour, by anyone, anywhere on the site.
    pub same_text_hour: u32,
}

impl From<&Settings> for CommentSettings {
    fn from(s: &Settings) -> Self {
        CommentSettings {
            archive_after_days: s.archive_after_days,
            automation: AutomationLimits {
                per_email_minute: s.comments_per_email_minute,
                per_address_hour: s.comments_per_address_hour,
                same_text_hour: s.same_comment_per_hour,
            },
        }
    }
}

/// Refuses a submission that only a script sends this fast (see [`AutomationLimits`]).
fn check_speed(
    conn: &mut DbConn,
    limits: AutomationLimits,
    email_key: &str,
    ip: Option<&str>,
    body: &str,
    now: NaiveDateTime,
) -> ServiceResult<()> {
    let since = (now - Duration::minutes(1), now - Duration::hours(1));
    let (by_email, by_address, same_text) =
        comments::recent_counts(conn, since, email_key, ip, body)?;
    let over = |count: i64, limit: u32| limit > 0 && count >= i64::from(limit);
    let why = if over(by_email, limits.per_email_minute) {
        "You have sent several comments in the last minute."
    } else if over(same_text, limits.same_text_hour) {
        "This exact comment has already been sent many times in the last hour."
    } else if over(by_address, limits.per_address_hour) {
        "Many comments have come from your network in the last hour."
    } else {
        return Ok(());
    };
    Err(ServiceError::Throttled(format!(
        "{why} Your comment was not sent; it is kept in the form below, so you can send it again in a little while."
    )))
}

/// Whether a post takes comments, and why not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CommentsState {
    /// The form is shown.
    Open,
    /// Staff closed them.
    Closed,
    /// The post is older than `archive_after_days` (archive mode).
    Archived,
    /// A flood closed them; late submissions from open forms are still stored and held.
    Flooded,
    /// An admin closed comments across the whole site (an emergency switch).
    Paused,
}

impl CommentsState {
    /// True when a submission is stored (and judged) rather than refused.
    pub fn accepts_submissions(self) -> bool {
        matches!(self, CommentsState::Open | CommentsState::Flooded)
    }
}

/// Works out whether a post takes comments at a moment.
pub fn comments_state(
    post: &PostRow,
    now: NaiveDateTime,
    archive_after_days: u32,
) -> CommentsState {
    let published = post.published_at.unwrap_or(post.created_at);
    let archived = published < now - Duration::days(archive_after_days.into());
    match post.comment_mode {
        CommentMode::Closed => CommentsState::Closed,
        CommentMode::Auto if archived => CommentsState::Archived,
        _ if post.flood_closed_at.is_some() => CommentsState::Flooded,
        _ => CommentsState::Open,
    }
}

/// Whether a post takes comments now: its own state, or paused while an admin's
/// site-wide switch has closed every form.
fn state_now(
    conn: &mut DbConn,
    post: &PostRow,
    now: NaiveDateTime,
    archive_after_days: u32,
) -> ServiceResult<CommentsState> {
    Ok(if super::pause::comments_paused(conn)? {
        CommentsState::Paused
    } else {
        comments_state(post, now, archive_after_days)
    })
}

/// The note shown in place of the form.
fn closed_note(post: &PostRow, state: CommentsState) -> Option<String> {
    match state {
        CommentsState::Open => None,
        CommentsState::Closed => Some(
            post.comments_closed_note
                .clone()
                .filter(|n| !n.trim().is_empty())
                .unwrap_or_else(|| CLOSED_NOTE.to_owned()),
        ),
        CommentsState::Archived => Some(ARCHIVE_NOTE.to_owned()),
        CommentsState::Flooded => Some(FLOOD_NOTE.to_owned()),
        CommentsState::Paused => Some(super::pause::PAUSED_NOTE.to_owned()),
    }
}

/// What the request itself tells about the submission.
#[derive(Debug, Clone)]
pub struct RequestFacts {
    /// The client's address, when known.
    pub ip: Option<IpAddr>,
    /// The `User-Agent` header.
    pub user_agent: String,
    /// The hidden honeypot field as submitted.
    pub honeypot: String,
    /// The comment-form token, already checked against the secret.
    pub token: TokenCheck,
    /// Now.
    pub now: NaiveDateTime,
}

impl From<Action> for CommentStatus {
    fn from(a: Action) -> Self {
        match a {
            Action::Publish => CommentStatus::Published,
            Action::Hold => CommentStatus::Held,
            Action::Reject => CommentStatus::Rejected,
        }
    }
}

/// The outcome of a submission.
#[derive(Debug, Clone)]
pub struct Submitted {
    /// The stored comment.
    pub id: i64,
    /// What the engine decided.
    pub action: Action,
    /// What readers see.
    pub status: CommentStatus,
    /// The house rule behind the decision, if a rule decided it.
    pub house_rule: Option<HouseRule>,
    /// The deciding rule's reason, written for the commenter.
    pub reason: Option<String>,
    /// Every rule that fired.
    pub hits: Vec<Hit>,
    /// The post's address.
    pub post_url: String,
    /// The comment's address on the post (it resolves only once published).
    pub permalink: String,
    /// This submission closed the thread (a flood).
    pub closed_thread: bool,
}

/// Turns a rule's reason into a clause to follow "because" or a dash: no final full
/// stop, and a lower-case first letter unless the first word looks like an acronym.
fn clause(reason: &str) -> String {
    let r = reason.trim().trim_end_matches('.');
    let mut chars = r.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if first.is_uppercase() && !second.is_uppercase() => {
            first.to_lowercase().chain(r.chars().skip(1)).collect()
        }
        _ => r.to_owned(),
    }
}

impl Submitted {
    /// What the commenter is told.
    pub fn message(&self) -> String {
        match (self.status, self.reason.as_deref(), self.house_rule) {
            (CommentStatus::Published, _, _) => "Your comment is published.".to_owned(),
            (CommentStatus::Held, Some(r), _) => format!(
                "Thank you — your comment is awaiting review because {}.",
                clause(r)
            ),
            (CommentStatus::Held, None, _) => {
                "Thank you — your comment is awaiting review by a moderator.".to_owned()
            }
            (CommentStatus::Rejected, Some(r), Some(n)) => format!(
                "Your comment was not published: it breaks house rule {n} — {}.",
                clause(r)
            ),
            (CommentStatus::Rejected, _, _) => {
                "Your comment was not published: it breaks our house rules.".to_owned()
            }
        }
    }
}

/// Keeps what cannot be stored out of free-form evidence: PostgreSQL text cannot hold NUL.
fn storable(s: &str, max: usize) -> String {
    s.chars()
        .take(max)
        .map(|c| if c == '\0' { '\u{FFFD}' } else { c })
        .collect()
}

/// Judges and stores a comment on a public post, in one transaction. Closed and
/// archived posts refuse it (nothing is stored); everything else is stored with the
/// verdict, whatever it is. The e-mail it sets off (reply and author notices when it is
/// published, the flood notice when it closes the thread) is queued in the same
/// transaction, so it goes out if and only if the comment was stored.
pub fn submit(
    conn: &mut DbConn,
    rules: &RuleSet,
    settings: &CommentSettings,
    mail_ctx: &MailContext,
    slug: &str,
    comment: &NewComment,
    request: &RequestFacts,
) -> ServiceResult<Submitted> {
    let now = request.now;
    write_transaction(conn, |conn| {
        form_nonces::purge(conn, now - Duration::days(NONCE_DAYS))?;
        let post = posts::find_public_by_slug(conn, slug, now)?.ok_or(ServiceError::NotFound)?;
        posts::lock_for_comments(conn, post.id)?;
        let state = state_now(conn, &post, now, settings.archive_after_days)?;
        if !state.accepts_submissions() {
            return Err(ServiceError::Conflict(REFUSED_CLOSED.to_owned()));
        }
        let parent = match comment.reply_to {
            Some(id) => {
                let found = comments::find(conn, id)?
                    .filter(|p| p.post_id == post.id && p.status == CommentStatus::Published);
                // A comment hidden by readers' reports offers no reply: its text is not
                // shown, and a reply would repeat what is under review.
                let hidden = found.is_some() && reports::hidden_at(conn, id)?.is_some();
                Some(found.filter(|_| !hidden).ok_or_else(|| {
                    invalid(
                        "reply_to",
                        "You can only reply to a published comment on this post.",
                    )
                })?)
            }
            None => None,
        };
        let timing = form_token::timing(conn, &request.token, post.id, now)?;

        let limits = rules.limits();
        let identity = Identity::new(
            &comment.email,
            request.ip,
            limits.ipv4_prefix,
            limits.ipv6_prefix,
        );
        let ip = request.ip.map(|ip| ip.to_string());
        check_speed(
            conn,
            settings.automation,
            &identity.email_key,
            ip.as_deref(),
            &comment.body,
            now,
        )?;
        let since = now - Duration::seconds(limits.lookback_seconds);
        let prior: Vec<Prior> = comments::recent_on_post(conn, post.id, since)?
            .into_iter()
            .map(|r| Prior {
                identity: Identity {
                    email_key: r.email_key,
                    network: r.network,
                },
                author: r.author_name,
                age_seconds: (now - r.created_at).num_seconds().max(0),
                fingerprint: Fingerprint::parse(&r.fingerprint),
                action: Action::parse(&r.auto_action).unwrap_or(Action::Hold),
            })
            .collect();
        // A ban in force (by e-mail, exact address or network) outranks any mark on the
        // commenter.
        let address = request.ip.map(moderation::identity::address_key);
        let banned = !moderation_store::active_bans_at(
            conn,
            &identity.email_key,
            &identity.network,
            address.as_deref(),
            now,
        )?
        .is_empty();
        let standing = if banned {
            Standing::Banned
        } else {
            commenters::standing(conn, &identity.email_key)?.unwrap_or_default()
        };
        // What moderators' decisions taught about this comment's words, shared by every
        // app server through the database.
        let words = moderation::lessons::tokens(&comment.body);
        let mut lessons = Vec::new();
        for lesson in rules.lessons() {
            let (positive, negative) = learned_tokens::totals(conn, lesson)?;
            lessons.push(Lessons {
                lesson: lesson.to_owned(),
                positive,
                negative,
                words: learned_tokens::counts(conn, lesson, &words)?,
            });
        }
        let staff_names = users::display_names(conn)?;
        let (published, recent) = commenter_history(conn, &identity.email_key, limits, now)?;
        let tags: Vec<String> = posts::tags_for(conn, &[post.id])?
            .remove(&post.id)
            .unwrap_or_default()
            .into_iter()
            .map(|t| t.name)
            .collect();
        let honeypot = storable(&request.honeypot, MAX_HONEYPOT);
        let submission = Submission {
            author: &comment.name,
            email: &comment.email,
            website: &comment.website,
            body: &comment.body,
            honeypot: &honeypot,
            timing,
        };
        let facts = Facts {
            post: PostContext {
                title: &post.title,
                body: &post.body_markdown,
                tags: &tags,
            },
            parent: parent.as_ref().map(|p| p.body.as_str()),
            identity: &identity,
            prior: &prior,
            thread_flood_closed: state == CommentsState::Flooded,
            standing,
            staff_names: &staff_names,
            lessons: &lessons,
            history: Some(History {
                published,
                recent: &recent,
            }),
        };
        let mut verdict = moderation::evaluate(rules, &submission, &facts);
        if let Some(premoderation) = Premoderation::of(conn, &post)? {
            premoderation.apply(&mut verdict);
        }

        let status = CommentStatus::from(verdict.action);
        // Hits are strings, numbers and plain enums, which always serialise.
        let hits = serde_json::to_string(&verdict.hits).unwrap_or_else(|_| "[]".to_owned());
        let user_agent = storable(&request.user_agent, MAX_USER_AGENT);
        let id = comments::insert(
            conn,
            &NewCommentRow {
                post_id: post.id,
                parent_id: parent.as_ref().map(|p| p.id),
                author_name: &comment.name,
                email: &comment.email,
                email_key: &identity.email_key,
                website: &comment.website,
                body: &comment.body,
                status: status.as_str(),
                auto_action: verdict.action.as_str(),
                score: f64::from(verdict.score),
                hits: &hits,
                engine_version: &verdict.engine_version,
                fingerprint: &verdict.fingerprint.to_text(),
                ip: ip.as_deref(),
                network: &identity.network,
                user_agent: &user_agent,
                form_seconds: match timing {
                    moderation::FormTiming::Seconds(s) => Some(s),
                    _ => None,
                },
                form_check: form_token::check_name(timing),
                honeypot: &honeypot,
                created_at: now,
                updated_at: now,
                notify_replies: comment.notify_replies,
            },
        )?;
        // One closure, one notice: near-duplicates after it fire the flood rule again,
        // but only the comment that closed the thread tells the moderators.
        if verdict.close_thread && posts::set_flood_closed(conn, post.id, now)? == 1 {
            mail::notify_flood_closed(conn, mail_ctx, id, now)?;
        }
        // The reply subscription it asked for is requested once it is published (now, or
        // on a moderator's approval): a held or rejected comment subscribes nobody.
        if status == CommentStatus::Published {
            mail::notify_comment_published(conn, mail_ctx, id, now)?;
        }
        let deciding = verdict.deciding_hit();
        let post_url = format!("/posts/{}", post.slug);
        Ok(Submitted {
            id,
            action: verdict.action,
            status,
            house_rule: deciding.map(|h| h.house_rule),
            reason: deciding.map(|h| h.reason.clone()),
            permalink: format!("{post_url}#comment-{id}"),
            post_url,
            hits: verdict.hits,
            closed_thread: verdict.close_thread,
        })
    })
}

/// What the history rules read of a commenter: their comments standing published, and
/// their decided comments within the rules' longest window.
fn commenter_history(
    conn: &mut DbConn,
    email_key: &str,
    limits: moderation::Limits,
    now: NaiveDateTime,
) -> ServiceResult<(u32, Vec<Decided>)> {
    let key = [email_key.to_owned()];
    let published = moderation_store::history(conn, &key)?
        .get(email_key)
        .map_or(0, |(counts, _)| {
            u32::try_from(counts[0]).unwrap_or(u32::MAX)
        });
    let recent = if limits.history_seconds > 0 {
        let since = now - Duration::seconds(limits.history_seconds);
        comments::decided_since(conn, email_key, since, MAX_HISTORY)?
            .into_iter()
            .map(|(at, rejected)| Decided {
                age_seconds: (now - at).num_seconds().max(0),
                rejected,
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok((published, recent))
}

/// A published comment as readers see it.
#[derive(Debug, Clone, Serialize)]
pub struct CommentView {
    /// Key (the anchor is `comment-{id}`).
    pub id: i64,
    /// Name.
    pub author: String,
    /// The author's website, when it is a safe http(s) address.
    pub website: Option<String>,
    /// The rendered, cleaned body.
    pub body_html: SafeHtml,
    /// "23 November 2026 at 14:05".
    pub date_display: String,
    /// RFC 3339.
    pub date_iso: String,
    /// `/posts/{slug}#comment-{id}`.
    pub permalink: String,
    /// The reply link, while the post takes comments.
    pub reply_url: Option<String>,
    /// For replies listed below their parent's level: whom they answer.
    pub in_reply_to: Option<ReplyTarget>,
    /// Hidden by readers' reports while a moderator reviews it: only a note is shown.
    pub hidden: bool,
    /// The report form, for a comment still shown.
    pub report_url: Option<String>,
    /// Replies, oldest first.
    pub replies: Vec<CommentView>,
    /// A moderator changed its text (readers are told, so nobody's words are misquoted).
    pub edited: bool,
}

/// The comment being replied to, as the form and deep replies show it.
#[derive(Debug, Clone, Serialize)]
pub struct ReplyTarget {
    /// Key.
    pub id: i64,
    /// Name.
    pub author: String,
    /// The start of its text.
    pub excerpt: String,
}

/// A post's published comments and whether it takes more.
#[derive(Debug, Clone, Serialize)]
pub struct Thread {
    /// Top-level comments, oldest first, with their replies nested.
    pub comments: Vec<CommentView>,
    /// Published comments in all.
    pub count: usize,
    /// Why the form is or is not shown.
    pub state: CommentsState,
    /// The form is shown.
    pub open: bool,
    /// The note shown instead of the form.
    pub note: Option<String>,
    /// Above the form, when every comment is read by a moderator before it appears.
    pub premoderated: Option<&'static str>,
    /// The comment a reply link asked to answer, when it is in this thread.
    pub replying_to: Option<ReplyTarget>,
}

impl Thread {
    /// True when a comment is shown in this thread.
    pub fn contains(&self, id: i64) -> bool {
        fn any(list: &[CommentView], id: i64) -> bool {
            list.iter().any(|c| c.id == id || any(&c.replies, id))
        }
        any(&self.comments, id)
    }
}

fn reply_target(row: &PublicRow) -> ReplyTarget {
    if row.hidden_at.is_some() {
        return ReplyTarget {
            id: row.id,
            author: "a hidden comment".to_owned(),
            excerpt: super::reports::HIDDEN_NOTE.to_owned(),
        };
    }
    ReplyTarget {
        id: row.id,
        author: row.author_name.clone(),
        excerpt: truncate_words(&markdown_plain_text(&row.body), REPLY_EXCERPT),
    }
}

/// The public thread of a post: published comments only, replies nested under their
/// parents up to [`MAX_NESTING`] levels.
pub fn thread(
    conn: &mut DbConn,
    post_id: i64,
    now: NaiveDateTime,
    archive_after_days: u32,
    reply_to: Option<i64>,
) -> ServiceResult<Thread> {
    let post = posts::find(conn, post_id)?.ok_or(ServiceError::NotFound)?;
    let state = state_now(conn, &post, now, archive_after_days)?;
    let open = state == CommentsState::Open;
    let premoderated = if open {
        Premoderation::of(conn, &post)?.map(Premoderation::notice)
    } else {
        None
    };
    let rows = comments::published_on_post(conn, post_id)?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let edited = moderation_store::edited_among(conn, &ids)?;

    // Rows are oldest first, so a parent is always placed before its replies.
    let index: HashMap<i64, usize> = rows.iter().enumerate().map(|(i, r)| (r.id, i)).collect();
    let mut depth = vec![0usize; rows.len()];
    let mut listed_under: Vec<Option<usize>> = vec![None; rows.len()];
    let mut flattened = vec![false; rows.len()];
    for (i, row) in rows.iter().enumerate() {
        // A reply whose parent is no longer published stands at the top level.
        let Some(p) = row.parent_id.and_then(|id| index.get(&id).copied()) else {
            continue;
        };
        if depth[p] < MAX_NESTING {
            depth[i] = depth[p] + 1;
            listed_under[i] = Some(p);
        } else {
            depth[i] = depth[p];
            listed_under[i] = listed_under[p];
            flattened[i] = true;
        }
    }
    let mut children: HashMap<Option<usize>, Vec<usize>> = HashMap::new();
    for (i, under) in listed_under.iter().enumerate() {
        children.entry(*under).or_default().push(i);
    }

    let view = |i: usize| -> CommentView {
        let r = &rows[i];
        let permalink = format!("/posts/{}#comment-{}", post.slug, r.id);
        // Its text is not served at all while reports hide it, only its place.
        if r.hidden_at.is_some() {
            return CommentView {
                id: r.id,
                author: String::new(),
                website: None,
                body_html: SafeHtml::clean(""),
                date_display: String::new(),
                date_iso: String::new(),
                permalink,
                reply_url: None,
                in_reply_to: None,
                hidden: true,
                report_url: None,
                replies: Vec::new(),
                edited: false,
            };
        }
        CommentView {
            hidden: false,
            report_url: Some(format!("/comments/{}/report", r.id)),
            id: r.id,
            author: r.author_name.clone(),
            website: Some(r.website.clone()).filter(|w| !w.is_empty() && check_website(w).is_ok()),
            body_html: rendered_body(&r.body),
            date_display: format!(
                "{} at {}",
                display_date(r.created_at),
                r.created_at.format("%H:%M")
            ),
            date_iso: iso(r.created_at),
            permalink,
            reply_url: open.then(|| format!("/posts/{}?reply_to={}#comment-form", post.slug, r.id)),
            in_reply_to: flattened[i]
                .then(|| {
                    r.parent_id
                        .and_then(|p| index.get(&p))
                        .map(|&p| reply_target(&rows[p]))
                })
                .flatten(),
            replies: Vec::new(),
            edited: edited.contains(&r.id),
        }
    };
    // Nesting is at most MAX_NESTING deep, so this recursion is bounded.
    fn build(
        at: Option<usize>,
        children: &HashMap<Option<usize>, Vec<usize>>,
        view: &dyn Fn(usize) -> CommentView,
    ) -> Vec<CommentView> {
        children
            .get(&at)
            .map(|list| {
                list.iter()
                    .map(|&i| {
                        let mut v = view(i);
                        v.replies = build(Some(i), children, view);
                        v
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
    let comments = build(None, &children, &view);
    let replying_to = reply_to
        .filter(|_| open)
        .and_then(|id| index.get(&id))
        .filter(|&&i| rows[i].hidden_at.is_none())
        .map(|&i| reply_target(&rows[i]));
    Ok(Thread {
        comments,
        count: rows.len(),
        state,
        open,
        note: closed_note(&post, state),
        premoderated,
        replying_to,
    })
}

/// A post that refused a comment, for the page that keeps the comment's text.
#[derive(Debug, Clone, Serialize)]
pub struct ClosedThread {
    /// The post's title.
    pub title: String,
    /// The post's address.
    pub url: String,
    /// Why it takes no comments: staff's closing note, or the archive, flood or
    /// site-wide note.
    pub note: String,
}

/// The post `slug` names and its closing note, when it takes no comments now (`None`
/// when it does, or is not public).
pub fn closed_thread(
    conn: &mut DbConn,
    slug: &str,
    now: NaiveDateTime,
    archive_after_days: u32,
) -> ServiceResult<Option<ClosedThread>> {
    let Some(post) = posts::find_public_by_slug(conn, slug, now)? else {
        return Ok(None);
    };
    let state = state_now(conn, &post, now, archive_after_days)?;
    Ok(closed_note(&post, state)
        .filter(|_| !state.accepts_submissions())
        .map(|note| ClosedThread {
            url: format!("/posts/{}", post.slug),
            title: post.title,
            note,
        }))
}

/// Bytes of rendered comments kept in memory.
const RENDERED_BYTES: u64 = 8 * 1024 * 1024;

/// A comment's Markdown as cleaned HTML, remembered by its text: a thread of 200
/// comments rendered again every few seconds spent a fifth of its time in Markdown and
/// ammonia. The HTML depends on nothing but the text (an edit is a new text), so a
/// remembered one is always right.
fn rendered_body(markdown: &str) -> SafeHtml {
    #[derive(Clone)]
    struct ByBytes;
    impl quick_cache::Weighter<String, SafeHtml> for ByBytes {
        fn weight(&self, key: &String, html: &SafeHtml) -> u64 {
            (key.len() + html.as_str().len() + 32) as u64
        }
    }
    static RENDERED: std::sync::OnceLock<quick_cache::sync::Cache<String, SafeHtml, ByBytes>> =
        std::sync::OnceLock::new();
    let cache = RENDERED
        .get_or_init(|| quick_cache::sync::Cache::with_weighter(20_000, RENDERED_BYTES, ByBytes));
    if let Some(html) = cache.get(markdown) {
        return html;
    }
    let html = SafeHtml::from_comment_markdown(markdown);
    cache.insert(markdown.to_owned(), html.clone());
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembered_comment_html_is_what_rendering_gives() {
        for text in [
            "*one* [link](https://example.org)",
            "<script>alert(1)</script>",
            "*one*",
        ] {
            let fresh = SafeHtml::from_comment_markdown(text);
            assert_eq!(rendered_body(text), fresh, "first time");
            assert_eq!(rendered_body(text), fresh, "remembered");
        }
        assert_ne!(rendered_body("*a*"), rendered_body("**a**"));
    }

    #[test]
    fn reasons_read_as_clauses() {
        assert_eq!(
            clause("You have posted many comments on this post today."),
            "you have posted many comments on this post today"
        );
        assert_eq!(clause("MPs are named."), "MPs are named");
        assert_eq!(clause("it links to a shortener"), "it links to a shortener");
    }

    #[test]
    fn nothing_unstorable_is_kept() {
        assert_eq!(storable("a\0b", 10), "a\u{FFFD}b");
        assert_eq!(storable("abcdef", 3), "abc");
    }
}
