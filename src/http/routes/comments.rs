//! Readers' comments: the thread and the form on a post page, submitting a comment
//! (as a form or, for clients that ask for it, JSON), and the house-rules page.

use actix_web::http::StatusCode;
use actix_web::http::header::{RETRY_AFTER, USER_AGENT};
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::domain::CommentStatus;
use crate::domain::{CommentInput, FieldErrors, SafeHtml};
use crate::http::client_addr::client_addr;
use crate::http::error::AppError;
use crate::http::middleware::csrf::CsrfForm;
use crate::http::middleware::error_pages::wants_json;
use crate::http::middleware::reader_tokens::{Slots, csrf_placeholder, form_placeholder};
use crate::http::middleware::replica::Reads;
use crate::http::now;
use crate::http::render::{Page, render};
use crate::http::state::AppState;
use crate::moderation::{Action, HouseRule};
use crate::service::comments::{
    self, ClosedThread, CommentSettings, RequestFacts, Submitted, Thread,
};
use crate::service::site::{self, PostLookup, PostPage};
use crate::service::{appeals, form_token, house_rules, separate_field_errors};

/// Registers the comment routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(submit).service(house_rules_page);
}

/// The comment form as posted.
#[derive(Deserialize)]
pub struct CommentForm {
    #[serde(flatten)]
    input: CommentInput,
    /// The honeypot: hidden from people, tempting to bots.
    #[serde(default)]
    homepage: String,
    #[serde(default)]
    form_token: String,
    #[serde(default)]
    csrf_token: String,
}

crate::csrf_form!(CommentForm);

/// A message about the reader's own comment, shown above the thread.
#[derive(Debug, Clone, Serialize)]
pub struct Notice {
    /// `published`, `held`, `rejected` or `invalid` (for the style).
    kind: &'static str,
    /// The ARIA role: `status` for good news, `alert` for what needs the reader.
    role: &'static str,
    /// What happened.
    message: String,
    /// Where to look (the comment, or the form).
    link: Option<String>,
    /// The link's text.
    link_text: Option<&'static str>,
    /// For a rejected comment: where its writer may ask for a review.
    appeal_url: Option<String>,
    /// For a comment that asked for reply e-mails: when they start.
    replies: Option<&'static str>,
}

/// Told with a published comment that asked for reply e-mails.
const REPLIES_ASKED: &str = "We have e-mailed you a link to confirm reply notifications for this post (unless this address already has them): nothing more is sent until you confirm.";
/// Told with a held comment that asked for reply e-mails.
const REPLIES_AFTER_APPROVAL: &str = "If a moderator publishes your comment, we will e-mail you a link to confirm reply notifications: nothing more is sent until you confirm.";

/// The post page: the post, its thread and the comment form (or, for a preview, the post
/// alone).
#[derive(Serialize)]
pub(super) struct PostView {
    pub(super) post: Box<PostPage>,
    pub(super) preview: bool,
    pub(super) thread: Option<Thread>,
    pub(super) form: Option<FormData>,
    pub(super) notice: Option<Notice>,
    /// The CSRF token's place (filled as the page leaves, for an open form only).
    pub(super) csrf: &'static str,
}

/// The comment form's data.
#[derive(Serialize)]
pub(super) struct FormData {
    input: CommentInput,
    errors: FieldErrors,
    has_errors: bool,
    /// The form token's place (filled as the page leaves).
    token: &'static str,
    action: String,
}

/// The public page of the house rules.
#[derive(Serialize)]
struct HouseRulesPage {
    rules_html: SafeHtml,
}

/// What the comment form shows.
#[derive(Debug, Default)]
pub struct FormView {
    /// The reader's text.
    input: CommentInput,
    /// Problems beside the fields.
    errors: FieldErrors,
    /// An outcome to announce.
    notice: Option<Notice>,
}

#[derive(Deserialize)]
pub(super) struct PostQuery {
    reply_to: Option<String>,
    comment: Option<String>,
    outcome: Option<String>,
    /// Set when the published comment asked for reply e-mails.
    replies: Option<String>,
}

/// The post page: the post, its comments and the comment form (or why there is none).
pub(super) async fn post_page(
    state: web::Data<AppState>,
    reads: Reads,
    slug: String,
    q: PostQuery,
) -> Result<HttpResponse, AppError> {
    let reply_to = q.reply_to.as_deref().and_then(|r| r.trim().parse().ok());
    let published = q
        .comment
        .as_deref()
        .and_then(|c| c.trim().parse::<i64>().ok())
        .filter(|_| q.outcome.as_deref() == Some(CommentStatus::Published.as_str()));
    let form = FormView {
        input: CommentInput {
            reply_to: reply_to.map(|id: i64| id.to_string()).unwrap_or_default(),
            ..CommentInput::default()
        },
        notice: published.map(|id| Notice {
            kind: CommentStatus::Published.as_str(),
            role: "status",
            message: "Your comment is published.".into(),
            link: Some(format!("#comment-{id}")),
            link_text: Some("See it in the thread"),
            appeal_url: None,
            replies: q.replies.is_some().then_some(REPLIES_ASKED),
        }),
        ..FormView::default()
    };
    show(&state, &reads, slug, form, published, StatusCode::OK).await
}

/// Renders the post page with a comment form in the given state. `published` is a
/// comment the notice points to; the notice is dropped unless that comment is shown.
async fn show(
    state: &web::Data<AppState>,
    reads: &Reads,
    slug: String,
    mut form: FormView,
    published: Option<i64>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let t = now();
    let archive = state.settings.archive_after_days;
    let reply_to = form.input.reply_to.trim().parse::<i64>().ok();
    let (lookup, thread) = reads
        .db(move |c| match site::post(c, &slug, t)? {
            PostLookup::Found(p) => {
                let thread = comments::thread(c, p.summary.id, t, archive, reply_to)?;
                Ok((PostLookup::Found(p), Some(thread)))
            }
            moved => Ok((moved, None)),
        })
        .await?;
    let (p, thread) = match (lookup, thread) {
        (PostLookup::Found(p), Some(thread)) => (p, thread),
        (PostLookup::Moved(to), _) => {
            return Ok(HttpResponse::MovedPermanently()
                .insert_header(("Location", format!("/posts/{to}")))
                .finish());
        }
        (PostLookup::Found(_), None) => return Err(AppError::NotFound),
    };
    if published.is_some_and(|id| !thread.contains(id)) {
        form.notice = None;
    }
    if thread.replying_to.is_none() {
        form.input.reply_to.clear();
    }
    // Tokens only go into an open form, and only as the page leaves (`reader_tokens`): a
    // page without them is the same for every reader.
    let (token, csrf_token) = if thread.open {
        (form_placeholder(), csrf_placeholder())
    } else {
        ("", "")
    };
    let (post_id, thread_open) = (p.summary.id, thread.open);
    let action = format!("/posts/{}/comments#comments", p.summary.slug);
    let page = Page::new("public/post", p.summary.title.clone())
        .canonical(format!("/posts/{}", p.summary.slug))
        .description(p.summary.excerpt.clone())
        .article()
        .status(status);
    render(
        state,
        page,
        PostView {
            post: p,
            preview: false,
            thread: Some(thread),
            form: Some(FormData {
                has_errors: !form.errors.is_empty(),
                input: form.input,
                errors: form.errors,
                token,
                action,
            }),
            notice: form.notice,
            csrf: csrf_token,
        },
    )
    .await
    .map(|mut res| {
        if thread_open {
            res.extensions_mut().insert(Slots { post_id });
        }
        res
    })
}

/// The post page answering a comment sent: from the primary, which has it.
async fn show_after_write(
    state: &web::Data<AppState>,
    slug: String,
    form: FormView,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    show(state, &Reads::primary(state), slug, form, None, status).await
}

/// The JSON for a submission's outcome: the commenter's own hits, never moderator notes
/// or evidence.
fn outcome_json<'a>(done: &'a Submitted, secret: &[u8]) -> Outcome<'a> {
    Outcome {
        id: done.id,
        status: done.status,
        action: done.action,
        house_rule: done.house_rule,
        message: done.message(),
        hits: done
            .hits
            .iter()
            .map(|h| OwnHit {
                rule: &h.rule,
                house_rule: h.house_rule,
                reason: &h.reason,
            })
            .collect(),
        url: (done.status == CommentStatus::Published).then_some(done.permalink.as_str()),
        appeal_url: (done.status == CommentStatus::Rejected)
            .then(|| appeals::link(secret, done.id)),
    }
}

/// A submission's outcome, as the JSON answer gives it.
#[derive(Serialize)]
struct Outcome<'a> {
    id: i64,
    status: CommentStatus,
    action: Action,
    house_rule: Option<HouseRule>,
    message: String,
    hits: Vec<OwnHit<'a>>,
    /// Where the comment is, once published.
    url: Option<&'a str>,
    /// For a rejected comment: the page where its writer may ask for a review.
    appeal_url: Option<String>,
}

/// A rule that fired, as the commenter may see it (no evidence, no moderators' notes).
#[derive(Serialize)]
struct OwnHit<'a> {
    rule: &'a str,
    house_rule: HouseRule,
    reason: &'a str,
}

/// Field problems: beside the fields with the text kept, or as JSON.
async fn refused(
    state: &web::Data<AppState>,
    json: bool,
    slug: String,
    input: CommentInput,
    errors: FieldErrors,
) -> Result<HttpResponse, AppError> {
    if json {
        return Ok(HttpResponse::UnprocessableEntity().json(json!({ "errors": errors })));
    }
    let form = FormView {
        input,
        errors,
        notice: Some(Notice {
            kind: "invalid",
            role: "alert",
            message: "Your comment was not sent: please check the fields marked below.".into(),
            link: Some("#comment-form".into()),
            link_text: Some("Go to the form"),
            appeal_url: None,
            replies: None,
        }),
    };
    show_after_write(state, slug, form, StatusCode::UNPROCESSABLE_ENTITY).await
}

/// A submission only a script sends this fast: 429, with the post page and the text
/// kept in the form (or the reason as JSON), and when to try again.
async fn too_fast(
    state: &web::Data<AppState>,
    json: bool,
    slug: String,
    input: CommentInput,
    message: String,
) -> Result<HttpResponse, AppError> {
    if json {
        return Ok(HttpResponse::TooManyRequests()
            .insert_header((RETRY_AFTER, "60"))
            .json(json!({ "error": message })));
    }
    let form = FormView {
        input,
        errors: FieldErrors::default(),
        notice: Some(Notice {
            kind: "invalid",
            role: "alert",
            message,
            link: Some("#comment-form".into()),
            link_text: Some("Go to the form"),
            appeal_url: None,
            replies: None,
        }),
    };
    let mut res = show_after_write(state, slug, form, StatusCode::TOO_MANY_REQUESTS).await?;
    res.headers_mut().insert(
        RETRY_AFTER,
        actix_web::http::header::HeaderValue::from_static("60"),
    );
    Ok(res)
}

/// The page for a comment sent to a post that takes none now.
#[derive(Serialize)]
struct ClosedPage {
    message: String,
    thread: ClosedThread,
    /// The reader's text, kept for them to copy.
    body: String,
}

/// A comment refused because the post closed: 409, with the reader's text in a box they
/// can copy, the staff's closing note, and the way back to the post.
async fn closed(
    state: &web::Data<AppState>,
    slug: String,
    body: String,
    message: String,
) -> Result<HttpResponse, AppError> {
    let (t, archive) = (now(), state.settings.archive_after_days);
    let thread = state
        .db(move |c| comments::closed_thread(c, &slug, t, archive))
        .await?;
    let Some(thread) = thread else {
        return Err(AppError::Conflict(message));
    };
    render(
        state,
        Page::new("public/comment_closed", "Your comment was not sent")
            .noindex()
            .status(StatusCode::CONFLICT),
        ClosedPage {
            message,
            thread,
            body,
        },
    )
    .await
}

#[post("/posts/{slug}/comments")]
async fn submit(
    state: web::Data<AppState>,
    req: HttpRequest,
    slug: web::Path<String>,
    form: CsrfForm<CommentForm>,
) -> Result<HttpResponse, AppError> {
    let json = wants_json(&req);
    let slug = slug.into_inner();
    let CommentForm {
        input,
        homepage,
        form_token,
        ..
    } = form.0;
    let comment = match input.validate() {
        Ok(c) => c,
        Err(errors) => return refused(&state, json, slug, input, errors).await,
    };
    let request = RequestFacts {
        ip: client_addr(&req, state.settings.trust_proxy),
        user_agent: req
            .headers()
            .get(USER_AGENT)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .unwrap_or_default(),
        honeypot: homepage,
        token: form_token::read(&state.secret, &form_token),
        now: now(),
    };
    let rules = state.rules.current();
    let settings = CommentSettings::from(state.settings.as_ref());
    let mail = state.mail_context();
    let for_post = slug.clone();
    let result = state
        .db(move |c| {
            separate_field_errors(comments::submit(
                c, &rules, &settings, &mail, &for_post, &comment, &request,
            ))
        })
        .await;
    let done = match result {
        Ok(Ok(done)) => done,
        Ok(Err(errors)) => return refused(&state, json, slug, input, errors).await,
        Err(AppError::TooMany(message)) => {
            return too_fast(&state, json, slug, input, message).await;
        }
        Err(AppError::Conflict(message)) if !json => {
            return closed(&state, slug, input.body, message).await;
        }
        Err(e) => return Err(e),
    };
    tracing::info!(comment = done.id, action = done.action.as_str(), rule = ?done.house_rule, "comment submitted");
    if json {
        let status = match done.status {
            CommentStatus::Rejected => StatusCode::UNPROCESSABLE_ENTITY,
            _ => StatusCode::CREATED,
        };
        let mut res = HttpResponse::build(status);
        if done.status == CommentStatus::Published {
            res.insert_header(("Location", done.permalink.clone()));
        }
        return Ok(res.json(outcome_json(&done, &state.secret)));
    }
    match done.status {
        CommentStatus::Published => Ok(HttpResponse::SeeOther()
            .insert_header((
                "Location",
                format!(
                    "{}?comment={id}&outcome=published{replies}#comment-{id}",
                    done.post_url,
                    id = done.id,
                    replies = if input.wants_replies() {
                        "&replies=asked"
                    } else {
                        ""
                    },
                ),
            ))
            .finish()),
        CommentStatus::Held => {
            let replies = input.wants_replies().then_some(REPLIES_AFTER_APPROVAL);
            // The reader may write again, so who they are stays; the text was received.
            let form = FormView {
                input: CommentInput {
                    name: input.name,
                    email: input.email,
                    website: input.website,
                    notify_replies: input.notify_replies,
                    ..CommentInput::default()
                },
                errors: FieldErrors::default(),
                notice: Some(Notice {
                    kind: CommentStatus::Held.as_str(),
                    role: "alert",
                    message: done.message(),
                    link: Some("/house-rules".into()),
                    link_text: Some("Read our house rules"),
                    appeal_url: None,
                    replies,
                }),
            };
            show_after_write(&state, slug, form, StatusCode::ACCEPTED).await
        }
        CommentStatus::Rejected => {
            let form = FormView {
                input,
                errors: FieldErrors::default(),
                notice: Some(Notice {
                    kind: CommentStatus::Rejected.as_str(),
                    role: "alert",
                    message: done.message(),
                    link: Some("#comment-form".into()),
                    link_text: Some("Edit your comment"),
                    appeal_url: Some(appeals::link(&state.secret, done.id)),
                    replies: None,
                }),
            };
            show_after_write(&state, slug, form, StatusCode::UNPROCESSABLE_ENTITY).await
        }
    }
}

#[get("/house-rules")]
async fn house_rules_page(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let settings = state.settings.clone();
    let html = web::block(move || house_rules::page(&settings)).await?;
    render(
        &state,
        Page::new("public/house_rules", "House rules for comments").canonical("/house-rules"),
        HouseRulesPage { rules_html: html },
    )
    .await
}
