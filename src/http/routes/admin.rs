//! Staff pages: posts (list, write, preview, publish, schedule, delete), own account, staff accounts.

use super::comments::PostView;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};

use super::account::{AccountExtras, account_view};
use super::staff::{ADMIN_PER_PAGE, DoneQuery, ListQuery, admin_render, notice, see_other};
use crate::domain::role::role_options;
use crate::domain::{FieldErrors, PostInput, Role, SafeHtml};
use crate::http::error::AppError;
use crate::http::extractors::{
    AnyStaff, CanManageUsers, CanWrite, OwnAccount, Permission, RequireRole,
};
use crate::http::middleware::csrf::{Csrf, CsrfForm};
use crate::http::now;
use crate::http::render::{Page, render};
use crate::http::state::AppState;
use crate::service::posts::{self as post_service, PostState, SaveAction};
use crate::service::site::{Paged, display_date, offset, page_for, paged};
use crate::service::users::Actor;
use crate::service::{separate_field_errors, users as user_service};
use crate::storage::posts as post_store;

/// Registers the staff routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(dashboard)
        .service(post_list)
        .service(new_post_page)
        .service(create_post)
        .service(edit_post_page)
        .service(update_post)
        .service(preview_post)
        .service(publish_post)
        .service(unpublish_post)
        .service(delete_post_page)
        .service(delete_post)
        .service(account_page)
        .service(change_password)
        .service(change_notifications)
        .service(sign_out_other_sessions)
        .service(users_page)
        .service(create_user)
        .service(disable_user)
        .service(enable_user);
}

#[get("/admin")]
async fn dashboard(who: RequireRole<AnyStaff>) -> HttpResponse {
    if who.role.can_write() {
        see_other("/admin/posts")
    } else {
        see_other("/admin/account")
    }
}

#[derive(Serialize)]
struct PostListRow {
    id: i64,
    title: String,
    slug: String,
    state: PostState,
    author: String,
    date: Option<String>,
    updated: String,
}

#[get("/admin/posts")]
async fn post_list(
    state: web::Data<AppState>,
    who: RequireRole<CanWrite>,
    csrf: Csrf,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let only = (!who.role.can_edit_any_post()).then_some(who.user.id);
    let t = now();
    let page = q.page.unwrap_or(1);
    let (rows, total) = state
        .db(move |c| {
            Ok(post_store::list_admin(
                c,
                only,
                offset(page, ADMIN_PER_PAGE),
                ADMIN_PER_PAGE.into(),
            )?)
        })
        .await?;
    let rows: Vec<PostListRow> = rows
        .into_iter()
        .map(|(p, author)| PostListRow {
            id: p.id,
            state: post_service::state(&p, t),
            date: p.published_at.map(display_date),
            updated: display_date(p.updated_at),
            title: p.title,
            slug: p.slug,
            author,
        })
        .collect();
    let list = paged(rows, page, ADMIN_PER_PAGE, total)?;
    admin_render(
        &state,
        &who,
        &csrf,
        Page::new("admin/posts", "Posts"),
        PostsPage {
            list,
            page_prefix: "/admin/posts?page=",
            notice: notice(q.done.as_deref()),
        },
    )
    .await
}

/// The editor form: the post fields, which button was pressed, and the token.
#[derive(Deserialize)]
pub struct EditorForm {
    #[serde(flatten)]
    input: PostInput,
    #[serde(default)]
    action: String,
    #[serde(default)]
    csrf_token: String,
}

/// A form with only the token.
#[derive(Deserialize)]
pub struct ActionForm {
    #[serde(default)]
    csrf_token: String,
}

crate::csrf_form!(EditorForm, ActionForm, PasswordForm, NewUserForm);

/// The posts list.
#[derive(Serialize)]
struct PostsPage {
    list: Paged<PostListRow>,
    page_prefix: &'static str,
    notice: Option<&'static str>,
}

/// The editor: the fields as typed, their problems, the preview and the post's state.
#[derive(Serialize)]
struct EditorPage<'a> {
    post_id: Option<i64>,
    input: &'a PostInput,
    errors: &'a FieldErrors,
    has_errors: bool,
    preview_html: Option<SafeHtml>,
    state: Option<PostState>,
    slug: Option<String>,
    notice: Option<&'a str>,
}

/// The page that confirms a deletion, or says why there can be none.
#[derive(Serialize)]
struct DeletePage {
    post: PostRef,
    refusal: Option<String>,
}

/// A post named on a page.
#[derive(Serialize)]
struct PostRef {
    id: i64,
    title: String,
}

/// The accounts page.
#[derive(Serialize)]
struct UsersPage<'a> {
    users: Vec<UserListRow>,
    input: &'a NewUserForm,
    roles: Vec<crate::domain::MenuOption>,
    errors: FieldErrors,
    #[serde(flatten)]
    outcome: UsersOutcome,
}

/// What the accounts page says after an action: a notice, and a generated password
/// shown once.
#[derive(Serialize, Default)]
struct UsersOutcome {
    notice: Option<&'static str>,
    generated_password: Option<String>,
    created_email: Option<String>,
}

struct EditorView<'a> {
    post_id: Option<i64>,
    input: &'a PostInput,
    errors: &'a FieldErrors,
    preview: Option<SafeHtml>,
    state: Option<PostState>,
    slug: Option<String>,
    status: StatusCode,
}

async fn editor<P: Permission>(
    state: &AppState,
    who: &RequireRole<P>,
    csrf: &Csrf,
    v: EditorView<'_>,
    notice: Option<&str>,
) -> Result<HttpResponse, AppError> {
    let title = if v.post_id.is_some() {
        "Edit post"
    } else {
        "New post"
    };
    admin_render(
        state,
        who,
        csrf,
        Page::new("admin/edit", title).status(v.status),
        EditorPage {
            post_id: v.post_id,
            input: v.input,
            errors: v.errors,
            has_errors: !v.errors.is_empty(),
            preview_html: v.preview,
            state: v.state,
            slug: v.slug,
            notice,
        },
    )
    .await
}

#[get("/admin/posts/new")]
async fn new_post_page(
    state: web::Data<AppState>,
    who: RequireRole<CanWrite>,
    csrf: Csrf,
) -> Result<HttpResponse, AppError> {
    let input = PostInput::default();
    let view = EditorView {
        post_id: None,
        input: &input,
        errors: &FieldErrors::default(),
        preview: None,
        state: None,
        slug: None,
        status: StatusCode::OK,
    };
    editor(&state, &who, &csrf, view, None).await
}

/// What the editor's buttons ask for.
enum EditorAction {
    /// Render the body beside the form; save nothing.
    Preview,
    /// Save, and publish or unpublish.
    Save(SaveAction),
}

/// The editor button that was pressed (its `action` value).
fn action_of(s: &str) -> Option<EditorAction> {
    match s {
        "preview" => Some(EditorAction::Preview),
        "publish" => Some(EditorAction::Save(SaveAction::Publish)),
        "unpublish" => Some(EditorAction::Save(SaveAction::Unpublish)),
        "save" | "" => Some(EditorAction::Save(SaveAction::Save)),
        _ => None,
    }
}

/// Shared by create and update: preview, validate, save, or show the form again with errors.
async fn submit_editor(
    state: web::Data<AppState>,
    who: RequireRole<CanWrite>,
    csrf: Csrf,
    post_id: Option<i64>,
    form: EditorForm,
) -> Result<HttpResponse, AppError> {
    let EditorForm { input, action, .. } = form;
    let current = match post_id {
        Some(id) => {
            let user = who.user.clone();
            Some(
                state
                    .db(move |c| post_service::editable(c, &user, id))
                    .await?,
            )
        }
        None => None,
    };
    let t = now();
    let show = async |errors: FieldErrors, preview: Option<SafeHtml>, status: StatusCode| {
        let view = EditorView {
            post_id,
            input: &input,
            errors: &errors,
            preview,
            state: current.as_ref().map(|p| post_service::state(p, t)),
            slug: current.as_ref().map(|p| p.slug.clone()),
            status,
        };
        editor(&state, &who, &csrf, view, None).await
    };
    let Some(action) = action_of(&action) else {
        return Err(AppError::BadRequest("Unknown editor action.".into()));
    };
    let save_action = match action {
        EditorAction::Save(save) => save,
        EditorAction::Preview => {
            if let Err(problem) = crate::domain::post::check_body(&input.body) {
                let mut errors = FieldErrors::default();
                errors.add("body", problem);
                return show(errors, None, StatusCode::UNPROCESSABLE_ENTITY).await;
            }
            // Rendering a long post takes a while: on the blocking pool, not the async worker
            // that also answers every other request on this thread.
            let body = input.body.clone();
            let preview = web::block(move || SafeHtml::from_markdown(&body)).await?;
            return show(FieldErrors::default(), Some(preview), StatusCode::OK).await;
        }
    };
    let draft = match input.validate() {
        Ok(d) => d,
        Err(errors) => return show(errors, None, StatusCode::UNPROCESSABLE_ENTITY).await,
    };
    let user = who.user.clone();
    let saved = state
        .db(move |c| {
            separate_field_errors(post_service::save(
                c,
                &user,
                post_id,
                &draft,
                save_action,
                t,
            ))
        })
        .await?;
    match saved {
        Ok(post) => {
            let done = match (save_action, post_service::state(&post, t)) {
                (SaveAction::Publish, PostState::Scheduled) => "scheduled",
                (SaveAction::Publish, _) => "published",
                (SaveAction::Unpublish, _) => "unpublished",
                (SaveAction::Save, _) => "saved",
            };
            Ok(see_other(format!(
                "/admin/posts/{}/edit?done={done}",
                post.id
            )))
        }
        Err(errors) => show(errors, None, StatusCode::UNPROCESSABLE_ENTITY).await,
    }
}

#[post("/admin/posts/new")]
async fn create_post(
    state: web::Data<AppState>,
    who: RequireRole<CanWrite>,
    csrf: Csrf,
    form: CsrfForm<EditorForm>,
) -> Result<HttpResponse, AppError> {
    submit_editor(state, who, csrf, None, form.0).await
}

#[get("/admin/posts/{id}/edit")]
async fn edit_post_page(
    state: web::Data<AppState>,
    who: RequireRole<CanWrite>,
    csrf: Csrf,
    id: web::Path<i64>,
    q: web::Query<DoneQuery>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let user = who.user.clone();
    let (post, tags) = state
        .db(move |c| {
            let post = post_service::editable(c, &user, id)?;
            let tags = post_store::tags_for(c, &[id])?
                .remove(&id)
                .unwrap_or_default();
            Ok((post, tags))
        })
        .await?;
    let input = PostInput {
        title: post.title.clone(),
        slug: post.slug.clone(),
        tags: tags
            .iter()
            .map(|t| t.name.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        body: post.body_markdown.clone(),
        publish_at: post
            .published_at
            .map(|t| t.format("%Y-%m-%dT%H:%M").to_string())
            .unwrap_or_default(),
    };
    let view = EditorView {
        post_id: Some(id),
        input: &input,
        errors: &FieldErrors::default(),
        preview: None,
        state: Some(post_service::state(&post, now())),
        slug: Some(post.slug.clone()),
        status: StatusCode::OK,
    };
    editor(&state, &who, &csrf, view, notice(q.done.as_deref())).await
}

#[post("/admin/posts/{id}/edit")]
async fn update_post(
    state: web::Data<AppState>,
    who: RequireRole<CanWrite>,
    csrf: Csrf,
    id: web::Path<i64>,
    form: CsrfForm<EditorForm>,
) -> Result<HttpResponse, AppError> {
    submit_editor(state, who, csrf, Some(id.into_inner()), form.0).await
}

#[get("/admin/posts/{id}/preview")]
async fn preview_post(
    state: web::Data<AppState>,
    who: RequireRole<CanWrite>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let user = who.user.clone();
    let page = state
        .db(move |c| {
            let row = post_service::editable(c, &user, id)?;
            page_for(c, &row, now())
        })
        .await?;
    let p = Page::new("public/post", format!("Preview: {}", page.summary.title)).noindex();
    let data = PostView {
        post: Box::new(page),
        preview: true,
        thread: None,
        form: None,
        notice: None,
        csrf: "",
    };
    render(&state, p, data).await
}

async fn set_published(
    state: web::Data<AppState>,
    who: RequireRole<CanWrite>,
    id: i64,
    publish: bool,
) -> Result<HttpResponse, AppError> {
    let user = who.user.clone();
    let t = now();
    let post = state
        .db(move |c| post_service::set_published(c, &user, id, publish, t))
        .await?;
    let done = match (publish, post_service::state(&post, t)) {
        (false, _) => "unpublished",
        (true, PostState::Scheduled) => "scheduled",
        (true, _) => "published",
    };
    Ok(see_other(format!("/admin/posts?done={done}")))
}

#[post("/admin/posts/{id}/publish")]
async fn publish_post(
    state: web::Data<AppState>,
    who: RequireRole<CanWrite>,
    id: web::Path<i64>,
    _form: CsrfForm<ActionForm>,
) -> Result<HttpResponse, AppError> {
    set_published(state, who, id.into_inner(), true).await
}

#[post("/admin/posts/{id}/unpublish")]
async fn unpublish_post(
    state: web::Data<AppState>,
    who: RequireRole<CanWrite>,
    id: web::Path<i64>,
    _form: CsrfForm<ActionForm>,
) -> Result<HttpResponse, AppError> {
    set_published(state, who, id.into_inner(), false).await
}

#[get("/admin/posts/{id}/delete")]
async fn delete_post_page(
    state: web::Data<AppState>,
    who: RequireRole<CanWrite>,
    csrf: Csrf,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let user = who.user.clone();
    let (post, comments) = state
        .db(move |c| {
            let post = post_service::editable(c, &user, id)?;
            Ok((post, crate::storage::comments::count_on_post(c, id)?))
        })
        .await?;
    let refusal = (comments > 0).then(|| post_service::deletion_refusal(comments));
    admin_render(
        &state,
        &who,
        &csrf,
        Page::new("admin/delete", "Delete post"),
        DeletePage {
            post: PostRef {
                id: post.id,
                title: post.title,
            },
            refusal,
        },
    )
    .await
}

#[post("/admin/posts/{id}/delete")]
async fn delete_post(
    state: web::Data<AppState>,
    who: RequireRole<CanWrite>,
    id: web::Path<i64>,
    _form: CsrfForm<ActionForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let user = who.user.clone();
    let post = state
        .db(move |c| post_service::delete(c, &user, id, now()))
        .await?;
    tracing::info!(post = post.id, by = who.user.id, "post deleted");
    Ok(see_other("/admin/posts?done=deleted"))
}

/// The password-change form.
#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirm_password: String,
    #[serde(default)]
    csrf_token: String,
}

#[get("/admin/account")]
async fn account_page(
    state: web::Data<AppState>,
    who: RequireRole<OwnAccount>,
    csrf: Csrf,
    q: web::Query<DoneQuery>,
) -> Result<HttpResponse, AppError> {
    let extras = AccountExtras {
        notice: notice(q.done.as_deref()),
        ..AccountExtras::default()
    };
    account_view(&state, &who, &csrf, StatusCode::OK, extras).await
}

/// The account page's e-mail form: a box that is sent only when ticked.
#[derive(Deserialize)]
pub struct NotificationsForm {
    #[serde(default)]
    notify_new_comments: String,
    #[serde(default)]
    csrf_token: String,
}

crate::csrf_form!(NotificationsForm);

#[post("/admin/account/notifications")]
async fn change_notifications(
    state: web::Data<AppState>,
    who: RequireRole<OwnAccount>,
    form: CsrfForm<NotificationsForm>,
) -> Result<HttpResponse, AppError> {
    let on = !form.0.notify_new_comments.trim().is_empty();
    let id = who.user.id;
    state
        .db(move |c| crate::service::mail::set_author_notices(c, id, on))
        .await?;
    Ok(see_other("/admin/account?done=notifications"))
}

/// Ends every other session of the account; this browser stays signed in.
#[post("/admin/account/sessions/sign-out-others")]
async fn sign_out_other_sessions(
    state: web::Data<AppState>,
    who: RequireRole<OwnAccount>,
    _form: CsrfForm<ActionForm>,
) -> Result<HttpResponse, AppError> {
    let (id, token) = (who.user.id, who.token.clone());
    let ended = state
        .db(move |c| user_service::sign_out_others(c, id, &token, now()))
        .await?;
    tracing::info!(user = id, ended, "other sessions signed out");
    Ok(see_other("/admin/account?done=signed-out-others"))
}

#[post("/admin/account/password")]
async fn change_password(
    req: actix_web::HttpRequest,
    state: web::Data<AppState>,
    who: RequireRole<OwnAccount>,
    csrf: Csrf,
    form: CsrfForm<PasswordForm>,
) -> Result<HttpResponse, AppError> {
    let PasswordForm {
        current_password,
        new_password,
        confirm_password,
        ..
    } = form.0;
    let id = who.user.id;
    let ip = crate::http::client_addr::client_ip(&req, state.settings.trust_proxy);
    // On the blocking pool: verifying and hashing with argon2 would stall the async worker.
    let result = state
        .db(move |c| {
            let change = user_service::PasswordChange {
                current: &current_password,
                new: &new_password,
                confirm: &confirm_password,
            };
            separate_field_errors(user_service::change_own_password(
                c,
                id,
                &change,
                &ip,
                now(),
            ))
        })
        .await?;
    match result {
        // Every session was ended, this one too: sign in again with the new password.
        Ok(()) => Ok(see_other(
            "/login?next=%2Fadmin%2Faccount%3Fdone%3Dpassword",
        )),
        Err(errors) => {
            let extras = AccountExtras {
                errors,
                ..AccountExtras::default()
            };
            account_view(
                &state,
                &who,
                &csrf,
                StatusCode::UNPROCESSABLE_ENTITY,
                extras,
            )
            .await
        }
    }
}

#[derive(Serialize)]
struct UserListRow {
    id: i64,
    email: String,
    display_name: String,
    role: Role,
    disabled: bool,
    can_sign_in: bool,
    created: String,
}

/// The new-account form.
#[derive(Deserialize, Serialize, Default)]
pub struct NewUserForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    #[serde(skip_serializing)]
    password: String,
    #[serde(default)]
    #[serde(skip_serializing)]
    csrf_token: String,
}

async fn users_view(
    state: &web::Data<AppState>,
    who: &RequireRole<CanManageUsers>,
    csrf: &Csrf,
    input: &NewUserForm,
    errors: FieldErrors,
    outcome: UsersOutcome,
) -> Result<HttpResponse, AppError> {
    let rows = state.db(|c| Ok(crate::storage::users::list(c)?)).await?;
    let rows: Vec<UserListRow> = rows
        .into_iter()
        .map(|u| UserListRow {
            id: u.id,
            can_sign_in: u.password_hash.is_some() && !u.disabled,
            email: u.email,
            display_name: u.display_name,
            role: u.role,
            disabled: u.disabled,
            created: display_date(u.created_at),
        })
        .collect();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let data = UsersPage {
        users: rows,
        input,
        roles: role_options(Role::parse(&input.role)),
        errors,
        outcome,
    };
    admin_render(
        state,
        who,
        csrf,
        Page::new("admin/users", "Staff accounts").status(status),
        data,
    )
    .await
}

#[get("/admin/users")]
async fn users_page(
    state: web::Data<AppState>,
    who: RequireRole<CanManageUsers>,
    csrf: Csrf,
    q: web::Query<DoneQuery>,
) -> Result<HttpResponse, AppError> {
    blank_users_view(
        &state,
        &who,
        &csrf,
        UsersOutcome {
            notice: notice(q.done.as_deref()),
            ..UsersOutcome::default()
        },
    )
    .await
}

/// The accounts page with an empty new-account form (authors by default).
async fn blank_users_view(
    state: &web::Data<AppState>,
    who: &RequireRole<CanManageUsers>,
    csrf: &Csrf,
    outcome: UsersOutcome,
) -> Result<HttpResponse, AppError> {
    let blank = NewUserForm {
        role: "author".into(),
        ..Default::default()
    };
    users_view(state, who, csrf, &blank, FieldErrors::default(), outcome).await
}

#[post("/admin/users")]
async fn create_user(
    state: web::Data<AppState>,
    who: RequireRole<CanManageUsers>,
    csrf: Csrf,
    form: CsrfForm<NewUserForm>,
) -> Result<HttpResponse, AppError> {
    let input = form.0;
    let Some(role) = Role::parse(&input.role) else {
        let mut e = FieldErrors::default();
        e.add("role", "Choose a role.");
        return users_view(&state, &who, &csrf, &input, e, UsersOutcome::default()).await;
    };
    let generated = input
        .password
        .is_empty()
        .then(crate::service::auth::random_password);
    let password = if input.password.is_empty() {
        generated.clone().unwrap_or_default()
    } else {
        input.password.clone()
    };
    let (email, name) = (input.email.clone(), input.name.clone());
    let actor = Actor::Staff(who.user.id);
    let created = state
        .db(move |c| {
            separate_field_errors(user_service::create(
                c,
                actor,
                &email,
                &name,
                role,
                Some(&password),
                now(),
            ))
        })
        .await?;
    match created {
        Ok(user) => {
            tracing::info!(user = user.id, by = who.user.id, "staff account created");
            blank_users_view(
                &state,
                &who,
                &csrf,
                UsersOutcome {
                    notice: notice(Some("user-created")),
                    generated_password: generated,
                    created_email: Some(user.email),
                },
            )
            .await
        }
        Err(errors) => {
            users_view(&state, &who, &csrf, &input, errors, UsersOutcome::default()).await
        }
    }
}

async fn set_user_disabled(
    state: web::Data<AppState>,
    who: RequireRole<CanManageUsers>,
    id: i64,
    disabled: bool,
) -> Result<HttpResponse, AppError> {
    let actor = Actor::Staff(who.user.id);
    state
        .db(move |c| user_service::set_disabled(c, actor, id, disabled, now()))
        .await?;
    Ok(see_other(format!(
        "/admin/users?done={}",
        if disabled {
            "user-disabled"
        } else {
            "user-enabled"
        }
    )))
}

#[post("/admin/users/{id}/disable")]
async fn disable_user(
    state: web::Data<AppState>,
    who: RequireRole<CanManageUsers>,
    id: web::Path<i64>,
    _form: CsrfForm<ActionForm>,
) -> Result<HttpResponse, AppError> {
    set_user_disabled(state, who, id.into_inner(), true).await
}

#[post("/admin/users/{id}/enable")]
async fn enable_user(
    state: web::Data<AppState>,
    who: RequireRole<CanManageUsers>,
    id: web::Path<i64>,
    _form: CsrfForm<ActionForm>,
) -> Result<HttpResponse, AppError> {
    set_user_disabled(state, who, id.into_inner(), false).await
}
