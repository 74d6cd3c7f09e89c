//! Whether a post is out: the stored half of a post's state (the other half is its time).

/// A post's stored status. Stored as its lower-case name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PostStatus {
    /// Not on the site.
    Draft,
    /// On the site from its publication time (scheduled until then).
    Published,
}

impl PostStatus {
    /// Every status.
    pub const ALL: [PostStatus; 2] = [PostStatus::Draft, PostStatus::Published];

    /// The name stored.
    pub fn as_str(self) -> &'static str {
        match self {
            PostStatus::Draft => "draft",
            PostStatus::Published => "published",
        }
    }
}

stored_as_text!(PostStatus, "post status");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_back() {
        for s in [PostStatus::Draft, PostStatus::Published] {
            assert_eq!(PostStatus::try_from(s.as_str().to_owned()).ok(), Some(s));
        }
        assert!(PostStatus::try_from("pending".to_owned()).is_err());
    }
}
