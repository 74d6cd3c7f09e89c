//! Issue 4 in a real browser: Debian's Chromium, driven over WebDriver by chromedriver,
//! against the real app. A reader's comment is held, a moderator signs in, moves to it
//! and approves it with the queue's keyboard shortcuts, and it appears on the post.
//! Screenshots of the queue and of the post with the comment go to
//! `target/screenshots/` (or `$CARGO_TARGET_DIR/screenshots/`).
//!
//! A reader also reports a published comment through its Report form, and axe-core
//! checks the post page, the form and its confirmation for accessibility violations
//! ([`assert_accessible`]).
//!
//! Needs `/usr/bin/chromium` and `/usr/bin/chromedriver` (Debian's `chromium` and
//! `chromium-driver`; `.ci/run` installs them), and axe-core's `axe.min.js` (`.ci/run`
//! installs it from npm into `target/axe`; or name the file in `$TOWNHALL_AXE_JS`).
//! Without them the tests are skipped with a notice, except under `CI=true`, where they
//! fail.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};

use crate::appeals::{EXPLANATION, RUDE, rejected_by_form};
use crate::comments::{
    HOUSING_COMMENTS, comment_settings, csrf, fields, housing_post, publish, reader, send_json,
};
use crate::support::*;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// How long any one wait in the browser may take before the test fails.
const PATIENCE: Duration = Duration::from_secs(20);

/// A comment that the engine holds: it alleges dishonesty (house rule 2, `legal.allegation`),
/// and it is about the post's subject, so nothing else holds it.
const HELD_BODY: &str = "I think the council has been fiddling the figures on the housing waiting list in Hackney: \
families in temporary accommodation deserve honest numbers.";
const HELD_REASON: &str =
    "awaiting review because it makes an allegation about a person or organisation";

/// An earlier held comment, first in the queue, so that `j` has somewhere to move from.
const EARLIER_BODY: &str = "The council is cooking the books on the housing waiting list for Hackney families; it should publish the real figures.";

/// chromedriver on a free loopback port, killed when dropped.
pub(crate) struct Chromedriver {
    child: Child,
    /// Where it listens, e.g. `http://127.0.0.1:4444`.
    pub url: String,
}

impl Chromedriver {
    /// Starts chromedriver and waits until its `/status` says it is ready.
    pub fn start() -> Chromedriver {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("start {CHROMEDRIVER}: {e}"));
        let mut driver = Chromedriver {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        let http = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(2))
            .build()
            .expect("http client");
        let deadline = Instant::now() + PATIENCE;
        loop {
            let status = http
                .get(format!("{}/status", driver.url))
                .send()
                .and_then(|r| r.json::<Value>());
            if let Ok(v) = &status
                && v["value"]["ready"] == true
            {
                return driver;
            }
            if let Ok(Some(code)) = driver.child.try_wait() {
                panic!("chromedriver exited early with {code}");
            }
            assert!(
                Instant::now() < deadline,
                "chromedriver at {} not ready within {PATIENCE:?}: {status:?}",
                driver.url
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Chromedriver {
    /// Asks chromedriver to shut down (it quits any browser still open, also after a
    /// failed test), waits a little for it to exit, then kills it.
    fn drop(&mut self) {
        let _ = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(5))
            .build()
            .and_then(|c| c.get(format!("{}/shutdown", self.url)).send());
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Whether Chromium and chromedriver are installed; without them the test fails under CI
/// and is skipped (with a notice) elsewhere.
pub(crate) fn browser_available() -> bool {
    let missing: Vec<&str> = [CHROMIUM, CHROMEDRIVER]
        .into_iter()
        .filter(|p| !Path::new(p).exists())
        .collect();
    if missing.is_empty() {
        return true;
    }
    assert!(
        !in_ci(),
        "CI must run the browser test, but {missing:?} is missing: install Debian's chromium and chromium-driver (.ci/run does)"
    );
    eprintln!(
        "notice: browser test skipped: {missing:?} not installed (apt-get install chromium chromium-driver)"
    );
    false
}

/// The build folder: `$CARGO_TARGET_DIR`, else `target`.
fn target_dir() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::env::var_os("CARGO_TARGET_DIR")
        .filter(|v| !v.is_empty())
        .map_or_else(|| manifest.join("target"), |t| manifest.join(t))
}

/// Where screenshots go: `$CARGO_TARGET_DIR/screenshots`, else `target/screenshots`.
fn screenshot_dir() -> PathBuf {
    let dir = target_dir().join("screenshots");
    std::fs::create_dir_all(&dir).expect("create the screenshot folder");
    dir
}

/// Saves a PNG screenshot of the window and checks it was written.
pub(crate) async fn screenshot(browser: &Client, name: &str) -> PathBuf {
    let png = browser.screenshot().await.expect("a screenshot");
    assert!(png.starts_with(b"\x89PNG"), "a PNG screenshot");
    let path = screenshot_dir().join(name);
    std::fs::write(&path, &png).expect("write the screenshot");
    let written = std::fs::metadata(&path).expect("the screenshot file").len();
    assert!(written > 0, "{} is empty", path.display());
    path
}

/// Polls `check` until it gives a value, failing after `PATIENCE`.
pub(crate) async fn wait_until<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = Instant::now() + PATIENCE;
    loop {
        if let Some(v) = check().await {
            return v;
        }
        assert!(
            Instant::now() < deadline,
            "timed out after {PATIENCE:?} waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The text of the first element matching `css`, once there is one.
async fn text_of(browser: &Client, css: &str) -> String {
    wait_until(css, || async {
        let el = browser.find(Locator::Css(css)).await.ok()?;
        el.text().await.ok()
    })
    .await
}

/// Presses and releases a key, as a person at the keyboard: the event goes to whatever
/// has the focus.
async fn press(browser: &Client, key: char) {
    let keys = KeyActions::new("keyboard".into())
        .then(KeyAction::Down { value: key })
        .then(KeyAction::Up { value: key });
    browser.perform_actions(keys).await.expect("a key press");
}

/// Types into a form field found by CSS.
pub(crate) async fn fill(browser: &Client, css: &str, text: &str) {
    let field = browser.find(Locator::Css(css)).await.expect(css);
    field.clear().await.expect("clear a field");
    field.send_keys(text).await.expect("type into a field");
}

/// Submits a form by clicking its button and waits for the next page to load.
pub(crate) async fn submit(browser: &Client, button_css: &str) {
    let before = browser.current_url().await.expect("url");
    let button = browser
        .find(Locator::Css(button_css))
        .await
        .expect(button_css);
    let old_body = browser.find(Locator::Css("body")).await.expect("body");
    button.click().await.expect("click");
    // The old page's body goes stale once the next page has replaced it.
    wait_until(&format!("the page after {before}"), || async {
        match old_body.text().await {
            Err(_) => Some(()),
            Ok(_) => None,
        }
    })
    .await;
}

/// chromedriver, a headless Chromium session through it, and the runtime that drives
/// the session (fields drop in this order: session first, chromedriver last).
pub(crate) struct Chromium {
    /// The WebDriver session.
    pub client: Client,
    /// Its id, for chromedriver's own endpoints.
    pub session: String,
    /// Runs the session's futures (`block_on`); blocking HTTP must stay outside it.
    pub runtime: tokio::runtime::Runtime,
    /// The chromedriver process.
    pub driver: Chromedriver,
    _profile: tempfile::TempDir,
}

impl Chromium {
    /// Starts chromedriver and opens a session with a fresh profile.
    pub fn start() -> Chromium {
        let driver = Chromedriver::start();
        let profile = tempfile::tempdir().expect("a Chromium profile folder");
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a tokio runtime");
        let (client, session) = runtime.block_on(async {
            let client = open_chromium(&driver, profile.path()).await;
            let session = client
                .session_id()
                .await
                .expect("session id")
                .expect("a session");
            (client, session)
        });
        Chromium {
            client,
            session,
            runtime,
            driver,
            _profile: profile,
        }
    }
}

/// A headless Chromium session through `driver`, with its profile in `profile` and the
/// browser console kept for [`console_errors`].
async fn open_chromium(driver: &Chromedriver, profile: &Path) -> Client {
    let caps = json!({
        "browserName": "chrome",
        "goog:chromeOptions": {
            "binary": CHROMIUM,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
                "--window-size=1280,1400",
                format!("--user-data-dir={}", profile.display()),
            ],
        },
        "goog:loggingPrefs": { "browser": "ALL" },
    });
    ClientBuilder::new(HttpConnector::new())
        .capabilities(caps.as_object().expect("an object").clone())
        .connect(&driver.url)
        .await
        .expect("a Chromium session")
}

/// Signs the admin in through the sign-in form, as a person would.
pub(crate) async fn sign_in_as_admin(browser: &Client, base: &str) {
    browser
        .goto(&format!("{base}/login"))
        .await
        .expect("open the sign-in page");
    fill(browser, "#email", ADMIN_EMAIL).await;
    fill(browser, "#password", ADMIN_PASSWORD).await;
    submit(browser, "form.stacked-form button[type=submit]").await;
}

/// The browser's console messages at level SEVERE (errors), read from chromedriver's log.
fn console_errors(driver: &Chromedriver, session: &str) -> Vec<String> {
    let log: Value = reqwest::blocking::Client::new()
        .post(format!("{}/session/{session}/se/log", driver.url))
        .json(&json!({ "type": "browser" }))
        .send()
        .and_then(|r| r.json())
        .expect("the browser log");
    let entries = log["value"]
        .as_array()
        .unwrap_or_else(|| panic!("chromedriver gave no browser log: {log}"));
    entries
        .iter()
        .filter(|e| e["level"] == "SEVERE")
        .map(|e| e["message"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// A copy of the shipped rules with `spam.too_fast` switched off: WebDriver fills the
/// form within a second of the page loading, which would hold the comment as a robot's
/// and hide the reason this test wants to see.
fn rules_without_too_fast(into: &Path) {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).expect("rules folder");
        for entry in std::fs::read_dir(from).expect("read the rules folder") {
            let entry = entry.expect("a rules entry");
            let target = to.join(entry.file_name());
            if entry.file_type().expect("file type").is_dir() {
                copy(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), &target).expect("copy a rules file");
            }
        }
    }
    copy(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("moderation-rules"),
        into,
    );
    let file = into.join("house-rules.toml");
    let rules = std::fs::read_to_string(&file).expect("house-rules.toml");
    let patched = rules.replace("min_seconds = 3.0", "min_seconds = 0.0");
    assert_ne!(rules, patched, "spam.too_fast's min_seconds was not found");
    std::fs::write(&file, patched).expect("write house-rules.toml");
}

#[test]
fn held_comment_is_approved_with_the_keyboard_and_appears_on_the_post() {
    if !browser_available() {
        return;
    }
    let rules = tempfile::tempdir().expect("temp dir");
    rules_without_too_fast(rules.path());
    let app = TestApp::spawn_with(Backend::Sqlite, |s| {
        comment_settings(s);
        s.rules_dir = rules.path().to_path_buf();
    })
    .expect("SQLite always runs");

    // Set-up over plain HTTP: a post, and an earlier held comment first in the queue.
    let (post_id, slug) = housing_post(&app);
    let earlier = reader(1);
    let (status, v) = send_json(
        &app,
        &slug,
        post_id,
        &earlier,
        &csrf(&app),
        &fields(&earlier, EARLIER_BODY),
    );
    assert_eq!((status, v["status"].as_str()), (201, Some("held")), "{v}");
    let earlier_id = v["id"].as_i64().expect("an id");

    let chromium = Chromium::start();
    let (queue_png, post_png) = chromium.runtime.block_on(moderate_in_browser(
        &chromium.client,
        &app.base,
        &slug,
        earlier_id,
    ));
    // Outside the runtime: the log is read with a blocking client.
    let errors = console_errors(&chromium.driver, &chromium.session);
    let _ = chromium.runtime.block_on(chromium.client.clone().close());
    assert!(errors.is_empty(), "console errors: {errors:?}");
    eprintln!(
        "browser test screenshots: {} and {}",
        queue_png.display(),
        post_png.display()
    );
}

/// The flow in the browser; returns the two screenshots' paths.
async fn moderate_in_browser(
    browser: &Client,
    base: &str,
    slug: &str,
    earlier_id: i64,
) -> (PathBuf, PathBuf) {
    // A reader writes a comment that is held.
    browser
        .goto(&format!("{base}/posts/{slug}"))
        .await
        .expect("open the post");
    fill(browser, "#comment-name", "Amara Okafor").await;
    fill(browser, "#comment-email", "amara@example.org").await;
    fill(browser, "#comment-body", HELD_BODY).await;
    let agree = browser
        .find(Locator::Css("#comment-agree"))
        .await
        .expect("the house-rules box");
    agree.click().await.expect("tick the house-rules box");
    assert!(agree.is_selected().await.expect("checked"));
    submit(browser, "form.comment-form button[type=submit]").await;
    let outcome = text_of(browser, ".comment-outcome").await;
    assert!(outcome.contains(HELD_REASON), "held outcome: {outcome}");
    assert!(
        browser
            .find_all(Locator::Css(".comment-list .comment"))
            .await
            .expect("find")
            .is_empty(),
        "a held comment is not shown"
    );

    // A moderator signs in and opens the queue.
    sign_in_as_admin(browser, base).await;
    browser
        .goto(&format!("{base}/admin/queue"))
        .await
        .expect("open the queue");
    let items = wait_until("two queue items", || async {
        let found = browser.find_all(Locator::Css(".queue-item")).await.ok()?;
        let mut ids = Vec::new();
        for item in found {
            ids.push(item.attr("data-id").await.ok()??);
        }
        (ids.len() == 2).then_some(ids)
    })
    .await;
    assert_eq!(items[0], earlier_id.to_string(), "oldest first");
    let id = items[1].clone();
    let item_css = format!("#q-{id}");
    let body = text_of(browser, &format!("{item_css} .queue-body")).await;
    assert!(body.contains("housing waiting list in Hackney"), "{body}");
    let marked = text_of(browser, &format!("{item_css} .queue-body mark")).await;
    assert_eq!(
        marked, "fiddling the figures",
        "the evidence is highlighted"
    );
    let hits = text_of(browser, &format!("{item_css} .queue-hits")).await;
    assert!(
        hits.contains("legal.allegation") && hits.contains("house rule 2"),
        "{hits}"
    );
    let queue_png = screenshot(browser, "queue.png").await;

    // With JavaScript, the first item has the focus; `j` moves to ours, `a` approves it.
    let current = |css: String| async move {
        let el = browser.find(Locator::Css(&css)).await.ok()?;
        let class = el.attr("class").await.ok()??;
        class.contains("queue-current").then_some(())
    };
    wait_until("the first item to be current", || {
        current(format!("#q-{earlier_id}"))
    })
    .await;
    press(browser, 'j').await;
    wait_until("j to move to the next item", || current(item_css.clone())).await;
    let focused = browser.active_element().await.expect("the focused element");
    assert_eq!(
        focused.attr("id").await.expect("id").as_deref(),
        Some(item_css.trim_start_matches('#')),
        "j focuses the item"
    );
    press(browser, 'a').await;
    wait_until("the comment to leave the queue", || async {
        let url = browser.current_url().await.ok()?;
        if !url.query().unwrap_or("").contains("done=approve") {
            return None;
        }
        let left = browser.find_all(Locator::Css(&item_css)).await.ok()?;
        left.is_empty().then_some(())
    })
    .await;
    let remaining = text_of(browser, ".queue-item").await;
    assert!(
        remaining.contains("cooking the books"),
        "the other comment is still waiting: {remaining}"
    );

    // The post now shows the comment.
    browser
        .goto(&format!("{base}/posts/{slug}#comments"))
        .await
        .expect("open the post");
    let shown = text_of(browser, &format!("#comment-{id}")).await;
    assert!(
        shown.contains("Amara Okafor") && shown.contains("fiddling the figures on the housing"),
        "the approved comment on the post: {shown}"
    );
    let heading = text_of(browser, "#comments-heading").await;
    assert_eq!(heading, "Comments (1)");
    let post_png = screenshot(browser, "post-with-comments.png").await;
    (queue_png, post_png)
}

/// axe-core's script: the file `$TOWNHALL_AXE_JS` names, else the copy `.ci/run`
/// installs (`target/axe/node_modules/axe-core/axe.min.js`). Without it the test fails
/// under CI and is skipped (with a notice) elsewhere, as without Chromium.
pub(crate) fn axe_source() -> Option<String> {
    let path = std::env::var_os("TOWNHALL_AXE_JS")
        .filter(|v| !v.is_empty())
        .map_or_else(
            || target_dir().join("axe/node_modules/axe-core/axe.min.js"),
            PathBuf::from,
        );
    match std::fs::read_to_string(&path) {
        Ok(js) if js.contains("axe") => Some(js),
        _ => {
            assert!(
                !in_ci(),
                "CI must run the accessibility checks, but {} is missing: `npm install --prefix target/axe axe-core@4` (.ci/run does) or set TOWNHALL_AXE_JS",
                path.display()
            );
            eprintln!(
                "notice: accessibility test skipped: {} not found (npm install --prefix target/axe axe-core@4, or set TOWNHALL_AXE_JS)",
                path.display()
            );
            None
        }
    }
}

/// Runs axe-core (its WCAG 2.x A and AA rules and best practices) on the page open in
/// `browser` and fails with every violation, its rule, help and the elements it found.
/// Every public form page goes through this one check.
pub(crate) async fn assert_accessible(browser: &Client, axe: &str, what: &str) {
    browser
        .execute(axe, Vec::new())
        .await
        .unwrap_or_else(|e| panic!("inject axe-core into {what}: {e}"));
    let found = browser
        .execute_async(
            "const done = arguments[arguments.length - 1];\n\
             axe.run(document, { resultTypes: ['violations'] })\n\
               .then(r => done(r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help,\n\
                 nodes: v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary) }))))\n\
               .catch(e => done({ error: String(e) }));",
            Vec::new(),
        )
        .await
        .unwrap_or_else(|e| panic!("run axe-core on {what}: {e}"));
    assert!(found.is_array(), "axe-core failed on {what}: {found}");
    assert_eq!(
        found.as_array().map(Vec::len),
        Some(0),
        "accessibility violations on {what}: {}",
        serde_json::to_string_pretty(&found).unwrap_or_default()
    );
}

/// Issue 19's pages in Chromium, each checked by axe-core: a reader reports a comment,
/// another asks for a review of a rejected one, the privacy page, the staff's Reported
/// and Appeals tabs and erasure confirmation, and the answer to a comment sent to a
/// thread closed meanwhile.
#[test]
fn a_reader_reports_a_comment_and_the_pages_pass_axe() {
    if !browser_available() {
        return;
    }
    let Some(axe) = axe_source() else {
        return;
    };
    let app = TestApp::spawn_with(Backend::Sqlite, comment_settings).expect("SQLite always runs");
    let (post_id, slug) = housing_post(&app);
    let id = publish(&app, &slug, post_id, &reader(1), HOUSING_COMMENTS[0], None);
    let appeal_link = rejected_by_form(&app, &slug, post_id, &reader(2), RUDE);

    let chromium = Chromium::start();
    let sent_png = chromium.runtime.block_on(report_in_browser(
        &chromium.client,
        &app.base,
        &slug,
        id,
        &axe,
    ));
    chromium.runtime.block_on(appeal_in_browser(
        &chromium.client,
        &app.base,
        &appeal_link,
        id,
        &axe,
    ));
    // A reader writes while staff close the thread: the 409 page keeps the text.
    let post_url = format!("{}/posts/{slug}", app.base);
    chromium
        .runtime
        .block_on(chromium.client.goto(&post_url))
        .expect("open the post");
    let closed = app.submit(
        "/admin/threads",
        &format!("/admin/posts/{post_id}/comments"),
        &[
            ("mode", "closed"),
            ("note", "Comments are closed on this piece."),
        ],
    );
    assert_eq!(closed.status, 303, "{}", closed.body);
    chromium
        .runtime
        .block_on(kept_in_browser(&chromium.client, &axe));
    // Chromium logs the closed thread's 409 answer as a failed load; it is the answer
    // this flow expects, and nothing else may be logged.
    let errors: Vec<String> = console_errors(&chromium.driver, &chromium.session)
        .into_iter()
        .filter(|e| !(e.contains("/comments") && e.contains("status of 409")))
        .collect();
    let _ = chromium.runtime.block_on(chromium.client.clone().close());
    assert!(errors.is_empty(), "console errors: {errors:?}");
    eprintln!("report test screenshot: {}", sent_png.display());
}

/// A reader opens a comment's Report link, sends a defamation notice and sees the
/// confirmation; the comment is then hidden on the post. axe-core checks each page.
async fn report_in_browser(
    browser: &Client,
    base: &str,
    slug: &str,
    id: i64,
    axe: &str,
) -> PathBuf {
    browser
        .goto(&format!("{base}/posts/{slug}"))
        .await
        .expect("open the post");
    assert_accessible(browser, axe, "the post page").await;
    let link = browser
        .find(Locator::Css(&format!("#comment-{id} a.report-link")))
        .await
        .expect("the comment's Report link");
    link.click().await.expect("follow the Report link");
    let heading = text_of(browser, "h1").await;
    assert_eq!(heading, "Report a comment");
    assert_accessible(browser, axe, "the report form").await;

    browser
        .find(Locator::Css("#reason-unlawful"))
        .await
        .expect("the defamatory-or-unlawful choice")
        .click()
        .await
        .expect("choose it");
    fill(
        browser,
        "#report-detail",
        "It says a named landlord lied to the council; that is false.",
    )
    .await;
    fill(browser, "#report-name", "Sam Reader").await;
    fill(browser, "#report-email", "sam@example.org").await;
    submit(browser, "form.report-form button[type=submit]").await;
    let thanks = text_of(browser, ".report-sent").await;
    assert!(thanks.contains("has reached our moderators"), "{thanks}");
    assert_accessible(browser, axe, "the report's confirmation page").await;
    let png = screenshot(browser, "report-sent.png").await;

    browser
        .goto(&format!("{base}/posts/{slug}"))
        .await
        .expect("open the post again");
    let hidden = text_of(browser, &format!("#comment-{id}")).await;
    assert_eq!(
        hidden,
        "This comment is hidden while a moderator reviews it."
    );
    assert_accessible(browser, axe, "the post page with a hidden comment").await;
    png
}

/// A rejected commenter follows their review link and asks for a review; then the
/// privacy page, and the staff pages that list reports and appeals and confirm an
/// erasure. axe-core checks each page.
async fn appeal_in_browser(browser: &Client, base: &str, link: &str, reported: i64, axe: &str) {
    browser
        .goto(&format!("{base}{link}"))
        .await
        .expect("open the review link");
    assert_eq!(
        text_of(browser, "h1").await,
        "Ask for a review of your comment"
    );
    assert_accessible(browser, axe, "the review form").await;
    fill(browser, "#appeal-explanation", EXPLANATION).await;
    submit(browser, "form.appeal-ask-form button[type=submit]").await;
    let status = text_of(browser, ".appeal-status").await;
    assert!(status.contains("You asked for a review"), "{status}");
    assert_accessible(browser, axe, "the review request's confirmation").await;

    browser
        .goto(&format!("{base}/privacy"))
        .await
        .expect("open the privacy page");
    assert_accessible(browser, axe, "the privacy page").await;

    sign_in_as_admin(browser, base).await;
    for (path, what) in [
        ("/admin/queue/reported".to_owned(), "the Reported tab"),
        ("/admin/queue?tab=appeals".to_owned(), "the Appeals tab"),
        (
            format!("/admin/comments/{reported}/erase"),
            "the erasure confirmation",
        ),
    ] {
        browser
            .goto(&format!("{base}{path}"))
            .await
            .expect("open a staff page");
        assert_accessible(browser, axe, what).await;
        if what == "the Appeals tab" {
            let page = text_of(browser, "main").await;
            assert!(page.contains(EXPLANATION), "the request is listed: {page}");
        }
    }
}

/// Sends the comment form of a post closed since the page was opened: the answer keeps
/// the text and shows the closing note; axe-core checks it.
async fn kept_in_browser(browser: &Client, axe: &str) {
    let text = "The housing figures for Hackney in this piece match what our tenants' group sees.";
    fill(browser, "#comment-name", "Reader Nine").await;
    fill(browser, "#comment-email", "reader9@example.org").await;
    fill(browser, "#comment-body", text).await;
    browser
        .find(Locator::Css("#comment-agree"))
        .await
        .expect("the house-rules box")
        .click()
        .await
        .expect("tick it");
    submit(browser, "form.comment-form button[type=submit]").await;
    assert_eq!(text_of(browser, "h1").await, "Your comment was not sent");
    assert_eq!(
        text_of(browser, ".comments-closed").await,
        "Comments are closed on this piece."
    );
    let kept = browser
        .find(Locator::Css("#kept-comment"))
        .await
        .expect("the kept text")
        .prop("value")
        .await
        .expect("its value")
        .unwrap_or_default();
    assert_eq!(kept.trim(), text);
    assert_accessible(browser, axe, "the closed thread's answer").await;
}
