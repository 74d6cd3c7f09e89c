//! Comment-to-post similarity: the share of the comment's content words (stemmed, stop
//! words and everyday words dropped) that also occur in the post (title, body, tags),
//! in the parent comment for replies, or in the site's own subject vocabulary (words
//! about migration, and words that talk about the article itself, such as "article" or
//! "thanks"). Dropping everyday words is a crude inverse-document-frequency weight: "people",
//! "day" or "think" say nothing about what a comment is about.

use std::hash::{Hash, Hasher};
use std::sync::Mutex;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use rust_stemmers::{Algorithm, Stemmer};

use super::normalize::Folded;

/// Stop words, everyday words, the site's vocabulary and the stemmer.
pub struct Relevance {
    stemmer: Stemmer,
    stop: HashSet<String>,
    common: HashSet<StemHash>,
    topic: HashSet<StemHash>,
    /// Every listed word, so most words need one look-up and no stemming at run time.
    known: HashMap<String, Known>,
    /// Stems of words met in earlier comments: a site's vocabulary repeats, and stemming
    /// is the dearest step of scoring. Shared by every evaluation with these rules.
    memo: Mutex<HashMap<String, Stem>>,
}

/// A stem stands for its 64-bit hash: comparing stems then needs no string kept, copied
/// or hashed again while scoring. Two stems may share a hash, and then one could count
/// as found in the post, or as an everyday word, when it is not; with a few thousand
/// stems in play the odds are about one in 10^12, far below the crudeness of the score.
type StemHash = u64;

/// The hash of a stem: the standard hasher (SipHash) with its fixed keys, so the lists,
/// the memo and every profile agree. It is worked out only when a stem is, so its cost
/// hides behind the stemmer's, and it scatters similar stems well.
fn stem_hash(stem: &str) -> StemHash {
    let mut h = std::hash::DefaultHasher::new();
    stem.hash(&mut h);
    h.finish()
}

/// A word's stem and what the lists say about it, found in one look-up.
#[derive(Clone, Copy)]
struct Stem {
    hash: StemHash,
    common: bool,
    topic: bool,
}

impl Stem {
    /// The stem with this hash, marked as the everyday and topic lists say.
    fn new(hash: StemHash, common: &HashSet<StemHash>, topic: &HashSet<StemHash>) -> Stem {
        Stem {
            hash,
            common: common.contains(&hash),
            topic: topic.contains(&hash),
        }
    }
}

/// What the lists say about a word.
enum Known {
    /// A stop word.
    Stop,
    /// A word of the everyday or topic lists.
    Stem(Stem),
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

/// The bytes `split_ascii_whitespace` cuts at, for one look-up per byte.
const SPACE: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = (b as u8).is_ascii_whitespace();
        b += 1;
    }
    t
};

/// The words of a words view worth scoring: runs of bytes between ASCII whitespace (as
/// `split_ascii_whitespace` cuts them) of two bytes or more, with a letter.
struct Words<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Iterator for Words<'a> {
    type Item = &'a str;

    // Inlined into the scoring loop: called once a word, the call itself was much of
    // the cost of cutting words.
    #[inline(always)]
    fn next(&mut self) -> Option<&'a str> {
        let bytes = self.text.as_bytes();
        loop {
            while self.at < bytes.len() && SPACE[bytes[self.at] as usize] {
                self.at += 1;
            }
            if self.at == bytes.len() {
                return None;
            }
            let start = self.at;
            self.at = word_end(bytes, start);
            // Cut at ASCII bytes, so on character boundaries.
            let w = &self.text[start..self.at];
            if w.len() > 1
                && (w.bytes().any(|b| b.is_ascii_alphabetic())
                    || (!w.is_ascii() && w.chars().any(|c| c.is_alphabetic())))
            {
                return Some(w);
            }
        }
    }
}

/// Where the run of bytes from `at` up to ASCII whitespace (or the end) ends. Cutting a
/// text into words is a large part of scoring, so most of it goes eight bytes at a time.
fn word_end(bytes: &[u8], mut at: usize) -> usize {
    const ONES: u64 = u64::from_le_bytes([1; 8]);
    while let Some(chunk) = bytes.get(at..at + 8) {
        let x = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
        // Flags bytes below b'!', where all ASCII whitespace is. The lowest flag is exact;
        // those above it may come from the borrow, and are never looked at.
        let low = x.wrapping_sub(ONES * 0x21) & !x & (ONES * 0x80);
        if low == 0 {
            at += 8;
            continue;
        }
        let first = at + (low.trailing_zeros() / 8) as usize;
        if SPACE[bytes[first] as usize] {
            return first;
        }
        at = first + 1;
    }
    while at < bytes.len() && !SPACE[bytes[at] as usize] {
        at += 1;
    }
    at
}

/// Words of a comment looked at (stop words included).
const MAX_WORDS: usize = 100;

/// The stems counted so far in one comment: at most `MAX_WORDS`, so an open-addressed
/// table on the stack holds them without allocating (scoring is on every comment's path).
struct Seen {
    slots: [StemHash; SEEN_SLOTS],
    /// Whether the hash 0 was counted: 0 marks an empty slot.
    zero: bool,
}

/// Slots of `Seen`: a power of two above `MAX_WORDS`. Most comments have far fewer
/// content words, so probes stay short, and a small table is quick to clear.
const SEEN_SLOTS: usize = 128;
const _: () = assert!(SEEN_SLOTS.is_power_of_two() && SEEN_SLOTS > MAX_WORDS);

impl Seen {
    fn new() -> Self {
        Seen {
            slots: [0; SEEN_SLOTS],
            zero: false,
        }
    }

    /// Adds a stem; false when it was there already.
    fn insert(&mut self, hash: StemHash) -> bool {
        if hash == 0 {
            return !std::mem::replace(&mut self.zero, true);
        }
        // Stem hashes are evenly spread, so their low bits serve as the slot. Fewer
        // stems than slots are ever added, so an empty one is always found.
        let mut i = hash as usize;
        loop {
            let slot = &mut self.slots[i % SEEN_SLOTS];
            if *slot == hash {
                return false;
            }
            if *slot == 0 {
                *slot = hash;
                return true;
            }
            i = i.wrapping_add(1);
        }
    }
}

/// The stems of a text, for comparing against, and the stem of each of its words (a
/// comment shares many words with what it answers, and then needs no stemming).
#[derive(Debug, Default, Clone)]
pub struct Profile {
    stems: HashSet<StemHash>,
    words: HashMap<String, StemHash>,
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
        let mut stems = |words: &mut dyn Iterator<Item = String>| -> HashSet<StemHash> {
            let mut out = HashSet::default();
            for w in words {
                for part in w.split(' ') {
                    let stem = stem_hash(&stemmer.stem(part));
                    stemmed.insert(part.to_string(), stem);
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
            .map(|(word, hash)| (word, Known::Stem(Stem::new(hash, &common, &topic))))
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

    /// The words of a words view worth scoring.
    fn words(folded: &Folded) -> Words<'_> {
        Words {
            text: &folded.words.text,
            at: 0,
        }
    }

    /// The stems of some folded texts.
    pub fn profile<'a>(&self, texts: impl IntoIterator<Item = &'a Folded>) -> Profile {
        let mut profile = Profile::default();
        for folded in texts {
            for w in Self::words(folded) {
                if self.stop.contains(w) || profile.words.contains_key(w) {
                    continue;
                }
                let stem = stem_hash(&self.stemmer.stem(w));
                profile.stems.insert(stem);
                profile.words.insert(w.to_string(), stem);
            }
        }
        profile
    }

    /// The stem of a word the lists do not have, from the memo (when there is one), else
    /// from the profiles when one of them has the word, else worked out; remembered.
    fn stem(
        &self,
        word: &str,
        against: &[&Profile],
        memo: Option<&mut HashMap<String, Stem>>,
    ) -> Stem {
        if let Some(stem) = memo.as_ref().and_then(|m| m.get(word)) {
            return *stem;
        }
        let hash = against
            .iter()
            .find_map(|p| p.words.get(word).copied())
            .unwrap_or_else(|| stem_hash(&self.stemmer.stem(word)));
        let stem = Stem::new(hash, &self.common, &self.topic);
        if let Some(memo) = memo {
            if memo.len() >= MEMO_WORDS {
                memo.clear();
            }
            memo.insert(word.to_string(), stem);
        }
        stem
    }

    /// Scores a comment against the profiles of what it answers.
    pub fn score(&self, comment: &Folded, against: &[&Profile]) -> Score {
        let (mut found, mut words, mut stops, mut content) = (0usize, 0usize, 0usize, 0usize);
        let mut seen = Seen::new();
        // Never waits: while another evaluation holds the memo, this one stems by itself.
        let mut memo = self.memo.try_lock().ok();
        // The opening of a comment shows what it is about; a bound keeps long comments cheap.
        for w in Self::words(comment).take(MAX_WORDS) {
            words += 1;
            let stem = match self.known.get(w) {
                Some(Known::Stop) => {
                    stops += 1;
                    continue;
                }
                Some(Known::Stem(stem)) => *stem,
                None => self.stem(w, against, memo.as_deref_mut()),
            };
            // The same stem again (a repeated word has the same one) is counted once.
            if stem.common || !seen.insert(stem.hash) {
                continue;
            }
            content += 1;
            if stem.topic || against.iter().any(|p| p.stems.contains(&stem.hash)) {
                found += 1;
            }
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

    #[test]
    fn words_are_cut_as_splitting_on_ascii_whitespace_cuts_them() {
        let expected = |text: &str| -> Vec<String> {
            text.split_ascii_whitespace()
                .filter(|w| {
                    w.len() > 1
                        && (w.bytes().any(|b| b.is_ascii_alphabetic())
                            || w.chars().any(char::is_alphabetic))
                })
                .map(String::from)
                .collect()
        };
        let texts = [
            " housing benefit | 28 days ",
            "abcdefgh ijklmnopqrstuvwxyz\tab\x0cform\rfeed\nline",
            "exactly8 exactly16_bytes_ exactly8",
            "ctl\x01byte\x1fkept \x7fdel !!!!!!!!!!!!!! a 1 22 x9",
            "dziękuję   za\u{a0}nbsp artykuł żółć 日本語 ab",
            "",
            "        ",
            "tail-without-space-after-eight-byte-chunks",
        ];
        for text in texts {
            let got: Vec<String> = Words { text, at: 0 }.map(String::from).collect();
            assert_eq!(got, expected(text), "{text:?}");
        }
    }
}
