//! `honeypot`: the form's hidden field, which people never see, was filled in.

use super::{Compiling, Judging, Kind, Outcome, evidence};
use crate::Field;

/// The hidden field was filled in.
#[derive(Debug)]
pub struct Honeypot;

impl Kind for Honeypot {
    fn compile(_: &mut Compiling) -> Result<Self, crate::RuleError> {
        Ok(Honeypot)
    }

    fn judge(&self, j: &Judging) -> Outcome {
        let pot = j.texts.submission.honeypot;
        (!pot.trim().is_empty()).then_some(())?;
        j.fire(evidence(Field::Form, pot, 0, pot.len()))
    }
}
