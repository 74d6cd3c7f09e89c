//! The rule files: schema, loading from text, validation with file and line, compiling.
//!
//! Every `*.toml` file declares `[[rule]]` tables (and optionally `[engine]` and
//! `[network]`); word and domain lists are `*.txt` files referenced by their path
//! relative to the rules folder. Patterns may embed a list as `{stem}` (the list
//! file's name without folder or `.txt`), which expands to an alternation of its entries.

use std::collections::{BTreeMap, HashMap};

use regex::Regex;
use regex_syntax::hir::Hir;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use toml::Spanned;

use super::kinds::{self, Compiling};
use super::matchers::{self, Entry, EntryKind, ListMatcher};
use super::pattern_set::PatternSet;
use super::relevance::Relevance;
use super::{Action, Field, HouseRule};

/// One rule file's name and contents, as the caller read it.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The file name relative to the rules folder, e.g. `house-rules.toml` or `lists/slurs.txt`.
    pub name: String,
    /// The file's text.
    pub text: String,
}

impl SourceFile {
    /// Whether a file of a rules folder is one the engine reads (`*.toml`, `*.txt`,
    /// `*.model`, `*.weights`); anything else there (a README, a backup) is ignored.
    pub fn is_rule_file(name: &str) -> bool {
        [".toml", ".txt", ".model", ".weights"]
            .iter()
            .any(|ext| name.ends_with(ext))
    }

    /// The name a file at `path` has inside the rules folder `root`: its relative path,
    /// with `/` between parts on every platform.
    pub fn name_in(root: &std::path::Path, path: &std::path::Path) -> String {
        path.strip_prefix(root)
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/")
    }
}

/// A rule file problem, naming the file, the line and what is wrong.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
#[error("{file}:{line}: {message}")]
pub struct RuleError {
    /// Which file.
    pub file: String,
    /// 1-based line (0 when the problem is not on one line).
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// The text similarity at which the volume rules link two comments on one network when
/// the rule file gives none: the flood rule's near-duplicate threshold.
pub(crate) const DEFAULT_LINK_SIMILARITY: f32 = 0.5;

/// The windows and prefixes the caller needs to gather facts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// How far back (seconds) the caller must look for earlier comments on the post.
    pub lookback_seconds: i64,
    /// How far back (seconds) the caller must look for the commenter's decided comments
    /// ([`super::History::recent`]); 0 when no rule reads them.
    pub history_seconds: i64,
    /// IPv4 prefix length that makes a "network" for the volume rules.
    pub ipv4_prefix: u8,
    /// IPv6 prefix length that makes a "network".
    pub ipv6_prefix: u8,
}

/// Which derived text a pattern runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// Words with evasions undone, ` w1 w2 | w3 `.
    Words,
    /// Folded text with punctuation and digits.
    Plain,
    /// The name field's words.
    Author,
}

/// A regex compiled on first use. The `patterns` and `signals` rules are searched by
/// sets; a rule's own regex is needed only to find the span once its set says it
/// matches, so most are never compiled and loading the rules stays fast.
#[derive(Debug)]
pub struct LazyRegex {
    source: String,
    compiled: std::sync::OnceLock<Option<Regex>>,
}

impl LazyRegex {
    pub(crate) fn new(source: String) -> LazyRegex {
        LazyRegex {
            source,
            compiled: std::sync::OnceLock::new(),
        }
    }

    /// The pattern.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// The first match. The set holding this pattern compiled, so this compiles too; if
    /// it ever did not, the rule would find nothing rather than fail the comment.
    pub fn find<'t>(&self, text: &'t str) -> Option<regex::Match<'t>> {
        self.compiled
            .get_or_init(|| Regex::new(&self.source).ok())
            .as_ref()?
            .find(text)
    }
}

/// A domain list entry: domains are not folded words, so the spaces folding put in
/// place of dots become dots again.
pub(crate) fn domain_of(e: Entry) -> String {
    e.term.replace(' ', ".")
}

/// One member of a pattern set: a `patterns` rule's alternation, or one signal of a
/// `signals` rule (by its index in the rule's `signals`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SetMember {
    /// A `patterns` rule, by its index in the rule set.
    Rule(usize),
    /// A signal of a `signals` rule.
    Signal {
        /// The rule's index in the rule set.
        rule: usize,
        /// The signal's index in the rule's `signals`.
        signal: usize,
    },
}

/// A pattern bound for a set: whose it is, which view it reads, and its parse.
pub(crate) struct SetPattern {
    pub(crate) member: SetMember,
    pub(crate) plain: bool,
    pub(crate) hir: Hir,
}

/// Every `patterns` rule's alternation and every signal, as one set per kind of view: a
/// text is scanned once per view, however many rules search it.
#[derive(Debug)]
pub(super) struct PatternSets {
    /// For the words views (`words`, its alternative reading, and the name field's
    /// words): the set and what each member is.
    words: (PatternSet, Vec<SetMember>),
    /// For the plain view.
    plain: (PatternSet, Vec<SetMember>),
}

impl PatternSets {
    fn new(patterns: Vec<SetPattern>) -> Result<PatternSets, RuleError> {
        let (plain, words): (Vec<SetPattern>, Vec<SetPattern>) =
            patterns.into_iter().partition(|p| p.plain);
        let set_of = |patterns: Vec<SetPattern>| {
            let (members, hirs): (Vec<SetMember>, Vec<Hir>) =
                patterns.into_iter().map(|p| (p.member, p.hir)).unzip();
            PatternSet::new(&hirs)
                .map(|set| (set, members))
                .map_err(|e| RuleError {
                    file: "house-rules.toml".into(),
                    line: 0,
                    message: format!("the patterns together: {e}"),
                })
        };
        Ok(PatternSets {
            words: set_of(words)?,
            plain: set_of(plain)?,
        })
    }

    /// The members that match `text` somewhere.
    pub fn matching(&self, plain: bool, text: &str) -> Vec<SetMember> {
        let (set, members) = if plain { &self.plain } else { &self.words };
        set.matching(text).into_iter().map(|k| members[k]).collect()
    }
}

pub use super::kinds::Check;

/// One compiled rule.
#[derive(Debug)]
pub struct Rule {
    /// Stable id, e.g. `civility.slur`.
    pub id: String,
    /// The house rule it applies.
    pub house_rule: HouseRule,
    /// What a hit asks for.
    pub action: Action,
    /// Trusted commenters skip it.
    pub soft: bool,
    /// Adds to the score.
    pub weight: f32,
    /// Closes comments on the post when it fires.
    pub close_thread: bool,
    /// For moderators.
    pub summary: String,
    /// For the commenter.
    pub reason: String,
    /// What a hit asks for when the evidence is quoted or reported speech, or claimed
    /// about oneself (a slur reported to us is held, never rejected).
    pub reported_action: Option<Action>,
    /// What a hit asks for when the words around it dispute it ("not all migrants are
    /// …", "the myth that …"), unless the words after it endorse it.
    pub countered_action: Option<Action>,
    /// What it checks.
    pub check: Check,
}

/// The compiled rules, ready to evaluate comments.
#[derive(Debug)]
pub struct RuleSet {
    version: String,
    limits: Limits,
    pub(super) rules: Vec<Rule>,
    pub(super) lists: ListMatcher,
    pub(super) relevance: Relevance,
    /// Marks a hit as reported, claimed or disputed by the words around it.
    pub(super) framing: crate::framing::Framing,
    /// Domains whose links are advice, not promotion (`[engine] trusted_domains`).
    pub(super) trusted_domains: Vec<String>,
    /// Every `patterns` rule's alternation, per view, in one set: one pass over a text
    /// says which rules can match it, so a clean comment is read once per view instead
    /// of once per rule.
    pub(super) pattern_sets: PatternSets,
    /// Vocabulary of recently seen posts: folding and stemming a post takes longer than
    /// judging a comment, and a post gets many comments. A memo, not state: the
    /// verdict is the same with or without it.
    pub(super) post_profiles: std::sync::Mutex<Vec<super::kinds::RememberedPost>>,
    /// The model rules' weights side by side (those that share the first one's settings).
    pub(super) bank: Option<crate::model::Bank>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct FileDef {
    engine: Option<EngineDef>,
    network: Option<NetworkDef>,
    #[serde(default)]
    rule: Vec<RuleDef>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EngineDef {
    version: String,
    allow: Option<Spanned<String>>,
    stop_words: Option<Spanned<String>>,
    common_words: Option<Spanned<String>>,
    topic_words: Option<Spanned<String>>,
    /// Domains whose links are advice, not promotion (gov.uk, nhs.uk…): the learned
    /// scores read the comment without them.
    trusted_domains: Option<Spanned<String>>,
    /// A pattern that, matching the words just before a hit, marks it as reported
    /// speech ("he called me a …") or a word claimed about oneself.
    reported_speech: Option<Spanned<String>>,
    /// Patterns that, matching the words just before a hit (`counter_speech`) or just
    /// after it (`counter_speech_after`), mark it as disputed; `endorsed_after` undoes
    /// that ("… and they're right").
    counter_speech: Option<Spanned<String>>,
    counter_speech_after: Option<Spanned<String>>,
    endorsed_after: Option<Spanned<String>>,
    /// A pattern that, found in the sentence before a hit, says the sentence reports or
    /// disputes words ("a man on the bus shouted at my daughter that she was …"): such a
    /// hit is held at most, never rejected.
    quoting_sentence: Option<Spanned<String>>,
    /// A pattern that, matching the text after a hit, attributes the quotation ("…,' he
    /// shouted") or disputes it ("… That's a lie."): the hit is held at most.
    quoting_after: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NetworkDef {
    ipv4_prefix: u8,
    ipv6_prefix: u8,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SignalDef {
    pub(crate) pattern: Spanned<String>,
    pub(crate) weight: f32,
    #[serde(default)]
    pub(crate) on: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RuleDef {
    pub(crate) id: Spanned<String>,
    pub(crate) house_rule: u8,
    pub(crate) kind: Spanned<String>,
    pub(crate) action: Spanned<String>,
    pub(crate) summary: String,
    pub(crate) reason: String,
    #[serde(default)]
    pub(crate) soft: bool,
    pub(crate) weight: Option<f32>,
    #[serde(default)]
    pub(crate) close_thread: bool,
    #[serde(default)]
    pub(crate) lists: Vec<Spanned<String>>,
    #[serde(default)]
    pub(crate) patterns: Vec<Spanned<String>>,
    #[serde(default)]
    pub(crate) fields: Vec<Spanned<String>>,
    pub(crate) on: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) signals: Vec<SignalDef>,
    pub(crate) hold_at: Option<f32>,
    pub(crate) reject_at: Option<f32>,
    pub(crate) max: Option<usize>,
    pub(crate) min_seconds: Option<f64>,
    pub(crate) min_letters: Option<usize>,
    pub(crate) ratio: Option<f32>,
    pub(crate) max_char_run: Option<usize>,
    pub(crate) max_repeat_share: Option<f32>,
    pub(crate) min_words: Option<usize>,
    pub(crate) threshold: Option<f32>,
    pub(crate) min_english: Option<f32>,
    pub(crate) limit: Option<usize>,
    pub(crate) window_hours: Option<f64>,
    pub(crate) window_minutes: Option<f64>,
    pub(crate) similarity: Option<f32>,
    pub(crate) count: Option<usize>,
    pub(crate) model: Option<Spanned<String>>,
    pub(crate) learn_from: Option<Spanned<String>>,
    pub(crate) sentence_group: Option<usize>,
    pub(crate) reported_action: Option<Spanned<String>>,
    pub(crate) countered_action: Option<Spanned<String>>,
    pub(crate) until_approved: Option<u32>,
    pub(crate) share: Option<f32>,
    pub(crate) min_decided: Option<usize>,
    pub(crate) recent_days: Option<f64>,
}

/// Turns a byte offset into a 1-based line number.
fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// Builds errors for one file.
pub(crate) struct At<'a> {
    file: &'a SourceFile,
}

impl At<'_> {
    pub(crate) fn err(
        &self,
        span: std::ops::Range<usize>,
        message: impl Into<String>,
    ) -> RuleError {
        RuleError {
            file: self.file.name.clone(),
            line: line_of(&self.file.text, span.start),
            message: message.into(),
        }
    }
}

/// The list files, parsed, by path and by stem.
pub(crate) struct Lists<'a> {
    pub(crate) by_path: BTreeMap<String, Vec<Entry>>,
    /// Every file by name, for the models a rule names.
    pub(crate) files: HashMap<String, &'a str>,
}

impl Lists<'_> {
    fn stem(path: &str) -> &str {
        let name = path.rsplit('/').next().unwrap_or(path);
        name.strip_suffix(".txt").unwrap_or(name)
    }

    fn by_stem(&self, stem: &str) -> Option<&Vec<Entry>> {
        self.by_path
            .iter()
            .find(|(p, _)| Self::stem(p) == stem)
            .map(|(_, v)| v)
    }
}

impl RuleSet {
    /// Parses, validates and compiles the rule files.
    pub fn compile(files: &[SourceFile]) -> Result<RuleSet, RuleError> {
        let mut lists = Lists {
            by_path: BTreeMap::new(),
            files: files
                .iter()
                .map(|f| (f.name.clone(), f.text.as_str()))
                .collect(),
        };
        for f in files.iter().filter(|f| f.name.ends_with(".txt")) {
            let entries = matchers::parse_list(&f.text).map_err(|(line, message)| RuleError {
                file: f.name.clone(),
                line,
                message,
            })?;
            lists.by_path.insert(f.name.clone(), entries);
        }
        let mut hasher = Sha256::new();
        let mut declared_version = None;
        let mut framing = crate::framing::Framing::default();
        let mut network = None;
        let mut extra: HashMap<&'static str, Vec<Entry>> = HashMap::new();
        let mut rules = Vec::new();
        let mut word_entries: Vec<(usize, Entry)> = Vec::new();
        let mut set_patterns: Vec<SetPattern> = Vec::new();
        let mut seen_ids: HashMap<String, (String, usize)> = HashMap::new();
        let mut sorted: Vec<&SourceFile> = files.iter().collect();
        sorted.sort_by(|a, b| a.name.cmp(&b.name));
        for f in &sorted {
            hasher.update(f.name.as_bytes());
            hasher.update([0]);
            // A model's weights are named by their SHA-256 in its manifest, which is
            // hashed and checked against them: hashing megabytes twice would add nothing.
            if !f.name.ends_with(".weights") {
                hasher.update(f.text.as_bytes());
            }
            hasher.update([0]);
        }
        let tomls: Vec<&SourceFile> = sorted
            .into_iter()
            .filter(|f| f.name.ends_with(".toml"))
            .collect();
        if tomls.is_empty() {
            return Err(RuleError {
                file: "(rules folder)".into(),
                line: 0,
                message: "no rule files (*.toml) found".into(),
            });
        }
        for f in tomls {
            let at = At { file: f };
            let def: FileDef = toml::from_str(&f.text).map_err(|e| {
                at.err(
                    e.span().unwrap_or(0..0),
                    e.message().trim().replace('\n', " "),
                )
            })?;
            if let Some(engine) = def.engine {
                if declared_version.is_some() {
                    return Err(at.err(0..0, "[engine] is declared in more than one file"));
                }
                declared_version = Some(engine.version);
                for (key, pattern, slot) in [
                    (
                        "reported_speech",
                        engine.reported_speech,
                        &mut framing.reported,
                    ),
                    (
                        "counter_speech",
                        engine.counter_speech,
                        &mut framing.countered_before,
                    ),
                    (
                        "counter_speech_after",
                        engine.counter_speech_after,
                        &mut framing.countered_after,
                    ),
                    (
                        "endorsed_after",
                        engine.endorsed_after,
                        &mut framing.endorsed_after,
                    ),
                    (
                        "quoting_sentence",
                        engine.quoting_sentence,
                        &mut framing.quoting_sentence,
                    ),
                    (
                        "quoting_after",
                        engine.quoting_after,
                        &mut framing.quoting_after,
                    ),
                ] {
                    if let Some(p) = pattern {
                        let re = Regex::new(p.get_ref())
                            .map_err(|e| at.err(p.span(), format!("bad {key} pattern: {e}")))?;
                        *slot = Some(re);
                    }
                }
                for (key, path) in [
                    ("allow", engine.allow),
                    ("stop_words", engine.stop_words),
                    ("common_words", engine.common_words),
                    ("topic_words", engine.topic_words),
                    ("trusted_domains", engine.trusted_domains),
                ] {
                    if let Some(path) = path {
                        let entries = lists.by_path.get(path.get_ref()).ok_or_else(|| {
                            at.err(
                                path.span(),
                                format!("list file `{}` not found", path.get_ref()),
                            )
                        })?;
                        extra.insert(key, entries.clone());
                    }
                }
            }
            if let Some(n) = def.network {
                if n.ipv4_prefix > 32 || n.ipv6_prefix > 128 {
                    return Err(at.err(
                        0..0,
                        "[network] prefixes must be at most 32 (IPv4) and 128 (IPv6)",
                    ));
                }
                network = Some(n);
            }
            for r in def.rule {
                let index = rules.len();
                let rule =
                    compile_rule(&at, &lists, r, index, &mut word_entries, &mut set_patterns)?;
                if let Some((other_file, other_line)) = seen_ids.get(&rule.0.id) {
                    return Err(at.err(
                        rule.1,
                        format!(
                            "rule id `{}` is already used at {other_file}:{other_line}",
                            rule.0.id
                        ),
                    ));
                }
                seen_ids.insert(
                    rule.0.id.clone(),
                    (f.name.clone(), line_of(&f.text, rule.1.start)),
                );
                rules.push(rule.0);
            }
        }
        let declared = declared_version.ok_or_else(|| RuleError {
            file: "(rules folder)".into(),
            line: 0,
            message: "no file declares [engine] version".into(),
        })?;
        let digest = hasher.finalize();
        let version = format!(
            "{declared}+{}",
            digest
                .iter()
                .take(4)
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        );
        let network = network.unwrap_or(NetworkDef {
            ipv4_prefix: 24,
            ipv6_prefix: 64,
        });
        let lookback = rules.iter().map(|r| r.check.lookback()).max().unwrap_or(0);
        let history = rules.iter().map(|r| r.check.history()).max().unwrap_or(0);
        let allow = extra.remove("allow").unwrap_or_default();
        let lists_matcher = ListMatcher::new(word_entries.iter().map(|(t, e)| (*t, e)), &allow);
        let terms = |v: Option<Vec<Entry>>| -> Vec<String> {
            v.unwrap_or_default().into_iter().map(|e| e.term).collect()
        };
        let relevance = Relevance::new(
            terms(extra.remove("stop_words")),
            terms(extra.remove("common_words")),
            terms(extra.remove("topic_words")),
        );
        let trusted_domains = extra
            .remove("trusted_domains")
            .unwrap_or_default()
            .into_iter()
            .map(domain_of)
            .collect();
        let models: Vec<&crate::model::Model> = rules
            .iter()
            .filter_map(|r| match &r.check {
                kinds::Check::Model(m) => Some(&*m.model),
                _ => None,
            })
            .collect();
        let bank = crate::model::Bank::new(&models);
        Ok(RuleSet {
            bank,
            trusted_domains,
            version,
            limits: Limits {
                lookback_seconds: lookback,
                history_seconds: history,
                ipv4_prefix: network.ipv4_prefix,
                ipv6_prefix: network.ipv6_prefix,
            },
            pattern_sets: PatternSets::new(set_patterns)?,
            rules,
            lists: lists_matcher,
            relevance,
            framing,
            post_profiles: std::sync::Mutex::new(Vec::new()),
        })
    }

    /// The declared version plus a digest of the files (stored with each verdict).
    pub fn version(&self) -> &str {
        &self.version
    }

    /// Windows and prefixes for gathering facts.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// The compiled rules, in file order.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The lessons of moderators' decisions the rules learn from, for the caller to look
    /// up into [`super::Facts::lessons`].
    pub fn lessons(&self) -> Vec<&'static str> {
        let mut names: Vec<&'static str> =
            self.rules.iter().filter_map(|r| r.check.lesson()).collect();
        names.sort_unstable();
        names.dedup();
        names
    }
}

fn compile_rule(
    at: &At,
    lists: &Lists,
    r: RuleDef,
    index: usize,
    word_entries: &mut Vec<(usize, Entry)>,
    set_patterns: &mut Vec<SetPattern>,
) -> Result<(Rule, std::ops::Range<usize>), RuleError> {
    let id_span = r.id.span();
    let id = r.id.get_ref().clone();
    let named = |m: String| format!("rule `{id}`: {m}");
    if id.trim().is_empty() || id.contains(char::is_whitespace) {
        return Err(at.err(id_span, "a rule id must be one word, e.g. `civility.slur`"));
    }
    let Some(house_rule) = HouseRule::new(r.house_rule) else {
        return Err(at.err(id_span, named("house_rule must be 1 to 6".into())));
    };
    let (action, close_thread) = match r.action.get_ref().as_str() {
        "close_thread" => (Action::Hold, true),
        other => match Action::parse(other) {
            Some(a) => (a, r.close_thread),
            None => {
                return Err(at.err(
                    r.action.span(),
                    named(format!(
                        "action must be publish, hold, reject or close_thread, not `{other}`"
                    )),
                ));
            }
        },
    };
    if r.summary.trim().is_empty() || r.reason.trim().is_empty() {
        return Err(at.err(
            id_span.clone(),
            named("summary and reason must not be empty".into()),
        ));
    }
    let fields = r
        .fields
        .iter()
        .map(|f| match f.get_ref().as_str() {
            "body" => Ok(Field::Body),
            "author" | "name" => Ok(Field::Author),
            "email" => Ok(Field::Email),
            "website" => Ok(Field::Website),
            other => Err(at.err(
                f.span(),
                named(format!(
                    "unknown field `{other}` (body, author, email, website)"
                )),
            )),
        })
        .collect::<Result<Vec<_>, _>>()?;
    let fields = if fields.is_empty() {
        vec![Field::Body]
    } else {
        fields
    };
    let mut cx = Compiling {
        at,
        lists,
        def: &r,
        index,
        id: &id,
        id_span: id_span.clone(),
        fields,
        word_entries,
        set_patterns,
    };
    let check = Check::compile(r.kind.get_ref(), &mut cx).unwrap_or_else(|| {
        Err(at.err(
            r.kind.span(),
            named(format!(
                "unknown kind `{}` ({})",
                r.kind.get_ref(),
                kinds::NAMES.join(", ")
            )),
        ))
    })?;
    let framed_action = |key: &str, a: &Option<Spanned<String>>| match a {
        None => Ok(None),
        Some(a) => Action::parse(a.get_ref()).map(Some).ok_or_else(|| {
            at.err(
                a.span(),
                named(format!("{key} must be publish, hold or reject")),
            )
        }),
    };
    let reported_action = framed_action("reported_action", &r.reported_action)?;
    let countered_action = framed_action("countered_action", &r.countered_action)?;
    let weight = r.weight.unwrap_or(match action {
        Action::Reject => 10.0,
        Action::Hold => 4.0,
        Action::Publish => 0.0,
    });
    Ok((
        Rule {
            id,
            house_rule,
            action,
            soft: r.soft,
            weight,
            close_thread,
            summary: r.summary.trim().to_string(),
            reason: r.reason.trim().to_string(),
            reported_action,
            countered_action,
            check,
        },
        id_span,
    ))
}

/// Replaces `{stem}` with an alternation of that list's entries (whole words with
/// endings, prefixes with any ending). `{{` and `}}` stay literal braces for
/// repetition counts such as `{0,3}`, which are left alone when they hold digits.
pub(crate) fn expand_lists(pattern: &str, lists: &Lists) -> Result<String, String> {
    let mut out = String::with_capacity(pattern.len());
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            out.push_str(&rest[open..]);
            return Ok(out);
        };
        let name = &after[..close];
        if name.chars().all(|c| c.is_ascii_digit() || c == ',') {
            out.push('{');
            out.push_str(name);
            out.push('}');
        } else {
            let entries = lists.by_stem(name).ok_or_else(|| {
                format!("pattern uses `{{{name}}}` but there is no list file `{name}.txt`")
            })?;
            let alternatives: Vec<String> = entries
                .iter()
                .map(|e| {
                    let t = regex::escape(&e.term);
                    match e.kind {
                        EntryKind::Word => format!("{t}(?:s|es|ed|ing|er|ers)?"),
                        EntryKind::Prefix => format!("{t}\\w*"),
                        EntryKind::Infix => format!("\\w*{t}\\w*"),
                    }
                })
                .collect();
            out.push_str("(?:");
            out.push_str(&alternatives.join("|"));
            out.push(')');
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(toml: &str) -> Vec<SourceFile> {
        vec![
            SourceFile {
                name: "house-rules.toml".into(),
                text: toml.into(),
            },
            SourceFile {
                name: "lists/swears.txt".into(),
                text: "fuck*\nshit\n".into(),
            },
        ]
    }

    const GOOD: &str = r#"
[engine]
version = "t1"

[[rule]]
id = "civility.swear"
house_rule = 1
kind = "words"
lists = ["lists/swears.txt"]
action = "reject"
summary = "Swearing."
reason = "it contains swearing."

[[rule]]
id = "volume.person"
house_rule = 4
kind = "volume"
limit = 5
window_hours = 24
action = "hold"
summary = "Over the limit."
reason = "you have posted a lot."
"#;

    #[test]
    fn compiles_and_versions() {
        let rules = RuleSet::compile(&files(GOOD)).unwrap();
        assert!(rules.version().starts_with("t1+"));
        assert_eq!(rules.limits().lookback_seconds, 86_400);
        assert_eq!(rules.rules().len(), 2);
    }

    fn error(toml: &str) -> RuleError {
        RuleSet::compile(&files(toml)).unwrap_err()
    }

    #[test]
    fn errors_name_the_file_line_and_problem() {
        let e = error(&GOOD.replace("kind = \"volume\"", "kind = \"volumes\""));
        assert_eq!((e.file.as_str(), e.line), ("house-rules.toml", 17));
        assert!(e.message.contains("unknown kind `volumes`"), "{e}");

        let e = error(&GOOD.replace("lists/swears.txt", "lists/missing.txt"));
        assert_eq!(e.line, 9);
        assert!(
            e.message
                .contains("list file `lists/missing.txt` not found"),
            "{e}"
        );

        let e = error(&GOOD.replace("action = \"reject\"", "action = \"delete\""));
        assert_eq!(e.line, 10);

        let e = error(&GOOD.replace("limit = 5\n", ""));
        assert!(e.message.contains("needs `limit`"), "{e}");

        let e = error(&GOOD.replace("house_rule = 4", "house_rule = \"four\""));
        assert_eq!(e.line, 16, "{e}");

        let e = error(&GOOD.replace("id = \"volume.person\"", "id = \"civility.swear\""));
        assert!(
            e.message.contains("already used at house-rules.toml:6"),
            "{e}"
        );

        let e = error(&format!(
            "{GOOD}\n[[rule]]\nid = \"x\"\nhouse_rule = 1\nkind = \"patterns\"\npatterns = [\"(unclosed\"]\naction = \"hold\"\nsummary = \"s\"\nreason = \"r\"\n"
        ));
        assert_eq!(e.line, 28, "{e}");
        assert!(e.message.contains("bad pattern"), "{e}");

        let e = error(&format!("{GOOD}\nsurprise = 1\n"));
        assert!(e.message.contains("unknown field `surprise`"), "{e}");

        // The framing patterns and actions are checked like every other key.
        let e = error(&GOOD.replace(
            "version = \"t1\"",
            "version = \"t1\"\ncounter_speech = '(unclosed'",
        ));
        assert_eq!(e.line, 4, "{e}");
        assert!(e.message.contains("bad counter_speech pattern"), "{e}");
        let e = error(&GOOD.replace(
            "action = \"reject\"",
            "action = \"reject\"\ncountered_action = \"ignore\"",
        ));
        assert_eq!(e.line, 11, "{e}");
        assert!(
            e.message
                .contains("countered_action must be publish, hold or reject"),
            "{e}"
        );
    }

    #[test]
    fn list_placeholders_expand_in_patterns() {
        let toml = format!(
            "{GOOD}\n[[rule]]\nid = \"x\"\nhouse_rule = 1\nkind = \"patterns\"\npatterns = ['\\byou (?:\\w+ ){{0,2}}{{swears}}\\b']\naction = \"reject\"\nsummary = \"s\"\nreason = \"r\"\n"
        );
        let rules = RuleSet::compile(&files(&toml)).unwrap();
        let Check::Patterns(kinds::Patterns { any, .. }) = &rules.rules()[2].check else {
            panic!("not patterns");
        };
        assert!(
            any.find(" you absolute shits ").is_some(),
            "{}",
            any.as_str()
        );
        assert!(any.find(" you absolute gem ").is_none());
    }
}
