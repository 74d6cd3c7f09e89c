//! `flood_closed`: an earlier flood closed comments on the post (a fact the caller
//! hands in).

use super::{Compiling, Judging, Kind, Outcome, context};

/// The thread was closed by an earlier flood.
#[derive(Debug)]
pub struct FloodClosed;

impl Kind for FloodClosed {
    fn compile(_: &mut Compiling) -> Result<Self, crate::RuleError> {
        Ok(FloodClosed)
    }

    fn judge(&self, j: &Judging) -> Outcome {
        j.facts
            .thread_flood_closed
            .then_some(())
            .and_then(|()| j.fire(context("comments on this post were closed after a flood".into())))
    }
}
