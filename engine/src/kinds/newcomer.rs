//! `newcomer`: the commenter has fewer comments standing published than `until_approved`
//! (the caller hands in their history). `until_approved = 0` turns the rule off; trusted
//! commenters are never held by it.

use super::{Compiling, Judging, Kind, Outcome, context};
use crate::Standing;

/// A commenter the site does not know yet.
#[derive(Debug)]
pub struct Newcomer {
    /// Published comments a commenter needs before this rule lets theirs through.
    pub until_approved: u32,
}

impl Kind for Newcomer {
    fn compile(cx: &mut Compiling) -> Result<Self, crate::RuleError> {
        Ok(Newcomer {
            until_approved: cx.need(cx.def.until_approved, "until_approved")?,
        })
    }

    fn judge(&self, j: &Judging) -> Outcome {
        let history = j.facts.history?;
        (j.facts.standing != Standing::Trusted && history.published < self.until_approved)
            .then_some(())?;
        j.fire(context(format!(
            "{} of their comments published so far; comments are held until {} are",
            history.published, self.until_approved
        )))
    }
}
