//! The fuzz targets' seeds, replayed under `cargo test`: every input that `.ci/fuzz`
//! starts libFuzzer from goes once through the same checks (`townhall::fuzzing`), so a
//! regression on a known hostile input shows without the fuzzer. The fuzzing itself,
//! coverage-guided, is `cargo fuzz` on the targets in `fuzz/` (docs/src/tests/fuzzing.md).

use std::path::{Path, PathBuf};

use townhall::fuzzing;

fn badinput_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/badinput")
}

/// Every file under `dir`, sorted.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            out.extend(files(&path));
        } else {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// What `.ci/fuzz` seeds the text targets with: every file of `../shared/badinput`
/// whole and each of its lines alone, and the strings of `blns.json` as decoded (some
/// hold characters no line can, such as NUL).
fn hostile_seeds() -> Vec<Vec<u8>> {
    let mut seeds = Vec::new();
    for path in files(&badinput_dir()) {
        let bytes = std::fs::read(&path).expect("a badinput file");
        seeds.extend(bytes.split(|&b| b == b'\n').map(<[u8]>::to_vec));
        seeds.push(bytes);
    }
    let blns = std::fs::read_to_string(badinput_dir().join("blns.json")).expect("blns.json");
    let strings: Vec<String> = serde_json::from_str(&blns).expect("blns.json is a list of strings");
    seeds.extend(strings.into_iter().map(String::into_bytes));
    seeds.sort();
    seeds.dedup();
    seeds
}

/// The WordPress exports of the import tests (`tests/fixtures/*.xml`).
fn wxr_seeds() -> Vec<Vec<u8>> {
    files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures"))
        .iter()
        .filter(|p| p.extension().is_some_and(|x| x == "xml"))
        .map(|p| std::fs::read(p).expect("a fixture"))
        .collect()
}

#[test]
fn rules_engine() {
    let seeds = hostile_seeds();
    assert!(seeds.len() > 1500, "the seeds were read: {}", seeds.len());
    for s in &seeds {
        fuzzing::rules_engine(s);
    }
    // A name and a comment apart (the target splits its input at the first NUL).
    for pair in seeds.windows(2).step_by(7) {
        fuzzing::rules_engine(&[&pair[0][..], b"\0", &pair[1][..]].concat());
    }
}

/// Inputs the fuzzer found that once failed a check, kept so they are replayed.
const RENDERER_FINDINGS: &[&str] = &[
    // A no-break space before `javascript:` makes a relative address in a browser, which
    // the check once read as a script URL (it trimmed Unicode white space).
    "<IMG SRC=\"\u{a0}javascript:alvvvvvvvvv;\">\n",
];

#[test]
fn comment_renderer() {
    for s in &hostile_seeds() {
        fuzzing::comment_renderer(s);
    }
    for s in RENDERER_FINDINGS {
        fuzzing::comment_renderer(s.as_bytes());
    }
}

#[test]
fn wordpress_import() {
    let exports = wxr_seeds();
    assert!(exports.len() >= 4, "the WordPress fixtures were read");
    for e in &exports {
        fuzzing::wordpress_import(e);
    }
    // Each export cut at 16 places with a hostile string put in (the rest kept, or not).
    let seeds = hostile_seeds();
    let mut n = 0;
    for e in &exports {
        for i in 0..16 {
            let at = e.len() * i / 16;
            let insert = &seeds[(n * 97) % seeds.len()];
            let tail: &[u8] = if i % 2 == 0 { &e[at..] } else { b"" };
            fuzzing::wordpress_import(&[&e[..at], insert, tail].concat());
            n += 1;
        }
    }
    for s in seeds.iter().step_by(5) {
        fuzzing::wordpress_import(s);
    }
}
