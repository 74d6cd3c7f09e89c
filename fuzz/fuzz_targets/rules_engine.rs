//! The rules engine with its text folding, on the shipped moderation rules: a name and a
//! comment from the input (see `townhall::fuzzing::rules_engine`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| townhall::fuzzing::rules_engine(data));
