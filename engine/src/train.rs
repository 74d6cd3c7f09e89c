//! Training a [`Model`](super::model::Model): logistic regression fitted by FTRL-Proximal
//! (per-coordinate learning rates, L1 and L2), the optimiser made for sparse hashed
//! features. The linear-model crates on crates.io (linfa, smartcore) want dense matrices,
//! which for half a million buckets and twenty thousand lines would not fit.
//!
//! Pure and reproducible: the lines are visited in an order fixed by the seed, so the
//! same lines and settings give the same weights, bit for bit, on one platform.

use super::model::sigmoid;

/// One training line, already turned into features.
#[derive(Debug, Clone)]
pub struct Example {
    /// Distinct buckets with their values (count over the square root of all occurrences).
    pub features: Vec<(u32, f32)>,
    /// Harmful (or spam).
    pub positive: bool,
    /// How much the line counts (class balance).
    pub weight: f32,
}

impl Example {
    /// Folds repeated buckets together and scales as [`Model::log_odds`](super::model::Model::log_odds) does.
    pub fn new(features: &[u32], positive: bool) -> Example {
        let mut buckets = features.to_vec();
        buckets.sort_unstable();
        let norm = 1.0 / (buckets.len().max(1) as f32).sqrt();
        let mut out: Vec<(u32, f32)> = Vec::with_capacity(buckets.len());
        for b in buckets {
            match out.last_mut() {
                Some((last, v)) if *last == b => *v += norm,
                _ => out.push((b, norm)),
            }
        }
        Example {
            features: out,
            positive,
            weight: 1.0,
        }
    }
}

/// The optimiser's settings.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Hash buckets.
    pub buckets: u32,
    /// Passes over the lines.
    pub epochs: u32,
    /// Learning rate.
    pub alpha: f64,
    /// Learning-rate smoothing.
    pub beta: f64,
    /// L1 strength (drives small weights to zero).
    pub l1: f64,
    /// L2 strength.
    pub l2: f64,
    /// Seed of the visiting order.
    pub seed: u64,
    /// Scale each bucket by its naive-Bayes log-count ratio before fitting (NB-LR, Wang
    /// and Manning 2012); the shipped weights carry the scale, so scoring is unchanged.
    #[serde(default)]
    pub naive_bayes: bool,
}

/// Each bucket's naive-Bayes log-count ratio: how much likelier it is, smoothed by one,
/// in the weighted positive lines than in the negative ones.
pub fn naive_bayes_ratios(examples: &[Example], buckets: usize) -> Vec<f32> {
    let mut pos = vec![1f64; buckets];
    let mut neg = vec![1f64; buckets];
    for e in examples {
        let counts = if e.positive { &mut pos } else { &mut neg };
        for &(b, _) in &e.features {
            counts[b as usize] += f64::from(e.weight);
        }
    }
    let (pos_total, neg_total) = (pos.iter().sum::<f64>(), neg.iter().sum::<f64>());
    pos.iter()
        .zip(&neg)
        .map(|(p, n)| ((p / pos_total) / (n / neg_total)).ln() as f32)
        .collect()
}

/// Gives each class the same total weight, so the rarer class is not drowned out.
pub fn balance(examples: &mut [Example]) {
    let pos = examples
        .iter()
        .filter(|e| e.positive)
        .map(|e| e.weight)
        .sum::<f32>();
    let neg = examples
        .iter()
        .filter(|e| !e.positive)
        .map(|e| e.weight)
        .sum::<f32>();
    if pos == 0.0 || neg == 0.0 {
        return;
    }
    let total = pos + neg;
    for e in examples {
        e.weight *= if e.positive {
            total / (2.0 * pos)
        } else {
            total / (2.0 * neg)
        };
    }
}

/// SplitMix64: a fixed, documented mixer, so the visiting order never depends on a
/// crate's choice of random generator.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// The order lines are visited in on one pass.
fn order(n: usize, seed: u64, epoch: u32) -> Vec<usize> {
    let mut keyed: Vec<(u64, usize)> = (0..n)
        .map(|i| (mix(seed ^ mix(u64::from(epoch)) ^ mix(i as u64 + 1)), i))
        .collect();
    keyed.sort_unstable();
    keyed.into_iter().map(|(_, i)| i).collect()
}

/// Fits weights and a bias.
pub fn fit(examples: &[Example], s: &Settings) -> (Vec<f32>, f32) {
    if !s.naive_bayes {
        return fit_scaled(examples, s);
    }
    let ratios = naive_bayes_ratios(examples, s.buckets as usize);
    let scaled: Vec<Example> = examples
        .iter()
        .map(|e| Example {
            features: e
                .features
                .iter()
                .map(|&(b, x)| (b, x * ratios[b as usize]))
                .collect(),
            positive: e.positive,
            weight: e.weight,
        })
        .collect();
    let (weights, bias) = fit_scaled(&scaled, s);
    let weights = weights.iter().zip(&ratios).map(|(w, r)| w * r).collect();
    (weights, bias)
}

/// Fits weights and a bias to the features as given.
fn fit_scaled(examples: &[Example], s: &Settings) -> (Vec<f32>, f32) {
    let n = s.buckets as usize;
    let mut z = vec![0f64; n + 1];
    let mut g2 = vec![0f64; n + 1];
    let bias = n;
    let weight_of = |z: f64, g2: f64, l1: f64| -> f64 {
        if z.abs() <= l1 {
            0.0
        } else {
            -(z - z.signum() * l1) / ((s.beta + g2.sqrt()) / s.alpha + s.l2)
        }
    };
    let mut w = Vec::new();
    for epoch in 0..s.epochs {
        for i in order(examples.len(), s.seed, epoch) {
            let e = &examples[i];
            w.clear();
            let mut dot = weight_of(z[bias], g2[bias], 0.0);
            for &(b, x) in &e.features {
                let wi = weight_of(z[b as usize], g2[b as usize], s.l1);
                w.push(wi);
                dot += wi * f64::from(x);
            }
            let p = f64::from(sigmoid(dot as f32));
            let g = (p - if e.positive { 1.0 } else { 0.0 }) * f64::from(e.weight);
            let wb = weight_of(z[bias], g2[bias], 0.0);
            for (k, (slot, x)) in e
                .features
                .iter()
                .map(|&(b, x)| (b as usize, f64::from(x)))
                .chain(std::iter::once((bias, 1.0)))
                .enumerate()
            {
                let gi = g * x;
                let wi = if slot == bias { wb } else { w[k] };
                let sigma = ((g2[slot] + gi * gi).sqrt() - g2[slot].sqrt()) / s.alpha;
                z[slot] += gi - sigma * wi;
                g2[slot] += gi * gi;
            }
        }
    }
    let weights = (0..n)
        .map(|i| weight_of(z[i], g2[i], s.l1) as f32)
        .collect();
    (weights, weight_of(z[bias], g2[bias], 0.0) as f32)
}

/// How a shipped model is fine-tuned on one site's decisions.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FineTune {
    /// Passes over the decisions.
    pub epochs: u32,
    /// Step size.
    pub rate: f64,
    /// How strongly each weight is pulled back to its shipped value.
    pub pull: f64,
    /// Seed of the visiting order.
    pub seed: u64,
}

/// Fine-tunes shipped weights on a site's decisions by gradient steps from the shipped
/// values. Each touched weight is pulled back toward where it started, so a few hundred
/// decisions teach the site's words without unlearning what the public data taught.
pub fn fine_tune(
    prior: &[f32],
    prior_bias: f32,
    examples: &[Example],
    f: &FineTune,
) -> (Vec<f32>, f32) {
    let mut w: Vec<f64> = prior.iter().map(|&x| f64::from(x)).collect();
    let mut bias = f64::from(prior_bias);
    for epoch in 0..f.epochs {
        for i in order(examples.len(), f.seed, epoch) {
            let e = &examples[i];
            let dot = bias
                + e.features
                    .iter()
                    .map(|&(b, x)| w[b as usize] * f64::from(x))
                    .sum::<f64>();
            let p = f64::from(sigmoid(dot as f32));
            let g = (p - if e.positive { 1.0 } else { 0.0 }) * f64::from(e.weight);
            for &(b, x) in &e.features {
                let b = b as usize;
                w[b] -= f.rate * (g * f64::from(x) + f.pull * (w[b] - f64::from(prior[b])));
            }
            bias -= f.rate * (g + f.pull * (bias - f64::from(prior_bias)));
        }
    }
    (w.into_iter().map(|x| x as f32).collect(), bias as f32)
}

/// The log-odds of an example under fitted weights.
pub fn log_odds(weights: &[f32], bias: f32, e: &Example) -> f32 {
    bias + e
        .features
        .iter()
        .map(|&(b, x)| weights[b as usize] * x)
        .sum::<f32>()
}

/// The probability of an example under fitted weights.
pub fn sigmoid_of(weights: &[f32], bias: f32, e: &Example) -> f32 {
    sigmoid(log_odds(weights, bias, e))
}

/// Out-of-fold probabilities: each line scored by a model trained without its fold.
pub fn cross_validate(examples: &[Example], s: &Settings, folds: u32) -> Vec<f32> {
    let fold_of = |i: usize| (mix(s.seed ^ 0xf01d ^ i as u64) % u64::from(folds)) as u32;
    let mut out = vec![0f32; examples.len()];
    for k in 0..folds {
        let train: Vec<Example> = examples
            .iter()
            .enumerate()
            .filter(|(i, _)| fold_of(*i) != k)
            .map(|(_, e)| e.clone())
            .collect();
        let (w, b) = fit(&train, s);
        for (i, e) in examples.iter().enumerate() {
            if fold_of(i) == k {
                out[i] = sigmoid(log_odds(&w, b, e));
            }
        }
    }
    out
}

/// The score above which only `share` of `scores` lie.
pub fn quantile_above(scores: &[f32], share: f32) -> f32 {
    if scores.is_empty() {
        return 0.5;
    }
    let mut sorted = scores.to_vec();
    sorted.sort_by(|a, b| a.total_cmp(b));
    let i = ((1.0 - share) * sorted.len() as f32).ceil() as usize;
    sorted[i.min(sorted.len() - 1)]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example(buckets: &[u32], positive: bool) -> Example {
        Example::new(buckets, positive)
    }

    fn settings() -> Settings {
        Settings {
            buckets: 16,
            epochs: 20,
            alpha: 0.5,
            beta: 1.0,
            l1: 0.0,
            l2: 0.1,
            seed: 3,
            naive_bayes: false,
        }
    }

    #[test]
    fn it_learns_which_buckets_mark_the_positive_class_and_does_so_twice_alike() {
        let mut lines = Vec::new();
        for i in 0..40u32 {
            lines.push(example(&[1, 2 + i % 3], true));
            lines.push(example(&[7, 2 + i % 3], false));
        }
        let (w, b) = fit(&lines, &settings());
        assert!(w[1] > 0.5 && w[7] < -0.5, "{w:?}");
        assert!(sigmoid(log_odds(&w, b, &example(&[1], true))) > 0.8);
        assert_eq!(fit(&lines, &settings()), (w, b));
    }

    #[test]
    fn fine_tuning_moves_the_site_s_words_and_leaves_the_rest_where_they_were() {
        let prior = vec![0.0, -1.0, 0.0, 0.0, 2.0, 0.0, 0.0, 0.0];
        let mut lines = Vec::new();
        for _ in 0..5 {
            lines.push(example(&[1, 2], true));
            lines.push(example(&[3], false));
        }
        let f = FineTune {
            epochs: 10,
            rate: 0.5,
            pull: 0.01,
            seed: 1,
        };
        let (w, b) = fine_tune(&prior, 0.0, &lines, &f);
        assert!(
            w[1] > -1.0 && w[2] > 0.5,
            "the site's positives pull their words up: {w:?}"
        );
        assert!(w[3] < -0.5, "{w:?}");
        assert_eq!(
            w[4], 2.0,
            "a word no decision contains keeps its shipped weight"
        );
        assert_eq!(
            fine_tune(&prior, 0.0, &lines, &f),
            (w, b),
            "the same decisions give the same model"
        );
    }

    #[test]
    fn repeated_buckets_fold_together_and_classes_balance() {
        let e = example(&[4, 4, 9, 4], true);
        assert_eq!(e.features, vec![(4, 1.5), (9, 0.5)]);
        let mut lines = vec![
            example(&[1], true),
            example(&[2], false),
            example(&[3], false),
        ];
        balance(&mut lines);
        assert_eq!(lines[0].weight, 1.5);
        assert_eq!(lines[1].weight, 0.75);
    }

    #[test]
    fn naive_bayes_scaling_keeps_words_both_classes_use_near_zero_and_ships_in_the_weights() {
        let mut lines = Vec::new();
        for i in 0..40u32 {
            lines.push(example(&[1, 5, 2 + i % 3], true));
            lines.push(example(&[7, 5, 2 + i % 3], false));
        }
        let ratios = naive_bayes_ratios(&lines, 16);
        assert!(ratios[1] > 1.0 && ratios[7] < -1.0, "{ratios:?}");
        assert!(
            ratios[5].abs() < 0.01,
            "a bucket both classes use alike: {ratios:?}"
        );
        let s = Settings {
            naive_bayes: true,
            ..settings()
        };
        let (w, b) = fit(&lines, &s);
        assert!(w[1] > 0.5 && w[7] < -0.5, "{w:?}");
        assert!(w[5].abs() < 0.05, "{w:?}");
        assert!(sigmoid(log_odds(&w, b, &example(&[1, 5], true))) > 0.8);
        assert!(sigmoid(log_odds(&w, b, &example(&[7, 5], false))) < 0.2);
        assert_eq!(fit(&lines, &s), (w, b), "reproducible");
    }

    #[test]
    fn quantiles_leave_the_share_above() {
        let s: Vec<f32> = (0..100).map(|i| i as f32 / 100.0).collect();
        assert_eq!(quantile_above(&s, 0.05), 0.95);
        assert_eq!(quantile_above(&s, 0.0), 0.99);
    }
}
