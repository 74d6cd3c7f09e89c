//! What the engine decides, and why.

use serde::{Deserialize, Serialize};

/// The automatic outcome for a comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Shown on the post at once.
    Publish,
    /// Kept for a moderator.
    Hold,
    /// Not published; kept for review.
    Reject,
}

impl Action {
    /// The lower-case name used in rule files, JSON and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Publish => "publish",
            Action::Hold => "hold",
            Action::Reject => "reject",
        }
    }

    /// Parses the lower-case name.
    pub fn parse(s: &str) -> Option<Action> {
        match s {
            "publish" => Some(Action::Publish),
            "hold" => Some(Action::Hold),
            "reject" => Some(Action::Reject),
            _ => None,
        }
    }
}

/// Which submitted field a piece of evidence is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// The comment body.
    Body,
    /// The name field.
    Author,
    /// The e-mail field.
    Email,
    /// The website field.
    Website,
    /// A hidden field or the form token.
    Form,
    /// The commenter's history or the thread's state.
    Context,
}

/// The matched span a rule fired on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    /// Where it is.
    pub field: Field,
    /// Byte offset of the start in that field (as submitted).
    pub start: usize,
    /// Byte offset of the end.
    pub end: usize,
    /// The matched text (or a description of the fact, for context rules).
    pub text: String,
}

/// One rule that fired.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    /// Rule id from the rule files, e.g. `civility.slur`.
    pub rule: String,
    /// House rule number (1–6).
    pub house_rule: u8,
    /// What this rule alone asks for.
    pub action: Action,
    /// What it matched.
    pub evidence: Option<Evidence>,
    /// For moderators.
    pub summary: String,
    /// For the commenter.
    pub reason: String,
}

/// The engine's decision on one submission.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    /// The outcome.
    pub action: Action,
    /// Sum of the weights of the rules that fired (higher is worse).
    pub score: f32,
    /// Every rule that fired, the deciding ones first.
    pub hits: Vec<Hit>,
    /// This submission closes comments on the post (a flood).
    pub close_thread: bool,
    /// The rule set's version, stored with the verdict.
    pub engine_version: String,
    /// The submission's near-duplicate fingerprint, to store for later floods.
    #[serde(skip)]
    pub fingerprint: super::Fingerprint,
}

impl Verdict {
    /// The hit that decided the action, if any.
    pub fn deciding_hit(&self) -> Option<&Hit> {
        self.hits.iter().find(|h| h.action == self.action)
    }
}
