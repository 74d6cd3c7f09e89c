//! Plain validated types shared by the services, the store and the templates.

/// Gives a text-backed enum (one with `ALL` and `as_str`) its `parse` and the
/// `TryFrom<String>` that the store's `deserialize_as` reads rows with.
macro_rules! stored_as_text {
    ($ty:ident, $kind:literal) => {
        impl $ty {
            /// Reads a stored or submitted name.
            pub fn parse(s: &str) -> Option<$ty> {
                $ty::ALL.into_iter().find(|v| v.as_str() == s)
            }
        }

        impl TryFrom<String> for $ty {
            type Error = $crate::domain::UnknownName;

            fn try_from(s: String) -> Result<Self, Self::Error> {
                $ty::parse(&s).ok_or($crate::domain::UnknownName {
                    kind: $kind,
                    value: s,
                })
            }
        }
    };
}

pub mod appeal_outcome;
pub mod audit_target;
pub mod comment;
pub mod comment_mode;
pub mod comment_status;
pub mod html;
pub mod post;
pub mod post_status;
pub mod report;
pub mod role;
pub mod slug;
pub mod text;
pub mod user;
pub mod user_agent;

pub use appeal_outcome::AppealOutcome;
pub use audit_target::AuditTarget;
pub use comment::{CommentInput, NewComment};
pub use comment_mode::CommentMode;
pub use comment_status::CommentStatus;
pub use html::SafeHtml;
pub use post::{PostDraft, PostInput};
pub use post_status::PostStatus;
pub use report::{ReportOutcome, ReportReason};
pub use role::Role;
pub use slug::Slug;

use std::collections::BTreeMap;

/// One choice of a menu (a `<select>`): the value sent, what it says, and whether it is
/// the one chosen, so templates never compare names.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MenuOption {
    /// The submitted value.
    pub value: &'static str,
    /// What the menu shows.
    pub label: &'static str,
    /// The one chosen.
    pub selected: bool,
}

/// Form errors keyed by field name, with a sentence for the reader beside each.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldErrors(pub BTreeMap<&'static str, String>);

impl FieldErrors {
    /// Records a problem with one field (the first one said wins).
    pub fn add(&mut self, field: &'static str, message: impl Into<String>) {
        self.0.entry(field).or_insert_with(|| message.into());
    }

    /// True when every field passed.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// A stored value that names no variant of a text-backed enum (a damaged row).
#[derive(Debug, thiserror::Error)]
#[error("unknown {kind} `{value}`")]
pub struct UnknownName {
    /// What was being read, e.g. `comment status`.
    pub kind: &'static str,
    /// The value found.
    pub value: String,
}
