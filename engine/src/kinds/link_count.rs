//! `link_count`: more links in the body than allowed; the first link over the limit is
//! the evidence.

use super::{Compiling, Judging, Kind, Outcome, evidence};
use crate::Field;

/// More links in the body than allowed.
#[derive(Debug)]
pub struct LinkCount {
    /// Links allowed.
    pub max: usize,
}

impl Kind for LinkCount {
    fn compile(cx: &mut Compiling) -> Result<Self, crate::RuleError> {
        Ok(LinkCount {
            max: cx.need(cx.def.max, "max")?,
        })
    }

    fn judge(&self, j: &Judging) -> Outcome {
        let first = j.texts.body_links.get(self.max)?;
        j.fire(evidence(
            Field::Body,
            j.texts.submission.body,
            first.start,
            first.end,
        ))
    }
}
