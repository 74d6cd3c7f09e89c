//! A learned score: logistic regression over hashed word 1–2-grams and character
//! 3–5-grams of the folded words view (so evasions read as the words they hide).
//!
//! A model is two text files in the rules folder: a TOML manifest (`*.model`: feature
//! settings, bias, sources and licences, validation figures, the weights file's SHA-256)
//! and the weights (`*.weights`: base64 of little-endian `i16`, times the manifest's
//! `scale`). Both are produced by `townhall rules train`; a missing, altered or
//! malformed file is refused with its name, like any rule file.
//!
//! Scoring is pure and explains itself: each word's share of the score is summed, so the
//! words that pushed a comment over the threshold become the hit's evidence.

use std::ops::Range;

use base64::Engine as _;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::normalize::Folded;

/// The manifest's `format` for this kind of model.
pub const FORMAT: &str = "townhall-linear/1";

/// Words looked at per text: a very long comment costs no more than a long one.
const MAX_WORDS: usize = 1500;

/// Bytes of a word that make character n-grams (longer words are rare and say little).
const MAX_WORD_BYTES: usize = 40;

/// Which n-grams make the features.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeatureSettings {
    /// Hash buckets (a power of two).
    pub buckets: u32,
    /// Shortest and longest word n-gram.
    pub word_ngrams: [u8; 2],
    /// Shortest and longest character n-gram (of a word with a space on each side).
    pub char_ngrams: [u8; 2],
}

impl Default for FeatureSettings {
    fn default() -> Self {
        FeatureSettings {
            buckets: 1 << 19,
            word_ngrams: [1, 2],
            char_ngrams: [3, 5],
        }
    }
}

/// A word of the words view: its byte range there, and where its features start in
/// [`Features::buckets`] (they run to the next word's). A two-word n-gram belongs to its
/// first word, at `pair`.
#[derive(Debug, Clone, Copy)]
pub struct WordSpan {
    pub(crate) start: usize,
    pub(crate) end: usize,
    first: u32,
    pair: Option<u32>,
}

/// A text cut into words and hashed into features.
#[derive(Debug, Default)]
pub struct Features {
    /// Every feature occurrence's bucket, word by word: plain buckets, so scoring reads
    /// four bytes a feature and sums a word's features without asking whose they are.
    pub buckets: Vec<u32>,
    /// The words, as byte ranges of the words view.
    pub words: Vec<WordSpan>,
}

impl Features {
    /// The indices in [`Features::buckets`] of word `i`'s features.
    fn of_word(&self, i: usize) -> Range<usize> {
        let end = self
            .words
            .get(i + 1)
            .map_or(self.buckets.len(), |w| w.first as usize);
        self.words[i].first as usize..end
    }

    /// Each word's features read by `sum`, with their count.
    fn per_word<T>(&self, sum: impl Fn(&[u32]) -> T) -> Vec<(T, u32)> {
        (0..self.words.len())
            .map(|i| {
                let range = self.of_word(i);
                let count = range.len() as u32;
                (sum(&self.buckets[range]), count)
            })
            .collect()
    }
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// One byte of FNV-1a, 64 bits: fixed forever, unlike a hasher a crate may change, since
/// the buckets are stored in the weights file.
#[inline]
fn fnv_step(h: u64, b: u8) -> u64 {
    (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
}

/// FNV-1a of a tag byte and the parts, with a zero byte between parts.
#[inline]
fn fnv1a(tag: u8, parts: &[&[u8]]) -> u64 {
    let mut h = fnv_step(FNV_OFFSET, tag);
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            h = fnv_step(h, 0);
        }
        for &b in *p {
            h = fnv_step(h, b);
        }
    }
    h
}

impl FeatureSettings {
    /// Cuts the words view into words and lists every feature occurrence.
    pub fn extract(&self, words_view: &str) -> Features {
        let mask = self.buckets.saturating_sub(1);
        let bucket = |h: u64| (h as u32) & mask;
        // About three character grams a byte plus a word and a pair a word: reserved once
        // rather than grown a dozen times.
        let mut out = Features {
            buckets: Vec::with_capacity(words_view.len() * 4),
            words: Vec::with_capacity(words_view.len() / 4),
        };
        let bytes = words_view.as_bytes();
        let mut at = 0;
        for piece in words_view.split(' ') {
            let start = at;
            at += piece.len() + 1;
            if piece.is_empty() || piece == "|" {
                continue;
            }
            if out.words.len() >= MAX_WORDS {
                break;
            }
            out.words.push(WordSpan {
                start,
                end: start + piece.len(),
                first: 0,
                pair: None,
            });
        }
        let [w_lo, w_hi] = self.word_ngrams;
        let [c_lo, c_hi] = self.char_ngrams;
        let mut padded = Vec::with_capacity(MAX_WORD_BYTES + 2);
        for i in 0..out.words.len() {
            let w = out.words[i];
            let word = &bytes[w.start..w.end];
            out.words[i].first = out.buckets.len() as u32;
            if w_lo <= 1 && w_hi >= 1 {
                out.buckets.push(bucket(fnv1a(b'w', &[word])));
            }
            // A pair never straddles a clause bar: the next word must follow one space on.
            if w_lo <= 2
                && w_hi >= 2
                && let Some(next) = out.words.get(i + 1)
                && next.start == w.end + 1
            {
                let pair = bucket(fnv1a(b'b', &[word, &bytes[next.start..next.end]]));
                out.words[i].pair = Some(out.buckets.len() as u32);
                out.buckets.push(pair);
            }
            if c_hi == 0 {
                continue;
            }
            padded.clear();
            padded.push(b' ');
            padded.extend_from_slice(&word[..word.len().min(MAX_WORD_BYTES)]);
            padded.push(b' ');
            // FNV-1a is built a byte at a time, so the grams starting at one byte are
            // the prefixes of one pass: one multiplication a byte per length, not per gram.
            // A shortest length of 0 reads as 1: every gram has a byte.
            let (lo, hi) = (usize::from(c_lo).max(1), usize::from(c_hi));
            let tagged = fnv_step(FNV_OFFSET, b'c');
            // The grams of one start, gathered and stored together (at most eight).
            let mut grams = [0u32; 8];
            for start in 0..padded.len().saturating_sub(lo - 1) {
                let mut h = tagged;
                let tail = &padded[start..padded.len().min(start + hi)];
                for (len, &b) in tail.iter().enumerate() {
                    h = fnv_step(h, b);
                    grams[len] = bucket(h);
                }
                out.buckets.extend_from_slice(&grams[lo - 1..tail.len()]);
            }
        }
        out
    }
}

/// The manifest: what the model is, how it was made and how it scored.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Always [`FORMAT`].
    pub format: String,
    /// What the model scores, e.g. `civility` or `spam`.
    pub name: String,
    /// When it was trained (YYYY-MM-DD).
    pub trained: String,
    /// The weights file, relative to the manifest's folder.
    pub weights: String,
    /// SHA-256 of the weights file, hex.
    pub weights_sha256: String,
    /// Added to every score before the logistic function.
    pub bias: f32,
    /// A stored `i16` times `scale` is the weight.
    pub scale: f32,
    /// The features.
    pub features: FeatureSettings,
    /// How it was trained.
    pub training: TrainingNotes,
    /// What went in, with licences.
    #[serde(default, rename = "source")]
    pub sources: Vec<SourceNote>,
    /// Thresholds chosen by cross-validation on the training lines.
    pub suggested: Suggested,
    /// Figures on lines it never saw.
    #[serde(default)]
    pub validation: std::collections::BTreeMap<String, String>,
    /// Set when `rules train --from-db` fine-tuned the model on a site's decisions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fine_tuned: Option<FineTuned>,
}

/// What a site's fine-tuning learned from.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FineTuned {
    /// When (YYYY-MM-DD).
    pub date: String,
    /// The lesson its decisions came from (`spam` or `civility`).
    pub lesson: String,
    /// Decisions learned from; the live word-count adjustment counts only decisions
    /// beyond these, so no decision is counted twice.
    pub decisions: i64,
    /// The optimiser's settings.
    pub optimiser: super::train::FineTune,
}

/// Training settings, recorded so the file can be made again.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrainingNotes {
    /// The method, in words.
    pub method: String,
    /// Folds of the cross-validation that chose the thresholds.
    pub folds: u32,
    /// The optimiser's settings.
    pub optimiser: super::train::Settings,
}

/// One training source.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceNote {
    /// File and split.
    pub name: String,
    /// Its licence.
    pub licence: String,
    /// Lines used, and how they were labelled.
    pub lines: String,
}

/// Thresholds the training run recommends.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Suggested {
    /// Where the chosen share of training negatives would be held (cross-validated).
    pub hold_at: f32,
    /// Where a smaller share of them would score.
    pub reject_at: f32,
    /// What the choice aimed at, in words.
    pub rule: String,
}

/// A loaded model, ready to score.
#[derive(Debug, Clone)]
pub struct Model {
    /// Its manifest.
    pub manifest: Manifest,
    weights: Vec<f32>,
}

/// A score and the words behind it.
#[derive(Debug, Clone, PartialEq)]
pub struct Score {
    /// Probability (0–1).
    pub probability: f32,
    /// Up to three spans of the words view that raised the score most, strongest first,
    /// each with its share of the log-odds.
    pub top: Vec<(usize, usize, f32)>,
}

impl Model {
    /// Builds a model from trained weights (the trainer's output).
    pub fn new(manifest: Manifest, weights: Vec<f32>) -> Model {
        Model { manifest, weights }
    }

    /// The weights, as scored.
    pub fn weights(&self) -> &[f32] {
        &self.weights
    }

    /// Bytes the loaded tables take.
    pub fn table_bytes(&self) -> usize {
        self.weights.len() * std::mem::size_of::<f32>()
    }

    /// Parses a manifest and its weights file (as text), checking every field.
    pub fn parse(manifest: &str, weights: &str) -> Result<Model, String> {
        let manifest: Manifest = toml::from_str(manifest)
            .map_err(|e| format!("not a model manifest: {}", e.message().trim()))?;
        if manifest.format != FORMAT {
            return Err(format!(
                "format `{}` is not one this version reads ({FORMAT})",
                manifest.format
            ));
        }
        let f = manifest.features;
        if !f.buckets.is_power_of_two() || !(1 << 10..=1 << 24).contains(&f.buckets) {
            return Err("features.buckets must be a power of two from 1024 to 16777216".into());
        }
        let ok = |[lo, hi]: [u8; 2], max: u8| lo <= hi && hi <= max;
        if !ok(f.word_ngrams, 2) || !ok(f.char_ngrams, 8) || f.char_ngrams[0] == 1 {
            return Err("features: word_ngrams within 0..=2, char_ngrams within 2..=8".into());
        }
        if !manifest.bias.is_finite() || !manifest.scale.is_finite() || manifest.scale <= 0.0 {
            return Err("bias and scale must be finite, scale above 0".into());
        }
        let sha = hex(&Sha256::digest(weights.as_bytes()));
        if sha != manifest.weights_sha256 {
            return Err(format!(
                "the weights file `{}` does not match weights_sha256 (changed or damaged since training)",
                manifest.weights
            ));
        }
        let packed: String = weights.split_ascii_whitespace().collect();
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(packed)
            .map_err(|e| format!("weights are not base64: {e}"))?;
        if bytes.len() != f.buckets as usize * 2 {
            return Err(format!(
                "the weights hold {} values, the manifest says {} buckets",
                bytes.len() / 2,
                f.buckets
            ));
        }
        let scale = manifest.scale;
        let weights = bytes
            .chunks_exact(2)
            .map(|b| f32::from(i16::from_le_bytes([b[0], b[1]])) * scale)
            .collect();
        Ok(Model { manifest, weights })
    }

    /// The weights file's text and the manifest's text, for writing (quantised to `i16`).
    pub fn to_files(&self) -> (String, String) {
        let max = self.weights.iter().fold(0f32, |m, w| m.max(w.abs()));
        let scale = if max > 0.0 { max / 32767.0 } else { 1.0 };
        let mut bytes = Vec::with_capacity(self.weights.len() * 2);
        for w in &self.weights {
            let q = (w / scale).round().clamp(-32767.0, 32767.0) as i16;
            bytes.extend_from_slice(&q.to_le_bytes());
        }
        let b64 = base64::engine::general_purpose::STANDARD.encode(&bytes);
        let mut weights = String::with_capacity(b64.len() + b64.len() / 76 + 1);
        for line in b64.as_bytes().chunks(76) {
            weights.push_str(std::str::from_utf8(line).unwrap_or_default());
            weights.push('\n');
        }
        let mut manifest = self.manifest.clone();
        manifest.scale = scale;
        manifest.weights_sha256 = hex(&Sha256::digest(weights.as_bytes()));
        let text = toml::to_string(&manifest).unwrap_or_default();
        (text, weights)
    }

    /// The features of a folded text.
    pub fn features(&self, folded: &Folded) -> Features {
        self.manifest.features.extract(&folded.words.text)
    }

    /// The log-odds of a text's feature buckets (bias included).
    pub fn log_odds(&self, buckets: &[u32]) -> f32 {
        if buckets.is_empty() {
            return self.manifest.bias;
        }
        let norm = 1.0 / (buckets.len() as f32).sqrt();
        let sum: f32 = buckets.iter().map(|&b| self.weights[b as usize]).sum();
        self.manifest.bias + sum * norm
    }

    /// Scores a folded text and finds the words that raised the score most.
    pub fn score(&self, folded: &Folded) -> Score {
        let features = self.features(folded);
        Score {
            probability: self.probability(&features),
            top: self.top_words(&features),
        }
    }

    /// The probability for features made with this model's settings (models that share
    /// settings share one extraction).
    pub fn probability(&self, features: &Features) -> f32 {
        sigmoid(self.log_odds(&features.buckets))
    }

    /// Each word's summed weight and feature count (a pair counts with its first word):
    /// the one pass over the weights that the whole comment and its sentence groups share.
    pub fn word_sums(&self, features: &Features) -> Vec<(f32, u32)> {
        features.per_word(|buckets| buckets.iter().map(|&b| self.weights[b as usize]).sum())
    }

    /// The log-odds (bias included) of the words `within`, read as a comment of their own,
    /// from [`Model::word_sums`].
    pub fn log_odds_within(&self, sums: &[(f32, u32)], within: Range<usize>) -> f32 {
        let (sum, n) = sums
            .get(within)
            .unwrap_or_default()
            .iter()
            .fold((0f32, 0u32), |(s, n), &(w, c)| (s + w, n + c));
        if n == 0 {
            return self.manifest.bias;
        }
        self.manifest.bias + sum / (n as f32).sqrt()
    }

    /// The best-scoring of the groups of words and its log-odds, when there are two or
    /// more: so one hostile sentence is not diluted by a long civil comment around it.
    pub fn best_group(
        &self,
        sums: &[(f32, u32)],
        groups: &[Range<usize>],
    ) -> Option<(f32, Range<usize>)> {
        if groups.len() < 2 {
            return None;
        }
        groups
            .iter()
            .map(|g| (self.log_odds_within(sums, g.clone()), g.clone()))
            .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.start.cmp(&a.1.start)))
    }

    /// Up to three words that raised the score most, strongest first: each word's share
    /// of the log-odds (a word pair's weight split between its two words). Asked only
    /// when a rule fires, so most comments never pay for it.
    pub fn top_words(&self, features: &Features) -> Vec<(usize, usize, f32)> {
        self.top_words_within(features, 0..features.words.len())
    }

    /// [`Model::top_words`] among the words `within`, scored as a comment of their own.
    pub fn top_words_within(
        &self,
        features: &Features,
        within: Range<usize>,
    ) -> Vec<(usize, usize, f32)> {
        let mut per_word = vec![0f32; features.words.len()];
        let within = within.start..within.end.min(per_word.len());
        let count: usize = within.clone().map(|i| features.of_word(i).len()).sum();
        let norm = 1.0 / (count.max(1) as f32).sqrt();
        for i in within.clone() {
            let pair = features.words[i].pair.map(|p| p as usize);
            for at in features.of_word(i) {
                let w = self.weights[features.buckets[at] as usize] * norm;
                if pair == Some(at) && i + 1 < within.end {
                    per_word[i] += w / 2.0;
                    per_word[i + 1] += w / 2.0;
                } else {
                    per_word[i] += w;
                }
            }
        }
        let mut order: Vec<usize> = (0..per_word.len()).filter(|&i| per_word[i] > 0.0).collect();
        order.sort_by(|&a, &b| per_word[b].total_cmp(&per_word[a]).then(a.cmp(&b)));
        order
            .into_iter()
            .take(3)
            .map(|i| (features.words[i].start, features.words[i].end, per_word[i]))
            .collect()
    }
}

/// Models read side by side: up to [`LANES`] models with the same feature settings,
/// their stored 16-bit weights for one bucket kept together, so one memory read per
/// feature serves every model (four tables read at random would take four, and their
/// cache lines would crowd each other out). A weight is the stored value times its
/// model's scale, exactly as [`Model::parse`] makes it, so scores are the same.
#[derive(Debug, Clone)]
pub struct Bank {
    settings: FeatureSettings,
    /// The models' addresses, lane by lane (which lane is whose).
    members: Vec<usize>,
    scales: [f32; LANES],
    table: Vec<[i16; LANES]>,
}

/// Models a [`Bank`] holds.
pub const LANES: usize = 4;

impl Bank {
    /// A bank of the first [`LANES`] `models` that share the first one's settings; none
    /// when a weight is not a stored 16-bit value times the scale (a model made in
    /// memory by the trainer, not read from its files).
    pub fn new(models: &[&Model]) -> Option<Bank> {
        let settings = models.first()?.manifest.features;
        let members: Vec<&Model> = models
            .iter()
            .filter(|m| m.manifest.features == settings)
            .take(LANES)
            .copied()
            .collect();
        let scales: [f32; LANES] =
            std::array::from_fn(|lane| members.get(lane).map_or(1.0, |m| m.manifest.scale));
        let buckets = settings.buckets as usize;
        let mut table = vec![[0i16; LANES]; buckets];
        for (lane, model) in members.iter().enumerate() {
            let (scale, inverse) = (scales[lane], 1.0 / scales[lane]);
            for (slot, &w) in table.iter_mut().zip(&model.weights) {
                // Rounded half away from zero by hand: `round` is a library call here.
                let x = w * inverse;
                let stored = (x + 0.5f32.copysign(x)) as i16;
                if f32::from(stored) * scale != w {
                    return None;
                }
                slot[lane] = stored;
            }
        }
        Some(Bank {
            settings,
            members: members
                .iter()
                .map(|m| std::ptr::from_ref(*m) as usize)
                .collect(),
            scales,
            table,
        })
    }

    /// The settings its models share.
    pub fn settings(&self) -> FeatureSettings {
        self.settings
    }

    /// The lane of `model`, if the bank holds it.
    pub fn lane(&self, model: &Model) -> Option<usize> {
        let address = std::ptr::from_ref(model) as usize;
        self.members.iter().position(|m| *m == address)
    }

    /// Bytes the table takes.
    pub fn table_bytes(&self) -> usize {
        self.table.len() * std::mem::size_of::<[i16; LANES]>()
    }

    /// [`Model::word_sums`] for every lane at once, in one pass over the features.
    pub fn word_sums(&self, features: &Features) -> Vec<([f32; LANES], u32)> {
        features.per_word(|buckets| {
            let mut sum = [0f32; LANES];
            for &b in buckets {
                let stored = &self.table[b as usize];
                for lane in 0..LANES {
                    sum[lane] += f32::from(stored[lane]) * self.scales[lane];
                }
            }
            sum
        })
    }
}

/// The logistic function.
pub fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A hand-made manifest for tests: bias −1, scale 1, no sources.
#[cfg(test)]
pub(crate) fn test_manifest(features: FeatureSettings) -> Manifest {
    Manifest {
        format: FORMAT.into(),
        name: "t".into(),
        trained: "2026-01-01".into(),
        weights: "t.weights".into(),
        weights_sha256: String::new(),
        bias: -1.0,
        scale: 1.0,
        features,
        training: TrainingNotes {
            method: "by hand".into(),
            folds: 0,
            optimiser: super::train::Settings {
                buckets: features.buckets,
                epochs: 0,
                alpha: 0.0,
                beta: 0.0,
                l1: 0.0,
                l2: 0.0,
                seed: 0,
                naive_bayes: false,
            },
        },
        sources: Vec::new(),
        suggested: Suggested {
            hold_at: 0.5,
            reject_at: 0.9,
            rule: String::new(),
        },
        validation: Default::default(),
        fine_tuned: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::fold;

    fn small() -> FeatureSettings {
        FeatureSettings {
            buckets: 1 << 10,
            ..FeatureSettings::default()
        }
    }

    #[test]
    fn features_are_words_pairs_and_padded_character_grams() {
        let f = small().extract(" ab cd | ef ");
        assert_eq!(f.words.len(), 3);
        // "ab": 1 word + 1 pair + " ab " (4 bytes): 2 trigrams, 1 four-gram, no five-gram.
        let of = |w: usize| f.of_word(w).len();
        assert_eq!(of(0), 1 + 1 + 3);
        // "cd" is followed by a clause bar: no pair across it.
        assert_eq!(of(1), 1 + 3);
        assert_eq!(f.words.iter().filter(|w| w.pair.is_some()).count(), 1);
    }

    #[test]
    fn a_model_survives_writing_and_reading_and_refuses_damage() {
        let buckets = small().buckets as usize;
        let weights: Vec<f32> = (0..buckets).map(|i| (i as f32 - 500.0) / 100.0).collect();
        let model = Model::new(test_manifest(small()), weights.clone());
        let (manifest_text, weights_text) = model.to_files();
        let back = Model::parse(&manifest_text, &weights_text).unwrap();
        for (a, b) in weights.iter().zip(back.weights()) {
            assert!((a - b).abs() < 0.001, "{a} vs {b}");
        }
        let damaged = weights_text.replacen('A', "B", 1);
        let e = Model::parse(&manifest_text, &damaged).unwrap_err();
        assert!(e.contains("does not match weights_sha256"), "{e}");
        let e = Model::parse("format = 3", &weights_text).unwrap_err();
        assert!(e.contains("not a model manifest"), "{e}");
        let e = Model::parse(
            &manifest_text.replace(FORMAT, "townhall-linear/9"),
            &weights_text,
        )
        .unwrap_err();
        assert!(e.contains("is not one this version reads"), "{e}");
    }

    #[test]
    fn a_bank_sums_each_model_exactly_as_the_model_does() {
        let settings = small();
        let buckets = settings.buckets as usize;
        let read = |seed: f32| {
            let weights = (0..buckets)
                .map(|i| ((i as f32 * seed) % 7.0) - 3.0)
                .collect();
            let (manifest, weights) = Model::new(test_manifest(settings), weights).to_files();
            Model::parse(&manifest, &weights).unwrap()
        };
        let (a, b) = (read(0.37), read(1.91));
        let bank = Bank::new(&[&a, &b]).expect("stored weights bank");
        assert_eq!((bank.lane(&a), bank.lane(&b)), (Some(0), Some(1)));
        let features = settings.extract(" a calm word | and a vile one ");
        let banked = bank.word_sums(&features);
        for (lane, model) in [(0, &a), (1, &b)] {
            let alone = model.word_sums(&features);
            for ((sums, count), (sum, n)) in banked.iter().zip(alone) {
                assert_eq!((sums[lane].to_bits(), *count), (sum.to_bits(), n));
            }
        }
        // Weights made in memory, not read from files, are not banked.
        let raw = Model::new(test_manifest(settings), vec![0.123_457; buckets]);
        assert!(Bank::new(&[&raw]).is_none());
    }

    #[test]
    fn the_strongest_word_is_the_evidence() {
        let settings = small();
        let folded = fold("a calm word and a vile word");
        let vile = settings.extract(" vile ");
        let mut weights = vec![0.0; settings.buckets as usize];
        for &b in &vile.buckets {
            weights[b as usize] = 2.0;
        }
        let model = Model::new(test_manifest(settings), weights);
        let score = model.score(&folded);
        let (s, e, _) = score.top[0];
        let (s, e) = folded.words.origin(s, e);
        assert_eq!(&"a calm word and a vile word"[s..e], "vile");
        let calm = model.score(&fold("a calm word"));
        assert!(score.probability > calm.probability);
    }
}
