//! The rules engine with its text folding, on the shipped moderation rules: a name and a
//! comment from the input (see `townhall_engine::fuzzing::rules_engine`). Needs only the
//! engine crate: `cargo fuzz build --no-default-features rules_engine` builds no web
//! framework and no database.
#![no_main]

use std::sync::LazyLock;

use townhall_engine::{RuleSet, SourceFile};

#[path = "../../engine/support/shipped.rs"]
mod shipped;

/// The rule files of `moderation-rules/`, read from disk and compiled once.
static RULES: LazyLock<RuleSet> = LazyLock::new(|| {
    RuleSet::compile(&shipped::shipped()).expect("the shipped rules compile")
});

libfuzzer_sys::fuzz_target!(|data: &[u8]| townhall_engine::fuzzing::rules_engine(&RULES, data));
