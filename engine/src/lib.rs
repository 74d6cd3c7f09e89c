//! The house-rules engine. PURE: no IO, no clock, no database, no actix.
//! The caller loads the rule files (as text), gathers the facts (history, standing, time)
//! and hands them in; `evaluate` returns a verdict that explains itself.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod duplicates;
pub mod engine;
pub mod framing;
pub mod fuzzing;
pub mod identity;
pub mod input;
pub mod kinds;
pub mod lessons;
pub mod linking;
pub mod matchers;
pub mod model;
pub mod normalize;
pub mod pattern_set;
pub mod relevance;
pub mod rules;
#[cfg(test)]
mod tests;
pub mod train;
pub mod verdict;

pub use duplicates::Fingerprint;
pub use engine::evaluate;
pub use identity::Identity;
pub use input::{Decided, Facts, FormTiming, History, PostContext, Prior, Standing, Submission};
pub use lessons::Lessons;
pub use rules::{Limits, RuleError, RuleSet, SourceFile};
pub use verdict::{Action, Evidence, Field, Hit, HouseRule, Verdict};
