//! Text folding against evasion.

use std::collections::BTreeSet;

/// The distinct lower-cased words of a text (letters and digits), for fingerprints.
pub fn word_set(text: &str) -> BTreeSet<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}
