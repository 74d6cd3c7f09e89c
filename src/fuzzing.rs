//! The properties the fuzz targets check, shared by the cargo-fuzz targets in `fuzz/`
//! (libFuzzer, coverage-guided) and the seed replay in the integration tests
//! (`tests/app/fuzz.rs`). Built only with the `fuzzing` feature.
//!
//! Each target is one function over raw bytes: [`rules_engine`], [`comment_renderer`]
//! and [`wordpress_import`]. They panic (with the input) when a property fails.

use std::path::{Path, PathBuf};
use std::sync::{LazyLock, Mutex};

use diesel::RunQueryDsl;
use diesel::r2d2::ManageConnection;
use scraper::Html;

use crate::domain::html::SafeHtml;
use crate::import::{self, content, wxr};
use crate::moderation::{self, RuleSet};
use crate::service::rules::RulesSource;
use crate::storage::{self, DbConn, DbTarget};

/// The `rules_engine` target on the shipped rules as the app embeds them (see
/// [`moderation::fuzzing::rules_engine`]; the fuzz target itself needs only the engine).
pub fn rules_engine(data: &[u8]) {
    moderation::fuzzing::rules_engine(shipped_rules(), data);
}

/// The `comment_renderer` target: the input as text (invalid UTF-8 replaced), through
/// the comment renderer (strict subset) and the post renderer (full Markdown).
pub fn comment_renderer(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    check_comment_renderer(&text);
    check_post_renderer(&text);
}

/// The `wordpress_import` target: the input as a WordPress export file, read by the
/// streaming reader (with content conversion and rendering, [`check_wxr`]) and then
/// imported for real into a SQLite database ([`check_import`]).
pub fn wordpress_import(data: &[u8]) {
    check_wxr(data);
    check_import(data);
}

/// The shipped rules, compiled once.
pub fn shipped_rules() -> &'static RuleSet {
    static RULES: LazyLock<RuleSet> = LazyLock::new(|| {
        RulesSource::Shipped
            .load()
            .expect("the shipped rules compile")
    });
    &RULES
}

/// The elements the comment subset may produce (docs/src/readers.md, "Commenting").
const COMMENT_TAGS: [&str; 6] = ["p", "br", "em", "strong", "blockquote", "a"];

/// Attributes whose value a browser loads or follows as a URL.
const URL_ATTRIBUTES: [&str; 10] = [
    "href",
    "src",
    "srcset",
    "action",
    "formaction",
    "poster",
    "cite",
    "background",
    "xlink:href",
    "longdesc",
];

/// Parses rendered output as a browser would and fails on any element outside
/// `allowed` (when given), any event-handler attribute and any script URL.
fn assert_inert(html: &str, allowed: Option<&[&str]>, input: &str) {
    let fragment = Html::parse_fragment(html);
    for element in fragment
        .root_element()
        .descendants()
        .filter_map(scraper::ElementRef::wrap)
    {
        let name = element.value().name();
        if name == "html" {
            continue; // the fragment's own wrapper
        }
        assert!(
            name != "script" && name != "iframe" && name != "object" && name != "embed",
            "<{name}> from {input:?}: {html}"
        );
        if let Some(allowed) = allowed {
            assert!(allowed.contains(&name), "<{name}> from {input:?}: {html}");
        }
        for (attr, value) in element.value().attrs() {
            assert!(
                !attr.to_ascii_lowercase().starts_with("on"),
                "{attr}= on <{name}> from {input:?}: {html}"
            );
            // Only attributes a browser follows as a URL: `alt="javascript:…"` is text.
            if !URL_ATTRIBUTES.contains(&attr.to_ascii_lowercase().as_str()) {
                continue;
            }
            // As a browser's URL parser reads it (WHATWG URL): leading and trailing C0
            // controls and spaces go, and tabs and newlines anywhere. Other white space,
            // such as U+00A0, stays, and makes a relative URL rather than a scheme.
            let scheme: String = value
                .trim_matches(|c: char| c <= ' ')
                .chars()
                .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
                .collect::<String>()
                .to_ascii_lowercase();
            assert!(
                !["javascript:", "vbscript:", "data:"]
                    .iter()
                    .any(|s| scheme.starts_with(s)),
                "{attr}={value:?} on <{name}> from {input:?}: {html}"
            );
        }
    }
}

/// The comment renderer (Markdown subset, then ammonia) on arbitrary text: no panic,
/// only the subset's elements, and no script, event handler or script URL.
pub fn check_comment_renderer(text: &str) {
    let html = SafeHtml::from_comment_markdown(text);
    assert_inert(html.as_str(), Some(&COMMENT_TAGS), text);
}

/// The post renderer (full Markdown, then ammonia's defaults): no script, event handler
/// or script URL.
pub fn check_post_renderer(markdown: &str) {
    let html = SafeHtml::from_markdown(markdown);
    assert_inert(html.as_str(), None, markdown);
}

/// The WordPress export reader and its content conversion on arbitrary bytes: every
/// entry is read or a clean error comes back; nothing panics.
pub fn check_wxr(bytes: &[u8]) {
    let mut reader = wxr::WxrReader::new(bytes);
    // Each entry consumes input, so this ends; the bound only guards against a bug.
    for _ in 0..=bytes.len() {
        match reader.next_entry() {
            Ok(Some(wxr::Entry::Item(item))) => {
                let mut tally = content::ShortcodeTally::default();
                check_post_renderer(&content::post_body(&item.content, &mut tally));
                for c in &item.comments {
                    check_comment_renderer(&content::comment_markdown(&c.content));
                }
            }
            Ok(Some(wxr::Entry::Author(_))) => {}
            Ok(None) | Err(_) => return,
        }
    }
    panic!("the reader kept returning entries past the end of its input");
}

/// A migrated SQLite database in a folder of its own and the export file the import
/// reads; after an import that committed, the next one starts on a fresh copy.
struct ImportBench {
    dir: PathBuf,
    template: PathBuf,
    conn: DbConn,
    /// Which of two copies `conn` is open on (the other is replaced while it is open).
    copy: bool,
    /// Every row of the freshly migrated database, to compare with after a failed import.
    fresh: Dump,
    /// Per table, the query that reads all its rows as text.
    queries: Vec<(String, String)>,
}

/// Every table's name with all its rows, as text, in a fixed order.
type Dump = Vec<(String, String)>;

impl ImportBench {
    fn new() -> ImportBench {
        // The process id keeps apart fuzzers running in parallel (`-jobs`, `-fork`);
        // `TMPDIR` moves the folder (`.ci/fuzz` points it at one it removes afterwards).
        let dir = std::env::temp_dir().join(format!("townhall-fuzz-import-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a folder for the import's database");
        let template = dir.join("migrated.db");
        let _ = std::fs::remove_file(&template);
        storage::migrate(&DbTarget::Sqlite(template.clone())).expect("the migrations apply");
        let conn = fresh_copy(&template, &dir.join("work-0.db"));
        let mut bench = ImportBench {
            dir,
            template,
            conn,
            copy: false,
            fresh: Vec::new(),
            queries: Vec::new(),
        };
        bench.fresh = bench.dump();
        bench
    }

    /// Moves to a new copy of the migrated database (the old one is closed).
    fn reset(&mut self) {
        self.copy = !self.copy;
        let path = self.dir.join(format!("work-{}.db", u8::from(self.copy)));
        self.conn = fresh_copy(&self.template, &path);
    }

    /// Every row of every table (SQLite's own `sqlite_sequence` included).
    fn dump(&mut self) -> Dump {
        let DbConn::Sqlite(c) = &mut self.conn else {
            unreachable!("the bench is SQLite")
        };
        if self.queries.is_empty() {
            let tables: Vec<Text> = diesel::sql_query(
                "SELECT name AS t FROM sqlite_master WHERE type = 'table' ORDER BY name",
            )
            .load(c)
            .expect("list the tables");
            for table in tables {
                let columns: Vec<Text> = diesel::sql_query(format!(
                    "SELECT name AS t FROM pragma_table_info('{}') ORDER BY cid",
                    table.t
                ))
                .load(c)
                .expect("list the columns");
                let row = columns
                    .iter()
                    .map(|col| format!("quote(\"{}\")", col.t))
                    .collect::<Vec<_>>()
                    .join(" || ',' || ");
                let query = format!(
                    "SELECT COALESCE(group_concat(r, char(10)), '') AS t \
                     FROM (SELECT {row} AS r FROM \"{}\" ORDER BY r)",
                    table.t
                );
                self.queries.push((table.t, query));
            }
        }
        self.queries
            .iter()
            .map(|(table, query)| {
                let rows: Text = diesel::sql_query(query)
                    .get_result(c)
                    .expect("read a table");
                (table.clone(), rows.t)
            })
            .collect()
    }
}

#[derive(diesel::QueryableByName)]
struct Text {
    #[diesel(sql_type = diesel::sql_types::Text)]
    t: String,
}

/// A copy of the migrated database at `path` (its old files removed), opened as the
/// app opens SQLite (same pragmas).
fn fresh_copy(template: &Path, path: &Path) -> DbConn {
    for suffix in ["", "-wal", "-shm"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
    std::fs::copy(template, path).expect("copy the migrated database");
    storage::Manager::new(DbTarget::Sqlite(path.to_path_buf()))
        .connect()
        .expect("open the copy")
}

/// The tables an import fills, without the audit log (each run adds its entry).
fn imported_rows(dump: Dump) -> Dump {
    dump.into_iter()
        .filter(|(table, _)| table != "audit_log" && table != "sqlite_sequence")
        .collect()
}

static BENCH: LazyLock<Mutex<ImportBench>> = LazyLock::new(|| Mutex::new(ImportBench::new()));

/// The importer (`townhall import wordpress`) on arbitrary bytes, into a real SQLite
/// database: it never panics; when it refuses the file the database is exactly as it
/// was (every row of every table); when it takes the file, importing it again succeeds
/// and adds nothing (the audit log's entry aside).
pub fn check_import(bytes: &[u8]) {
    let mut bench = BENCH.lock().unwrap_or_else(|e| e.into_inner());
    let file = bench.dir.join("export.xml");
    std::fs::write(&file, bytes).expect("write the export");
    let opts = import::Options {
        now: chrono::NaiveDate::from_ymd_opt(2026, 5, 1)
            .and_then(|d| d.and_hms_opt(12, 0, 0))
            .expect("a date"),
        ip_retention_days: 90,
        ipv4_prefix: 24,
        ipv6_prefix: 64,
        dry_run: false,
    };
    let input = || String::from_utf8_lossy(bytes);
    match import::import_file(&mut bench.conn, &file, &opts, &mut |_| {}) {
        Err(e) => {
            let now = bench.dump();
            assert!(
                now == bench.fresh,
                "the import failed ({e}) but changed the database; input: {:?}",
                input()
            );
        }
        Ok(_) => {
            let once = imported_rows(bench.dump());
            let again = import::import_file(&mut bench.conn, &file, &opts, &mut |_| {});
            assert!(
                again.is_ok(),
                "the export imported once but not twice: {again:?}; input: {:?}",
                input()
            );
            let twice = imported_rows(bench.dump());
            if let Some(((table, a), (_, b))) = once.iter().zip(&twice).find(|(x, y)| x != y) {
                panic!(
                    "importing the same export again changed {table}:\n{a}\n---\n{b}\ninput: {:?}",
                    input()
                );
            }
            bench.reset();
        }
    }
}
