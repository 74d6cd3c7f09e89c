//! How the words around a hit frame it: reported to us ("he called me a …"), claimed about
//! oneself ("I'm a proud …"), or disputed ("not all migrants are …", "the myth that …").
//! The patterns are data (`[engine]` in the rule files); a rule says what a framed hit
//! asks for (`reported_action`, `countered_action`).

use regex::Regex;

/// How many bytes before a hit are read for its framing.
const BEFORE: usize = 80;
/// How many bytes after a hit are read for a rebuttal or an endorsement.
const AFTER: usize = 60;
/// How many bytes of the sentence before a hit are read for a speech verb.
const SENTENCE: usize = 200;

/// The compiled framing patterns of a rule set.
#[derive(Debug, Default)]
pub struct Framing {
    /// Matches the lower-cased text just before a hit that reports or claims it.
    pub(crate) reported: Option<Regex>,
    /// Matches the lower-cased text just before a hit that disputes it.
    pub(crate) countered_before: Option<Regex>,
    /// Matches the lower-cased text just after a hit that rebuts it ("… is a lie").
    pub(crate) countered_after: Option<Regex>,
    /// Matches the lower-cased text just after a hit that endorses it ("… and they're
    /// right"): such a hit is not disputed, whatever came before it.
    pub(crate) endorsed_after: Option<Regex>,
    /// Matches the lower-cased sentence before a hit when it reports or disputes words: the
    /// hit is held at most.
    pub(crate) quoting_sentence: Option<Regex>,
    /// Matches the lower-cased text after a hit when it attributes or disputes the words
    /// ("…,' he shouted", "… That's a lie."): the hit is held at most.
    pub(crate) quoting_after: Option<Regex>,
}

impl Framing {
    /// Whether the words just before `start` report the hit or claim it for oneself.
    pub fn is_reported(&self, raw: &str, start: usize) -> bool {
        self.reported
            .as_ref()
            .is_some_and(|re| re.is_match(&before(raw, start, BEFORE)))
    }

    /// Whether the hit's own evidence runs from a speaker to the words reported ("a woman
    /// called me a cockroach"): the words before one of its later words report them. The
    /// evidence may also be the writer's own framing ("…, said nobody who…"), so the caller
    /// lowers such a hit no further than a hold.
    pub fn is_reported_within(&self, raw: &str, start: usize, end: usize) -> bool {
        let Some(re) = self.reported.as_ref() else {
            return false;
        };
        let end = end.min(raw.len());
        raw.get(start..end)
            .unwrap_or_default()
            .char_indices()
            .filter(|&(_, c)| c.is_whitespace())
            .map(|(i, c)| start + i + c.len_utf8())
            .any(|at| re.is_match(&before(raw, at, BEFORE)))
    }

    /// Whether the sentence the hit stands in reports or disputes words: a speech verb some
    /// way before it ("racist", "myth" too), or words after it that attribute the quotation
    /// or call it a lie. The hit is held at most.
    pub fn in_quoting_sentence(&self, raw: &str, start: usize, end: usize) -> bool {
        self.quoting_sentence
            .as_ref()
            .is_some_and(|re| re.is_match(&sentence_before(raw, start)))
            || self
                .quoting_after
                .as_ref()
                .is_some_and(|re| re.is_match(&after(raw, end, SENTENCE)))
    }

    /// Whether the words around `start..end` dispute the hit instead of asserting it.
    pub fn is_countered(&self, raw: &str, start: usize, end: usize) -> bool {
        let after = after(raw, end, AFTER);
        if self
            .endorsed_after
            .as_ref()
            .is_some_and(|re| re.is_match(&after))
        {
            return false;
        }
        self.countered_before
            .as_ref()
            .is_some_and(|re| re.is_match(&before(raw, start, BEFORE)))
            || self
                .countered_after
                .as_ref()
                .is_some_and(|re| re.is_match(&after))
    }
}

/// Up to `len` bytes before `start`, lower-cased, cut on a character boundary.
fn before(raw: &str, start: usize, len: usize) -> String {
    let start = start.min(raw.len());
    let mut from = start.saturating_sub(len);
    while !raw.is_char_boundary(from) {
        from += 1;
    }
    raw.get(from..start).unwrap_or_default().to_lowercase()
}

/// The sentence before `start`, lower-cased: back to the last full stop, question or
/// exclamation mark or line break, and no further than `SENTENCE` bytes.
fn sentence_before(raw: &str, start: usize) -> String {
    let text = before(raw, start, SENTENCE);
    let from = text.rfind(['.', '!', '?', '\n']).map_or(0, |i| i + 1);
    text[from..].to_owned()
}

/// Up to `len` bytes after `end`, lower-cased, cut on a character boundary.
fn after(raw: &str, end: usize, len: usize) -> String {
    let end = end.min(raw.len());
    let mut to = (end + len).min(raw.len());
    while !raw.is_char_boundary(to) {
        to -= 1;
    }
    raw.get(end..to).unwrap_or_default().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn framing() -> Framing {
        Framing {
            reported: Some(Regex::new(r"\bcalled (?:me|us) (?:an? )?$").unwrap()),
            countered_before: Some(Regex::new(r"\bnot all $").unwrap()),
            countered_after: Some(Regex::new(r"^ is a lie\b").unwrap()),
            endorsed_after: Some(Regex::new(r"^[^.]*\bthey are right\b").unwrap()),
            quoting_sentence: Some(Regex::new(r"\bshouted\b").unwrap()),
            quoting_after: Some(Regex::new(r"^[^.!?]*[.!?]?' he said").unwrap()),
        }
    }

    fn hit(text: &str, evidence: &str) -> (usize, usize) {
        let start = text.find(evidence).unwrap();
        (start, start + evidence.len())
    }

    #[test]
    fn a_disputed_claim_is_countered_and_an_endorsed_one_is_not() {
        let f = framing();
        let text = "Not all migrants are thieves, and those saying so are wrong.";
        let (s, e) = hit(text, "migrants are thieves");
        assert!(f.is_countered(text, s, e));
        let text = "That migrants are thieves is a lie.";
        let (s, e) = hit(text, "migrants are thieves");
        assert!(f.is_countered(text, s, e));
        let text = "Not all migrants are thieves, they say, and they are right.";
        let (s, e) = hit(text, "migrants are thieves");
        assert!(!f.is_countered(text, s, e));
        let text = "Migrants are thieves.";
        let (s, e) = hit(text, "Migrants are thieves");
        assert!(!f.is_countered(text, s, e));
    }

    #[test]
    fn a_hit_that_starts_with_its_speaker_is_reported_from_inside() {
        let f = framing();
        let text = "At a bus stop a woman called me a cockroach and walked off.";
        let (s, e) = hit(text, "woman called me a cockroach");
        assert!(!f.is_reported(text, s));
        assert!(f.is_reported_within(text, s, e));
        let text = "At a bus stop a woman is a cockroach.";
        let (s, e) = hit(text, "woman is a cockroach");
        assert!(!f.is_reported_within(text, s, e));
    }

    #[test]
    fn a_speech_verb_earlier_in_the_sentence_marks_it_as_quoting() {
        let f = framing();
        let text = "A man shouted at my daughter on the bus that she was a x. He got off.";
        let (s, e) = hit(text, "x.");
        assert!(f.in_quoting_sentence(text, s, e));
        let text = "A man shouted at us. You are all x.";
        let (s, e) = hit(text, "x.");
        assert!(!f.in_quoting_sentence(text, s, e));
        let text = "'Go home, you x!' he said, and walked off.";
        let (s, e) = hit(text, "x");
        assert!(f.in_quoting_sentence(text, s, e));
    }

    #[test]
    fn framing_reads_around_multibyte_text_without_panicking() {
        let f = framing();
        let text = "ééééééééééééééééééééééééééééééééééééééééééééééééé called us a x ééééééééééééééééééééééééééééééééé";
        let (s, e) = hit(text, "x");
        assert!(f.is_reported(text, s));
        assert!(!f.is_reported_within(text, s, e));
        assert!(!f.is_countered(text, s, e));
        assert!(!f.is_countered(text, text.len(), text.len() + 5));
        assert!(!f.in_quoting_sentence(text, s, e));
    }
}
