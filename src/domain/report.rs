//! Readers' reports on published comments: why a reader reports one, and how a
//! moderator ended the reports.

use serde::Serialize;

/// Why a reader reports a comment. Stored as its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportReason {
    /// Abusive or hateful (house rule 1).
    Abusive,
    /// Spam or advertising (house rule 3).
    Spam,
    /// Not about the article (house rule 3).
    OffTopic,
    /// Defamatory or otherwise unlawful (house rule 2): a notice under the EU Digital
    /// Services Act, which hides the comment at once.
    Unlawful,
    /// Something else, said in a note.
    Other,
}

impl ReportReason {
    /// Every reason, in the order the form offers them.
    pub const ALL: [ReportReason; 5] = [
        ReportReason::Abusive,
        ReportReason::Spam,
        ReportReason::OffTopic,
        ReportReason::Unlawful,
        ReportReason::Other,
    ];

    /// The name stored and sent by the form.
    pub fn as_str(self) -> &'static str {
        match self {
            ReportReason::Abusive => "abusive",
            ReportReason::Spam => "spam",
            ReportReason::OffTopic => "off_topic",
            ReportReason::Unlawful => "unlawful",
            ReportReason::Other => "other",
        }
    }

    /// What the form and the queue call it.
    pub fn label(self) -> &'static str {
        match self {
            ReportReason::Abusive => "Abusive or hateful",
            ReportReason::Spam => "Spam or advertising",
            ReportReason::OffTopic => "Off-topic",
            ReportReason::Unlawful => "Defamatory or unlawful",
            ReportReason::Other => "Something else",
        }
    }

    /// The reader must say what is wrong (a legal notice, or a reason of their own).
    pub fn needs_detail(self) -> bool {
        matches!(self, ReportReason::Unlawful | ReportReason::Other)
    }

    /// One report is enough to hide the comment while a moderator reviews it: the
    /// organisation carries the legal risk of leaving it up (house rule 2).
    pub fn hides_at_once(self) -> bool {
        self == ReportReason::Unlawful
    }
}

stored_as_text!(ReportReason, "report reason");

/// How a comment's reports ended. Stored as its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ReportOutcome {
    /// A moderator found nothing wrong: the comment stays (and is shown again).
    Dismissed,
    /// A moderator approved the comment: it stays.
    Approved,
    /// A moderator rejected the comment: it is no longer on the post.
    Rejected,
    /// A moderator rejected it as spam.
    Spam,
}

impl ReportOutcome {
    /// Every outcome.
    pub const ALL: [ReportOutcome; 4] = [
        ReportOutcome::Dismissed,
        ReportOutcome::Approved,
        ReportOutcome::Rejected,
        ReportOutcome::Spam,
    ];

    /// The name stored.
    pub fn as_str(self) -> &'static str {
        match self {
            ReportOutcome::Dismissed => "dismissed",
            ReportOutcome::Approved => "approved",
            ReportOutcome::Rejected => "rejected",
            ReportOutcome::Spam => "spam",
        }
    }

    /// The comment came off the post.
    pub fn removed(self) -> bool {
        matches!(self, ReportOutcome::Rejected | ReportOutcome::Spam)
    }
}

stored_as_text!(ReportOutcome, "report outcome");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_back() {
        for r in ReportReason::ALL {
            assert_eq!(ReportReason::parse(r.as_str()), Some(r));
        }
        for o in ReportOutcome::ALL {
            assert_eq!(ReportOutcome::parse(o.as_str()), Some(o));
        }
        assert!(ReportReason::try_from("rude".to_owned()).is_err());
        assert!(ReportReason::Unlawful.hides_at_once() && ReportReason::Other.needs_detail());
        assert!(!ReportReason::Spam.needs_detail());
    }
}
