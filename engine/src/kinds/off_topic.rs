//! `off_topic`: little in common with the post or the comment it answers (see
//! `relevance`). A post's vocabulary is remembered across comments.

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use super::{Compiling, Judging, Kind, Outcome, context};
use crate::relevance::Profile;
use crate::{PostContext, RuleSet, normalize};

/// Little in common with the post or the parent comment.
#[derive(Debug)]
pub struct OffTopic {
    /// Overlap below which a comment is off topic.
    pub threshold: f32,
    /// Content words needed before judging.
    pub min_words: usize,
    /// Share of English stop words needed before judging (other languages are skipped).
    pub min_english: f32,
}

impl Kind for OffTopic {
    fn compile(cx: &mut Compiling) -> Result<Self, crate::RuleError> {
        Ok(OffTopic {
            threshold: cx.need(cx.def.threshold, "threshold")?,
            min_words: cx.need(cx.def.min_words, "min_words")?,
            min_english: cx.need(cx.def.min_english, "min_english")?,
        })
    }

    fn judge(&self, j: &Judging) -> Outcome {
        let r = &j.rules.relevance;
        let post = post_profile(j.rules, &j.facts.post);
        let parent = j.facts.parent.map(|p| r.profile([&normalize::fold(p)]));
        let mut against = vec![post.as_ref()];
        against.extend(parent.as_ref());
        let score = r.score(&j.texts.body, &against);
        (score.content_words >= self.min_words
            && score.english >= self.min_english
            && score.overlap < self.threshold)
            .then_some(())?;
        j.fire(context(format!(
            "{:.0}% of the comment's words relate to the {} (threshold {:.0}%)",
            score.overlap * 100.0,
            if j.facts.parent.is_some() {
                "post or the comment it answers"
            } else {
                "post"
            },
            self.threshold * 100.0
        )))
    }
}

/// A post whose vocabulary the memo holds: its text is kept and compared, so two posts
/// whose hashes collide never share a vocabulary.
#[derive(Debug)]
pub(crate) struct RememberedPost {
    key: u64,
    title: String,
    body: String,
    tags: Vec<String>,
    profile: Arc<Profile>,
}

impl RememberedPost {
    fn is(&self, key: u64, post: &PostContext) -> bool {
        self.key == key
            && self.title == post.title
            && self.body == post.body
            && self.tags == post.tags
    }
}

/// The post's vocabulary, from the memo when the same post was seen recently.
fn post_profile(rules: &RuleSet, post: &PostContext) -> Arc<Profile> {
    const KEEP: usize = 64;
    let mut hasher = rustc_hash::FxHasher::default();
    (post.title, post.body, post.tags).hash(&mut hasher);
    let key = hasher.finish();
    if let Ok(memo) = rules.post_profiles.lock()
        && let Some(p) = memo.iter().find(|p| p.is(key, post))
    {
        return p.profile.clone();
    }
    let title = normalize::fold(post.title);
    let body = normalize::fold(post.body);
    let tags = normalize::fold(&post.tags.join(" "));
    let profile = Arc::new(rules.relevance.profile([&title, &body, &tags]));
    if let Ok(mut memo) = rules.post_profiles.lock() {
        if memo.len() >= KEEP {
            memo.remove(0);
        }
        memo.push(RememberedPost {
            key,
            title: post.title.to_string(),
            body: post.body.to_string(),
            tags: post.tags.to_vec(),
            profile: profile.clone(),
        });
    }
    profile
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_remembered_post_is_used_only_for_the_same_text() {
        let tags = ["housing".to_string()];
        let post = PostContext {
            title: "Title",
            body: "Body",
            tags: &tags,
        };
        let remembered = RememberedPost {
            key: 7,
            title: "Title".into(),
            body: "Body".into(),
            tags: tags.to_vec(),
            profile: Arc::default(),
        };
        assert!(remembered.is(7, &post));
        assert!(!remembered.is(8, &post));
        // Same hash, other text (a collision): not the same post.
        let other = PostContext {
            body: "Another body",
            ..post
        };
        assert!(!remembered.is(7, &other));
    }
}
