//! Scale-out: two real `townhall serve` processes on two ports sharing one PostgreSQL
//! database, with requests alternating between them. The volume limit, the flood closure,
//! the learned spam score, sign-in throttling, sessions, the CSRF key, the page caches'
//! validators and the e-mail outbox must behave exactly as with one process: no counter
//! lives in a process, and no message is sent twice although both run the mail worker.

use std::collections::HashMap;
use std::fs::File;
use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use townhall::storage::{self, DbTarget, PooledConn, outbox};

use crate::comments::*;
use crate::mail::SmtpSink;
use crate::support::*;

const BIN: &str = env!("CARGO_BIN_EXE_townhall");
/// How often each server's mail worker looks at the outbox.
const POLL_SECONDS: u64 = 1;
/// Bound on every wait for something to happen.
const DEADLINE: Duration = Duration::from_secs(60);

/// The settings both servers share, as `TOWNHALL_*` variables: one database, one SMTP
/// server, the same rule files and the same public address (as behind one proxy).
struct Shared {
    dir: PathBuf,
    database_url: String,
    smtp_url: String,
    public_url: String,
}

impl Shared {
    fn command(&self, name: &str) -> Command {
        let mut cmd = Command::new(BIN);
        // Nothing from the caller's environment may change what is being tested.
        for (key, _) in std::env::vars() {
            if key.starts_with("TOWNHALL_") || key == "DATABASE_URL" {
                cmd.env_remove(key);
            }
        }
        let data = self.dir.join(name);
        std::fs::create_dir_all(&data).expect("a data folder");
        cmd.current_dir(&data)
            .env("TOWNHALL_DATABASE_URL", &self.database_url)
            .env("TOWNHALL_DATA_DIR", &data)
            .env("TOWNHALL_BASE_URL", &self.public_url)
            .env("TOWNHALL_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .env("TOWNHALL_DEMO_CONTENT", "false")
            .env("TOWNHALL_TRUST_PROXY", "true")
            .env("TOWNHALL_WORKERS", "1")
            .env("TOWNHALL_DB_POOL_SIZE", "4")
            .env("TOWNHALL_LOG", "warn")
            // The test sends comments at machine speed, which the anti-automation limits
            // refuse (security::hardening tests them).
            .env("TOWNHALL_COMMENTS_PER_EMAIL_MINUTE", "0")
            .env("TOWNHALL_COMMENTS_PER_ADDRESS_HOUR", "0")
            .env("TOWNHALL_SAME_COMMENT_PER_HOUR", "0")
            .env("TOWNHALL_SMTP_URL", &self.smtp_url)
            .env("TOWNHALL_MAIL_POLL_SECONDS", POLL_SECONDS.to_string())
            .env(
                "TOWNHALL_RULES_DIR",
                Path::new(env!("CARGO_MANIFEST_DIR")).join("moderation-rules"),
            );
        cmd
    }

    /// Runs a one-off command (migrate, user add) to completion.
    fn run(&self, args: &[&str], stdin: &str) -> String {
        let mut child = self
            .command("cli")
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run townhall");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(stdin.as_bytes())
            .expect("write stdin");
        let out = child.wait_with_output().expect("townhall finishes");
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            out.status.success(),
            "townhall {args:?} failed: {text}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        text
    }

    /// Starts `townhall serve` on a free port and waits until `/healthz` answers.
    fn serve(&self, name: &str) -> Server {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let log = self.dir.join(format!("{name}.log"));
        let out = File::create(&log).expect("a log file");
        let err = out.try_clone().expect("a log file");
        let child = self
            .command(name)
            .arg("serve")
            .env("TOWNHALL_BIND", format!("127.0.0.1:{port}"))
            .stdout(out)
            .stderr(err)
            .spawn()
            .expect("start townhall serve");
        let mut server = Server {
            child,
            base: format!("http://127.0.0.1:{port}"),
            log,
        };
        server.wait_ready();
        server
    }
}

/// A running `townhall serve`; killed when dropped, also when the test fails.
struct Server {
    child: Child,
    base: String,
    log: PathBuf,
}

impl Server {
    fn wait_ready(&mut self) {
        let client = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(2))
            .build()
            .expect("client");
        let started = Instant::now();
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("{} exited ({status}): {}", self.base, self.log_text());
            }
            if client
                .get(format!("{}/healthz", self.base))
                .send()
                .is_ok_and(|r| r.status().is_success())
            {
                eprintln!("{} ready in {:?}", self.base, started.elapsed());
                return;
            }
            assert!(
                started.elapsed() < DEADLINE,
                "{} not ready: {}",
                self.base,
                self.log_text()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// A browser on this server that shares `with`'s cookies (cookies ignore ports, as a
    /// browser behind a proxy sees one site).
    fn browser(&self, with: &Browser) -> Browser {
        Browser {
            base: self.base.clone(),
            client: with.client.clone(),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn connect(url: &str) -> PooledConn {
    let target = DbTarget::parse(url).expect("a database target");
    storage::open_pool(&target, 1)
        .expect("a pool")
        .get()
        .expect("a connection")
}

/// Waits for `done` to hold, checking every 100 ms up to the deadline.
fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(started.elapsed() < DEADLINE, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Publishes a post through the editor of the server `staff` is on; its id and slug.
fn publish_post(staff: &Browser, title: &str, body: &str) -> (i64, String) {
    let id = staff.create_post(title, "housing, london", body, "publish", "");
    (id, staff.slug_of(id))
}

/// Sends a comment (as JSON) to `to` with the CSRF token of a page served by `from`; a form token
/// for a page opened a minute ago is signed with the site's stored key.
fn comment(
    from: &Browser,
    to: &Browser,
    secret: &str,
    post: (i64, &str),
    who: &Reader,
    body: &str,
    notify: bool,
) -> Value {
    let csrf = from.get("/login").csrf();
    let token = townhall::service::form_token::issue(
        secret.as_bytes(),
        post.0,
        chrono::Utc::now().timestamp() - 60,
    );
    let mut f = fields(who, body);
    set(&mut f, "form_token", &token);
    set(&mut f, "csrf_token", &csrf);
    if notify {
        set(&mut f, "notify_replies", "yes");
    }
    let r = to
        .client
        .post(format!("{}/posts/{}/comments", to.base, post.1))
        .header("X-Forwarded-For", &who.ip)
        .header("Accept", "application/json")
        .form(&f)
        .send()
        .expect("POST a comment");
    let p = Page::from(r);
    let v: Value = serde_json::from_str(&p.body).expect("a JSON answer");
    // Stored whatever the outcome: 201, or 422 when the rules reject it.
    assert!(
        matches!(p.status, 201 | 422) && v["id"].is_i64(),
        "{}: {}",
        p.status,
        p.body
    );
    v
}

#[test]
fn two_servers_on_one_postgresql_behave_as_one() {
    let started = Instant::now();
    let Some((database_url, _db)) = fresh_pg_database() else {
        return;
    };
    let sink = SmtpSink::start();
    let dir = tempfile::tempdir().expect("temp dir");
    let shared = Shared {
        dir: dir.path().to_path_buf(),
        database_url: database_url.clone(),
        smtp_url: sink.url(),
        public_url: "http://townhall.test".into(),
    };
    // Migrations run once, before any server starts: two servers migrating one empty
    // database at the same moment would race (diesel takes no lock), and so would two
    // first starts creating the admin. A deployment does the same: `townhall migrate`,
    // then the servers, the first one alone until it answers.
    let migrated = shared.run(&["migrate"], "");
    assert!(migrated.contains("Applied"), "{migrated}");
    let a = shared.serve("a");
    let b = shared.serve("b");
    let up = started.elapsed();

    let mut db = connect(&database_url);
    let secret = townhall::service::setup::secret(&mut db, None).expect("the stored key");
    assert!(secret.len() >= 32, "the first server stored a key for both");

    // Sessions: signed in on A, the same cookie is signed in on B.
    let staff_a = Browser::new(&a.base);
    staff_a.login_admin();
    let staff_b = b.browser(&staff_a);
    let admin_on_b = staff_b.get("/admin/posts");
    assert_eq!(admin_on_b.status, 200, "{}", admin_on_b.body);
    assert!(admin_on_b.text(".admin-bar").contains("Signed in as"));

    // Posts written on either server.
    let (housing_id, housing) = publish_post(
        &staff_a,
        "Council housing waiting lists in Hackney",
        HOUSING_BODY,
    );
    let (flights_id, flights) = publish_post(
        &staff_b,
        "Deportation flights and the right to appeal",
        FLIGHTS_BODY,
    );
    let (spam_id, spam_post) = publish_post(
        &staff_a,
        "Housing waiting lists: your questions",
        HOUSING_BODY,
    );

    // Readers alternate between the servers; one cookie jar, as behind one proxy.
    let reader_a = Browser::new(&a.base);
    let reader_b = b.browser(&reader_a);
    let servers = [&reader_a, &reader_b];
    let next = |i: usize| (servers[i % 2], servers[(i + 1) % 2]);

    // Public pages: the same ETag from both servers, so a proxy may revalidate with either.
    let home_a = Browser::new(&a.base).get("/");
    let home_b = Browser::new(&b.base).get("/");
    let etag = home_a.header("etag").to_owned();
    assert!(etag.starts_with("W/\""), "{:?}", home_a.headers);
    assert_eq!(home_b.header("etag"), etag, "same page, same tag on both");
    assert!(
        home_a
            .header("cache-control")
            .starts_with("public, max-age=")
    );
    let revalidated = Page::from(
        reqwest::blocking::Client::new()
            .get(format!("{}/", b.base))
            .header("If-None-Match", &etag)
            .send()
            .expect("GET"),
    );
    assert_eq!(revalidated.status, 304);

    // Three readers who confirmed e-mail about replies on the housing post (the
    // confirmation itself is tested in privacy.rs).
    for n in 1..=3 {
        let email = format!("reader{n}@example.org");
        townhall::storage::subscriptions::subscribe(
            &mut db,
            &email,
            housing_id,
            &email,
            chrono::Utc::now().naive_utc(),
        )
        .expect("a confirmed subscription");
    }
    // (1) Volume: one person's sixth comment on a post is held, whichever server takes it.
    let jo = reader(1);
    let mut held_sixth = Value::Null;
    for (i, body) in HOUSING_COMMENTS.iter().take(6).enumerate() {
        let (from, to) = next(i);
        let v = comment(from, to, &secret, (housing_id, &housing), &jo, body, true);
        if i < 5 {
            assert_eq!(
                v["status"],
                "published",
                "comment {} via {}: {v}",
                i + 1,
                to.base
            );
        } else {
            assert_eq!(v["status"], "held", "{v}");
            assert!(rules_fired(&v).contains(&"volume.person".to_owned()), "{v}");
            held_sixth = v["id"].clone();
        }
    }
    // Two more readers join the thread (and its e-mail), one on each server.
    for (i, n) in [2u32, 3].into_iter().enumerate() {
        let (from, to) = next(i + 1);
        let v = comment(
            from,
            to,
            &secret,
            (housing_id, &housing),
            &reader(n),
            HOUSING_COMMENTS[6],
            true,
        );
        assert_eq!(v["status"], "published", "{v}");
    }
    // New comments changed the home page's counts: both servers give a new tag.
    let after_a = Browser::new(&a.base).get("/");
    assert_ne!(
        after_a.header("etag"),
        etag,
        "a published comment changes the tag"
    );
    assert_eq!(
        Browser::new(&b.base).get("/").header("etag"),
        after_a.header("etag")
    );

    // (2) Flood: the fifth near-duplicate closes the thread, seen closed on both.
    for (i, body) in FLOOD_CAMPAIGN.iter().enumerate() {
        let (from, to) = next(i);
        let v = comment(
            from,
            to,
            &secret,
            (flights_id, &flights),
            &reader(10 + i as u32),
            body,
            false,
        );
        if i == 4 {
            assert_eq!(v["house_rule"], 5, "{v}");
            assert!(
                rules_fired(&v).contains(&"flood.near_duplicates".to_owned()),
                "{v}"
            );
        } else {
            assert_ne!(
                v["house_rule"],
                5,
                "copy {} is judged on its merits: {v}",
                i + 1
            );
        }
    }
    for server in [&a, &b] {
        let page = Browser::new(&server.base).get(&format!("/posts/{flights}"));
        assert!(
            page.attrs("form.comment-form", "action").is_empty(),
            "no form on {}",
            server.base
        );
        assert!(
            page.text(".comments-closed")
                .contains("large number of similar comments"),
            "{}",
            page.body
        );
    }

    // (3) The spam model learns from decisions: those taken on A adjust the score B uses.
    let probe = LETTINGS_ADVERTS[4];
    let before = comment(
        &reader_a,
        &reader_b,
        &secret,
        (spam_id, &spam_post),
        &reader(90),
        probe,
        false,
    );
    assert!(
        !rules_fired(&before).contains(&"spam.model".to_owned()),
        "nothing learned yet: {before}"
    );
    let mut spam_ids = Vec::new();
    // Jo's held sixth comment is approved with the civil ones (and Jo is e-mailed).
    let mut ham_ids = vec![held_sixth];
    for n in 0..4u32 {
        let (from, to) = next(n as usize);
        spam_ids.push(
            comment(
                from,
                to,
                &secret,
                (spam_id, &spam_post),
                &reader(20 + n),
                LETTINGS_ADVERTS[n as usize],
                false,
            )["id"]
                .clone(),
        );
        ham_ids.push(
            comment(
                to,
                from,
                &secret,
                (spam_id, &spam_post),
                &reader(30 + n),
                HOUSING_COMMENTS[n as usize],
                false,
            )["id"]
                .clone(),
        );
    }
    for (ids, act) in [(&spam_ids, "spam:selected"), (&ham_ids, "approve:selected")] {
        let keys: Vec<String> = ids.iter().map(|i| format!("sel_{i}")).collect();
        let mut f: Vec<(&str, &str)> = keys.iter().map(|k| (k.as_str(), "1")).collect();
        f.push(("act", act));
        let done = staff_a.submit("/admin/queue", "/admin/queue", &f);
        assert_eq!(done.status, 303, "{}", done.body);
    }
    let after = comment(
        &reader_a,
        &reader_b,
        &secret,
        (spam_id, &spam_post),
        &reader(91),
        probe,
        false,
    );
    assert!(
        rules_fired(&after).contains(&"spam.model".to_owned()),
        "learned across servers: {after}"
    );

    // (4) Sign-in throttling: five failures split between A and B lock the account on both.
    let added = shared.run(
        &[
            "user",
            "add",
            "--email",
            "mod@example.org",
            "--name",
            "Mo",
            "--role",
            "moderator",
            "--password-stdin",
        ],
        "a long moderator password\n",
    );
    assert!(added.contains("mod@example.org"), "{added}");
    for i in 0..5 {
        let (server, _) = next(i);
        let p = Browser::new(&server.base).login("mod@example.org", "a wrong password");
        assert_eq!(p.status, 401, "failure {} on {}", i + 1, server.base);
    }
    for server in [&a, &b] {
        let p = Browser::new(&server.base).login("mod@example.org", "a long moderator password");
        assert_eq!(
            p.status, 429,
            "3 failures on A and 2 on B count as 5 on {}",
            server.base
        );
    }

    // (6) The outbox: both servers' workers deliver, each message exactly once.
    let mut rows = || outbox::all(&mut db).expect("the outbox");
    wait_until("every message sent", || {
        rows().iter().all(|r| r.status == "sent") && sink.messages().len() >= rows().len()
    });
    // A second delivery could only come from a worker that claimed a message already
    // sent; give both workers two more passes to do it before counting.
    std::thread::sleep(Duration::from_secs(2 * POLL_SECONDS));
    let sent = rows();
    let kinds = |kind: &str| sent.iter().filter(|r| r.kind == kind).count();
    assert!(
        kinds("reply") >= 3 && kinds("flood") >= 1 && kinds("approved") >= 1,
        "{sent:?}"
    );
    // One digest for the 30-minute window (to each moderator then signed up), not one per server.
    let mut digests: Vec<&str> = sent
        .iter()
        .filter(|r| r.kind == "digest")
        .map(|r| r.recipient.as_str())
        .collect();
    let queued = digests.len();
    digests.sort_unstable();
    digests.dedup();
    assert!(queued >= 1 && digests.len() == queued, "{sent:?}");
    let mut expected: Vec<String> = sent
        .iter()
        .map(|r| {
            format!(
                "<townhall.{}.{}@localhost>",
                r.id,
                r.created_at.and_utc().timestamp()
            )
        })
        .collect();
    let mut delivered: Vec<String> = sink
        .messages()
        .iter()
        .map(|m| m.header("message-id").to_owned())
        .collect();
    expected.sort();
    delivered.sort();
    assert_eq!(
        delivered, expected,
        "each stored message delivered once, nothing else"
    );
    assert!(sent.iter().all(|r| r.attempts == 1), "{sent:?}");
    let mut by_worker: HashMap<String, usize> = HashMap::new();
    for r in &sent {
        *by_worker
            .entry(r.claimed_by.clone().unwrap_or_default())
            .or_default() += 1;
    }
    eprintln!(
        "scale-out: {} messages, by worker {by_worker:?}",
        sent.len()
    );

    // (5, end) Signing out on B ends the session on A too.
    let out = staff_b.submit("/admin/posts", "/logout", &[]);
    assert_eq!(out.status, 303);
    assert_eq!(
        staff_a.get("/admin/posts").status,
        303,
        "signed out everywhere"
    );
    eprintln!(
        "scale-out: servers up in {up:?}, whole test {:?}",
        started.elapsed()
    );
    drop((a, b));
}

/// Sessions of the test database waiting for a row lock.
fn waiting_for_locks(conn: &mut PooledConn) -> i64 {
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let sql = "SELECT count(*) AS n FROM pg_stat_activity \
               WHERE wait_event_type = 'Lock' AND datname = current_database()";
    townhall::dispatch!(&mut **conn, |c| diesel::RunQueryDsl::get_result::<Count>(
        diesel::sql_query(sql),
        c
    ))
    .expect("pg_stat_activity")
    .n
}

/// Two moderators' decisions taken at the same moment on two connections (as on two app
/// servers) both count in the spam score's totals: the second waits for the first rather
/// than reading the total the first is about to change, and writing the same one.
#[test]
fn simultaneous_decisions_both_count_in_the_spam_totals() {
    use townhall::storage::{learned_tokens, write_transaction};
    let Some((database_url, _db)) = fresh_pg_database() else {
        return;
    };
    storage::migrate(&DbTarget::parse(&database_url).expect("target")).expect("migrate");
    let mut first = connect(&database_url);
    let mut watcher = connect(&database_url);
    // An earlier decision: the totals' rows exist before the two begin.
    learned_tokens::train(&mut watcher, "spam", &["prize".to_owned()], true)
        .expect("earlier decision");
    let second = write_transaction(&mut first, |c| -> diesel::QueryResult<_> {
        learned_tokens::train(c, "spam", &["casino".to_owned()], true)?;
        // A decision on another comment (other words) while this one is not committed...
        let url = database_url.clone();
        let second = std::thread::spawn(move || {
            let mut conn = connect(&url);
            write_transaction(&mut conn, |c| {
                learned_tokens::train(c, "spam", &["lottery".to_owned()], true)
            })
        });
        // ...is seen waiting for it before it commits.
        wait_until("the second decision to wait for the first", || {
            waiting_for_locks(&mut watcher) > 0
        });
        Ok(second)
    })
    .expect("first decision");
    second
        .join()
        .expect("second thread")
        .expect("second decision");
    assert_eq!(
        learned_tokens::totals(&mut watcher, "spam").expect("totals"),
        (3, 0)
    );
}
