//! The unsubscribe link in reply notifications: GET shows a confirmation page, POST
//! removes the subscription. The signed token in the address is the authority, so the
//! POST needs no CSRF token or sign-in: that is what lets mail clients unsubscribe in
//! one click (RFC 8058 `List-Unsubscribe-Post`), and a forged request can do no more
//! than the link's owner could.

use actix_web::{HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};

use crate::http::error::AppError;
use crate::http::render::{Page, render};
use crate::http::state::AppState;
use crate::service::mail::{self, Unsubscribe};

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
    cfg.service(unsubscribe_page).service(unsubscribe);
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
