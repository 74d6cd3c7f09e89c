//! `model`: a learned score over the folded body, adjusted by what this site's
//! moderators taught it. Above `hold_at` it holds; above `reject_at` it may reject, but
//! only beside another house-rule-1 hit with a span of the comment as evidence, which
//! `evaluate` decides once every rule has run.

use std::cell::OnceCell;
use std::ops::Range;
use std::sync::Arc;

use super::{Compiling, Judging, Kind, Outcome, context, evidence};
use crate::model::{FeatureSettings, Features, LANES, sigmoid};
use crate::normalize::Folded;
use crate::rules::Lists;
use crate::{Action, Evidence, Field, lessons};

/// A learned model's probability is high: hold above `hold_at`; reject above
/// `reject_at` only beside another house-rule-1 hit with a span of the comment as
/// evidence (never on the model alone).
#[derive(Debug)]
pub struct Model {
    /// The loaded model.
    pub model: Arc<crate::model::Model>,
    /// The manifest's path, for messages.
    pub path: String,
    /// Probability that holds.
    pub hold_at: f32,
    /// Probability that may reject.
    pub reject_at: f32,
    /// The lesson of this site's moderators' decisions that adjusts the score.
    pub learn_from: Option<&'static str>,
    /// Also score the comment's sentences in groups of at least this many words, and
    /// keep the highest score: the models learnt from tweet-length lines.
    pub sentence_group: Option<usize>,
}

impl Kind for Model {
    fn compile(cx: &mut Compiling) -> Result<Self, crate::RuleError> {
        let path = cx
            .def
            .model
            .as_ref()
            .ok_or_else(|| cx.err_here("kind `model` needs `model`"))?;
        let sentence_group = cx.def.sentence_group;
        if sentence_group.is_some_and(|n| !(3..=200).contains(&n)) {
            return Err(cx.err_here("sentence_group must be between 3 and 200 words"));
        }
        let model = load(cx.lists, path.get_ref()).map_err(|(file, m)| crate::RuleError {
            file,
            line: 0,
            message: format!("rule `{}`: {m}", cx.id),
        })?;
        let hold_at = cx.need(cx.def.hold_at, "hold_at")?;
        let reject_at = cx.need(cx.def.reject_at, "reject_at")?;
        if !(0.0 < hold_at && hold_at <= reject_at && reject_at < 1.0) {
            return Err(cx.err_here("need 0 < hold_at <= reject_at < 1"));
        }
        let learn_from = match &cx.def.learn_from {
            None => None,
            Some(l) => Some(
                lessons::ALL
                    .into_iter()
                    .find(|known| *known == l.get_ref())
                    .ok_or_else(|| {
                        cx.err(
                            l.span(),
                            format!("learn_from must be one of: {}", lessons::ALL.join(", ")),
                        )
                    })?,
            ),
        };
        Ok(Model {
            model: Arc::new(model),
            path: path.get_ref().clone(),
            hold_at,
            reject_at,
            learn_from,
            sentence_group,
        })
    }

    /// Judged by [`judge_model`], called from `evaluate`, which needs the other hits.
    fn judge(&self, _: &Judging) -> Outcome {
        None
    }

    fn lesson(&self) -> Option<&'static str> {
        self.learn_from
    }
}

/// What a model rule found.
pub(crate) struct ModelHit {
    pub(crate) action: Action,
    pub(crate) evidence: Option<Evidence>,
    pub(crate) summary: String,
    /// Above `reject_at`, under a rule whose action is `reject`: rejects if another
    /// rule's evidence corroborates.
    pub(crate) may_reject: bool,
}

/// What one comment's model rules share: the body's features (extracted once for every
/// model with the same settings) and its distinct words (for the lessons).
#[derive(Default)]
pub(crate) struct ModelScratch {
    features: Option<(FeatureSettings, Features)>,
    /// The word indices after which a sentence ends, found once for every model.
    sentence_ends: OnceCell<Vec<usize>>,
    /// Every banked model's word sums, from one pass over the features.
    bank_sums: OnceCell<Vec<([f32; LANES], u32)>>,
    tokens: OnceCell<Vec<String>>,
}

/// Scores the body with a model rule, adjusted by what this site's moderators taught
/// it: a hold above `hold_at` (or a note, if the rule's action is `publish`), with the
/// words that weighed most as evidence.
pub(crate) fn judge_model(k: &Model, j: &Judging, shared: &mut ModelScratch) -> Option<ModelHit> {
    let texts = j.texts;
    let model = &k.model;
    let settings = model.manifest.features;
    if shared.features.as_ref().is_none_or(|(s, _)| *s != settings) {
        shared.features = Some((settings, model.features(texts.model_view())));
    }
    let (_, features) = shared.features.as_ref()?;
    let view = texts.model_view();
    let raw = texts.raw(Field::Body);
    let all = 0..features.words.len();
    let banked = j
        .rules
        .bank
        .as_ref()
        .filter(|b| b.settings() == settings)
        .and_then(|b| Some((b, b.lane(model)?)));
    let sums: Vec<(f32, u32)> = match banked {
        Some((bank, lane)) => shared
            .bank_sums
            .get_or_init(|| bank.word_sums(features))
            .iter()
            .map(|(sum, count)| (sum[lane], *count))
            .collect(),
        None => model.word_sums(features),
    };
    let whole = model.log_odds_within(&sums, all.clone());
    let best = match k.sentence_group {
        Some(min) if features.words.len() >= 2 * min => {
            let ends = shared
                .sentence_ends
                .get_or_init(|| sentence_ends(view, raw, features));
            let groups = sentence_groups(ends, features.words.len(), min);
            model.best_group(&sums, &groups)
        }
        _ => None,
    };
    let adjustment = k
        .learn_from
        .and_then(|name| j.facts.lessons.iter().find(|l| l.lesson == name))
        .map(|l| {
            let learned = model
                .manifest
                .fine_tuned
                .as_ref()
                .filter(|f| f.lesson == l.lesson)
                .map_or(0, |f| f.decisions);
            let words = shared.tokens.get_or_init(|| lessons::tokens_of(&texts.body));
            lessons::adjustment(l, words, learned)
        });
    let (hold_at, reject_at) = (k.hold_at, k.reject_at);
    let shift = adjustment.as_ref().map_or(0.0, |a| a.log_odds as f32);
    let (shipped, within, grouped) = match best {
        Some((group, words)) if group > whole => (group, words, true),
        _ => (whole, all, false),
    };
    let probability = sigmoid(shipped + shift);
    // Below the threshold only because of the site's decisions: a note, so moderators
    // see what their decisions released.
    let released = probability < hold_at && sigmoid(shipped) >= hold_at;
    if probability < hold_at && !released {
        return None;
    }
    let spans: Vec<(usize, usize)> = model
        .top_words_within(features, within)
        .iter()
        .map(|&(s, e, _)| view.words.origin(s, e))
        .collect();
    let words: Vec<String> = spans
        .iter()
        .filter_map(|&(s, e)| raw.get(s..e))
        .map(|w| format!("“{w}”"))
        .collect();
    let summary = format!(
        "{} Score {:.2}{} (holds at {hold_at:.2}, may reject at {reject_at:.2} beside other evidence){}{}",
        j.rule.summary,
        probability,
        if grouped {
            " for the sentences around its strongest word"
        } else {
            ""
        },
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
            Action::Hold.min(j.rule.action)
        },
        evidence,
        summary,
        may_reject: j.rule.action == Action::Reject && probability >= reject_at,
    })
}

/// The indices of the words after which a sentence ends: a clause bar in the words view
/// that stands for a full stop, question or exclamation mark or line break (only the
/// bars are looked up in the original, a few per sentence).
fn sentence_ends(view: &Folded, raw: &str, features: &Features) -> Vec<usize> {
    let words = &features.words;
    (0..words.len().saturating_sub(1))
        .filter(|&i| {
            let bar = words[i].end + 1;
            view.words.text.as_bytes().get(bar) == Some(&b'|') && {
                let (s, e) = view.words.origin(bar, bar + 1);
                raw.get(s..e)
                    .is_some_and(|p| p.contains(['.', '!', '?', '\n']))
            }
        })
        .collect()
}

/// The sentences gathered into groups of at least `min` words (a short last group joins
/// the one before), as ranges of word indices.
fn sentence_groups(ends: &[usize], words: usize, min: usize) -> Vec<Range<usize>> {
    let mut groups: Vec<Range<usize>> = Vec::new();
    let mut start = 0;
    for &i in ends {
        if i + 1 - start >= min {
            groups.push(start..i + 1);
            start = i + 1;
        }
    }
    match groups.last_mut() {
        Some(last) if words - start < min => last.end = words,
        _ => groups.push(start..words),
    }
    groups
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

/// Reads a model's manifest and the weights file it names; an error names the file.
fn load(lists: &Lists, path: &str) -> Result<crate::model::Model, (String, String)> {
    let manifest = lists
        .files
        .get(path)
        .ok_or_else(|| (path.to_string(), "model file not found".to_string()))?;
    let weights_name = toml::from_str::<toml::Table>(manifest)
        .ok()
        .and_then(|t| t.get("weights")?.as_str().map(str::to_owned))
        .ok_or_else(|| {
            (
                path.to_string(),
                "not a model manifest (no `weights`)".to_string(),
            )
        })?;
    let folder = path.rsplit_once('/').map_or("", |(d, _)| d);
    let weights_path = if folder.is_empty() {
        weights_name
    } else {
        format!("{folder}/{weights_name}")
    };
    let weights = lists
        .files
        .get(&weights_path)
        .ok_or_else(|| (weights_path.clone(), "weights file not found".to_string()))?;
    crate::model::Model::parse(manifest, weights).map_err(|m| (path.to_string(), m))
}
