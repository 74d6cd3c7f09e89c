//! `rejected_share`: of the commenter's comments decided within `recent_days`, at least
//! `min_decided` are and a share of at least `share` were rejected (the caller hands in
//! their history). Trusted commenters are never held by it.

use super::{Compiling, Judging, Kind, Outcome, context};
use crate::Standing;

/// A commenter whose recent comments were mostly turned down.
#[derive(Debug)]
pub struct RejectedShare {
    /// Share of rejected comments, above 0 and at most 1.
    pub share: f32,
    /// Decided comments needed before the share counts: one rejection is no pattern.
    pub min_decided: usize,
    /// Window in seconds.
    pub window: i64,
    /// The window as the rule gives it, for the evidence.
    pub days: f64,
}

impl Kind for RejectedShare {
    fn compile(cx: &mut Compiling) -> Result<Self, crate::RuleError> {
        let share = cx.need(cx.def.share, "share")?;
        if !(share > 0.0 && share <= 1.0) {
            return Err(cx.err_here("share must be above 0 and at most 1 (0.5 is half)"));
        }
        let min_decided = cx.need(cx.def.min_decided, "min_decided")?;
        if min_decided == 0 {
            return Err(cx.err_here("min_decided must be at least 1"));
        }
        let days = cx.need(cx.def.recent_days, "recent_days")?;
        if !(days > 0.0 && days <= 3650.0) {
            return Err(cx.err_here("recent_days must be above 0 and at most 3650"));
        }
        Ok(RejectedShare {
            share,
            min_decided,
            window: (days * 86_400.0) as i64,
            days,
        })
    }

    fn judge(&self, j: &Judging) -> Outcome {
        let history = j.facts.history?;
        (j.facts.standing != Standing::Trusted).then_some(())?;
        let recent = history.recent.iter().filter(|d| d.age_seconds <= self.window);
        let (decided, rejected) = recent.fold((0usize, 0usize), |(n, r), d| {
            (n + 1, r + usize::from(d.rejected))
        });
        (decided >= self.min_decided && rejected as f32 >= self.share * decided as f32)
            .then_some(())?;
        j.fire(context(format!(
            "{rejected} of their {decided} comments decided in the last {} days were rejected",
            self.days
        )))
    }

    fn history(&self) -> i64 {
        self.window
    }
}
