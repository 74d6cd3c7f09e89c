//! What readers see of a comment: published, held for a moderator, or rejected.

use serde::Serialize;

/// A comment's status. Stored as its lower-case name. The default is the queue's first
/// tab, the comments waiting for a moderator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CommentStatus {
    /// On the post.
    Published,
    /// Waiting for a moderator.
    #[default]
    Held,
    /// Not published (kept for review).
    Rejected,
}

impl CommentStatus {
    /// Every status, in the queue's tab order after the held one.
    pub const ALL: [CommentStatus; 3] = [
        CommentStatus::Held,
        CommentStatus::Published,
        CommentStatus::Rejected,
    ];

    /// The name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            CommentStatus::Published => "published",
            CommentStatus::Held => "held",
            CommentStatus::Rejected => "rejected",
        }
    }
}

impl std::fmt::Display for CommentStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

stored_as_text!(CommentStatus, "comment status");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_back() {
        for c in CommentStatus::ALL {
            assert_eq!(CommentStatus::parse(c.as_str()), Some(c));
            assert_eq!(c.to_string(), c.as_str());
        }
        assert!(CommentStatus::try_from("spam".to_owned()).is_err());
    }
}
