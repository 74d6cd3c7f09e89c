//! What this site's moderators taught a learned score. PURE: the caller reads the word
//! counts from the database and hands them in; teaching is the caller's too (it adds the
//! words of each judged comment to the counts of the lessons [`taught_by`] names).
//!
//! A lesson adjusts a shipped model (a rule with `learn_from`) by naive-Bayes word
//! evidence: the site's moderators correct the model for the words of this site.

use std::collections::{BTreeSet, HashMap};

use super::HouseRule;
use super::normalize::{self, Folded};

/// The lesson adverts, impersonation and comment spam teach.
pub const SPAM: &str = "spam";
/// The lesson rule-1 rejections (other than adverts and impersonation) teach.
pub const CIVILITY: &str = "civility";
/// Every lesson a rule may learn from.
pub const ALL: [&str; 2] = [SPAM, CIVILITY];

/// Words looked at per comment, so a very long comment costs no more than a long one.
const MAX_TOKENS: usize = 400;
/// Words whose evidence is summed: the most telling ones.
const MAX_WORDS: usize = 10;
/// The furthest the site's decisions move a model's log-odds either way.
const MAX_ADJUSTMENT: f64 = 4.0;
/// Decisions at which the adjustment counts half: a few decisions nudge, many decide.
const HALF_TRUST_AT: f64 = 5.0;

/// What moderators' decisions taught one lesson so far, for the words of one comment.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Lessons {
    /// `spam` or `civility`.
    pub lesson: String,
    /// Comments judged positive (spam; rejected under rule 1).
    pub positive: i64,
    /// Comments judged negative (approved).
    pub negative: i64,
    /// Per word: in how many positive and negative comments it appeared.
    pub words: HashMap<String, (i64, i64)>,
}

impl Lessons {
    /// Decisions counted.
    pub fn decisions(&self) -> i64 {
        self.positive.max(0) + self.negative.max(0)
    }
}

/// The distinct words of a text, folded as the rules fold them (so evasions count as the
/// word they hide); at most [`MAX_TOKENS`].
pub fn tokens(text: &str) -> Vec<String> {
    tokens_of(&normalize::fold(text))
}

/// [`tokens`] of a text already folded.
pub fn tokens_of(folded: &Folded) -> Vec<String> {
    let set: BTreeSet<&str> = folded
        .words
        .text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| (2..=30).contains(&w.chars().count()))
        .collect();
    set.into_iter()
        .take(MAX_TOKENS)
        .map(str::to_owned)
        .collect()
}

/// The log-likelihood ratio of one word, with Laplace smoothing.
fn evidence(lessons: &Lessons, (wp, wn): (i64, i64)) -> f64 {
    let (p, n) = (
        lessons.positive.max(0) as f64,
        lessons.negative.max(0) as f64,
    );
    let p_pos = (wp.max(0) as f64 + 1.0) / (p + 2.0);
    let p_neg = (wn.max(0) as f64 + 1.0) / (n + 2.0);
    (p_pos / p_neg).ln()
}

/// How far the site's decisions move a model's log-odds for one comment.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Adjustment {
    /// Added to the model's log-odds (0 until both kinds of decision exist).
    pub log_odds: f64,
    /// Decisions the lesson has counted.
    pub decisions: i64,
    /// Up to three words that moved it most, in the direction it moved.
    pub words: Vec<String>,
}

/// The site's adjustment for a comment with these words: the evidence of its
/// [`MAX_WORDS`] most telling words seen in at least two judged comments (a word seen
/// once is noise), trusted more as decisions accumulate, within ±[`MAX_ADJUSTMENT`]. The
/// model's own prior stands: the share of spam among decisions says nothing about the
/// comment.
///
/// `already_learned` decisions are in the model itself (`rules train --from-db`): only the
/// decisions beyond them earn trust, so none is counted twice.
pub fn adjustment(lessons: &Lessons, words: &[String], already_learned: i64) -> Adjustment {
    let decisions = lessons.decisions();
    if lessons.positive <= 0 || lessons.negative <= 0 {
        return Adjustment {
            decisions,
            ..Adjustment::default()
        };
    }
    let mut telling: Vec<(f64, &str)> = words
        .iter()
        .filter_map(|w| {
            let &(wp, wn) = lessons.words.get(w)?;
            (wp.max(0) + wn.max(0) >= 2).then(|| (evidence(lessons, (wp, wn)), w.as_str()))
        })
        .collect();
    telling.sort_by(|a, b| b.0.abs().total_cmp(&a.0.abs()).then(a.1.cmp(b.1)));
    telling.truncate(MAX_WORDS);
    let sum: f64 = telling.iter().map(|t| t.0).sum();
    let fresh = (decisions - already_learned.max(0)).max(0) as f64;
    let trust = fresh / (fresh + HALF_TRUST_AT);
    let log_odds = (sum * trust).clamp(-MAX_ADJUSTMENT, MAX_ADJUSTMENT);
    let words = telling
        .iter()
        .filter(|t| t.0 * log_odds > 0.0)
        .take(3)
        .map(|t| t.1.to_owned())
        .collect();
    Adjustment {
        log_odds,
        decisions,
        words,
    }
}

/// A moderator's decision on a comment, as the lessons learn from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decided {
    /// Published.
    Approve,
    /// Rejected, citing a house rule (older records may cite none).
    Reject(Option<HouseRule>),
    /// Rejected as spam.
    Spam,
}

impl Decided {
    /// The names decisions are recorded under (a comment's other events, such as edits,
    /// have other names).
    pub const NAMES: [&'static str; 3] = [
        Decided::Approve.as_str(),
        Decided::Reject(None).as_str(),
        Decided::Spam.as_str(),
    ];

    /// The name it is recorded under.
    pub const fn as_str(self) -> &'static str {
        match self {
            Decided::Approve => "approve",
            Decided::Reject(_) => "reject",
            Decided::Spam => "spam",
        }
    }

    /// A recorded event read back: its name and the house rule it cites; `None` for an
    /// event that is not a decision.
    pub fn parse(name: &str, house_rule: Option<HouseRule>) -> Option<Decided> {
        [Decided::Approve, Decided::Reject(house_rule), Decided::Spam]
            .into_iter()
            .find(|d| d.as_str() == name)
    }
}

/// What a moderator's decision teaches, as `(lesson, positive)` pairs. An approval says
/// "not this" to every lesson; a spam mark, or a rejection whose deciding hit was an
/// advert, a spam signal or impersonation, teaches `spam`; any other rejection under
/// house rule 1 teaches `civility`. Rejections under other rules teach nothing.
pub fn taught_by(decided: Decided, deciding_rule: Option<&str>) -> Vec<(&'static str, bool)> {
    let spam_like =
        deciding_rule.is_some_and(|r| r.starts_with("spam.") || r.contains("impersonation"));
    match decided {
        Decided::Approve => ALL.iter().map(|&l| (l, false)).collect(),
        Decided::Spam => vec![(SPAM, true)],
        Decided::Reject(_) if spam_like => vec![(SPAM, true)],
        Decided::Reject(Some(HouseRule::CIVILITY)) => vec![(CIVILITY, true)],
        Decided::Reject(_) => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn learned() -> Lessons {
        let mut words = HashMap::new();
        for w in ["cheap", "pills", "casino", "bonus"] {
            words.insert(w.to_owned(), (10, 0));
        }
        for w in ["council", "housing", "families", "waiting"] {
            words.insert(w.to_owned(), (0, 10));
        }
        words.insert("the".to_owned(), (10, 10));
        words.insert("once".to_owned(), (1, 0));
        Lessons {
            lesson: SPAM.into(),
            positive: 10,
            negative: 10,
            words,
        }
    }

    #[test]
    fn nothing_learned_is_undecided() {
        assert_eq!(
            adjustment(&Lessons::default(), &tokens("cheap pills"), 0).log_odds,
            0.0
        );
    }

    #[test]
    fn adjustment_is_bounded_named_and_ignores_common_and_single_words() {
        let c = learned();
        let up = adjustment(&c, &tokens("Cheap pills and a casino bonus!"), 0);
        assert_eq!(up.log_odds, MAX_ADJUSTMENT);
        assert_eq!(up.decisions, 20);
        assert_eq!(up.words.len(), 3);
        assert!(
            up.words
                .iter()
                .all(|w| ["cheap", "pills", "casino", "bonus"].contains(&w.as_str()))
        );
        let down = adjustment(&c, &tokens("Council housing: families keep waiting"), 0);
        assert_eq!(down.log_odds, -MAX_ADJUSTMENT);
        let neutral = adjustment(&c, &tokens("the once"), 0);
        assert_eq!(neutral.log_odds, 0.0);
        assert!(neutral.words.is_empty());
    }

    #[test]
    fn decisions_a_fine_tuned_model_already_holds_are_not_counted_again() {
        let c = learned();
        let words = tokens("Cheap pills and a casino bonus!");
        assert_eq!(adjustment(&c, &words, 20).log_odds, 0.0);
        let later = adjustment(&c, &words, 18).log_odds;
        assert!(
            later > 0.0 && later < MAX_ADJUSTMENT,
            "two new decisions nudge: {later}"
        );
    }

    #[test]
    fn few_decisions_nudge() {
        let mut c = learned();
        c.positive = 1;
        c.negative = 1;
        c.words = HashMap::from([
            ("giveaway".to_owned(), (1, 1)),
            ("crypto".to_owned(), (2, 0)),
        ]);
        let a = adjustment(&c, &tokens("crypto giveaway"), 0);
        assert!(a.log_odds > 0.0 && a.log_odds < 1.0, "{a:?}");
    }

    #[test]
    fn decisions_teach_the_lesson_their_reason_names() {
        assert_eq!(
            taught_by(Decided::Approve, Some("civility.model")),
            vec![(SPAM, false), (CIVILITY, false)]
        );
        assert_eq!(taught_by(Decided::Spam, None), vec![(SPAM, true)]);
        assert_eq!(
            taught_by(Decided::Reject(HouseRule::new(1)), Some("spam.model")),
            vec![(SPAM, true)]
        );
        assert_eq!(
            taught_by(
                Decided::Reject(HouseRule::new(1)),
                Some("harm.impersonation_public")
            ),
            vec![(SPAM, true)]
        );
        assert_eq!(
            taught_by(Decided::Reject(HouseRule::new(1)), Some("civility.model")),
            vec![(CIVILITY, true)]
        );
        assert_eq!(
            taught_by(Decided::Reject(HouseRule::new(1)), None),
            vec![(CIVILITY, true)]
        );
        assert!(taught_by(Decided::Reject(HouseRule::new(2)), Some("legal.allegation")).is_empty());
        assert!(taught_by(Decided::Reject(None), None).is_empty());
        assert_eq!(Decided::parse("edit", None), None);
        for d in [
            Decided::Approve,
            Decided::Spam,
            Decided::Reject(HouseRule::new(2)),
        ] {
            assert_eq!(Decided::parse(d.as_str(), HouseRule::new(2)), Some(d));
        }
    }

    #[test]
    fn tokens_are_distinct_and_folded() {
        let t = tokens("CHEAP cheap Ch3ap pills");
        assert_eq!(t.iter().filter(|w| w.as_str() == "cheap").count(), 1);
    }
}
