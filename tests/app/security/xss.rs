//! Every XSS payload in `shared/badinput/xss/` (and the naughty strings that try to run
//! script) typed where people type: as a comment's body, author name and website, and as
//! a post's title and body in the editor. Then headless Chromium opens every page that
//! shows them, to readers and to staff, and finds each one inert:
//!
//! - no dialog: `alert`, `confirm`, `prompt` and `print` are replaced, before any page
//!   script runs (CDP `Page.addScriptToEvaluateOnNewDocument`), by recorders, and WebDriver
//!   must report no open dialog either;
//! - nothing live in the DOM: no inline or foreign `<script>`, no `on*` handler attribute,
//!   no `javascript:` address, no frame, object, `<base>` or `<meta http-equiv>`, no inline
//!   style. This catches payloads that wait for a click or a mouse-over, too;
//! - the page is still the one asked for (no redirect by `<meta refresh>` or script).
//!
//! The page's Content-Security-Policy is switched off in this browser (CDP
//! `Page.setBypassCSP`), so these checks test the escaping and the HTML sanitiser on their
//! own; the CSP is the second wall, checked by `security::headers`. A canary page with a
//! live payload proves first that the checks see what they should.
//!
//! Comments are sent one payload each (with an address and e-mail per reader, so the
//! volume rule does not merge them). Whatever the rules hold or reject is looked at in the
//! queue and then approved, so that every payload is seen by readers as well. Post bodies
//! are grouped, a paragraph each, on a few posts. Forms refused with the reader's input
//! kept (a name too long, a website that is not one) are sent from the browser itself with
//! payloads batched into the fields. SQLite only: the pages are the same on PostgreSQL, and
//! this test is the slowest.

use std::time::Instant;

use fantoccini::Client;
use serde_json::{Value, json};
use townhall::domain::{CommentInput, PostInput};

use crate::browser::{
    Chromedriver, Chromium, browser_available, screenshot, sign_in_as_admin, submit, wait_until,
};
use crate::comments::{HOUSING_BODY, comment_settings, csrf, post, send};
use crate::hostile::xss_payloads;
use crate::support::*;

/// Comments per post (the queue shows up to 200 at once).
const COMMENTS_PER_POST: usize = 100;
/// Payloads per post body, a paragraph each.
const BODIES_PER_POST: usize = 60;
/// Payloads per field in one refused form.
const PER_REFUSED_FORM: usize = 60;

/// Replaces the dialog functions with recorders before any script of the page runs.
const HOOK: &str = r"(() => {
  const fired = [];
  Object.defineProperty(window, '__xss_fired', { get: () => (fired.length ? fired : undefined) });
  for (const name of ['alert', 'confirm', 'prompt', 'print']) {
    Object.defineProperty(window, name, {
      value: (...args) => { fired.push(name + '(' + args.map(String).join(', ') + ')'); },
      writable: false,
      configurable: false,
    });
  }
})();";

/// Lists whatever on the page could run script, and what the recorders caught.
const INSPECT: &str = r"
const bad = [];
const here = location.origin;
const html = document.contentType === 'text/html';
const urlAttrs = ['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'poster',
  'background', 'lowsrc', 'dynsrc', 'codebase', 'cite', 'ping', 'manifest'];
// The scheme as this browser reads the address (what it would act on).
const scheme = (value) => { try { return new URL(value, document.baseURI).protocol; } catch (e) { return ''; } };
for (const el of document.querySelectorAll('*')) {
  const tag = el.localName.toLowerCase();
  const at = () => tag + (el.id ? '#' + el.id : '') + ' in ' + (el.parentElement ? el.parentElement.outerHTML.slice(0, 160) : '');
  for (const a of Array.from(el.attributes)) {
    const name = a.name.toLowerCase();
    if (name.startsWith('on')) bad.push('handler ' + name + ' on ' + at());
    if (name === 'srcdoc' || (html && name === 'style')) bad.push(name + ' attribute on ' + at());
    const s = urlAttrs.includes(name) ? scheme(a.value) : '';
    if (s === 'javascript:' || s === 'vbscript:' || (s === 'data:' && tag !== 'img')) {
      bad.push(name + '=' + a.value.slice(0, 60) + ' on ' + at());
    }
    if (name === 'srcset' && /javascript:|vbscript:/i.test(a.value)) bad.push('srcset on ' + at());
  }
  if (tag === 'script' && !(el.src && new URL(el.src, location.href).origin === here)) bad.push('script ' + at());
  if (['iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'base', 'portal'].includes(tag)) bad.push(tag + ' element ' + at());
  if (html && tag === 'style') bad.push('style element ' + at());
  if (tag === 'meta' && el.hasAttribute('http-equiv')) bad.push('meta http-equiv ' + at());
}
return { fired: window.__xss_fired || [], bad: bad.slice(0, 10), found: bad.length, url: location.href };
";

/// Pages looked at, and what was found wrong on them.
#[derive(Default)]
struct Findings {
    problems: Vec<String>,
    pages: usize,
}

impl Findings {
    /// Opens `url` and inspects it.
    async fn open(&mut self, browser: &Client, url: String) {
        match browser.goto(&url).await {
            Ok(()) => self.inspect(browser, &url, true).await,
            Err(e) => {
                self.pages += 1;
                self.problems.push(format!("{url}: loading failed: {e}"));
            }
        }
    }

    /// Inspects the page in the browser, which `what` names (its address when `exact`:
    /// then the browser must still be there).
    async fn inspect(&mut self, browser: &Client, what: &str, exact: bool) {
        self.pages += 1;
        if let Ok(text) = browser.get_alert_text().await {
            let _ = browser.dismiss_alert().await;
            self.problems
                .push(format!("{what}: a dialog is open: {text:?}"));
            return;
        }
        let found = match browser.execute(INSPECT, vec![]).await {
            Ok(v) => v,
            Err(e) => {
                self.problems
                    .push(format!("{what}: could not inspect the page: {e}"));
                return;
            }
        };
        let fired = found["fired"].as_array().map_or(0, Vec::len);
        let at = found["url"].as_str().unwrap_or_default();
        let page = |u: &str| u.split('#').next().unwrap_or_default().to_owned();
        let moved = exact && page(at) != page(what);
        if fired > 0 || found["found"].as_u64() != Some(0) || moved {
            self.problems.push(format!("{what}: now at {at}; {found}"));
        }
    }
}

/// Sends a CDP command to this session's page through chromedriver.
async fn cdp(driver: &Chromedriver, session: &str, cmd: &str, params: Value) {
    let answer = reqwest::Client::new()
        .post(format!("{}/session/{session}/goog/cdp/execute", driver.url))
        .json(&json!({ "cmd": cmd, "params": params }))
        .send()
        .await
        .and_then(|r| r.error_for_status());
    if let Err(e) = answer {
        panic!("CDP {cmd}: {e}");
    }
}

/// A comment's fields with `payload` in every one that accepts it.
fn comment_with(payload: &str, i: usize) -> CommentInput {
    let mut input = CommentInput {
        name: payload.to_owned(),
        email: format!("xss{i}@example.org"),
        website: payload.trim().to_owned(),
        body: payload.to_owned(),
        agree: "yes".into(),
        ..CommentInput::default()
    };
    let errors = input.validate().err().unwrap_or_default().0;
    if errors.contains_key("name") {
        input.name = format!("Reader {i}");
    }
    if errors.contains_key("website") {
        input.website = String::new();
    }
    if errors.contains_key("body") {
        input.body = format!("Comment {i} about the housing waiting list.");
    }
    input
}

/// Sends one comment per payload over HTTP; returns the posts' ids and slugs and the ids
/// of the comments the rules did not publish.
fn comment_everywhere(app: &TestApp, payloads: &[String]) -> (Vec<(i64, String)>, Vec<i64>) {
    let token = csrf(app);
    let mut posts = Vec::new();
    let mut unpublished = Vec::new();
    for (i, payload) in payloads.iter().enumerate() {
        if i % COMMENTS_PER_POST == 0 {
            let n = i / COMMENTS_PER_POST + 1;
            posts.push(post(
                app,
                &format!("Housing waiting lists, part {n}"),
                HOUSING_BODY,
                "",
            ));
        }
        let (post_id, slug) = posts.last().expect("a post");
        let input = comment_with(payload, i);
        let form = [
            ("name", input.name.as_str()),
            ("email", input.email.as_str()),
            ("website", input.website.as_str()),
            ("body", input.body.as_str()),
            ("agree", "yes"),
            ("homepage", ""),
        ];
        let ip = format!("10.{}.{}.9", i / 250 % 250, i % 250);
        let p = send(app, slug, *post_id, &ip, &token, &form, true);
        let v: Value = serde_json::from_str(&p.body)
            .unwrap_or_else(|e| panic!("{payload:?} gave {} ({e}): {}", p.status, p.body));
        let id = v["id"]
            .as_i64()
            .unwrap_or_else(|| panic!("{payload:?} was not stored: {v}"));
        if v["status"] != "published" {
            unpublished.push(id);
        }
    }
    (posts, unpublished)
}

/// Saves a post through the editor; `None` when the editor refuses it (with reasons).
fn save_post(app: &TestApp, token: &str, title: &str, body: &str) -> Option<i64> {
    let p = app.post(
        "/admin/posts/new",
        &[
            ("title", title),
            ("tags", "xss"),
            ("body", body),
            ("slug", ""),
            ("publish_at", ""),
            ("action", "publish"),
            ("csrf_token", token),
        ],
    );
    match p.status {
        303 => Some(post_id_from(p.location())),
        422 => {
            assert!(!p.texts(".field-error").is_empty(), "{title:?}: {}", p.body);
            None
        }
        other => panic!("saving {title:?} gave {other}: {}", p.body),
    }
}

/// Posts through the editor: one per payload that is a valid title (with the payload as
/// its body too, for the excerpt), and a few whose bodies hold every payload.
fn write_posts(app: &TestApp, payloads: &[String]) -> (usize, Vec<i64>) {
    let token = app.get("/admin/posts/new").csrf();
    let mut titled = 0;
    for payload in payloads {
        let valid = PostInput {
            title: payload.clone(),
            body: payload.clone(),
            ..PostInput::default()
        }
        .validate()
        .is_ok();
        if valid && save_post(app, &token, payload, payload).is_some() {
            titled += 1;
        }
    }
    let bodies = payloads
        .chunks(BODIES_PER_POST)
        .enumerate()
        .map(|(n, chunk)| {
            let body = chunk.join("\n\n");
            save_post(
                app,
                &token,
                &format!("Payload bodies, part {}", n + 1),
                &body,
            )
            .unwrap_or_else(|| panic!("bodies part {} refused", n + 1))
        })
        .collect();
    (titled, bodies)
}

/// Approves comments through the queue's bulk action.
fn approve(app: &TestApp, ids: &[i64]) {
    let token = app.get("/admin/queue").csrf();
    for chunk in ids.chunks(200) {
        let sel: Vec<String> = chunk.iter().map(|id| format!("sel_{id}")).collect();
        let mut form: Vec<(&str, &str)> = sel.iter().map(|k| (k.as_str(), "1")).collect();
        form.push(("act", "approve:selected"));
        form.push(("csrf_token", &token));
        let p = app.post("/admin/queue", &form);
        assert_eq!(p.status, 303, "bulk approval: {}", p.body);
    }
}

/// Fills a form from the browser with script (no typing: the batches are long) and
/// submits it with its button; the refused form comes back with the input kept.
async fn send_refused(browser: &Client, page: &str, values: &[(&str, &str)], button: &str) {
    browser.goto(page).await.expect("open the form");
    for (css, value) in values {
        browser
            .execute(
                "const el = document.querySelector(arguments[0]); \
                 if (el.type === 'checkbox') { el.checked = true; } else { el.value = arguments[1]; }",
                vec![json!(css), json!(value)],
            )
            .await
            .expect("fill a field");
    }
    // The browser's own checks (a `url` field, `maxlength`) would stop these at the
    // door; the server must cope with them, so they are switched off.
    browser
        .execute(
            "document.querySelector(arguments[0]).form.noValidate = true;",
            vec![json!(button)],
        )
        .await
        .expect("switch off the browser's form checks");
    submit(browser, button).await;
    let errors = browser
        .find_all(fantoccini::Locator::Css(".field-error"))
        .await
        .expect("find");
    assert!(
        !errors.is_empty(),
        "{page}: the form was refused with reasons"
    );
}

/// The staff's view while the rules' holds and rejections are in the queue: the queue
/// tabs of every post and the page of every tenth comment not published.
async fn staff_pages(
    seen: &mut Findings,
    browser: &Client,
    base: &str,
    (comment_posts, unpublished): &(Vec<(i64, String)>, Vec<i64>),
) {
    sign_in_as_admin(browser, base).await;
    for (id, _) in comment_posts {
        for tab in ["held", "rejected", "published"] {
            seen.open(browser, format!("{base}/admin/queue?tab={tab}&post={id}"))
                .await;
        }
    }
    for id in unpublished.iter().step_by(10) {
        seen.open(browser, format!("{base}/admin/comments/{id}"))
            .await;
    }
}

/// Every page with a payload once all comments are published: the posts as readers see
/// them, the editor and preview, every page of the home page, the post list, the tag and
/// the feeds.
async fn published_pages(
    seen: &mut Findings,
    browser: &Client,
    base: &str,
    comment_posts: &[(i64, String)],
    body_posts: &[i64],
    home_pages: u32,
) {
    for (_, slug) in comment_posts {
        seen.open(browser, format!("{base}/posts/{slug}")).await;
    }
    for id in body_posts {
        seen.open(browser, format!("{base}/admin/posts/{id}/edit"))
            .await;
        seen.open(browser, format!("{base}/admin/posts/{id}/preview"))
            .await;
    }
    for page in 1..=home_pages {
        seen.open(browser, format!("{base}/?page={page}")).await;
    }
    for path in ["/admin/posts", "/tags/xss", "/feed.atom", "/feed.rss"] {
        seen.open(browser, format!("{base}{path}")).await;
    }
}

/// Forms refused with the input kept, the payloads batched into every field.
async fn refused_forms(
    seen: &mut Findings,
    browser: &Client,
    base: &str,
    slug: &str,
    payloads: &[String],
) {
    for (n, chunk) in payloads.chunks(PER_REFUSED_FORM).enumerate() {
        let joined = chunk.join(" ");
        let lines = chunk.join("\n");
        send_refused(
            browser,
            &format!("{base}/posts/{slug}"),
            &[
                ("#comment-name", &joined),
                ("#comment-email", "refused@example.org"),
                ("#comment-website", &joined),
                ("#comment-body", &lines),
                ("#comment-agree", ""),
            ],
            "form.comment-form button[type=submit]",
        )
        .await;
        seen.inspect(browser, &format!("refused comment form {n}"), false)
            .await;
        send_refused(
            browser,
            &format!("{base}/admin/posts/new"),
            &[("#title", &joined), ("#tags", &joined), ("#body", &lines)],
            "form.editor button[value=save]",
        )
        .await;
        seen.inspect(browser, &format!("refused editor form {n}"), false)
            .await;
    }
}

/// A page with a live payload: the checks must catch it, or they prove nothing.
async fn canary(browser: &Client) {
    let live = "data:text/html,<p>canary</p><img src=x onerror=alert(1)><a href='javascript:void(0)'>x</a>";
    browser.goto(live).await.expect("open the canary page");
    let found = wait_until("the canary's alert", || async {
        let v = browser.execute(INSPECT, vec![]).await.ok()?;
        (v["fired"].as_array().is_some_and(|f| !f.is_empty())).then_some(v)
    })
    .await;
    assert_eq!(found["fired"], json!(["alert(1)"]), "{found}");
    assert!(
        found["found"].as_u64().unwrap_or(0) >= 2,
        "the handler and the javascript: link are seen: {found}"
    );
}

#[test]
fn xss_payloads_render_inert_in_chromium() {
    if !browser_available() {
        return;
    }
    let started = Instant::now();
    let app = TestApp::spawn_with(Backend::Sqlite, |s| {
        comment_settings(s);
        s.posts_per_page = 100;
    })
    .expect("SQLite always runs");
    app.login_admin();
    let payloads = xss_payloads();
    assert!(payloads.len() > 1000, "payloads read: {}", payloads.len());
    let comments = comment_everywhere(&app, &payloads);
    let (titled, body_posts) = write_posts(&app, &payloads);
    let typed_in = started.elapsed();

    let chromium = Chromium::start();
    let (browser, base) = (&chromium.client, app.base.as_str());
    let mut seen = Findings::default();
    chromium.runtime.block_on(async {
        for (cmd, params) in [
            ("Page.enable", json!({})),
            (
                "Page.addScriptToEvaluateOnNewDocument",
                json!({ "source": HOOK }),
            ),
            ("Page.setBypassCSP", json!({ "enabled": true })),
        ] {
            cdp(&chromium.driver, &chromium.session, cmd, params).await;
        }
        canary(browser).await;
        staff_pages(&mut seen, browser, base, &comments).await;
    });
    // Between the runtime's turns: the blocking HTTP client must not run inside it.
    approve(&app, &comments.1);
    let home_pages = app
        .get("/")
        .attrs(".pagination a", "href")
        .iter()
        .filter_map(|h| h.split("page=").nth(1)?.parse::<u32>().ok())
        .max()
        .unwrap_or(1);
    // A post of its own for the refused forms: floods of similar payloads closed the others.
    let (_, open_slug) = post(&app, "Refused forms are sent here", HOUSING_BODY, "");
    chromium.runtime.block_on(async {
        published_pages(
            &mut seen,
            browser,
            base,
            &comments.0,
            &body_posts,
            home_pages,
        )
        .await;
        refused_forms(&mut seen, browser, base, &open_slug, &payloads).await;
        let (_, slug) = &comments.0[0];
        browser
            .goto(&format!("{base}/posts/{slug}#comments"))
            .await
            .expect("open a post");
        screenshot(browser, "xss.png").await;
        let _ = browser.clone().close().await;
    });
    eprintln!(
        "xss in Chromium: {} payloads; {} comments ({} held or rejected first), {titled} post titles, {} posts of bodies; {} pages checked; typed in {:.1?}, all in {:.1?}",
        payloads.len(),
        payloads.len(),
        comments.1.len(),
        body_posts.len(),
        seen.pages,
        typed_in,
        started.elapsed()
    );
    assert!(
        seen.problems.is_empty(),
        "{} pages with live markup:\n{}",
        seen.problems.len(),
        seen.problems.join("\n")
    );
}
