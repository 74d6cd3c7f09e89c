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

/// A house rule's number, 1 to 6: which of the NGO's rules a hit or a decision is about.
/// The rules themselves are data (`house-rules.md`); only their numbering is fixed here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct HouseRule(u8);

impl HouseRule {
    /// Rule 1, civility: the rule the learned civility scores and their lessons serve.
    pub const CIVILITY: HouseRule = HouseRule(1);

    /// Rule 2, legal risk: the rule pre-moderation serves (pieces naming people or
    /// covering live cases).
    pub const LEGAL: HouseRule = HouseRule(2);

    /// Rule 3, spam and adverts: the rule a moderator's spam mark cites.
    pub const SPAM: HouseRule = HouseRule(3);

    /// Every house rule, in order.
    pub const ALL: [HouseRule; 6] = [
        HouseRule(1),
        HouseRule(2),
        HouseRule(3),
        HouseRule(4),
        HouseRule(5),
        HouseRule(6),
    ];

    /// The rule numbered `n`, if there is one.
    pub fn new(n: u8) -> Option<HouseRule> {
        (1..=6).contains(&n).then_some(HouseRule(n))
    }

    /// Its number.
    pub fn number(self) -> u8 {
        self.0
    }
}

impl TryFrom<u8> for HouseRule {
    type Error = String;

    fn try_from(n: u8) -> Result<Self, Self::Error> {
        HouseRule::new(n).ok_or_else(|| format!("there is no house rule {n} (they run 1 to 6)"))
    }
}

impl From<HouseRule> for u8 {
    fn from(h: HouseRule) -> u8 {
        h.0
    }
}

impl PartialEq<u8> for HouseRule {
    fn eq(&self, n: &u8) -> bool {
        self.0 == *n
    }
}

impl std::fmt::Display for HouseRule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// One rule that fired.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    /// Rule id from the rule files, e.g. `civility.slur`.
    pub rule: String,
    /// The house rule it applies.
    pub house_rule: HouseRule,
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
