//! A naive-Bayes spam score learned from moderators' decisions. PURE: the caller reads
//! the word counts from the database and hands them in; training is the caller's too
//! (it adds the words of each judged comment to the counts).

use std::collections::{BTreeSet, HashMap};

use super::normalize;

/// Words looked at per comment, so a very long comment costs no more than a long one.
const MAX_TOKENS: usize = 400;

/// What moderators' decisions taught so far, for the words of one comment.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SpamCounts {
    /// Comments judged spam.
    pub spam_docs: i64,
    /// Comments judged not spam (approved).
    pub ham_docs: i64,
    /// Per word: in how many spam and ham comments it appeared.
    pub words: HashMap<String, (i64, i64)>,
}

/// The distinct words of a text, folded as the rules fold them (so evasions count as the
/// word they hide), plus the link domains' words; at most [`MAX_TOKENS`].
pub fn tokens(text: &str) -> Vec<String> {
    let folded = normalize::fold(text);
    let set: BTreeSet<String> = folded
        .words
        .text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 2 && w.chars().count() <= 30)
        .map(str::to_owned)
        .collect();
    set.into_iter().take(MAX_TOKENS).collect()
}

/// The probability (0–1) that a comment with these words is spam, by naive Bayes with
/// Laplace smoothing over the distinct words; 0.5 when nothing has been learned.
pub fn probability(counts: &SpamCounts, words: &[String]) -> f64 {
    let (s, h) = (
        counts.spam_docs.max(0) as f64,
        counts.ham_docs.max(0) as f64,
    );
    if s == 0.0 || h == 0.0 {
        return 0.5;
    }
    // Log odds: prior plus each known word's evidence; unseen words say nothing.
    let mut log_odds = (s / h).ln();
    for w in words {
        let Some(&(ws, wh)) = counts.words.get(w) else {
            continue;
        };
        let p_spam = (ws.max(0) as f64 + 1.0) / (s + 2.0);
        let p_ham = (wh.max(0) as f64 + 1.0) / (h + 2.0);
        log_odds += (p_spam / p_ham).ln();
    }
    1.0 / (1.0 + (-log_odds).exp())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn learned() -> SpamCounts {
        let mut words = HashMap::new();
        for w in ["cheap", "pills", "casino", "bonus"] {
            words.insert(w.to_owned(), (10, 0));
        }
        for w in ["council", "housing", "families", "waiting"] {
            words.insert(w.to_owned(), (0, 10));
        }
        SpamCounts {
            spam_docs: 10,
            ham_docs: 10,
            words,
        }
    }

    #[test]
    fn nothing_learned_is_undecided() {
        assert_eq!(
            probability(&SpamCounts::default(), &tokens("cheap pills")),
            0.5
        );
    }

    #[test]
    fn learned_words_move_the_score() {
        let c = learned();
        assert!(probability(&c, &tokens("Cheap pills and a casino bonus!")) > 0.99);
        assert!(probability(&c, &tokens("Council housing: families keep waiting")) < 0.01);
    }

    #[test]
    fn tokens_are_distinct_and_folded() {
        let t = tokens("CHEAP cheap Ch3ap pills");
        assert_eq!(t.iter().filter(|w| w.as_str() == "cheap").count(), 1);
    }
}
