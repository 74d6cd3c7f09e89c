//! Comment-to-post similarity: the share of the comment's content words (stemmed, stop
//! words and everyday words dropped) that also occur in the post (title, body, tags),
//! in the parent comment for replies, or in the site's own subject vocabulary (words
//! about migration, and words that talk about the article itself, such as "article" or
//! "thanks"). Dropping everyday words is a crude inverse-document-frequency weight: "people",
//! "day" or "think" say nothing about what a comment is about.

use std::borrow::Cow;
use std::sync::Mutex;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use rust_stemmers::{Algorithm, Stemmer};

use super::normalize::Folded;

/// Stop words, everyday words, the site's vocabulary and the stemmer.
pub struct Relevance {
    stemmer: Stemmer,
    stop: HashSet<String>,
    common: HashSet<String>,
    topic: HashSet<String>,
    /// Every listed word, so most words need one look-up and no stemming at run time.
    known: HashMap<String, Known>,
    /// Stems of words met in earlier comments: a site's vocabulary repeats, and stemming
    /// is the dearest step of scoring. Shared by every evaluation with these rules.
    memo: Mutex<HashMap<String, String>>,
}

/// What the lists say about a word.
enum Known {
    /// A stop word.
    Stop,
    /// A word of the everyday or topic lists: its stem, and whether that stem is an
    /// everyday one or a topic one.
    Stem {
        stem: String,
        common: bool,
        topic: bool,
    },
}

/// Words whose stems are remembered; the memo starts afresh when it is full.
const MEMO_WORDS: usize = 20_000;

impl std::fmt::Debug for Relevance {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Relevance")
            .field("stop", &self.stop.len())
            .field("common", &self.common.len())
            .finish()
    }
}

/// Words of a comment looked at (stop words included).
const MAX_WORDS: usize = 100;

/// The stems of a text, for comparing against, and the stem of each of its words (a
/// comment shares many words with what it answers, and then needs no stemming).
#[derive(Debug, Default, Clone)]
pub struct Profile {
    stems: HashSet<String>,
    words: HashMap<String, String>,
}

/// How a comment relates to what it answers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Score {
    /// Weighted share of content words found in the post or parent, `0.0..=1.0`.
    pub overlap: f32,
    /// Number of content words in the comment.
    pub content_words: usize,
    /// Share of the comment's words that are English stop words (low for other languages).
    pub english: f32,
}

impl Relevance {
    /// Builds from stop words, everyday words and the site's vocabulary (already folded).
    pub fn new(
        stop: impl IntoIterator<Item = String>,
        common: impl IntoIterator<Item = String>,
        topic: impl IntoIterator<Item = String>,
    ) -> Self {
        let stemmer = Stemmer::create(Algorithm::English);
        let mut stemmed = HashMap::default();
        let mut stems = |words: &mut dyn Iterator<Item = String>| -> HashSet<String> {
            let mut out = HashSet::default();
            for w in words {
                for part in w.split(' ') {
                    let stem = stemmer.stem(part).into_owned();
                    stemmed.insert(part.to_string(), stem.clone());
                    out.insert(stem);
                }
            }
            out
        };
        let common = stems(&mut common.into_iter());
        let topic = stems(&mut topic.into_iter());
        let stop: HashSet<String> = stop.into_iter().collect();
        let mut known: HashMap<String, Known> = stemmed
            .into_iter()
            .map(|(word, stem)| {
                let known = Known::Stem {
                    common: common.contains(&stem),
                    topic: topic.contains(&stem),
                    stem,
                };
                (word, known)
            })
            .collect();
        // A stop word is counted as one even when a list also has it.
        known.extend(stop.iter().map(|w| (w.clone(), Known::Stop)));
        Relevance {
            stemmer,
            stop,
            common,
            topic,
            known,
            memo: Mutex::new(HashMap::default()),
        }
    }

    /// The words of a words view worth scoring. The view holds no whitespace but the
    /// single spaces between words, so splitting on ASCII whitespace cuts it the same
    /// way as splitting on spaces, only faster.
    fn words(folded: &Folded) -> impl Iterator<Item = &str> {
        folded.words.text.split_ascii_whitespace().filter(|w| {
            w.len() > 1
                && *w != "|"
                && (w.bytes().any(|b| b.is_ascii_alphabetic())
                    || (!w.is_ascii() && w.chars().any(|c| c.is_alphabetic())))
        })
    }

    /// The stems of some folded texts.
    pub fn profile<'a>(&self, texts: impl IntoIterator<Item = &'a Folded>) -> Profile {
        let mut profile = Profile::default();
        for folded in texts {
            for w in Self::words(folded) {
                if self.stop.contains(w) || profile.words.contains_key(w) {
                    continue;
                }
                let stem = self.stemmer.stem(w).into_owned();
                profile.stems.insert(stem.clone());
                profile.words.insert(w.to_string(), stem);
            }
        }
        profile
    }

    /// The stem of a word the lists do not have, from the profiles when one of them has
    /// the word, else from the memo (when there is one), else worked out and remembered.
    fn stem<'a>(
        &self,
        word: &'a str,
        against: &[&'a Profile],
        memo: Option<&mut HashMap<String, String>>,
    ) -> Cow<'a, str> {
        if let Some(stem) = against.iter().find_map(|p| p.words.get(word)) {
            return Cow::Borrowed(stem);
        }
        let Some(memo) = memo else {
            return Cow::Owned(self.stemmer.stem(word).into_owned());
        };
        if let Some(stem) = memo.get(word) {
            return Cow::Owned(stem.clone());
        }
        let stem = self.stemmer.stem(word).into_owned();
        if memo.len() >= MEMO_WORDS {
            memo.clear();
        }
        memo.insert(word.to_string(), stem.clone());
        Cow::Owned(stem)
    }

    /// Scores a comment against the profiles of what it answers.
    pub fn score<'a>(&'a self, comment: &'a Folded, against: &[&'a Profile]) -> Score {
        let (mut found, mut words, mut stops, mut content) = (0usize, 0usize, 0usize, 0usize);
        let mut seen_words = HashSet::with_capacity_and_hasher(MAX_WORDS, Default::default());
        let mut seen: HashSet<Cow<'a, str>> =
            HashSet::with_capacity_and_hasher(MAX_WORDS, Default::default());
        // Never waits: while another evaluation holds the memo, this one stems by itself.
        let mut memo = self.memo.try_lock().ok();
        // The opening of a comment shows what it is about; a bound keeps long comments cheap.
        for w in Self::words(comment).take(MAX_WORDS) {
            words += 1;
            let known = self.known.get(w);
            if let Some(Known::Stop) = known {
                stops += 1;
                continue;
            }
            // The same word again has the same stem: counted once.
            if !seen_words.insert(w) {
                continue;
            }
            let (stem, common, topic) = match known {
                Some(Known::Stem {
                    stem,
                    common,
                    topic,
                }) => (Cow::Borrowed(stem.as_str()), *common, *topic),
                _ => {
                    let stem = self.stem(w, against, memo.as_deref_mut());
                    let common = self.common.contains(stem.as_ref());
                    let topic = self.topic.contains(stem.as_ref());
                    (stem, common, topic)
                }
            };
            if common || seen.contains(stem.as_ref()) {
                continue;
            }
            content += 1;
            if topic || against.iter().any(|p| p.stems.contains(stem.as_ref())) {
                found += 1;
            }
            seen.insert(stem);
        }
        Score {
            overlap: if content > 0 {
                found as f32 / content as f32
            } else {
                1.0
            },
            content_words: content,
            english: if words > 0 {
                stops as f32 / words as f32
            } else {
                0.0
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::normalize::fold;
    use super::*;

    fn relevance() -> Relevance {
        let stop = [
            "the", "a", "of", "to", "and", "is", "in", "on", "for", "we", "it", "i", "did", "you",
            "what", "at",
        ]
        .map(String::from);
        let common = ["people", "see", "show"].map(String::from);
        Relevance::new(stop, common, ["article".to_string()])
    }

    #[test]
    fn on_topic_comments_overlap_more_than_off_topic_ones() {
        let r = relevance();
        let post = fold("Charging for NHS care keeps migrants away from doctors and hospitals.");
        let profile = r.profile([&post]);
        let on = r.score(
            &fold("The charges frightened my mother away from the hospital."),
            &[&profile],
        );
        let off = r.score(
            &fold("Did you see what Taylor Swift wore at the Wembley show?"),
            &[&profile],
        );
        assert!(on.overlap > 0.3, "{on:?}");
        assert!(off.overlap < 0.1, "{off:?}");
        assert!(on.english > 0.2);
        let thanks = r.score(&fold("Lovely article, thank you"), &[&profile]);
        assert!(thanks.overlap > 0.3, "{thanks:?}");
    }

    #[test]
    fn remembered_stems_give_the_same_scores() {
        let r = relevance();
        let post = fold("Charging for NHS care keeps migrants away from doctors and hospitals.");
        let profile = r.profile([&post]);
        let comment = fold("Hospital charges frighten families; doctors worry too.");
        let first = r.score(&comment, &[&profile]);
        let remembered = r.memo.lock().map(|m| m.len()).unwrap_or(0);
        assert!(remembered > 0, "new words' stems are remembered");
        assert_eq!(r.score(&comment, &[&profile]), first);
        // Held by another evaluation: this one stems by itself, with the same result.
        let _busy = r.memo.lock();
        assert_eq!(r.score(&comment, &[&profile]), first);
    }

    #[test]
    fn other_languages_have_few_english_stop_words() {
        let r = relevance();
        let s = r.score(
            &fold("Dziękuję za ten artykuł. Moja mama od roku czeka na miejsce."),
            &[],
        );
        assert!(s.english < 0.1, "{s:?}");
    }
}
