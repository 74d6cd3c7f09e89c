//! Fuzz targets for the rules engine (with its folding), the comment renderer and the
//! WordPress importer. Under `cargo test` (stable) each first replays every seed, then
//! runs bolero's random engine for `DEFAULT_SECONDS` (or `BOLERO_RANDOM_TEST_TIME_MS`)
//! on inputs spliced from the seeds and random text or bytes. Under `cargo bolero test`
//! (nightly) libFuzzer drives the same inputs, guided by coverage.

use std::time::Duration;

mod checks;

use checks::{check_comment_renderer, check_engine, check_wxr, hostile_seeds, wxr_seeds};

/// How long each target runs on stable when `BOLERO_RANDOM_TEST_TIME_MS` is not set.
const DEFAULT_SECONDS: u64 = 20;

fn budget() -> Duration {
    Duration::from_secs(DEFAULT_SECONDS)
}

/// A seed picked by a fuzzed index.
fn pick(seeds: &[String], i: u16) -> &str {
    &seeds[usize::from(i) % seeds.len()]
}

/// Text made from two seeds and fuzzed text between them; `mode` decides the mix, so
/// the engine reaches plain seeds, plain random text and every splice.
fn splice(seeds: &[String], a: u16, b: u16, noise: &str, mode: u8) -> String {
    match mode % 4 {
        0 => pick(seeds, a).to_owned(),
        1 => noise.to_owned(),
        2 => format!("{}{noise}", pick(seeds, a)),
        _ => format!("{}{noise}{}", pick(seeds, a), pick(seeds, b)),
    }
}

#[test]
fn rules_engine() {
    let seeds = hostile_seeds();
    assert!(seeds.len() > 1500, "the seeds were read: {}", seeds.len());
    for s in &seeds {
        check_engine(s, s);
    }
    bolero::check!()
        .with_type::<(u16, u16, String, u8, String)>()
        .with_test_time(budget())
        .for_each(|(a, b, noise, mode, name)| {
            let body = splice(&seeds, *a, *b, noise, *mode);
            let author = if mode & 4 == 0 {
                pick(&seeds, *b)
            } else {
                name.as_str()
            };
            check_engine(&body, author);
        });
}

#[test]
fn comment_renderer() {
    let seeds = hostile_seeds();
    for s in &seeds {
        check_comment_renderer(s);
    }
    bolero::check!()
        .with_type::<(u16, u16, String, u8)>()
        .with_test_time(budget())
        .for_each(|(a, b, noise, mode)| {
            check_comment_renderer(&splice(&seeds, *a, *b, noise, *mode));
        });
}

#[test]
fn wordpress_import() {
    let exports = wxr_seeds();
    let seeds = hostile_seeds();
    assert!(!exports.is_empty(), "the WordPress fixtures were read");
    for e in &exports {
        check_wxr(e);
    }
    bolero::check!()
        .with_type::<(u8, u32, u16, Vec<u8>, u8)>()
        .with_test_time(budget())
        .for_each(|(which, at, seed, bytes, mode)| {
            // An export cut somewhere, with a hostile string or raw bytes put in.
            let export = &exports[usize::from(*which) % exports.len()];
            let at = *at as usize % (export.len() + 1);
            let insert: &[u8] = if mode & 1 == 0 {
                pick(&seeds, *seed).as_bytes()
            } else {
                bytes
            };
            let mut input = export[..at].to_vec();
            input.extend_from_slice(insert);
            if mode & 2 == 0 {
                input.extend_from_slice(&export[at..]);
            }
            check_wxr(&input);
            check_wxr(bytes);
        });
}
