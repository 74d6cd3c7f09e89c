//! `patterns`: regular expressions over one view of the text. Every rule's patterns join
//! the view's pattern set, whose one pass says which rules can match; only those search
//! again, for the evidence.

use regex_syntax::hir::Hir;

use super::{Compiling, Judging, Kind, Outcome, evidence};
use crate::Field;
use crate::engine::Reading;
use crate::rules::{LazyRegex, SetMember, SetPattern, View};

/// Regular expressions; the first that matches is the evidence.
#[derive(Debug)]
pub struct Patterns {
    /// All the rule's patterns as one alternation: one pass finds the first match.
    pub any: LazyRegex,
    /// Which view.
    pub view: View,
    /// Fields searched.
    pub fields: Vec<Field>,
}

impl Kind for Patterns {
    fn compile(cx: &mut Compiling) -> Result<Self, crate::RuleError> {
        if cx.def.patterns.is_empty() {
            return Err(cx.err_here("needs `patterns`"));
        }
        let view = cx.view(cx.def.on.as_ref())?;
        let (expanded, hirs): (Vec<String>, Vec<Hir>) = cx
            .def
            .patterns
            .iter()
            .map(|p| {
                let (text, hir) = cx.pattern(p)?;
                cx.reachable(&hir, view, p.span())?;
                Ok((text, hir))
            })
            .collect::<Result<Vec<_>, _>>()?
            .into_iter()
            .unzip();
        // Each pattern was parsed on its own above (for errors naming its line);
        // together they are one alternation, for the set and for the evidence.
        let joined = expanded
            .iter()
            .map(|p| format!("(?:{p})"))
            .collect::<Vec<_>>()
            .join("|");
        cx.set_patterns.push(SetPattern {
            member: SetMember::Rule(cx.index),
            plain: view == View::Plain,
            hir: Hir::alternation(hirs),
        });
        Ok(Patterns {
            any: LazyRegex::new(joined),
            view,
            fields: cx.fields.clone(),
        })
    }

    fn judge(&self, j: &Judging) -> Outcome {
        let texts = j.texts;
        self.fields.iter().find_map(|field| {
            let readings: &[Reading] = match self.view {
                View::Plain => &[Reading::Plain],
                _ => &[Reading::Words, Reading::WordsAlt],
            };
            readings.iter().find_map(|&reading| {
                let mapped = texts.reading(*field, reading)?;
                if !texts
                    .set_matches(j.rules, *field, reading)
                    .contains(&SetMember::Rule(j.index))
                {
                    return None;
                }
                let m = self.any.find(&mapped.text)?;
                let (s, e) = mapped.origin(m.start(), m.end());
                j.fire(evidence(*field, texts.raw(*field), s, e))
            })
        })
    }
}
