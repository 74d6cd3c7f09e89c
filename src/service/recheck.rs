//! `townhall rules check --from-db`: the stored comments judged again by the rules in
//! force, to see what the rules would say of them (imported WordPress comments were
//! judged by WordPress's moderators, never by the engine). Nothing stored changes.

use std::collections::{HashMap, HashSet};

use super::ServiceResult;
use super::corpus::{CheckOutput, CorpusLine, CorpusPost, PostRef};
use crate::domain::CommentStatus;
use crate::moderation::FormTiming;
use crate::storage::{DbConn, comments, posts, wordpress};

/// Imported comments never went through Townhall's form, so the form-timing rules
/// (missing token, too fast) are given an ordinary time instead of "no token".
const IMPORTED_FORM_SECONDS: f64 = 60.0;

/// Stored comments in the shape `rules check` replays, with what is stored of each.
#[derive(Debug, Default)]
pub struct Stored {
    /// The posts the comments are on.
    pub posts: Vec<CorpusPost>,
    /// The comments, oldest first; each post's comments are one thread.
    pub lines: Vec<CorpusLine>,
    /// Stored status and origin by line id.
    stored: HashMap<String, (CommentStatus, bool)>,
}

impl Stored {
    /// A verdict line with the comment's stored status and whether it was imported.
    pub fn annotate(&self, out: CheckOutput) -> serde_json::Result<serde_json::Value> {
        let mut value = serde_json::to_value(&out)?;
        if let (Some(obj), Some((status, imported))) =
            (value.as_object_mut(), self.stored.get(&out.id))
        {
            obj.insert("stored_status".into(), status.as_str().into());
            obj.insert("imported".into(), (*imported).into());
        }
        Ok(value)
    }
}

/// Reads the stored comments (all, or only those imported from WordPress).
pub fn stored(conn: &mut DbConn, only_imported: bool) -> ServiceResult<Stored> {
    let imported: HashSet<i64> = wordpress::imported_comment_ids(conn)?.into_iter().collect();
    let rows: Vec<_> = comments::all_oldest_first(conn)?
        .into_iter()
        .filter(|c| !only_imported || imported.contains(&c.id))
        .collect();
    let mut post_ids: Vec<i64> = rows.iter().map(|c| c.post_id).collect();
    post_ids.sort_unstable();
    post_ids.dedup();
    let mut tags = posts::tags_for(conn, &post_ids)?;
    let posts = posts::find_many(conn, &post_ids)?
        .into_iter()
        .map(|p| CorpusPost {
            id: p.id.to_string(),
            tags: tags
                .remove(&p.id)
                .unwrap_or_default()
                .into_iter()
                .map(|t| t.name)
                .collect(),
            title: p.title,
            body: p.body_markdown,
        })
        .collect();
    let mut out = Stored {
        posts,
        ..Stored::default()
    };
    for c in rows {
        let from_wordpress = imported.contains(&c.id);
        let id = c.id.to_string();
        out.stored.insert(id.clone(), (c.status, from_wordpress));
        out.lines.push(CorpusLine {
            id,
            post: PostRef::Id(c.post_id.to_string()),
            scenario: Some(format!("post-{}", c.post_id)),
            author: c.author_name,
            email: c.email,
            website: c.website,
            ip: c.ip.unwrap_or_default(),
            submitted_at: Some(c.created_at.and_utc()),
            seconds_on_page: if from_wordpress {
                Some(IMPORTED_FORM_SECONDS)
            } else {
                match super::form_token::stored_timing(&c.form_check, c.form_seconds) {
                    FormTiming::Seconds(s) => Some(s),
                    _ => None,
                }
            },
            honeypot: c.honeypot,
            parent: c.parent_id.map(|p| p.to_string()),
            body: c.body,
            expected: None,
            acceptable: Vec::new(),
            harmful: false,
            category: None,
        });
    }
    Ok(out)
}
