//! `flood`: near-duplicate comments on the post within a window, from anyone; the one
//! that reaches the count closes the thread when the rule says so.

use super::{Compiling, Judging, Kind, Outcome, context, describe_window};

/// Near-duplicate comments on the post within a window.
#[derive(Debug)]
pub struct Flood {
    /// Estimated Jaccard similarity that counts as a near-duplicate.
    pub similarity: f32,
    /// The near-duplicate that closes the thread (5 = the fifth).
    pub count: usize,
    /// Window in seconds.
    pub window: i64,
}

impl Kind for Flood {
    fn compile(cx: &mut Compiling) -> Result<Self, crate::RuleError> {
        let similarity = cx.similarity(cx.need(cx.def.similarity, "similarity")?)?;
        Ok(Flood {
            similarity,
            count: cx.need(cx.def.count, "count")?.max(1),
            window: cx.window()?,
        })
    }

    fn judge(&self, j: &Judging) -> Outcome {
        let near = j
            .facts
            .prior
            .iter()
            .filter(|p| p.age_seconds <= self.window)
            .filter(|p| p.fingerprint.similarity(j.fingerprint) >= self.similarity)
            .count();
        (near + 1 >= self.count).then_some(())?;
        j.fire(context(format!(
            "near-duplicate number {} on this post within {}",
            near + 1,
            describe_window(self.window)
        )))
    }

    fn lookback(&self) -> i64 {
        self.window
    }
}
