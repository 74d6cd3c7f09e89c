//! E-mail: the moderators' digest and its rate limit, flood notices, reply
//! notifications with one-click unsubscribe, approval and author notices, once-only
//! delivery with two workers racing, the `.eml` folder without SMTP, and an SMTP outage.
//! Messages go over real SMTP to a small server each test starts; the worker is run one
//! pass at a time (the app's own worker waits an hour between passes in these apps).

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier, Mutex};

use base64::Engine;
use chrono::{Duration, NaiveDateTime, SubsecRound};
use diesel::prelude::*;
use townhall::config::Settings;
use townhall::service::mail::{self, MailContext, Mailer, Tick};
use townhall::storage::outbox;

use crate::both_backends;
use crate::comments::*;
use crate::support::*;

/// The apps here trust `X-Forwarded-For`, sign with a known key, and leave delivery to
/// the tests.
pub(crate) fn mail_settings(s: &mut Settings) {
    comment_settings(s);
    s.mail_poll_seconds = 3600;
}

/// A message as the SMTP server received it.
#[derive(Debug, Clone)]
pub(crate) struct Received {
    pub(crate) rcpt: Vec<String>,
    headers: HashMap<String, String>,
    pub(crate) body: String,
}

impl Received {
    pub(crate) fn header(&self, name: &str) -> &str {
        self.headers
            .get(&name.to_lowercase())
            .map_or("", String::as_str)
    }
    pub(crate) fn subject(&self) -> &str {
        self.header("subject")
    }
}

/// A minimal SMTP server on a free local port: it accepts everything, keeps what it
/// received and, while `down`, turns connections away with `421` like a server in trouble.
pub(crate) struct SmtpSink {
    port: u16,
    received: Arc<Mutex<Vec<Received>>>,
    down: Arc<AtomicBool>,
}

impl SmtpSink {
    pub(crate) fn start() -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the SMTP sink");
        let port = listener.local_addr().expect("addr").port();
        let received = Arc::new(Mutex::new(Vec::new()));
        let down = Arc::new(AtomicBool::new(false));
        let (r, d) = (received.clone(), down.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (r, d) = (r.clone(), d.clone());
                std::thread::spawn(move || serve(stream, &r, &d));
            }
        });
        SmtpSink {
            port,
            received,
            down,
        }
    }

    pub(crate) fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub(crate) fn messages(&self) -> Vec<Received> {
        self.received.lock().expect("lock").clone()
    }

    fn set_down(&self, down: bool) {
        self.down.store(down, Ordering::SeqCst);
    }
}

fn serve(stream: TcpStream, received: &Mutex<Vec<Received>>, down: &AtomicBool) {
    let mut out = stream.try_clone().expect("clone the stream");
    let mut input = BufReader::new(stream);
    if down.load(Ordering::SeqCst) {
        let _ = out.write_all(b"421 4.3.2 Service not available, try later\r\n");
        return;
    }
    let _ = out.write_all(b"220 sink ESMTP\r\n");
    let mut rcpt = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        if input.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let upper = line.to_uppercase();
        let reply: &[u8] = if upper.starts_with("EHLO") {
            b"250-sink\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n"
        } else if upper.starts_with("RCPT TO:") {
            rcpt.push(
                line[8..]
                    .trim()
                    .trim_matches(|c| c == '<' || c == '>')
                    .to_owned(),
            );
            b"250 OK\r\n"
        } else if upper.starts_with("DATA") {
            let _ = out.write_all(b"354 go ahead\r\n");
            let mut data = Vec::new();
            loop {
                line.clear();
                if input.read_line(&mut line).unwrap_or(0) == 0 {
                    return;
                }
                if line == ".\r\n" {
                    break;
                }
                data.push(line.strip_prefix('.').unwrap_or(&line).to_owned());
            }
            let message = parse(std::mem::take(&mut rcpt), &data.concat());
            received.lock().expect("lock").push(message);
            b"250 2.0.0 queued\r\n"
        } else if upper.starts_with("QUIT") {
            let _ = out.write_all(b"221 bye\r\n");
            return;
        } else {
            b"250 OK\r\n"
        };
        let _ = out.write_all(reply);
    }
}

/// Splits a message into unfolded headers and a decoded body.
fn parse(rcpt: Vec<String>, data: &str) -> Received {
    let (head, body) = data.split_once("\r\n\r\n").unwrap_or((data, ""));
    let mut headers = HashMap::new();
    let unfolded = head.replace("\r\n ", " ").replace("\r\n\t", " ");
    for l in unfolded.split("\r\n") {
        if let Some((k, v)) = l.split_once(':') {
            headers.insert(k.trim().to_lowercase(), v.trim().to_owned());
        }
    }
    let body = match headers.get("content-transfer-encoding").map(String::as_str) {
        Some("quoted-printable") => quoted_printable(body),
        Some("base64") => String::from_utf8(
            base64::engine::general_purpose::STANDARD
                .decode(body.replace("\r\n", ""))
                .expect("base64 body"),
        )
        .expect("UTF-8 body"),
        _ => body.to_owned(),
    };
    Received {
        rcpt,
        headers,
        body: body.replace("\r\n", "\n"),
    }
}

fn quoted_printable(s: &str) -> String {
    let s = s.replace("=\r\n", "");
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'='
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).expect("UTF-8 body")
}

/// A mailer like the app's, sending to `sink` (or to the `.eml` folder without one).
pub(crate) fn mailer(app: &TestApp, sink: Option<&SmtpSink>) -> Mailer {
    let mut s = app.settings.clone();
    s.smtp_url = sink.map(SmtpSink::url);
    Mailer::from_settings(&s).expect("a mailer")
}

fn context(app: &TestApp) -> MailContext {
    MailContext::new(&app.settings, SECRET.as_bytes())
}

pub(crate) fn now() -> NaiveDateTime {
    chrono::Utc::now().naive_utc()
}

/// One pass of a worker at `at`.
pub(crate) fn tick(app: &TestApp, mailer: &Mailer, worker: &str, at: NaiveDateTime) -> Tick {
    mail::run_once(&mut app.db(), mailer, &context(app), worker, at).expect("a worker pass")
}

/// A comment from `who`; `proven` false sends it without a form token, so it is held.
pub(crate) fn comment(
    app: &TestApp,
    slug: &str,
    post_id: i64,
    who: &Reader,
    body: &str,
    proven: bool,
    notify: bool,
) -> (i64, String) {
    let token = csrf(app);
    let mut f = fields(who, body);
    if !proven {
        set(&mut f, "form_token", "");
    }
    if notify {
        set(&mut f, "notify_replies", "yes");
    }
    let (status, v) = send_json(app, slug, post_id, who, &token, &f);
    assert_eq!(status, 201, "{v}");
    (
        v["id"].as_i64().expect("an id"),
        v["status"].as_str().unwrap_or("").to_owned(),
    )
}

/// Follows the link of every confirmation message received so far, as each reader
/// would (a link already used changes nothing).
pub(crate) fn confirm_all(app: &TestApp, sink: &SmtpSink) {
    for m in sink
        .messages()
        .iter()
        .filter(|m| m.header("x-townhall-kind") == "confirm")
    {
        let at = m
            .body
            .find("/subscriptions/confirm?token=")
            .expect("a confirmation link");
        let path: String = m.body[at..]
            .chars()
            .take_while(|c| !c.is_whitespace())
            .collect();
        assert_eq!(app.browser().post(&path, &[]).status, 200);
    }
}

/// Adds a staff account directly in the store.
fn add_staff(app: &TestApp, email: &str, role: &str, disabled: bool) {
    let t = now();
    townhall::storage::users::insert(
        &mut app.db(),
        &townhall::storage::users::NewUser {
            email,
            display_name: email,
            role,
            password_hash: None,
            disabled,
            created_at: t,
            updated_at: t,
        },
    )
    .expect("add a staff account");
}

fn recipients(messages: &[Received]) -> Vec<String> {
    let mut r: Vec<String> = messages.iter().flat_map(|m| m.rcpt.clone()).collect();
    r.sort();
    r
}

/// Sets a comment's status as a moderator's decision would (the queue is built elsewhere).
fn set_status(app: &TestApp, id: i64, status: &str) {
    use townhall::storage::schema::comments;
    let mut conn = app.db();
    townhall::dispatch!(&mut *conn, |c| diesel::update(comments::table.find(id))
        .set(comments::status.eq(status))
        .execute(c))
    .expect("set the status");
}

both_backends! {
    settings = mail_settings;

    fn held_comments_reach_moderators_in_one_digest_per_window(app) {
        let sink = SmtpSink::start();
        let mailer = mailer(&app, Some(&sink));
        add_staff(&app, "mod@example.org", "moderator", false);
        add_staff(&app, "gone@example.org", "moderator", true);
        add_staff(&app, "writer@example.org", "author", false);
        let (id, slug) = housing_post(&app);
        let t0 = now();
        assert_eq!(tick(&app, &mailer, "w", t0), Tick::default(), "nothing held, nothing sent");

        let (first, status) = comment(&app, &slug, id, &reader(1), HOUSING_COMMENTS[0], false, false);
        assert_eq!(status, "held");
        let done = tick(&app, &mailer, "w", t0);
        assert_eq!((done.digests, done.sent), (2, 2), "{done:?}");
        let got = sink.messages();
        assert_eq!(recipients(&got), ["admin@example.org", "mod@example.org"], "moderators and admins, not authors or disabled accounts");
        for m in &got {
            assert_eq!(m.subject(), "[Townhall] 1 comment is waiting for moderation");
            assert!(m.body.contains(&format!("{}/admin/queue#comment-{first}", app.base)), "{}", m.body);
            assert!(m.body.contains("Reader 1 on \"Council housing waiting lists in Hackney\""), "{}", m.body);
            assert_eq!(m.header("from"), "Townhall <noreply@localhost>");
            assert_eq!(m.header("x-townhall-kind"), "digest");
            assert_eq!(m.header("auto-submitted"), "auto-generated");
        }

        // Two more in the same window wait for it to end, then go out together.
        let (second, _) = comment(&app, &slug, id, &reader(2), HOUSING_COMMENTS[1], false, false);
        let (third, _) = comment(&app, &slug, id, &reader(3), HOUSING_COMMENTS[2], false, false);
        assert_eq!(tick(&app, &mailer, "w", t0 + Duration::minutes(29)).sent, 0, "within the 30-minute window");
        assert_eq!(sink.messages().len(), 2);
        let done = tick(&app, &mailer, "w", t0 + Duration::minutes(31));
        assert_eq!((done.digests, done.sent), (2, 2), "{done:?}");
        let later: Vec<Received> = sink.messages().into_iter().skip(2).collect();
        for m in &later {
            assert_eq!(m.subject(), "[Townhall] 2 comments are waiting for moderation");
            assert!(m.body.contains(&format!("/admin/queue#comment-{second}")) && m.body.contains(&format!("/admin/queue#comment-{third}")), "{}", m.body);
            assert!(!m.body.contains(&format!("/admin/queue#comment-{first}\n")), "only comments held since the last digest");
        }
        // Nothing new: no digest, however long it has been.
        assert_eq!(tick(&app, &mailer, "w", t0 + Duration::hours(5)).digests, 0);
        assert_eq!(sink.messages().len(), 4);
    }

    fn a_flood_closure_is_mailed_to_moderators_at_once(app) {
        let sink = SmtpSink::start();
        let mailer = mailer(&app, Some(&sink));
        add_staff(&app, "mod@example.org", "moderator", false);
        app.login_admin();
        let (id, slug) = post(&app, "Deportation flights and the right to appeal", FLIGHTS_BODY, "");
        for (i, body) in FLOOD_CAMPAIGN.iter().enumerate() {
            comment(&app, &slug, id, &reader(10 + i as u32), body, true, false);
        }
        let queued = outbox::all(&mut app.db()).expect("outbox");
        let flood: Vec<_> = queued.iter().filter(|m| m.kind == "flood").collect();
        assert_eq!(flood.len(), 2, "one for each moderator, queued with the closure: {queued:?}");
        let t = now();
        tick(&app, &mailer, "w", t);
        let got: Vec<Received> = sink.messages().into_iter().filter(|m| m.header("x-townhall-kind") == "flood").collect();
        assert_eq!(recipients(&got), ["admin@example.org", "mod@example.org"]);
        for m in &got {
            assert_eq!(m.subject(), "[Townhall] Comments closed on \"Deportation flights and the right to appeal\" after a flood");
            assert!(m.body.contains(&format!("{}/posts/{slug}", app.base)), "{}", m.body);
            assert!(m.body.contains(&format!("{}/admin/queue#comment-", app.base)), "{}", m.body);
        }
    }

    fn reply_notifications_stop_with_one_click(app) {
        let sink = SmtpSink::start();
        let mailer = mailer(&app, Some(&sink));
        let (id, slug) = housing_post(&app);
        let page = app.browser().get(&format!("/posts/{slug}"));
        assert_eq!(page.attrs("form.comment-form input[name=notify_replies]", "type"), vec!["checkbox"]);
        assert!(page.text("label[for=comment-notify]").contains("E-mail me replies to this thread"));

        let amira = Reader { name: "Amira".into(), email: "Amira+blog@example.org".into(), ip: "10.1.0.7".into() };
        let (first, status) = comment(&app, &slug, id, &amira, HOUSING_COMMENTS[0], true, true);
        assert_eq!(status, "published");
        assert_eq!(tick(&app, &mailer, "w", now()).sent, 1, "only Amira's confirmation: writers are not told of their own comment");
        confirm_all(&app, &sink);

        let (reply, _) = comment(&app, &slug, id, &reader(2), HOUSING_COMMENTS[1], true, true);
        assert_eq!(tick(&app, &mailer, "w", now()).sent, 2, "the reply notice and reader 2's confirmation");
        confirm_all(&app, &sink);
        let replies = |sink: &SmtpSink| -> Vec<Received> { sink.messages().into_iter().filter(|m| m.header("x-townhall-kind") == "reply").collect() };
        let got = replies(&sink);
        assert_eq!(got[0].rcpt, ["Amira+blog@example.org"], "to the address as typed");
        assert_eq!(got[0].subject(), "[Townhall] New comment on \"Council housing waiting lists in Hackney\"");
        assert!(got[0].body.contains(&format!("{}/posts/{slug}#comment-{reply}", app.base)), "{}", got[0].body);
        assert!(got[0].body.contains("Reader 2 commented"), "{}", got[0].body);
        let header = got[0].header("list-unsubscribe");
        let url = header.trim_start_matches('<').trim_end_matches('>').to_owned();
        assert!(url.starts_with(&format!("{}/unsubscribe?token=", app.base)), "{header}");
        assert!(got[0].body.contains(&url), "the body has the same link");
        assert_eq!(got[0].header("list-unsubscribe-post"), "List-Unsubscribe=One-Click");
        let path = url.trim_start_matches(&app.base).to_owned();

        // The link shows what it will do; a forged one is refused.
        let confirm = app.browser().get(&path);
        assert_eq!(confirm.status, 200);
        assert!(confirm.text("main").contains("Council housing waiting lists in Hackney"), "{}", confirm.body);
        assert_eq!(confirm.attrs("main form", "action"), vec![path.clone()]);
        assert_eq!(app.browser().get("/unsubscribe?token=1.YWJj.Zm9yZ2Vk").status, 400);
        assert_eq!(app.browser().post(&format!("{path}x"), &[]).status, 400);
        // One click, as a mail client does it (RFC 8058): no cookie, no CSRF token.
        let done = app.browser().post(&path, &[("List-Unsubscribe", "One-Click")]);
        assert_eq!(done.status, 200, "{}", done.body);
        assert!(done.text("h1").contains("You are unsubscribed"));
        assert_eq!(app.browser().post(&path, &[]).status, 200, "twice is harmless");
        assert!(app.browser().get(&path).text("main").contains("not subscribed"));

        // The next comment goes to the reader still subscribed, not to Amira.
        let (_third, _) = comment(&app, &slug, id, &reader(3), HOUSING_COMMENTS[2], true, false);
        assert_eq!(tick(&app, &mailer, "w", now()).sent, 1);
        let got = replies(&sink);
        assert_eq!(got.len(), 2);
        assert_eq!(got[1].rcpt, ["reader2@example.org"]);
        assert!(!got[1].body.contains(&format!("#comment-{first}")));
    }

    fn approval_and_author_notices(app) {
        let sink = SmtpSink::start();
        let mailer = mailer(&app, Some(&sink));
        let (id, slug) = housing_post(&app);
        // The author opts in on the account page.
        let account = app.get("/admin/account");
        assert_eq!(account.attrs("#notify_new_comments", "checked").len(), 0, "off by default");
        let saved = app.submit("/admin/account", "/admin/account/notifications", &[("notify_new_comments", "yes")]);
        assert_eq!(saved.status, 303, "{}", saved.body);
        assert_eq!(app.get("/admin/account").attrs("#notify_new_comments", "checked").len(), 1);

        let (held, status) = comment(&app, &slug, id, &reader(1), HOUSING_COMMENTS[0], false, false);
        assert_eq!(status, "held");
        let t = now() + Duration::hours(1);
        // Only the digest so far; approving sends the commenter and the author a message.
        tick(&app, &mailer, "w", t);
        let before = sink.messages().len();
        // A moderator approves it in the queue (the signed-in admin moderates too).
        let approved = app.submit("/admin/queue", "/admin/queue", &[("act", &format!("approve:{held}"))]);
        assert_eq!(approved.status, 303, "{}", approved.body);
        let ctx = context(&app);
        assert_eq!(tick(&app, &mailer, "w", t).sent, 2);
        let got: Vec<Received> = sink.messages().into_iter().skip(before).collect();
        let to_commenter = got.iter().find(|m| m.rcpt == ["reader1@example.org"]).expect("the commenter's notice");
        assert_eq!(to_commenter.subject(), "[Townhall] Your comment on \"Council housing waiting lists in Hackney\" is published");
        assert!(to_commenter.body.contains(&format!("{}/posts/{slug}#comment-{held}", app.base)), "{}", to_commenter.body);
        assert_eq!(to_commenter.header("list-unsubscribe"), "", "a one-off notice has nothing to unsubscribe from");
        let to_author = got.iter().find(|m| m.rcpt == [ADMIN_EMAIL]).expect("the author's notice");
        assert_eq!(to_author.subject(), "[Townhall] New comment on your post \"Council housing waiting lists in Hackney\"");
        assert!(to_author.body.contains(&format!("{}/admin/account", app.base)));

        // With mail_notify_on_approval off, the commenter is not told; opted out, the author neither.
        let saved = app.submit("/admin/account", "/admin/account/notifications", &[]);
        assert_eq!(saved.status, 303);
        let (other, _) = comment(&app, &slug, id, &reader(2), HOUSING_COMMENTS[1], false, false);
        set_status(&app, other, "published");
        let quiet = MailContext { notify_on_approval: false, ..context(&app) };
        assert_eq!(mail::notify_comment_approved(&mut app.db(), &quiet, other, t).expect("notify"), 0);
        // A comment that is not published sets nothing off.
        let (still_held, _) = comment(&app, &slug, id, &reader(3), HOUSING_COMMENTS[2], false, false);
        assert_eq!(mail::notify_comment_approved(&mut app.db(), &ctx, still_held, t).expect("notify"), 0);
    }

    fn two_workers_deliver_each_message_once(app) {
        let sink = SmtpSink::start();
        let (id, slug) = housing_post(&app);
        let t = now();
        {
            let mut conn = app.db();
            for n in 0..24 {
                mail::subscribe(&mut conn, &format!("sub{n}@example.org"), &format!("sub{n}@example.org"), id, t).expect("subscribe");
            }
        }
        comment(&app, &slug, id, &reader(1), HOUSING_COMMENTS[0], true, false);
        assert_eq!(outbox::all(&mut app.db()).expect("outbox").len(), 24);
        // A held comment too, so both workers also race to send the digest.
        let (_, status) = comment(&app, &slug, id, &reader(2), HOUSING_COMMENTS[1], false, false);
        assert_eq!(status, "held");
        let t = now();
        let start = Arc::new(Barrier::new(2));
        let app = Arc::new(app);
        let workers: Vec<_> = ["worker-a", "worker-b"]
            .into_iter()
            .map(|name| {
                let (app, start, url) = (app.clone(), start.clone(), sink.url());
                std::thread::spawn(move || {
                    let mut s = app.settings.clone();
                    s.smtp_url = Some(url);
                    let mailer = Mailer::from_settings(&s).expect("a mailer");
                    let mut conn = app.db();
                    start.wait();
                    mail::run_once(&mut conn, &mailer, &context(&app), name, t).expect("a worker pass")
                })
            })
            .collect();
        let ticks: Vec<Tick> = workers.into_iter().map(|w| w.join().expect("worker thread")).collect();
        assert_eq!(ticks.iter().map(|t| t.digests).sum::<usize>(), 1, "one digest (to the one admin): {ticks:?}");
        assert_eq!(ticks.iter().map(|t| t.sent).sum::<usize>(), 25, "{ticks:?}");
        let got = recipients(&sink.messages());
        let mut unique = got.clone();
        unique.dedup();
        assert_eq!((got.len(), unique.len()), (25, 25), "each subscriber and the admin exactly once");
        let rows = outbox::all(&mut app.db()).expect("outbox");
        assert!(rows.iter().all(|r| r.status == "sent" && r.attempts == 1), "{rows:?}");
        eprintln!("two workers ({:?}): {:?} sent", app.backend, ticks.iter().map(|t| t.sent).collect::<Vec<_>>());
    }

    fn an_smtp_outage_loses_nothing(app) {
        let sink = SmtpSink::start();
        let mailer = mailer(&app, Some(&sink));
        let (id, slug) = housing_post(&app);
        comment(&app, &slug, id, &reader(1), HOUSING_COMMENTS[0], true, true);
        comment(&app, &slug, id, &reader(2), HOUSING_COMMENTS[1], true, false);
        sink.set_down(true);
        // Whole milliseconds: PostgreSQL keeps microseconds, SQLite more.
        let t = now().trunc_subsecs(3);
        let done = tick(&app, &mailer, "w", t);
        assert_eq!((done.sent, done.retrying), (0, 1), "{done:?}");
        let row = outbox::all(&mut app.db()).expect("outbox").remove(0);
        assert_eq!((row.status.as_str(), row.attempts), ("pending", 1));
        assert!(row.last_error.as_deref().unwrap_or("").contains("SMTP"), "{:?}", row.last_error);
        assert_eq!(row.next_attempt_at, t + Duration::minutes(1), "retried after a minute");
        assert_eq!(tick(&app, &mailer, "w", t + Duration::seconds(30)), Tick::default(), "not before then");
        let done = tick(&app, &mailer, "w", t + Duration::minutes(1));
        assert_eq!(done.retrying, 1, "still down: the wait doubles");
        let row = outbox::all(&mut app.db()).expect("outbox").remove(0);
        assert_eq!((row.attempts, row.next_attempt_at), (2, t + Duration::minutes(3)));

        // A restart in between changes nothing: the queue is in the database.
        app.restart();
        sink.set_down(false);
        let done = tick(&app, &mailer, "w", t + Duration::minutes(3));
        assert_eq!(done.sent, 1, "{done:?}");
        assert_eq!(recipients(&sink.messages()), ["reader1@example.org"]);
        let row = outbox::all(&mut app.db()).expect("outbox").remove(0);
        assert_eq!((row.status.as_str(), row.attempts, row.last_error), ("sent", 3, None));
    }

    fn without_smtp_messages_are_written_as_eml_files(app) {
        let files = mailer(&app, None);
        let dir = app.settings.data_dir.join("outbox");
        assert_eq!(files.outbox_dir(), Some(dir.as_path()));
        assert!(files.describe().contains(".eml"), "{}", files.describe());
        let (id, slug) = housing_post(&app);
        mail::subscribe(&mut app.db(), "reader1@example.org", "reader1@example.org", id, now()).expect("a confirmed subscription");
        comment(&app, &slug, id, &reader(1), HOUSING_COMMENTS[0], true, false);
        let (reply, _) = comment(&app, &slug, id, &reader(2), HOUSING_COMMENTS[1], true, false);
        assert_eq!(tick(&app, &files, "w", now()).sent, 1);
        let written: Vec<_> = std::fs::read_dir(&dir).expect("the outbox folder").flatten().map(|e| e.path()).collect();
        assert_eq!(written.len(), 1, "{written:?}");
        assert!(written[0].extension().is_some_and(|e| e == "eml"));
        let text = std::fs::read_to_string(&written[0]).expect("the .eml file");
        let m = parse(Vec::new(), &text);
        assert_eq!(m.header("to"), "reader1@example.org");
        assert_eq!(m.subject(), "[Townhall] New comment on \"Council housing waiting lists in Hackney\"");
        assert!(m.body.contains(&format!("/posts/{slug}#comment-{reply}")), "{}", m.body);
        assert!(m.header("list-unsubscribe").contains("/unsubscribe?token="));
        assert_eq!(outbox::all(&mut app.db()).expect("outbox")[0].status, "sent");
    }

    fn a_claim_left_by_a_stopped_worker_is_taken_up_again(app) {
        let sink = SmtpSink::start();
        let mailer = mailer(&app, Some(&sink));
        let (id, slug) = housing_post(&app);
        comment(&app, &slug, id, &reader(1), HOUSING_COMMENTS[0], true, true);
        comment(&app, &slug, id, &reader(2), HOUSING_COMMENTS[1], true, false);
        let t = now();
        let message = outbox::all(&mut app.db()).expect("outbox").remove(0).id;
        // A worker claims it and dies before delivering.
        assert!(outbox::claim(&mut app.db(), message, "dead", t).expect("claim"));
        assert!(!outbox::claim(&mut app.db(), message, "other", t).expect("claim"), "a claim is taken once");
        assert_eq!(tick(&app, &mailer, "w", t + Duration::minutes(9)), Tick::default(), "a recent claim is left alone");
        let done = tick(&app, &mailer, "w", t + Duration::minutes(11));
        assert_eq!((done.requeued, done.sent), (1, 1), "{done:?}");
        assert_eq!(recipients(&sink.messages()), ["reader1@example.org"]);
        let row = outbox::all(&mut app.db()).expect("outbox").remove(0);
        assert_eq!((row.status.as_str(), row.claimed_by.as_deref()), ("sent", Some("w")));
    }

    fn hopeless_messages_fail_for_good(app) {
        let sink = SmtpSink::start();
        let mailer = mailer(&app, Some(&sink));
        let t = now().trunc_subsecs(3);
        let message = |to: &str| outbox::NewMessage {
            recipient: to.into(),
            subject: "Test".into(),
            body_text: "Body".into(),
            body_html: None,
            kind: "reply",
            comment_id: None,
            post_id: None,
            unsubscribe_url: None,
            next_attempt_at: t,
            created_at: t,
        };
        outbox::insert(&mut app.db(), &[message("not an address"), message("late@example.org")]).expect("queue");
        // The second has been retried all but once already.
        {
            use townhall::storage::schema::outbox as table;
            let mut conn = app.db();
            townhall::dispatch!(&mut *conn, |c| diesel::update(table::table.filter(table::recipient.eq("late@example.org")))
                .set(table::attempts.eq(mail::worker::MAX_ATTEMPTS - 1))
                .execute(c))
            .expect("age it");
        }
        sink.set_down(true);
        let done = tick(&app, &mailer, "w", t);
        assert_eq!((done.failed, done.retrying, done.sent), (2, 0, 0), "{done:?}");
        let rows = outbox::all(&mut app.db()).expect("outbox");
        assert_eq!((rows[0].status.as_str(), rows[0].attempts), ("failed", 1), "a malformed address is not retried");
        assert!(rows[0].last_error.as_deref().unwrap_or("").contains("recipient"), "{:?}", rows[0].last_error);
        assert_eq!((rows[1].status.as_str(), rows[1].attempts), ("failed", mail::worker::MAX_ATTEMPTS));
        sink.set_down(false);
        assert_eq!(tick(&app, &mailer, "w", t + Duration::days(1)), Tick::default(), "failed messages stay failed");
        assert!(sink.messages().is_empty());
    }
}
