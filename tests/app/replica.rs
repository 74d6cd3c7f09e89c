//! A PostgreSQL streaming replica serving readers' pages (`database_replica_url`): a real
//! standby made by `.ci/pg-replica` with pg_basebackup. Replay is paused to make the
//! replica lag on purpose: a reader then sees the replica's older page, while the
//! commenter who just wrote sees their own comment, and staff pages read the primary.

use std::time::{Duration, Instant};

use diesel::RunQueryDsl;
use townhall::storage::replica::{WalPosition, primary_position, replayed_position};
use townhall::storage::{DbTarget, PooledConn, open_pool};

use crate::comments::*;
use crate::support::*;

/// The variable naming the replica of the `PG_VAR` server.
const REPLICA_VAR: &str = "TOWNHALL_TEST_POSTGRES_REPLICA_URL";
/// Bound on every wait for the replica.
const DEADLINE: Duration = Duration::from_secs(30);

fn replica_server() -> Option<String> {
    server_from(REPLICA_VAR, "replica test")
}

/// The URL of the same database on the replica server.
fn on_replica(replica_server: &str, primary_database_url: &str) -> String {
    let database = url::Url::parse(primary_database_url).expect("a URL");
    let mut url = url::Url::parse(replica_server).expect("a URL");
    url.set_path(database.path());
    url.to_string()
}

/// Waits until the replica has replayed everything committed on the primary so far.
fn wait_for_replay(app: &TestApp, replica: &mut PooledConn) {
    let target: WalPosition = primary_position(&mut app.db())
        .expect("the primary's position")
        .expect("PostgreSQL has one");
    let start = Instant::now();
    loop {
        let replayed = replayed_position(replica).expect("the replica's position");
        if replayed.is_some_and(|r| r >= target) {
            return;
        }
        assert!(
            start.elapsed() < DEADLINE,
            "the replica never replayed up to {target}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn run_sql(conn: &mut PooledConn, sql: &str) -> Result<usize, diesel::result::Error> {
    townhall::storage::dispatch!(&mut **conn, |c| diesel::sql_query(sql).execute(c))
}

/// The replica's replay, paused until `resume` or drop: a failing test must not leave
/// the shared replica stuck for the next run.
struct ReplayPaused(Option<PooledConn>);

impl ReplayPaused {
    fn new(mut conn: PooledConn) -> Self {
        run_sql(&mut conn, "SELECT pg_wal_replay_pause()").expect("pause replay");
        Self(Some(conn))
    }

    fn resume(mut self) -> PooledConn {
        let mut conn = self.0.take().expect("paused");
        run_sql(&mut conn, "SELECT pg_wal_replay_resume()").expect("resume replay");
        conn
    }
}

impl Drop for ReplayPaused {
    fn drop(&mut self) {
        if let Some(conn) = &mut self.0 {
            let _ = run_sql(conn, "SELECT pg_wal_replay_resume()");
        }
    }
}

#[test]
fn readers_pages_come_from_the_replica_and_writers_see_their_own_writes() {
    let Some(server) = replica_server() else {
        return;
    };
    let Some(app) = TestApp::spawn_with(Backend::Postgres, |s| {
        comment_settings(s);
        // The page cache on, as in production: a kept page must not hide a write either.
        s.page_cache_seconds = 2;
        let primary = s.database_url.as_deref().expect("a database URL");
        s.database_replica_url = Some(on_replica(&server, primary));
    }) else {
        return;
    };
    let (post_id, slug) = housing_post(&app);
    let path = format!("/posts/{slug}");
    let replica_url = app
        .settings
        .database_replica_url
        .clone()
        .expect("set above");
    // The database itself is created on the replica once its CREATE is replayed.
    let start = Instant::now();
    let mut replica = loop {
        match open_pool(&DbTarget::Postgres(replica_url.clone()), 1).map(|p| p.get()) {
            Ok(Ok(conn)) => break conn,
            _ if start.elapsed() < DEADLINE => std::thread::sleep(Duration::from_millis(20)),
            _ => panic!("the test database never appeared on the replica"),
        }
    };
    wait_for_replay(&app, &mut replica);
    let someone = app.browser();
    assert_eq!(someone.get(&path).status, 200);

    // From here the replica lags: it keeps what it has and replays nothing new.
    let paused = ReplayPaused::new(replica);
    let writer = app.browser();
    let csrf = writer.get("/login").csrf();
    let token = form_token(post_id);
    let comment = HOUSING_COMMENTS[0];
    let commenter = reader(1);
    let mut form = fields(&commenter, comment);
    set(&mut form, "form_token", &token);
    set(&mut form, "csrf_token", &csrf);
    let sent = Page::from(post_comment(&writer, &slug, "10.1.0.7", &form, false).expect("POST"));
    assert_eq!(sent.status, 303, "published: {}", sent.body);
    assert!(
        sent.header("set-cookie").starts_with("townhall_wrote="),
        "the writer is told where the primary stood: {:?}",
        sent.headers
    );

    let own = writer.get(sent.location());
    assert!(
        own.body.contains("Your comment is published."),
        "{}",
        own.body
    );
    assert!(
        own.body.contains("My sister and her children"),
        "the writer sees their comment"
    );
    let own_again = writer.get(&path);
    assert_eq!(
        own_again.header("x-page-cache"),
        "",
        "not a kept page: it may predate the write"
    );
    assert!(
        own_again.body.contains("My sister and her children"),
        "and again on the plain URL"
    );

    let other = someone.get(&path);
    assert_eq!(other.status, 200);
    assert!(
        !other.body.contains("My sister and her children"),
        "another reader's page comes from the replica, which has not replayed the comment"
    );
    // Staff pages read the primary.
    let published = app.get("/admin/queue?tab=published");
    assert!(
        published.body.contains("My sister and her children"),
        "{}",
        published.body
    );
    let health: serde_json::Value =
        serde_json::from_str(&someone.get("/healthz").body).expect("JSON");
    assert_eq!(health["replica"]["status"], "ok", "{health}");

    let mut replica = paused.resume();
    wait_for_replay(&app, &mut replica);
    // Within the page cache's seconds, the other reader sees it too.
    let start = Instant::now();
    while !someone
        .get(&path)
        .body
        .contains("My sister and her children")
    {
        assert!(
            start.elapsed() < DEADLINE,
            "the reader never saw the replayed comment"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    // Once a page came from a replica that has the write, the writer's cookie goes.
    let caught_up = writer.get(&path);
    assert!(caught_up.body.contains("My sister and her children"));
    let cookie = caught_up.header("set-cookie");
    assert!(
        cookie.starts_with("townhall_wrote=;") && cookie.contains("Max-Age=0"),
        "{cookie:?}"
    );
    assert_eq!(writer.get(&path).header("set-cookie"), "", "and stays gone");
}

#[test]
fn a_replica_out_of_reach_sends_readers_to_the_primary() {
    // Port 1: nothing listens, so every connection to this "replica" is refused.
    let Some(app) = TestApp::spawn_with(Backend::Postgres, |s| {
        comment_settings(s);
        s.database_replica_url = Some("postgres://postgres@127.0.0.1:1/none".into());
    }) else {
        return;
    };
    let (post_id, slug) = housing_post(&app);
    publish(&app, &slug, post_id, &reader(2), HOUSING_COMMENTS[1], None);
    let someone = app.browser();
    for _ in 0..3 {
        let page = someone.get(&format!("/posts/{slug}"));
        assert_eq!(page.status, 200);
        assert!(
            page.body
                .contains("Do the figures for temporary accommodation")
        );
        assert_eq!(someone.get("/").status, 200);
    }
    let health = someone.get("/healthz");
    assert_eq!(health.status, 200, "the primary is what the server needs");
    let health: serde_json::Value = serde_json::from_str(&health.body).expect("JSON");
    assert_eq!(health["replica"]["status"], "unavailable", "{health}");
}
