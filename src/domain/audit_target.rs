//! What an audit entry was done to.

use serde::Serialize;

/// The kind of thing an audit entry names. Stored as its lower-case name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AuditTarget {
    /// A comment (also for bans and trust marks given on one).
    Comment,
    /// A post.
    Post,
    /// A staff account.
    User,
    /// A ban, when it is lifted.
    Ban,
    /// A site-wide setting.
    Setting,
    /// A WordPress import.
    Import,
}

impl AuditTarget {
    /// Every kind, in the order the audit log's filter offers them.
    pub const ALL: [AuditTarget; 6] = [
        AuditTarget::Comment,
        AuditTarget::Post,
        AuditTarget::User,
        AuditTarget::Ban,
        AuditTarget::Setting,
        AuditTarget::Import,
    ];

    /// The name stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            AuditTarget::Comment => "comment",
            AuditTarget::Post => "post",
            AuditTarget::User => "user",
            AuditTarget::Ban => "ban",
            AuditTarget::Setting => "setting",
            AuditTarget::Import => "import",
        }
    }

    /// The staff page about target `id` of this kind, where there is one.
    pub fn page(self, id: i64) -> Option<String> {
        match self {
            AuditTarget::Comment => Some(format!("/admin/comments/{id}")),
            AuditTarget::Post => Some(format!("/admin/posts/{id}/edit")),
            _ => None,
        }
    }
}

stored_as_text!(AuditTarget, "audit target");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_back() {
        for t in AuditTarget::ALL {
            assert_eq!(AuditTarget::try_from(t.as_str().to_owned()).ok(), Some(t));
        }
        assert!(AuditTarget::try_from("commenter".to_owned()).is_err());
    }
}
