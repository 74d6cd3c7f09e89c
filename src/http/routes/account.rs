//! The signed-in staff member's own page: e-mail settings, password, two-factor sign-in
//! and the account's live sessions. Its forms live with what they change (`admin` and
//! `two_factor`); this module renders the page they all return to.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use serde::Serialize;

use super::staff::admin_render;
use crate::domain::FieldErrors;
use crate::http::error::AppError;
use crate::http::extractors::{OwnAccount, RequireRole};
use crate::http::middleware::csrf::Csrf;
use crate::http::now;
use crate::http::render::Page;
use crate::http::state::AppState;
use crate::service::site::display_time;
use crate::service::{auth, two_factor};

/// Errors beside each two-factor form (they share field names, so each has its own).
#[derive(Serialize, Default)]
pub(super) struct TwoFactorErrors {
    pub(super) enable: FieldErrors,
    pub(super) disable: FieldErrors,
    pub(super) regenerate: FieldErrors,
}

/// What the account page shows beyond the account itself.
#[derive(Serialize, Default)]
pub(super) struct AccountExtras {
    /// The password form's errors.
    pub(super) errors: FieldErrors,
    /// The two-factor forms' errors.
    pub(super) two_factor_errors: TwoFactorErrors,
    /// New recovery codes, shown this once.
    pub(super) recovery_codes: Option<Vec<String>>,
    /// What was just done.
    pub(super) notice: Option<&'static str>,
}

/// The signed-in staff member's own page.
#[derive(Serialize)]
struct AccountPage {
    #[serde(flatten)]
    extras: AccountExtras,
    notify_new_comments: bool,
    two_factor: two_factor::Status,
    sessions: Vec<SessionView>,
    session_days: u32,
    /// The idle timeout in words ("2 hours").
    session_idle: String,
}

/// One of the account's live sessions, as its owner sees it.
#[derive(Serialize)]
struct SessionView {
    /// The browser in a few words ("Firefox on Linux").
    browser: String,
    /// The whole `User-Agent` it signed in with (kept short at sign-in).
    user_agent: String,
    ip: String,
    started: String,
    last_used: String,
    /// This browser's own session.
    current: bool,
}

/// A number of minutes in words: whole hours as hours.
fn minutes_in_words(minutes: u32) -> String {
    match (minutes / 60, minutes % 60) {
        (1, 0) => "an hour".to_owned(),
        (hours, 0) => format!("{hours} hours"),
        _ => format!("{minutes} minutes"),
    }
}

/// Renders the account page with its two-factor state.
pub(super) async fn account_view(
    state: &AppState,
    who: &RequireRole<OwnAccount>,
    csrf: &Csrf,
    status: StatusCode,
    extras: AccountExtras,
) -> Result<HttpResponse, AppError> {
    let user = who.user.clone();
    let issuer = state.settings.site_title.clone();
    let limits = auth::SessionLimits::of(&state.settings);
    let token = who.token.clone();
    let (two_factor, sessions) = state
        .db(move |c| {
            let status = two_factor::status(c, &user, &issuer)?;
            let sessions = auth::active_sessions(c, user.id, &token, now(), limits)?;
            Ok((status, sessions))
        })
        .await?;
    let sessions = sessions
        .into_iter()
        .map(|a| SessionView {
            browser: crate::domain::user_agent::summary(&a.session.user_agent),
            user_agent: a.session.user_agent,
            ip: a.session.ip,
            started: display_time(a.session.created_at),
            last_used: display_time(a.session.last_seen_at),
            current: a.current,
        })
        .collect();
    admin_render(
        state,
        who,
        csrf,
        Page::new("admin/account", "Your account").status(status),
        AccountPage {
            extras,
            notify_new_comments: who.user.notify_new_comments,
            two_factor,
            sessions,
            session_days: limits.days,
            session_idle: minutes_in_words(limits.idle_minutes),
        },
    )
    .await
}
