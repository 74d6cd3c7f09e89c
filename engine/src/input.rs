//! What the caller hands the engine: the submission and the facts around it.

use super::{Action, Fingerprint, Identity};

/// The comment as the reader submitted it, plus the bot-trap observations.
#[derive(Debug, Clone, Copy)]
pub struct Submission<'a> {
    /// Display name as typed.
    pub author: &'a str,
    /// E-mail as typed.
    pub email: &'a str,
    /// Website field as typed (may be empty).
    pub website: &'a str,
    /// The comment body as typed (Markdown source).
    pub body: &'a str,
    /// The hidden honeypot field; humans leave it empty.
    pub honeypot: &'a str,
    /// What the signed form token said about timing.
    pub timing: FormTiming,
}

/// What the signed form token tells about how the form was filled in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FormTiming {
    /// A valid token: seconds between rendering the page and submitting.
    Seconds(f64),
    /// No token at all (a script posting directly).
    Missing,
    /// A token that fails its signature or belongs to another post.
    Invalid,
    /// A token already used for an earlier submission.
    Replayed,
}

/// The post the comment is on.
#[derive(Debug, Clone, Copy)]
pub struct PostContext<'a> {
    /// Post title.
    pub title: &'a str,
    /// Post body as plain text (or Markdown).
    pub body: &'a str,
    /// Tag names.
    pub tags: &'a [String],
}

/// An earlier comment on the same post, within the longest window the rules look at.
#[derive(Debug, Clone)]
pub struct Prior {
    /// Who wrote it (e-mail key and network).
    pub identity: Identity,
    /// The name as typed (a similar name corroborates a shared network).
    pub author: String,
    /// Seconds between that comment and this submission (≥ 0).
    pub age_seconds: i64,
    /// Its near-duplicate fingerprint.
    pub fingerprint: Fingerprint,
    /// What happened to it (rejected comments do not count towards volume).
    pub action: Action,
}

/// Whether moderators have marked this commenter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Standing {
    /// No mark.
    #[default]
    Normal,
    /// Skips the soft rules (never the hard ones).
    Trusted,
    /// Everything is held for a human.
    Banned,
}

impl Standing {
    /// Every standing.
    pub const ALL: [Standing; 3] = [Standing::Normal, Standing::Trusted, Standing::Banned];

    /// The name stored with a commenter and shown to moderators.
    pub fn as_str(self) -> &'static str {
        match self {
            Standing::Normal => "normal",
            Standing::Trusted => "trusted",
            Standing::Banned => "banned",
        }
    }

    /// Reads a stored name.
    pub fn parse(s: &str) -> Option<Standing> {
        Standing::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

/// Everything the engine knows besides the submission; gathered by the caller.
#[derive(Debug, Clone, Copy)]
pub struct Facts<'a> {
    /// The post.
    pub post: PostContext<'a>,
    /// The parent comment's body, for replies.
    pub parent: Option<&'a str>,
    /// Who is submitting.
    pub identity: &'a Identity,
    /// Earlier comments on this post within `RuleSet::limits().lookback_seconds`, any order.
    pub prior: &'a [Prior],
    /// Comments on this post were already closed by a flood.
    pub thread_flood_closed: bool,
    /// Moderators' mark on this commenter.
    pub standing: Standing,
    /// Display names of the site's staff accounts, which commenters may not use.
    pub staff_names: &'a [String],
    /// What moderators' decisions taught about this comment's words, one entry per
    /// lesson the rules learn from ([`super::RuleSet::lessons`]); a rule whose lesson is
    /// missing adds nothing (the model uses its shipped weights alone).
    pub lessons: &'a [super::Lessons],
    /// The commenter's earlier comments on the whole site; `None` when the caller does
    /// not know them (a corpus replayed outside the site), and the history rules stay quiet.
    pub history: Option<History<'a>>,
}

/// What the site knows of a commenter's earlier comments (never the one being judged),
/// counted by the caller under their e-mail key.
#[derive(Debug, Clone, Copy, Default)]
pub struct History<'a> {
    /// Their comments that stand published, whether the engine or a moderator let them in.
    pub published: u32,
    /// Their comments decided either way (published or rejected, as they stand now)
    /// within `RuleSet::limits().history_seconds`, any order.
    pub recent: &'a [Decided],
}

/// One of a commenter's recent comments that is decided (a held one is not).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decided {
    /// Seconds between that comment and this submission (≥ 0).
    pub age_seconds: i64,
    /// It stands rejected (by the engine or a moderator); otherwise it is published.
    pub rejected: bool,
}
