//! The rule kinds: one module per kind, holding how the kind is read from a rule file
//! (its keys, checked with file and line) and how it judges a comment. Adding a kind is
//! a module here and a line in the `kinds!` list below.

use std::ops::Range;

use regex_syntax::hir::Hir;
use toml::Spanned;

use super::engine::Texts;
use super::matchers::Entry;
use super::rules::{At, Lists, Rule, RuleDef, RuleError, SetPattern, View, expand_lists};
use super::{Action, Evidence, Facts, Field, Fingerprint, RuleSet};

/// What a kind found: the action it asks for and its evidence; `None` when it did not fire.
pub(crate) type Outcome = Option<(Action, Option<Evidence>)>;

/// A rule kind: read from its rule's keys, then asked about each comment.
pub(crate) trait Kind: Sized {
    /// Reads and checks the kind's keys.
    fn compile(cx: &mut Compiling) -> Result<Self, RuleError>;

    /// Judges one comment.
    fn judge(&self, j: &Judging) -> Outcome;

    /// How far back, in seconds, the earlier comments it reads go.
    fn lookback(&self) -> i64 {
        0
    }

    /// How far back, in seconds, the commenter's decided comments it reads go.
    fn history(&self) -> i64 {
        0
    }

    /// The lesson of moderators' decisions it learns from.
    fn lesson(&self) -> Option<&'static str> {
        None
    }
}

macro_rules! kinds {
    ($($name:literal => $variant:ident in $module:ident,)*) => {
        $(mod $module;)*
        $(pub use $module::$variant;)*

        /// What a rule checks: one variant per kind, each defined in its own module.
        #[derive(Debug)]
        pub enum Check {
            $(
                #[doc = concat!("Kind `", $name, "`.")]
                $variant($variant),
            )*
        }

        /// Every kind's name, as rule files spell it.
        pub const NAMES: &[&str] = &[$($name),*];

        impl Check {
            /// Compiles a rule of the named kind; `None` for a name that is no kind.
            pub(crate) fn compile(
                kind: &str,
                cx: &mut Compiling,
            ) -> Option<Result<Check, RuleError>> {
                match kind {
                    $($name => Some(<$variant as Kind>::compile(cx).map(Check::$variant)),)*
                    _ => None,
                }
            }

            /// Judges one comment (a `model` rule is judged by `evaluate`, which needs
            /// the other hits).
            pub(crate) fn judge(&self, j: &Judging) -> Outcome {
                match self {
                    $(Check::$variant(k) => k.judge(j),)*
                }
            }

            /// See [`Kind::lookback`].
            pub(crate) fn lookback(&self) -> i64 {
                match self {
                    $(Check::$variant(k) => k.lookback(),)*
                }
            }

            /// See [`Kind::history`].
            pub(crate) fn history(&self) -> i64 {
                match self {
                    $(Check::$variant(k) => k.history(),)*
                }
            }

            /// See [`Kind::lesson`].
            pub(crate) fn lesson(&self) -> Option<&'static str> {
                match self {
                    $(Check::$variant(k) => k.lesson(),)*
                }
            }
        }
    };
}

kinds! {
    "words" => Words in words,
    "patterns" => Patterns in patterns,
    "signals" => Signals in signals,
    "staff_names" => StaffName in staff_names,
    "link_count" => LinkCount in link_count,
    "domains" => Domains in domains,
    "honeypot" => Honeypot in honeypot,
    "form_token" => FormToken in form_token,
    "too_fast" => TooFast in too_fast,
    "shouting" => Shouting in shouting,
    "repeated" => Repeated in repeated,
    "off_topic" => OffTopic in off_topic,
    "volume" => Volume in volume,
    "group_volume" => GroupVolume in group_volume,
    "flood" => Flood in flood,
    "flood_closed" => FloodClosed in flood_closed,
    "banned" => Banned in banned,
    "newcomer" => Newcomer in newcomer,
    "rejected_share" => RejectedShare in rejected_share,
    "model" => Model in model,
}

mod reachable;

pub(crate) use model::{ModelScratch, judge_model};
pub(crate) use off_topic::RememberedPost;

/// One rule being compiled: its keys, and what the rule set gathers from every rule.
pub(crate) struct Compiling<'a> {
    pub(crate) at: &'a At<'a>,
    pub(crate) lists: &'a Lists<'a>,
    pub(crate) def: &'a RuleDef,
    /// The rule's place in the set.
    pub(crate) index: usize,
    pub(crate) id: &'a str,
    pub(crate) id_span: Range<usize>,
    /// The `fields` key, read (the body when not given).
    pub(crate) fields: Vec<Field>,
    /// Word-list entries for the shared automaton, tagged with their rule's place.
    pub(crate) word_entries: &'a mut Vec<(usize, Entry)>,
    /// Patterns for the shared pattern sets.
    pub(crate) set_patterns: &'a mut Vec<SetPattern>,
}

impl Compiling<'_> {
    /// An error at `span` that names the rule.
    pub(crate) fn err(&self, span: Range<usize>, message: impl std::fmt::Display) -> RuleError {
        self.at.err(span, format!("rule `{}`: {message}", self.id))
    }

    /// An error at the rule's id.
    pub(crate) fn err_here(&self, message: impl std::fmt::Display) -> RuleError {
        self.err(self.id_span.clone(), message)
    }

    /// A key the kind cannot do without.
    pub(crate) fn need<T>(&self, value: Option<T>, key: &str) -> Result<T, RuleError> {
        value.ok_or_else(|| {
            self.err_here(format!("kind `{}` needs `{key}`", self.def.kind.get_ref()))
        })
    }

    /// The window from `window_hours` or `window_minutes` (one of them), in seconds.
    pub(crate) fn window(&self) -> Result<i64, RuleError> {
        match (self.def.window_hours, self.def.window_minutes) {
            (Some(h), None) if h > 0.0 => Ok((h * 3600.0) as i64),
            (None, Some(m)) if m > 0.0 => Ok((m * 60.0) as i64),
            _ => {
                Err(self
                    .err_here("give a positive `window_hours` or `window_minutes` (one of them)"))
            }
        }
    }

    /// The keys of the kinds that count linked comments: `limit`, the window and the
    /// similarity that links a shared network (see `linking`).
    pub(crate) fn linked_limit(&self) -> Result<(usize, i64, f32), RuleError> {
        let similarity = self
            .def
            .similarity
            .unwrap_or(super::rules::DEFAULT_LINK_SIMILARITY);
        Ok((
            self.need(self.def.limit, "limit")?,
            self.window()?,
            self.similarity(similarity)?,
        ))
    }

    /// A similarity between 0.05 and 1.
    pub(crate) fn similarity(&self, s: f32) -> Result<f32, RuleError> {
        if (0.05..=1.0).contains(&s) {
            Ok(s)
        } else {
            Err(self.err_here("similarity must be between 0.05 and 1"))
        }
    }

    /// The view an `on` key names (the words when not given).
    pub(crate) fn view(&self, on: Option<&Spanned<String>>) -> Result<View, RuleError> {
        match on.map(|s| (s.get_ref().as_str(), s.span())) {
            None | Some(("words", _)) => Ok(View::Words),
            Some(("text", _)) => Ok(View::Plain),
            Some((other, span)) => Err(self.err(
                span,
                format!("`on` must be `words` or `text`, not `{other}`"),
            )),
        }
    }

    /// The entries of the list files the `lists` key names.
    pub(crate) fn list_entries(&self) -> Result<Vec<Entry>, RuleError> {
        let paths = &self.def.lists;
        if paths.is_empty() {
            return Err(self.err_here("needs `lists`"));
        }
        let mut out = Vec::new();
        for p in paths {
            let entries = self.lists.by_path.get(p.get_ref()).ok_or_else(|| {
                self.err(p.span(), format!("list file `{}` not found", p.get_ref()))
            })?;
            out.extend(entries.iter().cloned());
        }
        Ok(out)
    }

    /// An error if a pattern for `view` can never match it (see `reachable`).
    pub(crate) fn reachable(
        &self,
        hir: &Hir,
        view: View,
        span: Range<usize>,
    ) -> Result<(), RuleError> {
        if view == View::Plain {
            return Ok(());
        }
        match reachable::never_in_words_view(hir) {
            None => Ok(()),
            Some(why) => Err(self.err(span, format!("a pattern that can never match: {why}"))),
        }
    }

    /// A pattern with its `{list}` references expanded, and its parse (which the pattern
    /// sets compile, so no pattern is parsed twice).
    pub(crate) fn pattern(&self, p: &Spanned<String>) -> Result<(String, Hir), RuleError> {
        let expanded = expand_lists(p.get_ref(), self.lists).map_err(|m| self.err(p.span(), m))?;
        // ASCII word boundaries: the views are folded to ASCII for Latin text, and
        // Unicode `\b` would force the regex crate off its fast DFA on any other byte.
        let expanded = expanded
            .replace("\\b", "(?-u:\\b)")
            .replace("\\w", "[0-9A-Za-z_]")
            .replace("\\d", "[0-9]")
            .replace("\\s", "[\\t\\n\\r ]");
        // Parsed here, so a mistake names its line.
        regex_syntax::Parser::new()
            .parse(&expanded)
            .map_err(|e| self.err(p.span(), format!("bad pattern: {e}")))
            .map(|hir| (expanded, hir))
    }
}

/// One rule judging one comment, with everything the kinds read.
pub(crate) struct Judging<'a> {
    pub(crate) rules: &'a RuleSet,
    pub(crate) rule: &'a Rule,
    /// The rule's place in the set (list hits and pattern-set members carry it).
    pub(crate) index: usize,
    pub(crate) texts: &'a Texts<'a>,
    pub(crate) facts: &'a Facts<'a>,
    pub(crate) fingerprint: &'a Fingerprint,
}

impl Judging<'_> {
    /// The rule fires with its own action.
    pub(crate) fn fire(&self, evidence: Option<Evidence>) -> Outcome {
        Some((self.rule.action, evidence))
    }
}

/// Evidence: a span of a field's raw text (clamped to it).
pub(crate) fn evidence(field: Field, text: &str, start: usize, end: usize) -> Option<Evidence> {
    let end = end.min(text.len());
    let start = start.min(end);
    Some(Evidence {
        field,
        start,
        end,
        text: text.get(start..end).unwrap_or_default().to_string(),
    })
}

/// Evidence that is a fact about the submission, not a span of it.
pub(crate) fn context(text: String) -> Option<Evidence> {
    Some(Evidence {
        field: Field::Context,
        start: 0,
        end: 0,
        text,
    })
}

/// The submission as the volume kinds' linking sees it.
fn me<'a>(j: &'a Judging) -> super::linking::Comment<'a> {
    super::linking::Comment {
        identity: j.facts.identity,
        author: j.texts.submission.author,
        fingerprint: j.fingerprint,
    }
}

/// Earlier comments inside the window that count towards volume (rejected ones do not:
/// they were never shown, so they did not crowd anyone out), most recent first.
fn counted(prior: &[super::Prior], window: i64) -> Vec<super::linking::Comment<'_>> {
    let mut inside: Vec<&super::Prior> = prior
        .iter()
        .filter(|p| p.age_seconds <= window && p.action != Action::Reject)
        .collect();
    inside.sort_by_key(|p| p.age_seconds);
    inside
        .into_iter()
        .map(super::linking::Comment::from)
        .collect()
}

/// A window for a reader: "2 hours", "30 minutes".
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
