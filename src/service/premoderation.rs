//! Pre-moderation: a post in the `held` comment mode, or the whole site while an admin's
//! switch is on, holds every comment the engine would publish, so a moderator reads it
//! before it appears. The engine's verdict is kept whole; the hold is one more hit on it,
//! with a reason the commenter reads and the switch that held it for moderators. A
//! comment the engine holds keeps its own reason, and one it rejects stays rejected.

use super::ServiceResult;
use crate::domain::CommentMode;
use crate::moderation::{Action, Evidence, Field, Hit, HouseRule, Verdict};
use crate::storage::DbConn;
use crate::storage::posts::PostRow;

/// Why every comment is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Premoderation {
    /// The post's comment mode is `held`.
    Post,
    /// An admin's site-wide switch.
    Site,
}

impl Premoderation {
    /// Whether comments on `post` are held, and why (the post's own mode first).
    pub fn of(conn: &mut DbConn, post: &PostRow) -> ServiceResult<Option<Premoderation>> {
        if post.comment_mode == CommentMode::Held {
            Ok(Some(Premoderation::Post))
        } else if super::pause::comments_held(conn)? {
            Ok(Some(Premoderation::Site))
        } else {
            Ok(None)
        }
    }

    /// What the comment form and the held comment's author are told.
    pub fn notice(self) -> &'static str {
        match self {
            Premoderation::Post => {
                "Comments on this post are read by a moderator before they appear."
            }
            Premoderation::Site => {
                "Comments on this site are read by a moderator before they appear, for the moment."
            }
        }
    }

    /// The hit recorded on a comment it held.
    fn hit(self) -> Hit {
        let (rule, summary, fact) = match self {
            Premoderation::Post => (
                "premoderation.post",
                "Pre-moderation: every comment on this post is held for a moderator.",
                "the post's comment mode holds every comment",
            ),
            Premoderation::Site => (
                "premoderation.site",
                "Pre-moderation: the site-wide switch holds every comment for a moderator.",
                "the site-wide switch holds every comment",
            ),
        };
        Hit {
            rule: rule.to_owned(),
            house_rule: HouseRule::LEGAL,
            action: Action::Hold,
            evidence: Some(Evidence {
                field: Field::Context,
                start: 0,
                end: 0,
                text: fact.to_owned(),
            }),
            summary: summary.to_owned(),
            reason: self.notice().to_owned(),
        }
    }

    /// Holds a comment the engine would publish, saying why first in its hits.
    pub fn apply(self, verdict: &mut Verdict) {
        if verdict.action == Action::Publish {
            verdict.action = Action::Hold;
            verdict.hits.insert(0, self.hit());
        }
    }
}
