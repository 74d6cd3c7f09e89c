//! The moderation rules from the command line, and the shipped rules scored on the
//! labelled development corpus. The corpus bars are the issue's: leak rate ≤ 2 %, no
//! false rejects, auto-publish ≥ 85 %, accuracy ≥ 90 %.

use crate::cli::{fails, townhall};

use townhall::service::corpus::{self, CorpusLine, CorpusPost};
use townhall::service::rules::RulesSource;

fn read<T: for<'de> serde::Deserialize<'de>>(path: &str) -> Vec<T> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    corpus::parse_lines(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn the_shipped_rules_meet_the_bars_on_the_dev_corpus() {
    let posts: Vec<CorpusPost> = read("../shared/corpus/posts.jsonl");
    let lines: Vec<CorpusLine> = read("../shared/corpus/dev.jsonl");
    let rules = RulesSource::Dir("moderation-rules".into())
        .load()
        .expect("the shipped rules load");
    let outputs = corpus::replay(&rules, &posts, &lines).expect("replay");
    let report = corpus::score(&lines, &outputs);
    println!("{report}");
    assert_eq!(report.lines, 204);
    assert!(
        report.leak_rate <= 0.02,
        "leak rate {:.3}",
        report.leak_rate
    );
    assert_eq!(
        report.false_reject_rate, 0.0,
        "legitimate comments were rejected"
    );
    assert!(
        report.auto_publish_rate >= 0.85,
        "auto-publish {:.3}",
        report.auto_publish_rate
    );
    assert!(report.accuracy >= 0.90, "accuracy {:.3}", report.accuracy);
    // Every decision explains itself: a held or rejected line names a rule and its reason.
    for o in outputs.iter().filter(|o| o.action.as_str() != "publish") {
        assert!(
            !o.hits.is_empty() && !o.hits[0].reason.is_empty(),
            "{}",
            o.id
        );
    }
    // The flood scenario closes its thread at the 5th copy.
    let closed: Vec<&str> = outputs
        .iter()
        .filter(|o| o.thread_closed)
        .map(|o| o.id.as_str())
        .collect();
    assert_eq!(closed.first().copied(), Some("d140"), "{closed:?}");
}

#[test]
fn rules_check_reads_json_lines_and_writes_verdicts() {
    let input = concat!(
        r#"{"id":"a","post":{"id":"x","title":"Housing for refugees","tags":["housing"],"body":"Councils and hotels."},"author":"Jo","email":"jo@example.org","ip":"192.0.2.1","seconds_on_page":60,"honeypot":"","body":"Councils must find housing for refugees leaving hotels."}"#,
        "\n",
        r#"{"id":"b","post":{"id":"x","title":"Housing","tags":[],"body":""},"author":"Bot","email":"b@example.org","ip":"192.0.2.2","seconds_on_page":1,"honeypot":"http://spam.example","body":"Nice post"}"#,
        "\n"
    );
    let dir = tempfile::tempdir().unwrap();
    let (code, out, err) = townhall(dir.path(), &["rules", "check"], &[], Some(input));
    assert_eq!(code, 0, "{err}");
    let verdicts: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    assert_eq!(verdicts.len(), 2);
    assert_eq!(verdicts[0]["action"], "publish");
    assert_eq!(verdicts[1]["action"], "reject");
    assert_eq!(verdicts[1]["hits"][0]["rule"], "spam.honeypot");
    assert_eq!(verdicts[1]["hits"][0]["house_rule"], 3);
    assert_eq!(verdicts[1]["thread_closed"], false);
}

fn shipped_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("moderation-rules")
}

#[test]
fn rules_lint_accepts_the_shipped_rules_and_names_the_line_of_a_broken_edit() {
    let dir = tempfile::tempdir().unwrap();
    let (code, out, err) = townhall(dir.path(), &["rules", "lint"], &[], None);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("rules OK in the rules built into this binary"),
        "{out}"
    );

    let broken = dir.path().join("rules");
    std::fs::create_dir_all(broken.join("lists")).unwrap();
    for entry in std::fs::read_dir(shipped_dir().join("lists")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, broken.join("lists").join(path.file_name().unwrap())).unwrap();
    }
    let toml = std::fs::read_to_string(shipped_dir().join("house-rules.toml")).unwrap();
    let edited = toml.replacen("kind = \"volume\"", "kind = \"volumes\"", 1);
    let line = edited.lines().position(|l| l.contains("volumes")).unwrap() + 1;
    std::fs::write(broken.join("house-rules.toml"), edited).unwrap();
    let err = fails(
        dir.path(),
        &["rules", "lint", "--dir", broken.to_str().unwrap()],
        &[],
        None,
    );
    assert!(err.contains(&format!("house-rules.toml:{line}:")), "{err}");
    assert!(err.contains("unknown kind `volumes`"), "{err}");
}

#[test]
fn rules_test_prints_the_figures_and_a_table_per_category() {
    let dir = tempfile::tempdir().unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let (code, out, err) = townhall(
        dir.path(),
        &[
            "rules",
            "test",
            "--posts",
            root.join("posts.jsonl").to_str().unwrap(),
            "--corpus",
            root.join("dev.jsonl").to_str().unwrap(),
            "--dir",
            shipped_dir().to_str().unwrap(),
        ],
        &[],
        None,
    );
    assert_eq!(code, 0, "{err}");
    for needle in [
        "leak rate",
        "false rejects",
        "auto-published",
        "accuracy",
        "scunthorpe",
        "anti-immigration-civil",
    ] {
        assert!(out.contains(needle), "{needle} in {out}");
    }
}
