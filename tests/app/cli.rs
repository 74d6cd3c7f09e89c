//! The command line: help, accounts, migrations and bad settings.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::support::*;

pub(crate) fn townhall(
    dir: &std::path::Path,
    args: &[&str],
    envs: &[(&str, &str)],
    stdin: Option<&str>,
) -> (i32, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_townhall"));
    cmd.args(args)
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .env("TOWNHALL_DATA_DIR", dir)
        .env("TOWNHALL_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("run townhall");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input.as_bytes())
            .expect("write stdin");
    }
    drop(child.stdin.take());
    let out = child.wait_with_output().expect("wait");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Runs a command that must fail, and returns what it said on standard error.
pub(crate) fn fails(
    dir: &std::path::Path,
    args: &[&str],
    envs: &[(&str, &str)],
    stdin: Option<&str>,
) -> String {
    let (code, _, err) = townhall(dir, args, envs, stdin);
    assert_ne!(code, 0, "`townhall {}` must fail", args.join(" "));
    err
}

#[test]
fn help_describes_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let (code, out, _) = townhall(dir.path(), &["--help"], &[], None);
    assert_eq!(code, 0);
    for cmd in ["serve", "migrate", "user", "demo", "import"] {
        assert!(out.contains(cmd), "{cmd} in --help: {out}");
    }
    let (code, out, _) = townhall(dir.path(), &["user", "--help"], &[], None);
    assert_eq!(code, 0);
    for cmd in ["add", "list", "set-password", "disable", "reset-two-factor"] {
        assert!(out.contains(cmd), "{cmd} in user --help: {out}");
    }
}

#[test]
fn users_are_managed_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let (code, out, err) = townhall(dir.path(), &["migrate"], &[], None);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains(&format!("Applied {} migration", migration_count())),
        "{out}"
    );
    let (code, out, _) = townhall(dir.path(), &["migrate"], &[], None);
    assert_eq!(code, 0);
    assert!(out.contains("up to date"), "{out}");
    let (code, out, err) = townhall(
        dir.path(),
        &[
            "user",
            "add",
            "--email",
            "Ed@Example.org",
            "--name",
            "Ed Editor",
            "--role",
            "moderator",
            "--password-stdin",
        ],
        &[],
        Some("a long enough password\n"),
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("Created moderator account ed@example.org"),
        "{out}"
    );
    let err = fails(
        dir.path(),
        &[
            "user",
            "add",
            "--email",
            "ed@example.org",
            "--name",
            "Again",
            "--password-stdin",
        ],
        &[],
        Some("a long enough password\n"),
    );
    assert!(err.contains("already exists"), "{err}");
    let err = fails(
        dir.path(),
        &[
            "user",
            "add",
            "--email",
            "x@example.org",
            "--name",
            "X",
            "--password-stdin",
        ],
        &[],
        Some("short\n"),
    );
    assert!(err.contains("at least 10 characters"), "{err}");
    let (code, out, _) = townhall(
        dir.path(),
        &["user", "add", "--email", "gen@example.org", "--name", "Gen"],
        &[],
        None,
    );
    assert_eq!(code, 0);
    assert!(
        out.contains("Password (shown once): "),
        "a password is generated when none is given: {out}"
    );
    let (code, _, _) = townhall(
        dir.path(),
        &["user", "disable", "ed@example.org"],
        &[],
        None,
    );
    assert_eq!(code, 0);
    let (code, out, _) = townhall(dir.path(), &["user", "list"], &[], None);
    assert_eq!(code, 0);
    let ed = out
        .lines()
        .find(|l| l.starts_with("ed@example.org"))
        .expect("ed listed");
    assert!(ed.contains("moderator") && ed.contains("disabled"), "{ed}");
    let err = fails(
        dir.path(),
        &[
            "user",
            "set-password",
            "nobody@example.org",
            "--password-stdin",
        ],
        &[],
        Some("another long password\n"),
    );
    assert!(err.contains("no such account"), "{err}");
    let (code, _, err) = townhall(
        dir.path(),
        &[
            "user",
            "set-password",
            "gen@example.org",
            "--password-stdin",
        ],
        &[],
        Some("another long password\n"),
    );
    assert_eq!(code, 0, "{err}");
    // Every change made at the command line is in the audit log, said to come from there.
    let target = townhall::storage::DbTarget::Sqlite(dir.path().join("townhall.db"));
    let pool = townhall::storage::open_pool(&target, 1).expect("the database");
    let mut conn = pool.get().expect("a connection");
    let (entries, _) = townhall::storage::moderation::audit_list(
        &mut conn,
        &townhall::storage::moderation::AuditFilter::default(),
        0,
        100,
    )
    .expect("the audit log");
    let mut actions: Vec<(String, String)> = entries
        .into_iter()
        .map(|(a, _)| (a.action, a.detail))
        .collect();
    actions.reverse();
    let names: Vec<&str> = actions.iter().map(|(a, _)| a.as_str()).collect();
    assert_eq!(
        names,
        [
            "user.create",
            "user.create",
            "user.disable",
            "user.password"
        ],
        "{actions:?}"
    );
    assert!(
        actions
            .iter()
            .all(|(_, d)| d.ends_with("(from the command line)")),
        "{actions:?}"
    );
    drop(conn);
    let (code, out, _) = townhall(dir.path(), &["demo"], &[], None);
    assert_eq!(code, 0);
    assert!(out.contains("Loaded 8 demo posts"), "{out}");
    let err = fails(dir.path(), &["demo"], &[], None);
    assert!(err.contains("already has posts"), "{err}");
}

#[test]
fn bad_settings_stop_start_up_with_a_message_naming_the_setting() {
    let dir = tempfile::tempdir().unwrap();
    let cases: &[(&str, &str, &str)] = &[
        ("TOWNHALL_POSTS_PER_PAGE", "lots", "posts_per_page"),
        ("TOWNHALL_POSTS_PER_PAGE", "0", "posts_per_page"),
        ("TOWNHALL_BASE_URL", "not a url", "base_url"),
        ("TOWNHALL_BIND", "nowhere", "bind"),
        ("DATABASE_URL", "mysql://db/x", "database_url"),
        ("TOWNHALL_SESSION_DAYS", "-1", "session_days"),
    ];
    for (var, value, setting) in cases {
        let err = fails(dir.path(), &["migrate"], &[(var, value)], None);
        assert!(
            err.contains("configuration error") && err.contains(setting),
            "{var}={value}: {err}"
        );
    }
    std::fs::write(dir.path().join("townhall.toml"), "site_titel = \"typo\"\n").unwrap();
    let err = fails(dir.path(), &["migrate"], &[], None);
    assert!(
        err.contains("site_titel"),
        "unknown keys in the file are named: {err}"
    );
}

/// The migrations shipped, checked to be the same folders for both backends.
fn migration_count() -> usize {
    let names = |backend: &str| -> Vec<String> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("migrations")
            .join(backend);
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .expect("migrations folder")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let sqlite = names("sqlite");
    assert_eq!(
        sqlite,
        names("postgres"),
        "the same migrations for both backends"
    );
    sqlite.len()
}

fn migrations_round_trip(backend: Backend) {
    let Some(app) = TestApp::spawn(backend) else {
        return;
    };
    let target =
        townhall::storage::DbTarget::parse(app.settings.database_url.as_deref().unwrap()).unwrap();
    drop(app.browser());
    let reverted = townhall::storage::revert_all(&target).expect("every down.sql works");
    assert_eq!(reverted, migration_count());
    let applied = townhall::storage::migrate(&target).expect("re-apply");
    assert_eq!(applied.len(), migration_count());
}

#[test]
fn migrations_revert_and_reapply_on_sqlite() {
    migrations_round_trip(Backend::Sqlite);
}

#[test]
fn migrations_revert_and_reapply_on_postgres() {
    migrations_round_trip(Backend::Postgres);
}

#[test]
fn a_reader_that_stops_reading_is_not_a_crash() {
    // `townhall rules test … | head -1`: the pipe closes before the report is written.
    let dir = tempfile::tempdir().unwrap();
    let root = env!("CARGO_MANIFEST_DIR");
    for args in [
        vec![
            "rules",
            "test",
            "--posts",
            "../shared/corpus/posts.jsonl",
            "--corpus",
            "tests/corpus/redteam.jsonl",
        ],
        vec!["rules", "lint"],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_townhall"))
            .args(&args)
            .current_dir(root)
            .env("TOWNHALL_DATA_DIR", dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run townhall");
        drop(child.stdout.take());
        let out = child.wait_with_output().expect("wait");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            !err.contains("panicked"),
            "townhall {}: {err}",
            args.join(" ")
        );
        assert!(
            out.status.success(),
            "townhall {}: {:?} {err}",
            args.join(" "),
            out.status
        );
    }
}
