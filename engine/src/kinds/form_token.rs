//! `form_token`: the signed form token is missing, forged or reused (the caller reads
//! the token and hands in what it found).

use super::{Compiling, Judging, Kind, Outcome, context};
use crate::FormTiming;

/// The signed form token is missing, forged or reused.
#[derive(Debug)]
pub struct FormToken;

impl Kind for FormToken {
    fn compile(_: &mut Compiling) -> Result<Self, crate::RuleError> {
        Ok(FormToken)
    }

    fn judge(&self, j: &Judging) -> Outcome {
        match j.texts.submission.timing {
            FormTiming::Seconds(_) => None,
            FormTiming::Missing => j.fire(context("the form token is missing".into())),
            FormTiming::Invalid => {
                j.fire(context("the form token is not valid for this post".into()))
            }
            FormTiming::Replayed => j.fire(context("the form token was already used".into())),
        }
    }
}
