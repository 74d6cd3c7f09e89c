//! The unsubscribe link in reply notifications: GET shows a confirmation page, POST
//! removes the subscription. The confirmation link of a new subscription works the same
//! way: GET shows a button (mail scanners open links), POST confirms. The signed token in the address is the authority, so the
//! POST needs no CSRF token or sign-in: that is what lets mail clients unsubscribe in
//! one click (RFC 8058 `List-Unsubscribe-Post`), and a forged request can do no more
//! than the link's owner could.

use actix_web::{HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};

use crate::http::error::AppError;
use crate::http::render::{Page, render};
use crate::http::state::AppState;
use crate::service::mail::{self, Confirmation, Unsubscribe};

/// The page that asks to confirm stopping a thread's e-mail, or says it has stopped.
#[derive(Serialize)]
struct UnsubscribePage {
    view: Unsubscribe,
    /// The token the confirmation form sends (empty once done).
    token: String,
    done: bool,
}

/// Registers the unsubscribe routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(unsubscribe_page)
        .service(unsubscribe)
        .service(confirm_page)
        .service(confirm);
}

/// The page that asks a reader to confirm their reply e-mail, or says it is confirmed.
#[derive(Serialize)]
struct ConfirmPage {
    view: Confirmation,
    /// The token the button sends.
    token: String,
    waiting: bool,
    done: bool,
}

impl ConfirmPage {
    fn new(view: Confirmation, token: String) -> Self {
        ConfirmPage {
            waiting: view.state == mail::ConfirmState::Waiting,
            done: view.state == mail::ConfirmState::Done,
            view,
            token,
        }
    }
}

#[get("/subscriptions/confirm")]
async fn confirm_page(
    state: web::Data<AppState>,
    q: web::Query<TokenQuery>,
) -> Result<HttpResponse, AppError> {
    let secret = state.secret.clone();
    let token = q.into_inner().token;
    let for_page = token.clone();
    let view = state
        .db(move |c| mail::confirm_preview(c, &secret, &for_page))
        .await?;
    render(
        &state,
        Page::new("public/confirm_subscription", "Confirm your e-mail").noindex(),
        ConfirmPage::new(view, token),
    )
    .await
}

/// As for unsubscribing, the signed token in the address is the authority: a forged
/// request can do no more than the link's owner could.
#[post("/subscriptions/confirm")]
async fn confirm(
    state: web::Data<AppState>,
    q: web::Query<TokenQuery>,
) -> Result<HttpResponse, AppError> {
    let secret = state.secret.clone();
    let token = q.into_inner().token;
    let view = state
        .db(move |c| mail::confirm(c, &secret, &token, crate::http::now()))
        .await?;
    render(
        &state,
        Page::new("public/confirm_subscription", "Confirm your e-mail").noindex(),
        ConfirmPage::new(view, String::new()),
    )
    .await
}

#[derive(Deserialize)]
struct TokenQuery {
    #[serde(default)]
    token: String,
}

#[get("/unsubscribe")]
async fn unsubscribe_page(
    state: web::Data<AppState>,
    q: web::Query<TokenQuery>,
) -> Result<HttpResponse, AppError> {
    let secret = state.secret.clone();
    let token = q.into_inner().token;
    let for_page = token.clone();
    let view = state
        .db(move |c| mail::unsubscribe_preview(c, &secret, &for_page))
        .await?;
    render(
        &state,
        Page::new("public/unsubscribe", "Stop e-mail about this thread").noindex(),
        UnsubscribePage {
            view,
            token,
            done: false,
        },
    )
    .await
}

/// The body (`List-Unsubscribe=One-Click` from mail clients, or the confirmation form)
/// is not read: the token in the address says everything.
#[post("/unsubscribe")]
async fn unsubscribe(
    state: web::Data<AppState>,
    q: web::Query<TokenQuery>,
) -> Result<HttpResponse, AppError> {
    let secret = state.secret.clone();
    let token = q.into_inner().token;
    let view = state
        .db(move |c| mail::unsubscribe(c, &secret, &token))
        .await?;
    render(
        &state,
        Page::new("public/unsubscribe", "Unsubscribed").noindex(),
        UnsubscribePage {
            view,
            token: String::new(),
            done: true,
        },
    )
    .await
}
