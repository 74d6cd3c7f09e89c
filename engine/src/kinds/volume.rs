//! `volume`: too many comments by one person on the post within a window. A person is
//! the same e-mail key, or one network corroborated by a similar name or near-duplicate
//! text (see `linking`).

use super::{Compiling, Judging, Kind, Outcome, context, counted, describe_window, me};
use crate::linking;

/// Comments by one person on the post within a window.
#[derive(Debug)]
pub struct Volume {
    /// Comments allowed.
    pub limit: usize,
    /// Window in seconds.
    pub window: i64,
    /// Estimated Jaccard similarity at which text corroborates a shared network.
    pub similarity: f32,
}

impl Kind for Volume {
    fn compile(cx: &mut Compiling) -> Result<Self, crate::RuleError> {
        let (limit, window, similarity) = cx.linked_limit()?;
        Ok(Volume {
            limit,
            window,
            similarity,
        })
    }

    fn judge(&self, j: &Judging) -> Outcome {
        let prior = counted(j.facts.prior, self.window);
        // Fewer earlier comments than the limit: nobody can be over it.
        (prior.len() >= self.limit).then_some(())?;
        let links = linking::person(me(j), &prior, self.similarity, self.limit + 1);
        let earlier = links.count();
        (earlier >= self.limit).then_some(())?;
        j.fire(context(format!(
            "comment {} from this person on this post within {}; linked by: {}",
            earlier + 1,
            describe_window(self.window),
            links.describe()
        )))
    }

    fn lookback(&self) -> i64 {
        self.window
    }
}
