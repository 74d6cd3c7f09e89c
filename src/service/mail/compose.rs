//! The messages themselves: plain text, every link absolute (from `base_url`), written
//! for the person receiving them. Nothing here touches the database.

use chrono::NaiveDateTime;

use super::MailContext;
use crate::domain::AppealOutcome;
use crate::storage::comments::CommentRow;
use crate::storage::outbox::NewMessage;
use crate::storage::posts::PostRow;

/// The comment and post a message is about, with the comment's public link.
#[derive(Debug, Clone)]
pub struct About {
    /// The comment.
    pub comment: CommentRow,
    /// Its post.
    pub post: PostRow,
    /// `{base_url}/posts/{slug}#comment-{id}`.
    pub permalink: String,
    /// The start of the comment as plain text.
    pub excerpt: String,
}

/// One held comment in a digest.
#[derive(Debug, Clone)]
pub struct HeldItem {
    /// The comment.
    pub id: i64,
    /// Who wrote it.
    pub author: String,
    /// The start of it as plain text.
    pub excerpt: String,
    /// The post's title.
    pub post_title: String,
}

/// A subject line on one line: titles are typed by people, and a header may not break.
fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The excerpt as a quotation, each line marked.
fn quoted(text: &str) -> String {
    text.lines()
        .map(|l| format!("> {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A message with the site's name before the subject and its signature after the body;
/// `about` records which comment and post it concerns.
fn message(
    ctx: &MailContext,
    to: &str,
    kind: &'static str,
    about: Option<&About>,
    subject: &str,
    body: String,
    now: NaiveDateTime,
) -> NewMessage {
    NewMessage {
        recipient: to.to_owned(),
        subject: one_line(&format!("[{}] {subject}", ctx.site_title)),
        body_text: format!("{body}\n\n-- \n{}\n{}\n", ctx.site_title, ctx.base_url),
        body_html: None,
        kind,
        comment_id: about.map(|a| a.comment.id),
        post_id: about.map(|a| a.post.id),
        unsubscribe_url: None,
        next_attempt_at: now,
        created_at: now,
    }
}

/// The moderators' digest: each newly held comment with its link in the queue.
/// `more` counts held comments beyond those listed.
pub fn digest(
    ctx: &MailContext,
    to: &str,
    items: &[HeldItem],
    more: usize,
    now: NaiveDateTime,
) -> NewMessage {
    let total = items.len() + more;
    let subject = if total == 1 {
        "1 comment is waiting for moderation".to_owned()
    } else {
        format!("{total} comments are waiting for moderation")
    };
    let mut body =
        String::from("Hello,\n\nThese comments were held for review since the last digest:\n");
    for item in items {
        body.push_str(&format!(
            "\n* {} on \"{}\"\n{}\n  Review it: {}\n",
            one_line(&item.author),
            one_line(&item.post_title),
            quoted(&item.excerpt),
            ctx.link(&format!("/admin/queue#comment-{}", item.id)),
        ));
    }
    if more > 0 {
        body.push_str(&format!("\n…and {more} more.\n"));
    }
    body.push_str(&format!(
        "\nThe whole queue: {}\n\nYou get this because you moderate comments; at most one digest is sent every {} minutes.",
        ctx.link("/admin/queue"),
        ctx.digest_minutes
    ));
    message(ctx, to, "digest", None, &subject, body, now)
}

/// To moderators at once: a flood of similar comments closed a post.
pub fn flood(ctx: &MailContext, to: &str, a: &About, now: NaiveDateTime) -> NewMessage {
    let body = format!(
        "Hello,\n\nComments on \"{title}\" are now closed: the post received a large number of similar comments (house rule 5). Late submissions are stored and held.\n\nThe post: {post}\nThe comment that closed it: {queue}\n\nTo reopen comments, review the held comments in the queue: {all}",
        title = one_line(&a.post.title),
        post = ctx.link(&format!("/posts/{}", a.post.slug)),
        queue = ctx.link(&format!("/admin/queue#comment-{}", a.comment.id)),
        all = ctx.link("/admin/queue"),
    );
    message(
        ctx,
        to,
        "flood",
        Some(a),
        &format!("Comments closed on \"{}\" after a flood", a.post.title),
        body,
        now,
    )
}

/// To moderators at once: readers' reports hid a published comment until one of them
/// reviews it. `reasons` lists the reports so far, one line each.
pub fn reported(
    ctx: &MailContext,
    to: &str,
    a: &About,
    reasons: &[String],
    now: NaiveDateTime,
) -> NewMessage {
    let list: String = reasons
        .iter()
        .map(|r| format!("* {}\n", one_line(r)))
        .collect();
    let body = format!(
        "Hello,\n\nReaders reported a comment by {name} on \"{title}\", and it is now hidden from the public until a moderator reviews it.\n\n{quote}\n\nThe reports:\n{list}\nReview it (dismiss the reports to show it again, or reject it): {queue}",
        name = one_line(&a.comment.author_name),
        title = one_line(&a.post.title),
        quote = quoted(&a.excerpt),
        queue = ctx.link(&format!("/admin/queue/reported#q-{}", a.comment.id)),
    );
    message(
        ctx,
        to,
        "reported",
        Some(a),
        &format!("A reported comment on \"{}\" is hidden", a.post.title),
        body,
        now,
    )
}

/// To a reader who reported a comment and left their e-mail: what a moderator decided.
pub fn report_outcome(
    ctx: &MailContext,
    to: &str,
    name: Option<&str>,
    a: &About,
    removed: bool,
    now: NaiveDateTime,
) -> NewMessage {
    let greeting = name
        .map(one_line)
        .filter(|n| !n.is_empty())
        .map_or_else(|| "Hello,".to_owned(), |n| format!("Hello {n},"));
    let decision = if removed {
        "A moderator has reviewed it and removed it: it is no longer on the post."
    } else {
        "A moderator has reviewed it and decided it does not break our house rules, so it stays on the post."
    };
    let body = format!(
        "{greeting}\n\nThank you for reporting a comment by {author} on \"{title}\".\n\n{decision}\n\nOur house rules: {rules}\n\nYou get this one message because you left your e-mail address with your report.",
        author = one_line(&a.comment.author_name),
        title = one_line(&a.post.title),
        rules = ctx.link("/house-rules"),
    );
    message(
        ctx,
        to,
        "report_outcome",
        Some(a),
        &format!("Your report on \"{}\"", a.post.title),
        body,
        now,
    )
}

/// What a commenter is shown of their published comment: their own words quoted, or,
/// when a moderator edited it, a note saying so (the edited text is not theirs to be
/// quoted back as if they wrote it).
fn their_comment(a: &About, edited: bool) -> String {
    if edited {
        "A moderator edited your comment before publishing it, so the words on the site are not exactly yours; the note \"edited by a moderator\" is shown with it.".to_owned()
    } else {
        quoted(&a.excerpt)
    }
}

/// To a commenter: their held comment was approved and is now on the post. `edited`
/// says a moderator changed its text.
pub fn approved(ctx: &MailContext, a: &About, edited: bool, now: NaiveDateTime) -> NewMessage {
    let body = format!(
        "Hello {name},\n\nThank you for waiting: a moderator has approved your comment on \"{title}\", and it is now published.\n\n{quote}\n\nSee it here: {link}",
        name = one_line(&a.comment.author_name),
        title = one_line(&a.post.title),
        quote = their_comment(a, edited),
        link = a.permalink,
    );
    message(
        ctx,
        &a.comment.email,
        "approved",
        Some(a),
        &format!("Your comment on \"{}\" is published", a.post.title),
        body,
        now,
    )
}

/// To a commenter who asked for a review of their rejected comment: what the moderator
/// decided, with the moderator's note when there is one.
pub fn appeal_decided(
    ctx: &MailContext,
    a: &About,
    outcome: AppealOutcome,
    note: &str,
    edited: bool,
    now: NaiveDateTime,
) -> NewMessage {
    let note = note.trim();
    let note = if note.is_empty() {
        String::new()
    } else {
        format!("\n\nThe moderator's note:\n{}", quoted(note))
    };
    let (subject, outcome_text) = match outcome {
        AppealOutcome::Published => (
            format!(
                "Your comment on \"{}\" is published after review",
                a.post.title
            ),
            format!(
                "A moderator has reviewed your comment on \"{title}\" as you asked, and published it.\n\n{quote}\n\nSee it here: {link}",
                title = one_line(&a.post.title),
                quote = their_comment(a, edited),
                link = a.permalink,
            ),
        ),
        AppealOutcome::Upheld => (
            format!("Your comment on \"{}\": the review", a.post.title),
            format!(
                "A moderator has reviewed your comment on \"{title}\" as you asked, and decided that it breaks our house rules, so it stays unpublished.\n\n{quote}\n\nOur house rules: {rules}",
                title = one_line(&a.post.title),
                quote = quoted(&a.excerpt),
                rules = ctx.link("/house-rules"),
            ),
        ),
    };
    let body = format!(
        "Hello {name},\n\nThank you for asking for a review. {outcome_text}{note}",
        name = one_line(&a.comment.author_name),
    );
    message(
        ctx,
        &a.comment.email,
        "appeal",
        Some(a),
        &subject,
        body,
        now,
    )
}

/// To a reader subscribed to a thread: a new comment, with a one-click unsubscribe link.
pub fn reply(
    ctx: &MailContext,
    to: &str,
    a: &About,
    unsubscribe: &str,
    now: NaiveDateTime,
) -> NewMessage {
    let body = format!(
        "Hello,\n\n{name} commented on \"{title}\":\n\n{quote}\n\nRead it and reply: {link}\n\nYou get this because you asked to be e-mailed about replies to this thread.\nStop these e-mails with one click: {unsubscribe}",
        name = one_line(&a.comment.author_name),
        title = one_line(&a.post.title),
        quote = quoted(&a.excerpt),
        link = a.permalink,
    );
    let mut m = message(
        ctx,
        to,
        "reply",
        Some(a),
        &format!("New comment on \"{}\"", a.post.title),
        body,
        now,
    );
    m.unsubscribe_url = Some(unsubscribe.to_owned());
    m
}

/// To a commenter who ticked "e-mail me replies": one message asking them to confirm,
/// since anybody can type anybody's address.
pub fn confirm(ctx: &MailContext, a: &About, link: &str, now: NaiveDateTime) -> NewMessage {
    let body = format!(
        "Hello {name},\n\nYou asked to be e-mailed when someone comments on \"{title}\". Please confirm that this is your address, and that you want these e-mails:\n\n{link}\n\nIf you did not ask for this, ignore this message: nothing more will be sent to you, and the request is forgotten after {days} days.",
        name = one_line(&a.comment.author_name),
        title = one_line(&a.post.title),
        days = ctx.unconfirmed_days,
    );
    message(
        ctx,
        &a.comment.email,
        "confirm",
        Some(a),
        &format!(
            "Please confirm: e-mail about comments on \"{}\"",
            a.post.title
        ),
        body,
        now,
    )
}

/// To a post's author who opted in: a comment was published on their post.
pub fn author(ctx: &MailContext, to: &str, a: &About, now: NaiveDateTime) -> NewMessage {
    let body = format!(
        "Hello,\n\n{name} commented on your post \"{title}\":\n\n{quote}\n\nRead it: {link}\n\nYou get this because you asked for it on your account page; turn it off there: {account}",
        name = one_line(&a.comment.author_name),
        title = one_line(&a.post.title),
        quote = quoted(&a.excerpt),
        link = a.permalink,
        account = ctx.link("/admin/account"),
    );
    message(
        ctx,
        to,
        "author",
        Some(a),
        &format!("New comment on your post \"{}\"", a.post.title),
        body,
        now,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_stay_on_one_line() {
        assert_eq!(one_line("a\r\nBcc: x@y\tz"), "a Bcc: x@y z");
    }

    #[test]
    fn excerpts_are_quoted_line_by_line() {
        assert_eq!(quoted("one\ntwo"), "> one\n> two");
    }
}
