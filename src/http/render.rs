//! Renders a page template inside the site layout with the context every page needs.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::http::error::AppError;
use crate::http::state::AppState;

/// One page to render: its template, meta data and status.
pub struct Page {
    template: &'static str,
    title: String,
    description: Option<String>,
    path: Option<String>,
    og_type: &'static str,
    noindex: bool,
    status: StatusCode,
}

impl Page {
    /// A page with a template and a `<title>`.
    pub fn new(template: &'static str, title: impl Into<String>) -> Page {
        Page {
            template,
            title: title.into(),
            description: None,
            path: None,
            og_type: "website",
            noindex: false,
            status: StatusCode::OK,
        }
    }

    /// The canonical path of this page (e.g. `/posts/slug`).
    pub fn canonical(mut self, path: impl Into<String>) -> Page {
        self.path = Some(path.into());
        self
    }

    /// The meta description and Open Graph description.
    pub fn description(mut self, d: impl Into<String>) -> Page {
        self.description = Some(d.into());
        self
    }

    /// Marks the page as an article for Open Graph.
    pub fn article(mut self) -> Page {
        self.og_type = "article";
        self
    }

    /// Asks search engines not to index it (admin pages, search results).
    pub fn noindex(mut self) -> Page {
        self.noindex = true;
        self
    }

    /// A status other than 200 (422 for a form with errors, say).
    pub fn status(mut self, status: StatusCode) -> Page {
        self.status = status;
        self
    }
}

/// The fields of the layout context, for pages rendered outside a handler (error pages).
pub fn layout_context(state: &AppState, page: &Page) -> Map<String, Value> {
    let s = &state.settings;
    let mut ctx = Map::new();
    ctx.insert(
        "site".into(),
        json!({
            "title": s.site_title,
            "description": s.site_description,
            "base_url": s.base_url,
            "static_version": state.static_version,
        }),
    );
    ctx.insert(
        "page".into(),
        json!({
            "title": page.title,
            "description": page.description.clone().unwrap_or_else(|| s.site_description.clone()),
            "canonical": page.path.as_ref().map(|p| format!("{}{}", s.base_url, p)),
            "og_type": page.og_type,
            "noindex": page.noindex,
        }),
    );
    ctx
}

/// Renders `page` with `data` (a page's data struct) merged into the layout context. The
/// template runs on the blocking pool: a long page (a thread of 200 comments, a full
/// queue) takes milliseconds, which on an actix worker would stall every other
/// connection that worker serves (pages kept by the page cache among them).
pub async fn render(
    state: &AppState,
    page: Page,
    data: impl Serialize,
) -> Result<HttpResponse, AppError> {
    render_value(state, page, page_data(data)?).await
}

/// A page's data struct as the JSON object the templates read.
pub fn page_data(data: impl Serialize) -> Result<Value, AppError> {
    serde_json::to_value(data).map_err(|e| AppError::Internal(format!("page data: {e}")))
}

/// [`render`] for data already turned into JSON (the staff pages add to it first).
pub async fn render_value(
    state: &AppState,
    page: Page,
    data: Value,
) -> Result<HttpResponse, AppError> {
    let ctx = context(state, &page, data);
    let templates = state.templates.clone();
    let template = page.template;
    let html = web::block(move || templates.render(template, &ctx)).await??;
    let mut res = HttpResponse::build(page.status);
    res.insert_header(("Content-Type", "text/html; charset=utf-8"));
    if page.noindex {
        res.insert_header(("Cache-Control", "no-store"));
    }
    Ok(res.body(html))
}

/// Renders to a string where waiting is not possible (error pages, tests of templates).
pub fn render_string(state: &AppState, page: &Page, data: Value) -> Result<String, AppError> {
    Ok(state
        .templates
        .render(page.template, &context(state, page, data))?)
}

/// The layout context with the page's own data merged in.
fn context(state: &AppState, page: &Page, data: Value) -> Value {
    let mut ctx = layout_context(state, page);
    if let Value::Object(extra) = data {
        ctx.extend(extra);
    }
    Value::Object(ctx)
}
