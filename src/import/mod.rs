//! `townhall import wordpress`: a WordPress export (WXR) streamed into the store in one
//! transaction, so a bad file leaves the database exactly as it was. Everything taken
//! across is keyed by its WordPress id, so importing the same export again changes
//! nothing and a newer export adds only what is new.

pub mod bounded;
pub mod comments;
pub mod content;
pub mod posts;
pub mod progress;
pub mod report;
pub mod wxr;

use std::collections::HashMap;
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use chrono::NaiveDateTime;

use crate::storage::moderation::{Audit, audit};
use crate::storage::{DbConn, wordpress, write_transaction};
pub use report::Report;
use wxr::{Entry, WxrReader};

/// What `comments.engine_version` says of a comment that came from WordPress: no engine
/// judged it (its verdict is WordPress's moderators'). Whether a comment was imported is
/// told by its WordPress id (`storage::wordpress`), never by this text.
pub const IMPORTED_ENGINE: &str = "wordpress-import";

/// Settings the import needs.
#[derive(Debug, Clone)]
pub struct Options {
    /// Now (imported rows are stamped with their WordPress dates; this is for accounts,
    /// the audit entry and the address-retention cut-off).
    pub now: NaiveDateTime,
    /// Full commenter addresses older than this many days are not kept (the network is).
    pub ip_retention_days: u32,
    /// The IPv4 network prefix length, from the moderation rules.
    pub ipv4_prefix: u8,
    /// The IPv6 network prefix length, from the moderation rules.
    pub ipv6_prefix: u8,
    /// Read and check everything, report, and then roll it all back.
    pub dry_run: bool,
}

/// How far an import has got, for a progress display.
#[derive(Debug, Clone, Copy, Default)]
pub struct Progress {
    /// Bytes of the file read.
    pub bytes: u64,
    /// The file's size.
    pub total_bytes: u64,
    /// Posts and pages seen.
    pub items: u64,
    /// Comments seen.
    pub comments: u64,
}

/// Why an import stopped (the database is unchanged).
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file could not be opened or read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// The file is not a well-formed WordPress export.
    #[error("{path}, line {line}: {message}")]
    Format {
        /// The file.
        path: PathBuf,
        /// 1-based line of the problem.
        line: u64,
        /// What is wrong.
        message: String,
    },
    /// A query failed.
    #[error("database error: {0}")]
    Db(#[from] diesel::result::Error),
    /// A dry run finished; carries its report out of the rolled-back transaction.
    #[error("dry run")]
    DryRun(Box<Report>),
}

/// State shared by the steps of one import.
pub(crate) struct Run<'a> {
    pub(crate) opts: &'a Options,
    pub(crate) report: Report,
    /// Authors from the export's header, by login.
    pub(crate) authors: HashMap<String, wxr::Author>,
    /// Accounts already resolved, by login.
    pub(crate) user_ids: HashMap<String, i64>,
}

/// Imports a WordPress export file, calling `progress` after every entry.
pub fn import_file(
    conn: &mut DbConn,
    path: &Path,
    opts: &Options,
    progress: &mut dyn FnMut(&Progress),
) -> Result<Report, ImportError> {
    let io = |source| ImportError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = File::open(path).map_err(io)?;
    let total_bytes = file.metadata().map_err(io)?.len();
    let mut reader = WxrReader::new(BufReader::with_capacity(256 * 1024, file));
    let result = write_transaction(conn, |conn| {
        let mut run = Run {
            opts,
            report: Report {
                dry_run: opts.dry_run,
                ..Report::default()
            },
            authors: HashMap::new(),
            user_ids: HashMap::new(),
        };
        let tags_before = posts::tag_count(conn)?;
        let mut at = Progress {
            total_bytes,
            ..Progress::default()
        };
        loop {
            let entry = match reader.next_entry() {
                Ok(Some(e)) => e,
                Ok(None) => break,
                Err(e) => {
                    let line = File::open(path)
                        .and_then(|f| wxr::line_at(BufReader::new(f), e.offset))
                        .map_err(io)?;
                    return Err(ImportError::Format {
                        path: path.to_path_buf(),
                        line,
                        message: e.message,
                    });
                }
            };
            match entry {
                Entry::Author(a) => {
                    posts::author(conn, &mut run, &a)?;
                    run.authors.insert(a.login.clone(), a);
                }
                Entry::Item(item) => {
                    at.items += 1;
                    at.comments += item.comments.len() as u64;
                    if let Some(post_id) = posts::item(conn, &mut run, &item)? {
                        comments::of_item(conn, &mut run, post_id, &item)?;
                    }
                }
            }
            at.bytes = reader.position();
            progress(&at);
        }
        run.report.tags_created = posts::tag_count(conn)? - tags_before;
        run.report.site = reader.channel().base_site_url.clone();
        let (posts_known, comments_known) = wordpress::counts(conn)?;
        audit(
            conn,
            None,
            Audit::ImportWordpress,
            &format!(
                "{}: {}; {posts_known} WordPress posts and {comments_known} comments known",
                path.display(),
                run.report.summary()
            ),
            opts.now,
        )?;
        if opts.dry_run {
            return Err(ImportError::DryRun(Box::new(run.report)));
        }
        Ok(run.report)
    });
    match result {
        Err(ImportError::DryRun(report)) => Ok(*report),
        other => other,
    }
}

/// How the report names an item: its WordPress id and the start of its title.
pub(crate) fn item_name(item: &wxr::Item) -> String {
    let title = crate::domain::text::truncate_words(
        crate::domain::html::html_plain_text(&item.title).trim(),
        60,
    );
    format!("post {} “{title}”", item.post_id)
}

/// Why a text the reader cut is refused. Only its start was read, so the form's own
/// check, on the converted start, would judge the wrong text.
pub(crate) fn cut_reason(what: &str, max_chars: usize, cap: usize) -> String {
    format!("{what} can be at most {max_chars} characters; the export's has more than {cap} bytes.")
}

/// Reads a WordPress date (`2019-05-04 10:30:00`); WordPress writes zeros for "none".
pub(crate) fn wp_date(text: &str) -> Option<NaiveDateTime> {
    NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%d %H:%M:%S").ok()
}
