//! `group_volume`: too many comments on the post within a window from a cluster of
//! commenters linked as `volume` links one person, followed from comment to comment.

use super::{Compiling, Judging, Kind, Outcome, context, counted, describe_window, me};
use crate::linking;

/// Comments by a cluster of linked commenters on the post within a window.
#[derive(Debug)]
pub struct GroupVolume {
    /// Comments allowed.
    pub limit: usize,
    /// Window in seconds.
    pub window: i64,
    /// See [`super::Volume`].
    pub similarity: f32,
}

impl Kind for GroupVolume {
    fn compile(cx: &mut Compiling) -> Result<Self, crate::RuleError> {
        let (limit, window, similarity) = cx.linked_limit()?;
        Ok(GroupVolume {
            limit,
            window,
            similarity,
        })
    }

    fn judge(&self, j: &Judging) -> Outcome {
        let prior = counted(j.facts.prior, self.window);
        (prior.len() >= self.limit).then_some(())?;
        let links = linking::group(me(j), &prior, self.similarity, self.limit);
        let earlier = links.count();
        (earlier >= self.limit).then_some(())?;
        j.fire(context(format!(
            "comment {}{} from a cluster of linked commenters on this post within {}; linked by: {}",
            earlier + 1,
            if links.stopped { " or later" } else { "" },
            describe_window(self.window),
            links.describe()
        )))
    }

    fn lookback(&self) -> i64 {
        self.window
    }
}
