//! `banned`: moderators banned the commenter (the caller hands in their standing).

use super::{Compiling, Judging, Kind, Outcome, context};
use crate::Standing;

/// Moderators banned the commenter.
#[derive(Debug)]
pub struct Banned;

impl Kind for Banned {
    fn compile(_: &mut Compiling) -> Result<Self, crate::RuleError> {
        Ok(Banned)
    }

    fn judge(&self, j: &Judging) -> Outcome {
        (j.facts.standing == Standing::Banned).then_some(())?;
        j.fire(context("the commenter is banned".into()))
    }
}
