//! Readers' reports: the Report form under each published comment (no sign-in, works
//! without JavaScript) and its confirmation; for moderators, the queue's Reported tab
//! and dismissing a comment's reports. The work is in `service::reports`.

use actix_web::http::StatusCode;
use actix_web::http::header::{HeaderValue, RETRY_AFTER};
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};

use super::auth::TokenForm;
use super::staff::{ListQuery, QueueTabs, admin_render, notice, see_other};
use crate::domain::{FieldErrors, MenuOption};
use crate::http::client_addr::client_addr;
use crate::http::error::AppError;
use crate::http::extractors::{CanModerate, RequireRole};
use crate::http::middleware::csrf::{Csrf, CsrfForm};
use crate::http::now;
use crate::http::render::{Page, render};
use crate::http::state::AppState;
use crate::moderation::HouseRule;
use crate::moderation::identity::network_of;
use crate::service::reports::{self, ReportInput, ReportSettings, ReportTarget, ReportedItem};

/// Registers the report routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(report_form)
        .service(send_report)
        .service(report_sent)
        .service(reported_page)
        .service(dismiss);
}

/// The report form as posted.
#[derive(Deserialize)]
pub struct ReportForm {
    #[serde(flatten)]
    input: ReportInput,
    #[serde(default)]
    csrf_token: String,
}

crate::csrf_form!(ReportForm);

/// The report form's page.
#[derive(Serialize)]
struct ReportPage {
    target: ReportTarget,
    input: ReportInput,
    reasons: Vec<MenuOption>,
    errors: FieldErrors,
    has_errors: bool,
    /// Why the report was not sent (the per-network limit).
    problem: Option<String>,
    action: String,
    csrf: String,
}

/// The page after a report was sent.
#[derive(Serialize)]
struct SentPage {
    target: ReportTarget,
}

/// Renders the form for a comment, with the reader's input and any problems.
async fn form_page(
    state: &web::Data<AppState>,
    csrf: &Csrf,
    id: i64,
    input: ReportInput,
    errors: FieldErrors,
    problem: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let t = now();
    let target = state.db(move |c| reports::target(c, id, t)).await?;
    render(
        state,
        Page::new("public/report", "Report a comment")
            .noindex()
            .status(status),
        ReportPage {
            target,
            reasons: reports::reason_options(&input.reason),
            has_errors: !errors.is_empty(),
            input,
            errors,
            problem,
            action: format!("/comments/{id}/report"),
            csrf: csrf.token(),
        },
    )
    .await
}

#[get("/comments/{id}/report")]
async fn report_form(
    state: web::Data<AppState>,
    csrf: Csrf,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let input = ReportInput::default();
    form_page(
        &state,
        &csrf,
        id.into_inner(),
        input,
        FieldErrors::default(),
        None,
        StatusCode::OK,
    )
    .await
}

#[post("/comments/{id}/report")]
async fn send_report(
    state: web::Data<AppState>,
    req: HttpRequest,
    csrf: Csrf,
    id: web::Path<i64>,
    form: CsrfForm<ReportForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let input = form.0.input;
    let report = match input.validate() {
        Ok(r) => r,
        Err(errors) => {
            return form_page(
                &state,
                &csrf,
                id,
                input,
                errors,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    // The same network prefix the comment form's volume rules use.
    let limits = state.rules.current().limits();
    let network = client_addr(&req, state.settings.trust_proxy)
        .map(|ip| network_of(ip, limits.ipv4_prefix, limits.ipv6_prefix))
        .unwrap_or_default();
    let settings = ReportSettings::from(state.settings.as_ref());
    let mail = state.mail_context();
    let t = now();
    match state
        .db(move |c| reports::submit(c, &settings, &mail, id, &report, &network, t))
        .await
    {
        Ok(_) => Ok(see_other(format!("/comments/{id}/report/sent"))),
        Err(AppError::TooMany(message)) => {
            let mut res = form_page(
                &state,
                &csrf,
                id,
                input,
                FieldErrors::default(),
                Some(message),
                StatusCode::TOO_MANY_REQUESTS,
            )
            .await?;
            res.headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from_static("3600"));
            Ok(res)
        }
        Err(e) => Err(e),
    }
}

#[get("/comments/{id}/report/sent")]
async fn report_sent(
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let t = now();
    let target = state.db(move |c| reports::target(c, id, t)).await?;
    render(
        &state,
        Page::new("public/report_sent", "Thank you for your report").noindex(),
        SentPage { target },
    )
    .await
}

/// The queue's Reported tab.
#[derive(Serialize)]
struct ReportedPage {
    items: Vec<ReportedItem>,
    house_rules: [HouseRule; 6],
    notice: Option<&'static str>,
    prev: Option<u32>,
    next: Option<u32>,
    /// This page's number (`page` is the layout's).
    page_number: u32,
    /// The tabs' current one.
    reported_tab: bool,
    #[serde(flatten)]
    tabs: QueueTabs,
}

#[get("/admin/queue/reported")]
async fn reported_page(
    state: web::Data<AppState>,
    who: RequireRole<CanModerate>,
    csrf: Csrf,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let page = q.page.unwrap_or(1).max(1);
    let t = now();
    let ((items, more), tabs) = state
        .db(move |c| Ok((reports::reported(c, page, t)?, QueueTabs::load(c)?)))
        .await?;
    admin_render(
        &state,
        &who,
        &csrf,
        Page::new("admin/reported", "Reported comments"),
        ReportedPage {
            items,
            house_rules: HouseRule::ALL,
            notice: notice(q.done.as_deref()),
            prev: (page > 1).then(|| page - 1),
            next: more.then(|| page + 1),
            page_number: page,
            reported_tab: true,
            tabs,
        },
    )
    .await
}

#[post("/admin/comments/{id}/reports/dismiss")]
async fn dismiss(
    state: web::Data<AppState>,
    who: RequireRole<CanModerate>,
    id: web::Path<i64>,
    _form: CsrfForm<TokenForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let actor = who.user.id;
    let mail = state.mail_context();
    state
        .db(move |c| reports::dismiss(c, &mail, actor, id, now()))
        .await?;
    Ok(see_other("/admin/queue/reported?done=dismissed"))
}
