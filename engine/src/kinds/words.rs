//! `words`: word and phrase lists, matched for every rule at once by the shared
//! automaton (see `matchers::ListMatcher`).

use super::{Compiling, Judging, Kind, Outcome, evidence};
use crate::Field;

/// Word and phrase lists.
#[derive(Debug)]
pub struct Words {
    /// Fields searched.
    pub fields: Vec<Field>,
}

impl Kind for Words {
    fn compile(cx: &mut Compiling) -> Result<Self, crate::RuleError> {
        for e in cx.list_entries()? {
            cx.word_entries.push((cx.index, e));
        }
        Ok(Words {
            fields: cx.fields.clone(),
        })
    }

    fn judge(&self, j: &Judging) -> Outcome {
        self.fields.iter().find_map(|field| {
            let found = match field {
                Field::Body => &j.texts.body_lists,
                Field::Author => &j.texts.author_lists,
                _ => return None,
            };
            let hit = found.iter().find(|h| h.tag == j.index)?;
            j.fire(evidence(*field, j.texts.raw(*field), hit.start, hit.end))
        })
    }
}
