//! `evaluate`: runs every rule over a submission and combines the hits into a verdict.
//!
//! Combining: the strictest action asked for by any hit wins (reject > hold > publish),
//! and the rule files decide what is strict: only unambiguous evidence is written as
//! `reject`; everything uncertain is `hold`. Trusted commenters skip `soft` rules.

use super::kinds::{self, Judging};
use super::matchers::{self, ListHit};
use super::normalize::{self, Folded};
use super::rules::{Check, SetMember};
use super::{
    Action, Facts, Field, Fingerprint, Hit, HouseRule, RuleSet, Standing, Submission, Verdict,
};

/// The submission's fields, folded once.
pub(crate) struct Texts<'a> {
    pub(crate) submission: &'a Submission<'a>,
    pub(crate) body: Folded,
    pub(crate) author: Folded,
    pub(crate) body_lists: Vec<ListHit>,
    pub(crate) author_lists: Vec<ListHit>,
    pub(crate) body_links: Vec<matchers::Link>,
    /// The body as the learned scores read it: links to trusted domains blanked out
    /// (same length, so spans still point into the original); `None` when it has none.
    model_body: Option<Folded>,
    /// Per field (body, author) and reading: the pattern-set members that match
    /// somewhere, found on first use by one pass.
    set_matches: [std::cell::OnceCell<Vec<SetMember>>; 6],
}

impl Texts<'_> {
    pub(crate) fn raw(&self, field: Field) -> &str {
        match field {
            Field::Body => self.submission.body,
            Field::Author => self.submission.author,
            Field::Email => self.submission.email,
            Field::Website => self.submission.website,
            Field::Form | Field::Context => "",
        }
    }

    /// The body as the learned scores read it (trusted links blanked, when it has any).
    pub(crate) fn model_view(&self) -> &Folded {
        self.model_body.as_ref().unwrap_or(&self.body)
    }

    fn folded(&self, field: Field) -> Option<&Folded> {
        match field {
            Field::Body => Some(&self.body),
            Field::Author => Some(&self.author),
            _ => None,
        }
    }

    /// One reading of a field (`None` for a field without one, or no second reading).
    pub(crate) fn reading(&self, field: Field, reading: Reading) -> Option<&normalize::Mapped> {
        let folded = self.folded(field)?;
        match reading {
            Reading::Words => Some(&folded.words),
            Reading::WordsAlt => folded.words_alt.as_ref(),
            Reading::Plain => Some(&folded.plain),
        }
    }

    /// The pattern-set members found in one reading of a field (one pass, on first use).
    pub(crate) fn set_matches(
        &self,
        rules: &RuleSet,
        field: Field,
        reading: Reading,
    ) -> &[SetMember] {
        let slot = reading as usize + if field == Field::Author { 3 } else { 0 };
        self.set_matches[slot].get_or_init(|| {
            self.reading(field, reading)
                .map(|m| {
                    rules
                        .pattern_sets
                        .matching(reading == Reading::Plain, &m.text)
                })
                .unwrap_or_default()
        })
    }
}

/// Which reading of a folded field a pattern searches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reading {
    Words = 0,
    WordsAlt = 1,
    Plain = 2,
}

/// Judges one submission. Pure: same inputs, same verdict.
pub fn evaluate(rules: &RuleSet, submission: &Submission, facts: &Facts) -> Verdict {
    let body = normalize::fold(submission.body);
    let author = normalize::fold(submission.author);
    let body_links = matchers::links(submission.body);
    let texts = Texts {
        body_lists: rules.lists.find(&body),
        model_body: without_trusted_links(rules, submission.body, &body_links),
        body_links,
        author_lists: rules.lists.find(&author),
        body,
        author,
        submission,
        set_matches: Default::default(),
    };
    let fingerprint = Fingerprint::of_words(&texts.body.hashes);
    let mut hits = Vec::new();
    let mut score = 0.0;
    let mut close_thread = false;
    // Model hits, and those that may reject if a rule (not a model) gives evidence.
    let mut model_hits = Vec::new();
    // What the model rules share: the body's features and its words.
    let mut scratch = kinds::ModelScratch::default();
    let mut may_reject = Vec::new();
    // Hits the words around them report or dispute: never the evidence for a model's
    // rejection, since a slur reported to us is held, never rejected.
    let mut framed = Vec::new();
    for (index, rule) in rules.rules().iter().enumerate() {
        if rule.soft && facts.standing == Standing::Trusted {
            continue;
        }
        let judging = Judging {
            rules,
            rule,
            index,
            texts: &texts,
            facts,
            fingerprint: &fingerprint,
        };
        let (action, evidence, summary) = if let Check::Model(kind) = &rule.check {
            let Some(m) = kinds::judge_model(kind, &judging, &mut scratch) else {
                continue;
            };
            model_hits.push(hits.len());
            if m.may_reject {
                may_reject.push(hits.len());
            }
            (m.action, m.evidence, m.summary)
        } else {
            let Some((mut action, evidence)) = rule.check.judge(&judging) else {
                continue;
            };
            if let Some(ev) = &evidence {
                let raw = texts.raw(ev.field);
                let framing = &rules.framing;
                if let Some(reported) = rule.reported_action {
                    if framing.is_reported(raw, ev.start) {
                        action = action.min(reported);
                        framed.push(hits.len());
                    } else if framing.is_reported_within(raw, ev.start, ev.end) {
                        action = action.min(reported.max(Action::Hold));
                        framed.push(hits.len());
                    }
                }
                if let Some(countered) = rule.countered_action
                    && framing.is_countered(raw, ev.start, ev.end)
                {
                    action = action.min(countered);
                    framed.push(hits.len());
                }
                // Reported or disputed further back in the sentence: a person decides.
                if (rule.reported_action.is_some() || rule.countered_action.is_some())
                    && action == Action::Reject
                    && framing.in_quoting_sentence(raw, ev.start, ev.end)
                {
                    action = Action::Hold;
                    framed.push(hits.len());
                }
            }
            (action, evidence, rule.summary.clone())
        };
        score += rule.weight;
        close_thread |= rule.close_thread;
        hits.push(Hit {
            rule: rule.id.clone(),
            house_rule: rule.house_rule,
            action,
            evidence,
            summary,
            reason: rule.reason.clone(),
        });
    }
    confirm_model_rejections(&mut hits, &model_hits, &may_reject, &framed);
    let action = hits
        .iter()
        .map(|h| h.action)
        .max()
        .unwrap_or(Action::Publish);
    // The deciding hits first, so the commenter is told the reason that counted.
    hits.sort_by_key(|h| std::cmp::Reverse(h.action));
    Verdict {
        action,
        score,
        hits,
        close_thread,
        engine_version: rules.version().to_string(),
        fingerprint,
    }
}

fn is_trusted(rules: &RuleSet, link: &matchers::Link) -> bool {
    rules
        .trusted_domains
        .iter()
        .any(|d| matchers::host_matches(&link.host, d))
}

/// A body as the learned scores read it: folded, with links to trusted domains blanked.
/// Fine-tuning on a site's decisions reads each comment through this, so a model learns
/// from the same text it will score.
pub fn model_view(rules: &RuleSet, body: &str) -> Folded {
    let links = matchers::links(body);
    without_trusted_links(rules, body, &links).unwrap_or_else(|| normalize::fold(body))
}

/// The body with every link to a trusted domain replaced by spaces, folded; `None` when
/// it links to none (the common case costs nothing).
fn without_trusted_links(rules: &RuleSet, body: &str, links: &[matchers::Link]) -> Option<Folded> {
    let trusted: Vec<&matchers::Link> = links.iter().filter(|l| is_trusted(rules, l)).collect();
    if trusted.is_empty() {
        return None;
    }
    let mut bytes = body.as_bytes().to_vec();
    for l in trusted {
        if let Some(span) = bytes.get_mut(l.start..l.end) {
            span.fill(b' ');
        }
    }
    // Links start and end on character boundaries, so blanking whole links keeps it UTF-8.
    Some(normalize::fold(&String::from_utf8_lossy(&bytes)))
}

/// A model never rejects alone, nor with other models: its hit becomes a rejection only
/// when a rule's house-rule-1 hit that holds or rejects points at a span of the comment
/// itself (a name that looks like a moderator's is held, never a reason to reject), and
/// that hit is not reported or disputed by the words around it.
fn confirm_model_rejections(
    hits: &mut [Hit],
    model_hits: &[usize],
    may_reject: &[usize],
    framed: &[usize],
) {
    for &i in may_reject {
        let corroborated = hits.iter().enumerate().any(|(j, h)| {
            !model_hits.contains(&j)
                && !framed.contains(&j)
                && h.house_rule == HouseRule::CIVILITY
                && h.action >= Action::Hold
                && h.evidence
                    .as_ref()
                    .is_some_and(|e| e.field == Field::Body && e.start < e.end)
        });
        if corroborated {
            hits[i].action = Action::Reject;
        }
    }
}
