//! Replaying comments through the engine outside the site: `townhall rules check`
//! (JSON Lines in, verdicts out) and `townhall rules test` (scores a labelled corpus).
//! Lines with the same `scenario` are replayed in order on one fresh thread, so volume
//! and flood rules behave as on the live site; a line without a scenario is judged alone.

use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::moderation::{
    Action, Facts, FormTiming, HouseRule, Identity, PostContext, Prior, RuleSet, Standing,
    Submission, evaluate,
};

/// A post the comments are attached to.
#[derive(Debug, Clone, Deserialize)]
pub struct CorpusPost {
    /// Id referenced by comment lines.
    #[serde(default)]
    pub id: String,
    /// Title.
    #[serde(default)]
    pub title: String,
    /// Tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Markdown body.
    #[serde(default)]
    pub body: String,
}

/// The `post` field: an id or an inline post.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum PostRef {
    /// Refers to `--posts`.
    Id(String),
    /// Given inline.
    Inline(CorpusPost),
}

/// One comment line, in the schema of `shared/corpus/README.md`.
#[derive(Debug, Clone, Deserialize)]
pub struct CorpusLine {
    /// Line id.
    pub id: String,
    /// The post.
    pub post: PostRef,
    /// Lines sharing a scenario are replayed on one thread.
    #[serde(default)]
    pub scenario: Option<String>,
    /// Name field.
    #[serde(default)]
    pub author: String,
    /// E-mail field.
    #[serde(default)]
    pub email: String,
    /// Website field.
    #[serde(default)]
    pub website: String,
    /// Client address.
    #[serde(default)]
    pub ip: String,
    /// Submission time.
    pub submitted_at: Option<DateTime<Utc>>,
    /// Seconds between page load and submission (`None`: no form token).
    #[serde(default)]
    pub seconds_on_page: Option<f64>,
    /// Honeypot field.
    #[serde(default)]
    pub honeypot: String,
    /// Id of the line this replies to.
    #[serde(default)]
    pub parent: Option<String>,
    /// Comment text.
    pub body: String,
    /// Labels (only for `rules test`).
    #[serde(default)]
    pub expected: Option<String>,
    /// Every correct action.
    #[serde(default)]
    pub acceptable: Vec<String>,
    /// Must never be auto-published.
    #[serde(default)]
    pub harmful: bool,
    /// What the line tests.
    #[serde(default)]
    pub category: Option<String>,
}

/// One verdict line as `rules check` prints it.
#[derive(Debug, Clone, Serialize)]
pub struct CheckOutput {
    /// Line id.
    pub id: String,
    /// publish, hold or reject.
    pub action: Action,
    /// Sum of the weights of the rules that fired.
    pub score: f32,
    /// Every rule that fired.
    pub hits: Vec<CheckHit>,
    /// Comments on the thread are closed after this line.
    pub thread_closed: bool,
}

/// One hit as `rules check` prints it.
#[derive(Debug, Clone, Serialize)]
pub struct CheckHit {
    /// Rule id.
    pub rule: String,
    /// The house rule.
    pub house_rule: HouseRule,
    /// Matched text or fact.
    pub evidence: Option<String>,
    /// The commenter-facing reason.
    pub reason: String,
}

/// Parses JSON Lines, naming the line of any error.
pub fn parse_lines<T: for<'de> Deserialize<'de>>(text: &str) -> Result<Vec<T>, String> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| serde_json::from_str(l).map_err(|e| format!("line {}: {e}", i + 1)))
        .collect()
}

#[derive(Default)]
struct Thread {
    prior: Vec<(DateTime<Utc>, Prior)>,
    closed: bool,
}

/// Replays the lines in order, scenario by scenario; returns one output per line.
pub fn replay(
    rules: &RuleSet,
    posts: &[CorpusPost],
    lines: &[CorpusLine],
) -> Result<Vec<CheckOutput>, String> {
    let posts: HashMap<&str, &CorpusPost> = posts.iter().map(|p| (p.id.as_str(), p)).collect();
    let bodies: HashMap<&str, &str> = lines
        .iter()
        .map(|l| (l.id.as_str(), l.body.as_str()))
        .collect();
    let limits = rules.limits();
    let mut threads: HashMap<(String, String), Thread> = HashMap::new();
    let mut out = Vec::with_capacity(lines.len());
    for line in lines {
        let post = match &line.post {
            PostRef::Inline(p) => p,
            PostRef::Id(id) => posts
                .get(id.as_str())
                .copied()
                .ok_or_else(|| format!("{}: post `{id}` is not in --posts", line.id))?,
        };
        let ip: Option<IpAddr> = line.ip.parse().ok();
        let identity = Identity::new(&line.email, ip, limits.ipv4_prefix, limits.ipv6_prefix);
        let now = line.submitted_at.unwrap_or_default();
        let mut scratch = Thread::default();
        let thread = match &line.scenario {
            Some(s) => threads.entry((s.clone(), post.id.clone())).or_default(),
            None => &mut scratch,
        };
        let prior: Vec<Prior> = thread
            .prior
            .iter()
            .map(|(at, p)| Prior {
                age_seconds: (now - *at).num_seconds().max(0),
                ..p.clone()
            })
            .filter(|p| p.age_seconds <= limits.lookback_seconds)
            .collect();
        let parent = line
            .parent
            .as_deref()
            .and_then(|id| bodies.get(id).copied());
        let submission = Submission {
            author: &line.author,
            email: &line.email,
            website: &line.website,
            body: &line.body,
            honeypot: &line.honeypot,
            timing: line
                .seconds_on_page
                .map_or(FormTiming::Missing, FormTiming::Seconds),
        };
        let facts = Facts {
            post: PostContext {
                title: &post.title,
                body: &post.body,
                tags: &post.tags,
            },
            parent,
            identity: &identity,
            prior: &prior,
            thread_flood_closed: thread.closed,
            standing: Standing::Normal,
            staff_names: &[],
            lessons: &[],
            history: None,
        };
        let verdict = evaluate(rules, &submission, &facts);
        thread.closed |= verdict.close_thread;
        thread.prior.push((
            now,
            Prior {
                identity,
                author: line.author.clone(),
                age_seconds: 0,
                fingerprint: verdict.fingerprint.clone(),
                action: verdict.action,
            },
        ));
        out.push(CheckOutput {
            id: line.id.clone(),
            action: verdict.action,
            score: verdict.score,
            hits: verdict
                .hits
                .iter()
                .map(|h| CheckHit {
                    rule: h.rule.clone(),
                    house_rule: h.house_rule,
                    evidence: h.evidence.as_ref().map(|e| e.text.clone()),
                    reason: h.reason.clone(),
                })
                .collect(),
            thread_closed: thread.closed,
        });
    }
    Ok(out)
}

/// Accuracy figures for a labelled corpus.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Lines scored.
    pub lines: usize,
    /// Harmful lines auto-published ÷ harmful lines.
    pub leak_rate: f64,
    /// Non-harmful lines auto-rejected ÷ non-harmful lines.
    pub false_reject_rate: f64,
    /// Non-harmful lines published ÷ non-harmful lines.
    pub auto_publish_rate: f64,
    /// Lines whose action is acceptable ÷ all lines.
    pub accuracy: f64,
    /// Per category: (correct, total, counts of publish/hold/reject).
    pub categories: BTreeMap<String, CategoryScore>,
    /// Lines whose action was not acceptable: (id, category, action, acceptable).
    pub misses: Vec<(String, String, Action, Vec<String>)>,
}

/// One category's figures.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CategoryScore {
    /// Lines with an acceptable action.
    pub correct: usize,
    /// Lines.
    pub total: usize,
    /// Published.
    pub publish: usize,
    /// Held.
    pub hold: usize,
    /// Rejected.
    pub reject: usize,
}

/// Scores outputs against the labels.
pub fn score(lines: &[CorpusLine], outputs: &[CheckOutput]) -> Report {
    let ratio = |n: usize, d: usize| if d == 0 { 0.0 } else { n as f64 / d as f64 };
    let (mut harmful, mut leaks, mut ok, mut rejected_ok, mut published_ok, mut correct) =
        (0, 0, 0, 0, 0, 0);
    let mut categories: BTreeMap<String, CategoryScore> = BTreeMap::new();
    let mut misses = Vec::new();
    for (line, out) in lines.iter().zip(outputs) {
        let acceptable = line.acceptable.iter().any(|a| a == out.action.as_str());
        if line.harmful {
            harmful += 1;
            leaks += usize::from(out.action == Action::Publish);
        } else {
            ok += 1;
            rejected_ok += usize::from(out.action == Action::Reject);
            published_ok += usize::from(out.action == Action::Publish);
        }
        correct += usize::from(acceptable);
        let category = line.category.clone().unwrap_or_else(|| "(none)".into());
        let c = categories.entry(category.clone()).or_default();
        c.total += 1;
        c.correct += usize::from(acceptable);
        match out.action {
            Action::Publish => c.publish += 1,
            Action::Hold => c.hold += 1,
            Action::Reject => c.reject += 1,
        }
        if !acceptable {
            misses.push((
                line.id.clone(),
                category,
                out.action,
                line.acceptable.clone(),
            ));
        }
    }
    Report {
        lines: lines.len(),
        leak_rate: ratio(leaks, harmful),
        false_reject_rate: ratio(rejected_ok, ok),
        auto_publish_rate: ratio(published_ok, ok),
        accuracy: ratio(correct, lines.len()),
        categories,
        misses,
    }
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "lines            {}", self.lines)?;
        writeln!(f, "leak rate        {:.1}%", self.leak_rate * 100.0)?;
        writeln!(f, "false rejects    {:.1}%", self.false_reject_rate * 100.0)?;
        writeln!(f, "auto-published   {:.1}%", self.auto_publish_rate * 100.0)?;
        writeln!(f, "accuracy         {:.1}%", self.accuracy * 100.0)?;
        writeln!(f)?;
        writeln!(
            f,
            "{:<24} {:>8} {:>8} {:>5} {:>7}",
            "category", "correct", "publish", "hold", "reject"
        )?;
        for (name, c) in &self.categories {
            writeln!(
                f,
                "{:<24} {:>3}/{:<4} {:>8} {:>5} {:>7}",
                name, c.correct, c.total, c.publish, c.hold, c.reject
            )?;
        }
        if !self.misses.is_empty() {
            writeln!(f)?;
            writeln!(f, "not acceptable:")?;
            for (id, cat, action, acceptable) in &self.misses {
                writeln!(
                    f,
                    "  {id} {cat}: {} (acceptable: {})",
                    action.as_str(),
                    acceptable.join("/")
                )?;
            }
        }
        Ok(())
    }
}
