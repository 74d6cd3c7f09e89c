//! `staff_names`: the name field uses a staff member's display name (the caller hands
//! the names in with the facts).

use super::{Compiling, Judging, Kind, Outcome, evidence};
use crate::{Field, normalize};

/// The name field uses a staff member's display name.
#[derive(Debug)]
pub struct StaffName;

impl Kind for StaffName {
    fn compile(_: &mut Compiling) -> Result<Self, crate::RuleError> {
        Ok(StaffName)
    }

    fn judge(&self, j: &Judging) -> Outcome {
        let name = j.texts.author.words.text.trim();
        let raw = j.texts.raw(Field::Author);
        j.facts.staff_names.iter().find_map(|staff| {
            let staff = normalize::fold(staff);
            (!name.is_empty() && staff.words.text.trim() == name).then_some(())?;
            j.fire(evidence(Field::Author, raw, 0, raw.len()))
        })
    }
}
