//! The account page's two-factor forms: set up, confirm, turn off, new recovery codes.
//! Each is open to an admin who must still set it up ([`OwnAccount`]).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, post, web};
use chrono::NaiveDateTime;
use serde::Deserialize;

use super::account::{AccountExtras, TwoFactorErrors, account_view};
use super::staff::see_other;
use crate::domain::FieldErrors;
use crate::http::client_addr::client_ip;
use crate::http::error::AppError;
use crate::http::extractors::{OwnAccount, RequireRole};
use crate::http::middleware::csrf::{Csrf, CsrfForm};
use crate::http::now;
use crate::http::state::AppState;
use crate::service::{ServiceResult, separate_field_errors, two_factor};
use crate::storage::DbConn;
use crate::storage::users::UserRow;

/// Registers the two-factor forms.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(begin_setup)
        .service(confirm_setup)
        .service(disable)
        .service(new_recovery_codes);
}

/// A form with nothing but its CSRF token.
#[derive(Deserialize)]
pub struct SetupForm {
    #[serde(default)]
    csrf_token: String,
}

/// A form with a code.
#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    csrf_token: String,
}

/// The form that turns two-factor off.
#[derive(Deserialize)]
pub struct DisableForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    csrf_token: String,
}

crate::csrf_form!(SetupForm, CodeForm, DisableForm);

const ANCHOR: &str = "/admin/account#two-factor";

#[post("/admin/account/two-factor/setup")]
async fn begin_setup(
    state: web::Data<AppState>,
    who: RequireRole<OwnAccount>,
    _form: CsrfForm<SetupForm>,
) -> Result<HttpResponse, AppError> {
    let id = who.user.id;
    state
        .db(move |c| two_factor::begin_setup(c, id, now()))
        .await?;
    Ok(see_other(ANCHOR))
}

/// The page after a two-factor form: new recovery codes shown once, or the form's
/// errors beside it.
async fn outcome(
    state: &AppState,
    who: &RequireRole<OwnAccount>,
    csrf: &Csrf,
    result: Result<Vec<String>, FieldErrors>,
    notice: &'static str,
    errors_of: impl FnOnce(&mut TwoFactorErrors) -> &mut FieldErrors,
) -> Result<HttpResponse, AppError> {
    match result {
        Ok(codes) => {
            let extras = AccountExtras {
                recovery_codes: Some(codes),
                notice: Some(notice),
                ..AccountExtras::default()
            };
            account_view(state, who, csrf, StatusCode::OK, extras).await
        }
        Err(errors) => refused(state, who, csrf, errors, errors_of).await,
    }
}

/// The account page again, with a two-factor form's errors beside it.
async fn refused(
    state: &AppState,
    who: &RequireRole<OwnAccount>,
    csrf: &Csrf,
    errors: FieldErrors,
    errors_of: impl FnOnce(&mut TwoFactorErrors) -> &mut FieldErrors,
) -> Result<HttpResponse, AppError> {
    let mut extras = AccountExtras::default();
    *errors_of(&mut extras.two_factor_errors) = errors;
    account_view(state, who, csrf, StatusCode::UNPROCESSABLE_ENTITY, extras).await
}

/// A form that sends a code and, when it is right, shows new recovery codes once.
struct CodeAction {
    /// The use case.
    run: fn(&mut DbConn, &UserRow, &str, &str, NaiveDateTime) -> ServiceResult<Vec<String>>,
    /// What the page says when it worked.
    notice: &'static str,
    /// Where its errors go on the page.
    errors_of: fn(&mut TwoFactorErrors) -> &mut FieldErrors,
}

const ENABLE: CodeAction = CodeAction {
    run: two_factor::confirm_setup,
    notice: "Two-factor sign-in is on. Keep your recovery codes safe.",
    errors_of: |e| &mut e.enable,
};

const NEW_RECOVERY_CODES: CodeAction = CodeAction {
    run: two_factor::regenerate_recovery_codes,
    notice: "New recovery codes made: the old ones no longer work.",
    errors_of: |e| &mut e.regenerate,
};

/// Runs a form that sends a code: new recovery codes shown once, or the form's error.
async fn with_code(
    req: &HttpRequest,
    state: &AppState,
    who: &RequireRole<OwnAccount>,
    csrf: &Csrf,
    code: String,
    action: CodeAction,
) -> Result<HttpResponse, AppError> {
    let ip = client_ip(req, state.settings.trust_proxy);
    let user = who.user.clone();
    let run = action.run;
    let result = state
        .db(move |c| separate_field_errors(run(c, &user, &code, &ip, now())))
        .await?;
    outcome(state, who, csrf, result, action.notice, action.errors_of).await
}

#[post("/admin/account/two-factor/enable")]
async fn confirm_setup(
    req: HttpRequest,
    state: web::Data<AppState>,
    who: RequireRole<OwnAccount>,
    csrf: Csrf,
    form: CsrfForm<CodeForm>,
) -> Result<HttpResponse, AppError> {
    with_code(&req, &state, &who, &csrf, form.0.code, ENABLE).await
}

#[post("/admin/account/two-factor/recovery-codes")]
async fn new_recovery_codes(
    req: HttpRequest,
    state: web::Data<AppState>,
    who: RequireRole<OwnAccount>,
    csrf: Csrf,
    form: CsrfForm<CodeForm>,
) -> Result<HttpResponse, AppError> {
    with_code(&req, &state, &who, &csrf, form.0.code, NEW_RECOVERY_CODES).await
}

#[post("/admin/account/two-factor/disable")]
async fn disable(
    req: HttpRequest,
    state: web::Data<AppState>,
    who: RequireRole<OwnAccount>,
    csrf: Csrf,
    form: CsrfForm<DisableForm>,
) -> Result<HttpResponse, AppError> {
    let ip = client_ip(&req, state.settings.trust_proxy);
    let user = who.user.clone();
    let DisableForm {
        current_password,
        code,
        ..
    } = form.0;
    // On the blocking pool: argon2 would stall the async worker.
    let result = state
        .db(move |c| {
            let form = two_factor::Disable {
                password: &current_password,
                code: &code,
            };
            separate_field_errors(two_factor::disable(c, &user, &form, &ip, now()))
        })
        .await?;
    match result {
        Ok(()) => Ok(see_other("/admin/account?done=two-factor-off#two-factor")),
        Err(errors) => refused(&state, &who, &csrf, errors, |e| &mut e.disable).await,
    }
}
