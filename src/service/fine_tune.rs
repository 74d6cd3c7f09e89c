//! `townhall rules train --from-db`: the rules' learned models fine-tuned on this site's
//! moderator decisions, for a server that has no training files. Each model rule with
//! `learn_from` learns from the decisions of its lesson ([`lessons::taught_by`]), starting
//! from the model in force; the result is written into the site's rules folder, never
//! into a source checkout.

use std::path::{Path, PathBuf};

use super::ServiceResult;
use super::training::{example_of, held_out};
use crate::moderation::model::{FineTuned, Model};
use crate::moderation::normalize::Folded;
use crate::moderation::rules::{Check, RuleSet, SourceFile};
use crate::moderation::train::{self, Example, FineTune};
use crate::moderation::{engine, kinds, lessons};
use crate::storage::{DbConn, comments, moderation};

/// Fewer decisions of either kind than this and a model is left as it is: a handful of
/// examples would teach the model the accidents of a few comments.
pub const MIN_EACH: usize = 5;

/// The optimiser's settings (recorded in the manifest).
const SETTINGS: FineTune = FineTune {
    epochs: 10,
    rate: 0.5,
    pull: 0.01,
    seed: 20_261_206,
};

/// One decided comment and what its latest decision teaches.
#[derive(Debug, Clone)]
pub struct SiteDecision {
    /// The comment's text as stored.
    pub text: String,
    /// `(lesson, positive)` pairs, as [`lessons::taught_by`] gives them.
    pub teaches: Vec<(&'static str, bool)>,
}

/// Every comment a moderator decided, oldest first, with what its decision teaches.
pub fn site_decisions(conn: &mut DbConn) -> ServiceResult<Vec<SiteDecision>> {
    let decided = moderation::latest_decisions(conn)?;
    Ok(comments::all_oldest_first(conn)?
        .into_iter()
        .filter_map(|c| {
            let decision = decided.get(&c.id)?;
            let deciding = super::queue::deciding_rule(&c);
            let teaches = lessons::taught_by(*decision, deciding.as_deref());
            (!teaches.is_empty()).then_some(SiteDecision {
                text: c.body,
                teaches,
            })
        })
        .collect())
}

/// What happened to one model rule's model.
#[derive(Debug)]
pub enum Outcome {
    /// Fine-tuned; write it.
    Tuned(Box<Tuned>),
    /// Left as it is, and why.
    Skipped {
        /// The manifest's path in the rules folder.
        path: String,
        /// Why, in words.
        why: String,
    },
}

/// A fine-tuned model and what it was measured at.
#[derive(Debug)]
pub struct Tuned {
    /// The manifest's path in the rules folder, e.g. `models/spam.model`.
    pub path: String,
    /// The model.
    pub model: Model,
    /// Before and after, on decisions held out of a trial fine-tuning.
    pub figures: String,
}

/// Fine-tunes every model rule that learns from moderators' decisions.
pub fn fine_tune(rules: &RuleSet, decisions: &[SiteDecision], date: &str) -> Vec<Outcome> {
    // Each decided comment as the models read it (trusted links blanked), once.
    let views: Vec<(&SiteDecision, Folded)> = decisions
        .iter()
        .map(|d| (d, engine::model_view(rules, &d.text)))
        .collect();
    let mut done: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for rule in rules.rules() {
        let Check::Model(kinds::Model {
            model,
            path,
            hold_at,
            learn_from: Some(lesson),
            ..
        }) = &rule.check
        else {
            continue;
        };
        // Two rules may share one model file: tune it once.
        if done.contains(path) {
            continue;
        }
        done.push(path.clone());
        out.push(tune_one(model, path, lesson, *hold_at, &views, date));
    }
    out
}

fn tune_one(
    model: &Model,
    path: &str,
    lesson: &'static str,
    hold_at: f32,
    decisions: &[(&SiteDecision, Folded)],
    date: &str,
) -> Outcome {
    let features = model.manifest.features;
    let lines: Vec<Example> = decisions
        .iter()
        .filter_map(|(d, view)| {
            let &(_, positive) = d.teaches.iter().find(|(l, _)| *l == lesson)?;
            Some(example_of(&features, view, positive))
        })
        .collect();
    let positives = lines.iter().filter(|e| e.positive).count();
    let negatives = lines.len() - positives;
    if positives < MIN_EACH || negatives < MIN_EACH {
        return Outcome::Skipped {
            path: path.to_owned(),
            why: format!(
                "{positives} decisions teach `{lesson}` positive and {negatives} negative; fine-tuning needs {MIN_EACH} of each"
            ),
        };
    }
    let figures = trial(model, &lines, hold_at);
    let (weights, bias) = fit(model, lines);
    let mut manifest = model.manifest.clone();
    manifest.bias = bias;
    manifest.fine_tuned = Some(FineTuned {
        date: date.to_owned(),
        lesson: lesson.to_owned(),
        decisions: (positives + negatives) as i64,
        optimiser: SETTINGS,
    });
    manifest
        .validation
        .insert("site_decisions".into(), figures.clone());
    Outcome::Tuned(Box::new(Tuned {
        path: path.to_owned(),
        model: Model::new(manifest, weights),
        figures,
    }))
}

fn fit(model: &Model, mut lines: Vec<Example>) -> (Vec<f32>, f32) {
    train::balance(&mut lines);
    train::fine_tune(model.weights(), model.manifest.bias, &lines, &SETTINGS)
}

/// Fine-tunes on 80 % of the decisions (a seeded split) and compares the shipped and the
/// tuned model on the other 20 %, which neither saw.
fn trial(model: &Model, lines: &[Example], hold_at: f32) -> String {
    let (held, kept): (Vec<_>, Vec<_>) = lines
        .iter()
        .cloned()
        .enumerate()
        .partition(|(i, _)| held_out(*i));
    let held: Vec<Example> = held.into_iter().map(|(_, e)| e).collect();
    let kept: Vec<Example> = kept.into_iter().map(|(_, e)| e).collect();
    let (pos, neg) = (
        held.iter().filter(|e| e.positive).count(),
        held.iter().filter(|e| !e.positive).count(),
    );
    if pos == 0 || neg == 0 {
        return format!(
            "too few decisions to measure ({pos} positive and {neg} negative of {} held out)",
            held.len()
        );
    }
    let (weights, bias) = fit(model, kept);
    let reach = |w: &[f32], b: f32, positive: bool| {
        held.iter()
            .filter(|e| e.positive == positive)
            .filter(|e| train::sigmoid_of(w, b, e) >= hold_at)
            .count()
    };
    let shipped = (model.weights(), model.manifest.bias);
    format!(
        "on {} decisions held out of a trial run: {} of {pos} positive and {} of {neg} negative reach hold_at before, {} and {} after",
        held.len(),
        reach(shipped.0, shipped.1, true),
        reach(shipped.0, shipped.1, false),
        reach(&weights, bias, true),
        reach(&weights, bias, false),
    )
}

/// Why the models could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The folder is part of a source checkout (the shipped rules live there).
    #[error(
        "{0} is in a source checkout; point rules_dir (or --out) at the site's own rules folder"
    )]
    SourceCheckout(PathBuf),
    /// A file could not be written.
    #[error("{path}: {source}")]
    Io {
        /// Which file.
        path: PathBuf,
        /// The IO error.
        source: std::io::Error,
    },
}

/// Writes the tuned models into `out`. A folder without `house-rules.toml` first gets
/// every rule file in force (`in_force`), so it is a complete rules folder the server can
/// load from `rules_dir`.
pub fn write(out: &Path, in_force: &[SourceFile], tuned: &[Tuned]) -> Result<(), WriteError> {
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if parent.join("Cargo.toml").is_file() {
        return Err(WriteError::SourceCheckout(out.to_path_buf()));
    }
    let put = |name: &str, text: &str| {
        let path = out.join(name);
        path.parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&path, text))
            .map_err(|source| WriteError::Io { path, source })
    };
    if !out.join("house-rules.toml").is_file() {
        for f in in_force {
            put(&f.name, &f.text)?;
        }
    }
    for t in tuned {
        let (manifest, weights) = t.model.to_files();
        let weights_name = Path::new(&t.path)
            .with_file_name(&t.model.manifest.weights)
            .to_string_lossy()
            .into_owned();
        let header = format!(
            "# The {} model, fine-tuned on this site's moderator decisions by `townhall rules train --from-db`\n# (do not edit: the weights' checksum would no longer match).\n",
            t.model.manifest.name
        );
        put(&weights_name, &weights)?;
        put(&t.path, &format!("{header}{manifest}"))?;
    }
    Ok(())
}
