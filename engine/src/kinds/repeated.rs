//! `repeated`: one character run on and on, or the same words over and over.

use super::{Compiling, Judging, Kind, Outcome, context, evidence};
use crate::{Field, matchers};

/// The same character or words over and over.
#[derive(Debug)]
pub struct Repeated {
    /// Longest run of one character allowed.
    pub max_char_run: usize,
    /// Largest share of repeated words allowed.
    pub max_repeat_share: f32,
    /// Words needed before judging the share.
    pub min_words: usize,
}

impl Kind for Repeated {
    fn compile(cx: &mut Compiling) -> Result<Self, crate::RuleError> {
        Ok(Repeated {
            max_char_run: cx.need(cx.def.max_char_run, "max_char_run")?,
            max_repeat_share: cx.need(cx.def.max_repeat_share, "max_repeat_share")?,
            min_words: cx.need(cx.def.min_words, "min_words")?,
        })
    }

    fn judge(&self, j: &Judging) -> Outcome {
        let body = j.texts.submission.body;
        let (run, at) = if matchers::run_may_exceed(body, self.max_char_run) {
            matchers::longest_char_run(body)
        } else {
            (0, 0)
        };
        if run > self.max_char_run {
            let end = body[at..]
                .char_indices()
                .nth(run)
                .map_or(body.len(), |(i, _)| at + i);
            return j.fire(evidence(Field::Body, body, at, end));
        }
        let (share, words) = matchers::repeated_word_share(&j.texts.body.hashes);
        (words >= self.min_words && share > self.max_repeat_share).then_some(())?;
        j.fire(context(format!(
            "{:.0}% of {words} words are repeats",
            share * 100.0
        )))
    }
}
