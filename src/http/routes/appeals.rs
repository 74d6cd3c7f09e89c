//! Appeals: the page where a rejected commenter asks for a review (from the signed link
//! they were shown), and the moderators' answer from the queue's Appeals tab.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};

use super::staff::see_other;
use crate::domain::FieldErrors;
use crate::http::error::AppError;
use crate::http::extractors::{CanModerate, RequireRole};
use crate::http::middleware::csrf::{Csrf, CsrfForm};
use crate::http::now;
use crate::http::render::{Page, render};
use crate::http::state::AppState;
use crate::moderation::HouseRule;
use crate::service::appeals::{self, APPEALS_TAB, AppealDecision, AppealPage};
use crate::service::{ServiceError, separate_field_errors};

/// Registers the appeal routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(appeal_page).service(ask).service(decide);
}

#[derive(Deserialize)]
struct TokenQuery {
    #[serde(default)]
    token: String,
}

/// The review request as posted.
#[derive(Deserialize)]
pub struct AskForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    explanation: String,
    #[serde(default)]
    csrf_token: String,
}

/// A moderator's answer: `outcome` is `publish` or `uphold` (with the house rule).
#[derive(Deserialize)]
pub struct DecideForm {
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    rule: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    csrf_token: String,
}

crate::csrf_form!(AskForm, DecideForm);

/// The review page: the comment, why it was not published, and the form (or the
/// request already made).
#[derive(Serialize)]
struct AppealView {
    view: AppealPage,
    token: String,
    csrf: String,
    explanation: String,
    errors: FieldErrors,
    /// Why the request was refused (a second request, too many today).
    refusal: Option<String>,
    max: usize,
}

async fn show(
    state: &web::Data<AppState>,
    csrf: &Csrf,
    token: String,
    explanation: String,
    errors: FieldErrors,
    refusal: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let secret = state.secret.clone();
    let for_page = token.clone();
    let view = state
        .db(move |c| appeals::page(c, &secret, &for_page))
        .await?;
    render(
        state,
        Page::new("public/appeal", "Ask for a review of your comment")
            .noindex()
            .status(status),
        AppealView {
            view,
            token,
            csrf: csrf.token(),
            explanation,
            errors,
            refusal,
            max: appeals::MAX_EXPLANATION,
        },
    )
    .await
}

#[get("/appeal")]
async fn appeal_page(
    state: web::Data<AppState>,
    csrf: Csrf,
    q: web::Query<TokenQuery>,
) -> Result<HttpResponse, AppError> {
    let token = q.into_inner().token;
    show(
        &state,
        &csrf,
        token,
        String::new(),
        FieldErrors::default(),
        None,
        StatusCode::OK,
    )
    .await
}

#[post("/appeal")]
async fn ask(
    state: web::Data<AppState>,
    csrf: Csrf,
    form: CsrfForm<AskForm>,
) -> Result<HttpResponse, AppError> {
    let AskForm {
        token, explanation, ..
    } = form.0;
    let secret = state.secret.clone();
    let per_day = state.settings.appeals_per_day;
    let (t, text) = (token.clone(), explanation.clone());
    let result = state
        .db(move |c| {
            Ok(separate_field_errors(appeals::ask(
                c,
                &secret,
                &t,
                &text,
                per_day,
                now(),
            )))
        })
        .await?;
    let (errors, refusal, status) = match result {
        Ok(Ok(_)) => {
            let back = url::form_urlencoded::byte_serialize(token.as_bytes()).collect::<String>();
            return Ok(see_other(format!("/appeal?token={back}")));
        }
        Ok(Err(errors)) if errors.0.contains_key("token") => {
            return Err(AppError::BadRequest(
                errors.0.values().cloned().collect::<Vec<_>>().join(" "),
            ));
        }
        Ok(Err(errors)) => (errors, None, StatusCode::UNPROCESSABLE_ENTITY),
        Err(ServiceError::Conflict(m)) => (FieldErrors::default(), Some(m), StatusCode::CONFLICT),
        Err(ServiceError::Throttled(m)) => (
            FieldErrors::default(),
            Some(m),
            StatusCode::TOO_MANY_REQUESTS,
        ),
        Err(e) => return Err(e.into()),
    };
    show(&state, &csrf, token, explanation, errors, refusal, status).await
}

#[post("/admin/appeals/{id}")]
async fn decide(
    state: web::Data<AppState>,
    who: RequireRole<CanModerate>,
    id: web::Path<i64>,
    form: CsrfForm<DecideForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let f = form.0;
    let house_rule = f.rule.parse::<u8>().ok().and_then(HouseRule::new);
    let decision = AppealDecision::from_form(&f.outcome, house_rule)?;
    let actor = who.user.id;
    let mail = state.mail_context();
    let outcome = state
        .db(move |c| appeals::decide(c, &mail, actor, id, decision, &f.note, now()))
        .await?;
    Ok(see_other(format!(
        "/admin/queue?tab={APPEALS_TAB}&done=appeal-{}",
        outcome.as_str()
    )))
}
