//! The property the `rules_engine` fuzz target checks (`fuzz/`, libFuzzer), shared with
//! the app's replay of the hostile seeds (`tests/app/fuzz.rs`): any text gets a verdict,
//! and every piece of evidence points at a slice of what was typed.

use super::{Facts, Field, FormTiming, Identity, PostContext, RuleSet, Standing, Submission};

/// The `rules_engine` target: the input as text (invalid UTF-8 replaced). Text before
/// the first NUL is the commenter's name and the rest the comment; without a NUL the
/// whole text is both (as the seeds are replayed).
pub fn rules_engine(rules: &RuleSet, data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let (author, body) = text.split_once('\0').unwrap_or((&text, &text));
    check_engine(rules, body, author);
}

/// The engine (with its text folding) on an arbitrary body and name: it must return a
/// verdict, and every piece of evidence must point at a slice of what was typed (in
/// range, on character boundaries). Panics, naming the rule and the text, if not.
pub fn check_engine(rules: &RuleSet, body: &str, author: &str) {
    let identity = Identity::new("reader@example.org", "192.0.2.10".parse().ok(), 24, 64);
    let tags = vec!["housing".to_owned()];
    let staff = vec!["Alex Editor".to_owned()];
    let submission = Submission {
        author,
        email: "reader@example.org",
        website: "",
        body,
        honeypot: "",
        timing: FormTiming::Seconds(90.0),
    };
    let facts = Facts {
        post: PostContext {
            title: "Council housing waiting lists in Hackney",
            body: "Families wait years for council housing in Hackney.",
            tags: &tags,
        },
        parent: Some(body),
        identity: &identity,
        prior: &[],
        thread_flood_closed: false,
        standing: Standing::Normal,
        staff_names: &staff,
        lessons: &[],
        history: None,
    };
    let verdict = super::evaluate(rules, &submission, &facts);
    for hit in &verdict.hits {
        let Some(e) = &hit.evidence else { continue };
        let text = match e.field {
            Field::Body => body,
            Field::Author => author,
            _ => continue,
        };
        assert!(
            e.start <= e.end
                && e.end <= text.len()
                && text.is_char_boundary(e.start)
                && text.is_char_boundary(e.end),
            "rule {} gave evidence {}..{} outside the {:?} field ({} bytes): {text:?}",
            hit.rule,
            e.start,
            e.end,
            e.field,
            text.len()
        );
    }
}
