//! Staff roles and what each may do.

use serde::Serialize;

/// A staff member's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Everything, including accounts and every post.
    Admin,
    /// The comment queue (from part 3 on).
    Moderator,
    /// Writes and publishes their own posts.
    Author,
}

impl Role {
    /// The name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Moderator => "moderator",
            Role::Author => "author",
        }
    }

    /// Reads a stored or typed role name.
    pub fn parse(s: &str) -> Option<Role> {
        match s.trim().to_ascii_lowercase().as_str() {
            "admin" => Some(Role::Admin),
            "moderator" => Some(Role::Moderator),
            "author" => Some(Role::Author),
            _ => None,
        }
    }

    /// May write and publish posts.
    pub fn can_write(self) -> bool {
        matches!(self, Role::Admin | Role::Author)
    }

    /// May edit posts written by others.
    pub fn can_edit_any_post(self) -> bool {
        self == Role::Admin
    }

    /// May moderate comments.
    pub fn can_moderate(self) -> bool {
        matches!(self, Role::Admin | Role::Moderator)
    }

    /// May manage staff accounts.
    pub fn can_manage_users(self) -> bool {
        self == Role::Admin
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_and_grant_the_right_powers() {
        for r in [Role::Admin, Role::Moderator, Role::Author] {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("root"), None);
        assert!(Role::Author.can_write() && !Role::Author.can_moderate());
        assert!(Role::Moderator.can_moderate() && !Role::Moderator.can_write());
        assert!(Role::Admin.can_edit_any_post() && !Role::Author.can_edit_any_post());
    }
}
