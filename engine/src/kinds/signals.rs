//! `signals`: weighted patterns; the rule holds or rejects when the weights of those
//! that occur add up. Each signal joins its view's pattern set.

use super::{Compiling, Judging, Kind, Outcome, evidence};
use crate::engine::Reading;
use crate::rules::{LazyRegex, SetMember, SetPattern, View};
use crate::{Action, Field};

/// Weighted signals; the rule fires when their weights add up.
#[derive(Debug)]
pub struct Signals {
    /// Pattern, weight, view.
    pub signals: Vec<(LazyRegex, f32, View)>,
    /// Total weight that holds.
    pub hold_at: f32,
    /// Total weight that rejects.
    pub reject_at: f32,
}

/// Where a signal's view reads.
fn place(view: View) -> (Field, Reading) {
    match view {
        View::Words => (Field::Body, Reading::Words),
        View::Plain => (Field::Body, Reading::Plain),
        View::Author => (Field::Author, Reading::Words),
    }
}

impl Kind for Signals {
    fn compile(cx: &mut Compiling) -> Result<Self, crate::RuleError> {
        if cx.def.signals.is_empty() {
            return Err(cx.err_here("needs `signals`"));
        }
        let mut signals = Vec::new();
        for s in &cx.def.signals {
            let (p, hir) = cx.pattern(&s.pattern)?;
            let view = match s.on.as_deref() {
                None | Some("words") => View::Words,
                Some("text") => View::Plain,
                Some("author") => View::Author,
                Some(other) => {
                    return Err(cx.err(
                        s.pattern.span(),
                        format!("`on` must be `words`, `text` or `author`, not `{other}`"),
                    ));
                }
            };
            cx.reachable(&hir, view, s.pattern.span())?;
            cx.set_patterns.push(SetPattern {
                member: SetMember::Signal {
                    rule: cx.index,
                    signal: signals.len(),
                },
                plain: view == View::Plain,
                hir,
            });
            signals.push((LazyRegex::new(p), s.weight, view));
        }
        Ok(Signals {
            signals,
            hold_at: cx.need(cx.def.hold_at, "hold_at")?,
            reject_at: cx.def.reject_at.unwrap_or(f32::INFINITY),
        })
    }

    fn judge(&self, j: &Judging) -> Outcome {
        let texts = j.texts;
        // The view's one pass says which signals occur; only the first of them (in the
        // file's order) is searched again, for the evidence.
        let matched: Vec<bool> = self
            .signals
            .iter()
            .enumerate()
            .map(|(k, (_, _, view))| {
                let (field, reading) = place(*view);
                let member = SetMember::Signal {
                    rule: j.index,
                    signal: k,
                };
                texts.set_matches(j.rules, field, reading).contains(&member)
            })
            .collect();
        let total: f32 = self
            .signals
            .iter()
            .zip(&matched)
            .filter(|(_, m)| **m)
            .map(|((_, weight, _), _)| weight)
            .sum();
        let action = if total >= self.reject_at {
            Action::Reject
        } else if total >= self.hold_at {
            Action::Hold
        } else {
            return None;
        };
        let (re, _, view) = &self.signals[matched.iter().position(|m| *m)?];
        let (field, reading) = place(*view);
        let mapped = texts.reading(field, reading)?;
        let m = re.find(&mapped.text)?;
        let (s, e) = mapped.origin(m.start(), m.end());
        Some((
            action.min(j.rule.action),
            evidence(field, texts.raw(field), s, e),
        ))
    }
}
