//! The real binary is killed with SIGKILL in the middle of a stream of comments and
//! started again on the same database: every comment whose submission was acknowledged
//! is there, the e-mail that was waiting goes out, and the database is consistent.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use townhall::storage::schema::{comments, outbox};
use townhall::storage::{DbTarget, PooledConn};

use crate::comments::{HOUSING_BODY, SECRET, fields, form_token, post_comment, reader, set};
use crate::mail::SmtpSink;
use crate::support::*;

/// Comments the streams may send at most (the kill comes long before).
const MAX_STREAMED: u32 = 240;
/// Acknowledged comments to wait for before the kill.
const KILL_AFTER: usize = 40;
/// Commenters sending at the same time, so some submission is under way at the kill.
const STREAMS: u32 = 4;

/// `townhall serve` as a child process; killed (SIGKILL) if the test ends early.
struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// Starts the binary on `database_url` and waits (bounded) until `/healthz` answers.
fn serve(dir: &Path, database_url: &str, smtp_url: &str, mail_poll_seconds: u32) -> Server {
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let log = std::fs::File::create(dir.join(format!("serve-{port}.log"))).expect("a log file");
    let child = Command::new(env!("CARGO_BIN_EXE_townhall"))
        .arg("serve")
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .env("TOWNHALL_DATABASE_URL", database_url)
        .env("TOWNHALL_DATA_DIR", dir)
        .env("TOWNHALL_BIND", format!("127.0.0.1:{port}"))
        .env("TOWNHALL_BASE_URL", &base)
        .env("TOWNHALL_ADMIN_EMAIL", ADMIN_EMAIL)
        .env("TOWNHALL_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env("TOWNHALL_DEMO_CONTENT", "false")
        .env("TOWNHALL_SECRET_KEY", SECRET)
        .env("TOWNHALL_TRUST_PROXY", "true")
        .env("TOWNHALL_WORKERS", "2")
        .env("TOWNHALL_SMTP_URL", smtp_url)
        .env("TOWNHALL_MAIL_POLL_SECONDS", mail_poll_seconds.to_string())
        .env("TOWNHALL_LOG", "warn")
        // Commenters at machine speed: the anti-automation limits are tested elsewhere.
        .env("TOWNHALL_COMMENTS_PER_EMAIL_MINUTE", "0")
        .env("TOWNHALL_COMMENTS_PER_ADDRESS_HOUR", "0")
        .env("TOWNHALL_SAME_COMMENT_PER_HOUR", "0")
        .stdin(Stdio::null())
        .stdout(log.try_clone().expect("log"))
        .stderr(log)
        .spawn()
        .expect("start townhall serve");
    let mut server = Server { child, base };
    let probe = Browser::new(&server.base);
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(status) = server.child.try_wait().expect("child status") {
            panic!(
                "townhall serve exited early ({status}); see {}",
                dir.display()
            );
        }
        let ready = probe
            .client
            .get(format!("{}/healthz", server.base))
            .timeout(Duration::from_secs(2))
            .send()
            .is_ok_and(|r| r.status().is_success());
        if ready {
            return server;
        }
        assert!(
            Instant::now() < deadline,
            "townhall serve was not ready within 60 s"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn db(database_url: &str) -> PooledConn {
    let target = DbTarget::parse(database_url).expect("a database URL");
    townhall::storage::open_pool(&target, 1)
        .expect("a pool")
        .get()
        .expect("a connection")
}

/// Sends comments one after another until the server stops answering; records the
/// id and text of each one acknowledged (201 or 422, both stored).
fn stream(
    base: String,
    slug: String,
    post_id: i64,
    stream: u32,
    acked: Arc<Mutex<Vec<(i64, String)>>>,
    stop: Arc<AtomicBool>,
) {
    let browser = Browser::new(&base);
    let Ok(csrf_page) = browser.client.get(format!("{base}/login")).send() else {
        return;
    };
    let csrf = Page::from(csrf_page).csrf();
    for n in (stream..=MAX_STREAMED).step_by(STREAMS as usize) {
        if stop.load(Ordering::SeqCst) {
            return;
        }
        let who = reader(n);
        let body = format!(
            "Comment {n} on the waiting lists: families in temporary accommodation in Hackney need the council to say how long they will wait."
        );
        let token = form_token(post_id);
        let mut form = fields(&who, &body);
        set(&mut form, "csrf_token", &csrf);
        set(&mut form, "form_token", &token);
        let Ok(response) = post_comment(&browser, &slug, &who.ip, &form, true) else {
            return; // the server is gone: this one was never acknowledged
        };
        let status = response.status().as_u16();
        let Ok(answer) = response.json::<serde_json::Value>() else {
            return;
        };
        assert!(
            status == 201 || status == 422,
            "comment {n}: {status} {answer}"
        );
        let id = answer["id"]
            .as_i64()
            .unwrap_or_else(|| panic!("an id: {answer}"));
        acked.lock().expect("lock").push((id, body));
    }
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct Integrity {
    #[diesel(sql_type = Text)]
    integrity_check: String,
}

/// Rows that point at nothing or lack what every stored comment must have.
const CONSISTENCY: [(&str, &str); 4] = [
    (
        "comments whose post is missing",
        "SELECT COUNT(*) AS n FROM comments c LEFT JOIN posts p ON p.id = c.post_id WHERE p.id IS NULL",
    ),
    (
        "replies whose parent is missing",
        "SELECT COUNT(*) AS n FROM comments c LEFT JOIN comments r ON r.id = c.parent_id WHERE c.parent_id IS NOT NULL AND r.id IS NULL",
    ),
    (
        "comments without a verdict",
        "SELECT COUNT(*) AS n FROM comments WHERE auto_action = '' OR engine_version = '' OR hits = '' OR fingerprint = ''",
    ),
    (
        "e-mail about a missing comment",
        "SELECT COUNT(*) AS n FROM outbox o LEFT JOIN comments c ON c.id = o.comment_id WHERE o.comment_id IS NOT NULL AND c.id IS NULL",
    ),
];

fn check_consistency(conn: &mut PooledConn, backend: Backend) {
    for (what, sql) in CONSISTENCY {
        let found: Count = townhall::dispatch!(&mut **conn, |c| diesel::sql_query(sql)
            .get_result(c))
        .unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(found.n, 0, "{what}");
    }
    if backend == Backend::Sqlite {
        let townhall::storage::DbConn::Sqlite(c) = &mut **conn else {
            panic!("a SQLite connection");
        };
        let rows: Vec<Integrity> = diesel::sql_query("PRAGMA integrity_check")
            .load(c)
            .expect("integrity_check");
        let said: Vec<&str> = rows.iter().map(|r| r.integrity_check.as_str()).collect();
        assert_eq!(said, ["ok"], "PRAGMA integrity_check");
    }
}

fn pending_mail(conn: &mut PooledConn) -> i64 {
    townhall::dispatch!(&mut **conn, |c| outbox::table
        .filter(outbox::status.eq("pending"))
        .count()
        .get_result(c))
    .expect("count the outbox")
}

fn killed_mid_stream_loses_no_acknowledged_comment(backend: Backend) {
    let dir = tempfile::tempdir().expect("temp dir");
    let (database_url, _pg) = match backend {
        Backend::Sqlite => (
            format!("sqlite://{}", dir.path().join("townhall.db").display()),
            None,
        ),
        Backend::Postgres => match fresh_pg_database() {
            Some((url, guard)) => (url, Some(guard)),
            None => return,
        },
    };
    let sink = SmtpSink::start();
    let began = Instant::now();
    // First life: the outbox worker would wait an hour, so mail is still queued at the kill.
    let mut server = serve(dir.path(), &database_url, &sink.url(), 3600);
    let staff = Browser::new(&server.base);
    staff.login_admin();
    let post_id = staff.create_post(
        "Council housing waiting lists in Hackney",
        "housing",
        HOUSING_BODY,
        "publish",
        "",
    );
    let slug = staff.slug_of(post_id);
    // A reader who asked for e-mail about new comments: each published one queues a message.
    let subscriber = reader(250);
    let mut form = fields(
        &subscriber,
        "I would like to hear how the council answers the families on the waiting list in Hackney.",
    );
    let csrf = staff.get("/login").csrf();
    let token = form_token(post_id);
    set(&mut form, "notify_replies", "yes");
    set(&mut form, "csrf_token", &csrf);
    set(&mut form, "form_token", &token);
    let first = staff.post(&format!("/posts/{slug}/comments"), &form);
    assert!(
        first.status < 400,
        "the subscriber's comment: {} {}",
        first.status,
        first.body
    );
    // The subscriber confirms from the e-mail it set off (kept in the outbox until the
    // worker runs), as readers do.
    townhall::storage::subscriptions::subscribe(
        &mut db(&database_url),
        &subscriber.email,
        post_id,
        &subscriber.email,
        chrono::Utc::now().naive_utc(),
    )
    .expect("the subscriber confirms");

    let acked = Arc::new(Mutex::new(Vec::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let streams: Vec<_> = (1..=STREAMS)
        .map(|s| {
            let (base, slug, acked, stop) = (
                server.base.clone(),
                slug.clone(),
                acked.clone(),
                stop.clone(),
            );
            std::thread::spawn(move || stream(base, slug, post_id, s, acked, stop))
        })
        .collect();
    let deadline = Instant::now() + Duration::from_secs(120);
    while acked.lock().expect("lock").len() < KILL_AFTER {
        assert!(
            Instant::now() < deadline,
            "{KILL_AFTER} comments were not acknowledged within 120 s"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    server.child.kill().expect("SIGKILL the server");
    server.child.wait().expect("the server is gone");
    stop.store(true, Ordering::SeqCst);
    for s in streams {
        s.join().expect("a stream");
    }
    let acked = acked.lock().expect("lock").clone();
    let pending = pending_mail(&mut db(&database_url));
    assert!(pending > 0, "mail was waiting in the outbox at the kill");
    assert!(
        sink.messages().is_empty(),
        "nothing was sent before the kill"
    );

    // Second life on the same database, with the worker passing every second.
    let server = serve(dir.path(), &database_url, &sink.url(), 1);
    let mut conn = db(&database_url);
    for (id, body) in &acked {
        let stored: Option<String> = townhall::dispatch!(&mut *conn, |c| comments::table
            .find(id)
            .select(comments::body)
            .first(c)
            .optional())
        .expect("look the comment up");
        assert_eq!(
            stored.as_deref(),
            Some(body.as_str()),
            "acknowledged comment {id} survived the kill"
        );
    }
    check_consistency(&mut conn, backend);
    let deadline = Instant::now() + Duration::from_secs(30);
    while pending_mail(&mut conn) > 0 {
        assert!(
            Instant::now() < deadline,
            "the outbox was not emptied within 30 s of the restart"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let delivered = sink.messages();
    assert!(
        delivered.len() as i64 >= pending,
        "{} delivered of {pending} waiting",
        delivered.len()
    );
    assert!(
        delivered.iter().any(|m| m.rcpt.contains(&subscriber.email)),
        "the subscriber heard about the new comments"
    );
    let page = Browser::new(&server.base).get(&format!("/posts/{slug}"));
    assert_eq!(page.status, 200, "the post is served again");
    eprintln!(
        "crash ({backend:?}): killed after {} acknowledged comments; all there after the restart, {pending} waiting messages delivered, consistent; {:.1} s",
        acked.len(),
        began.elapsed().as_secs_f64()
    );
}

#[test]
fn sqlite() {
    killed_mid_stream_loses_no_acknowledged_comment(Backend::Sqlite);
}

#[test]
fn postgres() {
    killed_mid_stream_loses_no_acknowledged_comment(Backend::Postgres);
}
