//! `too_fast`: submitted sooner after the page was shown than a person reads and types.

use super::{Compiling, Judging, Kind, Outcome, context};
use crate::FormTiming;

/// Submitted faster than a person reads and types.
#[derive(Debug)]
pub struct TooFast {
    /// Seconds.
    pub min_seconds: f64,
}

impl Kind for TooFast {
    fn compile(cx: &mut Compiling) -> Result<Self, crate::RuleError> {
        Ok(TooFast {
            min_seconds: cx.need(cx.def.min_seconds, "min_seconds")?,
        })
    }

    fn judge(&self, j: &Judging) -> Outcome {
        match j.texts.submission.timing {
            FormTiming::Seconds(s) if s < self.min_seconds => j.fire(context(format!(
                "submitted {s:.1} s after the page was shown"
            ))),
            _ => None,
        }
    }
}
