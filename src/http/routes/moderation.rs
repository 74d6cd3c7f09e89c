//! The moderators' pages: the queue and its actions, a comment's history, thread
//! controls, the site-wide switch and the audit log. Handlers stay thin: the work is in
//! `service::queue`; every POST checks the CSRF token and the role.

use std::collections::HashMap;

use actix_web::{HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};

use super::auth::TokenForm;
use super::staff::{
    ADMIN_PER_PAGE, DoneQuery, ListQuery, QueueTabs, admin_render, non_empty, notice, page_prefix,
    see_other,
};
use crate::domain::{AuditTarget, CommentMode, CommentStatus, MenuOption};
use crate::http::error::AppError;
use crate::http::extractors::{CanManageUsers, CanModerate, RequireRole};
use crate::http::middleware::csrf::{Csrf, CsrfForm};
use crate::http::now;
use crate::http::render::Page;
use crate::http::state::AppState;
use crate::moderation::HouseRule;
use crate::service::comments::{CommentsState, comments_state};
use crate::service::queue::{self, Decision};
use crate::service::site::{Paged, display_date, offset, paged};
use crate::service::{appeals, pause};
use crate::storage::moderation::{self as store, AuditFilter, HitFilter, QueueFilter};

/// Registers the moderators' routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(queue_page)
        .service(queue_action)
        .service(comment_page)
        .service(edit_comment)
        .service(ban_commenter)
        .service(lift_ban)
        .service(trust_commenter)
        .service(threads_page)
        .service(set_thread)
        .service(lift_flood)
        .service(site_switch)
        .service(site_hold)
        .service(audit_page);
}

/// The queue's filters and tab.
#[derive(Deserialize, Serialize, Default)]
pub struct QueueQuery {
    #[serde(default)]
    tab: Option<String>,
    #[serde(default)]
    post: Option<String>,
    #[serde(default)]
    rule: Option<String>,
    #[serde(default)]
    house_rule: Option<String>,
    #[serde(default)]
    commenter: Option<String>,
    #[serde(default)]
    done: Option<String>,
    #[serde(default)]
    page: Option<u32>,
}

/// The queue page's data.
#[derive(Serialize)]
struct QueuePage {
    tab: CommentStatus,
    held_tab: bool,
    published_tab: bool,
    rejected_tab: bool,
    #[serde(flatten)]
    tabs: QueueTabs,
    items: Vec<queue::QueueItem>,
    count: usize,
    flooded: Vec<FloodedThread>,
    paused: bool,
    /// The site-wide hold is on.
    held: bool,
    filters: QueueFilters,
    house_rules: [HouseRule; 6],
    house_rule_filter: [queue::HouseRuleChoice; 6],
    notice: Option<&'static str>,
    pages: Pager,
    page_prefix: String,
    /// The Appeals tab: commenters' requests for a review, instead of a comment list.
    appeals_tab: bool,
    appeals: Vec<appeals::AppealItem>,
}

/// A thread closed by a flood, waiting for a moderator to reopen it.
#[derive(Serialize)]
struct FloodedThread {
    id: i64,
    title: String,
    url: String,
}

/// The queue's filters as given, to fill the filter form again.
#[derive(Serialize)]
struct QueueFilters {
    post: Option<String>,
    rule: Option<String>,
    commenter: Option<String>,
}

/// Links to the neighbouring pages of a list without a total.
#[derive(Serialize)]
struct Pager {
    prev: Option<u32>,
    next: Option<u32>,
    page: u32,
}

/// A comment's page: the comment, its history and the decision forms.
#[derive(Serialize)]
struct CommentPage {
    c: queue::CommentDetail,
    /// Readers' reports on it, open and closed.
    reports: Vec<crate::service::reports::ReportView>,
    /// Its writer's request for a review, if any.
    appeal: Option<appeals::AppealState>,
    house_rules: [HouseRule; 6],
    notice: Option<&'static str>,
}

/// The threads page: every post's comment mode, a page at a time.
#[derive(Serialize)]
struct ThreadsPage {
    list: Paged<ThreadRow>,
    page_prefix: &'static str,
    /// Where the forms return to.
    back: String,
    paused: bool,
    /// The site-wide hold is on.
    held: bool,
    archive_after_days: u32,
    is_admin: bool,
    notice: Option<&'static str>,
}

/// The audit log: a page of entries and the filter form.
#[derive(Serialize)]
struct AuditPage<'a> {
    list: Paged<AuditView>,
    page_prefix: String,
    filters: &'a AuditQuery,
    kinds: [MenuOption; 6],
}

#[get("/admin/queue")]
async fn queue_page(
    state: web::Data<AppState>,
    who: RequireRole<CanModerate>,
    csrf: Csrf,
    q: web::Query<QueueQuery>,
) -> Result<HttpResponse, AppError> {
    let tab = q
        .tab
        .as_deref()
        .and_then(CommentStatus::parse)
        .unwrap_or_default();
    let rule = non_empty(&q.rule);
    let house_rule = non_empty(&q.house_rule)
        .and_then(|h| h.parse::<u8>().ok())
        .and_then(HouseRule::new);
    let hit = match (&rule, house_rule) {
        (Some(r), _) => Some(HitFilter::Rule(r.clone())),
        (None, Some(h)) => Some(HitFilter::HouseRule(h)),
        _ => None,
    };
    let filter = QueueFilter {
        status: tab,
        post_id: non_empty(&q.post).and_then(|p| p.parse().ok()),
        email_key: non_empty(&q.commenter),
        hit,
        ..QueueFilter::default()
    };
    let page = q.page.unwrap_or(1).max(1);
    let t = now();
    let appeals_tab = q.tab.as_deref() == Some(appeals::APPEALS_TAB);
    let ((items, more), flooded, (paused, held), appeals, tabs) = state
        .db(move |c| {
            let (items, appeals) = if appeals_tab {
                ((Vec::new(), false), appeals::open(c, t)?)
            } else {
                (queue::list(c, filter, page, t)?, Vec::new())
            };
            // Only the flooded ones, by one query: loading every post to pick them out
            // grows with the site (bench/RESULTS.md).
            let flooded: Vec<_> = store::flooded_threads(c)?
                .into_iter()
                .map(|(id, title, slug)| FloodedThread {
                    id,
                    title,
                    url: format!("/posts/{slug}"),
                })
                .collect();
            let switches = (pause::comments_paused(c)?, pause::comments_held(c)?);
            Ok((items, flooded, switches, appeals, QueueTabs::load(c)?))
        })
        .await?;
    admin_render(
        &state,
        &who,
        &csrf,
        Page::new("admin/queue", "Comment queue"),
        QueuePage {
            tab,
            held_tab: tab == CommentStatus::Held && !appeals_tab,
            published_tab: tab == CommentStatus::Published,
            rejected_tab: tab == CommentStatus::Rejected,
            tabs,
            count: items.len(),
            items,
            flooded,
            paused,
            held,
            filters: QueueFilters {
                post: non_empty(&q.post),
                rule,
                commenter: non_empty(&q.commenter),
            },
            house_rules: HouseRule::ALL,
            house_rule_filter: queue::house_rule_menu(house_rule),
            notice: notice(q.done.as_deref()),
            pages: Pager {
                prev: (page > 1).then(|| page - 1),
                next: more.then(|| page + 1),
                page,
            },
            page_prefix: page_prefix(
                "/admin/queue",
                &[
                    ("tab", &Some(tab.as_str().to_owned())),
                    ("post", &q.post),
                    ("rule", &q.rule),
                    ("house_rule", &q.house_rule),
                    ("commenter", &q.commenter),
                ],
            ),
            appeals_tab,
            appeals,
        },
    )
    .await
}

/// The queue form: `act` is `approve:ID`, `reject:ID`, `spam:ID` for one comment or
/// `approve:selected` (and so on) for the ticked `sel_ID` boxes; rejections take the
/// house rule from `rule_ID` (or `rule_selected`).
#[derive(Deserialize)]
pub struct QueueActionForm {
    #[serde(default)]
    act: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    back: String,
    #[serde(default)]
    csrf_token: String,
    #[serde(flatten)]
    rest: HashMap<String, String>,
}

/// A form with a comment edit.
#[derive(Deserialize)]
pub struct EditForm {
    #[serde(default)]
    body: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    approve: String,
    #[serde(default)]
    csrf_token: String,
}

/// A ban.
#[derive(Deserialize)]
pub struct BanForm {
    #[serde(default)]
    by_email: String,
    #[serde(default)]
    by_address: String,
    #[serde(default)]
    by_network: String,
    #[serde(default)]
    days: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    csrf_token: String,
}

/// Trust on or off.
#[derive(Deserialize)]
pub struct TrustForm {
    #[serde(default)]
    trusted: String,
    #[serde(default)]
    csrf_token: String,
}

/// A post's comment mode.
#[derive(Deserialize)]
pub struct ThreadForm {
    #[serde(default)]
    mode: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    back: String,
    #[serde(default)]
    csrf_token: String,
}

/// The site-wide switch.
#[derive(Deserialize)]
pub struct SwitchForm {
    #[serde(default)]
    paused: String,
    #[serde(default)]
    csrf_token: String,
}

/// The site-wide hold.
#[derive(Deserialize)]
pub struct HoldForm {
    #[serde(default)]
    held: String,
    #[serde(default)]
    csrf_token: String,
}

crate::csrf_form!(
    QueueActionForm,
    EditForm,
    BanForm,
    TrustForm,
    ThreadForm,
    SwitchForm,
    HoldForm
);

/// Only addresses on the staff pages are followed back to, so a form cannot redirect away.
fn safe_back(back: &str, fallback: &str) -> String {
    if super::staff::is_local_path(back, "/admin/") {
        back.to_owned()
    } else {
        fallback.to_owned()
    }
}

fn with_done(back: &str, done: &str) -> String {
    let sep = if back.contains('?') { '&' } else { '?' };
    format!("{back}{sep}done={done}")
}

fn checked(v: &str) -> bool {
    matches!(v, "1" | "on" | "yes" | "true")
}

#[post("/admin/queue")]
async fn queue_action(
    state: web::Data<AppState>,
    who: RequireRole<CanModerate>,
    form: CsrfForm<QueueActionForm>,
) -> Result<HttpResponse, AppError> {
    let f = form.0;
    let (verb, target) = f.act.split_once(':').unwrap_or((f.act.as_str(), ""));
    let ids: Vec<i64> = if target == "selected" {
        let mut ids: Vec<i64> = f
            .rest
            .iter()
            .filter(|(_, v)| checked(v))
            .filter_map(|(k, _)| k.strip_prefix("sel_")?.parse().ok())
            .collect();
        ids.sort_unstable();
        ids
    } else {
        target.parse().ok().into_iter().collect()
    };
    if ids.is_empty() {
        return Err(AppError::BadRequest("Select at least one comment.".into()));
    }
    let rule_of = |key: &str| {
        f.rest
            .get(key)
            .and_then(|r| r.parse::<u8>().ok())
            .and_then(HouseRule::new)
    };
    let decision = match verb {
        "approve" => Decision::Approve,
        "spam" => Decision::Spam,
        "reject" => {
            let house_rule = rule_of(&format!("rule_{target}"))
                .or_else(|| rule_of("rule"))
                .ok_or_else(|| AppError::BadRequest("Choose the house rule it breaks.".into()))?;
            Decision::Reject { house_rule }
        }
        _ => return Err(AppError::BadRequest("Unknown queue action.".into())),
    };
    let actor = who.user.id;
    let note = f.note.clone();
    let t = now();
    let mail = state.mail_context();
    state
        .db(move |c| queue::decide(c, &mail, actor, &ids, decision, &note, t))
        .await?;
    Ok(see_other(with_done(
        &safe_back(&f.back, "/admin/queue"),
        decision.as_str(),
    )))
}

/// Entries on each page of the audit log (short rows: more to a page).
const AUDIT_PER_PAGE: u32 = 100;

#[get("/admin/comments/{id}")]
async fn comment_page(
    state: web::Data<AppState>,
    who: RequireRole<CanModerate>,
    csrf: Csrf,
    id: web::Path<i64>,
    q: web::Query<DoneQuery>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let t = now();
    let (detail, reports, appeal) = state
        .db(move |c| {
            Ok((
                queue::detail(c, id, t)?,
                crate::service::reports::on_comment(c, id)?,
                appeals::of_comment(c, id)?,
            ))
        })
        .await?;
    admin_render(
        &state,
        &who,
        &csrf,
        Page::new("admin/comment", format!("Comment {id}")),
        CommentPage {
            c: detail,
            reports,
            appeal,
            house_rules: HouseRule::ALL,
            notice: notice(q.done.as_deref()),
        },
    )
    .await
}

#[post("/admin/comments/{id}/edit")]
async fn edit_comment(
    state: web::Data<AppState>,
    who: RequireRole<CanModerate>,
    id: web::Path<i64>,
    form: CsrfForm<EditForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let f = form.0;
    let actor = who.user.id;
    let approve = checked(&f.approve);
    let mail = state.mail_context();
    state
        .db(move |c| queue::edit(c, &mail, actor, id, &f.body, &f.note, approve, now()))
        .await?;
    Ok(see_other(format!("/admin/comments/{id}?done=edit")))
}

#[post("/admin/comments/{id}/ban")]
async fn ban_commenter(
    state: web::Data<AppState>,
    who: RequireRole<CanModerate>,
    id: web::Path<i64>,
    form: CsrfForm<BanForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let f = form.0;
    let days = match f.days.trim() {
        "" => None,
        d => Some(
            d.parse::<i64>()
                .map_err(|_| AppError::BadRequest("Days must be a whole number.".into()))?,
        ),
    };
    let actor = who.user.id;
    let scope = queue::BanScope {
        email: checked(&f.by_email),
        address: checked(&f.by_address),
        network: checked(&f.by_network),
    };
    state
        .db(move |c| queue::ban(c, actor, id, scope, days, &f.note, now()))
        .await?;
    Ok(see_other(format!("/admin/comments/{id}?done=ban")))
}

#[post("/admin/comments/{id}/bans/{ban}/lift")]
async fn lift_ban(
    state: web::Data<AppState>,
    who: RequireRole<CanModerate>,
    path: web::Path<(i64, i64)>,
    _form: CsrfForm<TokenForm>,
) -> Result<HttpResponse, AppError> {
    let (id, ban) = path.into_inner();
    let actor = who.user.id;
    state
        .db(move |c| queue::lift_ban(c, actor, ban, now()))
        .await?;
    Ok(see_other(format!("/admin/comments/{id}?done=unban")))
}

#[post("/admin/comments/{id}/trust")]
async fn trust_commenter(
    state: web::Data<AppState>,
    who: RequireRole<CanModerate>,
    id: web::Path<i64>,
    form: CsrfForm<TrustForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let trusted = checked(&form.0.trusted);
    let actor = who.user.id;
    state
        .db(move |c| queue::trust(c, actor, id, trusted, now()))
        .await?;
    let done = if trusted { "trust" } else { "untrust" };
    Ok(see_other(format!("/admin/comments/{id}?done={done}")))
}

#[derive(Serialize)]
struct ThreadRow {
    id: i64,
    title: String,
    url: String,
    modes: Vec<ModeOption>,
    note: String,
    /// Whether it takes comments now, in words (a held post's open form says so).
    state: &'static str,
    flooded: bool,
    published: String,
}

/// What the Threads page says of a post's comments now.
fn state_label(state: CommentsState, mode: CommentMode, site_held: bool) -> &'static str {
    match state {
        CommentsState::Open if mode == CommentMode::Held || site_held => "open, every comment held",
        CommentsState::Open => "open",
        CommentsState::Closed => "closed",
        CommentsState::Archived => "archived",
        CommentsState::Flooded => "flooded",
        CommentsState::Paused => "paused",
    }
}

/// One choice in a thread's mode menu.
#[derive(Serialize)]
struct ModeOption {
    value: &'static str,
    label: &'static str,
    selected: bool,
}

fn mode_options(current: CommentMode) -> Vec<ModeOption> {
    CommentMode::ALL
        .into_iter()
        .map(|m| ModeOption {
            value: m.as_str(),
            label: m.label(),
            selected: m == current,
        })
        .collect()
}

#[get("/admin/threads")]
async fn threads_page(
    state: web::Data<AppState>,
    who: RequireRole<CanModerate>,
    csrf: Csrf,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let t = now();
    let archive = state.settings.archive_after_days;
    let page = q.page.unwrap_or(1);
    let (list, paused, held) = state
        .db(move |c| {
            let (posts, total) =
                store::threads(c, offset(page, ADMIN_PER_PAGE), ADMIN_PER_PAGE.into())?;
            let site_held = pause::comments_held(c)?;
            let rows = posts
                .into_iter()
                .map(|post| ThreadRow {
                    state: state_label(
                        comments_state(&post, t, archive),
                        post.comment_mode,
                        site_held,
                    ),
                    id: post.id,
                    url: format!("/posts/{}", post.slug),
                    modes: mode_options(post.comment_mode),
                    note: post.comments_closed_note.unwrap_or_default(),
                    flooded: post.flood_closed_at.is_some(),
                    published: post.published_at.map(display_date).unwrap_or_default(),
                    title: post.title,
                })
                .collect();
            Ok((
                paged(rows, page, ADMIN_PER_PAGE, total)?,
                pause::comments_paused(c)?,
                site_held,
            ))
        })
        .await?;
    admin_render(
        &state,
        &who,
        &csrf,
        Page::new("admin/threads", "Threads"),
        ThreadsPage {
            list,
            page_prefix: "/admin/threads?page=",
            back: format!("/admin/threads?page={page}"),
            paused,
            held,
            archive_after_days: archive,
            is_admin: who.role.can_manage_users(),
            notice: notice(q.done.as_deref()),
        },
    )
    .await
}

#[post("/admin/posts/{id}/comments")]
async fn set_thread(
    state: web::Data<AppState>,
    who: RequireRole<CanModerate>,
    id: web::Path<i64>,
    form: CsrfForm<ThreadForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let f = form.0;
    let actor = who.user.id;
    let back = safe_back(&f.back, "/admin/threads");
    state
        .db(move |c| queue::set_comment_mode(c, actor, id, &f.mode, &f.note, now()))
        .await?;
    Ok(see_other(with_done(&back, "thread")))
}

#[post("/admin/posts/{id}/lift-flood")]
async fn lift_flood(
    state: web::Data<AppState>,
    who: RequireRole<CanModerate>,
    id: web::Path<i64>,
    _form: CsrfForm<TokenForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let actor = who.user.id;
    state
        .db(move |c| queue::lift_flood(c, actor, id, now()))
        .await?;
    Ok(see_other("/admin/threads?done=flood"))
}

#[post("/admin/site/comments")]
async fn site_switch(
    state: web::Data<AppState>,
    who: RequireRole<CanManageUsers>,
    form: CsrfForm<SwitchForm>,
) -> Result<HttpResponse, AppError> {
    let paused = checked(&form.0.paused);
    let actor = who.user.id;
    state
        .db(move |c| pause::set_paused(c, actor, paused, now()))
        .await?;
    let done = if paused { "paused" } else { "resumed" };
    Ok(see_other(format!("/admin/threads?done={done}")))
}

#[post("/admin/site/held")]
async fn site_hold(
    state: web::Data<AppState>,
    who: RequireRole<CanManageUsers>,
    form: CsrfForm<HoldForm>,
) -> Result<HttpResponse, AppError> {
    let held = checked(&form.0.held);
    let actor = who.user.id;
    state
        .db(move |c| pause::set_held(c, actor, held, now()))
        .await?;
    let done = if held { "held" } else { "unheld" };
    Ok(see_other(format!("/admin/threads?done={done}")))
}

/// The audit log's filters.
#[derive(Deserialize, Serialize, Default)]
pub struct AuditQuery {
    #[serde(default)]
    actor: Option<String>,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    target: Option<String>,
    #[serde(default)]
    action: Option<String>,
    #[serde(default)]
    page: Option<u32>,
}

impl AuditQuery {
    /// The link to a page of the same filtered log, without its number.
    fn page_prefix(&self) -> String {
        page_prefix(
            "/admin/audit",
            &[
                ("action", &self.action),
                ("kind", &self.kind),
                ("target", &self.target),
                ("actor", &self.actor),
            ],
        )
    }
}

#[derive(Serialize)]
struct AuditView {
    at: String,
    actor: String,
    action: String,
    kind: AuditTarget,
    target_id: Option<i64>,
    link: Option<String>,
    detail: String,
}

#[get("/admin/audit")]
async fn audit_page(
    state: web::Data<AppState>,
    who: RequireRole<CanModerate>,
    csrf: Csrf,
    q: web::Query<AuditQuery>,
) -> Result<HttpResponse, AppError> {
    let filter = AuditFilter {
        actor_id: non_empty(&q.actor).and_then(|a| a.parse().ok()),
        target_kind: non_empty(&q.kind).and_then(|k| AuditTarget::parse(&k)),
        target_id: non_empty(&q.target).and_then(|a| a.parse().ok()),
        action: non_empty(&q.action),
    };
    let page = q.page.unwrap_or(1);
    let (rows, total) = state
        .db(move |c| {
            Ok(store::audit_list(
                c,
                &filter,
                offset(page, AUDIT_PER_PAGE),
                AUDIT_PER_PAGE.into(),
            )?)
        })
        .await?;
    let rows: Vec<AuditView> = rows
        .into_iter()
        .map(|(r, actor)| AuditView {
            at: format!(
                "{} {}",
                display_date(r.created_at),
                r.created_at.format("%H:%M:%S")
            ),
            actor: actor.unwrap_or_else(|| "the system".to_owned()),
            link: r.target_id.and_then(|id| r.target_kind.page(id)),
            action: r.action,
            kind: r.target_kind,
            target_id: r.target_id,
            detail: r.detail,
        })
        .collect();
    admin_render(
        &state,
        &who,
        &csrf,
        Page::new("admin/audit", "Audit log"),
        AuditPage {
            list: paged(rows, page, AUDIT_PER_PAGE, total)?,
            page_prefix: q.page_prefix(),
            filters: &q,
            kinds: AuditTarget::ALL.map(|k| MenuOption {
                value: k.as_str(),
                label: k.as_str(),
                selected: q.kind.as_deref() == Some(k.as_str()),
            }),
        },
    )
    .await
}
