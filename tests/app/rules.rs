//! The moderation rules from the command line, and the shipped rules scored on the
//! labelled development corpus. The corpus bars: no leak, no false rejects, accuracy
//! ≥ 95 %, auto-publish ≥ 85 % (the goal is 90 %; the shipped engine reaches 86.7 %).

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
    assert_eq!(report.leak_rate, 0.0, "a harmful line was published");
    assert_eq!(
        report.false_reject_rate, 0.0,
        "legitimate comments were rejected"
    );
    assert!(
        report.auto_publish_rate >= 0.85,
        "auto-publish {:.3}",
        report.auto_publish_rate
    );
    assert!(report.accuracy >= 0.95, "accuracy {:.3}", report.accuracy);
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

/// Writes `lines` JSON objects to `dir/name`.
fn write_lines(dir: &std::path::Path, name: &str, lines: &[serde_json::Value]) {
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    std::fs::write(dir.join(name), text).unwrap();
}

#[test]
fn rules_train_writes_models_that_load_and_does_so_the_same_way_twice() {
    use serde_json::json;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    let mut hateval = Vec::new();
    let mut spans = Vec::new();
    let mut toxigen = Vec::new();
    let mut sms = Vec::new();
    let mut civil = Vec::new();
    let mut abuse = Vec::new();
    let mut adverts = Vec::new();
    let mut allegations = Vec::new();
    for i in 0..40 {
        let split = if i % 5 == 0 { "val" } else { "train" };
        hateval.push(
            json!({"text": format!("they are vermin number {i}"), "label": "hate", "split": split}),
        );
        hateval.push(json!({"text": format!("lovely weather in town {i}"), "label": "not_hate", "split": split}));
        spans.push(json!({"text": format!("you idiot {i}"), "spans": [], "split": if i % 4 == 0 { "tsd_test" } else { "tsd_train" }}));
        toxigen.push(json!({"text": format!("those people are animals {i}"), "label": "hate"}));
        toxigen
            .push(json!({"text": format!("people moved here for work {i}"), "label": "neutral"}));
        sms.push(json!({"text": format!("WIN a prize, call now {i}"), "label": "spam"}));
        sms.push(json!({"text": format!("see you at dinner {i}"), "label": "ham"}));
        civil.push(json!({"text": format!("thanks for the article about housing {i}")}));
        abuse.push(json!({"text": format!("burn the hostel down tonight {i}")}));
        adverts.push(json!({"text": format!("cheap pills, order now {i}"), "label": "spam"}));
        adverts.push(json!({"text": format!("the visa fee went up again {i}"), "label": "ham"}));
        allegations.push(json!({"text": format!("councillor smith pocketed the grant {i}"), "label": "allegation"}));
        allegations.push(
            json!({"text": format!("councillor smith voted for the plan {i}"), "label": "civil"}),
        );
    }
    write_lines(&data, "hateval.jsonl", &hateval);
    write_lines(&data, "toxic_spans.jsonl", &spans);
    write_lines(&data, "toxigen.jsonl", &toxigen);
    write_lines(&data, "sms_spam.jsonl", &sms);
    write_lines(&data, "civil-comments.jsonl", &civil);
    write_lines(&data, "abuse-written.jsonl", &abuse);
    write_lines(&data, "adverts-written.jsonl", &adverts);
    write_lines(&data, "allegations-written.jsonl", &allegations);

    // A rules folder: the shipped one, whose models the training replaces.
    let rules = dir.path().join("rules");
    copy_dir(&shipped_dir(), &rules);
    let data_arg = data.to_str().unwrap();
    let train = [
        "rules",
        "train",
        "--data",
        data_arg,
        "--own",
        data_arg,
        "--posts",
        "none.jsonl",
        "--date",
        "2026-12-06",
        "--out",
        rules.to_str().unwrap(),
    ];
    let (code, out, err) = townhall(dir.path(), &train, &[], None);
    assert_eq!(code, 0, "{err}");
    for name in ["civility", "abuse", "spam", "allegation"] {
        assert!(
            out.contains(&format!("models/{name}.model: suggested hold_at")),
            "{out}"
        );
    }
    assert!(
        out.contains("hateval_val:"),
        "validation figures are printed: {out}"
    );
    let first = std::fs::read(rules.join("models/civility.weights")).unwrap();
    let manifest = std::fs::read_to_string(rules.join("models/civility.model")).unwrap();
    assert!(
        manifest.contains("name = \"hateval.jsonl, split train\""),
        "{manifest}"
    );
    assert!(manifest.contains("licence = \"CC0 1.0\""), "{manifest}");
    let (code, _, err) = townhall(
        dir.path(),
        &["rules", "lint", "--dir", rules.to_str().unwrap()],
        &[],
        None,
    );
    assert_eq!(code, 0, "the trained models load: {err}");

    let (code, _, err) = townhall(dir.path(), &train, &[], None);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        std::fs::read(rules.join("models/civility.weights")).unwrap(),
        first,
        "reproducible"
    );
    assert_eq!(
        std::fs::read_to_string(rules.join("models/civility.model")).unwrap(),
        manifest
    );
}

pub(crate) fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

#[test]
fn rules_lint_names_a_damaged_or_missing_model() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules");
    copy_dir(&shipped_dir(), &rules);
    let weights = rules.join("models/abuse.weights");
    let text = std::fs::read_to_string(&weights).unwrap();
    std::fs::write(&weights, text.replacen('A', "B", 1)).unwrap();
    let lint = ["rules", "lint", "--dir", rules.to_str().unwrap()];
    let err = fails(dir.path(), &lint, &[], None);
    assert!(err.contains("models/abuse.model"), "{err}");
    assert!(err.contains("does not match weights_sha256"), "{err}");
    std::fs::remove_file(&weights).unwrap();
    let err = fails(dir.path(), &lint, &[], None);
    assert!(
        err.contains("models/abuse.weights") && err.contains("not found"),
        "{err}"
    );
}
