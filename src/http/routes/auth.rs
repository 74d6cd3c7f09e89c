//! Signing in and out.

use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::http::StatusCode;
use actix_web::http::header::USER_AGENT;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};

use crate::config::Settings;
use crate::http::error::{AppError, SET_UP_TWO_FACTOR_PAGE};
use crate::http::middleware::csrf::{Csrf, CsrfForm, cookie_names, session_token, site_cookie};
use crate::http::now;
use crate::http::render::{Page, render};
use crate::http::state::AppState;
use crate::service::{auth, two_factor};

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
    cfg.service(login_page)
        .service(login)
        .service(code_page)
        .service(submit_code)
        .service(logout);
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

/// The cookie that carries a pending sign-in (a right password waiting for its code)
/// between the two steps; only the sign-in pages see it.
pub const PENDING_COOKIE: &str = "townhall_pending";

/// The pending sign-in cookie (or, with an empty value and no age, its removal).
fn pending_cookie(value: String, https: bool, max_age_minutes: i64) -> Cookie<'static> {
    Cookie::build(PENDING_COOKIE, value)
        .path("/login")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(https)
        .max_age(CookieDuration::minutes(max_age_minutes))
        .finish()
}

/// Where a signed-in member goes: back to `next`, or to their account page when they
/// must set up two-factor first. After a code, the pending cookie is removed.
fn signed_in_response(
    state: &AppState,
    signed_in: auth::SignedIn,
    next: &str,
    after_code: bool,
) -> HttpResponse {
    tracing::info!(user = signed_in.user.id, "signed in");
    let to = if signed_in.must_set_up_two_factor {
        SET_UP_TWO_FACTOR_PAGE
    } else {
        safe_next(next)
    };
    let mut res = HttpResponse::SeeOther();
    res.insert_header(("Location", to.to_owned()))
        .cookie(session_cookie(
            &state.settings,
            signed_in.token,
            state.settings.session_days.into(),
        ));
    // The pending sign-in the code completed is spent: its cookie goes.
    if after_code {
        res.cookie(pending_cookie(String::new(), state.settings.is_https(), 0));
    }
    res.finish()
}

/// The browser's `User-Agent`, kept with the session it starts.
fn user_agent_of(req: &HttpRequest) -> String {
    req.headers()
        .get(USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned()
}

/// A refusal the sign-in forms show beside the form: why, and with which status.
fn refusal(e: AppError) -> Result<(String, StatusCode), AppError> {
    match e {
        AppError::TooMany(msg) => Ok((msg, StatusCode::TOO_MANY_REQUESTS)),
        AppError::BadRequest(msg) => Ok((msg, StatusCode::UNAUTHORIZED)),
        other => Err(other),
    }
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
    let user_agent = user_agent_of(&req);
    let policy = auth::SessionPolicy::from(&*state.settings);
    let attempt_email = email.clone();
    let result = state
        .db(move |c| {
            let attempt = auth::Attempt {
                email: &attempt_email,
                password: &password,
                ip: &ip,
                user_agent: &user_agent,
            };
            auth::sign_in(c, &attempt, now(), policy)
        })
        .await;
    match result {
        Ok(auth::SignInOutcome::SignedIn(signed_in)) => {
            Ok(signed_in_response(&state, signed_in, &next, false))
        }
        Ok(auth::SignInOutcome::CodeNeeded(token)) => {
            let to = format!(
                "/login/two-factor?next={}",
                url::form_urlencoded::byte_serialize(safe_next(&next).as_bytes())
                    .collect::<String>()
            );
            Ok(HttpResponse::SeeOther()
                .insert_header(("Location", to))
                .cookie(pending_cookie(
                    token,
                    state.settings.is_https(),
                    two_factor::PENDING_MINUTES,
                ))
                .finish())
        }
        Err(e) => {
            // Throttled or refused: the form again, with the e-mail kept and why.
            let (msg, status) = refusal(e)?;
            login_form(&state, &csrf, &email, &next, Some(msg), status).await
        }
    }
}

/// The second step's page.
#[derive(Serialize)]
struct CodePage<'a> {
    csrf: String,
    next: &'a str,
    error: Option<String>,
}

async fn code_form(
    state: &AppState,
    csrf: &Csrf,
    next: &str,
    error: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    render(
        state,
        Page::new("public/login_code", "Two-factor sign-in")
            .noindex()
            .status(status),
        CodePage {
            csrf: csrf.token(),
            next: safe_next(next),
            error,
        },
    )
    .await
}

/// Back to the first step, when the pending sign-in is missing or has run out.
fn start_again(next: &str) -> HttpResponse {
    let to = format!(
        "/login?next={}",
        url::form_urlencoded::byte_serialize(safe_next(next).as_bytes()).collect::<String>()
    );
    HttpResponse::SeeOther()
        .insert_header(("Location", to))
        .finish()
}

#[get("/login/two-factor")]
async fn code_page(
    state: web::Data<AppState>,
    req: HttpRequest,
    csrf: Csrf,
    q: web::Query<NextQuery>,
) -> Result<HttpResponse, AppError> {
    let Some(token) = req.cookie(PENDING_COOKIE).map(|c| c.value().to_owned()) else {
        return Ok(start_again(&q.next));
    };
    let live = state
        .db(move |c| two_factor::pending_user(c, &token, now()))
        .await?;
    if live.is_none() {
        return Ok(start_again(&q.next));
    }
    code_form(&state, &csrf, &q.next, None, StatusCode::OK).await
}

/// The second step's form.
#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    next: String,
    #[serde(default)]
    csrf_token: String,
}

crate::csrf_form!(CodeForm);

#[post("/login/two-factor")]
async fn submit_code(
    state: web::Data<AppState>,
    req: HttpRequest,
    csrf: Csrf,
    form: CsrfForm<CodeForm>,
) -> Result<HttpResponse, AppError> {
    let CodeForm { code, next, .. } = form.0;
    let Some(token) = req.cookie(PENDING_COOKIE).map(|c| c.value().to_owned()) else {
        return Ok(start_again(&next));
    };
    let ip = crate::http::client_addr::client_ip(&req, state.settings.trust_proxy);
    let user_agent = user_agent_of(&req);
    let limits = auth::SessionLimits::of(&state.settings);
    let result = state
        .db(move |c| {
            let origin = auth::Origin {
                ip: &ip,
                user_agent: &user_agent,
            };
            two_factor::finish_sign_in(c, &token, &code, origin, now(), limits)
        })
        .await;
    match result {
        Ok(signed_in) => Ok(signed_in_response(&state, signed_in, &next, true)),
        Err(AppError::NotFound) => Ok(start_again(&next)),
        Err(e) => {
            let (msg, status) = refusal(e)?;
            code_form(&state, &csrf, &next, Some(msg), status).await
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
