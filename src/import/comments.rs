//! A WordPress post's comments into Townhall comments, threads kept: approved ones
//! published, pending ones held for the moderators, spam and trash left behind.

use std::collections::{HashMap, HashSet};
use std::net::IpAddr;

use chrono::Duration;

use super::content::comment_markdown;
use super::wxr::{Comment, FIELD_TEXT_CAP, Item};
use super::{IMPORTED_ENGINE, ImportError, Run, cut_reason, item_name, wp_date};
use crate::domain::CommentStatus;
use crate::domain::comment::{MAX_BODY, check_body, check_email, check_name, check_website};
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

/// A comment's fields that passed the comment form's checks.
struct Checked {
    name: String,
    email: String,
    website: String,
    body: String,
}

/// Checks a comment's fields as the comment form does; `None` (with a report line per
/// refused field) when it cannot be imported. WordPress did not always ask for what the
/// form requires, so an empty name becomes "Anonymous", an empty e-mail stays empty and
/// an empty text becomes "(empty comment)"; a bad website is left out.
fn checked(run: &mut Run<'_>, item: &Item, c: &Comment) -> Option<Checked> {
    let mut refused: Vec<(&str, String)> = Vec::new();
    let name = Some(html_plain_text(&c.author).trim().to_owned())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "Anonymous".to_owned());
    if let Err(message) = check_name(&name) {
        refused.push(("name", message));
    }
    let email = c.author_email.trim();
    if !email.is_empty()
        && let Err(message) = check_email(email)
    {
        refused.push(("e-mail", message));
    }
    let body = if c.content_cut {
        refused.push(("text", cut_reason("A comment", MAX_BODY, FIELD_TEXT_CAP)));
        String::new()
    } else {
        let body = comment_markdown(&c.content);
        let body = if body.trim().is_empty() {
            "(empty comment)".to_owned()
        } else {
            body
        };
        if let Err(message) = check_body(&body) {
            refused.push(("text", message));
        }
        body
    };
    let url = c.author_url.trim();
    let bad_website = if url.is_empty() {
        None
    } else {
        check_website(url).err()
    };
    let who = format!("comment {} on {}", c.id, item_name(item));
    if !refused.is_empty() {
        if let Some(message) = bad_website {
            refused.push(("website", message.to_owned()));
        }
        run.report.refuse_fields(&who, &refused);
        run.report.comments_refused += 1;
        return None;
    }
    let website = match bad_website {
        None => url.to_owned(),
        Some(message) => {
            run.report.fields_dropped += 1;
            run.report
                .refuse(format!("{who}: the website “{url}” left out: {message}"));
            String::new()
        }
    };
    Some(Checked {
        name,
        email: email.to_owned(),
        website,
        body,
    })
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
    let mut waiting: Vec<(&Comment, Checked)> = Vec::new();
    for c in &item.comments {
        if placed.contains_key(&c.id) {
            run.report.comments_already += 1;
        } else if matches!(c.comment_type.as_str(), "pingback" | "trackback") {
            run.report.pingbacks_skipped += 1;
        } else {
            match c.approved.as_str() {
                "spam" => run.report.spam_skipped += 1,
                "trash" | "post-trashed" => run.report.trash_skipped += 1,
                _ => {
                    if let Some(checked) = checked(run, item, c) {
                        waiting.push((c, checked));
                    }
                }
            }
        }
    }
    // Parents first, whatever order the export lists them in.
    while !waiting.is_empty() {
        let pending: HashSet<i64> = waiting.iter().map(|(c, _)| c.id).collect();
        let (ready, later): (Vec<_>, Vec<_>) = waiting
            .into_iter()
            .partition(|(c, _)| !pending.contains(&c.parent) || c.parent == c.id);
        let stuck = ready.is_empty();
        let (batch, later) = if stuck {
            run.report.warn(format!(
                "post {}: comments {} reply to each other in a loop; imported without their parents",
                item.post_id,
                later.iter().map(|(c, _)| c.id.to_string()).collect::<Vec<_>>().join(", ")
            ));
            (later, Vec::new())
        } else {
            (ready, later)
        };
        for (c, checked) in &batch {
            let (id, visible) = insert(conn, run, post_id, c, checked, &placed, &parent_of, stuck)?;
            placed.insert(c.id, (id, visible));
        }
        waiting = later;
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
    checked: &Checked,
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
    let Checked {
        name,
        email,
        website,
        body,
    } = checked;
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
            author_name: name,
            email,
            email_key: &email_key(email),
            website,
            body,
            status,
            auto_action: action,
            score: 0.0,
            hits: "[]",
            engine_version: IMPORTED_ENGINE,
            fingerprint: &Fingerprint::of(body).to_text(),
            ip: kept_ip.as_deref(),
            network: &network,
            user_agent: "",
            form_seconds: None,
            form_check: crate::service::form_token::check_name(FormTiming::Missing),
            honeypot: "",
            created_at: created,
            updated_at: created,
            notify_replies: false,
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
