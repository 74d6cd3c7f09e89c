//! A reader's personal data from the comment's staff page: **Export** (moderators: a
//! JSON file of everything kept about the comment's e-mail) and **Erase** (admins only,
//! after a confirmation page), and the public `/privacy` page. The work is in
//! `service::personal_data`; every POST checks the CSRF token and the role.

use actix_web::http::header;
use actix_web::{HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};

use super::auth::TokenForm;
use super::staff::{admin_render, see_other};
use crate::http::error::AppError;
use crate::http::extractors::{CanManageUsers, CanModerate, RequireRole};
use crate::http::middleware::csrf::{Csrf, CsrfForm};
use crate::http::now;
use crate::http::render::{Page, render};
use crate::http::state::AppState;
use crate::service::personal_data::{
    self, ErasePreview, NAME_REMOVED, PublishedComments, Retention, Whose,
};

/// Registers the personal-data routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(export)
        .service(erase_page)
        .service(erase)
        .service(privacy_page);
}

#[post("/admin/comments/{id}/export")]
async fn export(
    state: web::Data<AppState>,
    who: RequireRole<CanModerate>,
    id: web::Path<i64>,
    _form: CsrfForm<TokenForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let actor = who.user.id;
    let out = state
        .db(move |c| personal_data::export(c, Some(actor), &Whose::Comment(id), now()))
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("application/json; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"personal-data-comment-{id}.json\""),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(out.json))
}

/// The erasure's confirmation step.
#[derive(Serialize)]
struct ErasePage {
    id: i64,
    preview: ErasePreview,
    name_removed: &'static str,
}

#[get("/admin/comments/{id}/erase")]
async fn erase_page(
    state: web::Data<AppState>,
    who: RequireRole<CanManageUsers>,
    csrf: Csrf,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let preview = state
        .db(move |c| personal_data::erase_preview(c, &Whose::Comment(id)))
        .await?;
    admin_render(
        &state,
        &who,
        &csrf,
        Page::new("admin/erase", "Erase a reader's data"),
        ErasePage {
            id,
            preview,
            name_removed: NAME_REMOVED,
        },
    )
    .await
}

#[derive(Deserialize)]
struct EraseForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    published: String,
}

crate::csrf_form!(EraseForm);

#[post("/admin/comments/{id}/erase")]
async fn erase(
    state: web::Data<AppState>,
    who: RequireRole<CanManageUsers>,
    id: web::Path<i64>,
    form: CsrfForm<EraseForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let published = PublishedComments::parse(&form.0.published).ok_or_else(|| {
        AppError::BadRequest(
            "Choose whether their published comments are removed or kept without their name."
                .into(),
        )
    })?;
    let actor = who.user.id;
    state
        .db(move |c| personal_data::erase(c, Some(actor), &Whose::Comment(id), published, now()))
        .await?;
    Ok(see_other("/admin/queue?done=erased".to_owned()))
}

/// The public page on personal data, from the settings.
#[derive(Serialize)]
struct PrivacyPage {
    keep: Retention,
    contact: String,
    contact_is_email: bool,
    site_title: String,
}

#[get("/privacy")]
async fn privacy_page(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let contact = state.settings.privacy_contact().to_owned();
    render(
        &state,
        Page::new("public/privacy", "Your personal data"),
        PrivacyPage {
            keep: Retention::from(state.settings.as_ref()),
            contact_is_email: contact.contains('@') && !contact.contains(char::is_whitespace),
            contact,
            site_title: state.settings.site_title.clone(),
        },
    )
    .await
}
