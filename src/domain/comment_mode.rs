//! How a post takes comments, as staff set it on the Threads page.

use serde::Serialize;

/// A post's comment mode. Stored as its lower-case name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CommentMode {
    /// Open until the post is older than `archive_after_days`, then closed.
    Auto,
    /// Open whatever the post's age.
    Open,
    /// Closed, with staff's optional note in place of the form.
    Closed,
    /// Open whatever the post's age, but every comment the engine would publish is held
    /// for a moderator (pieces naming people or covering live cases).
    Held,
}

impl CommentMode {
    /// Every mode, in the order the Threads page offers them.
    pub const ALL: [CommentMode; 4] = [
        CommentMode::Auto,
        CommentMode::Open,
        CommentMode::Held,
        CommentMode::Closed,
    ];

    /// The name stored and sent by the form.
    pub fn as_str(self) -> &'static str {
        match self {
            CommentMode::Auto => "auto",
            CommentMode::Open => "open",
            CommentMode::Closed => "closed",
            CommentMode::Held => "held",
        }
    }

    /// What the Threads page calls it.
    pub fn label(self) -> &'static str {
        match self {
            CommentMode::Auto => "follow the archive rule",
            CommentMode::Open => "open",
            CommentMode::Closed => "closed",
            CommentMode::Held => "open, every comment held for a moderator",
        }
    }
}

stored_as_text!(CommentMode, "comment mode");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_back() {
        for m in CommentMode::ALL {
            assert_eq!(CommentMode::parse(m.as_str()), Some(m));
        }
        assert_eq!(CommentMode::parse("Closed"), None);
        assert!(CommentMode::try_from("ajar".to_owned()).is_err());
    }
}
