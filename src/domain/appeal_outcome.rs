//! What a moderator decided on a commenter's appeal.

use serde::Serialize;

/// The decision on an appeal. Stored as its lower-case name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AppealOutcome {
    /// The rejection stands.
    Upheld,
    /// The comment is published after all.
    Published,
}

impl AppealOutcome {
    /// Every outcome, in the order the Appeals tab offers them.
    pub const ALL: [AppealOutcome; 2] = [AppealOutcome::Published, AppealOutcome::Upheld];

    /// The name stored and sent by the form.
    pub fn as_str(self) -> &'static str {
        match self {
            AppealOutcome::Upheld => "upheld",
            AppealOutcome::Published => "published",
        }
    }
}

stored_as_text!(AppealOutcome, "appeal outcome");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_back() {
        for o in AppealOutcome::ALL {
            assert_eq!(AppealOutcome::parse(o.as_str()), Some(o));
        }
        assert!(AppealOutcome::try_from("overturned".to_owned()).is_err());
    }
}
