//! Plain validated types shared by the services, the store and the templates.

pub mod comment;
pub mod comment_mode;
pub mod comment_status;
pub mod html;
pub mod post;
pub mod post_status;
pub mod role;
pub mod slug;
pub mod text;
pub mod user;

pub use comment::{CommentInput, NewComment};
pub use comment_mode::CommentMode;
pub use comment_status::CommentStatus;
pub use html::SafeHtml;
pub use post::{PostDraft, PostInput};
pub use post_status::PostStatus;
pub use role::Role;
pub use slug::Slug;

use std::collections::BTreeMap;

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
