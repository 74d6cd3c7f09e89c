//! How the words around a hit frame it: reported to us ("he called me a …"), claimed about
//! oneself ("I'm a proud …"), or disputed ("not all migrants are …", "the myth that …").
//! The patterns are data (`[engine]` in the rule files); a rule says what a framed hit
//! asks for (`reported_action`, `countered_action`).

use regex::Regex;

/// How many bytes before a hit are read for its framing.
const BEFORE: usize = 80;
/// How many bytes after a hit are read for a rebuttal or an endorsement.
const AFTER: usize = 60;

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
}

impl Framing {
    /// Whether the words just before `start` report the hit or claim it for oneself.
    pub fn is_reported(&self, raw: &str, start: usize) -> bool {
        self.reported
            .as_ref()
            .is_some_and(|re| re.is_match(&before(raw, start)))
    }

    /// Whether the words around `start..end` dispute the hit instead of asserting it.
    pub fn is_countered(&self, raw: &str, start: usize, end: usize) -> bool {
        let after = after(raw, end);
        if self
            .endorsed_after
            .as_ref()
            .is_some_and(|re| re.is_match(&after))
        {
            return false;
        }
        self.countered_before
            .as_ref()
            .is_some_and(|re| re.is_match(&before(raw, start)))
            || self
                .countered_after
                .as_ref()
                .is_some_and(|re| re.is_match(&after))
    }
}

/// Up to `BEFORE` bytes before `start`, lower-cased, cut on a character boundary.
fn before(raw: &str, start: usize) -> String {
    let start = start.min(raw.len());
    let mut from = start.saturating_sub(BEFORE);
    while !raw.is_char_boundary(from) {
        from += 1;
    }
    raw.get(from..start).unwrap_or_default().to_lowercase()
}

/// Up to `AFTER` bytes after `end`, lower-cased, cut on a character boundary.
fn after(raw: &str, end: usize) -> String {
    let end = end.min(raw.len());
    let mut to = (end + AFTER).min(raw.len());
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
    fn framing_reads_around_multibyte_text_without_panicking() {
        let f = framing();
        let text = "ééééééééééééééééééééééééééééééééééééééééééééééééé called us a x ééééééééééééééééééééééééééééééééé";
        let (s, e) = hit(text, "x");
        assert!(f.is_reported(text, s));
        assert!(!f.is_countered(text, s, e));
        assert!(!f.is_countered(text, text.len(), text.len() + 5));
    }
}
