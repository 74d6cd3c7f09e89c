//! `evaluate`: runs every rule over a submission and combines the hits into a verdict.
//!
//! Combining: the strictest action asked for by any hit wins (reject > hold > publish),
//! and the rule files decide what is strict: only unambiguous evidence is written as
//! `reject`; everything uncertain is `hold`. Trusted commenters skip `soft` rules.

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use super::lessons;
use super::linking;
use super::matchers::{self, ListHit};
use super::model::{FeatureSettings, Features, Model, sigmoid};
use super::normalize::{self, Folded};
use super::relevance::Profile;
use super::rules::{Check, Rule, SetMember, View};
use super::{
    Action, Evidence, Facts, Field, Fingerprint, FormTiming, Hit, HouseRule, Prior, RuleSet,
    Standing, Submission, Verdict,
};

/// The submission's fields, folded once.
struct Texts<'a> {
    submission: &'a Submission<'a>,
    body: Folded,
    author: Folded,
    body_lists: Vec<ListHit>,
    author_lists: Vec<ListHit>,
    body_links: Vec<matchers::Link>,
    /// The body as the learned scores read it: links to trusted domains blanked out
    /// (same length, so spans still point into the original); `None` when it has none.
    model_body: Option<Folded>,
    /// Per field (body, author) and reading: the pattern-set members that match
    /// somewhere, found on first use by one pass.
    set_matches: [std::cell::OnceCell<Vec<SetMember>>; 6],
}

impl Texts<'_> {
    fn raw(&self, field: Field) -> &str {
        match field {
            Field::Body => self.submission.body,
            Field::Author => self.submission.author,
            Field::Email => self.submission.email,
            Field::Website => self.submission.website,
            Field::Form | Field::Context => "",
        }
    }

    /// The body as the learned scores read it (trusted links blanked, when it has any).
    fn model_view(&self) -> &Folded {
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
    fn reading(&self, field: Field, reading: Reading) -> Option<&normalize::Mapped> {
        let folded = self.folded(field)?;
        match reading {
            Reading::Words => Some(&folded.words),
            Reading::WordsAlt => folded.words_alt.as_ref(),
            Reading::Plain => Some(&folded.plain),
        }
    }

    /// The pattern-set members found in one reading of a field (one pass, on first use).
    fn set_matches(&self, rules: &RuleSet, field: Field, reading: Reading) -> &[SetMember] {
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
enum Reading {
    Words = 0,
    WordsAlt = 1,
    Plain = 2,
}

/// Where a signal's view reads.
fn signal_place(view: View) -> (Field, Reading) {
    match view {
        View::Words => (Field::Body, Reading::Words),
        View::Plain => (Field::Body, Reading::Plain),
        View::Author => (Field::Author, Reading::Words),
    }
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
    // The body's features, extracted once for every model with the same settings.
    let mut features: Option<(FeatureSettings, Features)> = None;
    let mut may_reject = Vec::new();
    // The body's distinct words, for the lessons of moderators' decisions.
    let tokens = std::cell::OnceCell::new();
    for (index, rule) in rules.rules().iter().enumerate() {
        if rule.soft && facts.standing == Standing::Trusted {
            continue;
        }
        let (action, evidence, summary) = if let Check::Model {
            model,
            hold_at,
            reject_at,
            learn_from,
            ..
        } = &rule.check
        {
            let settings = model.manifest.features;
            if features.as_ref().is_none_or(|(s, _)| *s != settings) {
                features = Some((settings, model.features(texts.model_view())));
            }
            let Some((_, extracted)) = &features else {
                continue;
            };
            let adjustment = learn_from
                .and_then(|name| facts.lessons.iter().find(|l| l.lesson == name))
                .map(|l| {
                    let learned = model
                        .manifest
                        .fine_tuned
                        .as_ref()
                        .filter(|f| f.lesson == l.lesson)
                        .map_or(0, |f| f.decisions);
                    let words = tokens.get_or_init(|| lessons::tokens_of(&texts.body));
                    lessons::adjustment(l, words, learned)
                });
            let thresholds = (*hold_at, *reject_at);
            let Some(m) = model_check(rule, model, extracted, thresholds, adjustment, &texts)
            else {
                continue;
            };
            model_hits.push(hits.len());
            if m.may_reject {
                may_reject.push(hits.len());
            }
            (m.action, m.evidence, m.summary)
        } else {
            let Some((mut action, evidence)) =
                check(rules, index, rule, &texts, facts, &fingerprint)
            else {
                continue;
            };
            if let (Some(reported), Some(ev)) = (rule.reported_action, &evidence)
                && is_reported(rules, texts.raw(ev.field), ev.start)
            {
                action = action.min(reported);
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
    confirm_model_rejections(&mut hits, &model_hits, &may_reject);
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

type Outcome = Option<(Action, Option<Evidence>)>;

/// What a model rule found.
struct ModelHit {
    action: Action,
    evidence: Option<Evidence>,
    summary: String,
    may_reject: bool,
}

/// Scores the body with a model, adjusted by what this site's moderators taught it: a
/// hold above `hold_at` (or a note, if the rule's action is `publish`), with the words
/// that weighed most as evidence.
fn model_check(
    rule: &Rule,
    model: &Model,
    features: &Features,
    (hold_at, reject_at): (f32, f32),
    adjustment: Option<lessons::Adjustment>,
    texts: &Texts,
) -> Option<ModelHit> {
    let shift = adjustment.as_ref().map_or(0.0, |a| a.log_odds as f32);
    let shipped = model.log_odds(&features.list);
    let probability = sigmoid(shipped + shift);
    // Below the threshold only because of the site's decisions: a note, so moderators
    // see what their decisions released.
    let released = probability < hold_at && sigmoid(shipped) >= hold_at;
    if probability < hold_at && !released {
        return None;
    }
    let raw = texts.raw(Field::Body);
    let spans: Vec<(usize, usize)> = model
        .top_words(features)
        .iter()
        .map(|&(s, e, _)| texts.model_view().words.origin(s, e))
        .collect();
    let words: Vec<String> = spans
        .iter()
        .filter_map(|&(s, e)| raw.get(s..e))
        .map(|w| format!("“{w}”"))
        .collect();
    let summary = format!(
        "{} Score {:.2} (holds at {hold_at:.2}, may reject at {reject_at:.2} beside other evidence){}{}",
        rule.summary,
        probability,
        if words.is_empty() {
            String::new()
        } else {
            format!("; words that weighed most: {}", words.join(", "))
        },
        adjustment
            .as_ref()
            .map_or_else(|| ".".to_owned(), learned_note),
    );
    let evidence = match spans.first() {
        Some(&(s, e)) => evidence(Field::Body, raw, s, e),
        None => context(format!("score {probability:.2}")),
    };
    Some(ModelHit {
        action: if released {
            Action::Publish
        } else {
            Action::Hold.min(rule.action)
        },
        evidence,
        summary,
        may_reject: rule.action == Action::Reject && probability >= reject_at,
    })
}

/// How the site's decisions moved a model's score, for the moderators' summary.
fn learned_note(a: &lessons::Adjustment) -> String {
    if a.decisions == 0 {
        return ".".into();
    }
    let moved = if a.log_odds == 0.0 {
        "which did not move this score".to_owned()
    } else {
        let words: Vec<String> = a.words.iter().map(|w| format!("“{w}”")).collect();
        format!(
            "which moved this score {} by {:.1} log-odds{}",
            if a.log_odds > 0.0 { "up" } else { "down" },
            a.log_odds.abs(),
            if words.is_empty() {
                String::new()
            } else {
                format!(" ({})", words.join(", "))
            }
        )
    };
    format!(
        "; learned from {} moderator decision{} on this site, {moved}.",
        a.decisions,
        if a.decisions == 1 { "" } else { "s" }
    )
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

/// The submission as the volume rules' linking sees it.
fn me<'a>(
    facts: &'a Facts,
    texts: &'a Texts,
    fingerprint: &'a Fingerprint,
) -> linking::Comment<'a> {
    linking::Comment {
        identity: facts.identity,
        author: texts.submission.author,
        fingerprint,
    }
}

/// Whether the words just before `start` report the hit ("he called me a …", a quotation
/// mark) or claim it for oneself ("I'm a proud …").
fn is_reported(rules: &RuleSet, raw: &str, start: usize) -> bool {
    let Some(re) = &rules.reported_speech else {
        return false;
    };
    let mut from = start.saturating_sub(60);
    while !raw.is_char_boundary(from) {
        from += 1;
    }
    let before = raw.get(from..start).unwrap_or_default().to_lowercase();
    re.is_match(&before)
}

/// A model never rejects alone, nor with other models: its hit becomes a rejection only
/// when a rule's house-rule-1 hit that holds or rejects points at a span of the comment
/// itself (a name that looks like a moderator's is held, never a reason to reject).
fn confirm_model_rejections(hits: &mut [Hit], model_hits: &[usize], may_reject: &[usize]) {
    for &i in may_reject {
        let corroborated = hits.iter().enumerate().any(|(j, h)| {
            !model_hits.contains(&j)
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

fn evidence(field: Field, text: &str, start: usize, end: usize) -> Option<Evidence> {
    let end = end.min(text.len());
    let start = start.min(end);
    Some(Evidence {
        field,
        start,
        end,
        text: text.get(start..end).unwrap_or_default().to_string(),
    })
}

fn context(text: String) -> Option<Evidence> {
    Some(Evidence {
        field: Field::Context,
        start: 0,
        end: 0,
        text,
    })
}

fn check(
    rules: &RuleSet,
    index: usize,
    rule: &Rule,
    texts: &Texts,
    facts: &Facts,
    fingerprint: &Fingerprint,
) -> Outcome {
    let fire = |ev: Option<Evidence>| Some((rule.action, ev));
    match &rule.check {
        Check::Words { fields } => fields.iter().find_map(|field| {
            let found = match field {
                Field::Body => &texts.body_lists,
                Field::Author => &texts.author_lists,
                _ => return None,
            };
            let hit = found.iter().find(|h| h.tag == index)?;
            fire(evidence(*field, texts.raw(*field), hit.start, hit.end))
        }),
        Check::Patterns { any, view, fields } => fields.iter().find_map(|field| {
            let readings: &[Reading] = match view {
                View::Plain => &[Reading::Plain],
                _ => &[Reading::Words, Reading::WordsAlt],
            };
            readings.iter().find_map(|&reading| {
                let mapped = texts.reading(*field, reading)?;
                if !texts
                    .set_matches(rules, *field, reading)
                    .contains(&SetMember::Rule(index))
                {
                    return None;
                }
                let m = any.find(&mapped.text)?;
                let (s, e) = mapped.origin(m.start(), m.end());
                fire(evidence(*field, texts.raw(*field), s, e))
            })
        }),
        Check::Signals {
            signals,
            hold_at,
            reject_at,
        } => {
            // The view's one pass says which signals occur; only the first of them (in
            // the file's order) is searched again, for the evidence.
            let matched: Vec<bool> = signals
                .iter()
                .enumerate()
                .map(|(k, (_, _, view))| {
                    let (field, reading) = signal_place(*view);
                    let member = SetMember::Signal {
                        rule: index,
                        signal: k,
                    };
                    texts.set_matches(rules, field, reading).contains(&member)
                })
                .collect();
            let total: f32 = signals
                .iter()
                .zip(&matched)
                .filter(|(_, m)| **m)
                .map(|((_, weight, _), _)| weight)
                .sum();
            let action = if total >= *reject_at {
                Action::Reject
            } else if total >= *hold_at {
                Action::Hold
            } else {
                return None;
            };
            let (re, _, view) = &signals[matched.iter().position(|m| *m)?];
            let (field, reading) = signal_place(*view);
            let mapped = texts.reading(field, reading)?;
            let m = re.find(&mapped.text)?;
            let (s, e) = mapped.origin(m.start(), m.end());
            Some((
                action.min(rule.action),
                evidence(field, texts.raw(field), s, e),
            ))
        }
        Check::StaffName => {
            let name = texts.author.words.text.trim();
            facts.staff_names.iter().find_map(|staff| {
                let staff = normalize::fold(staff);
                (!name.is_empty() && staff.words.text.trim() == name).then_some(())?;
                fire(evidence(
                    Field::Author,
                    texts.raw(Field::Author),
                    0,
                    texts.raw(Field::Author).len(),
                ))
            })
        }
        Check::LinkCount { max } => {
            let first = texts.body_links.get(*max)?;
            fire(evidence(
                Field::Body,
                texts.submission.body,
                first.start,
                first.end,
            ))
        }
        Check::Domains { domains } => {
            let body_links = texts.body_links.iter().cloned().map(|l| (Field::Body, l));
            let site_links = matchers::links(texts.submission.website)
                .into_iter()
                .map(|l| (Field::Website, l));
            body_links.chain(site_links).find_map(|(field, link)| {
                domains
                    .iter()
                    .any(|d| matchers::host_matches(&link.host, d))
                    .then_some(())?;
                fire(evidence(field, texts.raw(field), link.start, link.end))
            })
        }
        Check::Honeypot => {
            let pot = texts.submission.honeypot;
            (!pot.trim().is_empty()).then_some(())?;
            fire(evidence(Field::Form, pot, 0, pot.len()))
        }
        Check::FormToken => match texts.submission.timing {
            FormTiming::Seconds(_) => None,
            FormTiming::Missing => fire(context("the form token is missing".into())),
            FormTiming::Invalid => {
                fire(context("the form token is not valid for this post".into()))
            }
            FormTiming::Replayed => fire(context("the form token was already used".into())),
        },
        Check::TooFast { min_seconds } => match texts.submission.timing {
            FormTiming::Seconds(s) if s < *min_seconds => fire(context(format!(
                "submitted {s:.1} s after the page was shown"
            ))),
            _ => None,
        },
        Check::Shouting { min_letters, ratio } => {
            let (share, letters) = matchers::upper_ratio(texts.submission.body);
            (letters >= *min_letters && share >= *ratio).then_some(())?;
            fire(context(format!(
                "{:.0}% of {letters} letters are capitals",
                share * 100.0
            )))
        }
        Check::Repeated {
            max_char_run,
            max_repeat_share,
            min_words,
        } => {
            let body = texts.submission.body;
            let (run, at) = if matchers::run_may_exceed(body, *max_char_run) {
                matchers::longest_char_run(body)
            } else {
                (0, 0)
            };
            if run > *max_char_run {
                let end = body[at..]
                    .char_indices()
                    .nth(run)
                    .map_or(body.len(), |(i, _)| at + i);
                return fire(evidence(Field::Body, body, at, end));
            }
            let (share, words) = matchers::repeated_word_share(&texts.body.hashes);
            (words >= *min_words && share > *max_repeat_share).then_some(())?;
            fire(context(format!(
                "{:.0}% of {words} words are repeats",
                share * 100.0
            )))
        }
        Check::OffTopic {
            threshold,
            min_words,
            min_english,
        } => {
            let r = &rules.relevance;
            let post = post_profile(rules, &facts.post);
            let parent = facts.parent.map(|p| r.profile([&normalize::fold(p)]));
            let mut against = vec![post.as_ref()];
            against.extend(parent.as_ref());
            let score = r.score(&texts.body, &against);
            (score.content_words >= *min_words
                && score.english >= *min_english
                && score.overlap < *threshold)
                .then_some(())?;
            fire(context(format!(
                "{:.0}% of the comment's words relate to the {} (threshold {:.0}%)",
                score.overlap * 100.0,
                if facts.parent.is_some() {
                    "post or the comment it answers"
                } else {
                    "post"
                },
                threshold * 100.0
            )))
        }
        Check::Volume {
            limit,
            window,
            similarity,
        } => {
            let prior = counted(facts.prior, *window);
            // Fewer earlier comments than the limit: nobody can be over it.
            (prior.len() >= *limit).then_some(())?;
            let links = linking::person(
                me(facts, texts, fingerprint),
                &prior,
                *similarity,
                limit + 1,
            );
            let earlier = links.count();
            (earlier >= *limit).then_some(())?;
            fire(context(format!(
                "comment {} from this person on this post within {}; linked by: {}",
                earlier + 1,
                describe_window(*window),
                links.describe()
            )))
        }
        Check::GroupVolume {
            limit,
            window,
            similarity,
        } => {
            let prior = counted(facts.prior, *window);
            (prior.len() >= *limit).then_some(())?;
            let links = linking::group(me(facts, texts, fingerprint), &prior, *similarity, *limit);
            let earlier = links.count();
            (earlier >= *limit).then_some(())?;
            fire(context(format!(
                "comment {}{} from a cluster of linked commenters on this post within {}; linked by: {}",
                earlier + 1,
                if links.stopped { " or later" } else { "" },
                describe_window(*window),
                links.describe()
            )))
        }
        Check::Flood {
            similarity,
            count,
            window,
        } => {
            let near = facts
                .prior
                .iter()
                .filter(|p| p.age_seconds <= *window)
                .filter(|p| p.fingerprint.similarity(fingerprint) >= *similarity)
                .count();
            (near + 1 >= *count).then_some(())?;
            fire(context(format!(
                "near-duplicate number {} on this post within {}",
                near + 1,
                describe_window(*window)
            )))
        }
        Check::FloodClosed => facts.thread_flood_closed.then(|| {
            (
                rule.action,
                context("comments on this post were closed after a flood".into()),
            )
        }),
        Check::Banned => (facts.standing == Standing::Banned)
            .then(|| (rule.action, context("the commenter is banned".into()))),
        // Judged in `evaluate`, which needs to see the other hits.
        Check::Model { .. } => None,
    }
}

/// A post whose vocabulary the memo holds: its text is kept and compared, so two posts
/// whose hashes collide never share a vocabulary.
#[derive(Debug)]
pub(super) struct RememberedPost {
    key: u64,
    title: String,
    body: String,
    tags: Vec<String>,
    profile: Arc<Profile>,
}

impl RememberedPost {
    fn is(&self, key: u64, post: &super::PostContext) -> bool {
        self.key == key
            && self.title == post.title
            && self.body == post.body
            && self.tags == post.tags
    }
}

/// The post's vocabulary, from the memo when the same post was seen recently.
fn post_profile(rules: &RuleSet, post: &super::PostContext) -> Arc<Profile> {
    const KEEP: usize = 64;
    let mut hasher = rustc_hash::FxHasher::default();
    (post.title, post.body, post.tags).hash(&mut hasher);
    let key = hasher.finish();
    if let Ok(memo) = rules.post_profiles.lock()
        && let Some(p) = memo.iter().find(|p| p.is(key, post))
    {
        return p.profile.clone();
    }
    let title = normalize::fold(post.title);
    let body = normalize::fold(post.body);
    let tags = normalize::fold(&post.tags.join(" "));
    let profile = Arc::new(rules.relevance.profile([&title, &body, &tags]));
    if let Ok(mut memo) = rules.post_profiles.lock() {
        if memo.len() >= KEEP {
            memo.remove(0);
        }
        memo.push(RememberedPost {
            key,
            title: post.title.to_string(),
            body: post.body.to_string(),
            tags: post.tags.to_vec(),
            profile: profile.clone(),
        });
    }
    profile
}

/// Earlier comments inside the window that count towards volume (rejected ones do not:
/// they were never shown, so they did not crowd anyone out), most recent first.
fn counted(prior: &[Prior], window: i64) -> Vec<linking::Comment<'_>> {
    let mut inside: Vec<&Prior> = prior
        .iter()
        .filter(|p| p.age_seconds <= window && p.action != Action::Reject)
        .collect();
    inside.sort_by_key(|p| p.age_seconds);
    inside.into_iter().map(linking::Comment::from).collect()
}

fn describe_window(seconds: i64) -> String {
    if seconds % 3600 == 0 {
        let h = seconds / 3600;
        if h == 1 {
            "1 hour".into()
        } else {
            format!("{h} hours")
        }
    } else {
        format!("{} minutes", seconds / 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_remembered_post_is_used_only_for_the_same_text() {
        let tags = ["housing".to_string()];
        let post = super::super::PostContext {
            title: "Title",
            body: "Body",
            tags: &tags,
        };
        let remembered = RememberedPost {
            key: 7,
            title: "Title".into(),
            body: "Body".into(),
            tags: tags.to_vec(),
            profile: Arc::default(),
        };
        assert!(remembered.is(7, &post));
        assert!(!remembered.is(8, &post));
        // Same hash, other text (a collision): not the same post.
        let other = super::super::PostContext {
            body: "Another body",
            ..post
        };
        assert!(!remembered.is(7, &other));
    }
}
