//! The comment renderer (Markdown subset, then ammonia) and the post renderer: the HTML
//! must be inert (see `townhall::fuzzing::comment_renderer`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| townhall::fuzzing::comment_renderer(data));
