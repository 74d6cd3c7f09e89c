//! What an import did, counted, for the person who ran it.

use std::collections::BTreeMap;
use std::fmt;

use super::content::ShortcodeTally;

/// Most warnings listed one by one; the rest are counted.
const MAX_LISTED_WARNINGS: usize = 50;

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
    /// Things a person should look at.
    pub warnings: Vec<String>,
}

impl Report {
    /// Notes something a person should look at.
    pub fn warn(&mut self, message: impl Into<String>) {
        self.warnings.push(message.into());
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
            "{} posts, {} pages, {} comments published, {} held, {} authors, {} tags new; {} already imported; {} skipped; {} warnings",
            self.posts,
            self.pages,
            self.comments_published,
            self.comments_held,
            self.authors_created,
            self.tags_created,
            self.already_imported + self.comments_already,
            self.skipped(),
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
        if self.shortcodes.is_empty() {
            writeln!(f, "  shortcodes none")?;
        } else {
            writeln!(f, "  shortcodes")?;
            for (name, (action, n)) in &self.shortcodes {
                writeln!(f, "    [{name}] ×{n}: {}", action.describe())?;
            }
        }
        writeln!(f, "  warnings   {}", self.warnings.len())?;
        for w in self.warnings.iter().take(MAX_LISTED_WARNINGS) {
            writeln!(f, "    - {w}")?;
        }
        if self.warnings.len() > MAX_LISTED_WARNINGS {
            writeln!(
                f,
                "    … and {} more",
                self.warnings.len() - MAX_LISTED_WARNINGS
            )?;
        }
        Ok(())
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
