//! A WordPress post's comments into Townhall comments, threads kept: approved ones
//! published, pending ones held for the moderators, spam and trash left behind.

use std::collections::{HashMap, HashSet};
use std::net::IpAddr;

use chrono::Duration;

use super::content::comment_markdown;
use super::wxr::{Comment, Item};
use super::{IMPORTED_ENGINE, ImportError, Run, wp_date};
use crate::domain::CommentStatus;
use crate::domain::comment::check_website;
use crate::domain::html::html_plain_text;
use crate::moderation::identity::{email_key, network_of};
use crate::moderation::{Fingerprint, FormTiming};
use crate::storage::comments::{self, NewCommentRow};
use crate::storage::{DbConn, wordpress};

/// Where an imported comment stands: its Townhall id and whether readers see it.
type Placed = HashMap<i64, (i64, bool)>;

/// The Townhall comment a reply hangs under: its WordPress parent, or the nearest
/// ancestor that was imported (a published reply only under a published comment).
fn parent_for(
    c: &Comment,
    published: bool,
    placed: &Placed,
    parent_of: &HashMap<i64, i64>,
) -> Option<i64> {
    let mut p = c.parent;
    // Bounded, so a loop of parents in a broken export cannot hang the import.
    for _ in 0..=parent_of.len() {
        if p == 0 {
            return None;
        }
        if let Some(&(id, visible)) = placed.get(&p)
            && (visible || !published)
        {
            return Some(id);
        }
        p = parent_of.get(&p).copied().unwrap_or(0);
    }
    None
}

/// Imports the comments of one item onto a Townhall post.
pub(crate) fn of_item(
    conn: &mut DbConn,
    run: &mut Run<'_>,
    post_id: i64,
    item: &Item,
) -> Result<(), ImportError> {
    if item.comments.is_empty() {
        return Ok(());
    }
    let ids: Vec<i64> = item.comments.iter().map(|c| c.id).collect();
    let mut placed: Placed = wordpress::known_comments(conn, &ids)?
        .into_iter()
        .map(|(wp, (id, status))| (wp, (id, status == CommentStatus::Published)))
        .collect();
    let parent_of: HashMap<i64, i64> = item.comments.iter().map(|c| (c.id, c.parent)).collect();
    let mut waiting: Vec<&Comment> = Vec::new();
    for c in &item.comments {
        if placed.contains_key(&c.id) {
            run.report.comments_already += 1;
        } else if matches!(c.comment_type.as_str(), "pingback" | "trackback") {
            run.report.pingbacks_skipped += 1;
        } else {
            match c.approved.as_str() {
                "spam" => run.report.spam_skipped += 1,
                "trash" | "post-trashed" => run.report.trash_skipped += 1,
                _ => waiting.push(c),
            }
        }
    }
    // Parents first, whatever order the export lists them in.
    while !waiting.is_empty() {
        let pending: HashSet<i64> = waiting.iter().map(|c| c.id).collect();
        let (ready, later): (Vec<&Comment>, Vec<&Comment>) = waiting
            .into_iter()
            .partition(|c| !pending.contains(&c.parent) || c.parent == c.id);
        let stuck = ready.is_empty();
        let batch = if stuck {
            run.report.warn(format!(
                "post {}: comments {} reply to each other in a loop; imported without their parents",
                item.post_id,
                later.iter().map(|c| c.id.to_string()).collect::<Vec<_>>().join(", ")
            ));
            later.clone()
        } else {
            ready
        };
        for c in batch {
            let (id, visible) = insert(conn, run, post_id, c, &placed, &parent_of, stuck)?;
            placed.insert(c.id, (id, visible));
        }
        waiting = if stuck { Vec::new() } else { later };
    }
    Ok(())
}

/// Stores one comment; returns its id and whether it is published.
#[allow(clippy::too_many_arguments)]
fn insert(
    conn: &mut DbConn,
    run: &mut Run<'_>,
    post_id: i64,
    c: &Comment,
    placed: &Placed,
    parent_of: &HashMap<i64, i64>,
    orphan: bool,
) -> Result<(i64, bool), ImportError> {
    let published = match c.approved.as_str() {
        "1" | "approve" | "approved" => true,
        "0" | "hold" => false,
        other => {
            run.report.warn(format!(
                "comment {}: unknown approval “{other}”, held for moderation",
                c.id
            ));
            false
        }
    };
    let now = run.opts.now;
    let created = wp_date(&c.date_gmt)
        .or_else(|| wp_date(&c.date))
        .unwrap_or_else(|| {
            run.report
                .warn(format!("comment {}: no date; dated now instead", c.id));
            now
        });
    let parent = if orphan {
        None
    } else {
        parent_for(c, published, placed, parent_of)
    };
    let mut body = comment_markdown(&c.content);
    if body.trim().is_empty() {
        body = "(empty comment)".to_owned();
    }
    let name = Some(html_plain_text(&c.author))
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "Anonymous".to_owned());
    let website = if c.author_url.is_empty() || check_website(&c.author_url).is_ok() {
        c.author_url.as_str()
    } else {
        run.report.warn(format!(
            "comment {}: the website “{}” is not a web address and was left out",
            c.id, c.author_url
        ));
        ""
    };
    let ip: Option<IpAddr> = c.author_ip.parse().ok();
    let network = ip
        .map(|ip| network_of(ip, run.opts.ipv4_prefix, run.opts.ipv6_prefix))
        .unwrap_or_default();
    // Past the retention period a full address would have been purged already.
    let kept_ip = ip
        .filter(|_| created >= now - Duration::days(run.opts.ip_retention_days.into()))
        .map(|ip| ip.to_string());
    let (status, action) = if published {
        ("published", "publish")
    } else {
        ("held", "hold")
    };
    let id = comments::insert(
        conn,
        &NewCommentRow {
            post_id,
            parent_id: parent,
            author_name: &name,
            email: &c.author_email,
            email_key: &email_key(&c.author_email),
            website,
            body: &body,
            status,
            auto_action: action,
            score: 0.0,
            hits: "[]",
            engine_version: IMPORTED_ENGINE,
            fingerprint: &Fingerprint::of(&body).to_text(),
            ip: kept_ip.as_deref(),
            network: &network,
            user_agent: "",
            form_seconds: None,
            form_check: crate::service::form_token::check_name(FormTiming::Missing),
            honeypot: "",
            created_at: created,
            updated_at: created,
        },
    )?;
    wordpress::add_comment(conn, c.id, id)?;
    if published {
        run.report.comments_published += 1;
    } else {
        run.report.comments_held += 1;
    }
    Ok((id, published))
}
