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
    /// Every role, in the order the accounts form offers them.
    pub const ALL: [Role; 3] = [Role::Author, Role::Moderator, Role::Admin];

    /// What the role may do, as the accounts form says it.
    pub fn description(self) -> &'static str {
        match self {
            Role::Author => "Author: writes and publishes own posts",
            Role::Moderator => "Moderator: clears the comment queue",
            Role::Admin => "Admin: everything, including accounts",
        }
    }

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

/// The store reads a role through this (`deserialize_as`); an unknown name is an error.
impl TryFrom<String> for Role {
    type Error = super::UnknownName;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        Role::parse(&s).ok_or(super::UnknownName {
            kind: "role",
            value: s,
        })
    }
}

/// The accounts form's role menu, with `chosen` selected.
pub fn role_options(chosen: Option<Role>) -> Vec<super::MenuOption> {
    Role::ALL
        .into_iter()
        .map(|r| super::MenuOption {
            value: r.as_str(),
            label: r.description(),
            selected: chosen == Some(r),
        })
        .collect()
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
