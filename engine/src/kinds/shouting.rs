//! `shouting`: mostly capitals, once there are enough letters to judge.

use super::{Compiling, Judging, Kind, Outcome, context};
use crate::matchers;

/// Mostly capitals.
#[derive(Debug)]
pub struct Shouting {
    /// Letters needed before judging.
    pub min_letters: usize,
    /// Share of capitals.
    pub ratio: f32,
}

impl Kind for Shouting {
    fn compile(cx: &mut Compiling) -> Result<Self, crate::RuleError> {
        Ok(Shouting {
            min_letters: cx.need(cx.def.min_letters, "min_letters")?,
            ratio: cx.need(cx.def.ratio, "ratio")?,
        })
    }

    fn judge(&self, j: &Judging) -> Outcome {
        let (share, letters) = matchers::upper_ratio(j.texts.submission.body);
        (letters >= self.min_letters && share >= self.ratio).then_some(())?;
        j.fire(context(format!(
            "{:.0}% of {letters} letters are capitals",
            share * 100.0
        )))
    }
}
