//! Many patterns searched together: one forward pass of a lazy DFA says which of them
//! match somewhere in a text. It reports no spans, so it needs no reverse automaton and
//! no capture slots, and it is built from the patterns already parsed when the rules
//! were checked (each pattern is parsed once).

use std::sync::Mutex;

use regex_automata::hybrid::dfa::{Cache, DFA};
use regex_automata::nfa::thompson::{self, WhichCaptures};
use regex_automata::{Input, MatchKind};
use regex_syntax::hir::Hir;

/// The lazy DFA's cache (per search in flight): the default 2 MiB is too small for every
/// pattern at once, and a cache cleared over and over makes the search crawl.
const CACHE_BYTES: usize = 8 << 20;

/// Patterns compiled into one lazy DFA.
#[derive(Debug)]
pub struct PatternSet {
    dfa: DFA,
    /// Caches of finished searches, reused by the next ones (one per concurrent search).
    caches: Mutex<Vec<Cache>>,
}

impl PatternSet {
    /// Compiles parsed patterns; member `k` of the answers is `patterns[k]`.
    pub fn new(patterns: &[Hir]) -> Result<PatternSet, String> {
        let nfa = thompson::Compiler::new()
            .configure(
                thompson::Config::new()
                    .which_captures(WhichCaptures::None)
                    .nfa_size_limit(Some(64 << 20)),
            )
            .build_many_from_hir(patterns)
            .map_err(|e| e.to_string())?;
        let dfa = DFA::builder()
            .configure(
                DFA::config()
                    .match_kind(MatchKind::All)
                    .cache_capacity(CACHE_BYTES),
            )
            .build_from_nfa(nfa)
            .map_err(|e| e.to_string())?;
        Ok(PatternSet {
            dfa,
            caches: Mutex::new(Vec::new()),
        })
    }

    /// The indices of the patterns that match `text` somewhere, in order.
    pub fn matching(&self, text: &str) -> Vec<usize> {
        let cache = self.caches.lock().ok().and_then(|mut c| c.pop());
        let mut cache = cache.unwrap_or_else(|| self.dfa.create_cache());
        let mut found = regex_automata::PatternSet::new(self.dfa.pattern_len());
        // The DFA never gives up (no clear-count limit) and has no quit bytes (the rules'
        // word boundaries are ASCII), so an error cannot happen; were it to, the text
        // would simply match nothing more than was found.
        let _ = self
            .dfa
            .try_which_overlapping_matches(&mut cache, &Input::new(text), &mut found);
        if let Ok(mut caches) = self.caches.lock() {
            caches.push(cache);
        }
        found.iter().map(|p| p.as_usize()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(patterns: &[&str]) -> PatternSet {
        let hirs: Vec<Hir> = patterns
            .iter()
            .map(|p| regex_syntax::Parser::new().parse(p).expect("pattern"))
            .collect();
        PatternSet::new(&hirs).expect("set")
    }

    #[test]
    fn reports_every_pattern_that_matches_even_overlapping_ones() {
        let s = set(&[
            r"(?-u:\b)burn(?-u:\b)",
            r"burn it down",
            r"boats?",
            r"nowhere",
        ]);
        assert_eq!(s.matching(" burn it down "), vec![0, 1]);
        assert_eq!(s.matching(" sink the boat "), vec![2]);
        assert!(s.matching(" sunburnt ").is_empty());
    }

    #[test]
    fn a_cache_is_reused_and_searches_stay_independent() {
        let s = set(&["abc", "xyz"]);
        for _ in 0..3 {
            assert_eq!(s.matching("xyz"), vec![1]);
            assert_eq!(s.matching("abc"), vec![0]);
        }
        assert_eq!(s.caches.lock().map(|c| c.len()).unwrap_or(0), 1);
    }
}
