//! What an import did, counted, for the person who ran it.

use std::collections::BTreeMap;
use std::fmt;

use super::content::ShortcodeTally;

/// Most warnings (and most refusals) listed one by one; the rest are counted.
const MAX_LISTED: usize = 50;

/// Longest report line, in characters: a refused value is quoted, and may be huge.
const MAX_LINE: usize = 300;

/// The counts of one import.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Nothing was kept (`--dry-run`).
    pub dry_run: bool,
    /// The export's `wp:base_site_url`.
    pub site: String,
    /// New posts.
    pub posts: u64,
    /// New pages (stored as posts).
    pub pages: u64,
    /// Of the new posts and pages, those that arrive unpublished (drafts, pending, private).
    pub unpublished: u64,
    /// Posts and pages imported before (left as they are).
    pub already_imported: u64,
    /// Approved comments, published.
    pub comments_published: u64,
    /// Pending comments, held in the moderation queue.
    pub comments_held: u64,
    /// Comments imported before.
    pub comments_already: u64,
    /// Spam comments, not imported.
    pub spam_skipped: u64,
    /// Trashed comments, not imported.
    pub trash_skipped: u64,
    /// Pingbacks and trackbacks, not imported.
    pub pingbacks_skipped: u64,
    /// Items not imported, by kind (`attachment`, `nav_menu_item`, `trashed post` …).
    pub items_skipped: BTreeMap<String, u64>,
    /// Accounts created for WordPress authors.
    pub authors_created: u64,
    /// WordPress authors matched to existing accounts by e-mail.
    pub authors_matched: u64,
    /// Tags created (WordPress categories and tags).
    pub tags_created: i64,
    /// Shortcodes met in posts, and what was done with each.
    pub shortcodes: ShortcodeTally,
    /// Posts and pages not imported because a field failed the editor's checks.
    pub posts_refused: u64,
    /// Comments not imported because a field failed the comment form's checks.
    pub comments_refused: u64,
    /// Fields left out of what was imported (a commenter's website, a tag).
    pub fields_dropped: u64,
    /// One line per refused field: the item, the field and why.
    pub refusals: Vec<String>,
    /// Things a person should look at.
    pub warnings: Vec<String>,
}

/// A line for the report: on one line whatever the export holds (a CR/LF or an escape
/// sequence in a refused value must not reach the terminal) and not too long.
fn printable(message: &str) -> String {
    let mut line = String::new();
    for (i, c) in message.chars().enumerate() {
        if i == MAX_LINE {
            line.push('…');
            break;
        }
        if c.is_control() {
            line.extend(c.escape_default());
        } else {
            line.push(c);
        }
    }
    line
}

/// Writes a list of lines, the first [`MAX_LISTED`] one by one.
fn list(f: &mut fmt::Formatter<'_>, lines: &[String]) -> fmt::Result {
    for line in lines.iter().take(MAX_LISTED) {
        writeln!(f, "    - {line}")?;
    }
    if lines.len() > MAX_LISTED {
        writeln!(f, "    … and {} more", lines.len() - MAX_LISTED)?;
    }
    Ok(())
}

impl Report {
    /// Notes something a person should look at.
    pub fn warn(&mut self, message: impl AsRef<str>) {
        self.warnings.push(printable(message.as_ref()));
    }

    /// Notes a field that failed a check, with what was done about it.
    pub fn refuse(&mut self, message: impl AsRef<str>) {
        self.refusals.push(printable(message.as_ref()));
    }

    /// Notes the fields that kept an item out, one line each (`who` names the item).
    pub fn refuse_fields(&mut self, who: &str, fields: &[(&str, String)]) {
        for (field, message) in fields {
            self.refuse(format!("{who} not imported: {field}: {message}"));
        }
    }

    /// Counts an item that was not imported.
    pub fn skip_item(&mut self, kind: &str) {
        *self.items_skipped.entry(kind.to_owned()).or_default() += 1;
    }

    /// Everything skipped, in one number.
    pub fn skipped(&self) -> u64 {
        self.spam_skipped
            + self.trash_skipped
            + self.pingbacks_skipped
            + self.items_skipped.values().sum::<u64>()
    }

    /// One line for the audit log.
    pub fn summary(&self) -> String {
        format!(
            "{} posts, {} pages, {} comments published, {} held, {} authors, {} tags new; {} already imported; {} skipped; {} posts and {} comments refused; {} warnings",
            self.posts,
            self.pages,
            self.comments_published,
            self.comments_held,
            self.authors_created,
            self.tags_created,
            self.already_imported + self.comments_already,
            self.skipped(),
            self.posts_refused,
            self.comments_refused,
            self.warnings.len()
        )
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.dry_run {
            writeln!(f, "Dry run: nothing was saved. The import would bring:")?;
        } else {
            writeln!(f, "Imported from {}:", self.site_name())?;
        }
        writeln!(
            f,
            "  posts      {} new ({} pages; {} of them unpublished), {} already imported",
            self.posts + self.pages,
            self.pages,
            self.unpublished,
            self.already_imported
        )?;
        writeln!(
            f,
            "  comments   {} published, {} held for moderation, {} already imported",
            self.comments_published, self.comments_held, self.comments_already
        )?;
        writeln!(
            f,
            "  authors    {} new accounts (no password yet), {} matched existing accounts",
            self.authors_created, self.authors_matched
        )?;
        writeln!(f, "  tags       {} new", self.tags_created)?;
        let mut skipped = vec![
            format!("{} spam comments", self.spam_skipped),
            format!("{} trashed comments", self.trash_skipped),
            format!("{} pingbacks and trackbacks", self.pingbacks_skipped),
        ];
        skipped.extend(self.items_skipped.iter().map(|(k, n)| format!("{n} {k}")));
        writeln!(f, "  skipped    {}", skipped.join(", "))?;
        writeln!(
            f,
            "  refused    {} posts, {} comments, {} fields left out",
            self.posts_refused, self.comments_refused, self.fields_dropped
        )?;
        list(f, &self.refusals)?;
        if self.shortcodes.is_empty() {
            writeln!(f, "  shortcodes none")?;
        } else {
            writeln!(f, "  shortcodes")?;
            for (name, (action, n)) in &self.shortcodes {
                writeln!(f, "    [{name}] ×{n}: {}", action.describe())?;
            }
        }
        writeln!(f, "  warnings   {}", self.warnings.len())?;
        list(f, &self.warnings)
    }
}

impl Report {
    fn site_name(&self) -> &str {
        if self.site.is_empty() {
            "the WordPress export"
        } else {
            &self.site
        }
    }
}
