//! Signing in and out.

use actix_web::cookie::{Cookie, time::Duration as CookieDuration};
use actix_web::http::StatusCode;
use actix_web::http::header::USER_AGENT;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};

use crate::config::Settings;
use crate::http::error::AppError;
use crate::http::middleware::csrf::{Csrf, CsrfForm, cookie_names, session_token, site_cookie};
use crate::http::now;
use crate::http::render::{Page, render};
use crate::http::state::AppState;
use crate::service::auth;

/// The sign-in page.
#[derive(Serialize)]
struct LoginPage<'a> {
    csrf: String,
    /// The address as typed, kept after a refusal.
    email: &'a str,
    /// Where to go once signed in (only ever a path on this site).
    next: &'a str,
    error: Option<String>,
}

/// Registers the sign-in routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(login_page).service(login).service(logout);
}

/// Only same-site paths may be returned to, so the sign-in page cannot be used to
/// send someone elsewhere.
pub fn safe_next(next: &str) -> &str {
    if super::staff::is_local_path(next, "/") {
        next
    } else {
        "/admin"
    }
}

#[derive(Deserialize)]
struct NextQuery {
    #[serde(default)]
    next: String,
}

async fn login_form(
    state: &AppState,
    csrf: &Csrf,
    email: &str,
    next: &str,
    error: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    render(
        state,
        Page::new("public/login", "Staff sign-in")
            .noindex()
            .status(status),
        LoginPage {
            csrf: csrf.token(),
            email,
            next: safe_next(next),
            error,
        },
    )
    .await
}

#[get("/login")]
async fn login_page(
    state: web::Data<AppState>,
    csrf: Csrf,
    q: web::Query<NextQuery>,
) -> Result<HttpResponse, AppError> {
    login_form(&state, &csrf, "", &q.next, None, StatusCode::OK).await
}

/// The sign-in form.
#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
    #[serde(default)]
    csrf_token: String,
}

/// A form with nothing but its CSRF token.
#[derive(Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    csrf_token: String,
}

crate::csrf_form!(LoginForm, TokenForm);

/// The session cookie (or, with an empty value and no age, its removal).
pub fn session_cookie(settings: &Settings, value: String, max_age_days: i64) -> Cookie<'static> {
    let mut cookie = site_cookie(cookie_names(settings).session, value, settings.is_https());
    cookie.set_max_age(CookieDuration::days(max_age_days));
    cookie
}

#[post("/login")]
async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    csrf: Csrf,
    form: CsrfForm<LoginForm>,
) -> Result<HttpResponse, AppError> {
    let LoginForm {
        email,
        password,
        next,
        ..
    } = form.0;
    let ip = crate::http::client_addr::client_ip(&req, state.settings.trust_proxy);
    let user_agent = req
        .headers()
        .get(USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let limits = auth::SessionLimits::of(&state.settings);
    let attempt_email = email.clone();
    let result = state
        .db(move |c| {
            let attempt = auth::Attempt {
                email: &attempt_email,
                password: &password,
                ip: &ip,
                user_agent: &user_agent,
            };
            auth::sign_in(c, &attempt, now(), limits)
        })
        .await;
    match result {
        Ok(signed_in) => {
            tracing::info!(user = signed_in.user.id, "signed in");
            Ok(HttpResponse::SeeOther()
                .insert_header(("Location", safe_next(&next).to_owned()))
                .cookie(session_cookie(
                    &state.settings,
                    signed_in.token,
                    limits.days.into(),
                ))
                .finish())
        }
        Err(e) => {
            // Throttled or refused: the form again, with the e-mail kept and why.
            let (msg, status) = match e {
                AppError::TooMany(msg) => (msg, StatusCode::TOO_MANY_REQUESTS),
                AppError::BadRequest(msg) => (msg, StatusCode::UNAUTHORIZED),
                other => return Err(other),
            };
            login_form(&state, &csrf, &email, &next, Some(msg), status).await
        }
    }
}

#[post("/logout")]
async fn logout(
    state: web::Data<AppState>,
    req: HttpRequest,
    _form: CsrfForm<TokenForm>,
) -> Result<HttpResponse, AppError> {
    if let Some(token) = session_token(&req) {
        state.db(move |c| auth::sign_out(c, &token)).await?;
    }
    Ok(HttpResponse::SeeOther()
        .insert_header(("Location", "/"))
        .cookie(session_cookie(&state.settings, String::new(), 0))
        .finish())
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_local_paths_are_returned_to() {
        assert_eq!(safe_next("/admin/posts?x=1"), "/admin/posts?x=1");
        assert_eq!(safe_next("//evil.example"), "/admin");
        assert_eq!(safe_next("https://evil.example"), "/admin");
        assert_eq!(safe_next("/\\evil.example"), "/admin");
        assert_eq!(safe_next(""), "/admin");
    }
}
